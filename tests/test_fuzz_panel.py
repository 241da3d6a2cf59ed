"""The panel driven by random sequences of every user action (``hypothesis.stateful``).

Every rule is a user action, done as the front end does it: a button's click message,
a key from the panel's front end, a click on the cytoscape diagram, text typed in a field, a file
uploaded. Beside the panel runs a *model*: a plain :class:`Stepper` that replays the
actions the panel should accept, on the settings the panel should have formed. After
every rule:

- nothing escaped: no exception from a widget callback (tests/conftest.py makes the
  dispatcher re-raise) and no numpy warning (warnings are errors inside a rule);
- the panel's network is bit-equal to the model's (so a refused action changed nothing,
  undo is exact, Reset is ``Form_Network`` of the settings, save → load gives everything
  back), at the same position, with the same curve and the same undo availability;
- every matrix a step wrote agrees with a plain numpy formula (tests/reference.py);
- the tables show the engine's numbers, the diagram's looks are valid CSS and follow the
  matrices' signs, the chart is the curve, a clicked edge's derivation sums to ``dC_dw``;
- the open widgets stay bounded, and closing the panels at the end leaves none open.

CI runs a fixed, bounded profile (``FLUX_FUZZ=ci``, the default: a minute or two);
``FLUX_FUZZ=long`` runs many more sequences with random seeds. A later feature adds its
actions as rules here.
"""

from __future__ import annotations

import copy
import datetime
import html
import math
import os
import re
import tempfile
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from hypothesis import HealthCheck, Phase, settings, strategies as st  # noqa: E402
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant,  # noqa: E402
                                 precondition, rule, run_state_machine_as_test)
from ipywidgets.widgets.widget import _instances  # noqa: E402

from flux_widgets.activations import ActivationType  # noqa: E402
from flux_widgets.checks import (parse_batch_size, parse_learning_rate,  # noqa: E402
                                 parse_shuffle_seed)
from flux_widgets.costs import CostType  # noqa: E402
from flux_widgets.datasets import load_dataset, parse_csv  # noqa: E402
from flux_widgets.errors import ConfigurationError, FluxError, NonFiniteError  # noqa: E402
from flux_widgets.layer import SEED_MATRIX_NAMES  # noqa: E402
from flux_widgets.network import Form_Network  # noqa: E402
from flux_widgets.predict import ask, check_answer  # noqa: E402
from flux_widgets.presets import PRESETS  # noqa: E402
from flux_widgets.session import load_session, parse_configuration_string  # noqa: E402
from flux_widgets.stepper import Stepper  # noqa: E402
from flux_widgets.symptoms import diagnose, neuron_states  # noqa: E402
from flux_widgets.widgets import diagram as diagram_module  # noqa: E402
from flux_widgets.widgets.controls import CSV_CHOICE, NETWORK_CHOICE  # noqa: E402
from flux_widgets.widgets.panel import KEYS, Panel, _check_panel_memory  # noqa: E402
from flux_widgets.widgets.predicting import ASKED_AT  # noqa: E402

from reference import reference_activation, reference_derivative, refused  # noqa: E402

PROFILES = {  # name -> (sequences, actions per sequence, derandomize)
    "ci": (200, 30, True),
    "long": (3000, 60, False),
    "first-failure": (200, 30, True),  # no shrinking: the first failing sequence, at once
}
PROFILE = os.environ.get("FLUX_FUZZ", "ci")
SMALL_DATASETS = ("xor", "parity4", "iris")
CSV_GOOD = b"a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.2,1\n"
CSV_BAD = [b"a,b,label\n0,0,0\n1,x,1\n", b"", b"label\n1\n", b"a,b,label\n1,2,3\n1,2\n",
           b"a,b,label\n1,nan,0\n2,3,1\n", "é,ü,label\n1,2,0\n3,4,1\n".encode("latin-1")]
LAYER_TEXTS = st.sampled_from(["3, 1", "4, 2, 1", "2, 2", "5, 3, 2, 1", "8, 4, 1", "3",
                               "abc", "", "0, 1", "3,,1", "1e9, 1", "4097, 1", "2.5, 1",
                               ", ".join(["2"] * 40), "9" * 400])
ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "swish", "linear", "elu"]
OUTPUTS = [*ACTIVATIONS, "softmax"]   # softmax: an output layer's only
COSTS = st.sampled_from(["mse", "mse", "cross_entropy"])
PER_LAYER = st.one_of(st.just(""), st.sampled_from(["tanh, relu", "elu", "relu, relu, relu",
                                                    "tanh,", "softmax", "sigmoid, linear"]))
RATES = st.sampled_from(["0.5", "1", "1/3", "0.3333333333333333", "0.123456789", "1e-3", "2",
                         "1e308", "0", "-1", "nan", "inf", "abc", "", "1e400", "9" * 500])
SEEDS = st.sampled_from(["0", "1", "4294967295", "4294967296", "-1", "3.0", "x", "", "1e400"])
SCALES = st.sampled_from(["1", "20", "0.5", "1/3", "0", "-2", "nan", "inf", "abc", "", "1e400",
                          "1e6"])
BATCH_SIZES = st.sampled_from(["all", "", "Full", "1", "2", "3", "5", "16", "32", "150", "151",
                               "0", "-1", "x", "1.5", "9" * 400])
SHUFFLE_SEEDS = st.sampled_from(["0", "1", "7", "4294967295", "4294967296", "-1", "x", ""])
ITERATIONS = st.sampled_from(["1", "3", "12", "0", "-2", "abc", "2.5", "1e7", "9" * 400])
WEIGHTS = st.one_of(st.floats(-5, 5), st.sampled_from([math.nan, math.inf, -math.inf, 1e308,
                                                       -1e308, 1e10, 0.0, 5e-324, 10**400]))
