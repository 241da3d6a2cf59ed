"""Chapter 04's exercises: layer 2 by hand, a forward pass, the cost of a shrug, new readings,
and the forward pass of the network on paper (:mod:`.paper`)."""

from __future__ import annotations

import numpy as np

from ..activations import LEAKY_SLOPE, ActivationType, activate
from ..errors import ConfigurationError
from ..network import Form_Network, Forward_Pass, Predict
from . import paper
from .checking import Blank, Exercise, Mistake, Worksheet

__all__ = ["EXERCISES", "second_layer_a", "forward", "shrug_cost", "new_readings",
           "paper_forward"]


def _leaky_relu(a):
    return np.where(a > 0, a, LEAKY_SLOPE * a)


def _relu(a):
    return np.maximum(a, 0.0)


def _sigmoid(a):
    return activate(ActivationType.SIGMOID, a, np.empty_like(a))


def _identity(a):
    return a


def _forward(x, parameters, hidden=_leaky_relu, output=_sigmoid, biases=True):
    """The last layer's ``h`` for ``parameters = (W1, b1, W2, b2, ...)``, from the rows ``x``."""
    weights, bias_rows = parameters[0::2], parameters[1::2]
    h = np.asarray(x, dtype=float)
    for number, (W, b) in enumerate(zip(weights, bias_rows), start=1):
        a = h @ W + (b if biases else 0.0)
        h = (output if number == len(weights) else hidden)(a)
    return h


def _parameters(network):
    """The parameters ``(W1, b1, W2, b2, W3, b3)`` of a Leaky ReLU / sigmoid network, copied."""
    kinds = [layer.activation for layer in network.neural_layers]
    if kinds[:-1] != [ActivationType.LEAKY_RELU] * (len(kinds) - 1) \
            or kinds[-1] is not ActivationType.SIGMOID:
        raise ConfigurationError("chapter 04's exercises use Leaky ReLU hidden layers and a "
                                 f"sigmoid output, got {[kind.name for kind in kinds]}")
    return tuple(matrix.copy() for layer in network.neural_layers
                 for matrix in (layer.weights_matrix, layer.bias_matrix))


def _second_a(x, W1, b1, W2, b2, *_):
    return _leaky_relu(x @ W1 + b1) @ W2 + b2


def second_layer_a(network, lesson_network):
    """1. Layer 2's ``a = h1 · W2 + b2`` (N x n2) of ``network``, not yet passed forward.

    ``lesson_network`` is the lesson's own network (seed 0): using its weights is a known slip.
    """
    x = network.inputMatrix.copy()
    W1, b1, W2, b2 = _parameters(network)[:4]
    a1 = x @ W1 + b1
    h1 = _leaky_relu(a1)
    right = h1 @ W2 + b2
    (N, n1), n2 = h1.shape, W2.shape[1]
    return Exercise(
        "1. layer 2's a", right,
        hint="Layer 1 first, all three computations of the table; its output is layer 2's "
             f"input x. Then layer 2's x · W + b ({N} x {n1} times {n1} x {n2}, plus the bias "
             "row).",
        untouched=[network],
        solution="layer1, layer2 = fresh.neural_layers[:2]\n"
                 "W1, b1 = layer1.weights_matrix, layer1.bias_matrix\n"
                 "W2, b2 = layer2.weights_matrix, layer2.bias_matrix\n"
                 "h1 = leaky_relu(parity.inputs @ W1 + b1)\n"
                 "answer = h1 @ W2 + b2",
        mistakes=[
            Mistake("your answer is all zeros: that is fresh's stored weight_input_bias_matrix, "
                    "which its forward pass has not written yet; compute it from the data and "
                    "fresh's weights and biases", np.zeros_like(right)),
            Mistake("you used the weights of the lesson's network (formed, seed 0; the lists W and "
                    "b above hold the same): fresh is formed with seed 3, so take the weights and "
                    "biases from fresh.neural_layers",
                    _second_a(x, *_parameters(lesson_network))),
            Mistake("you fed layer 1's a to layer 2: layer 2's input is layer 1's output "
                    "h1 = Leaky ReLU(a1), its activated_output_matrix", a1 @ W2 + b2),
            Mistake("you set layer 1's negative a to 0 (that is ReLU); Leaky ReLU keeps 0.01·a "
                    "for a negative a", _relu(a1) @ W2 + b2),
            Mistake("you left out layer 1's bias b1: a1 = x · W1 + b1",
                    _leaky_relu(x @ W1) @ W2 + b2),
            Mistake("you left out layer 2's bias b2: that is layer 2's weight_and_input_matrix; "
                    "a = x · W + b", h1 @ W2),
            Mistake("you applied layer 2's activation too: that is layer 2's h; a is the weighted "
                    "sum before it", _leaky_relu(right)),
            Mistake(f"you computed aᵀ ({n2} x {N}): rows are samples, so a is {N} x {n2}, "
                    "h1 · W2 + b2", right.T),
        ])


