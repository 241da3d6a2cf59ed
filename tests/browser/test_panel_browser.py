"""The panel in a real browser: JupyterLab 4 and Notebook 7 in headless Chromium.

For each app: a copy of the getting-started lesson in a fresh folder of the
session's Jupyter server (the ``jupyter`` fixture of conftest.py), opened and
run with Run -> Run All Cells like a user; the panel's tables, diagram (canvas)
and chart (SVG) must render with no widget error; then Reset and Step are
clicked in the browser and the numbers on screen must change; with the focus in the
panel, → must step and p switch presentation mode on and off. A screenshot of
the whole panel goes to tests/browser/artifacts/ (git-ignored). Skipping (or,
with FLUX_REQUIRE_BROWSER=1, failing) without a browser is the conftest's job.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools.browser import (
    assert_no_widget_errors,
    console_errors,
    open_notebook_and_run_all,
    restart_kernel,
    run_all_cells,
    screenshot,
    wait_for_run_all,
    wait_for_text,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "01_getting_started.ipynb"


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_panel_renders_and_responds(app, jupyter, page):
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": 1500, "height": 1400})
    # Run -> Run All Cells (retried if the click is lost); fails at once, with the
    # traceback, if a cell raises
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, via="menu", timeout=120)
    wait_for_text(page, "accuracy 100%")
    panel = page.locator(".jp-OutputArea-output").first
    # by text (a role name would include the icon's glyph); the first is Step, not Step back
    step = panel.locator("button:has-text('Step')").first
    step.wait_for(timeout=30_000)
    assert page.locator("text=Error displaying widget").count() == 0
    assert panel.locator("canvas").count() >= 1                          # the diagram
    assert panel.locator(".bqplot svg, svg.svg-figure").count() >= 1     # the MSE chart
    assert panel.locator("[data-matrix='weights_matrix']").count() >= 1  # the tables
    # the upload buttons say what they do, without ipywidgets' file count "(0)"
    uploads = panel.locator(".widget-upload").evaluate_all("all => all.map(b => b.textContent)")
    assert uploads and not any(re.search(r"\(\d+\)", text) for text in uploads), uploads

    # Reset to the formed network, then one whole iteration: the numbers must change
    panel.locator("button:has-text('Reset')").first.click()
    wait_for_text(page, "Back to the network as it was formed", timeout=20)
    tables_before = panel.locator(".flux-tables").first.inner_text()
    step.click()
    page.wait_for_selector("text=/Iteration 1, forward/", timeout=20_000)
    page.wait_for_function(
        "([before]) => { const t = document.querySelector('.flux-tables');"
        " return t !== null && t.innerText !== before; }",
        arg=[tables_before], timeout=20_000)

    # Keys for instructors: while the panel has focus (a click on the narration gives it),
    # → steps and p presents, in JupyterLab and in Notebook 7 alike
    check_keys(page, panel, app)
    check_forming_redraws_the_diagram_in_place(page, panel)
    check_typing_after_forming(page, panel)

    screenshot(page, f"panel_{jupyter.app}", locator=panel)  # all of it, however tall
    # "Error displaying widget", "Model not found", a Traceback, or a page error /
    # console.error from the widget libraries
    assert_no_widget_errors(page)
    # the apps' own errors, e.g. Notebook 7.6's "Cannot read properties of undefined
    # (reading 'schema')" from notebook_core.js: printed, not failed on
    for error in console_errors(page, widgets_only=False):
        print(f"page error not from the widgets ({app}): {error.splitlines()[0]}")


DIAGRAM = """() => {
    const cy = [...document.querySelectorAll('.jp-OutputArea-output div')]
        .map(d => d._cyreg && d._cyreg.cy).find(Boolean);
    if (!cy) return null;
    const box = cy.nodes().renderedBoundingBox();
    return {nodes: cy.nodes().length, width: cy.width(), height: cy.height(),
            inside: box.x1 >= 0 && box.y1 >= 0 && box.x2 <= cy.width() && box.y2 <= cy.height()};
}"""


def check_forming_redraws_the_diagram_in_place(page, panel):
    """Form network with other layer sizes: the same cytoscape view now draws the new
    network (4 inputs, 3 hidden, 1 output: 8 neurons), every neuron inside the view."""
    before = page.evaluate(DIAGRAM)
    assert before is not None and before["nodes"] > 8, before
    sizes = panel.get_by_label("Layers", exact=True).first
    sizes.fill("3, 1")
    panel.locator("button:has-text('Form network')").first.click()
    wait_for_text(page, "Formed 4(implicit)-3-1", timeout=20)
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.nodes === 8 "
                           "&& d.inside; }", timeout=20_000)
    after = page.evaluate(DIAGRAM)  # as large as before (a fit changes the height by 1 px)
    assert abs(after["width"] - before["width"]) <= 4, (before, after)
    assert abs(after["height"] - before["height"]) <= 4, (before, after)
    check_edges_show_the_weights_in_the_tables(page, panel)
    step = panel.locator("button:has-text('Whole iteration')").first
    step.click()
    wait_for_text(page, "Iteration 1", timeout=20)
    check_edges_show_the_weights_in_the_tables(page, panel)


EDGES = """() => {
    const cy = [...document.querySelectorAll('.jp-OutputArea-output div')]
        .map(d => d._cyreg && d._cyreg.cy).find(Boolean);
    return Object.fromEntries(cy.edges().map(e => [e.id(),
        {classes: e.classes(), style: e.style('line-style'), width: e.numericStyle('width')}]));
}"""


def check_edges_show_the_weights_in_the_tables(page, panel):
    """Every edge of layer 1 drawn in the page is dashed with the class ``neg`` exactly where
    layer 1's weights_matrix in the tables is negative, and its width grows with |weight|:
    the look classes the front end applies are the engine's numbers."""
    panel.locator(".widget-toggle-buttons button", has_text="Layer 1").first.click()
    matrix = panel.locator("[data-matrix='weights_matrix']").first
    page.wait_for_function("() => document.querySelector('[data-matrix=weights_matrix] h4')"
                           ".innerText.includes('(4 x 3)')", timeout=20_000)
    lines = matrix.locator("pre:not(.flux-index)").inner_text().splitlines()[1:]
    weights = [[float(value) for value in line.split()] for line in lines]
    assert len(weights) == 4 and all(len(row) == 3 for row in weights), lines
    # the tables and the diagram are updated by the same click: wait until they agree
    expected = {f"L1:{r}-{c}": weights[r][c] < 0 for r in range(4) for c in range(3)}
    page.wait_for_function(
        f"() => {{ const e = ({EDGES})(); const want = {json.dumps(expected)};"
        " return Object.entries(want).every(([id, neg]) => e[id] &&"
        " e[id].classes.includes('neg') === neg); }", timeout=20_000)
    edges = page.evaluate(EDGES)
    for edge, negative in expected.items():
        assert edges[edge]["style"] == ("dashed" if negative else "solid"), (edge, edges[edge])
        assert len([c for c in edges[edge]["classes"] if c in ("pos", "neg")]) == 1
    magnitudes = sorted((abs(weights[r][c]), edges[f"L1:{r}-{c}"]["width"])
                        for r in range(4) for c in range(3))
    widths = [width for _, width in magnitudes]
    assert widths == sorted(widths) and widths[-1] > widths[0], magnitudes


