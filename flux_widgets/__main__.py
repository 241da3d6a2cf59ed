"""The seed's demo: the 4-8-4-1 network learns 4-bit parity (``python -m flux_widgets``).

The settings below are the documented ones: with them plain gradient descent
classifies all 16 patterns correctly (from about iteration 300 on). With
another seed this small network can also get stuck with one pattern wrong
(MSE ≈ 0.0625), a local minimum the lessons show.
"""

from __future__ import annotations

import numpy as np

from .datasets import accuracy, load_dataset
from .mse_graph import MSEGraphPlotter
from .network import Form_Network, Learn, Predict
from .text import NNStructureVis

PARITY_SETTINGS = {"layers": [8, 4, 1], "hidden_activation": "leaky_relu",
                   "output_activation": "sigmoid", "seed": 0, "learning_rate": 1.0,
                   "iterations": 2000}


def main():
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
