"""The "just computed" strip (flux_widgets.widgets.just_computed) and the engine's list of
what each computation reads (network.computation_operands)."""

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets.datasets import load_dataset  # noqa: E402
from flux_widgets.layer import matrix_shapes  # noqa: E402
from flux_widgets.network import (Form_Network, computation_operands,  # noqa: E402
                                  iteration_computations)
from flux_widgets.stepper import Stepper  # noqa: E402
from flux_widgets.widgets.just_computed import (HINT, SMALL, WINDOW, JustComputed,  # noqa: E402
                                                _number)
from flux_widgets.widgets.view import Change  # noqa: E402
from reference import parity4  # noqa: E402

SHOWN = 5e-3  # 3 significant figures: a shown number is within 0.5% of the value
LINES = 10  # the strip's height budget, in lines of text


class Strip(HTMLParser):
    """The parts of the strip's HTML: ``head`` (the line above the matrices), ``items`` in
    order (a table as a dict, an operator as its text), ``hint`` (text outside both)."""

    def __init__(self, markup):
        super().__init__()
        self.head, self.items, self.hint = "", [], ""
        self._where, self._table = None, None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div" and "flux-jc-head" in classes:
            self._where = "head"
        elif tag == "div" and "flux-jc-hint" in classes:
            self._where = "hint"
        elif tag == "span" and "flux-jc-op" in classes:
            self.items.append("")
            self._where = "op"
        elif tag == "table":
            self._table = {"matrix": attrs["data-matrix"], "written": "flux-jc-written" in classes,
                           "caption": "", "rows": []}
            self.items.append(self._table)
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr":
            self._table["rows"].append([])
        elif tag == "td":
            self._table["rows"][-1].append(["", "flux-jc-changed" in classes])
            self._where = "td"

    def handle_endtag(self, tag):
        if tag in ("div", "span", "caption", "td") and not (tag == "span" and
                                                            self._where == "caption"):
            self._where = None

    def handle_data(self, data):
        if self._where == "head":
            self.head += data
        elif self._where == "hint":
            self.hint += data
        elif self._where == "op":
            self.items[-1] += data
        elif self._where == "caption":
            self._table["caption"] += data
        elif self._where == "td":
            self._table["rows"][-1][-1][0] += data

    @property
    def tables(self):
        return [item for item in self.items if isinstance(item, dict)]

    @property
    def operators(self):
        return [item for item in self.items if isinstance(item, str)]

    @property
    def lines(self):
        """The strip's height in lines: the head, then the tallest table with its caption."""
        return 1 + max(1 + len(table["rows"]) for table in self.tables)


def number(text):
    return float(text.replace("−", "-"))


def assert_shows(table, matrix, changed=None):
    """``table`` shows ``matrix`` (its window when larger than SMALL x SMALL) to the shown
    precision, and marks exactly the ``changed`` cells (none when ``None``)."""
    rows, columns = matrix.shape
    big = rows > SMALL or columns > SMALL
    shown_rows, shown_columns = (min(rows, WINDOW), min(columns, WINDOW)) if big else matrix.shape
    cells = table["rows"]
    assert len(cells) == shown_rows + (shown_rows < rows)
    if shown_rows < rows:
        assert {text for text, _ in cells[-1]} == {"⋮"}
        cells = cells[:-1]
    for r, line in enumerate(cells):
        assert len(line) == shown_columns + (shown_columns < columns)
        if shown_columns < columns:
            assert line[-1][0] == "…"
            line = line[:-1]
        texts = [text for text, _ in line]
        np.testing.assert_allclose([number(t) for t in texts], matrix[r, :shown_columns],
                                   rtol=SHOWN, atol=0)
        marked = [mark for _, mark in line]
        expected = [False] * shown_columns if changed is None else list(changed[r, :shown_columns])
        assert marked == expected
    assert f"({rows}x{columns})" in table["caption"]


def xor_network():
    data = load_dataset("xor")
    return Form_Network([3, 1], data.inputs, data.targets, "leaky_relu", "sigmoid", seed=0)


def shown_after_step(view, stepper, granularity="computation"):
    step = stepper.step(granularity)
    view.step_happened(Change(stepper, tuple(step.written), step))
    return step, Strip(view.strip.value)


def fresh_view(network, learning_rate=0.5):
    stepper = Stepper(network, learning_rate)
    view = JustComputed()
    view.network_replaced(stepper)
    return view, stepper


