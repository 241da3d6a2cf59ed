"""The text views (NNStructureVis, matrix_text), MSEGraphPlotter and the panel's cost chart."""

import io
import sys
import time
import types
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import flux_widgets
from flux_widgets import palette
from flux_widgets.layer import SEED_MATRIX_NAMES
from flux_widgets.mse_graph import TITLE, MSEChart, MSEGraphPlotter, downsample, ticks
from flux_widgets.network import Form_Network
from flux_widgets.text import NNStructureVis, matrix_text
from reference import parity4


def make_parity_network():
    return Form_Network([8, 4, 1], *parity4(), "leaky_relu", "sigmoid", seed=0)


@pytest.fixture(scope="module")
def parity_network():
    return make_parity_network()


@pytest.fixture(scope="module")
def mnist_sized_network():
    rng = np.random.default_rng(0)
    targets = np.eye(10)[rng.integers(0, 10, 20)]
    return Form_Network([32, 10], rng.random((20, 784)), targets, seed=0)


# ---- NNStructureVis ---------------------------------------------------------

def test_visualize_network_prints_and_returns_the_structure(parity_network, capsys):
    text = NNStructureVis.visualizeNetwork(parity_network)
    assert capsys.readouterr().out == text + "\n"
    assert text.splitlines()[0] == "FLUX network 4(implicit)-8-4-1 · 16 samples · 81 parameters"
    for heading in ("Layer 0 (input, implicit): 4 neurons", "Layer 1 (hidden): 8 neurons",
                    "Layer 2 (hidden): 4 neurons", "Layer 3 (output): 1 neuron"):
        assert heading in text
    assert text.count("LEAKY_RELU") == 2 and text.count("SIGMOID") == 1
    names = [line.split()[0] for line in text.splitlines() if "_matrix" in line]
    assert names == list(SEED_MATRIX_NAMES) * 3


def test_visualize_network_shows_every_shape(parity_network):
    lines = NNStructureVis.visualize_network(parity_network, file=io.StringIO()).splitlines()
    layer_1 = lines.index("Layer 1 (hidden): 8 neurons · LEAKY_RELU · 4 inputs each")
    shapes = {line.split()[0]: line.split()[1] for line in lines[layer_1 + 1:layer_1 + 12]}
    assert shapes == {"input_matrix": "16x4", "weights_matrix": "4x8", "bias_matrix": "1x8",
                      "weight_and_input_matrix": "16x8", "weight_input_bias_matrix": "16x8",
                      "activated_output_matrix": "16x8", "dh_da_matrix": "16x8",
                      "dC_dy_matrix": "16x8", "dC_da_matrix": "16x8", "dC_dw_matrix": "4x8",
                      "dC_db_matrix": "1x8"}


def test_visualize_network_draws_a_column_of_neurons_per_layer(parity_network):
    lines = NNStructureVis.visualizeNetwork(parity_network, file=io.StringIO()).splitlines()
    drawing = lines[lines.index("L0  L1  L2  L3"):lines.index("Layer 0 (input, implicit): "
                                                               "4 neurons")]
    assert "".join(drawing).count("o") == 4 + 8 + 4 + 1


def test_visualize_network_elides_large_layers(mnist_sized_network):
    out = io.StringIO()
    text = NNStructureVis.visualizeNetwork(mnist_sized_network, file=out)
    assert out.getvalue() == text + "\n"
    assert "FLUX network 784(implicit)-32-10 · 20 samples · 25450 parameters" in text
    assert "… (784)" in text and "… (32)" in text and "… (10)" not in text
    assert max(len(line) for line in text.splitlines()) < 80
    assert "784x32" in text and "20x784" in text


# ---- matrix_text ----------------------------------------------------------

def test_matrix_text_small_matrix_in_full():
    text = matrix_text([[1, -2.5], [3, 4]], name="W")
    assert text.splitlines()[0] == "W (2x2)"
    assert "-2.5000" in text and "4.0000" in text and "…" not in text


def test_matrix_text_elides_the_middle_of_large_matrices():
    matrix = np.arange(100 * 30, dtype=float).reshape(100, 30)
    lines = matrix_text(matrix, max_rows=4, max_columns=4, digits=1).splitlines()
    assert lines[0] == "matrix (100x30)"
    assert lines[1].split() == ["0", "1", "…", "28", "29"]
    assert lines[2].split() == ["0", "0.0", "1.0", "…", "28.0", "29.0"]
    assert set(lines[4].split()) == {"…"}
    assert lines[-1].split() == ["99", "2970.0", "2971.0", "…", "2998.0", "2999.0"]
    assert len(lines) == 1 + 1 + 4 + 1
    assert len({len(line) for line in lines[1:]}) == 1  # fixed width