def check_keys(page, panel, app):
    """With the focus in the panel, → steps and p switches presentation mode on and off;
    the page does not scroll away."""
    narration = panel.locator(".flux-narration").first
    said = narration.inner_text()
    narration.click()
    assert page.evaluate("() => document.activeElement.closest('.flux-panel') !== null")
    top = panel.bounding_box()["y"]
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([before]) => document.querySelector('.flux-narration')"
                           ".innerText !== before", arg=[said], timeout=20_000)
    assert abs(panel.bounding_box()["y"] - top) < 2  # the key did not scroll the page
    assert narration.get_attribute("aria-live") == "polite"  # read out by a screen reader
    page.keyboard.press("p")
    page.wait_for_selector(".flux-presenting", timeout=20_000)
    assert panel.locator("button:has-text('Form network')").first.is_hidden()
    screenshot(page, f"panel_present_{app}", locator=panel)
    page.keyboard.press("p")
    page.wait_for_selector(".flux-presenting", state="detached", timeout=20_000)


def check_typing_after_forming(page, panel):
    """Form network with the pointer over the stage, then type into a code cell: every
    key reaches the cell (the panel takes keys only while it has focus)."""
    panel.locator("canvas").first.hover()
    panel.locator("button:has-text('Form network')").first.click()
    panel.locator("canvas").first.hover()
    editor = page.locator(".jp-CodeCell .cm-content").first
    editor.click()
    page.keyboard.type("x = 1  # r p 1 2")
    page.keyboard.press("ArrowLeft")
    assert "x = 1  # r p 1 2" in editor.inner_text()
    assert page.locator(".flux-presenting").count() == 0


