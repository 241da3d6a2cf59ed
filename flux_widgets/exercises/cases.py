"""Building blocks for hidden cases: networks the learner's function has never seen.

A function exercise is checked on cases made inside the check, so they must be
made from a seed: :func:`random_network` forms a network of random sizes on
random data; :func:`twin` copies a network exactly (the reference computes on
the twin, so the learner's copy stays untouched); :func:`wiped` hides the
matrices an exercise asks for (they hold nan), so that reading them back from
the network is not an answer.
"""

from __future__ import annotations

import copy

import numpy as np

from ..activations import ActivationType
from ..network import Back_Propagation, Form_Network, Forward_Pass

__all__ = ["random_network", "twin", "wiped"]


def random_network(rng, *, inputs=(2, 5), hidden=((2, 6),), outputs=(1, 3), samples=(3, 9),
                   hidden_activation=None, output_activation=None, passes="forward"):
    """A network of random sizes on random data, formed with a seed drawn from ``rng``.

    Each size is drawn from its inclusive ``(low, high)`` range; ``hidden``
    gives one range per hidden layer (``()`` for none). The inputs are normal,
    the targets uniform in [0, 1]. Activations not given are drawn (hidden:
    any a hidden layer may have but LINEAR; output: SIGMOID or LINEAR). ``passes`` is ``"none"``,
    ``"forward"`` or ``"backward"`` (forward, then backward).
    """
    def draw(low_high):
        return int(rng.integers(low_high[0], low_high[1] + 1))

    n_in, k, N = draw(inputs), draw(outputs), draw(samples)
    sizes = [draw(limits) for limits in hidden] + [k]
    if hidden_activation is None:
        choices = [kind for kind in ActivationType.hidden() if kind is not ActivationType.LINEAR]
        hidden_activation = [choices[rng.integers(len(choices))] for _ in hidden]
    if output_activation is None:
        output_activation = (ActivationType.SIGMOID, ActivationType.LINEAR)[rng.integers(2)]
    network = Form_Network(sizes, rng.standard_normal((N, n_in)), rng.uniform(size=(N, k)),
                           hidden_activation or ActivationType.LEAKY_RELU, output_activation,
                           seed=int(rng.integers(2**31)))
    if passes in ("forward", "backward"):
        Forward_Pass(network)
    if passes == "backward":
        Back_Propagation(network)
    return network


def twin(network):
    """A network with the same structure, data and every matrix equal to ``network``'s.

    (``copy.deepcopy`` gives the same; the check deep-copies every case this way.)
    """
    return copy.deepcopy(network)


def wiped(network, *names, layers=None):
    """``network`` (changed in place and returned) with the matrices ``names`` set to nan.

    ``layers`` (counted from 1) limits it to those layers; by default every
    layer. An answer read back from a wiped matrix holds nan.
    """
    for number, layer in enumerate(network.neural_layers, start=1):
        if layers is None or number in layers:
            for name in names:
                layer.matrices[name][...] = np.nan
    return network