def test_matrix_text_uses_scientific_notation_for_huge_numbers():
    assert "1.00e+07" in matrix_text([1e7, 2.0], digits=2)


# ---- MSEGraphPlotter ------------------------------------------------------

def test_plotter_prints_an_ascii_chart_with_min_and_max(capsys):
    mse = [0.25, 0.2, 0.15, 0.12, 0.1]
    chart = MSEGraphPlotter.plotMSEvsIterations(mse, [1, 2, 3, 4, 5], width=40, height=10)
    assert isinstance(chart, MSEChart)
    assert capsys.readouterr().out == str(chart) + "\n"
    lines = str(chart).splitlines()
    assert lines[0] == "MSE vs iterations"
    assert lines[1].split()[0] == "0.25" and lines[10].split()[0] == "0.1"
    assert lines[12].split() == ["1", "5"] and lines[13].strip() == "iteration"
    assert "*" in lines[1] and "*" in lines[10]


def test_plotter_uses_a_log_scale_over_more_than_two_decades():
    mse = np.geomspace(0.5, 1e-5, 300)
    chart = MSEGraphPlotter.plot_mse_vs_iterations(mse, np.arange(1, 301))
    assert chart.log_scale
    text = str(chart)
    assert "log scale" in text.splitlines()[0]
    assert "0.5" in text and "1e-05" in text and "300" in text


@pytest.mark.parametrize("mse, iterations, message", [
    ([], [], "no MSE values were given"),
    ([0.1, 0.2], [1], "mse_values has 2 numbers but iteration_points has 1"),
    (["a", "b"], [1, 2], "must be sequences of numbers"),
    (None, None, "must be sequences of numbers"),
    ([[0.1, 0.2]], [[1, 2]], "got shapes (1, 2) and (1, 2)"),
    ([np.nan, np.inf], [1, 2], "every point has nan or inf"),
])
def test_plotter_reports_unusable_input_without_raising(mse, iterations, message, capsys):
    assert MSEGraphPlotter.plotMSEvsIterations(mse, iterations) is None
    out = capsys.readouterr().out
    assert message in out and "nothing plotted" in out


def test_plotter_skips_non_finite_points_with_a_note(capsys):
    chart = MSEGraphPlotter.plotMSEvsIterations([0.4, np.nan, 0.2, np.inf], [1, 2, 3, 4])
    out = capsys.readouterr().out
    assert out.startswith("MSEGraphPlotter: skipped 2 point(s) with nan or inf.\n")
    assert chart.skipped == 2 and list(chart.mse) == [0.4, 0.2]
    text = str(chart)
    assert "0.4" in text and "0.2" in text and "nan" not in text


def test_plotter_writes_a_well_formed_svg(tmp_path, capsys):
    path = tmp_path / "mse.svg"
    chart = MSEGraphPlotter.plotMSEvsIterations(np.geomspace(0.3, 1e-4, 2000),
                                                np.arange(1, 2001), path=path)
    assert chart is not None
    assert f"SVG chart written to {path}" in capsys.readouterr().out
    svg = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.tag == f"{ns}svg"
    texts = [element.text for element in svg.iter(f"{ns}text")]
    assert "iteration" in texts and "MSE" in texts
    assert {"0.1", "0.01", "0.001"} <= set(texts)  # log-scale ticks
    points = svg.find(f"{ns}polyline").get("points").split()
    assert len(points) == 2000


def test_plotter_reports_an_unwritable_svg_path(tmp_path, capsys):
    chart = MSEGraphPlotter.plotMSEvsIterations([0.2, 0.1], [1, 2],
                                                path=tmp_path / "missing" / "mse.svg")
    assert chart is not None
    assert "could not write the SVG chart" in capsys.readouterr().out


def test_plotter_handles_a_million_points_quickly(tmp_path):
    count = 10 ** 6
    mse = np.exp(-np.arange(count) / 2e5) + 1e-3 * np.random.default_rng(0).random(count)
    start = time.perf_counter()
    chart = MSEGraphPlotter.plotMSEvsIterations(mse, np.arange(count), path=tmp_path / "m.svg")
    assert time.perf_counter() - start < 2.0
    assert "999999" in str(chart)
    assert len(ET.parse(tmp_path / "m.svg").getroot()
               .find("{http://www.w3.org/2000/svg}polyline").get("points").split()) <= 2002