# The operators between the matrices of each computation of the xor network (2-3-1,
# 4 samples, η = 0.5), by the last name it writes ("cost": the last layer's dC_dy); {h}:
# the layer's activation.
XOR_OPERATORS = {
    "weight_and_input_matrix": ["=", "·"],
    "weight_input_bias_matrix": ["=", "+"],
    "dh_da_matrix": ["= {h}′(", ")"],
    "activated_output_matrix": ["= {h}(", ")"],
    "cost": ["= (2/4)·(", "−", ")"],
    "dC_dy_matrix": ["=", "·", "ᵀ"],
    "dC_da_matrix": ["=", "⊙"],
    "dC_dw_matrix": ["=", "ᵀ ·"],
    "dC_db_matrix": ["= Σ over rows"],
    "weights_matrix": ["←", "− 0.5·"],
    "bias_matrix": ["←", "− 0.5·"],
}
XOR_SYMBOLS = {  # the head's equation in symbols
    "weight_and_input_matrix": "xW = x · W",
    "weight_input_bias_matrix": "a = xW + b",
    "activated_output_matrix": "{out} = {h}(a)",
    "cost": "dC_dy = (2/4)·(y − t)",
    "dC_dy_matrix": "dC_dy = dC_da (layer 2) · W (layer 2)ᵀ",
    "dh_da_matrix": "dh_da = {h}′(a)",
    "dC_da_matrix": "dC_da = dC_dy ⊙ dh_da",
    "dC_dw_matrix": "dC_dw = xᵀ · dC_da",
    "dC_db_matrix": "dC_db = Σ over rows dC_da",
    "weights_matrix": "W ← W − 0.5·dC_dw",
    "bias_matrix": "b ← b − 0.5·dC_db",
}


def test_the_operands_of_every_computation_are_matrices_of_the_network():
    network = Form_Network([8, 4, 1], *parity4(), seed=0)
    last = len(network.neural_layers)
    names = set(matrix_shapes(1, 1, 1)) | {"input_matrix"}
    for _, number, writes in iteration_computations(network):
        operands = computation_operands(number, writes)
        assert operands and all(n is None or 1 <= n <= last for n, _ in operands)
        assert all(name in names for n, name in operands if n is not None)
        if "cost" in writes:
            assert operands == [(last, "activated_output_matrix"), (None, "outputMatrix")]
        elif writes == ("dC_dy_matrix",):
            assert operands == [(number + 1, "dC_da_matrix"), (number + 1, "weights_matrix")]
        else:
            assert {n for n, _ in operands} == {number}
    assert computation_operands(2, ("weight_step_matrix", "weights_matrix")) \
        == [(2, "weights_matrix"), (2, "dC_dw_matrix")]


def test_every_computation_of_xor_is_shown_as_its_equation_with_the_changed_cells_marked():
    network = xor_network()
    view, stepper = fresh_view(network)
    assert Strip(view.strip.value).hint == HINT
    last = len(network.neural_layers)
    for _ in range(2 * len(stepper.computations)):  # two iterations: some cells stay as they were
        computation = stepper.next_computation
        number, name = computation.layer, computation.writes[-1]
        layers = network.neural_layers
        before = layers[number - 1].matrices[name].copy()
        reads = computation_operands(number, computation.writes)
        read_before = [network.outputMatrix if n is None else layers[n - 1].matrices[m].copy()
                       for n, m in reads]
        step, strip = shown_after_step(view, stepper)
        after = layers[number - 1].matrices[name]
        written, *operands = strip.tables
        assert written["written"] and written["matrix"] == f"layer {number} {name}"
        assert_shows(written, after, after != before)
        assert f"{int((after != before).sum())} of {after.size} cells changed" in strip.head
        assert [table["matrix"] for table in operands] == [
            "targets" if n is None else
            f"layer {n} {m}" + (" before the step" if (n, m) == (number, name) else "")
            for n, m in reads]
        for table, matrix in zip(operands, read_before):
            assert_shows(table, matrix)
        key = "cost" if "cost" in computation.writes else name
        h = layers[number - 1].activation.name.lower()
        assert strip.operators == [text.format(h=h) for text in XOR_OPERATORS[key]]
        out = "y" if number == last else "h"
        assert XOR_SYMBOLS[key].format(h=h, out=out) in strip.head
        if key == "cost":
            cost = number_in(strip.head, "cost C = ")
            assert math.isclose(cost, network.cost, rel_tol=SHOWN)
        assert strip.lines <= LINES


def number_in(text, label):
    return number(re.search(re.escape(label) + r"(\S+)", text).group(1))


@pytest.mark.parametrize("case", ["parity", "mnist-sized"])
def test_large_matrices_are_shown_alone_windowed_within_the_line_budget(case):
    if case == "parity":
        network = Form_Network([8, 4, 1], *parity4(), seed=0)
    else:  # MNIST's shape, smaller: 50 inputs, 20 samples, 10 classes
        rng = np.random.default_rng(0)
        network = Form_Network([16, 10], rng.random((20, 50)),
                               np.eye(10)[rng.integers(0, 10, 20)], seed=0)
    view, stepper = fresh_view(network)
    layers = network.neural_layers
    seen_windowed = False
    for _ in range(len(stepper.computations)):
        computation = stepper.next_computation
        number, name = computation.layer, computation.writes[-1]
        before = layers[number - 1].matrices[name].copy()
        shapes = [layers[number - 1].matrices[name].shape] + [
            network.outputMatrix.shape if n is None else layers[n - 1].matrices[m].shape
            for n, m in computation_operands(number, computation.writes)]
        _, strip = shown_after_step(view, stepper)
        after = layers[number - 1].matrices[name]
        small = all(max(shape) <= SMALL for shape in shapes)
        assert len(strip.tables) == (len(shapes) if small else 1)
        assert_shows(strip.tables[0], after, after != before)
        seen_windowed |= max(after.shape) > SMALL
        assert strip.lines <= LINES
    assert seen_windowed


