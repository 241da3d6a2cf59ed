"""Start a Jupyter server and headless Chromium, open a notebook and run it.

Shared by the browser tests and ``benchmarks/bench_browser.py``. The server
listens on 127.0.0.1 only; Chromium is Debian's (``/usr/bin/chromium``),
driven by Playwright.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(app, root_dir):
    """Run ``jupyter lab`` or ``jupyter notebook`` on ``root_dir``; yield its base URL and token."""
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
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={root_dir}",
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
        yield base, token
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


@contextlib.contextmanager
def chromium_page(playwright):
    """A fresh headless Chromium page that collects page errors in ``page.flux_errors``."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        page.flux_errors = []
        page.on("pageerror", lambda error: page.flux_errors.append(f"{error}\n{error.stack}"))
        yield page
    finally:
        browser.close()


def open_notebook(page, app, base, token, name):
    path = "lab/tree" if app == "lab" else "notebooks"
    page.goto(f"{base}/{path}/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_function(  # JupyterLab says "Idle" in its status bar; Notebook 7 in a title
        "document.body.innerText.includes('Idle') || "
        "document.querySelector('[title*=\"Idle\"], [data-status=\"idle\"]') !== null",
        timeout=60_000)


def accept_dialogs(page):
    """Accept any open dialog, e.g. "Select Kernel" (Python 3 is the default choice).

    A fresh environment can ask which kernel to start before it starts one.
    """
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    while accept.count():
        accept.first.click()
        page.wait_for_timeout(300)


def run_all_cells(page, done_text, screenshot_prefix=None, attempts=3):
    """Run → Run All Cells (the same Lumino menu in both apps) until ``done_text`` shows.

    A click that comes before the kernel connection is ready is lost, so the
    click is repeated (at most ``attempts`` times).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for attempt in range(attempts):
        page.wait_for_timeout(1000)  # a "Select Kernel" dialog appears within a moment
        accept_dialogs(page)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.wait_for_selector(f"text={done_text}", timeout=40_000)
            return
        except PlaywrightTimeout:
            if screenshot_prefix:
                page.screenshot(path=f"{screenshot_prefix}_attempt{attempt}.png")
    raise AssertionError(f"the notebook did not finish running ('{done_text}' never showed)")