RERUN_CELLS = [
    "import flux_widgets as fw\npanels = []",
    "panels.append(fw.Panel(layers='4, 1'))\npanels[-1]",
    "print('open:', [panel.comm is not None for panel in panels])",
]


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_running_a_panels_cell_again_closes_the_panel_it_made_before(app, jupyter, page,
                                                                     tmp_path):
    """JupyterLab and Notebook 7 name the cell in each execute request, and the panel uses
    it: the panel of the earlier run is closed (its training stopped, its widgets closed),
    and the page shows no "model not found" for it."""
    import nbformat

    path = tmp_path / "rerun.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c)
                                               for c in RERUN_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    open_notebook_and_run_all(page, jupyter.base_url, jupyter.add(path), app, timeout=120,
                              done_text="open: [True]")
    panel = page.locator(".flux-panel").first  # used first, as a learner would
    panel.locator("button:has-text('Step')").first.click()
    panel.locator(".flux-narration").first.click()
    page.keyboard.press("ArrowRight")
    wait_for_text(page, "Iteration 1", timeout=20)
    for index in (1, 2):  # the panel's cell again, then the cell that reports
        cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")  # run the cell, stay on it
        page.wait_for_timeout(500)
    wait_for_text(page, "open: [False, True]", timeout=60)
    assert page.locator("text=model not found").count() == 0  # Notebook 7 showed it once
    assert_no_widget_errors(page)


