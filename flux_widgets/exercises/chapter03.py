"""Chapter 03's exercises: the implicit input layer, parameters and memory, the seeded weights."""

from __future__ import annotations

import math

import numpy as np

from ..activations import ActivationType
from ..layer import matrix_shapes
from ..network import Form_Network, network_size
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "layers_vector", "parameter_count", "state_size", "initial_weights"]


def layers_vector(sizes, inputs, targets):
    """1. ``layers_vector`` of ``Form_Network(sizes, inputs, targets)``: ``[n_in, *sizes]``."""
    sizes, (N, n_in), k = list(sizes), np.shape(inputs), np.shape(targets)[1]
    right = [n_in, *sizes]
    return Exercise(
        "1. layers_vector", right,
        hint="layers_vector lists every layer's size, the implicit input layer first; the input "
             "layer has one neuron per column of the input matrix.",
        solution=f"answer = [iris.inputs.shape[1], {', '.join(map(str, sizes))}]   # {right}",
        mistakes=[
            Mistake("that is the list you give Form_Network; layers_vector starts with the "
                    "implicit input layer, whose size is the number of input columns",
                    sizes),
            Mistake(f"you took the number of samples (rows, {N}) as the input layer's size; it "
                    f"is the number of measurements per sample (columns, {n_in})",
                    [N, *sizes]),
            Mistake(f"the last size you give ({sizes[-1]}) already is the output layer, one "
                    "neuron per target column: nothing is added after it", [*right, k]),
            Mistake("the right sizes in the wrong order: the input layer comes first, the output "
                    "layer last", right[::-1]),
        ])


def _formed(vector, N):
    """The network the engine forms with the sizes ``vector`` on N samples of zeros."""
    return Form_Network(list(vector[1:]), np.zeros((N, vector[0])), np.zeros((N, vector[-1])),
                        seed=0)


def _pairs(vector):
    return list(zip(vector[:-1], vector[1:]))


def _layers_vectors(rng, count):
    """``count`` random layers_vectors with 1 to 4 Neural_Layers (sizes 1 to 40)."""
    return [[int(n) for n in rng.integers(1, 41, size=int(rng.integers(2, 6)))]
            for _ in range(count)]


def _parameter_cases(rng):
    return [([4, 8, 4, 1],), ([784, 32, 10],)] + [(v,) for v in _layers_vectors(rng, 4)]


def parameter_count():
    """2. ``parameter_count(layers_vector)``: ``Σ n_in·n_out + n_out`` over the Neural_Layers."""
    return Exercise(
        "2. parameter_count", lambda v: _formed(v, 1).parameters.size,
        cases=_parameter_cases, function_name="parameter_count", forbid=[Form_Network],
        hint="Pair each size with the next one: each pair is one Neural_Layer, with its "
             "weights and its biases.",
        solution="def parameter_count(layers_vector):\n"
                 "    pairs = zip(layers_vector[:-1], layers_vector[1:])\n"
                 "    return sum(n_in * n_out + n_out for n_in, n_out in pairs)",
        mistakes=[
            Mistake("you counted the weights only: each of a layer's n_out neurons also has a "
                    "bias", lambda v: sum(a * b for a, b in _pairs(v))),
            Mistake("you gave the implicit input layer biases too: its neurons only hold the "
                    "data, so biases come with the n_out neurons of each Neural_Layer",
                    lambda v: sum(a * b for a, b in _pairs(v)) + sum(v)),
            Mistake("you counted one bias per input (n_in); a bias belongs to a neuron, so a "
                    "layer has n_out of them", lambda v: sum(a * b + a for a, b in _pairs(v))),
        ])


def _state_cases(rng):
    cases = [([4, 8, 4, 1], 16)]
    for vector in _layers_vectors(rng, 5):
        cases.append((vector, int(rng.integers(2, 200))))
    return cases


def _floats(vector, N, per_layer):
    return sum(per_layer(N, n_in, n_out) for n_in, n_out in _pairs(vector))


def state_size():
    """3. ``state_size(layers_vector, N)``: ``Σ 3·n_in·n_out + 3·n_out + 6·N·n_out``."""
    return Exercise(
        "3. state_size", lambda v, N: _formed(v, N).state.size,
        cases=_state_cases, function_name="state_size",
        forbid=[Form_Network, network_size, matrix_shapes],
        hint="Per Neural_Layer, count the numbers of every matrix the layer owns (the list in "
             "'The memory all matrices take'), then add up over the layers.",
        solution="def state_size(layers_vector, N):\n"
                 "    pairs = zip(layers_vector[:-1], layers_vector[1:])\n"
                 "    return sum(3 * n_in * n_out + 3 * n_out + 6 * N * n_out "
                 "for n_in, n_out in pairs)",
        mistakes=[
            Mistake("you left out the update steps (weight_step_matrix, bias_step_matrix): W, "
                    "∂C/∂W and the step make 3·n_in·n_out, b, ∂C/∂b and the step 3·n_out",
                    lambda v, N: _floats(v, N, lambda N, i, o: 2 * i * o + 2 * o + 6 * N * o)),
            Mistake("you counted each layer's input_matrix: layer 1's is the data (kept outside "
                    "the block) and a later layer's is the previous layer's h, already counted",
                    lambda v, N: _floats(v, N, lambda N, i, o: 3 * i * o + 3 * o + 6 * N * o
                                         + N * i)),
            Mistake("you counted the views (broadcasted_bias_matrix, input_transposed_matrix, "
                    "weights_transposed_matrix): they read other matrices' numbers and take no "
                    "memory of their own",
                    lambda v, N: _floats(v, N, lambda N, i, o: 4 * i * o + 3 * o + 7 * N * o
                                         + N * i)),
            Mistake("a layer has six N x n_out matrices (x·W, a, h, h'(a), ∂C/∂h, ∂C/∂a); you "
                    "counted five",
                    lambda v, N: _floats(v, N, lambda N, i, o: 3 * i * o + 3 * o + 5 * N * o)),
            Mistake("that is the number of parameters (weights and biases); the block also holds "
                    "the gradients, the update steps and the N x n_out matrices",
                    lambda v, N: _floats(v, N, lambda N, i, o: i * o + o)),
            Mistake("that is the number of bytes (8 per float64 number); the question asks for the "
                    "number of numbers, network.state.size",
                    lambda v, N: 8 * _floats(v, N, lambda N, i, o: 3 * i * o + 3 * o
                                             + 6 * N * o)),
        ])