def _forward_cases(rng):
    """(x, W1, b1, W2, b2, W3, b3) of networks of random sizes: N 3–16, 2–6 inputs, 1–3 outputs."""
    cases = []
    for _ in range(4):
        N, n_in = int(rng.integers(3, 17)), int(rng.integers(2, 7))
        sizes = [n_in, int(rng.integers(2, 9)), int(rng.integers(2, 7)), int(rng.integers(1, 4))]
        parameters = []
        for n, m in zip(sizes[:-1], sizes[1:]):
            parameters += [rng.standard_normal((n, m)) * np.sqrt(2 / n),
                           rng.normal(0.0, 0.5, (1, m))]
        cases.append((rng.standard_normal((N, n_in)), *parameters))
    return cases


def _engine_forward(x, *parameters):
    """The engine's output for these parameters: ``Predict`` of a network that holds them."""
    sizes = [W.shape[1] for W in parameters[0::2]]
    engine = Form_Network(sizes, x, np.zeros((len(x), sizes[-1])), "leaky_relu", "sigmoid", seed=0)
    for layer, W, b in zip(engine.neural_layers, parameters[0::2], parameters[1::2]):
        layer.weights_matrix, layer.bias_matrix = W, b
    return Predict(engine, x)


def forward():
    """2. ``forward(x, W1, b1, W2, b2, W3, b3)``: the output of a Leaky ReLU / sigmoid network."""
    return Exercise(
        "2. forward", _engine_forward,
        cases=_forward_cases, function_name="forward",
        forbid=[Predict, Forward_Pass, Form_Network],
        hint="Layer by layer: a = x @ W + b, then h = h(a) with that layer's activation; the next "
             "layer's x is this h.",
        solution="def forward(x, W1, b1, W2, b2, W3, b3):\n"
                 "    h1 = leaky_relu(x @ W1 + b1)\n"
                 "    h2 = leaky_relu(h1 @ W2 + b2)\n"
                 "    return sigmoid(h2 @ W3 + b3)",
        mistakes=[
            Mistake("you left out the biases: every layer computes a = x · W + b",
                    lambda x, *p: _forward(x, p, biases=False)),
            Mistake("you returned layer 3's a: the output is y = σ(a), the sigmoid of it",
                    lambda x, *p: _forward(x, p, output=_identity)),
            Mistake("you used ReLU in layers 1 and 2 (a negative a set to 0); Leaky ReLU keeps "
                    "0.01·a", lambda x, *p: _forward(x, p, hidden=_relu)),
            Mistake("you used the sigmoid in every layer; layers 1 and 2 use Leaky ReLU, only "
                    "layer 3 the sigmoid", lambda x, *p: _forward(x, p, hidden=_sigmoid)),
            Mistake("you used Leaky ReLU in layer 3 too; the output layer uses the sigmoid, "
                    "y = σ(a)", lambda x, *p: _forward(x, p, output=_leaky_relu)),
        ])


def shrug_cost(targets):
    """3. The cost ``C = (1/N) Σ (0.5 − t)²`` of a network answering 0.5 to every sample."""
    t = np.array(targets, dtype=float)
    N, error = len(t), 0.5 - t
    return Exercise(
        "3. the cost of answering 0.5", np.sum(error ** 2) / N,
        hint="y is 0.5 for every one of the 16 samples; C = (1/N) Σ (y − t)² with the targets "
             "parity.targets.",
        solution="answer = np.sum((0.5 - parity.targets) ** 2) / 16   # each squared error: 0.25",
        mistakes=[
            Mistake("you did not divide by N = 16: C is the mean over the samples",
                    np.sum(error ** 2)),
            Mistake("you left out the square: the errors +0.5 and −0.5 then cancel; C adds up "
                    "(y − t)²", np.sum(error) / N),
            Mistake("that is the size of each error, |y − t| = 0.5; C is the mean of the squared "
                    "errors", np.mean(np.abs(error))),
            Mistake("you divided by N twice", np.sum(error ** 2) / N ** 2),
        ])


def new_readings(network, readings):
    """4. ``network``'s outputs (M x k) for the new rows ``readings`` (M x n_in)."""
    x = np.array(readings, dtype=float)
    parameters = _parameters(network)
    right = _forward(x, parameters)
    patterns = np.round(x)
    names = " and ".join("".join(str(int(v)) for v in row) for row in patterns)
    return Exercise(
        f"4. the outputs for {len(x)} noisy readings", right,
        hint=f"Start from the {len(x)} x {x.shape[1]} matrix noisy (one reading per row); for "
             "each layer of formed.neural_layers compute x · W + b and its activation, as the "
             "table at the top says.",
        solution="h = noisy\n"
                 "for k, layer in enumerate(formed.neural_layers):\n"
                 "    a = h @ layer.weights_matrix + layer.bias_matrix\n"
                 "    h = sigmoid(a) if k == 2 else leaky_relu(a)\n"
                 "answer = h",
        mistakes=[
            Mistake(f"those are the outputs for the clean patterns {names}, rows of "
                    "formed.output; push the noisy readings themselves through the layers",
                    _forward(patterns, parameters)),
            Mistake("you left out the biases: every layer computes a = x · W + b",
                    _forward(x, parameters, biases=False)),
            Mistake("you returned layer 3's a: the output is y = σ(a), the sigmoid of it",
                    _forward(x, parameters, output=_identity)),
            Mistake("you used ReLU in layers 1 and 2 (a negative a set to 0); Leaky ReLU keeps "
                    "0.01·a", _forward(x, parameters, hidden=_relu)),
            Mistake(f"you gave a row (1 x {len(x)}): rows are samples, so the outputs of "
                    f"{len(x)} readings are a {len(x)} x 1 column", right.T),
        ])