def test_a_step_of_several_computations_shows_the_last_one_marked():
    network = xor_network()
    view, stepper = fresh_view(network)
    shown_after_step(view, stepper, "iteration")
    before = network.neural_layers[0].activated_output_matrix.copy()
    step, strip = shown_after_step(view, stepper, "layer")  # layer 1's forward computations
    assert len(step.computations) == 3
    after = network.neural_layers[0].activated_output_matrix
    assert strip.tables[0]["matrix"] == "layer 1 activated_output_matrix"
    assert_shows(strip.tables[0], after, after != before)
    assert 0 < (after != before).sum()
    before = network.neural_layers[1].bias_matrix.copy()
    _, strip = shown_after_step(view, stepper, "iteration")  # the rest of iteration 2
    assert strip.tables[0]["matrix"] == "layer 2 bias_matrix"
    assert_shows(strip.tables[0], network.neural_layers[1].bias_matrix, np.ones((1, 1), bool))
    assert_shows(strip.tables[1], before)  # the bias before the step, on the right


def test_a_step_back_shows_the_last_steps_matrix_as_it_is_now_unmarked():
    network = xor_network()
    view, stepper = fresh_view(network)
    widget = view.widget
    for _ in range(3):
        shown_after_step(view, stepper)
    stepper.undo()
    view.step_happened(Change(stepper))
    strip = Strip(view.strip.value)
    assert len(strip.tables) == 1 and strip.operators == []
    assert strip.tables[0]["matrix"] == "layer 1 weight_input_bias_matrix"
    assert "as it is now" in strip.head and "a = xW + b" in strip.head
    assert_shows(strip.tables[0], network.neural_layers[0].weight_input_bias_matrix)
    # stepping again compares with the values before that step, not with those shown
    before = network.neural_layers[0].activated_output_matrix.copy()
    _, strip = shown_after_step(view, stepper)
    after = network.neural_layers[0].activated_output_matrix
    assert_shows(strip.tables[0], after, after != before)
    # a weight set by hand: the last step's matrix again, unmarked
    stepper.set_parameter(1, "weights_matrix", 0, 0, 2.0)
    view.step_happened(Change(stepper, ((1, "weights_matrix"),)))
    strip = Strip(view.strip.value)
    assert strip.tables[0]["matrix"] == "layer 1 activated_output_matrix"
    assert_shows(strip.tables[0], after)
    # a reset and training leave no last step to show: the hint
    stepper.reset()
    view.step_happened(Change(stepper))
    assert Strip(view.strip.value).hint == HINT
    stepper.train(3)
    view.step_happened(Change(stepper))
    assert Strip(view.strip.value).hint == HINT
    assert view.widget is widget


def test_a_new_network_clears_the_strip_and_its_first_step_is_marked_against_it():
    view, stepper = fresh_view(xor_network())
    shown_after_step(view, stepper, "iteration")
    network = Form_Network([8, 4, 1], *parity4(), seed=1)
    stepper = Stepper(network, 1.0)
    view.network_replaced(stepper)
    assert Strip(view.strip.value).hint == HINT
    _, strip = shown_after_step(view, stepper)
    after = network.neural_layers[0].weight_and_input_matrix
    assert_shows(strip.tables[0], after, after != 0)  # a new network's matrices start at 0


def test_numbers_have_three_significant_figures_and_a_real_minus():
    assert [_number(v) for v in (0.0, 1.0, -0.0889123, 12.345, 456.7, 999.6, -5.3e-6, 3e-4,
                                 math.nan, -math.inf)] == [
        "0", "1.00", "-0.0889", "12.3", "457", "1.00e+03", "-5.30e-06", "3.00e-04", "nan",
        "-inf"]


def test_the_strips_text_is_at_least_12px_and_in_theme_colours():
    view = JustComputed()
    style = view.widget.children[0].value
    sizes = [int(size) for size in re.findall(r"font-size:(\d+)px", style)]
    assert sizes and min(sizes) >= 12
    colours = re.findall(r"(?:color|background):([^;}]+)", style)
    assert all(c.strip().startswith("var(--jp-") or c.strip() == "#000" for c in colours)
    assert view.widget.children[0].layout.display == "none"
    assert "flux-just-computed" in view.strip._dom_classes
