"""The panel in a real browser: JupyterLab 4 and Notebook 7 in headless Chromium.

Each test starts its own Jupyter server on 127.0.0.1, opens the
getting-started lesson, runs it, checks that the panel's tables, diagram
(canvas) and chart (SVG) render with no widget error, clicks Step in the
browser and checks that the numbers on screen change. Screenshots go to
tests/browser/artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
from jupyter_browser import (CHROMIUM, chromium_page, jupyter_server,  # noqa: E402
                             open_notebook, run_all_cells)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).with_name("artifacts")

if not Path(CHROMIUM).exists():
    reason = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("FLUX_REQUIRE_BROWSER") == "1":
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_panel_renders_and_responds(app, tmp_path):
    shutil.copy(ROOT / "notebooks" / "01_getting_started.ipynb", tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    with jupyter_server(app, tmp_path) as (base, token), \
            playwright.sync_playwright() as p, chromium_page(p) as page:
        open_notebook(page, app, base, token, "01_getting_started.ipynb")
        run_all_cells(page, "accuracy 100%", str(ARTIFACTS / f"run_all_{app}"))
        panel = page.locator(".jp-OutputArea-output").first
        panel.locator("button:has-text('Step')").first.wait_for(timeout=30_000)
        assert page.locator("text=Error displaying widget").count() == 0
        assert panel.locator("canvas").count() >= 1                          # the diagram
        assert panel.locator(".bqplot svg, svg.svg-figure").count() >= 1     # the MSE chart
        assert panel.locator("[data-matrix='weights_matrix']").count() >= 1  # the tables
        # Reset to the formed network, then one whole iteration: the numbers must change
        panel.locator("button:has-text('Reset')").first.click()
        page.wait_for_selector("text=Back to the network as it was formed", timeout=10_000)
        changed = ("([before]) => { const t = document.querySelector('.flux-tables');"
                   " return t !== null && t.innerText !== before; }")
        tables_before = panel.locator(".flux-tables").first.inner_text()
        panel.locator("button:has-text('Step')").first.click()
        page.wait_for_selector("text=/Iteration 1, forward/", timeout=10_000)
        page.wait_for_function(changed, arg=[tables_before], timeout=10_000)
        panel.screenshot(path=str(ARTIFACTS / f"panel_{app}.png"))
        widget_errors = [e for e in page.flux_errors if any(
            part in e for part in ("jupyter-widgets", "ipywidgets", "bqplot", "cytoscape"))]
        assert not widget_errors, widget_errors
        for error in page.flux_errors:  # e.g. Notebook 7.6's own settings error (notebook_core)
            print(f"page error not from the widgets ({app}): {error.splitlines()[0]}")