@pytest.mark.parametrize("app", ["lab"])
def test_after_a_kernel_restart_the_lesson_runs_again(app, jupyter, page):
    """Kernel -> Restart, then Run All: a new panel renders and responds, and no view of
    the old kernel's widgets is left saying "Error displaying widget"."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": 1500, "height": 1400})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120,
                              done_text="accuracy 100%")
    restart_kernel(page, notebook)
    run_all_cells(page, notebook)
    state = wait_for_run_all(page, notebook, timeout=120)
    assert not state["errors"], state
    assert min(state["counts"]) == 1  # a new kernel counts from 1 again
    wait_for_text(page, "accuracy 100%")
    panel = page.locator(".jp-OutputArea-output").first
    step = panel.locator("button:has-text('Step')").first
    step.wait_for(timeout=30_000)
    panel.locator("button:has-text('Reset')").first.click()
    wait_for_text(page, "Back to the network as it was formed", timeout=20)
    step.click()
    page.wait_for_selector("text=/Iteration 1, forward/", timeout=20_000)
    assert panel.locator("canvas").count() >= 1
    assert_no_widget_errors(page)


IN_VIEW = """([selector]) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const box = element.getBoundingClientRect();
    return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
            width: box.width, height: box.height,
            inside: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
                    && box.right <= window.innerWidth};
}"""


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_on_a_laptop_a_step_and_what_it_computed_are_on_one_screen(app, size, jupyter, page):
    """JupyterLab's default layout (the file browser open) at 1366x768, lesson 01's panel
    after Form network and a Step: the Step button, the narration, the whole diagram (at
    least 400x300 px, every neuron inside) and the just-computed matrix (text ≥ 12 px)
    are all in the viewport at one scroll position."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    assert page.locator(".jp-FileBrowser").first.is_visible()  # the default layout
    panel = page.locator(".flux-panel").first
    panel.locator("button:has-text('Form network')").first.click()
    wait_for_text(page, "Formed 4(implicit)-8-4-1", timeout=20)
    step = panel.locator("button:has-text('Step')").first
    step.click()
    page.wait_for_selector(".flux-just-computed table, .flux-just-computed pre", timeout=20_000)
    # scroll so that the row of step buttons is at the top of the notebook's view
    step.evaluate("element => element.closest('.widget-hbox').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    parts = {"Step": "button.jupyter-button", "narration": ".flux-narration",
             "diagram": ".flux-diagram", "just computed": ".flux-just-computed"}
    boxes = {name: page.evaluate(IN_VIEW, [f".flux-panel {selector}"])
             for name, selector in parts.items()}
    screenshot(page, f"after_step_{size[0]}x{size[1]}")
    outside = {name: box for name, box in boxes.items() if not (box and box["inside"])}
    assert not outside, f"not on screen at {size}: {outside}"
    assert boxes["diagram"]["width"] >= 400 and boxes["diagram"]["height"] >= 300, boxes
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.inside; }}",
                           timeout=20_000)
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll("
                             "'.flux-just-computed td, .flux-just-computed caption')]"
                             ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert smallest >= 12, smallest
    chart = page.evaluate(IN_VIEW, [".flux-panel .bqplot"])
    assert chart["left"] >= boxes["diagram"]["right"] - 1, (chart, boxes["diagram"])  # beside


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_after_a_reload_the_diagram_is_drawn_whole(app, size, jupyter, page):
    """Reloading the page while the kernel runs draws the panel again from the kernel's
    widgets: the diagram must show every neuron inside its view (it used to come back
    cropped to the input column), and stay so through a Step."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.inside; }}",
                           timeout=20_000)
    # saved (the outputs hold the widgets' views), then reloaded: the widgets come back
    # from the running kernel
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=20_000)
    page.reload()
    page.wait_for_selector(".flux-panel .flux-diagram canvas", timeout=60_000)
    page.locator(".flux-panel").first.scroll_into_view_if_needed()
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.nodes > 8 "
                           "&& d.inside; }", timeout=30_000)
    panel = page.locator(".flux-panel").first
    panel.locator("button:has-text('Step')").first.click()
    page.wait_for_timeout(1000)
    assert page.evaluate(DIAGRAM)["inside"]
    screenshot(page, f"reloaded_{size[0]}x{size[1]}", locator=panel)
    assert_no_widget_errors(page)


@pytest.mark.parametrize("app", ["lab"])
def test_presentation_mode_fits_a_laptop(app, jupyter, page):
    """At 1366x768 in presentation mode the step buttons, the narration and the whole
    diagram (every neuron inside it) are on screen at once; the chart is enlarged too."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": 1366, "height": 768})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    panel = page.locator(".flux-panel").first
    panel.locator(".flux-narration").first.click()
    page.keyboard.press("p")
    page.wait_for_selector(".flux-presenting", timeout=20_000)
    step = panel.locator("button:has-text('Step')").first
    step.evaluate("element => element.closest('.widget-hbox').scrollIntoView({block: 'start'})")
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.inside; }}",
                           timeout=20_000)
    boxes = {name: page.evaluate(IN_VIEW, [f".flux-panel {selector}"]) for name, selector in
             {"Step": "button.jupyter-button", "narration": ".flux-narration",
              "diagram": ".flux-diagram"}.items()}
    screenshot(page, "present_1366x768")
    outside = {name: box for name, box in boxes.items() if not (box and box["inside"])}
    assert not outside, f"not on screen in presentation mode at 1366x768: {outside}"
    # the chart is sized from the screen too, its ticks readable from the back of a room
    page.keyboard.press("i")  # a whole iteration: a point, and ticks
    # bqplot lays a figure out again once it is in view, 300 ms after a change of size
    panel.locator(".flux-chart").first.scroll_into_view_if_needed()
    measure = """() => {
        const figure = document.querySelector('.flux-panel .flux-chart');
        const plot = figure.querySelector('.axis path.domain');
        const tick = figure.querySelector('.axis .tick text');
        const box = figure.getBoundingClientRect(), drawn = plot.getBoundingClientRect();
        return {width: box.width, height: box.height, drawn: [drawn.width, drawn.height],
                tick: tick ? parseFloat(getComputedStyle(tick).fontSize) : 0}; }"""
    readable = (f"() => {{ const c = ({measure})(); return c.width >= 500 && c.height >= 300 "
                "&& c.drawn[0] >= 400 && c.tick >= 16; }")
    try:
        page.wait_for_function(readable, timeout=10_000)
    finally:
        screenshot(page, "present_chart_1366x768")  # the window as it is (vh units)
        print("chart in presentation mode:", page.evaluate(measure))
    page.keyboard.press("p")


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_forming_networks_sends_nothing_to_closed_widgets(app, jupyter, page):
    """Form network replaces the diagram's view and the output map: what it closes must not
    be written to by the page afterwards (the kernel logs "No such comm" when it is)."""
    notebook = jupyter.add(NOTEBOOK)
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    log = jupyter.base_url.log_path
    before = log.read_text(errors="replace").count("No such comm")
    panel = page.locator(".flux-panel").first
    sizes = panel.get_by_label("Layers", exact=True).first
    for layers, shown in (("3, 1", "4(implicit)-3-1"), ("5, 2, 1", "4(implicit)-5-2-1"),
                          ("8, 4, 1", "4(implicit)-8-4-1")):
        sizes.fill(layers)
        panel.locator("button:has-text('Form network')").first.click()
        wait_for_text(page, f"Formed {shown}", timeout=20)
        panel.locator("button:has-text('Step')").first.click()
        page.wait_for_timeout(1500)
    page.wait_for_timeout(2000)
    after = log.read_text(errors="replace").count("No such comm")
    assert after == before, log.read_text(errors="replace")[-3000:]
    assert_no_widget_errors(page)