def test_downsample_keeps_every_spike_and_both_ends():
    y = np.zeros(10_000)
    y[[1234, 8765]] = [5.0, -5.0]
    x = np.arange(10_000)
    xs, ys = downsample(x, y, 50)
    assert len(xs) <= 102
    assert xs[0] == 0 and xs[-1] == 9999 and np.all(np.diff(xs) > 0)
    assert ys.max() == 5.0 and ys.min() == -5.0


def is_round(value):
    """Whether ``value`` is 1, 2 or 5 times a power of ten."""
    mantissa = value / 10.0 ** np.floor(np.log10(value))
    return bool(np.isclose(mantissa, [1, 2, 5, 10]).any())


@pytest.mark.parametrize("low, high, expected", [
    (1, 10, [2, 4, 6, 8, 10]),
    (1, 27_000, [5000, 10_000, 15_000, 20_000, 25_000]),
    (1, 10 ** 6, [200_000, 400_000, 600_000, 800_000, 1_000_000]),
    (0.1, 0.25, [0.1, 0.15, 0.2, 0.25]),
    (0.2, 0.3, [0.2, 0.22, 0.24, 0.26, 0.28, 0.3]),
    (7, 7, [7]),
])
def test_ticks_are_a_few_round_values(low, high, expected):
    assert ticks(low, high) == expected  # exact: 0.3, not 0.30000000000000004


def test_ticks_of_a_log_axis_are_powers_of_ten_at_most_six():
    assert ticks(1e-4, 0.5, log=True) == [1e-4, 1e-3, 1e-2, 0.1]
    assert ticks(1e-12, 1, log=True) == [1e-12, 1e-9, 1e-6, 1e-3, 1]
    assert ticks(0.2, 0.3, log=True) == ticks(0.2, 0.3)  # no power of ten between: linear


def test_ticks_of_iterations_are_whole():
    assert ticks(1, 2, smallest_step=1) == [1, 2]
    assert ticks(1, 3, smallest_step=1) == [1, 2, 3]


def test_ticks_of_any_range_are_two_to_six_round_steps_inside_it():
    rng = np.random.default_rng(0)
    for low, span in zip(rng.uniform(-1e3, 1e3, 500), 10 ** rng.uniform(-6, 7, 500)):
        values = ticks(low, low + span)
        assert 2 <= len(values) <= 6, (low, span, values)
        steps = np.diff(values)
        assert np.allclose(steps, steps[0]) and is_round(steps[0])
        assert low - 1e-9 * span <= values[0] and values[-1] <= low + span + 1e-9 * span


def test_plotter_returns_the_same_chart_in_a_notebook_and_prints_nothing(monkeypatch, capsys):
    class ZMQInteractiveShell:
        pass

    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: ZMQInteractiveShell()
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    chart = MSEGraphPlotter.plotMSEvsIterations([0.3, 0.2, 0.1], [1, 2, 3])
    assert isinstance(chart, MSEChart)
    assert capsys.readouterr().out == ""


def test_the_chart_shows_itself_as_svg_with_the_ascii_chart_as_plain_text(capsys):
    chart = MSEGraphPlotter.plotMSEvsIterations(np.geomspace(0.3, 1e-4, 50), np.arange(1, 51))
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml"}
    assert bundle["text/plain"] == str(chart) == chart.text()
    assert bundle["image/svg+xml"] == chart.svg()
    svg = ET.fromstring(chart.svg())
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}polyline").get("stroke") == palette.CURVE
    assert svg.find(f"{ns}text").text.startswith(TITLE)
    assert repr(chart) == "<MSEChart: 50 points, iterations 1 to 50, MSE 0.3 to 0.0001, log scale>"


@pytest.mark.parametrize("arguments, error", [
    (([], []), "no MSE values were given"),
    (([np.nan], [1]), "every point has nan or inf"),
    (([0.1], [1], "wide"), "width must be a whole number"),
])
def test_a_chart_refuses_what_it_cannot_draw(arguments, error):
    with pytest.raises(flux_widgets.FluxError, match=error):
        MSEChart(*arguments)


# ---- bqplot chart ----------------------------------------------------------