def _initial_cases(rng):
    """(seed, n_in, n_out, activation): the lesson's 4-3 Leaky ReLU layer, then every other type."""
    cases = [(7, 4, 3, ActivationType.LEAKY_RELU)]
    for kind in (ActivationType.TANH, ActivationType.RELU, ActivationType.SIGMOID,
                 ActivationType.ELU, ActivationType.LINEAR, ActivationType.SWISH):
        cases.append((int(rng.integers(1000)), int(rng.integers(2, 10)), int(rng.integers(1, 7)),
                      kind))
    return cases


def _engine_weights(seed, n_in, n_out, activation):
    """Layer 1's weights_matrix of the network the engine forms: ``n_in``-``n_out``-1, ``seed``."""
    return Form_Network([n_out, 1], np.zeros((1, n_in)), np.zeros((1, 1)), activation,
                        seed=seed).neural_layers[0].weights_matrix.copy()


def _drawn(transposed=False, scale=None, gain=None, generator=np.random.default_rng):
    """``initial_weights`` with the draws, the scale or the gain of a slip (right by default).

    ``scale(g, n_in, n_out)`` replaces the standard deviation ``g/√n_in``, ``gain(activation)``
    the gain (√2 for the ReLU family, 1 otherwise); ``transposed`` draws n_out x n_in.
    """
    def weights(seed, n_in, n_out, activation):
        g = gain(activation) if gain else activation.record.init_gain
        rng = generator(seed)
        draws = rng.standard_normal((n_out, n_in)).T if transposed \
            else rng.standard_normal((n_in, n_out))
        return draws * (scale(g, n_in, n_out) if scale else g / math.sqrt(n_in))
    return weights


def initial_weights():
    """4. ``initial_weights(seed, n_in, n_out, activation)``: layer 1's ``weights_matrix``.

    He or LeCun: ``rng.standard_normal((n_in, n_out)) · g/√n_in`` with ``rng =
    numpy.random.default_rng(seed)`` (layer 1 is drawn first), ``g = √2`` for the ReLU family
    (RELU, LEAKY_RELU, ELU, SWISH) and 1 otherwise.
    """
    return Exercise(
        "4. initial_weights", _engine_weights,
        cases=_initial_cases, function_name="initial_weights", forbid=[Form_Network],
        hint="rng = np.random.default_rng(seed); layer 1's weights are its first draws, in the "
             "shape of its weights_matrix; then scale them by the formula's standard deviation "
             "for this activation and this n_in.",
        solution="def initial_weights(seed, n_in, n_out, activation):\n"
                 "    g = math.sqrt(2) if activation in he_family else 1.0\n"
                 "    rng = np.random.default_rng(seed)\n"
                 "    return rng.standard_normal((n_in, n_out)) * (g / math.sqrt(n_in))",
        mistakes=[
            Mistake("you used g = 1 (LeCun) for every activation; the ReLU family (RELU, "
                    "LEAKY_RELU, ELU, SWISH) gets g = √2 (He)", _drawn(gain=lambda kind: 1.0)),
            Mistake("you gave g = √2 to RELU and LEAKY_RELU only; ELU and SWISH belong to the "
                    "ReLU family too (he_family above), so they get g = √2 as well",
                    _drawn(gain=lambda kind: math.sqrt(2.0) if kind in (
                        ActivationType.RELU, ActivationType.LEAKY_RELU) else 1.0)),
            Mistake("you used g = √2 (He) for every activation; only the ReLU family (RELU, "
                    "LEAKY_RELU, ELU, SWISH) gets it, the others (SIGMOID, TANH, LINEAR) g = 1 "
                    "(LeCun)", _drawn(gain=lambda kind: math.sqrt(2.0))),
            Mistake("you scaled by g/n_in; the standard deviation is g/√n_in (the variance is "
                    "g²/n_in)", _drawn(scale=lambda g, n_in, n_out: g / n_in)),
            Mistake("you scaled by the variance g²/n_in; the draws are multiplied by the "
                    "standard deviation, its square root g/√n_in",
                    _drawn(scale=lambda g, n_in, n_out: g ** 2 / n_in)),
            Mistake("you divided by √n_out, the number of neurons; the spread shrinks with the "
                    "number of inputs, n_in",
                    _drawn(scale=lambda g, n_in, n_out: g / math.sqrt(n_out))),
            Mistake("you drew an n_out x n_in matrix and transposed it; the draws fill the "
                    "n_in x n_out weights_matrix row by row: standard_normal((n_in, n_out))",
                    _drawn(transposed=True)),
            Mistake("those are the raw draws: multiply them by the standard deviation g/√n_in",
                    _drawn(scale=lambda g, n_in, n_out: 1.0)),
            Mistake("you drew from numpy's legacy generator (np.random.seed, np.random.randn); "
                    "the kit draws from rng = np.random.default_rng(seed)",
                    _drawn(generator=np.random.RandomState)),
        ])


EXERCISES = (layers_vector, parameter_count, state_size, initial_weights)