def laptop_panel_formed(app, jupyter, page):
    """Lesson 01 run at 1366x768, its panel's Form network pressed; returns the panel."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": 1366, "height": 768})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    panel = page.locator(".flux-panel").first
    panel.locator("button:has-text('Form network')").first.click()
    wait_for_text(page, "Formed 4(implicit)-8-4-1", timeout=20)
    return panel


def _answer(panel, question_box, answer):
    """Pick ``answer`` among the choice buttons, or type it, then press Answer."""
    choice = question_box.locator(".widget-toggle-buttons button").filter(
        has_text=re.compile(rf"^\s*{re.escape(answer)}\s*$"))
    if choice.count():
        choice.first.click()
    else:
        question_box.locator("input[type='text']").first.fill(answer)
    question_box.locator("button:has-text('Answer')").first.click()


@pytest.mark.parametrize("app", ["lab"])
def test_predict_mode_asks_reveals_and_keeps_the_score(app, jupyter, page):
    """At 1366x768: switch Predict on, Step asks (question on screen with the Step
    button), a wrong and a right answer each get their verdict with the why, Step back
    comes back to the question, and the score is shown."""
    panel = laptop_panel_formed(app, jupyter, page)
    panel.locator("button:has-text('Predict')").first.click()
    step = panel.locator("button:has-text('Step')").first
    step.click()
    box = panel.locator(".flux-predict").first
    box.locator("text=Predict:").first.wait_for(timeout=20_000)
    step.evaluate("element => element.closest('.widget-hbox').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    for selector in ("button.jupyter-button", ".flux-predict"):  # asked where the learner looks
        where = page.evaluate(IN_VIEW, [f".flux-panel {selector}"])
        assert where and where["inside"], (selector, where)
    screenshot(page, "predict_question_1366x768")
    choices = box.locator(".widget-toggle-buttons button").all_inner_texts()
    first = choices[0].strip() if choices else "1000"
    _answer(panel, box, first)
    verdict = box.locator("text=/Right:|Not quite:/").first
    verdict.wait_for(timeout=20_000)
    first_text = verdict.inner_text()
    # "Not quite: you said 1000; it is 0.256679." or "…; it is positive (0.0182)."
    truth = first_text.splitlines()[0].split("it is ", 1)[1].split(" (")[0].rstrip(".")
    screenshot(page, "predict_reveal_1366x768")
    assert "Predictions: " in box.inner_text() and "of 1" in box.inner_text()
    # Step back: the same question, unanswered; then the other verdict
    panel.locator("button:has-text('Step back')").first.click()
    wait_for_text(page, "question of this step again", timeout=20)
    if first_text.startswith("Right"):
        second = next(c.strip() for c in choices if c.strip() != first)
        expected = "Not quite:"
    else:
        second, expected = truth, "Right:"
    _answer(panel, box, second)
    box.locator(f"text={expected}").first.wait_for(timeout=20_000)
    assert "of 1" in box.inner_text()  # the score keeps the first answer
    screenshot(page, "predict_second_answer_1366x768")
    assert_no_widget_errors(page)


BADGED = """() => {
    const cy = [...document.querySelectorAll('.jp-OutputArea-output div')]
        .map(d => d._cyreg && d._cyreg.cy).find(Boolean);
    if (!cy) return null;
    return cy.nodes('.dead, .saturated').map(n => ({id: n.id(), shape: n.style('shape'),
        border: n.style('border-style'), classes: n.classes()}));
}"""


@pytest.mark.parametrize("app", ["lab"])
def test_a_broken_network_asks_its_question_and_badges_dead_neurons(app, jupyter, page):
    """At 1366x768: choose "A dead ReLU layer" under Broken network; its question is on
    screen under the narration, Show answer reveals the explanation; two whole iterations
    later the diagram draws layer 2's dead neurons as dotted octagons (a shape, not only a
    colour), the diagram's text alternative names them, and a Hints question asks why."""
    panel = laptop_panel_formed(app, jupyter, page)
    panel.get_by_label("Broken network").first.select_option(label="A dead ReLU layer")
    wait_for_text(page, "Broken network: A dead ReLU layer", timeout=20)
    hint = panel.locator(".flux-hint").first
    hint.locator("text=Think:").first.wait_for(timeout=20_000)
    assert "learning rate of 20" in hint.inner_text()
    hint.locator("button:has-text('Show answer')").first.click()
    hint.locator("text=Answer:").first.wait_for(timeout=20_000)
    assert "dead layer" in hint.inner_text()
    for iteration in (1, 2):
        panel.locator("button:has-text('Whole iteration')").first.click()
        wait_for_text(page, f"Iteration {iteration}", timeout=20)
    page.wait_for_function(f"() => {{ const b = ({BADGED})(); return b && b.length >= 2; }}",
                           timeout=20_000)
    badged = {node["id"]: node for node in page.evaluate(BADGED)}
    assert {"L2N0", "L2N1"} <= set(badged), badged
    assert all(node["shape"] == "octagon" and node["border"] == "dotted"
               for node in badged.values()), badged
    alternative = panel.locator(".flux-diagram").first.get_attribute("aria-label")
    assert "Dead neurons" in alternative and "h2,0" in alternative, alternative
    legend = panel.locator("text=/octagon with a dotted border/").first
    assert legend.count() == 1
    hint.locator("text=Think:").first.wait_for(timeout=20_000)  # the overshoot, then why dead
    hint.locator("button:has-text('Show answer')").first.click()
    hint.locator("text=Answer:").first.wait_for(timeout=20_000)
    panel.locator(".flux-diagram").first.scroll_into_view_if_needed()
    screenshot(page, "broken_dead_relu_1366x768")
    assert_no_widget_errors(page)


