"""The panel's settings: what a learner types, checked, with messages a learner understands.

The ``parse_*`` functions turn a text field into a value or raise
:class:`~flux_widgets.errors.ConfigurationError`; :class:`Controls` holds the
widgets and shows each message beside the field that caused it. Besides the
bundled datasets, a learner can upload a CSV file of their own; a panel showing a
network given in code (``Panel(network=…)``) offers that network's data too
(:data:`NETWORK_CHOICE`).
"""

from __future__ import annotations

import hashlib
import html

import ipywidgets as widgets

from .. import palette
from ..activations import ActivationType
from ..costs import CostType
from ..datasets import DATASET_NAMES, DATASETS, Dataset, load_dataset, parse_csv
from ..network import predicted_class
from ..errors import ConfigurationError, DataError, FluxError
from ..checks import (MAX_LAYER_SIZE, MAX_UPLOAD_BYTES, learning_rate_note,  # noqa: F401
                      parse_batch_size, parse_init_scale, parse_layer_sizes, parse_learning_rate,
                      parse_seed, parse_shuffle_seed, parse_whole_number, seed_note)
from ..session import _number_text, parse_activations

__all__ = ["parse_layer_sizes", "parse_learning_rate", "parse_seed", "parse_iterations",
           "Controls", "CSV_CHOICE", "NETWORK_CHOICE", "MAX_LAYER_SIZE", "MAX_UPLOAD_BYTES"]

CSV_CHOICE = "csv"
_CSV_LABEL = "Your CSV file…"  # the bundled datasets' labels are in their records
UPLOAD_CSV = "Upload CSV…"  # the upload button (ipywidgets adds the count of files chosen)
NETWORK_CHOICE = "network"  # the data of a network given in code (Panel(network=…))
_NETWORK_LABEL = "Your network's data (given in code)"


def _activations_text(kinds):
    """``[TANH, RELU]`` → ``"tanh, relu"``, as typed in the per-layer field."""
    return ", ".join(kind.name.lower() for kind in kinds)


def _batch_text(batch_size):
    """A batch size as its field shows it: ``"all"`` for ``None`` (every sample)."""
    return "all" if batch_size is None else str(batch_size)


def parse_iterations(text):
    """``"500"`` → ``500``: how many iterations to train."""
    return parse_whole_number(text, "the number of iterations", 1, 10**6)


