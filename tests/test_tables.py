"""Matrix tables: one redraw per change, the style sheet sent once, a chosen neuron outlined,
"—" for a matrix not computed yet, significant figures, colours that follow JupyterLab's theme."""

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import Form_Network, Forward_Pass, Learn  # noqa: E402
from flux_widgets.layer import SEED_MATRIX_NAMES  # noqa: E402
from flux_widgets.stepper import Stepper  # noqa: E402
from flux_widgets.text import significant_text  # noqa: E402
from flux_widgets.widgets import tables as tables_module  # noqa: E402
from flux_widgets.widgets.tables import MatrixTables, matrix_html  # noqa: E402
from flux_widgets.widgets.view import Change  # noqa: E402


@pytest.fixture
def tables(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    Forward_Pass(network)
    return MatrixTables(network)


def cells(html, matrix):
    """Every shown cell of ``matrix`` in the tables' HTML: ``{(row, column): (text, marks)}``,
    counted within the window, ``marks`` the classes of the cell's own mark (if any)."""
    part = html.split(f"data-matrix='{matrix}'")[1]
    values = re.search(r"<pre(?: class='[^']*')?>(<span class='flux-index'>.*?)</pre>",
                       part, re.S).group(1)
    found = {}
    for r, line in enumerate(values.split("\n")[1:]):
        tokens = re.findall(r"<span class='([^']*)'>([^<]*)</span>|([^\s<]+)", line)
        for c, (marks, marked, plain) in enumerate(tokens):
            found[(r, c)] = (marked or plain, set(marks.split()))
    return found


def focused_cells(html, matrix):
    """``(row, column)`` of the outlined cells of ``matrix`` in the tables' HTML."""
    return sorted(where for where, (_, marks) in cells(html, matrix).items()
                  if "flux-focus" in marks)


def test_the_style_sheet_is_sent_once_not_with_every_redraw(tables):
    assert "<style>" in tables.widget.children[0].value
    assert "<style>" not in tables.html.value


def test_moving_to_another_layer_redraws_once(tables):
    values = []
    tables.html.observe(lambda change: values.append(change["new"]), "value")
    tables.show([(2, "weights_matrix")], layer=2, row=3, column=1)
    assert len(values) == 1 and "<h3>Layer 2" in values[0]
    assert (tables.layer.value, tables.row_start.value, tables.column_start.value) == (2, 3, 1)
    tables.layer.value = 3  # a learner's click on a layer button still redraws
    assert len(values) == 2 and "<h3>Layer 3" in values[1]


def test_a_chosen_hidden_neuron_outlines_its_column_and_its_outgoing_weights(tables):
    tables.select_neuron(1, 5)  # neuron 5 of layer 1
    html = tables.html.value
    assert tables.layer.value == 1
    assert {c for _, c in focused_cells(html, "activated_output_matrix")} == {5}
    assert len(focused_cells(html, "activated_output_matrix")) == 16  # every sample's row
    assert focused_cells(html, "bias_matrix") == [(0, 5)]
    assert focused_cells(html, "input_matrix") == []
    tables.select(2)
    html = tables.html.value  # layer 2: neuron 5 of layer 1 is an input of it
    assert {c for _, c in focused_cells(html, "input_matrix")} == {5}
    assert focused_cells(html, "weights_matrix") == [(5, c) for c in range(4)]
    assert focused_cells(html, "activated_output_matrix") == []


def test_a_chosen_input_shows_layer_one_with_its_input_column(tables):
    tables.select_neuron(0, 2)
    html = tables.html.value
    assert tables.layer.value == 1
    assert {c for _, c in focused_cells(html, "input_matrix")} == {2}
    assert focused_cells(html, "weights_matrix") == [(2, c) for c in range(8)]


def visible(text):
    return re.sub(r"<[^>]+>", "", text)


def significant_digits(text):
    """How many significant digits a number's text shows: ``-0.08890`` has 4."""
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    return len(mantissa.lstrip("0"))


def test_cells_stand_in_aligned_columns_and_show_the_matrix(tables):
    matrix = tables.network.neural_layers[0].weight_and_input_matrix  # 16 x 8, signs mixed
    html = tables.html.value
    shown = cells(html, "weight_and_input_matrix")
    assert len(shown) == 16 * 8
    # each cell: the value rounded to 4 significant figures, all 4 of them shown; 0 as "0"
    assert all(float(text) == float(f"{matrix[r, c]:.3e}")
               and (significant_digits(text) == 4 or text == "0" == f"{abs(matrix[r, c]):g}")
               for (r, c), (text, _) in shown.items())
    part = html.split("data-matrix='weight_and_input_matrix'")[1].split("</div></div>")[0]
    index, values = re.findall(r"<pre[^>]*>(.*?)</pre>", part, re.S)
    lines = visible(values).split("\n")
    assert len({len(line) for line in lines}) == 1  # every line as wide: columns align
    # beside each row; not a newline first (a browser drops a newline right after <pre>)
    assert visible(index).split("\n") == [" "] + [str(r) for r in range(16)]
    assert lines[0].split() == [str(c) for c in range(8)]


def test_a_few_changed_cells_are_marked_one_by_one_and_a_wholly_changed_window_at_once():
    matrix = np.zeros((4, 3))
    some = np.zeros((4, 3), bool)
    some[1, 2] = some[3, 0] = True
    text = matrix_html("m", matrix, changed=some)
    assert text.count("flux-changed") == 2 and "flux-all-changed" not in text
    text = matrix_html("m", matrix, changed=np.ones((4, 3), bool))
    assert "flux-all-changed" in text and "'flux-changed'" not in text
    window = np.zeros((40, 3), bool)
    window[:16] = True  # every cell of the shown window (rows 0-15) changed, not the rest
    assert "flux-all-changed" in matrix_html("m", np.zeros((40, 3)), changed=window)
    assert "flux-all-changed" not in matrix_html("m", np.zeros((40, 3)), changed=window,
                                                 row_start=10)


def test_the_tables_show_on_their_own_in_a_notebook(tables):
    bundle = tables._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == tables.widget.model_id


# ---- a matrix not computed yet ---------------------------------------------------------

def matrix_state(html, name, layer):
    """``"—"`` when layer ``layer``'s ``name`` is shown as not computed yet, ``"numbers"``
    when it shows numbers (each checked to be one); ``html`` shows every layer."""
    section = html.split(f"<h3>Layer {layer} ")[1].split("<h3>")[0]
    heading = section.split(f"data-matrix='{name}'>")[1].split("</h4>")[0]
    texts = {text for text, _ in cells(section, name).values()}
    if texts == {"—"}:
        assert "not computed yet" in heading and "flux-pending" in section.split(
            f"data-matrix='{name}'")[0].rsplit("<div", 1)[1]
        return "—"
    assert "not computed yet" not in heading
    for text in texts:
        float(text.replace("−", "-"))  # a number (nan and ±inf included)
    return "numbers"


def every_state(tables):
    """``{(layer, name): matrix_state(...)}`` for every matrix, shown with every layer."""
    tables.select(0)
    return {(layer, name): matrix_state(tables.html.value, name, layer)
            for layer in range(1, len(tables.network.neural_layers) + 1)
            for name in SEED_MATRIX_NAMES}


def expected_states(tables, written):
    """Each matrix's state once the computations so far wrote ``written``: numbers for the
    parameters, the data and what was written (layer k's input is layer k−1's output)."""
    def computed(layer, name):
        return (name in ("weights_matrix", "bias_matrix") or (layer, name) == (1, "input_matrix")
                or (layer, name) in written
                or (name == "input_matrix" and (layer - 1, "activated_output_matrix") in written))
    return {key: "numbers" if computed(*key) else "—" for key in every_state(tables)}


@pytest.fixture
def stepped(parity_data):
    """A formed 3-layer network's stepper and its tables, as the panel shows them."""
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    stepper = Stepper(network)
    tables = MatrixTables()
    tables.network_replaced(stepper)
    return stepper, tables


def test_each_matrix_turns_from_dashes_to_numbers_exactly_when_a_computation_writes_it(stepped):
    stepper, tables = stepped
    written = set()  # (layer, name) every computation so far wrote
    for _ in stepper.computations:
        expected = expected_states(tables, written)
        assert every_state(tables) == expected
        assert {key: stepper.computed(*key) for key in expected} \
            == {key: state == "numbers" for key, state in expected.items()}
        step = stepper.step("computation")
        tables.step_happened(Change(stepper, tuple(step.written), step))
        html = tables.html.value
        for layer, name in step.written:
            if expected.get((layer, name)) == "—":
                # first computed: every cell is new, and the heading says it was written
                section = html.split(f"<h3>Layer {layer} ")[1]
                part = section.split(f"data-matrix='{name}'>")[1].split("</div></div>")[0]
                assert "✎ written" in part.split("</h4>")[0] and "flux-all-changed" in part
        written.update(step.written)
    assert stepper.network.iteration == 1 and stepper.position == 0
    assert set(every_state(tables).values()) == {"numbers"}  # iteration 1: everything
    assert all(stepper.computed(*key) for key in every_state(tables))


def test_going_back_shows_dashes_again(stepped):
    stepper, tables = stepped
    stepper.step("phase")  # the forward pass
    tables.step_happened(Change(stepper, tuple(stepper.last_step.written), stepper.last_step))
    tables.select(0)
    assert matrix_state(tables.html.value, "activated_output_matrix", 3) == "numbers"
    assert matrix_state(tables.html.value, "dC_dy_matrix", 3) == "—"
    stepper.undo()
    tables.step_happened(Change(stepper))
    tables.select(0)
    assert matrix_state(tables.html.value, "activated_output_matrix", 3) == "—"
    assert matrix_state(tables.html.value, "input_matrix", 2) == "—"
    assert matrix_state(tables.html.value, "input_matrix", 1) == "numbers"
    stepper.train(2)
    tables.step_happened(Change(stepper))
    assert set(every_state(tables).values()) == {"numbers"}
    stepper.reset()
    tables.step_happened(Change(stepper))
    assert every_state(tables)[(1, "dC_dw_matrix")] == "—"


@pytest.mark.parametrize("position", [0, 5, 20])
def test_a_resumed_stepper_past_iteration_zero_shows_every_matrix(parity_data, position):
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    mse_values, points = Learn(network, 0.1, 2)
    stepper = Stepper(network)
    stepper.resume(position, list(mse_values), [int(i) for i in points])
    tables = MatrixTables()
    tables.network_replaced(stepper)
    assert set(every_state(tables).values()) == {"numbers"}


def test_a_resumed_stepper_in_iteration_zero_shows_what_came_before_its_position(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    stepper = Stepper(network)
    stepper.resume(3, [], [])  # layer 1's forward pass done
    tables = MatrixTables()
    tables.network_replaced(stepper)
    states = every_state(tables)
    assert states[(1, "activated_output_matrix")] == states[(1, "weight_and_input_matrix")] \
        == "numbers"
    assert states[(1, "dC_dw_matrix")] == "—"


def test_tables_of_a_network_on_their_own_show_every_matrix(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, seed=0)  # nothing computed: zeros
    tables = MatrixTables(network)
    assert tables.stepper is None
    assert set(every_state(tables).values()) == {"numbers"}
    assert "—" not in visible(tables.html.value)


def test_not_computed_yet_is_not_marked_changed_and_keeps_the_table_aligned():
    text = matrix_html("dC_dw_matrix", np.zeros((3, 12)), changed=np.ones((3, 12), bool),
                       computed=False)
    assert "not computed yet" in text and "flux-changed" not in text
    values = re.findall(r"<pre[^>]*>(.*?)</pre>", text, re.S)[1]
    lines = visible(values).split("\n")
    assert len({len(line) for line in lines}) == 1
    assert [line.split() for line in lines[1:]] == [["—"] * 10] * 3


# ---- significant figures -------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (-0.0, "0"), (1.0, "1.000"), (-5.3e-06, "-5.300e-06"), (0.0889, "0.08890"),
    (12.4, "12.40"), (-0.12345678, "-0.1235"), (1234.4, "1234"), (9.9996, "10.00"),
    (0.00099996, "0.001000"), (0.001, "0.001000"), (0.000999, "9.990e-04"),
    (9999.4, "9999"), (9999.6, "1.000e+04"), (-123456.0, "-1.235e+05"), (1e300, "1.000e+300"),
    (5e-324, "4.941e-324"), (math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"),
])
def test_a_cell_shows_four_significant_figures(value, text):
    shown = significant_text(value, tables_module.SIGNIFICANT_FIGURES)
    assert shown == text
    if value != 0 and math.isfinite(value):
        assert significant_digits(shown) == tables_module.SIGNIFICANT_FIGURES
        assert abs(float(shown) - value) <= 5e-4 * abs(value)


def test_one_table_keeps_one_width_whatever_its_numbers():
    matrix = np.array([[0.0, -5.3e-06, 12.4], [1e5, np.nan, 0.0889], [-np.inf, 1.0, -0.0]])
    text = matrix_html("m", matrix)
    values = visible(re.findall(r"<pre[^>]*>(.*?)</pre>", text, re.S)[1]).split("\n")
    width = len("-5.300e-06")  # the widest cell's; every cell right-aligned to it
    expected = [["0", "-5.300e-06", "12.40"], ["1.000e+05", "nan", "0.08890"],
                ["-inf", "1.000", "0"]]
    assert [[line[i:i + width] for i in range(0, len(line), width + 1)] for line in values[1:]] \
        == [[cell.rjust(width) for cell in row] for row in expected]
    assert len({len(line) for line in values}) == 1


def test_tiny_gradients_after_training_read_as_numbers_not_zero(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    network.neural_layers[0].dC_dw_matrix = np.full((4, 8), -5.3e-06)
    tables = MatrixTables(network)
    shown = {text for text, _ in cells(tables.html.value, "dC_dw_matrix").values()}
    assert shown == {"-5.300e-06"}


# ---- colours that follow JupyterLab's theme ------------------------------------------

LAB = Path(sys.prefix, "share", "jupyter", "lab")
THEMES = LAB / "themes" / "@jupyterlab"


def theme_colour(css, name, page):
    """The colour JupyterLab theme ``css`` gives variable ``name``, as (r, g, b) in 0..1,
    a translucent one laid over ``page``. A variable the theme leaves to JupyterLab's
    core (the material palette, ``--md-…``) is read there."""
    found = re.search(rf"{name}:([^;}}]+)", css)
    if found is None:
        core = "".join(path.read_text() for path in (LAB / "static").glob("jlab_core*.js"))
        found = re.search(rf"{name}:([^;}}\\]+)", core)
    value = found.group(1).strip()
    nested = re.fullmatch(r"var\((--[\w-]+)(?:,\s*(.+))?\)", value)
    if nested:
        return (parse_colour(nested.group(2), page) if nested.group(2)
                else theme_colour(css, nested.group(1), page))
    return parse_colour(value, page)


def parse_colour(text, page):
    text = {"white": "#fff", "black": "#000"}.get(text, text)
    if text.startswith("#"):
        digits = text[1:] if len(text) == 7 else "".join(d * 2 for d in text[1:4])
        return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    *rgb, alpha = (float(part) for part in re.findall(r"[\d.]+", text))
    return tuple(alpha * c / 255 + (1 - alpha) * p for c, p in zip(rgb, page))


def contrast(first, second):
    def luminance(rgb):
        return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
                   for w, c in zip((0.2126, 0.7152, 0.0722), rgb))
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style_rules():
    """``{selector: declarations}`` of the tables' style sheet."""
    sheet = tables_module._STYLE.removeprefix("<style>").removesuffix("</style>")
    return {" ".join(selector.split()): " ".join(body.split())
            for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", sheet)}


def test_the_style_sheet_takes_its_colours_from_jupyterlabs_theme_with_fallbacks():
    sheet = tables_module._STYLE
    variables = re.findall(r"var\((--jp-[\w-]+), (#[0-9a-f]{3,6})\)", sheet)
    assert {name for name, _ in variables} >= {"--jp-border-color1", "--jp-content-font-color2",
                                               "--jp-warn-color3", "--jp-layout-color0"}
    # every colour is a theme variable's fallback, but the black text on the light warn colour
    bare = re.sub(r"var\(--jp-[\w-]+, #[0-9a-f]{3,6}\)", "", sheet)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", bare) == ["#000"]
    changed = style_rules()[".flux-grid pre.flux-all-changed, .flux-grid span.flux-changed"]
    assert "color:#000" in changed and "var(--jp-warn-color3" in changed
    # changed cells and written matrices are not marked by colour alone
    assert "font-weight:bold" in changed
    assert re.search(r"border:[3-9]px solid", style_rules()[".flux-matrix.flux-written"])
    assert "✎ written" in matrix_html("m", np.zeros((1, 1)), written=True)


@pytest.mark.parametrize("theme", ["theme-light-extension", "theme-dark-extension",
                                   "theme-dark-high-contrast-extension"])
def test_the_tables_text_keeps_aa_contrast_in_jupyterlabs_themes(theme):
    path = THEMES / theme / "index.css"
    if not path.exists():
        pytest.skip(f"JupyterLab's {theme} is not installed")
    css = path.read_text()
    names = set(re.findall(r"var\((--jp-[\w-]+),", tables_module._STYLE))
    assert all(re.search(rf"{name}:", css) for name in names), "a variable the theme lacks"
    page = theme_colour(css, "--jp-layout-color0", (1, 1, 1))
    text = theme_colour(css, "--jp-content-font-color1", page)
    assert contrast(text, page) >= 4.5
    assert contrast(theme_colour(css, "--jp-content-font-color2", page), page) >= 4.5  # indices
    assert contrast((0, 0, 0), theme_colour(css, "--jp-warn-color3", page)) >= 4.5  # changed
    assert contrast(theme_colour(css, "--jp-brand-color1", page), page) >= 3  # written border
    assert contrast(theme_colour(css, "--jp-error-color1", page), page) >= 3  # chosen neuron