def run_one_cell(source, size, app, jupyter, page, tmp_path):
    """A notebook of one code cell, ``source``, opened and run in ``app`` at ``size``."""
    import nbformat

    path = tmp_path / "one_cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_notebook_and_run_all(page, jupyter.base_url, jupyter.add(path), app, timeout=120)


PAPER_CELL = ("import flux_widgets as fw\n"
              "from flux_widgets.exercises import paper\n"
              "fw.Panel(network=paper.network(), learning_rate=0.5)")


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_the_network_on_paper_steps_to_the_hand_numbers(app, size, jupyter, page, tmp_path):
    """The lessons' network on paper (chapters 4, 7, 9) in ``Panel(network=...)``: sixteen
    Step clicks in the browser (six forward, ten backward), one computation each; the
    first backward click says the hand cost, the tables then show layer 1's dC_dw to the
    four digits the worksheets ask for, and nothing went wrong."""
    from flux_widgets.exercises import paper
    from flux_widgets.widgets.tables import SIGNIFICANT_FIGURES, significant_text

    run_one_cell(PAPER_CELL, size, app, jupyter, page, tmp_path)
    panel = page.locator(".flux-panel").first
    narration = panel.locator(".flux-narration").first
    step = panel.locator("button:has-text('Step')").first
    worked = paper.worked()
    for click in range(16):
        said = narration.inner_text()
        step.click()
        page.wait_for_function("([before]) => document.querySelector('.flux-narration')"
                               ".innerText !== before", arg=[said], timeout=20_000)
        if click == 6:   # the first backward click: the cost and dC_dy
            assert f"C = {worked['C']:.6f}" in narration.inner_text(), narration.inner_text()
    texts = [significant_text(value, SIGNIFICANT_FIGURES) for value in worked["dC_dw1"].ravel()]
    tables = panel.locator(".flux-tables").first
    page.wait_for_function(
        "([texts]) => { const t = document.querySelector('.flux-panel .flux-tables');"
        " return t && texts.every(x => t.innerText.includes(x)); }", arg=[texts],
        timeout=20_000)
    assert "dC_db_matrix" in narration.inner_text(), narration.inner_text()
    assert all(text in tables.inner_text() for text in texts), texts
    panel.scroll_into_view_if_needed()
    screenshot(page, f"paper_network_{size[0]}x{size[1]}")
    assert_no_widget_errors(page)


