"""Chapter 12's exercises: standardise new rows, the accuracy by hand, a new flower's outputs.

The first two are functions checked on data made inside the check; the third
asks for the trained iris network's outputs for a flower that is not in the
dataset, so no matrix of the lesson holds them.
"""

from __future__ import annotations

import numpy as np

from ..activations import activate
from ..datasets import accuracy
from ..network import Predict
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "standardise", "my_accuracy", "new_flower"]


# --------------------------------------------------------------------------
# 1. New rows standardised with the training part's statistics.
# --------------------------------------------------------------------------

def _standardise_cases(rng):
    """(train_inputs, new_inputs): M x d and K x d, columns of very different means and
    spreads, the new rows drawn a little off the training part's centre."""
    cases = []
    for M, K, d in ((112, 38, 4), (20, 7, 3), (9, 12, 2), (30, 2, 5), (15, 4, 1)):
        centre, spread = rng.uniform(-5, 10, d), rng.uniform(0.2, 4, d)
        train = centre + spread * rng.standard_normal((M, d))
        new = centre + 0.5 * spread + spread * rng.standard_normal((K, d))
        cases.append((train, new))
    return cases


def _z(rows, reference, ddof=0):
    return (rows - reference.mean(axis=0)) / reference.std(axis=0, ddof=ddof)


def standardise():
    """1. ``standardise(train_inputs, new_inputs)``: ``(x − μ) / σ`` with the training part's
    column means μ and standard deviations σ (np.std, ddof = 0), for new rows (K x d)."""
    return Exercise(
        "1. standardise new rows", lambda train, new: _z(new, train),
        cases=_standardise_cases, function_name="standardise",
        hint="μ and σ are one number per feature (per column: axis=0), taken from the rows "
             "the network trains on; then every new row is (x − μ) / σ",
        solution="def standardise(train_inputs, new_inputs):\n"
                 "    mu = train_inputs.mean(axis=0)\n"
                 "    sigma = train_inputs.std(axis=0)\n"
                 "    return (new_inputs - mu) / sigma",
        mistakes=[
            Mistake("you used the new rows' own mean and standard deviation: new data is "
                    "standardised with the training part's μ and σ (one new flower has no "
                    "spread of its own, and the network learned on the training part's scale)",
                    lambda train, new: _z(new, new)),
            Mistake("you took μ and σ of the training and the new rows together: that lets "
                    "the new rows leak into the preprocessing; μ and σ come from the training "
                    "part only", lambda train, new: _z(new, np.vstack([train, new]))),
            Mistake("you used the sample standard deviation (ddof=1); the lesson and "
                    "load_dataset use np.std's default, ddof=0",
                    lambda train, new: _z(new, train, ddof=1)),
            Mistake("you divided by the variance σ²; z-scores divide by the standard "
                    "deviation σ", lambda train, new: (new - train.mean(axis=0))
                    / train.var(axis=0)),
            Mistake("you did not subtract the mean: z = (x − μ) / σ",
                    lambda train, new: new / train.std(axis=0)),
            Mistake("you did not divide by σ: z = (x − μ) / σ",
                    lambda train, new: new - train.mean(axis=0)),
        ])


# --------------------------------------------------------------------------
# 2. The accuracy by hand.
# --------------------------------------------------------------------------

def _accuracy_cases(rng):
    """(outputs, labels): N x c outputs in (0, 1) (continuous: no ties) and N class indices."""
    cases = []
    for N, c in ((38, 3), (12, 10), (7, 2), (25, 4), (9, 3)):
        outputs = rng.uniform(size=(N, c))
        labels = rng.integers(0, c, N)
        right = rng.uniform(size=N) < 0.7           # most rows answered right, as after training
        outputs[right, labels[right]] += 1.0
        cases.append((outputs / outputs.max(), labels))
    return cases


def _answered(outputs):
    return np.argmax(outputs, axis=1)