def test_cost_chart_log_scale_and_downsampling():
    bqplot = pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import MAX_POINTS, CostChart

    stepper, _ = curve(np.geomspace(1, 1e-4, 100_000))
    chart = CostChart()
    chart.network_replaced(stepper)
    assert isinstance(chart.line.scales["y"], bqplot.LogScale)
    assert len(chart.line.x) <= MAX_POINTS + 2
    assert [axis.label for axis in chart.figure.axes] == ["iteration", "MSE"]
    assert chart.figure.axes[1].side == "left"
    chart.close()
    assert chart.figure.comm is None and chart.log_switch.comm is None


# ---- the panel's cost chart -------------------------------------------------

def curve(mse):
    """A stand-in stepper holding just a curve, and the Change that shows it."""
    from flux_widgets.widgets.view import Change

    stepper = types.SimpleNamespace(cost_values=list(mse), cost_label="MSE",
                                    iteration_points=list(range(1, len(mse) + 1)))
    return stepper, Change(stepper)


def test_cost_chart_follows_the_stepper_and_sends_only_what_changed():
    pytest.importorskip("bqplot")
    from flux_widgets.stepper import Stepper
    from flux_widgets.widgets.charts import CostChart
    from flux_widgets.widgets.view import Change

    chart = CostChart()
    figure, line = chart.figure, chart.line
    assert (figure.layout.width, figure.layout.height) == ("400px", "260px")
    assert figure.title == TITLE and list(line.colors) == [palette.CURVE]
    assert [axis.label for axis in figure.axes] == ["iteration", "MSE"]

    stepper = Stepper(make_parity_network(), 1.0)
    chart.network_replaced(stepper)
    assert len(line.y) == 0
    sent = []
    line.observe(lambda change: sent.append(change["name"]), names=["x", "y"])

    step = stepper.step("computation")  # inside the first iteration: the curve is the same
    chart.step_happened(Change(stepper, None, step))
    assert sent == []

    step = stepper.step("iteration")  # completes iteration 1
    chart.step_happened(Change(stepper, None, step))
    assert list(line.x) == [1] and list(line.y) == stepper.cost_values
    assert chart.line is line and chart.figure is figure

    stepper.train(20)
    chart.step_happened(Change(stepper))
    assert list(line.x) == stepper.iteration_points and np.allclose(line.y, stepper.cost_values)
    stepper.undo()
    chart.step_happened(Change(stepper))
    assert list(line.x) == stepper.iteration_points == [1]


def test_cost_chart_switches_to_a_log_scale_past_two_decades_and_back():
    bqplot = pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import CostChart

    chart = CostChart(width="300px", height="200px")
    figure, x_scale = chart.figure, chart.figure.axes[0].scale
    assert figure.layout.width == "300px"
    stepper, change = curve([0.3, 0.1])
    chart.network_replaced(stepper)
    assert not chart.log_scale
    linear = chart.line

    stepper.cost_values.append(1e-4)
    stepper.iteration_points.append(3)
    chart.step_happened(change)
    assert chart.log_scale and isinstance(figure.axes[1].scale, bqplot.LogScale)
    assert chart.figure is figure and figure.axes[0].scale is x_scale
    assert list(chart.line.y) == [0.3, 0.1, 1e-4] and list(chart.line.colors) == [palette.CURVE]
    assert linear.comm is None and x_scale.comm is not None  # the old mark is closed

    stepper.cost_values.pop()
    stepper.iteration_points.pop()
    chart.step_happened(change)
    assert not chart.log_scale and list(chart.line.y) == [0.3, 0.1]

    chart.network_replaced(curve([])[0])  # a new network: a fresh, empty curve
    assert not chart.log_scale and len(chart.line.y) == 0


def test_cost_chart_in_large_type_keeps_room_for_its_labels_across_a_change_of_scale():
    pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import TYPE_SIZES, CostChart

    chart = CostChart()
    chart.resize("45vw", "50vh", "large")
    stepper, change = curve([0.3, 0.1])
    chart.network_replaced(stepper)
    stepper.cost_values.append(1e-4)
    stepper.iteration_points.append(3)
    chart.step_happened(change)  # the MSE axis is a new (log) axis now
    assert chart.log_scale
    figure = chart.figure
    assert (figure.layout.width, figure.layout.height) == ("45vw", "50vh")
    assert (figure.fig_margin, figure.axes[1].label_offset) == TYPE_SIZES["large"]
    chart.resize("400px", "260px")
    assert (figure.fig_margin, figure.axes[1].label_offset) == TYPE_SIZES["ordinary"]


def test_cost_chart_leaves_out_points_that_are_not_finite():
    pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import CostChart

    chart = CostChart()
    chart.network_replaced(curve([0.3, np.nan, 0.2, np.inf])[0])
    assert list(chart.line.x) == [1, 3] and list(chart.line.y) == [0.3, 0.2]


