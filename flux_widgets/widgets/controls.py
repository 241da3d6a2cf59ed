"""The panel's settings: what a learner types, checked, with messages a learner understands.

The ``parse_*`` functions turn a text field into a value or raise
:class:`~flux_widgets.errors.ConfigurationError`; :class:`Controls` holds the
widgets and shows each message beside the field that caused it.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from ..activations import ActivationType
from ..datasets import DATASET_NAMES
from ..errors import ConfigurationError

__all__ = ["parse_layer_sizes", "parse_learning_rate", "parse_seed", "parse_iterations",
           "Controls", "MAX_LAYER_SIZE"]

MAX_LAYER_SIZE = 4096
_DATASET_LABELS = {"parity4": "4-bit parity (the seed's example)", "xor": "XOR",
                   "iris": "Iris (3 species)", "banknote": "Banknotes",
                   "wine": "Wine (3 cultivars)", "breast_cancer": "Breast cancer",
                   "mnist": "MNIST digits (1000 images)"}


def _whole_number(text, what, least, most):
    text = str(text).strip()
    if not text:
        raise ConfigurationError(f"{what} is empty; type a whole number such as {least + 1}")
    try:
        value = float(text)
    except ValueError:
        raise ConfigurationError(f"{what} must be a whole number, not '{text}'") from None
    if not math.isfinite(value) or value != int(value):
        raise ConfigurationError(f"{what} must be a whole number, not '{text}'")
    value = int(value)
    if not least <= value <= most:
        raise ConfigurationError(f"{what} must be between {least} and {most:,}, not {text}")
    return value


def parse_layer_sizes(text):
    """``"8, 4, 1"`` → ``[8, 4, 1]``: the sizes after the implicit input layer."""
    text = str(text).strip()
    if not text:
        raise ConfigurationError("layer sizes are empty; type them like 8, 4, 1")
    parts = [part.strip() for part in text.split(",")]
    if "" in parts:
        raise ConfigurationError(f"'{text}' has an empty place between commas; "
                                 "type the sizes like 8, 4, 1")
    return [_whole_number(part, f"layer size '{part}'", 1, MAX_LAYER_SIZE) for part in parts]


def parse_learning_rate(text):
    """``"0.5"`` → ``0.5``: a positive, finite number."""
    text = str(text).strip()
    try:
        value = float(text)
    except ValueError:
        raise ConfigurationError(f"the learning rate must be a number such as 0.5, "
                                 f"not '{text}'") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"the learning rate must be a positive number such as 0.5, "
                                 f"not '{text}'")
    return value


def parse_seed(text):
    """``"0"`` → ``0``: the seed of the initial weights."""
    return _whole_number(text, "the seed", 0, 2**32 - 1)


def parse_iterations(text):
    """``"500"`` → ``500``: how many iterations to train."""
    return _whole_number(text, "the number of iterations", 1, 10**6)


class Controls:
    """The settings widgets; ``values()`` returns them parsed or raises ConfigurationError.

    ``message`` shows the first problem (or nothing); nothing here touches a
    network, so an invalid value never disturbs the one on screen.
    """

    def __init__(self, layers="8, 4, 1", hidden="leaky_relu", output="sigmoid",
                 learning_rate=1.0, dataset="parity4", seed=0):
        names = [(kind.name, kind) for kind in ActivationType]
        self.layers = widgets.Text(value=layers, description="Layers",
                                   layout=widgets.Layout(width="220px"))
        self.input_note = widgets.HTML()
        self.hidden = widgets.Dropdown(options=names, value=ActivationType.parse(hidden),
                                       description="Hidden")
        self.per_layer = widgets.Text(value="", placeholder="or one per hidden layer: tanh, relu",
                                      description="Per layer")
        self.output = widgets.Dropdown(options=names, value=ActivationType.parse(output),
                                       description="Output")
        self.learning_rate = widgets.Text(value=f"{learning_rate:g}", description="Learning rate",
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="180px"))
        self.dataset = widgets.Dropdown(options=[(_DATASET_LABELS[n], n) for n in DATASET_NAMES],
                                        value=dataset, description="Dataset")
        self.seed = widgets.Text(value=str(seed), description="Seed",
                                 layout=widgets.Layout(width="140px"))
        self.form = widgets.Button(description="Form network", button_style="primary",
                                   icon="sitemap")
        self.message = widgets.HTML()
        self.box = widgets.VBox([
            widgets.HBox([self.dataset, self.layers, self.input_note]),
            widgets.HBox([self.hidden, self.per_layer, self.output]),
            widgets.HBox([self.learning_rate, self.seed, self.form]),
            self.message,
        ])

    def show_inputs(self, count):
        """Show the implicit input layer in front of the typed sizes."""
        self.input_note.value = f"<span style='color:#555'>+ {count} inputs (implicit)</span>"

    def hidden_activations(self):
        """One activation for all hidden layers, or the per-layer list if one is typed."""
        text = self.per_layer.value.strip()
        if not text:
            return self.hidden.value
        return [ActivationType.parse(name) for name in text.split(",")]

    def values(self):
        """Every setting, parsed: ``dict`` with the keys of :class:`Controls`' arguments."""
        return {"layers": parse_layer_sizes(self.layers.value),
                "hidden": self.hidden_activations(), "output": self.output.value,
                "learning_rate": parse_learning_rate(self.learning_rate.value),
                "dataset": self.dataset.value, "seed": parse_seed(self.seed.value)}

    def show_error(self, error):
        self.message.value = f"<span style='color:#c53030'>⚠ {error}</span>"

    def clear_error(self):
        self.message.value = ""
