"""Broken networks to explain: one record per preset, each a configuration string with its
question and its explanation.

A preset is an ordinary network (formed from its configuration string, so Step, Step
back, Reset and sharing all work as for any other); what makes it a lesson is the
question asked before the learner steps it and the explanation revealed after. Every
claim an explanation makes is checked by ``tests/test_presets.py`` on the network
itself, with margins far beyond the last bits a CPU may change.

Adding a preset is adding a record to :data:`PRESETS` (and its check to the test).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigurationError
from .session import parse_configuration_string

__all__ = ["Preset", "PRESETS", "preset"]


@dataclass(frozen=True)
class Preset:
    """A broken network: ``label`` (as the panel lists it), ``configuration`` (a
    configuration string), the ``question`` to predict before stepping it and the
    ``explanation`` revealed after."""

    label: str
    configuration: str
    question: str
    explanation: str

    @property
    def settings(self):
        """The settings of ``configuration``, as :func:`parse_configuration_string` gives them."""
        return parse_configuration_string(self.configuration)


PRESETS = {
    "dead_relu": Preset(
        "A dead ReLU layer",
        "flux1:xor:8,2,1:relu:sigmoid:lr=20:seed=2",
        "XOR with a layer of two ReLU neurons (layer 2) and a learning rate of 20. Predict: "
        "after the first update, what will the next backward pass put into layer 2's and "
        "layer 1's dC_dw, and will the network ever learn XOR?",
        "The first update is so large (η = 20) that it pushes both pre-activations of layer "
        "2, a = x·W + b, below 0 for all four samples. ReLU's h′(a) is 0 there, so layer 2's "
        "∂C/∂a = ∂C/∂h ⊙ h′(a) and its dC_dw are exactly 0; layer 1's ∂C/∂h = ∂C/∂a·Wᵀ is 0 "
        "too, so every weight before the dead layer stops for good. Only the output's bias "
        "still learns, and the output is the same number for all four samples: it can never "
        "tell them apart, and the MSE never falls below 0.25 (the targets' variance). The "
        "same network with a learning rate of 1 learns XOR.",
    ),
    "saturated_sigmoid": Preset(
        "A saturated sigmoid (large initial weights)",
        "flux1:parity4:8,4,1:sigmoid:sigmoid:lr=1:seed=0:scale=20",
        "4-bit parity with sigmoid neurons whose initial weights are 20 times the usual size "
        "(weight scale 20). Predict: how large will the gradients be after the first backward "
        "pass, and how much will 100 iterations lower the MSE?",
        "With weights this large the output's pre-activation |a| is above 10 for every "
        "sample, where σ is flat: h′(a) = σ(a)(1 − σ(a)) is below 10⁻⁴. Every gradient in the "
        "network passes through the output's ∂C/∂a = ∂C/∂y ⊙ h′(a), so every dC_dw is tiny "
        "and 100 iterations leave the MSE almost where it started: the sigmoid is "
        "saturated. The usual initial weights (weight scale 1) start on σ's slope.",
    ),
    "diverging": Preset(
        "A learning rate that diverges",
        "flux1:parity4:8,4,1:leaky_relu:linear:lr=2:seed=0",
        "4-bit parity with a linear output and a learning rate of 2. Predict: what will the "
        "MSE do over the first ten iterations?",
        "It goes down once, then up, faster and faster, until it is too large for a float "
        "(inf) within ten iterations. Each update W ← W − η·∂C/∂W is so long that it lands "
        "higher up the other side of the valley, where the slope is steeper, so the next "
        "step is longer still: the updates diverge. The kit stops at the first step that "
        "makes inf or nan; Step back, and try a learning rate of 0.25: the MSE comes down.",
    ),
}


def preset(name):
    """The :class:`Preset` called ``name`` (a key of :data:`PRESETS`); ConfigurationError
    naming the presets otherwise."""
    if name not in PRESETS:
        raise ConfigurationError(f"unknown broken network {name!r}; choose one of "
                                 f"{', '.join(PRESETS)}")
    return PRESETS[name]