CROSS_ENTROPY_CELL = ("import flux_widgets as fw\n"
                      "fw.Panel(dataset='iris', layers='4, 3', hidden='tanh', output='softmax',\n"
                      "         cost='cross_entropy', learning_rate=0.5, seed=2)")


@pytest.mark.parametrize("app", ["lab"])
def test_the_cost_control_and_a_cross_entropy_network(app, jupyter, page, tmp_path):
    """At 1366x768: the Cost dropdown (a labelled select) shows cross-entropy; the output
    layer's backward steps say what they compute (∂C/∂p, the Jacobian's diagonal, (y − t)/N)
    in the narration and beside the tables; after a whole iteration the chart is named
    cross-entropy; choosing MSE and Form network names it MSE again."""
    run_one_cell(CROSS_ENTROPY_CELL, (1366, 768), app, jupyter, page, tmp_path)
    panel = page.locator(".flux-panel").first
    cost = panel.get_by_label("Cost").first
    assert cost.locator("option:checked").inner_text().strip() == "cross-entropy"
    step = panel.locator("button:has-text('Step')").first
    narration = panel.locator(".flux-narration").first
    for click in range(9):   # six forward, then the output layer's dC_dy, dh_da, dC_da
        said = narration.inner_text()
        step.click()
        page.wait_for_function("([before]) => document.querySelector('.flux-narration')"
                               ".innerText !== before", arg=[said], timeout=20_000)
        if click == 6:
            assert "−t/(N·p)" in narration.inner_text()
    assert "(y − t)/N" in narration.inner_text()
    wait_for_text(page, "(y − t)/N from y and t", timeout=20)    # the note beside dC_da
    panel.locator("button:has-text('Whole iteration')").first.click()
    wait_for_text(page, "cross-entropy vs iterations", timeout=20)
    panel.locator(".flux-narration").first.scroll_into_view_if_needed()
    screenshot(page, "cross_entropy_1366x768")
    cost.select_option(label="MSE")
    panel.locator("button:has-text('Form network')").first.click()
    wait_for_text(page, "MSE vs iterations", timeout=20)
    assert_no_widget_errors(page)


BATCH_CELL = ("import flux_widgets as fw\n"
              "fw.Panel(dataset='circles', layers='6, 1', hidden='tanh', output='sigmoid',\n"
              "         learning_rate=0.5, batch_size=16, shuffle_seed=2)")
OUTLINED = """() => [...document.querySelectorAll('.flux-panel .bqplot .dot')]
    .filter(d => getComputedStyle(d).stroke === 'rgb(0, 0, 0)').length"""


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_stepping_by_mini_batch(app, size, jupyter, page, tmp_path):
    """Batches of 16 of the 200 circles: the first Step takes mini-batch 0 (the narration
    names it and its samples), the tables number its rows by their samples, the output
    map outlines its 16 points; typing ``all`` in the Batch size field (by keyboard) makes
    the next iteration take all 200 samples again, and the outlines go."""
    run_one_cell(BATCH_CELL, size, app, jupyter, page, tmp_path)
    panel = page.locator(".flux-panel").first
    batch_field = panel.get_by_label("Batch size").first
    assert batch_field.input_value() == "16"
    narration = panel.locator(".flux-narration").first
    step = panel.locator("button:has-text('Step')").first
    step.click()
    wait_for_text(page, "mini-batch 0 of epoch 0, 16 samples", timeout=20)
    first = re.search(r"the rows of samples (\d+), (\d+)", narration.inner_text()).groups()
    index = panel.locator("[data-matrix='input_matrix'] pre.flux-index").first
    assert index.inner_text().split()[:2] == list(first), index.inner_text()
    wait_for_text(page, "rows: mini-batch 0 of epoch 0, 16 of the 200 samples", timeout=20)
    page.wait_for_function(f"() => ({OUTLINED})() === 16", timeout=20_000)
    output_map = panel.locator(".bqplot:has-text('mini-batch outlined')").first
    output_map.scroll_into_view_if_needed()
    screenshot(page, f"mini_batch_map_{size[0]}x{size[1]}", locator=output_map)
    panel.locator("button:has-text('Whole iteration')").first.click()
    wait_for_text(page, "Iteration 1 (mini-batch 0 of epoch 0, 16 samples), forward",
                  timeout=20)
    panel.locator(".flux-narration").first.scroll_into_view_if_needed()
    screenshot(page, f"mini_batch_{size[0]}x{size[1]}")
    batch_field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("all")
    page.keyboard.press("Tab")
    step.click()
    wait_for_text(page, "all 200 samples again", timeout=20)
    page.wait_for_function(f"() => ({OUTLINED})() === 0", timeout=20_000)
    assert_no_widget_errors(page)


