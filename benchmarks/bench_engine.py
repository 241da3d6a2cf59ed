"""Engine speed, side by side in one run: FLUX ``Learn`` vs a minimal numpy loop vs PyTorch eager.

Run, from the repository root: ``python -m benchmarks.bench_engine [--repeats R]
[--parity-iterations N] [--mnist-iterations M]`` (``python benchmarks/bench_engine.py``
works too: it imports nothing but the installed ``flux_widgets``). The PyTorch rows
need the ``bench`` extra (``pip install -e .[bench]``); without torch they are
skipped with a note.

Three cases, each trained by every contender from the same initial weights with
the same math (the kit's MSE cost ``C = (1/N) Σ (y − t)²``, LEAKY_RELU hidden,
SIGMOID output, plain gradient descent):

* parity: the seed's 4-8-4-1 network on the 16 rows of 4-bit parity, η = 0.5;
* mnist: lesson 12's 784-32-10 network on its 400 training images of
  ``load_dataset("mnist", samples=600)`` (2/3 of it, ``train_test_split(…, 1/3,
  seed=0)``), η = 1.0;
* mnist-batch32: the same network and images in mini-batches of 32, shuffled per epoch
  (``Learn(…, batch_size=32, shuffle_seed=0)``; every contender takes the very same
  batches, the samples of :func:`flux_widgets.network.epoch_batch`, copied out of the data
  each iteration as the engine copies them), η = 0.5.

Contenders: the minimal numpy loop is what one would write by hand (``a = x @ W
+ b``, activations inline, the transposes as views, no checks, no recording);
FLUX ``Learn``; PyTorch eager on the CPU in float64 (forward in torch ops, the
gradient by ``loss.backward()``, the update ``p -= η · p.grad`` under
``torch.no_grad()``), and the same in float32 as an extra row. torch gets as
many threads as numpy's BLAS has. All contenders are timed alternately (the
order rotates every round), R rounds, and the best (least disturbed) time of
each is compared, so a noisy shared machine affects all alike; the timed runs
are short (500 and 40 iterations by default) so that the best of them is likely
to have run undisturbed. Agreement is checked on one longer, untimed run of
each (2000 and 200 iterations): the largest difference of the cost curves from
the minimal loop's, over the first 10 iterations and over all. For parity it
also times the step engine: one whole iteration through
``Stepper.step("iteration")`` and through its single computations
(``Stepper.step("computation")``), both with their undo history.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import time
from pathlib import Path

import numpy as np

import flux_widgets as fw
from flux_widgets.datasets import load_dataset, train_test_split
from flux_widgets.stepper import Stepper

try:
    import torch
except ImportError:  # the bench extra is not installed
    torch = None


# --------------------------------------------------------------------------
# The cases.
# --------------------------------------------------------------------------

def parity_network():
    data = load_dataset("parity4")
    return fw.Form_Network([8, 4, 1], data.inputs, data.targets, "leaky_relu", "sigmoid", seed=0)


_MNIST = {}


def mnist_network():
    if not _MNIST:
        train, _ = train_test_split(load_dataset("mnist", samples=600), 1 / 3, seed=0)
        _MNIST["train"] = train
    train = _MNIST["train"]
    return fw.Form_Network([32, 10], train.inputs, train.targets, "leaky_relu", "sigmoid", seed=0)


CASES = {
    # name: (form the network, learning rate, title, mini-batch size or None)
    "parity": (parity_network, 0.5, "4-8-4-1 parity, LEAKY_RELU hidden / SIGMOID output, 16 samples",
               None),
    "mnist": (mnist_network, 1.0,
              "784-32-10 MNIST (lesson 12), LEAKY_RELU hidden / SIGMOID output, 400 samples",
              None),
    "mnist-batch32": (mnist_network, 0.5,
                      "784-32-10 MNIST, mini-batches of 32 shuffled per epoch (the last of an "
                      "epoch: 16), 400 samples", 32),
}


def batch_rows(network, batch_size, iterations):
    """The sample rows of each of ``iterations`` mini-batches, as Learn takes them (from
    epoch 0, shuffle seed 0); ``None`` for full batch."""
    if batch_size is None:
        return None
    per_epoch = -(-network.sample_size // batch_size)
    return [fw.network.epoch_batch(network.sample_size, batch_size, 0, k // per_epoch,
                                   k % per_epoch).rows for k in range(iterations)]


# --------------------------------------------------------------------------
# The contenders. Each forms its network itself, then times only the training.
# --------------------------------------------------------------------------

def minimal_numpy_loop(inputs, targets, weights, biases, iterations, learning_rate,
                       batches=None):
    """The same math as ``Learn`` for a LEAKY_RELU…LEAKY_RELU, SIGMOID network, by hand;
    ``batches``: the rows of each iteration's mini-batch."""
    all_inputs, all_targets = inputs, targets
    samples = inputs.shape[0]
    last = len(weights) - 1
    costs = np.empty(iterations)
    for k in range(iterations):
        if batches is not None:
            rows = batches[k]
            inputs, targets, samples = all_inputs[rows], all_targets[rows], len(rows)
        outputs, pre = [inputs], []
        for index, (w, b) in enumerate(zip(weights, biases)):
            a = outputs[-1] @ w + b
            pre.append(a)
            outputs.append(1.0 / (1.0 + np.exp(-a)) if index == last else np.maximum(a, 0.01 * a))
        error = outputs[-1] - targets
        costs[k] = np.vdot(error, error) / samples
        dh = (2.0 / samples) * error
        for index in range(last, -1, -1):
            h = outputs[index + 1]
            dh_da = h * (1.0 - h) if index == last else np.where(pre[index] > 0, 1.0, 0.01)
            da = dh * dh_da
            dw = outputs[index].T @ da
            db = da.sum(axis=0, keepdims=True)
            if index:
                dh = da @ weights[index].T
            weights[index] -= learning_rate * dw
            biases[index] -= learning_rate * db
    return costs


