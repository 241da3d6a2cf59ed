"""Exports for slides and handouts (flux_widgets/export.py): a matrix as LaTeX and CSV, the
cost chart as SVG, every computation's formula as LaTeX. Structure only: there is no TeX
here, so the LaTeX is read back by counting its separators and parsing its numbers."""

import dataclasses
import io
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from flux_widgets.datasets import load_dataset
from flux_widgets.errors import ConfigurationError, StorageError
from flux_widgets.export import (chart_svg, matrix_csv, matrix_latex, network_matrix,
                                 number_latex, save_text, step_latex)
from flux_widgets.layer import SEED_MATRIX_NAMES
from flux_widgets.network import Form_Network, Learn
from flux_widgets.stepper import Computation, Stepper

from test_activations import assert_latex_of

SVG = "{http://www.w3.org/2000/svg}"


# ---- a matrix as LaTeX ------------------------------------------------------------------

def _cells(latex):
    """The entries of a bmatrix, row by row (its caption left out)."""
    body = re.search(r"\\begin\{bmatrix\}\n(.*)\n\\end\{bmatrix\}", latex, re.S).group(1)
    return [[cell.strip() for cell in row.split("&")] for row in body.split("\\\\")]


def _number(cell):
    """A cell's number: ``1.23\\times10^{5}`` → 123000.0; nan and ±inf from their LaTeX."""
    special = {r"\text{nan}": math.nan, r"\infty": math.inf, r"-\infty": -math.inf}
    if cell in special:
        return special[cell]
    match = re.fullmatch(r"(-?[0-9.]+)(?:\\times10\^\{(-?[0-9]+)\})?", cell)
    assert match, cell
    return float(match.group(1) + (f"e{match.group(2)}" if match.group(2) else ""))


def _agrees(shown, value, figures):
    """``shown`` is ``value`` to ``figures`` significant figures (nan, inf exactly)."""
    if not math.isfinite(value):
        return shown == value or (math.isnan(shown) and math.isnan(value))
    if value == 0:
        return shown == 0 and math.copysign(1, shown) == 1   # -0.0 is written 0
    exponent = math.floor(math.log10(abs(value)))
    return abs(shown - value) <= 0.5 * 10.0 ** (exponent - figures + 1) * (1 + 1e-9)


@pytest.mark.parametrize("figures", [1, 3, 4, 6, 17])
def test_the_latex_has_every_entry_to_its_significant_figures(figures):
    rng = np.random.default_rng(figures)
    matrix = rng.normal(size=(4, 5)) * 10.0 ** rng.integers(-8, 8, size=(4, 5))
    matrix[0, :] = [-0.0, 0.0, 1e-300, 1.23456e5, -9.87654e-7]
    matrix[1, :3] = [math.nan, math.inf, -math.inf]
    matrix[2, 0] = 5e-324
    latex = matrix_latex(matrix, figures)
    cells = _cells(latex)
    assert latex.count("\\\\") == 3 and [len(row) for row in cells] == [5] * 4
    assert all(row.count("&") == 4 for row in latex.split("\\\\"))
    for row, values in zip(cells, matrix):
        for cell, value in zip(row, values):
            assert _agrees(_number(cell), value, figures), (cell, value)
    assert cells[0][0] == "0" and cells[1][:3] == [r"\text{nan}", r"\infty", r"-\infty"]
    assert cells[0][2] == r"1\times10^{-300}"
    assert latex.isascii() and "e+" not in latex and "e-" not in latex


def test_numbers_are_written_with_powers_of_ten():
    assert number_latex(123456.0, 3) == r"1.23\times10^{5}"
    assert number_latex(0.5) == "0.5" and number_latex(-2.0) == "-2"
    assert number_latex(-1e300, 2) == r"-1\times10^{300}"
    assert number_latex(-0.0) == "0"


@pytest.mark.parametrize("shape, window, shown", [
    ((20, 30), (10, 8), (11, 9)), ((20, 3), (10, 8), (11, 3)), ((4, 30), (10, 8), (4, 9)),
    ((10, 8), (10, 8), (10, 8)), ((3, 3), (2, 2), (3, 3)), ((1, 1), (2, 2), (1, 1))])
