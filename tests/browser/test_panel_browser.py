"""The panel in a real browser: JupyterLab 4 and Notebook 7 in headless Chromium.

Each test starts its own Jupyter server on 127.0.0.1, opens the
getting-started lesson, runs it, checks that the panel's tables, diagram
(canvas) and chart (SVG) render with no widget error, clicks Step in the
browser and checks that the numbers on screen change. Screenshots go to
tests/browser/artifacts/.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).with_name("artifacts")

if not Path(CHROMIUM).exists():
    reason = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("FLUX_REQUIRE_BROWSER") == "1":
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(request, tmp_path):
    """A Jupyter server (``lab`` or ``notebook``) on 127.0.0.1 serving a copy of the lessons."""
    app = request.param
    shutil.copy(ROOT / "notebooks" / "01_getting_started.ipynb", tmp_path)
    settings = Path(tempfile.mkdtemp())
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), "flux-test"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=tempfile.mkdtemp(),
               JUPYTER_RUNTIME_DIR=tempfile.mkdtemp())
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", app, "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={tmp_path}",
         f"--LabApp.workspaces_dir={tempfile.mkdtemp()}",
         # JupyterLab only: no "Jupyter news?" pop-up over the page
         *([f"--LabApp.user_settings_dir={settings}"] if app == "lab" else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"jupyter {app} did not start")
                time.sleep(0.3)
        yield app, base, token
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


@pytest.fixture
def page():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        page.flux_errors = []
        page.on("pageerror", lambda error: page.flux_errors.append(f"{error}\n{error.stack}"))
        yield page
        browser.close()


def run_all_cells(page, app):
    """Run → Run All Cells (the same Lumino menu in both apps), until the lesson has run.

    A click that comes before the kernel connection is ready is lost, so the
    click is repeated (at most three times) until the last cell's output shows.
    """
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_function(  # JupyterLab says "Idle" in its status bar; Notebook 7 in a title
        "document.body.innerText.includes('Idle') || "
        "document.querySelector('[title*=\"Idle\"], [data-status=\"idle\"]') !== null",
        timeout=60_000)
    for attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_selector("text=accuracy 100%", timeout=40_000)
            return
        except playwright.TimeoutError:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"run_all_{app}_attempt{attempt}.png"))
    raise AssertionError(f"the lesson did not run in {app} (see the run_all screenshots)")


@pytest.mark.parametrize("server", ["lab", "notebook"], indirect=True)
def test_panel_renders_and_responds(server, page):
    app, base, token = server
    path = "lab/tree" if app == "lab" else "notebooks"
    page.goto(f"{base}/{path}/01_getting_started.ipynb?token={token}")
    run_all_cells(page, app)
    panel = page.locator(".jp-OutputArea-output").first
    panel.locator("button:has-text('Step')").first.wait_for(timeout=30_000)
    assert page.locator("text=Error displaying widget").count() == 0
    assert panel.locator("canvas").count() >= 1          # the cytoscape diagram
    assert panel.locator(".bqplot svg, svg.svg-figure").count() >= 1   # the MSE chart
    assert panel.locator("[data-matrix='weights_matrix']").count() >= 1  # the tables
    narration = panel.locator(".widget-html-content", has_text="Iteration")
    before = narration.first.inner_text()
    tables_before = panel.locator(".flux-tables").first.inner_text()
    panel.locator("button:has-text('Step')").first.click()
    page.wait_for_function(
        "([before]) => [...document.querySelectorAll('.widget-html-content')]"
        ".some(e => e.innerText.startsWith('Iteration') && e.innerText !== before)",
        arg=[before], timeout=10_000)
    assert panel.locator(".flux-tables").first.inner_text() != tables_before
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / f"panel_{app}.png"))
    widget_errors = [e for e in page.flux_errors if any(
        part in e for part in ("jupyter-widgets", "ipywidgets", "bqplot", "cytoscape"))]
    assert not widget_errors, widget_errors
    for error in page.flux_errors:  # e.g. Notebook 7.6's own settings error (notebook_core.js)
        print(f"page error not from the widgets ({app}): {error.splitlines()[0]}")