def my_accuracy():
    """2. ``my_accuracy(outputs, labels)``: the fraction of rows whose largest output is in
    the label's column (N x c outputs, N labels)."""
    return Exercise(
        "2. accuracy by hand", lambda outputs, labels: np.mean(_answered(outputs) == labels),
        cases=_accuracy_cases, function_name="my_accuracy", forbid=[accuracy],
        hint="the network's answer for row n is the column of its largest output; compare "
             "those answers with the labels and say which share of the rows agree",
        solution="def my_accuracy(outputs, labels):\n"
                 "    answered = np.argmax(outputs, axis=1)     # one class per row\n"
                 "    return np.mean(answered == labels)",
        mistakes=[
            Mistake("that is the number of rows answered right; the accuracy is their "
                    "fraction, a number between 0 and 1 (divide by N)",
                    lambda outputs, labels: np.sum(_answered(outputs) == labels)),
            Mistake("that is a percentage; the accuracy here is a fraction between 0 and 1 "
                    "(as fw.datasets.accuracy returns it)",
                    lambda outputs, labels: 100 * np.mean(_answered(outputs) == labels)),
            Mistake("that is the error rate, the fraction of rows answered wrong",
                    lambda outputs, labels: np.mean(_answered(outputs) != labels)),
            Mistake("np.argmax without axis gives one index into the whole flattened matrix; "
                    "each row needs its own answer: np.argmax(outputs, axis=1)",
                    lambda outputs, labels: np.mean(np.argmax(outputs) == labels)),
            Mistake("you counted the rows whose output in the label's column is above 0.5: "
                    "the network's answer is the column of its largest output, whatever its "
                    "size", lambda outputs, labels:
                    np.mean(outputs[np.arange(len(labels)), labels] > 0.5)),
            Mistake("you took the column of the smallest output (argmin); the answer is the "
                    "largest (argmax)",
                    lambda outputs, labels: np.mean(np.argmin(outputs, axis=1) == labels)),
        ])


# --------------------------------------------------------------------------
# 3. The outputs for a new flower.
# --------------------------------------------------------------------------

def _output_weighted_sums(network, rows):
    """The output layer's weighted sums a for ``rows`` (its activation left out)."""
    *hidden, output = network.neural_layers
    for layer in hidden:
        a = rows @ layer.weights_matrix + layer.bias_matrix
        rows = activate(layer.activation, a, np.empty_like(a))
    return rows @ output.weights_matrix + output.bias_matrix


def new_flower(network, flower, train, test):
    """3. ``network``'s outputs (1 x c) for the raw measurements ``flower`` (1 x d),
    standardised with the training part's μ and σ, as the network's training data was.

    ``train`` and ``test`` are the two parts of the raw dataset (for the known mistakes:
    the test part's statistics, or all rows').
    """
    flower = np.array(flower, dtype=float).reshape(1, -1)
    inputs = train.inputs.copy()
    everything = np.vstack([inputs, test.inputs])
    right = Predict(network, _z(flower, inputs))
    classes = right.shape[1]
    return Exercise(
        "3. the output row for a new flower", right,
        hint="prepare the row as the training rows were prepared (which μ and σ?), then let "
             "the trained network answer with fw.Predict",
        solution="row = (np.array([new_flower]) - mu) / sigma     # the training part's μ and σ\n"
                 "answer = fw.Predict(net, row)",
        mistakes=[
            Mistake("you gave the network the raw measurements in cm: it was trained on "
                    "z-scores, so a new row must be standardised the same way, with the "
                    "training part's μ and σ", Predict(network, flower)),
            Mistake("you standardised with the test part's μ and σ: the network's scale is the "
                    "training part's (and one new flower arrives without a test part)",
                    Predict(network, _z(flower, test.inputs))),
            Mistake(f"you standardised with all {len(everything)} flowers' μ and σ (as "
                    "load_dataset does): the network was trained on z-scores made with the "
                    "training part's μ and σ",
                    Predict(network, _z(flower, everything))),
            Mistake("that is the answered species as a one-hot row; the question asks for the "
                    f"network's {classes} outputs (fw.Predict)", np.eye(classes)[[right.argmax()]]),
            Mistake(f"the right numbers as a 1-D array: the answer is the 1 x {classes} matrix "
                    "fw.Predict returns (one row, one sample)", right.ravel()),
            Mistake("you left out the output layer's sigmoid: those are its weighted sums a; "
                    "the outputs are σ(a)",
                    _output_weighted_sums(network, _z(flower, inputs))),
        ])


EXERCISES = (standardise, my_accuracy, new_flower)