def test_a_large_matrix_is_elided_beyond_its_window(shape, window, shown):
    matrix = np.arange(np.prod(shape), dtype=float).reshape(shape)
    latex = matrix_latex(matrix, max_rows=window[0], max_columns=window[1])
    cells = _cells(latex)
    assert (len(cells), len(cells[0])) == shown
    assert all(len(row) == shown[1] for row in cells)
    rows_elided, columns_elided = shape[0] > window[0], shape[1] > window[1]
    assert (r"\vdots" in latex) == rows_elided and (r"\cdots" in latex) == columns_elided
    assert (r"\ddots" in latex) == (rows_elided and columns_elided)
    # the first rows and columns, then the last: read back where numbers are written
    rows = [*range(window[0] - 1), shape[0] - 1] if rows_elided else range(shape[0])
    columns = [*range(window[1] - 1), shape[1] - 1] if columns_elided else range(shape[1])
    numbers = [[_number(c) for c in row if "dots" not in c] for row in cells
               if not row[0].endswith("dots")]
    assert numbers == [[matrix[r, c] for c in columns] for r in rows]


def test_the_caption_names_the_matrix_and_its_shape():
    latex = matrix_latex(np.ones((16, 8)), name="layer 1 weights_matrix & more")
    assert latex.startswith(r"\text{layer 1 weights\_matrix \& more} = \begin{bmatrix}")
    assert latex.endswith(r"\end{bmatrix} \quad [16\times 8]")
    assert latex.count("{") == latex.count("}")


@pytest.mark.parametrize("call, message", [
    (lambda: matrix_latex(np.ones(3)), r"2-D matrix .* got shape \(3,\)"),
    (lambda: matrix_latex(np.ones((0, 3))), "non-empty"),
    (lambda: matrix_latex([["a", "b"]]), "matrix of real numbers"),
    (lambda: matrix_latex(np.ones((2, 2)) * 1j), "matrix of real numbers"),
    (lambda: matrix_latex(np.ones((2, 2)), figures=0), "figures"),
    (lambda: matrix_latex(np.ones((2, 2)), figures=18), "figures"),
    (lambda: matrix_latex(np.ones((2, 2)), figures=4.0), "figures"),
    (lambda: matrix_latex(np.ones((2, 2)), max_rows=1), "max_rows"),
    (lambda: matrix_csv(np.ones((2, 2, 2))), "2-D matrix"),
])
def test_bad_matrices_and_settings_are_refused_with_a_message(call, message, refused):
    refused(call, ConfigurationError, message)


# ---- a matrix as CSV ----------------------------------------------------------------------

def test_the_csv_reads_back_bit_for_bit():
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(7, 5)) * 10.0 ** rng.integers(-300, 300, size=(7, 5))
    matrix[0, :4] = [-0.0, 5e-324, np.finfo(float).max, 0.1]
    matrix[1, :3] = [math.inf, -math.inf, 1 / 3]
    text = matrix_csv(matrix, header="layer 1 weights_matrix,\n7x5")
    assert text.splitlines()[0] == "# layer 1 weights_matrix, 7x5"
    back = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)
    assert back.shape == matrix.shape and back.tobytes() == matrix.tobytes()
    nan = matrix_csv([[math.nan, 1.0]])
    assert np.isnan(np.loadtxt(io.StringIO(nan), delimiter=",", ndmin=2)[0, 0])
    one_row = np.loadtxt(io.StringIO(matrix_csv(matrix[:1])), delimiter=",", ndmin=2)
    assert one_row.tobytes() == matrix[:1].tobytes()


# ---- a network's matrices ---------------------------------------------------------------

@pytest.fixture
def parity_network(parity_data):
    return Form_Network([8, 4, 1], *parity_data, "relu", "sigmoid", seed=0)


def test_a_network_matrix_is_the_layers_own(parity_network):
    for layer in (1, 2, 3):
        for name in SEED_MATRIX_NAMES:
            assert network_matrix(parity_network, layer, name) is \
                parity_network.neural_layers[layer - 1].matrices[name]


