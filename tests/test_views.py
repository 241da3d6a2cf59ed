"""The text views (NNStructureVis, matrix_text), MSEGraphPlotter and the bqplot MSE chart."""

import io
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import flux_widgets
from flux_widgets.layer import SEED_MATRIX_NAMES
from flux_widgets.mse_graph import MSEGraphPlotter, downsample
from flux_widgets.network import Form_Network
from flux_widgets.text import NNStructureVis, matrix_text


@pytest.fixture(scope="module")
def parity_network():
    inputs = np.array([[int(b) for b in f"{i:04b}"] for i in range(16)], float)
    return Form_Network([8, 4, 1], inputs, inputs.sum(1) % 2, "leaky_relu", "sigmoid", seed=0)


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
    assert capsys.readouterr().out == chart + "\n"
    lines = chart.splitlines()
    assert lines[0] == "MSE vs iterations"
    assert lines[1].split()[0] == "0.25" and lines[10].split()[0] == "0.1"
    assert lines[12].split() == ["1", "5"] and lines[13].strip() == "iteration"
    assert "*" in lines[1] and "*" in lines[10]


def test_plotter_uses_a_log_scale_over_more_than_two_decades():
    mse = np.geomspace(0.5, 1e-5, 300)
    chart = MSEGraphPlotter.plot_mse_vs_iterations(mse, np.arange(1, 301))
    assert "log scale" in chart.splitlines()[0]
    assert "0.5" in chart and "1e-05" in chart and "300" in chart


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
    assert "0.4" in chart and "0.2" in chart and "nan" not in chart


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
    assert "999999" in chart
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


def test_plotter_returns_a_bqplot_figure_in_a_notebook(monkeypatch, capsys):
    bqplot = pytest.importorskip("bqplot")

    class ZMQInteractiveShell:
        pass

    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: ZMQInteractiveShell()
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    figure = MSEGraphPlotter.plotMSEvsIterations([0.3, 0.2, 0.1], [1, 2, 3])
    assert isinstance(figure, bqplot.Figure)
    assert capsys.readouterr().out == ""


# ---- bqplot chart ----------------------------------------------------------

def test_mse_figure_and_update_in_place():
    bqplot = pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import mse_figure, update_mse_figure

    figure = mse_figure([0.3, 0.2, 0.1], [1, 2, 3])
    line = figure.marks[0]
    assert isinstance(line, bqplot.Lines)
    assert isinstance(line.scales["x"], bqplot.LinearScale)
    assert isinstance(line.scales["y"], bqplot.LinearScale)
    assert [axis.label for axis in figure.axes] == ["iteration", "MSE"]
    assert figure.axes[1].side == "left"

    update_mse_figure(figure, [0.3, 0.2, 0.1, 0.05], [1, 2, 3, 4])
    assert figure.marks[0] is line
    assert list(line.x) == [1, 2, 3, 4] and list(line.y) == [0.3, 0.2, 0.1, 0.05]


def test_mse_figure_log_scale_and_downsampling():
    bqplot = pytest.importorskip("bqplot")
    from flux_widgets.widgets.charts import MAX_POINTS, mse_figure

    figure = mse_figure(np.geomspace(1, 1e-4, 100_000), np.arange(100_000), title="parity")
    assert isinstance(figure.marks[0].scales["y"], bqplot.LogScale)
    assert len(figure.marks[0].x) <= MAX_POINTS + 2
    assert figure.title == "parity"


# ---- the engine stays free of widget libraries ----------------------------

def test_engine_imports_no_widget_library():
    code = ("import sys, flux_widgets, flux_widgets.network, flux_widgets.text, "
            "flux_widgets.mse_graph\n"
            "print(sorted(m for m in ('ipywidgets', 'bqplot', 'ipycytoscape', 'IPython') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(flux_widgets.__file__).parents[1])
    assert result.stdout.strip() == "[]"
