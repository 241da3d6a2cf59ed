"""The widget stack in a real browser: ipywidgets, bqplot and ipycytoscape in
JupyterLab 4 and Notebook 7.

It checks each library on its own, where test_panel_browser.py checks the
panel as a whole. For each app: a copy of ``stack_check.ipynb`` in a fresh folder
of the session's Jupyter server (the ``jupyter`` fixture of conftest.py), Run
All, then check that the Step button, the HTML counter table, the bqplot SVG and
the cytoscape canvas are on screen with no widget error; click Step in the
browser and wait for the counter and the line to change and for the graph to be
fitted into its box (the click nudges its height, see the notebook); time ten more clicks
(click -> table re-rendered) and save screenshots in ``artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.browser import (
    ARTIFACTS,
    assert_no_widget_errors,
    canvas_has_ink,
    console_errors,
    cytoscape_view,
    measure_click_latency,
    open_notebook_and_run_all,
    screenshot,
    wait_for_cytoscape_fit,
)

HERE = Path(__file__).resolve().parent
NOTEBOOK = "stack_check.ipynb"
CLICKS = 10

# stable hooks set in the notebook with widget.add_class(...)
BUTTON = ".flux-step"
TABLE_WIDGET = ".flux-counter-widget"
COUNTER = ".flux-counter-table .flux-counter"
CHART_SVG = ".flux-chart svg.svg-figure"
LINE = ".flux-chart svg.svg-figure g.curve path.line"
GRAPH_CANVAS = ".flux-graph canvas"


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_widget_stack_renders_and_responds(app, jupyter, page):
    from playwright.sync_api import expect

    state = open_notebook_and_run_all(page, jupyter.base_url, jupyter.add(HERE / NOTEBOOK),
                                      app)
    assert state["counts"] == [1, 2, 3, 4], state

    # the VBox is the output of the last cell
    output = page.locator(".jp-OutputArea-output").filter(has=page.locator(BUTTON))
    expect(output).to_have_count(1, timeout=20_000)
    button = output.get_by_role("button", name="Step", exact=True)
    counter = output.locator(COUNTER)
    line = output.locator(LINE)
    for what, locator in [("Step button", button), ("HTML table", output.locator(COUNTER)),
                          ("bqplot SVG", output.locator(CHART_SVG)),
                          ("bqplot line", line),
                          ("cytoscape canvas", output.locator(GRAPH_CANVAS).first)]:
        expect(locator, f"{what} in {app}").to_be_visible(timeout=20_000)
    assert_no_widget_errors(page)
    expect(counter).to_have_text("0", timeout=15_000)
    page.wait_for_function(f"() => !!document.querySelector({LINE!r}).getAttribute('d')",
                           timeout=20_000)
    d_before = line.get_attribute("d")
    # cytoscape really drew the graph (nodes and edges), not just an empty canvas
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].some(c => c.width && c.height)",
        arg=GRAPH_CANVAS, timeout=20_000)
    assert canvas_has_ink(page, GRAPH_CANVAS), f"the cytoscape canvas is blank in {app}"
    first_view = cytoscape_view(page, ".flux-graph")
    assert first_view and len(first_view["nodes"]) == 3 and first_view["edges"] == 2, first_view

    # a real click, by the button's text: table and chart follow
    button.click()
    expect(counter, f"counter after one click in {app}").to_have_text("1", timeout=15_000)
    # one more point: one more segment ("L") in the line's path
    page.wait_for_function(
        "([sel, before]) => { const d = document.querySelector(sel).getAttribute('d');"
        " return d !== before && d.split('L').length === before.split('L').length + 1; }",
        arg=[LINE, d_before], timeout=15_000)

    # the click also nudged the graph's height: ipycytoscape resized and fitted it
    fitted = wait_for_cytoscape_fit(page, ".flux-graph", timeout=15)
    assert fitted["width"] == 600 and fitted["height"] in (300, 301), fitted

    # click -> table re-rendered, timed in the page
    latency = measure_click_latency(page, BUTTON, TABLE_WIDGET, clicks=CLICKS,
                                    timeout_ms=15_000)
    expect(counter).to_have_text(str(1 + CLICKS), timeout=15_000)
    assert_no_widget_errors(page)

    cell = output.locator("xpath=ancestor::div[contains(@class, 'jp-Cell')][1]")
    cell.evaluate("el => el.scrollIntoView({block: 'center'})")
    # the scroll is drawn (the chart's animation_duration is 0: no transition to wait for)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    screenshot(page, f"stack_{app}")
    screenshot(page, f"stack_{app}_output", locator=output)

    (ARTIFACTS / f"latency_{app}.json").write_text(json.dumps(latency, indent=2))
    print(f"\n[{app}] click -> HTML table updated, {CLICKS} clicks: "
          f"median {latency['median_ms']:.1f} ms, min {latency['min_ms']:.1f} ms, "
          f"max {latency['max_ms']:.1f} ms; samples {latency['samples_ms']}")
    if not first_view["all_nodes_in_view"]:
        print(f"[{app}] first cytoscape view cropped (zoom {first_view['zoom']:.2f}, nodes "
              + ", ".join(f"{n['id']} x {n['x1']:.0f}..{n['x2']:.0f}" for n in first_view["nodes"])
              + f" in a {first_view['width']} px wide box); fitted after Step: "
              f"zoom {fitted['zoom']:.2f}")
    other = console_errors(page, widgets_only=False)
    if other:
        print(f"[{app}] page errors not from the widgets: "
              + "; ".join(m.splitlines()[0] for m in other))