@pytest.mark.parametrize("layer, name, message", [
    (0, "weights_matrix", "layer must be .* from 1 to 3"),
    (4, "weights_matrix", "layer must be .* from 1 to 3"),
    ("1", "weights_matrix", "layer must be a whole number"),
    (1, "weights", "no matrix named 'weights'; its named matrices are input_matrix, "),
    (1, "weight_step_matrix", "no matrix named"),
])
def test_a_layer_or_name_the_network_lacks_is_refused(parity_network, layer, name, message,
                                                      refused):
    refused(lambda: network_matrix(parity_network, layer, name), ConfigurationError, message)
    refused(lambda: network_matrix("net", 1, "weights_matrix"), ConfigurationError,
            "network_matrix needs a network made by Form_Network")


# ---- the cost chart -----------------------------------------------------------------------

def test_the_chart_of_a_stepper_and_of_its_points_are_the_same(parity_network):
    stepper = Stepper(parity_network, 0.5)
    for _ in range(5):
        stepper.step("iteration")
    svg = chart_svg(stepper)
    assert svg == chart_svg((stepper.iteration_points, stepper.mse_values))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label").startswith("MSE vs iterations")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 5


def test_the_chart_names_its_cost():
    data = load_dataset("iris")
    network = Form_Network([5, 3], data.inputs, data.targets, "tanh", "softmax", seed=0,
                           cost="cross_entropy")
    stepper = Stepper(network, 0.5)
    stepper.train(3)
    texts = [t.text for t in ET.fromstring(chart_svg(stepper)).iter(f"{SVG}text")]
    assert texts[0] == "cross-entropy vs iterations" and "cross-entropy" in texts
    mse, points = Learn(Form_Network([3], data.inputs, data.targets, seed=1), 0.1, 4)[:2]
    texts = [t.text for t in ET.fromstring(chart_svg((points, mse), "loss")).iter(f"{SVG}text")]
    assert texts[0] == "loss vs iterations" and "loss" in texts


def test_a_chart_without_points_is_refused(parity_network, refused):
    refused(lambda: chart_svg(Stepper(parity_network)), ConfigurationError,
            "no point to draw yet: complete an iteration first")
    refused(lambda: chart_svg(([1, 2], [math.nan, math.inf])), ConfigurationError,
            "no point to draw")
    refused(lambda: chart_svg("curve"), ConfigurationError, "needs a Stepper or a pair")
    refused(lambda: chart_svg(([1], [0.5]), cost_label=""), ConfigurationError, "cost_label")


# ---- every computation's LaTeX ------------------------------------------------------------

def _bracket(text):
    """The shape bracket at the end of a formula, spaces removed, in Unicode."""
    inside = re.search(r"\[([^\[\]]*)\]$", text).group(1)
    for latex, unicode in ((r"\times", "x"), (r"\cdot", "·"), (r"\to", "→")):
        inside = inside.replace(latex, unicode)
    return inside.replace(" ", "")


NETWORKS = [  # dataset, layers, hidden, output, cost, batch size
    ("parity4", [8, 4, 1], "leaky_relu", "sigmoid", "mse", None),
    ("xor", [3, 1], "tanh", "linear", "mse", None),
    ("iris", [5, 3], "elu", "softmax", "cross_entropy", None),
    ("iris", [5, 3], "swish", "softmax", "mse", 4),
    ("xor", [2, 2, 1], ["relu", "sigmoid"], "sigmoid", "cross_entropy", 4),
    ("parity4", [1], None, "relu", "mse", 4),
]


def test_computation_has_a_latex_field():
    """A Computation cannot be made without its LaTeX."""
    fields = [field.name for field in dataclasses.fields(Computation)]
    assert fields.index("latex") == fields.index("formula") + 1