def torch_eager_loop(inputs, targets, weights, biases, iterations, learning_rate,
                     batches=None):
    """The same math in PyTorch eager: torch ops forward, ``loss.backward()``, SGD under
    no_grad; ``batches``: the rows (tensors) of each iteration's mini-batch."""
    all_inputs, all_targets = inputs, targets
    samples = inputs.shape[0]
    last = len(weights) - 1
    parameters = [p for pair in zip(weights, biases) for p in pair]
    costs = np.empty(iterations)
    for k in range(iterations):
        if batches is not None:
            rows = batches[k]
            inputs, targets = all_inputs.index_select(0, rows), all_targets.index_select(0, rows)
            samples = len(rows)
        h = inputs
        for index, (w, b) in enumerate(zip(weights, biases)):
            a = torch.addmm(b, h, w)  # b + h @ w
            h = torch.sigmoid(a) if index == last else torch.nn.functional.leaky_relu(a, 0.01)
        error = h - targets
        loss = (error * error).sum() / samples
        loss.backward()
        with torch.no_grad():
            for p in parameters:
                p.sub_(p.grad, alpha=learning_rate)
                p.grad = None
        costs[k] = loss.item()
    return costs


def _initial_parameters(network):
    return ([layer.weights_matrix.copy() for layer in network.neural_layers],
            [layer.bias_matrix.copy() for layer in network.neural_layers])


def time_engine(case, iterations):
    form, learning_rate, _, batch_size = CASES[case]
    network = form()
    start = time.perf_counter()
    costs, _ = fw.Learn(network, learning_rate, iterations, batch_size=batch_size)
    return time.perf_counter() - start, costs


def time_minimal(case, iterations):
    form, learning_rate, _, batch_size = CASES[case]
    network = form()
    weights, biases = _initial_parameters(network)
    batches = batch_rows(network, batch_size, iterations)   # the shuffles, before the clock
    start = time.perf_counter()
    costs = minimal_numpy_loop(network.inputMatrix, network.outputMatrix, weights, biases,
                               iterations, learning_rate, batches)
    return time.perf_counter() - start, costs


def _time_torch(case, iterations, dtype):
    form, learning_rate, _, batch_size = CASES[case]
    network = form()
    weights, biases = _initial_parameters(network)
    tensor = lambda m, grad=False: torch.tensor(m, dtype=dtype, requires_grad=grad)  # noqa: E731
    weights = [tensor(w, True) for w in weights]
    biases = [tensor(b, True) for b in biases]
    inputs, targets = tensor(network.inputMatrix), tensor(network.outputMatrix)
    batches = batch_rows(network, batch_size, iterations)
    batches = None if batches is None else [torch.as_tensor(rows) for rows in batches]
    start = time.perf_counter()
    costs = torch_eager_loop(inputs, targets, weights, biases, iterations, learning_rate,
                             batches)
    return time.perf_counter() - start, costs


def time_torch64(case, iterations):
    return _time_torch(case, iterations, torch.float64)


def time_torch32(case, iterations):
    return _time_torch(case, iterations, torch.float32)


STEPPER_BATCH = 4   # the stepper's mini-batch row: parity's 16 samples in batches of 4


def time_stepper(iterations, granularity, batch_size=None):
    stepper = Stepper(parity_network(), CASES["parity"][1], batch_size=batch_size)
    steps_per_iteration = len(stepper.computations) if granularity == "computation" else 1
    start = time.perf_counter()
    for _ in range(iterations * steps_per_iteration):
        stepper.step(granularity)
    return time.perf_counter() - start


# --------------------------------------------------------------------------
# Threads.
# --------------------------------------------------------------------------

def _openblas_function(verb):
    """numpy's bundled OpenBLAS ``…_{verb}_num_threads`` (through ctypes), or None."""
    folder = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in glob.glob(str(folder / "libscipy_openblas*.so*")) + \
            glob.glob(str(folder / "libopenblas*.so*")):
        library = ctypes.CDLL(path)
        for symbol in (f"scipy_openblas_{verb}_num_threads64_", f"scipy_openblas_{verb}_num_threads",
                       f"openblas_{verb}_num_threads64_", f"openblas_{verb}_num_threads"):
            function = getattr(library, symbol, None)
            if function is not None:
                return function
    return None


