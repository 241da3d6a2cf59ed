"""The seed's demo: the 4-8-4-1 network learns 4-bit parity (``python -m flux_widgets``);
``python -m flux_widgets lessons FOLDER`` copies the lessons into FOLDER.

The settings below are the documented ones: with them plain gradient descent
classifies all 16 patterns correctly (from about iteration 300 on). With
another seed this small network can also get stuck with one pattern wrong
(MSE ≈ 0.0625), a local minimum the lessons show.
"""

from __future__ import annotations

import sys

import numpy as np

from .datasets import accuracy, load_dataset
from .errors import FluxError
from .lessons import FIRST_LESSON, copy_lessons
from .mse_graph import MSEGraphPlotter
from .network import Form_Network, Learn, Predict
from .text import NNStructureVis

PARITY_SETTINGS = {"layers": [8, 4, 1], "hidden_activation": "leaky_relu",
                   "output_activation": "sigmoid", "seed": 0, "learning_rate": 1.0,
                   "iterations": 2000}


USAGE = """usage: python -m flux_widgets             the seed's demo (4-bit parity)
       python -m flux_widgets lessons FOLDER  copy the lessons into FOLDER"""


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        return demo()
    if args[0] == "lessons" and len(args) == 2:
        return lessons(args[1])
    print(USAGE, file=sys.stderr)
    return 0 if args[0] in ("-h", "--help") else 2


def lessons(folder):
    """Copy the lessons into ``folder`` (never over a file already there)."""
    try:
        copied, kept = copy_lessons(folder)
    except (FluxError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(copied)} lesson files copied into {folder}")
    if kept:
        print(f"{len(kept)} kept as they were (already there): "
              + ", ".join(path.name for path in kept))
    print(f"open the first: python -m jupyter lab {folder}/{FIRST_LESSON}")
    return 0


def demo():
    data = load_dataset("parity4")
    s = PARITY_SETTINGS
    network = Form_Network(s["layers"], data.inputs, data.targets, s["hidden_activation"],
                           s["output_activation"], seed=s["seed"])
    NNStructureVis.visualizeNetwork(network)
    mse_values, iteration_points = Learn(network, s["learning_rate"], s["iterations"])
    MSEGraphPlotter.plotMSEvsIterations(mse_values, iteration_points)
    outputs = Predict(network, data.inputs)
    print("\n input   target  output")
    for row, target, output in zip(data.inputs, data.targets[:, 0], outputs[:, 0]):
        print(f" {''.join(str(int(v)) for v in row)}    {int(target)}       {output:.3f}")
    print(f"\nMSE after {s['iterations']} iterations: {mse_values[-1]:.6f}; "
          f"accuracy {accuracy(outputs, data.labels):.0%}")
    return 0 if np.isfinite(mse_values[-1]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