@pytest.mark.parametrize("dataset, layers, hidden, output, cost, batch", NETWORKS)
def test_every_computation_has_its_formula_in_latex(dataset, layers, hidden, output, cost,
                                                    batch):
    data = load_dataset(dataset)
    network = Form_Network(layers, data.inputs, data.targets, hidden or "relu", output,
                           seed=0, cost=cost)
    stepper = Stepper(network, 0.5, batch_size=batch)
    seen = []
    for _ in range(2 * len(stepper.computations) + 1):   # two iterations and a bit
        step = stepper.step()
        (computation,) = step.computations
        seen.append(computation)
        if batch is not None and step.iteration == 2:
            stepper.batch_size = None   # the next iteration takes all samples back
    seen += stepper.computations
    for computation in seen:
        latex, formula = computation.latex, computation.formula
        assert_latex_of(latex, formula)
        assert latex.endswith("]") and r" \quad [" in latex, latex
        assert _bracket(latex) == _bracket(formula), (formula, latex)
        assert "$" not in latex
    kinds = {(c.phase, c.layer, c.writes) for c in seen}
    assert {(c.phase, c.layer, c.writes) for c in stepper.computations} <= kinds
    if batch is not None:   # a mini-batch taken, and all samples taken back
        assert {"x = X[rows], t = T[rows]", "x = X, t = T"} <= {
            c.formula.split("  [")[0] for c in seen if c.writes == ("input_matrix",)}


def test_the_latex_of_each_kind_of_computation():
    data = load_dataset("iris")
    network = Form_Network([5, 3], data.inputs, data.targets, "tanh", "softmax", seed=0,
                           cost="cross_entropy")
    stepper = Stepper(network, 0.5, batch_size=4)
    stepper.step()   # the mini-batch taken: the formulas give its 4 rows
    latex = {(c.layer, c.writes[-1]): c.latex for c in stepper.computations}
    assert latex[(1, "input_matrix")].startswith(r"x = X_{\text{rows}}, \; t = T_{\text{rows}}")
    assert latex[(1, "weight_and_input_matrix")] == \
        r"x W \quad [4\times 4 \cdot 4\times 5 \to 4\times 5]"
    assert latex[(1, "weight_input_bias_matrix")] == r"a = x W + b \quad [4\times 5 + 1\times 5]"
    assert latex[(1, "dC_dw_matrix")].startswith(
        r"\frac{\partial C}{\partial W} = x^{\top} \frac{\partial C}{\partial a}")
    assert latex[(2, "dC_dy_matrix")].startswith(r"\frac{\partial C}{\partial p} = -\frac{t}{N p}")
    assert latex[(2, "dC_da_matrix")].startswith(
        r"\frac{\partial C}{\partial a} = \frac{1}{N} \left(p - t\right)")
    assert latex[(1, "dC_dy_matrix")].startswith(
        r"\frac{\partial C}{\partial h} = \frac{\partial C}{\partial a_{\text{next}}}")
    assert latex[(1, "weights_matrix")].startswith(r"W \leftarrow W - \eta")


def test_a_steps_latex(parity_network, refused):
    stepper = Stepper(parity_network, 0.5)
    refused(lambda: step_latex(stepper.last_step), ConfigurationError, "press Step first")
    step = stepper.step()
    assert step_latex(step) == step.computations[0].latex
    step = stepper.step("phase")
    text = step_latex(step)
    assert text.startswith("\\begin{gathered}\n") and text.endswith("\n\\end{gathered}")
    assert text.count("\\\\\n") == len(step.computations) - 1
    assert text.count(r"\text{layer 3:}") == 3
    stepper.step("iteration")
    stepper.train(2)   # from the start of an iteration: no computation of its own
    refused(lambda: step_latex(stepper.last_step), ConfigurationError, "a training")


# ---- writing ------------------------------------------------------------------------------

def test_save_text_writes_and_says_why_it_cannot(tmp_path, refused):
    path = save_text("x,y\n", tmp_path / "m.csv")
    assert path == str(tmp_path / "m.csv") and open(path).read() == "x,y\n"
    (tmp_path / "folder.tex").mkdir()
    refused(lambda: save_text("x", tmp_path / "folder.tex"), StorageError,
            "could not write .*folder.tex")
    refused(lambda: save_text("x", 3), ConfigurationError, "path must be a file path")