EXPORT_SETTINGS = dict(dataset="parity4", layers="8, 4, 1", hidden="leaky_relu",
                       output="sigmoid", learning_rate=1.0, seed=0)
EXPORT_CELL = f"import flux_widgets as fw\nfw.Panel(**{EXPORT_SETTINGS!r})"


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "projector"])
def test_export_for_slides_writes_its_files_next_to_the_notebook(app, size, jupyter, page,
                                                                 tmp_path):
    """The Export for slides section, opened in the browser after a Step (axe-core finds
    nothing in it): Diagram SVG (pressed by keyboard), Formula LaTeX and Matrix LaTeX of
    layer 2's weights each say where they wrote, the notebook's folder: the SVG with one shape per
    neuron (17) and one line per edge (68), and each file exactly what the same panel
    exports in this process."""
    from xml.etree import ElementTree

    from test_accessibility_browser import axe_violations

    import flux_widgets as fw

    run_one_cell(EXPORT_CELL, size, app, jupyter, page, tmp_path)
    folder = jupyter.path   # the notebook's folder, where its kernel runs
    panel = page.locator(".flux-panel").first
    panel.locator("button:has-text('Step')").first.click()
    wait_for_text(page, "Iteration 1, layer 1: weight_and_input_matrix", timeout=20)
    panel.get_by_text("Export for slides").first.click()
    box = panel.locator(".flux-exports").first
    diagram = box.get_by_role("button", name="Diagram SVG")
    diagram.wait_for(timeout=20_000)
    diagram.focus()
    page.keyboard.press("Enter")
    wait_for_text(page, f"Wrote {folder / 'flux_diagram.svg'}.", timeout=20)
    box.get_by_role("button", name="Formula LaTeX").click()
    wait_for_text(page, f"Wrote {folder / 'flux_step_formula.tex'}.", timeout=20)
    box.get_by_label("Layer").select_option(label="layer 2")
    box.get_by_role("button", name="Matrix LaTeX").click()
    wait_for_text(page, f"Wrote {folder / 'flux_layer2_weights_matrix.tex'}.", timeout=20)
    box.scroll_into_view_if_needed()
    screenshot(page, f"export_{size[0]}x{size[1]}")
    assert axe_violations(page, ".flux-exports") == []   # open, with a message shown

    svg = "{http://www.w3.org/2000/svg}"
    root = ElementTree.parse(folder / "flux_diagram.svg").getroot()
    neurons = [g for g in root.iter(f"{svg}g") if g.get("class") == "neuron"]
    edges = [line for line in root.iter(f"{svg}line") if line.get("class") == "edge"]
    assert (len(neurons), len(edges)) == (17, 68)
    here = fw.Panel(**EXPORT_SETTINGS)
    here.step_button.click()
    try:
        assert (folder / "flux_diagram.svg").read_text() == here.export_diagram_svg()
        assert (folder / "flux_step_formula.tex").read_text() == here.export_formula_latex()
        assert ((folder / "flux_layer2_weights_matrix.tex").read_text()
                == here.export_matrix_latex(2, "weights_matrix"))
    finally:
        here.close()
    assert_no_widget_errors(page)