class Controls:
    """The settings widgets; ``values()`` returns them parsed or raises ConfigurationError.

    ``dataset()`` returns the chosen :class:`~flux_widgets.datasets.Dataset`.
    Choosing "Your CSV file…" (:data:`CSV_CHOICE`) shows ``csv_box``: the
    ``upload`` button, the ``label_column`` field and the ``standardize``
    checkbox. After :meth:`use_network_data` the dropdown also offers the data of a
    network given in code (:data:`NETWORK_CHOICE`). ``message`` shows the first problem
    (or nothing); ``note`` says what a typed learning rate or seed that is accepted but
    may surprise will do (see :func:`~flux_widgets.checks.learning_rate_note`). Nothing
    here touches a network, so an invalid value never disturbs the one on screen.
    """

    def __init__(self, layers="8, 4, 1", hidden="leaky_relu", output="sigmoid",
                 learning_rate=1.0, dataset="parity4", seed=0, init_scale=1.0, cost="mse",
                 batch_size=None, shuffle_seed=0):
        names = [(kind.name, kind) for kind in ActivationType]
        hidden_names = [(kind.name, kind) for kind in ActivationType.hidden()]
        # every argument is checked before a widget is made: a refusal leaves none open
        if dataset not in (*DATASET_NAMES, CSV_CHOICE):
            raise ConfigurationError(f"unknown dataset {dataset!r}; choose one of "
                                     f"{', '.join(DATASET_NAMES)} or {CSV_CHOICE!r}")
        if isinstance(hidden, (list, tuple)):  # one per hidden layer, as the field takes them
            hidden = parse_activations(", ".join(ActivationType.parse(kind).name
                                                 for kind in hidden))
        else:  # one for all, or one per hidden layer in a text: "tanh, relu"
            hidden = parse_activations(hidden) if isinstance(hidden, str) \
                else ActivationType.parse(hidden)
        output = ActivationType.parse(output)
        cost = CostType.parse(cost)
        for kind in hidden if isinstance(hidden, list) else [hidden]:
            if kind.record.output_only:
                raise ConfigurationError(f"{kind.name} is an output layer's activation; choose "
                                         "another hidden activation")
        # what is typed in a field is text; a bad value is shown beside it when forming
        if isinstance(layers, (list, tuple)):
            layers = ", ".join(map(str, layers))
        learning_rate, init_scale = (value if isinstance(value, str) else _number_text(value)
                                     for value in (learning_rate, init_scale))
        self.layers = widgets.Text(value=str(layers), description="Layers",
                                   layout=widgets.Layout(width="220px"))
        self.input_note = widgets.HTML()
        per_layer = isinstance(hidden, list)
        self.hidden = widgets.Dropdown(options=hidden_names,
                                       value=hidden[0] if per_layer else hidden,
                                       description="Hidden")
        self.per_layer = widgets.Text(value=_activations_text(hidden) if per_layer else "",
                                      placeholder="or one per hidden layer: tanh, relu",
                                      description="Per layer")
        self.output = widgets.Dropdown(options=names, value=output, description="Output")
        self.cost = widgets.Dropdown(
            options=[(member.record.label, member) for member in CostType], value=cost,
            description="Cost", tooltip="MSE: the seed's mean squared error; cross-entropy: "
                                        "with a SOFTMAX or SIGMOID output")
        self.learning_rate = widgets.Text(value=learning_rate, description="Learning rate",
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="180px"))
        self.dataset_choice = widgets.Dropdown(
            options=[*((record.label, name) for name, record in DATASETS.items()),
                     (_CSV_LABEL, CSV_CHOICE)],
            value=dataset, description="Dataset",
            layout=widgets.Layout(width="max-content"))  # as wide as its longest label
        self.seed = widgets.Text(value=str(seed), description="Seed",
                                 layout=widgets.Layout(width="140px"))
        self.init_scale = widgets.Text(
            value=init_scale, description="Weight scale",
            tooltip="Every initial weight is multiplied by this number: 1 is the usual "
                    "start, 5 makes every weight 5 times as large",
            style={"description_width": "initial"}, layout=widgets.Layout(width="160px"))
        self.batch_size = widgets.Text(
            value=_batch_text(batch_size), description="Batch size",
            tooltip="all: every sample in each iteration (the seed's full batch); a number: "
                    "mini-batches of that many samples, in a new shuffled order each epoch",
            style={"description_width": "initial"}, layout=widgets.Layout(width="150px"))
        self.shuffle_seed = widgets.Text(
            value=str(shuffle_seed), description="Shuffle seed",
            tooltip="The seed of the mini-batches' shuffle: the same seed, the same batches",
            style={"description_width": "initial"}, layout=widgets.Layout(width="150px"))
        self.form = widgets.Button(description="Form network", button_style="primary",
                                   icon="sitemap")
        self.message = widgets.HTML()
        self.note = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=".csv", multiple=False, description=UPLOAD_CSV,
            tooltip=f"Choose a .csv file of up to {MAX_UPLOAD_BYTES // 10**6} MB on your "
                    "computer (the number in brackets counts the files chosen)")
        self.label_column = widgets.Text(value="label", description="Label column",
                                         continuous_update=False,
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="210px"))
        self.standardize = widgets.Checkbox(value=True, description="standardize features",
                                            indent=False)
        self.csv_note = widgets.HTML()
        self.csv_box = widgets.HBox([self.upload, self.label_column, self.standardize,
                                     self.csv_note])
        self._parsed = None  # (key of the last parsed upload, its Dataset or DataError)
        self._network_data = None  # the Dataset of NETWORK_CHOICE (use_network_data)
        self.box = widgets.VBox([
            widgets.HBox([self.dataset_choice, self.layers, self.input_note]),
            self.csv_box,
            widgets.HBox([self.hidden, self.per_layer, self.output, self.cost]),
            widgets.HBox([self.learning_rate, self.seed, self.init_scale, self.batch_size,
                          self.shuffle_seed, self.form]),
            self.note,
            self.message,
        ])
        self._show_csv_box()
        self.dataset_choice.observe(lambda _: self._show_csv_box(), "value")
        for widget in (self.upload, self.label_column, self.standardize):
            widget.observe(lambda _: self._check_csv(), "value")
        self._note_typed_values()
        for widget in (self.learning_rate, self.seed):
            widget.observe(lambda _: self._note_typed_values(), "value")

    def show_inputs(self, count):
        """Show the implicit input layer in front of the typed sizes."""
        self.input_note.value = f"<span style='color:#555'>+ {count} inputs (implicit)</span>"

    def hidden_activations(self):
        """One activation for all hidden layers, or the per-layer list if one is typed."""
        text = self.per_layer.value.strip()
        if not text:
            return self.hidden.value
        return parse_activations(text)

    def values(self):
        """Every setting, parsed: ``dict`` with the keys of :class:`Controls`' arguments
        (``init_scale``: the weight scale, ``cost`` the CostType; see
        :func:`~flux_widgets.network.Form_Network`; ``batch_size``, ``None`` for all samples,
        and ``shuffle_seed``: see :class:`~flux_widgets.stepper.Stepper`).

        ``"dataset"`` is the name of a bundled dataset, ``"csv:<file name>"``
        for an uploaded CSV file (ConfigurationError if none is uploaded yet), or
        :data:`NETWORK_CHOICE` for the data of the network given in code.
        """
        dataset = self.dataset_choice.value
        if dataset == CSV_CHOICE:
            dataset = f"csv:{self._uploaded_file()['name']}"
        return {"layers": parse_layer_sizes(self.layers.value),
                "hidden": self.hidden_activations(), "output": self.output.value,
                "learning_rate": parse_learning_rate(self.learning_rate.value),
                "dataset": dataset, "seed": parse_seed(self.seed.value),
                "init_scale": parse_init_scale(self.init_scale.value),
                "cost": self.cost.value, "batch_size": parse_batch_size(self.batch_size.value),
                "shuffle_seed": parse_shuffle_seed(self.shuffle_seed.value)}

    def set_values(self, settings):
        """Show ``settings`` (as :meth:`values` returns them, a bundled dataset or
        :data:`NETWORK_CHOICE` after :meth:`use_network_data`) in the fields; without
        ``init_scale`` the weight scale shown is 1, a seed of ``None`` (not known) is empty."""
        hidden = settings["hidden"]
        with self.box.hold_sync():
            self.dataset_choice.value = settings["dataset"]
            self.layers.value = ", ".join(map(str, settings["layers"]))
            if isinstance(hidden, (list, tuple)):
                self.per_layer.value = _activations_text(hidden)
            else:
                self.hidden.value, self.per_layer.value = hidden, ""
            self.output.value = settings["output"]
            self.learning_rate.value = _number_text(settings["learning_rate"])
            self.seed.value = "" if settings["seed"] is None else str(settings["seed"])
            self.init_scale.value = _number_text(settings.get("init_scale", 1.0))
            self.cost.value = CostType.parse(settings.get("cost", CostType.MSE))
            self.batch_size.value = _batch_text(settings.get("batch_size"))
            self.shuffle_seed.value = str(settings.get("shuffle_seed", 0))

    def dataset(self):
        """The chosen dataset: a bundled one, or the uploaded CSV file parsed.

        Returns
        -------
        Dataset
            ``inputs`` N x d, ``targets`` N x 1 (two classes) or N x c
            (one-hot), ``labels`` N. An upload is parsed once per content,
            label column and standardize setting; asking again returns the same
            Dataset (or raises the same error) at once.

        Raises
        ------
        ConfigurationError
            If no CSV file is uploaded yet or the label column is empty.
        DataError
            If the upload is larger than :data:`MAX_UPLOAD_BYTES`, or is not a
            CSV file the kit can use (the message names the file and, where it
            applies, the line and the column); a bundled file that is damaged.
        """
        if self.dataset_choice.value == NETWORK_CHOICE:
            return self._network_data
        if self.dataset_choice.value != CSV_CHOICE:
            return load_dataset(self.dataset_choice.value)
        upload = self._uploaded_file()
        label = self.label_column.value.strip()
        if not label:
            raise ConfigurationError("the label column is empty; type the name of the column "
                                     "that holds the classes, such as label")
        content = upload["content"]
        if len(content) > MAX_UPLOAD_BYTES:
            raise DataError(f"{upload['name']} is {len(content) / 1e6:.1f} MB; the panel takes "
                            f"CSV files up to {MAX_UPLOAD_BYTES // 10**6} MB (load_csv reads "
                            "larger files in a code cell)")
        key = (hashlib.sha256(content).digest(), upload["name"], label, self.standardize.value)
        if self._parsed is None or self._parsed[0] != key:
            try:
                outcome = parse_csv(content, file_name=upload["name"], label=label,
                                    standardize=self.standardize.value)
            except DataError as error:
                outcome = error
            self._parsed = (key, outcome)
        if isinstance(self._parsed[1], DataError):
            raise self._parsed[1]
        return self._parsed[1]

    def use_network_data(self, network):
        """Offer the data of ``network`` (given in code) as the dataset :data:`NETWORK_CHOICE`,
        "Your network's data (given in code)": Form network then forms a network from the
        fields on those samples and targets. Its labels (for the output map's points) are
        :func:`~flux_widgets.network.predicted_class` of the targets."""
        inputs, targets = network.inputMatrix, network.outputMatrix
        samples, features = inputs.shape
        columns = targets.shape[1]
        self._network_data = Dataset(
            NETWORK_CHOICE, inputs, targets, predicted_class(targets),
            tuple(f"x{i}" for i in range(features)),
            tuple(f"class {i}" for i in range(max(2, columns))),
            f"the data of the network given in code ({samples} samples, {features} inputs, "
            f"{columns} target column{'s' * (columns != 1)}).")
        options = list(self.dataset_choice.options)
        if (_NETWORK_LABEL, NETWORK_CHOICE) not in options:
            chosen = self.dataset_choice.value  # new options would choose the first one
            self.dataset_choice.options = [*options, (_NETWORK_LABEL, NETWORK_CHOICE)]
            self.dataset_choice.value = chosen

    def _uploaded_file(self):
        """The uploaded file: a dict with ``name`` and ``content`` (memoryview), among others."""
        if not self.upload.value:
            raise ConfigurationError(f"no CSV file uploaded yet; press {UPLOAD_CSV} and "
                                     "choose a .csv file")
        return self.upload.value[0]

    def _show_csv_box(self):
        """Show the upload widgets only while "Your CSV file…" is chosen."""
        self.csv_box.layout.display = "flex" if self.dataset_choice.value == CSV_CHOICE \
            else "none"

    def _check_csv(self):
        """Parse the upload as soon as it (or the label column or standardize) changes; report."""
        if self.dataset_choice.value != CSV_CHOICE or not self.upload.value:
            return
        try:
            data = self.dataset()
        except FluxError as error:
            self.csv_note.value = ""
            self.show_error(error)
            return
        self.clear_error()
        self.csv_note.value = (f"<span style='color:{palette.OK}'>✓ {data.sample_count} "
                               f"samples, {data.feature_count} features, {data.class_count} classes; "
                               "press Form network</span>")

    def _note_typed_values(self):
        """Say what a typed learning rate or seed that is accepted but may surprise will do
        (a value that is refused is said when it is used, in ``message``)."""
        notes = [note for note in (learning_rate_note(self.learning_rate.value),
                                   seed_note(self.seed.value)) if note]
        self.note.value = "".join(f"<div style='color:{palette.ERROR}'>⚠ "
                                  f"{html.escape(note, quote=False)}</div>" for note in notes)

    def show_error(self, error):
        """Show ``error``'s message (a learner-readable sentence) in the message area.

        The message is escaped: it may quote a CSV file's contents.
        """
        text = html.escape(str(error), quote=False)
        self.message.value = f"<span style='color:{palette.ERROR}'>⚠ {text}</span>"

    def clear_error(self):
        self.message.value = ""