def numpy_blas_threads(threads=None):
    """How many threads numpy's OpenBLAS uses (after setting ``threads``), or None if unknown."""
    if threads is not None and _openblas_function("set") is not None:
        _openblas_function("set")(ctypes.c_int(threads))
    function = _openblas_function("get")
    return None if function is None else int(function())


# --------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------

def run_case(case, iterations, repeats, contenders):
    """Time every contender alternately (rotating the order); best µs / iteration of ``repeats``."""
    times = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, _ = contenders[name](case, iterations)
            times[name].append(elapsed)
    return {name: min(t) * 1e6 / iterations for name, t in times.items()}


def cost_curves(case, iterations, contenders):
    """Every contender's cost of every iteration, from one untimed run each."""
    return {name: contender(case, iterations)[1] for name, contender in contenders.items()}


LABELS = {
    "minimal": "minimal numpy loop",
    "engine": "FLUX Learn",
    "torch64": "PyTorch eager, float64",
    "torch32": "PyTorch eager, float32 (extra)",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--parity-iterations", type=int, default=500)
    parser.add_argument("--mnist-iterations", type=int, default=40)
    parser.add_argument("--batch-iterations", type=int, default=260,
                        help="iterations (batches) of mnist-batch32: 260 = 20 epochs of 13")
    parser.add_argument("--parity-agreement-iterations", type=int, default=2000)
    parser.add_argument("--mnist-agreement-iterations", type=int, default=200)
    parser.add_argument("--batch-agreement-iterations", type=int, default=650)
    parser.add_argument("--no-stepper", action="store_true", help="skip the Stepper rows")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads for numpy (and so torch); default: numpy's own")
    args = parser.parse_args()

    contenders = {"minimal": time_minimal, "engine": time_engine}
    threads = numpy_blas_threads(args.threads)
    if torch is None:
        print("note: torch is not installed (pip install -e .[bench]); PyTorch rows skipped")
    else:
        contenders.update(torch64=time_torch64, torch32=time_torch32)
        if threads is not None:
            torch.set_num_threads(threads)
    print(f"numpy {np.__version__}, BLAS threads {threads if threads is not None else '?'}"
          + ("" if torch is None else
             f"; torch {torch.__version__}, torch.set_num_threads({torch.get_num_threads()})")
          + f"; {os.cpu_count()} CPUs")

    for case, iterations, checked in (
            ("parity", args.parity_iterations, args.parity_agreement_iterations),
            ("mnist", args.mnist_iterations, args.mnist_agreement_iterations),
            ("mnist-batch32", args.batch_iterations, args.batch_agreement_iterations)):
        per = run_case(case, iterations, args.repeats, contenders)
        costs = cost_curves(case, checked, contenders)
        print()
        print(CASES[case][2])
        print(f"  best of {args.repeats} runs of {iterations} iterations each, alternating")
        base = per["minimal"]
        for name in contenders:
            target = ""
            if name == "engine":
                verdict = "met" if per[name] <= 1.2 * base else "MISSED"
                target = f"  (target ≤ 1.20: {verdict})"
            line = f"  {LABELS[name]:<32}{per[name]:9.1f} µs / iteration   ratio {per[name] / base:5.2f}"
            print(line + target)
        if "torch64" in per:
            print(f"  FLUX Learn / PyTorch float64: {per['engine'] / per['torch64']:.2f}"
                  f"   (target < 1: {'met' if per['engine'] < per['torch64'] else 'MISSED'})")
        if case == "parity" and not args.no_stepper:
            n = max(iterations, 500)
            for size in (None, STEPPER_BATCH):   # all samples, then by mini-batch
                runs = [(time_stepper(n // 10, "iteration", size),
                         time_stepper(n // 50, "computation", size)) for _ in range(3)]
                step_iteration = min(run[0] for run in runs)
                step_computation = min(run[1] for run in runs)
                count = len(Stepper(parity_network(), CASES["parity"][1],
                                    batch_size=size).computations)
                by = "" if size is None else f", batches of {size}"
                print(f"  {f'Stepper, whole iteration{by}':<32}"
                      f"{step_iteration * 1e6 / (n // 10):9.1f} µs / iteration"
                      f"   ratio {step_iteration * 1e6 / (n // 10) / base:5.2f}")
                print(f"  {f'Stepper, {count} computations{by}':<32}"
                      f"{step_computation * 1e6 / (n // 50):9.1f} µs / iteration"
                      f"   ratio {step_computation * 1e6 / (n // 50) / base:5.2f}")
        print(f"  largest cost difference from the minimal loop (untimed runs of {checked} "
              f"iterations):")
        print(f"    {'':<32}{'first 10':>9}  {f'all {checked}':>9}")
        for name in contenders:
            if name != "minimal":
                difference = np.abs(costs[name] - costs["minimal"])
                print(f"    {LABELS[name]:<32}{difference[:10].max():9.1e}  {difference.max():9.1e}")


if __name__ == "__main__":
    main()