def paper_forward():
    """5. The forward pass of the network on paper (:mod:`.paper`), by hand: x·W1, a1, h1,
    h1·W2, y and the cost C."""
    m, x, t = paper.worked(), paper.INPUTS, paper.TARGETS
    (W1, b1), (W2, b2) = paper.PARAMETERS[1], paper.PARAMETERS[2]
    linear_y = "the output layer is LINEAR here, h(a) = a, so y = a2: no sigmoid at the output"
    return Worksheet("5. the network on paper: forward", [
        Blank("xW1", "x·W1, 1 x 2", m["xW1"], [
            Mistake("you multiplied by W1's transpose: entry j of x·W1 is the row x times "
                    "column j of W1 (the weights into hidden neuron j)", x @ W1.T)]),
        Blank("a1", "a1 = x·W1 + b1, 1 x 2", m["a1"], [
            Mistake("that is x·W1: the bias is still to be added, a1 = x·W1 + b1", m["xW1"]),
            Mistake("you used W1's transpose (x·W1ᵀ + b1): entry j of x·W1 is x times column "
                    "j of W1", x @ W1.T + b1)]),
        Blank("h1", "h1 = σ(a1), 1 x 2", m["h1"], [
            Mistake("that is a1 itself: the hidden layer applies the sigmoid, h1 = σ(a1) = "
                    "1/(1 + e^(−a1))", m["a1"]),
            Mistake("that is σ(x·W1), without the bias: σ acts on a1 = x·W1 + b1",
                    paper.sigmoid(m["xW1"])),
            Mistake("that is σ′(a1), the sigmoid's slope σ(a)(1 − σ(a)); the layer's output is "
                    "σ(a1) itself", m["dh_da1"]),
            Mistake("that is σ(−a1): σ(a) = 1/(1 + e^(−a)), with a minus sign in the exponent",
                    paper.sigmoid(-m["a1"]))]),
        Blank("xW2", "h1·W2, 1 x 1", m["xW2"], [
            Mistake("you used a1: layer 2's input is layer 1's output h1 = σ(a1), not its "
                    "weighted sum", m["a1"] @ W2),
            Mistake("you used the data x: layer 2's input is layer 1's output h1", x @ W2)]),
        Blank("y", "y = a2 = h1·W2 + b2, 1 x 1", m["y"], [
            Mistake("that is h1·W2: the bias b2 is still to be added", m["xW2"]),
            Mistake(f"that is σ(a2): {linear_y}", paper.sigmoid(m["a2"])),
            Mistake("you used a1 in place of h1: layer 2's input is h1 = σ(a1)",
                    m["a1"] @ W2 + b2)]),
        Blank("C", "C = (1/N) Σ (y − t)², with N = 1 and t = 1", m["C"], [
            Mistake("that is y − t: the cost squares the error, C = (y − t)²", m["y"] - t),
            Mistake("that is t − y: the cost squares the error, C = (y − t)²", t - m["y"]),
            Mistake("that is ½(y − t)²: some books put a ½ in the cost; the kit's (the seed's) "
                    "is (1/N) Σ (y − t)², without it", m["C"] / 2)]),
    ], hint="Follow the panel's three computations per layer: x·W (row times each column), "
            "+ b, then the activation (σ(a) = 1/(1 + e^(−a)) in layer 1, nothing in layer 2); "
            "σ(0) = 0.5 exactly, and keep four digits of σ(1).",
       solution="answer = {\n"
                "    \"xW1\": [[1*2 + 2*(-1.5), 1*1 + 2*(-0.5)]],  # [[-1, 0]]\n"
                "    \"a1\": [[-1 + 1, 0 + 1]],                      # [[0, 1]]\n"
                "    \"h1\": [[0.5, 1 / (1 + np.exp(-1))]],          # [[0.5, 0.7311]]\n"
                "    \"xW2\": 0.5*3 + 0.7311*(-1),                   # 0.7689\n"
                "    \"y\": 0.7689 - 0.25,                           # 0.5189\n"
                "    \"C\": (0.5189 - 1) ** 2,                       # 0.2314\n"
                "}")


EXERCISES = (second_layer_a, forward, shrug_cost, new_readings, paper_forward)