@pytest.mark.parametrize("length, x_ticks, mse_ticks", [
    (1, [1], [0.5]),
    (10, [2, 4, 6, 8, 10], [1e-4, 1e-3, 1e-2, 0.1]),
    (27_000, [5000, 10_000, 15_000, 20_000, 25_000], [1e-4, 1e-3, 1e-2, 0.1]),
    (10 ** 6, [200_000, 400_000, 600_000, 800_000, 1_000_000], [1e-4, 1e-3, 1e-2, 0.1]),
])
def test_cost_chart_ticks_are_few_round_and_compact_at_any_length(length, x_ticks, mse_ticks):
    pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import CostChart

    chart = CostChart()
    chart.network_replaced(curve(np.geomspace(0.5, 1e-4, length))[0])
    x_axis, mse_axis = chart.figure.axes
    assert list(x_axis.tick_values) == x_ticks and list(mse_axis.tick_values) == mse_ticks
    # labels that cannot overlap: at most 6, each at most 2 significant digits, written
    # compactly by d3 (20k, 1.5M; 1e-3)
    for axis in (x_axis, mse_axis):
        assert len(axis.tick_values) <= 6 and axis.num_ticks is None
        assert all(float(f"{value:.2g}") == value for value in axis.tick_values)
    assert (x_axis.tick_format, mse_axis.tick_format) == ("~s", "~e" if length > 1 else "~g")
    # the x range is the curve's: its first point at the left edge, its last at the right
    scale = x_axis.scale
    assert (scale.min, scale.max) == ((1, length) if length > 1 else (0, 2))
    assert chart.line.marker == ("circle" if length == 1 else None)  # one point is seen
    assert not chart.figure.marks[1].visible


def test_an_empty_cost_chart_has_no_ticks_and_says_why():
    pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import NO_COST_YET, CostChart

    chart = CostChart()
    note = chart.figure.marks[1]
    for stepper in (None, curve([])[0]):  # made, and shown a new network
        if stepper is not None:
            chart.network_replaced(stepper)
        for axis in chart.figure.axes:
            # num_ticks < 2 is bqplot's "no tick at all" (not 0.1 … 1 for iterations)
            assert len(axis.tick_values) == 0 and axis.num_ticks == 0
        assert note.visible and list(note.text) == list(NO_COST_YET)
    stepper, change = curve([0.3])
    chart.network_replaced(curve([])[0])
    chart.step_happened(change)
    assert not note.visible and list(chart.figure.axes[0].tick_values) == [1]
    chart.network_replaced(curve([])[0])
    assert note.visible and chart.figure.axes[0].num_ticks == 0


def test_the_mse_axis_switch_chooses_the_scale_and_keeps_the_data():
    bqplot = pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import CostChart

    chart = CostChart()
    switch = chart.log_switch
    assert chart.widget.children == (chart.figure, switch)  # laid out with the chart
    assert switch.description == "MSE axis" and switch.options == ("auto", "linear", "log")
    assert switch.value == "auto"

    wide = np.geomspace(0.5, 1e-4, 300)  # more than 2 decades
    chart.network_replaced(curve(wide)[0])
    for choice, log in [("auto", True), ("linear", False), ("log", True), ("linear", False),
                        ("auto", True)]:
        switch.value = choice
        assert chart.log_scale is log, choice
        mse_axis = chart.figure.axes[1]
        assert isinstance(mse_axis.scale, bqplot.LogScale if log else bqplot.LinearScale)
        assert chart.line.scales["y"] is mse_axis.scale
        assert np.array_equal(chart.line.y, wide) and list(chart.line.x) == list(range(1, 301))
        assert list(mse_axis.tick_values) == ([1e-4, 1e-3, 1e-2, 0.1] if log else
                                              [0.1, 0.2, 0.3, 0.4, 0.5])

    switch.value = "auto"
    chart.network_replaced(curve([0.3, 0.2, 0.1])[0])  # less than 2 decades
    assert not chart.log_scale
    switch.value = "log"
    assert chart.log_scale and list(chart.line.y) == [0.3, 0.2, 0.1]
    chart.network_replaced(curve([0.3, 0.0])[0])  # 0 has no place on a log axis
    assert not chart.log_scale and list(chart.line.y) == [0.3, 0.0]
    switch.value = "linear"
    chart.network_replaced(curve(wide)[0])  # the choice holds for the next network
    assert not chart.log_scale