UPLOADED = datetime.datetime(2026, 12, 4)  # a FileUpload's last_modified


def _bits(values):
    """A list of floats as bytes: equal when bit-equal, nan included."""
    return np.asarray(values, dtype=np.float64).tobytes()


def _tables_numbers(text):
    """The numbers of a ``<pre>`` of values in the tables' HTML, row by row."""
    rows = [re.sub(r"<[^>]+>", "", line).split() for line in text.split("\n")[1:]]

    def number(token):
        return {"nan": math.nan, "inf": math.inf, "−inf": -math.inf}.get(token) \
            if token in ("nan", "inf", "−inf") else float(token)
    return [[number(token) for token in row] for row in rows]


class PanelMachine(RuleBasedStateMachine):
    """One panel, the model beside it (see module docs)."""

    def __init__(self):
        super().__init__()
        self.panels = []
        self.open_before = len(_instances)
        self.folder = None
        self.given = None  # the network last given to show_network, and its state then

    # ---- helpers -----------------------------------------------------------

    @staticmethod
    def press(button):
        """A click as the browser sends it (a refused click on a disabled button too)."""
        if not button.disabled:
            button._handle_button_msg(None, {"event": "click"}, [])

    def key(self, key):
        if self.panel._keys is not None:
            self.panel._keys._handle_custom_msg({"event": "keydown", "key": key}, [])

    def _form_model(self, settings):
        """A stepper formed from ``settings``, as the panel forms it (FluxError if refused)."""
        data = self._dataset_of(settings)
        _check_panel_memory(settings["layers"], data.inputs.shape)
        network = Form_Network(settings["layers"], data.inputs, data.targets,
                               settings["hidden"], settings["output"], seed=settings["seed"],
                               init_scale=settings.get("init_scale", 1.0),
                               cost=settings.get("cost", "mse"))
        return Stepper(network, settings["learning_rate"], batch_size=settings.get("batch_size"),
                       shuffle_seed=settings.get("shuffle_seed", 0))

    def _dataset_of(self, settings):
        name = settings["dataset"]
        if name == NETWORK_CHOICE:  # the data of the network last given in code
            network = self.given[0]
            return SimpleNamespace(inputs=network.inputMatrix, targets=network.outputMatrix)
        if name.startswith("csv:"):
            controls = self.panel.controls
            label = controls.label_column.value.strip()
            if not label:
                raise ConfigurationError("no label column")
            return parse_csv(bytes(controls.upload.value[0]["content"]), file_name=name[4:],
                             label=label, standardize=controls.standardize.value)
        return load_dataset(name)

    def _expected_settings(self):
        """The settings typed in the fields, or None if the panel must refuse them."""
        try:
            return self.panel.controls.values()
        except FluxError:
            return None

    def _lr_accepted(self):
        """Whether the typed learning rate, batch size and shuffle seed are taken (all or
        none, as the panel takes them before a step); the model takes them too."""
        controls = self.panel.controls
        try:
            rate = parse_learning_rate(controls.learning_rate.value)
            size = parse_batch_size(controls.batch_size.value)
            shuffle = parse_shuffle_seed(controls.shuffle_seed.value)
            self.model.batch_size = size   # at most the samples
        except FluxError:
            return False
        self.model.learning_rate, self.model.shuffle_seed = rate, shuffle
        return True

    @property
    def has_network(self):
        return self.model is not None

    def _adopt(self, model, settings, formed=None):
        """The panel now shows a new network: ``model`` replays what follows. ``formed``:
        its state as formed (for Reset), the model's own when it was just formed."""
        self.model, self.settings, self.selected = model, settings, None
        self.revealed = None  # the place of the last answered question (predict mode)
        self.formed = model.network.state.tobytes() if formed is None else formed
        self.history = []  # what each accepted, undoable action started from
        self.set_by_hand = False  # a weight set within this iteration: the matrices of the
        # forward pass were computed from the weight before (it acts at the next one)

    def _undoable(self, action, *arguments):
        """Run ``action`` on the model, keeping what Step back must come back to."""
        model = self.model
        self.history.append((model.network.state.tobytes(), model.position,
                             _bits(model.mse_values), list(model.iteration_points),
                             self.set_by_hand))
        return action(*arguments)

    # ---- setup ------------------------------------------------------------------

    @initialize(dataset=st.sampled_from(SMALL_DATASETS), layers=st.sampled_from(["3, 1", "4, 2"]),
                hidden=st.sampled_from(ACTIVATIONS), seed=st.integers(0, 5),
                broken=st.sampled_from([False, False, False, True]), predict=st.booleans(),
                predict_seed=st.integers(0, 3), batch=st.sampled_from([None, None, 2, 3]))
    def make_panel(self, dataset, layers, hidden, seed, broken, predict, predict_seed, batch):
        """A panel from Python; ``broken``: its first form fails (bad layer sizes);
        ``predict``: predict mode is on from the start (half the runs: its questions and
        answers need it on, and a rule that switches it is one of many); ``batch``: it steps
        mini-batches of that size from the start (half the runs: ``type_batch_size`` is one
        rule of many)."""
        self.folder = tempfile.mkdtemp(prefix="flux_fuzz_")
        outputs = load_dataset(dataset).targets.shape[1]
        layers = f"{layers.split(',')[0]}, {outputs}"
        self.panel = Panel(dataset=dataset, layers="abc" if broken else layers, hidden=hidden,
                           learning_rate=0.5, seed=seed, predict_seed=predict_seed,
                           batch_size=batch)
        self.panels.append(self.panel)
        if predict and not broken:
            self.panel.set_predicting(True)
        self.model = self.settings = self.selected = None
        if not broken:
            self._adopt(self._form_model(self.panel.controls.values()),
                        self.panel.controls.values())
        self.saved = None

    def teardown(self):
        for panel in self.panels:
            panel.close()
        leaked = len(_instances) - self.open_before
        assert leaked <= 0, f"{leaked} widgets stay open after every panel was closed"

    # ---- the settings -----------------------------------------------------------

    @rule(layers=LAYER_TEXTS, hidden=st.sampled_from(ACTIVATIONS), per_layer=PER_LAYER,
          output=st.sampled_from(OUTPUTS), rate=RATES, seed=SEEDS,
          dataset=st.sampled_from(SMALL_DATASETS + (CSV_CHOICE, NETWORK_CHOICE)), scale=SCALES,
          cost=COSTS)
    def type_settings(self, layers, hidden, per_layer, output, rate, seed, dataset, scale,
                      cost):
        controls = self.panel.controls
        if dataset == NETWORK_CHOICE and self.given is None:  # offered once one was shown
            dataset = "xor"
        controls.dataset_choice.value = dataset
        controls.layers.value = layers
        kinds = {kind.name.lower(): kind for _, kind in controls.output.options}
        controls.hidden.value, controls.output.value = kinds[hidden], kinds[output]
        controls.cost.value = next(value for _, value in controls.cost.options
                                   if value.value == cost)
        controls.per_layer.value = per_layer
        controls.learning_rate.value = rate
        controls.seed.value = seed
        controls.init_scale.value = scale

    @rule(rate=RATES)
    def type_learning_rate(self, rate):
        self.panel.controls.learning_rate.value = rate

    @rule(size=BATCH_SIZES, shuffle=SHUFFLE_SEEDS)
    def type_batch_size(self, size, shuffle):
        """Mini-batches: taken at the next step or training (read when an iteration begins),
        or at Form network."""
        self.panel.controls.batch_size.value = size
        self.panel.controls.shuffle_seed.value = shuffle

    @rule(content=st.one_of(st.just(CSV_GOOD), st.sampled_from(CSV_BAD)),
          label=st.sampled_from(["label", "", "nope"]))
    def upload_csv(self, content, label):
        controls = self.panel.controls
        controls.dataset_choice.value = CSV_CHOICE
        controls.label_column.value = label
        controls.upload.value = ({"name": "mine.csv", "type": "text/csv", "size": len(content),
                                  "content": memoryview(content), "last_modified": UPLOADED},)

    @rule()
    def form(self):
        expected = self._expected_settings()
        if expected is not None:
            try:
                model = self._form_model(expected)
            except FluxError:
                expected = None
        before = self.panel.network
        self.press(self.panel.controls.form)
        if expected is None:
            assert self.panel.network is before, "a refused form replaced the network"
            assert "⚠" in self.panel.controls.message.value
        else:
            assert self.panel.network is not before
            self._adopt(model, expected)

    # ---- stepping -----------------------------------------------------------------

    @precondition(lambda self: self.has_network)
    @rule(granularity=st.sampled_from(["computation", "layer", "phase", "iteration"]),
          by_key=st.booleans())
    def step(self, granularity, by_key):
        if by_key:
            self.key({"computation": "1", "layer": "2", "phase": "3", "iteration": "4"}[
                granularity])
        else:
            self.panel.granularity.value = granularity
        accepted = self._lr_accepted()
        if accepted and not self._asks_first(granularity):
            self._undoable(self.model.step, granularity)
        if by_key:
            self.key("ArrowRight")
        else:
            self.press(self.panel.step_button)

    def _asks_first(self, granularity):
        """Whether predict mode makes a Step of ``granularity`` ask (or wait for an answer)
        instead of stepping: the same question the model's stepper would be asked."""
        predicting = self.panel.predicting
        if not predicting.on or granularity not in ASKED_AT:
            return False
        return (predicting.question is not None and not self._withdrawn()) or \
            ask(self.model, granularity, predicting.seed) is not None

    def _withdrawn(self):
        """Whether the settings just taken withdraw the question waiting: its step now takes
        new samples first (a batch size typed after it was asked)."""
        return self.panel.predicting.question is not None and not self.model.position \
            and self.model.takes_samples

    @precondition(lambda self: self.has_network)
    @rule(on=st.booleans())
    def predict_switch(self, on):
        self.panel.predicting.switch.value = on

    @precondition(lambda self: self.has_network)
    @rule(how=st.sampled_from(["first choice", "second choice", "nothing picked", "0.5",
                               "-1e3", "1, 1", "0,0", "abc", "nan", "", "99, 99", "1e400"]))
    def answer(self, how):
        predicting = self.panel.predicting
        question, withdrawn = predicting.question, False
        if question is not None:
            if question.choices:
                picks = {"first choice": 0, "second choice": 1}
                predicting.choices.value = (question.choices[picks[how]] if how in picks
                                            else None)
            else:
                predicting.typed.value = how
            try:
                check_answer(question, predicting.chosen_answer(), self.model.network)
                well_formed = True
            except FluxError:
                well_formed = False
            accepted = self._lr_accepted()
            withdrawn = accepted and self._withdrawn()
            if well_formed and accepted and not withdrawn:
                self.revealed = (self.model.network.iteration, self.model.position)
                self._undoable(self.model.step, predicting.granularity())
        asked = predicting.asked
        self.press(predicting.answer_button)
        if question is not None and withdrawn:
            assert predicting.question is None and predicting.asked == asked
            assert "the question no longer applies" in self.panel.narration.value
        elif question is not None and predicting.question is None:  # answered: graded once
            assert predicting.asked in (asked, asked + 1) and predicting.verdict.value

    @precondition(lambda self: self.has_network and self.panel.predicting.on)
    @rule(granularity=st.sampled_from(ASKED_AT), how=st.sampled_from(
        ["first choice", "second choice", "0.5", "1, 1", "0,0", "abc"]), by_key=st.booleans())
    def step_and_answer(self, granularity, how, by_key):
        """The learner's usual turn in predict mode: Step, then answer (a rule of its own so
        that sequences reach it often)."""
        self.step(granularity, by_key)
        self.answer(how)

    @precondition(lambda self: self.has_network)
    @rule()
    def skip_question(self):
        predicting = self.panel.predicting
        if predicting.question is not None and self._lr_accepted():
            self._undoable(self.model.step, predicting.granularity())
        self.press(predicting.skip_button)

    @precondition(lambda self: self.has_network)
    @rule(phase=st.sampled_from(["forward", "backward"]), by_key=st.booleans())
    def run_pass(self, phase, by_key):
        accepted = self.model.next_computation.phase == phase and self._lr_accepted()
        if accepted:
            self._undoable(self.model.step, "phase")
        if by_key:
            self.key(phase[0])
        else:
            self.press(self.panel.forward_button if phase == "forward"
                       else self.panel.backward_button)

    @precondition(lambda self: self.has_network)
    @rule(by_key=st.booleans())
    def whole_iteration(self, by_key):
        if self._lr_accepted():
            self._undoable(self.model.step, "iteration")
        self.key("i") if by_key else self.press(self.panel.iteration_button)

    @precondition(lambda self: self.has_network)
    @rule(by_key=st.booleans())
    def step_back(self, by_key):
        self.model.undo()
        self.key("ArrowLeft") if by_key else self.press(self.panel.undo_button)
        place = (self.model.network.iteration, self.model.position)
        if self.panel.predicting.on and self.revealed == place:  # back to a revealed step
            assert self.panel.predicting.question is not None, "the question is not asked again"
        if self.history:  # undo within the history is exact, whatever the engine keeps
            state, position, mse, points, self.set_by_hand = self.history.pop()
            stepper = self.panel.stepper
            assert stepper.network.state.tobytes() == state
            assert (stepper.position, _bits(stepper.mse_values), stepper.iteration_points) == (
                position, mse, points)

    @precondition(lambda self: self.has_network)
    @rule(by_key=st.booleans())
    def reset(self, by_key):
        self._undoable(self.model.reset)
        self.key("r") if by_key else self.press(self.panel.reset_button)
        assert self.panel.network.state.tobytes() == self.formed  # Form_Network's, as formed
        assert self.panel.stepper.position == 0 and self.panel.stepper.mse_values == []

    @precondition(lambda self: self.has_network)
    @rule(text=ITERATIONS)
    def train(self, text):
        try:
            count = int(text)
        except ValueError:
            count = 0
        if 1 <= count <= 10**6 and self._lr_accepted():
            where = (self.model.network.iteration, self.model.position)
            try:
                self._undoable(self.model.train, count)
            except NonFiniteError:  # stopped at the last finite iteration, or refused whole
                if (self.model.network.iteration, self.model.position) == where:
                    self.history.pop()  # refused whole: nothing to step back from
        self.panel.iterations.value = text
        self.press(self.panel.train_button)
        self.press(self.panel.stop_button)

    # ---- the diagram ------------------------------------------------------------------

    @precondition(lambda self: self.has_network)
    @rule(data=st.data(), stale=st.booleans())
    def click_edge(self, data, stale):
        edges = list(self.panel.diagram.edges)
        layer, row, column = data.draw(st.sampled_from(edges))
        if stale:  # an id of an earlier, bigger network: the front end may still send it
            layer, row, column = layer + 5, row, column + 50
        graph = self.panel.diagram.cytoscape
        graph._handle_interaction(None, {"widget": "edge", "event": "click",
                                         "data": {"data": {"id": f"L{layer}:{row}-{column}"}}},
                                  [])
        if not stale:
            self.selected = (layer, row, column)
            info = self.panel.info.value
            stored = self.panel.network.neural_layers[layer - 1].dC_dw_matrix[row, column]
            if np.isfinite(self.panel.network.state).all():
                assert f"dC_dw_matrix[{row}, {column}] = {stored:.6g}" in info, info
                stepper = self.panel.stepper
                if stepper.position == self._first_update() and not self.set_by_hand:
                    assert "✓" in info, info  # the derivation's sum is the stored dC_dw

    @precondition(lambda self: self.has_network)
    @rule(data=st.data())
    def click_neuron(self, data):
        column, neuron = data.draw(st.sampled_from(list(self.panel.diagram.nodes)))
        graph = self.panel.diagram.cytoscape
        graph._handle_interaction(None, {"widget": "node", "event": "click",
                                         "data": {"data": {"id": f"L{column}N{neuron}"}}}, [])
        assert f"Neuron {neuron} of layer {column}" in self.panel.info.value

    @precondition(lambda self: self.has_network)
    @rule(layer=st.integers(-3, 40), row=st.integers(-3, 900), column=st.integers(-3, 900))
    def choose_weight_by_keyboard(self, layer, row, column):
        """The inspector's fields (bounded: a value outside is clamped) and Show weight."""
        inspector = self.panel.inspector
        inspector.weight_layer.value = layer
        inspector.weight_row.value, inspector.weight_column.value = row, column
        chosen = (inspector.weight_layer.value, inspector.weight_row.value,
                  inspector.weight_column.value)
        sizes = self.panel.network.layers_vector
        assert 1 <= chosen[0] < len(sizes) and 0 <= chosen[1] < sizes[chosen[0] - 1] \
            and 0 <= chosen[2] < sizes[chosen[0]], chosen
        self.press(inspector.show_weight_button)
        assert self.panel.selected_edge == chosen
        self.selected = chosen
        assert f"weights_matrix[{chosen[1]}, {chosen[2]}]" in self.panel.info.value

    @precondition(lambda self: self.has_network)
    @rule(column=st.integers(-3, 40), neuron=st.integers(-3, 900))
    def choose_neuron_by_keyboard(self, column, neuron):
        inspector = self.panel.inspector
        inspector.neuron_layer.value = column
        inspector.neuron_number.value = neuron
        chosen = (inspector.neuron_layer.value, inspector.neuron_number.value)
        self.press(inspector.show_neuron_button)
        assert f"Neuron {chosen[1]} of layer {chosen[0]}" in self.panel.info.value

    @precondition(lambda self: self.has_network)
    @rule(scale=st.sampled_from(["auto", "linear", "log"]))
    def choose_chart_scale(self, scale):
        self.panel.cost_chart.log_switch.value = scale

    @precondition(lambda self: self.has_network)
    @rule(value=WEIGHTS, through_field=st.booleans())
    def set_weight(self, value, through_field):
        """Type a weight (the field holds floats: nan, inf, 1e308) or give one from Python
        (also 10**400, which no float holds)."""
        if self.selected is not None and not isinstance(value, int) and math.isfinite(value):
            layer, row, column = self.selected
            self._undoable(self.model.set_parameter, layer, "weights_matrix", row, column,
                           float(value))
            self.set_by_hand = True
        if through_field and not isinstance(value, int):
            self.panel.weight_value.value = value
            self.press(self.panel.set_weight_button)
        elif self.selected is None:
            refused(lambda: self.panel.set_selected_weight(value), ConfigurationError, "click")
        else:
            self.panel.set_selected_weight(value)

    @precondition(lambda self: self.has_network)
    @rule()
    def finite_difference_check(self):
        self.press(self.panel.check_button)

    @precondition(lambda self: self.has_network)
    @rule(quantity=st.sampled_from(["weights", "gradients"]), data=st.data())
    def choose_view(self, quantity, data):
        self.panel.diagram.edges_show.value = quantity
        self.panel.diagram.sample_shown.value = data.draw(st.integers(0, self.panel.network.sample_size - 1))

    @precondition(lambda self: self.has_network)
    @rule(by_key=st.booleans())
    def present(self, by_key):
        self.key("p") if by_key else setattr(self.panel.present, "value",
                                             not self.panel.present.value)

    @precondition(lambda self: self.has_network)
    @rule(key=st.sampled_from(sorted(KEYS) + ["x", "Enter"]))
    def other_key(self, key):
        """A key not tied to a model action above does nothing to the network."""
        if KEYS.get(key, ("",))[0] in ("set_granularity", "toggle_presenting", "stop", ""):
            self.key(key)

    # ---- keep and share ------------------------------------------------------------------

    @rule(name=st.sampled_from(["session", "session.npz", "", "  ", "sub/none.npz"]))
    def save(self, name):
        self.panel.keep.filename.value = os.path.join(self.folder, name) if name.strip() else name
        self.press(self.panel.keep.save_button)
        if "Saved to" in self.panel.keep.message.value:
            stepper = self.panel.stepper
            self.saved = (self.panel.keep._path(), stepper.network.state.tobytes(),
                          stepper.position, list(stepper.mse_values),
                          list(stepper.iteration_points),
                          (stepper.learning_rate, stepper.batch_size, stepper.shuffle_seed,
                           stepper.takes_samples, stepper.network.batch),
                          (self.panel.predicting.right, self.panel.predicting.asked))

    @rule(which=st.sampled_from(["diagram_button", "chart_button", "formula_button",
                                 "latex_button", "csv_button"]),
          layer=st.integers(1, 5), name=st.sampled_from(SEED_MATRIX_NAMES),
          figures=st.sampled_from([1, 4, 17]))
    def export(self, which, layer, name, figures):
        """An export button, into the run's folder: it writes its file and says where, or
        says why not; the network stays as it was (the invariants check it)."""
        exports = self.panel.exports
        options = [value for _, value in exports.layer.options]
        exports.layer.value = min(layer, options[-1])
        exports.matrix.value, exports.figures.value = name, figures
        here = os.getcwd()
        os.chdir(self.folder)
        try:
            self.press(getattr(exports, which))
        finally:
            os.chdir(here)
        said = exports.message.value
        if "Wrote " in said:
            path = html.unescape(re.search(r"Wrote (.*)\.</span>", said).group(1))
            assert os.path.dirname(path) == os.path.realpath(self.folder) \
                or os.path.dirname(path) == self.folder
            assert os.path.getsize(path) > 0
        else:
            assert "Nothing written: " in said
            assert self.has_network or "no network to export" in said

    @rule(how=st.sampled_from(["file", "upload", "truncated upload", "garbage upload"]))
    def load(self, how):
        keep = self.panel.keep
        if self.saved is None:
            keep.filename.value = os.path.join(self.folder, "never_saved.npz")
            self.press(keep.load_button)
            assert "⚠" in keep.message.value
            return
        path, state, position, mse, points, rate, score = self.saved
        with open(path, "rb") as file:
            content = file.read()
        if how == "truncated upload":  # (edited files: tests/test_storage.py)
            content = content[:len(content) * 2 // 3]
        elif how == "garbage upload":
            content = b"PK\x03\x04 not really a zip"
        good = how in ("file", "upload")
        if good:
            model, settings, _ = load_session(path)
            self._adopt(model, settings, self._form_model(settings).network.state.tobytes())
            self.set_by_hand = model.position != 0  # saved mid-iteration: perhaps after a
            # weight was set by hand, which the file does not say
        if how == "file":
            keep.filename.value = path
            self.press(keep.load_button)
        else:
            keep.upload.value = ({"name": "up.npz", "type": "", "size": len(content),
                                  "content": memoryview(content), "last_modified": UPLOADED},)
        if good:
            stepper = self.panel.stepper
            assert stepper.network.state.tobytes() == state
            assert (stepper.position, stepper.mse_values, stepper.iteration_points) == (
                position, mse, points)
            batch = stepper.network.batch
            assert (stepper.learning_rate, stepper.batch_size, stepper.shuffle_seed,
                    stepper.takes_samples) == rate[:4]
            assert (batch is None) == (rate[4] is None)
            if batch is not None:
                assert (batch.epoch, batch.number, batch.size, batch.seed) == (
                    rate[4].epoch, rate[4].number, rate[4].size, rate[4].seed)
                assert np.array_equal(batch.rows, rate[4].rows)
            predicting = self.panel.predicting
            assert (predicting.right, predicting.asked) == score  # the score saved with it
        else:
            assert "⚠" in keep.message.value

    @precondition(lambda self: self.has_network)
    @rule(into=st.sampled_from(["fresh", "same"]))
    def copy_and_paste(self, into):
        keep = self.panel.keep
        self.press(keep.share_button)
        text = keep.shared.value
        if self.settings is None or self.settings["dataset"].startswith("csv:") \
                or self.settings["dataset"] == NETWORK_CHOICE:
            assert text == "" and "⚠" in keep.message.value
            return
        model = self.model   # the settings a formed network can change are its stepper's
        assert parse_configuration_string(text) == dict(
            self.settings, learning_rate=parse_configuration_string(text)["learning_rate"],
            batch_size=model.batch_size, shuffle_seed=model.shuffle_seed)
        target = Panel() if into == "fresh" else self.panel
        if into == "fresh":
            self.panels.append(target)
        target.keep.pasted.value = text
        settings = parse_configuration_string(text)
        self.press(target.keep.use_button)
        formed = self._form_model(settings)
        assert target.network.state.tobytes() == formed.network.state.tobytes()
        assert (target.stepper.learning_rate, target.stepper.batch_size,
                target.stepper.shuffle_seed) == (settings["learning_rate"],
                                                 settings["batch_size"], settings["shuffle_seed"])
        if into == "same":
            self._adopt(formed, settings)
        else:
            target.close()
            self.panels.remove(target)

    @rule(text=st.sampled_from(["flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=1", "flux1:nope",
                                "flux2:xor:3,1:tanh:sigmoid:lr=0.5:seed=1", "",
                                "flux1:xor:3,1:tanh:sigmoid:lr=0:seed=1",
                                "flux1:iris:" + ",".join(["8"] * 1977) + ":relu:sigmoid:lr=1:"
                                "seed=0", "flux1:mnist:4096,4096,10:relu:sigmoid:lr=1:seed=0"]))
    def paste(self, text):
        fields = {name: getattr(self.panel.controls, name).value
                  for name in ("layers", "learning_rate", "seed", "per_layer")}
        try:
            settings = parse_configuration_string(text)
            formed = self._form_model(settings)
        except FluxError:
            settings = None
        self.panel.keep.pasted.value = text
        self.press(self.panel.keep.use_button)
        if settings is None:
            assert "⚠" in self.panel.keep.message.value
            assert {name: getattr(self.panel.controls, name).value for name in fields} \
                == fields, "a refused string rewrote the settings"
        else:
            self._adopt(formed, settings)

    # ---- a network given in code ----------------------------------------------------------

    @rule(dataset=st.sampled_from(SMALL_DATASETS), hidden=st.sampled_from([0, 2, 3]),
          kinds=st.sampled_from(ACTIVATIONS), seed=st.one_of(st.none(), st.integers(0, 3)),
          weights=st.integers(0, 2**32 - 1), rate=st.sampled_from([0.5, 1, 0.25, 2.0]),
          how=st.sampled_from(["ok", "ok", "ok", "nan weight", "not a network",
                               "learning rate 0", "typed rate"]))
    def show_a_network(self, dataset, hidden, kinds, seed, weights, rate, how):
        """A network formed in code, its weights set by hand to round numbers, given to
        ``panel.show_network``: the panel steps an exact copy (the model is a Stepper on
        another), Reset comes back to it as given, and the given network never changes."""
        data = load_dataset(dataset)
        outputs = data.targets.shape[1]
        network = Form_Network([hidden, outputs] if hidden else [outputs], data.inputs,
                               data.targets, kinds, "sigmoid", seed=seed)
        rng = np.random.default_rng(weights)
        for layer in network.neural_layers:  # halves from -2 to 2, as a lesson sets them
            layer.weights_matrix = rng.integers(-4, 5, layer.weights_matrix.shape) / 2
            layer.bias_matrix = rng.integers(-2, 3, layer.bias_matrix.shape) / 2
        if how == "nan weight":
            network.neural_layers[-1].weights_matrix[0, 0] = math.nan
        if how == "typed rate":  # None: the learning rate typed in the settings
            rate = None
            try:
                parse_learning_rate(self.panel.controls.learning_rate.value)
            except FluxError:
                how = "bad typed rate"
        given = "x" if how == "not a network" else network
        shown = 0 if how == "learning rate 0" else rate
        if how in ("ok", "typed rate"):
            self.panel.show_network(given, shown)
            rate = self.panel.stepper.learning_rate
            assert self.panel.network is not network
            self.given = (network, network.state.tobytes())
            self._adopt(Stepper(copy.deepcopy(network), rate), self.panel.settings,
                        formed=network.state.tobytes())
            assert self.settings["dataset"] == NETWORK_CHOICE and self.settings["seed"] == seed
            assert self.panel.controls.dataset_choice.value == NETWORK_CHOICE
            assert "network given in code" in self.panel.narration.value
        else:
            refused(lambda: self.panel.show_network(given, shown), ConfigurationError,
                    {"nan weight": "inf or nan in layer", "not a network":
                     "needs a network made by Form_Network", "learning rate 0": "learning rate",
                     "bad typed rate": "learning rate"}[how])

    # ---- broken networks and hints ----------------------------------------------------------

    @rule(name=st.sampled_from(sorted(PRESETS)))
    def choose_broken_network(self, name):
        """The Broken network dropdown: its network is formed from its configuration string,
        its settings fill the fields and its question is posed."""
        settings = PRESETS[name].settings
        self.panel.broken.value = name
        assert self.panel.broken.value == ""  # ready to choose again
        self._adopt(self._form_model(settings), settings)
        assert self.panel.keep.shared.value == PRESETS[name].configuration
        hints = self.panel.hints
        if hints.switch.value:
            assert hints.current.key == ("preset", name) and not hints.revealed

    @rule(on=st.booleans())
    def hints_switch(self, on):
        self.panel.hints.switch.value = on

    @rule()
    def show_hint_answer(self):
        hints = self.panel.hints
        self.press(hints.show_button)  # (hidden while predict mode's question waits)
        if hints.current is not None and hints.switch.value and \
                self.panel.predicting.question is None:
            assert hints.revealed and hints.current.answer in html.unescape(hints.answer.value)


    @rule(call=st.sampled_from([("show_edge", (1, 99, 0)), ("show_edge", (0, 0, 0)),
                                ("show_edge", (7, 0, 0)), ("show_edge", (1, 0, True)),
                                ("show_neuron", (99, 0)), ("show_neuron", (1, 10**6)),
                                ("show_neuron", (-1, 0)), ("show_neuron", (0, "a"))]))
    def misuse(self, call):
        """The public Python API given what no click can send: refused, nothing changes."""
        name, arguments = call
        selected, info = self.panel.selected_edge, self.panel.info.value
        refused(lambda: getattr(self.panel, name)(*arguments), ConfigurationError,
                "there is no (layer|neuron) " if self.has_network else "no network yet")
        assert (self.panel.selected_edge, self.panel.info.value) == (selected, info)

    @precondition(lambda self: not self.has_network)
    @rule(action=st.sampled_from(["step", "undo", "reset", "train", "toggle_presenting"]))
    def action_without_network(self, action):
        method = getattr(self.panel, action)
        refused(lambda: method("computation") if action == "step" else method(3)
                if action == "train" else method(), ConfigurationError, "no network")

    # ---- invariants -------------------------------------------------------------------------

    @invariant()
    def the_panel_shows_the_model(self):
        if self.model is None:
            assert self.panel.network is None
            return
        if self.given is not None:  # the panel steps a copy: the given network stays
            assert self.given[0].state.tobytes() == self.given[1]
        panel, model = self.panel.stepper, self.model
        assert panel.network.state.tobytes() == model.network.state.tobytes(), \
            "the panel's network differs from the replayed actions"
        assert (panel.position, panel.network.iteration, panel.can_undo) == (
            model.position, model.network.iteration, model.can_undo)
        assert _bits(panel.mse_values) == _bits(model.mse_values)  # nan too
        assert panel.iteration_points == model.iteration_points

    @invariant()
    def one_hint_at_most_and_the_badges_follow_the_state(self):
        """Hints: on screen only while switched on and no predict-mode question waits (one
        question at a time); an unanswered question of the state is one the state shows
        now; the diagram's badges are the neurons' states."""
        hints = self.panel.hints
        shown = hints.widget.layout.display != "none"
        waiting = self.panel.predicting.question is not None
        assert shown == (hints.switch.value and hints.current is not None and not waiting)
        if self.model is None:
            return
        if shown and not hints.revealed and hints.current.kind != "preset":
            assert hints.current.key in [s.key for s in diagnose(self.model)]
        diagram = self.panel.diagram
        assert diagram.badges == neuron_states(self.model)
        for (column, neuron), badge in diagram.badges.items():
            node = f"L{column}N{neuron}"
            classes = [c for element, c in zip(diagram.elements, diagram.classes)
                       if element["data"]["id"] == node]
            assert all(badge in c.split() for c in classes), (node, badge, classes)

    @invariant()
    def a_question_waits_at_its_place(self):
        """Predict mode: a question waiting is the one the model's stepper is asked at the
        place it stands; the score never counts more right than asked."""
        predicting = self.panel.predicting
        assert 0 <= predicting.right <= predicting.asked
        question = predicting.question
        if question is None:
            return
        assert self.model is not None and predicting.on
        expected = ask(self.model, predicting.granularity(), predicting.seed)
        where = ("kind", "layer", "matrix", "entry", "iteration", "position")
        assert expected is not None and all(
            getattr(question, name) == getattr(expected, name) for name in where), \
            (question, expected)

    @invariant()
    def the_matrices_follow_the_formulas(self):
        """Every layer's forward matrices agree with x·W + b and h(a) once computed."""
        if self.model is None:
            return
        stepper, network = self.panel.stepper, self.panel.network
        if stepper.position == 0:
            self.set_by_hand = False
        if self.set_by_hand or not np.isfinite(network.state).all():
            return
        done = {(c.layer, name) for c in stepper.computations[:stepper.position]
                for name in c.writes}
        with np.errstate(all="ignore"):
            for number, layer in enumerate(network.neural_layers, start=1):
                m = layer.matrices
                if (number, "activated_output_matrix") in done and (number, "weights_matrix") \
                        not in done:  # computed, and from the weights it holds (not updated)
                    a = m["input_matrix"] @ m["weights_matrix"] + m["bias_matrix"]
                    np.testing.assert_allclose(m["weight_input_bias_matrix"], a, rtol=1e-9,
                                               atol=1e-9 * (1 + np.abs(a).max()))
                    np.testing.assert_allclose(m["activated_output_matrix"],
                                               reference_activation(layer.activation, a),
                                               rtol=1e-7, atol=1e-9 * (1 + np.abs(a).max()))
            if stepper.position == self._first_update():  # a whole backward pass, no update
                self._check_backward_pass(network)

    def _first_update(self):
        """Where the update phase starts: a backward pass is complete, no weight updated."""
        return next(i for i, c in enumerate(self.panel.stepper.computations)
                    if c.phase == "update")

    @staticmethod
    def _check_backward_pass(network):
        """Every gradient against a plain numpy backward pass from the forward matrices."""
        layers = network.neural_layers
        y, t = layers[-1].activated_output_matrix, network.targets  # of the samples held
        N = len(t)
        dC_dy = 2.0 / N * (y - t)
        for layer in reversed(layers):
            m = layer.matrices
            checked = [("dC_dy_matrix", dC_dy)]
            if layer is layers[-1] and network.cost_type is CostType.CROSS_ENTROPY:
                dC_da, checked = (y - t) / N, []   # its dC_dy: tests/test_costs.py
            elif layer.activation is ActivationType.SOFTMAX:   # MSE through its Jacobian
                dC_da = y * (dC_dy - (dC_dy * y).sum(axis=1, keepdims=True))
            else:
                dC_da = dC_dy * reference_derivative(layer.activation,
                                                     m["weight_input_bias_matrix"])
            scale = 1e-12 * (1 + np.abs(dC_da).max() * (1 + np.abs(m["input_matrix"]).max()) * N)
            for name, expected in (*checked, ("dC_da_matrix", dC_da),
                                   ("dC_dw_matrix", m["input_matrix"].T @ dC_da),
                                   ("dC_db_matrix", dC_da.sum(axis=0, keepdims=True))):
                np.testing.assert_allclose(m[name], expected, rtol=1e-7, atol=scale,
                                           err_msg=f"{name} of a layer")
            dC_dy = dC_da @ m["weights_matrix"].T

    @invariant()
    def the_views_show_the_engine(self):
        if self.model is None:
            return
        panel = self.panel
        network = panel.network
        # the tables: every number shown is the engine's, to the digits shown
        tables = panel.tables
        for number_text, section in re.findall(r"<h3>Layer (\d+)[^<]*</h3>(.*?)(?=<h3>|$)",
                                                tables.html.value, re.S):
            layer = network.neural_layers[int(number_text) - 1]
            for name, values in re.findall(r"data-matrix='(\w+)'>.*?<pre[^>]*>.*?</pre>"
                                           r"<pre[^>]*>(.*?)</pre>", section, re.S):
                assert name in SEED_MATRIX_NAMES
                cells = set(re.sub(r"<[^>]+>", "", values).split("\n", 1)[1].split())
                computed = panel.stepper.computed(int(number_text), name)
                assert (cells == {"—"}) == (not computed), (name, cells, computed)
                if not computed:  # "—": not computed since the network was formed
                    continue
                shown = _tables_numbers(values)
                r0 = min(tables.row_start.value,
                         max(0, layer.matrices[name].shape[0] - tables.max_rows))
                c0 = min(tables.column_start.value,
                         max(0, layer.matrices[name].shape[1] - tables.max_columns))
                for r, line in enumerate(shown):
                    for c, value in enumerate(line):
                        engine = layer.matrices[name][r0 + r, c0 + c]
                        assert (value == engine or (math.isnan(value) and math.isnan(engine))
                                or abs(value - engine) <= 5e-5 + 1e-3 * abs(engine)), \
                            f"{name}[{r0 + r}, {c0 + c}] shows {value}, the engine has {engine}"
        # the diagram: valid colours, edge colour the sign of the value it shows
        diagram = panel.diagram
        name = diagram_module.QUANTITIES[diagram.quantity]
        for element, look in diagram.looks.items():
            if "background-color" in look:
                assert re.fullmatch(r"#[0-9a-f]{6}", look["background-color"]), look
            else:  # an edge: red if negative, else blue (nan is not negative)
                layer, row, column = map(int, re.fullmatch(r"L(\d+):(\d+)-(\d+)",
                                                           element).groups())
                value = network.neural_layers[layer - 1].matrices[name][row, column]
                assert look["line-color"] == (diagram_module.NEGATIVE if value < 0
                                              else diagram_module.POSITIVE), (element, value)
                assert diagram_module.MIN_WIDTH <= look["width"] <= diagram_module.MAX_WIDTH
        for column, drawn in enumerate(diagram.columns):  # a larger output, a darker fill
            outputs = (network.neural_layers[0].input_matrix if column == 0 else
                       network.neural_layers[column - 1].activated_output_matrix)
            values = outputs[diagram.sample]
            if np.isfinite(values).all():
                reds = [int(diagram.looks[f"L{column}N{n}"]["background-color"][1:3], 16)
                        for n in sorted(drawn, key=lambda n: values[n])]
                assert reds == sorted(reds, reverse=True), (column, reds)
        # every drawn edge has its look (checked above), and only they
        assert ({element for element, look in diagram.looks.items()
                 if "background-color" not in look}
                == {f"L{layer}:{row}-{column}" for layer, row, column in diagram.edges})
        # the chart: the finite points of the curve
        line = panel.chart.marks[0]
        curve = [(i, c) for i, c in zip(panel.stepper.iteration_points, panel.stepper.mse_values)
                 if math.isfinite(c)]
        assert list(line.x) == [i for i, _ in curve] and list(line.y) == [c for _, c in curve]
        # the open widgets stay bounded
        assert len(_instances) - self.open_before < 4000 * len(self.panels)


def test_the_panel_under_random_user_actions(widget_callbacks_raise):
    examples, steps, derandomize = PROFILES[PROFILE]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy warning escaping an action fails it
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        run_state_machine_as_test(PanelMachine, settings=settings(
            max_examples=examples, stateful_step_count=steps, derandomize=derandomize,
            deadline=None, database=None,
            phases=[Phase.generate] if PROFILE == "first-failure" else list(Phase),
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
