"""Engine speed, side by side in one run: FLUX ``Learn`` vs a minimal numpy loop.

Run: ``python benchmarks/bench_engine.py [--iterations N] [--repeats R]``

Both sides train the seed's 4-8-4-1 parity network (LEAKY_RELU hidden,
SIGMOID output, the same initial weights, the same math). The minimal loop is
what one would write by hand: ``a = x @ W + b``, activations inline, the
transposes as views, no checks, no recording. The two are timed alternately,
R times each, and the best (least disturbed) time of each is compared, so a
noisy shared machine affects both alike. It also times the step engine: one
whole iteration through ``Stepper.step("iteration")`` and through its 30 single
computations (``Stepper.step("computation")``), both with their undo history.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flux_widgets as fw  # noqa: E402
from flux_widgets.datasets import load_dataset  # noqa: E402
from flux_widgets.stepper import Stepper  # noqa: E402

LEARNING_RATE = 0.5


def minimal_numpy_loop(inputs, targets, weights, biases, iterations, learning_rate):
    """The same math as ``Learn`` for a LEAKY_RELU…LEAKY_RELU, SIGMOID network, by hand."""
    samples = inputs.shape[0]
    last = len(weights) - 1
    costs = np.empty(iterations)
    for k in range(iterations):
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


def parity_network():
    data = load_dataset("parity4")
    return fw.Form_Network([8, 4, 1], data.inputs, data.targets, "leaky_relu", "sigmoid", seed=0)


def time_engine(iterations):
    network = parity_network()
    start = time.perf_counter()
    costs, _ = fw.Learn(network, LEARNING_RATE, iterations)
    return time.perf_counter() - start, costs


def time_minimal(iterations):
    network = parity_network()
    weights = [layer.weights_matrix.copy() for layer in network.neural_layers]
    biases = [layer.bias_matrix.copy() for layer in network.neural_layers]
    start = time.perf_counter()
    costs = minimal_numpy_loop(network.inputMatrix, network.outputMatrix, weights, biases,
                               iterations, LEARNING_RATE)
    return time.perf_counter() - start, costs


def time_stepper(iterations, granularity):
    stepper = Stepper(parity_network(), LEARNING_RATE)
    steps_per_iteration = len(stepper.computations) if granularity == "computation" else 1
    start = time.perf_counter()
    for _ in range(iterations * steps_per_iteration):
        stepper.step(granularity)
    return time.perf_counter() - start


COMPUTATIONS = len(Stepper(parity_network(), LEARNING_RATE).computations)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n = args.iterations

    engine, minimal = [], []
    for _ in range(args.repeats):
        t, engine_costs = time_engine(n)
        engine.append(t)
        t, minimal_costs = time_minimal(n)
        minimal.append(t)
    agreement = np.max(np.abs(engine_costs - minimal_costs))
    step_iteration = min(time_stepper(n // 10, "iteration") for _ in range(3))
    step_computation = min(time_stepper(n // 50, "computation") for _ in range(3))

    per = 1e6 / n
    e, m = min(engine) * per, min(minimal) * per
    print("4-8-4-1 parity network, LEAKY_RELU hidden / SIGMOID output, 16 samples")
    print(f"  best of {args.repeats} runs of {n} iterations each, alternating")
    print(f"  minimal numpy loop        {m:8.1f} µs / iteration")
    print(f"  FLUX Learn                {e:8.1f} µs / iteration   ratio {e / m:.2f} (target ≤ 1.3)")
    print(f"  Stepper, whole iteration  {step_iteration * 1e6 / (n // 10):8.1f} µs / iteration")
    print(f"  Stepper, {COMPUTATIONS} computations  {step_computation * 1e6 / (n // 50):8.1f} µs / iteration")
    print(f"  largest cost difference between the two loops: {agreement:.2e}")


if __name__ == "__main__":
    main()
