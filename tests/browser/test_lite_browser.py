"""The JupyterLite site (lite/build.py) in headless Chromium, served from a local folder.

The site is built from the npm registry and PyPI alone, as a teacher would publish it:
numpy and pandas (bqplot's), compiled for WebAssembly only in Pyodide's own distribution,
are taken by the browser from Pyodide's CDN at the kernel's Pyodide version, with the
sha256 of Pyodide's lock file. The site is served by a static file server on 127.0.0.1;
every request the page makes to any other address is answered with an error and recorded
(nothing leaves the machine). In the site: the first lesson opens in JupyterLab; the
Pyodide kernel starts from the site's own copy of Pyodide; ipywidgets and ipycytoscape
widgets render; ``import flux_widgets`` asks for exactly numpy's and pandas's files at the
CDN and for nothing else outside the site. What was not run here: the lessons themselves,
which need those two files (README: JupyterLite). The ``--offline`` build is checked to
name what it lacks.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

import flux_widgets
from tools.browser import screenshot

ROOT = Path(__file__).resolve().parents[2]
NEEDED = {"jupyterlite_core": "jupyterlite-core", "jupyterlite_pyodide_kernel":
          "jupyterlite-pyodide-kernel"}  # pip install -e ".[lite]"
KERNEL_START_SECONDS = 120


def _lacking() -> str | None:
    lacking = [f"{name} (pip install -e '.[lite]')" for module, name in NEEDED.items()
               if importlib.util.find_spec(module) is None]
    if shutil.which("npm") is None:
        lacking.append("npm (the site's Pyodide comes from the npm registry)")
    return "the JupyterLite site needs " + "; ".join(lacking) if lacking else None


@pytest.fixture(scope="module")
def lite_build():
    """lite/build.py as a module (skipped, or failed under FLUX_REQUIRE_BROWSER=1, without
    what it needs)."""
    lacking = _lacking()
    if lacking:
        (pytest.fail if os.environ.get("FLUX_REQUIRE_BROWSER") == "1" else pytest.skip)(lacking)
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(lite_build, tmp_path_factory):
    """The built site's folder and its report (``flux-lite.json``): the default build."""
    output = tmp_path_factory.mktemp("lite") / "site"
    report = lite_build.build(output)
    return output, report


@pytest.fixture(scope="module")
def pyodide_lock(lite_build, tmp_path_factory):
    """Pyodide's own pyodide-lock.json, from the npm package ``pyodide`` the site is built of."""
    return lite_build.fetch_pyodide_core(lite_build.pyodide_version(),
                                         tmp_path_factory.mktemp("pyodide"))


@pytest.fixture(scope="module")
def served(site):
    """The site's URL, from a static file server on 127.0.0.1 (a thread of this process)."""
    folder, _ = site
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript"}

    def log_message(self, *args):
        pass


@pytest.fixture
def offline(page, served):
    """The page, with every request outside the site answered by an error (it never leaves
    the machine); the refused URLs listed."""
    refused = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(served + "/") or url.startswith("data:") or url.startswith("blob:"):
            return request_route.continue_()
        refused.append(url)
        return request_route.abort()

    page.context.route("**/*", route)
    page.flux_refused = refused
    return page


def test_the_site_ships_everything_and_takes_numpy_and_pandas_from_pyodide(site, pyodide_lock,
                                                                           lite_build):
    folder, report = site
    assert f"flux-widgets=={flux_widgets.__version__}" in report["shipped"]
    for needed in ("ipywidgets==8.1.9", "ipycytoscape==1.3.3", "bqplot==0.13.1",
                   "anywidget==0.11.0", "psygnal", "ipython", "micropip"):
        assert any(name == needed or name.startswith(needed + "==")
                   for name in report["shipped"]), needed
    lock = json.loads((folder / "static" / "pyodide" / "pyodide-lock.json").read_text())
    entries = {entry["name"]: entry for entry in lock["packages"].values()}
    shipped = {name.split("==")[0] for name in report["shipped"]}
    for name in shipped:  # each shipped wheel is in the site, with its checksum in the lock
        assert (folder / "static" / "pyodide" / entries[name]["file_name"]).is_file(), name
    # the compiled packages the kit's stack needs, numpy (the engine) and pandas (bqplot's),
    # come from Pyodide's distribution at the kernel's exact version, with Pyodide's sha256
    base = f"https://cdn.jsdelivr.net/pyodide/v{report['pyodide']}/full/"
    assert report["packages_url"] == base and report["missing"] == []
    assert base in (ROOT / "README.md").read_text(encoding="utf-8")   # the README says it
    original = {entry["name"]: entry for entry in pyodide_lock["packages"].values()}
    assert [package["name"] for package in report["from_packages_url"]] == ["numpy", "pandas"]
    for name in ("numpy", "pandas"):
        assert original[name]["file_name"].endswith("_wasm32.whl")
        assert entries[name]["file_name"] == base + original[name]["file_name"]
        assert entries[name]["sha256"] == original[name]["sha256"]
        assert not (folder / "static" / "pyodide" / original[name]["file_name"]).exists()
    assert {"python-dateutil", "pytz", "six"} <= shipped   # pandas's own, shipped
    # every other entry the site's lock adds or changes is a file of the site
    for name, entry in entries.items():
        if name not in ("numpy", "pandas") and entry != original.get(name):
            assert "://" not in entry["file_name"], name
    settings = json.loads((folder / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"  # the site's own Pyodide


def test_the_first_lesson_opens_in_jupyterlite(offline, served):
    page = offline
    page.goto(f"{served}/lab/index.html?path=01_getting_started.ipynb")
    page.locator(".jp-Notebook h1", has_text="Getting started").wait_for(timeout=60_000)
    # its first code cell, the one that makes the panel (the notebook draws only the
    # cells in view, so count none)
    page.locator(".jp-Notebook .jp-CodeCell", has_text="fw.Panel(").first.wait_for(
        timeout=60_000)
    # the kernel of the notebook: Pyodide, started in the page (the status bar says idle)
    page.get_by_text("Python (Pyodide) | Idle").wait_for(timeout=KERNEL_START_SECONDS * 1000)
    screenshot(page, "lite_lesson_01")
    assert page.flux_refused == []


def run_in_repl(page, served, code):
    """Open JupyterLite's REPL with the Pyodide kernel, run ``code``, return its output text."""
    page.goto(f"{served}/repl/index.html?kernel=python&toolbar=1&code="
              + urllib.parse.quote(code))
    output = page.locator(".jp-CodeConsole .jp-OutputArea-output").first
    output.wait_for(timeout=KERNEL_START_SECONDS * 1000)
    page.wait_for_function(  # the cell is done when its prompt shows a number
        "() => [...document.querySelectorAll('.jp-CodeConsole .jp-InputPrompt')]"
        ".some(p => /\\[\\d+\\]/.test(p.textContent))", timeout=KERNEL_START_SECONDS * 1000)
    page.wait_for_timeout(1500)  # a widget view draws after the output arrives
    return "\n".join(page.locator(".jp-CodeConsole .jp-OutputArea-output").all_inner_texts())


def test_the_kernel_runs_and_widgets_render_from_the_site_alone(offline, served):
    page = offline
    text = run_in_repl(page, served, "\n".join([
        "import sys, ipywidgets, ipycytoscape",
        "print('python', sys.version.split()[0], sys.platform, 'ipywidgets',"
        " ipywidgets.__version__, 'ipycytoscape', ipycytoscape.__version__)",
        "graph = ipycytoscape.CytoscapeWidget()",
        "graph.graph.add_graph_from_json({'nodes': [{'data': {'id': 'x0'}}, "
        "{'data': {'id': 'h0'}}], 'edges': [{'data': {'source': 'x0', 'target': 'h0'}}]})",
        "ipywidgets.VBox([ipywidgets.IntSlider(value=3, description='slider'), graph])",
    ]))
    assert "python 3.14" in text and "emscripten" in text
    assert "ipywidgets 8.1.9" in text and "ipycytoscape 1.3.3" in text
    assert page.locator(".jp-CodeConsole .widget-slider").count() == 1
    assert page.locator(".jp-CodeConsole canvas").count() >= 1  # the cytoscape view
    assert page.locator("text=Error displaying widget").count() == 0
    screenshot(page, "lite_widgets")
    assert page.flux_refused == []


def test_the_kit_asks_for_numpy_and_pandas_at_pyodide_and_nothing_else(offline, served, site):
    """The kit's imports, ``import flux_widgets`` and the panel's chart library, ``import
    bqplot``: the kernel asks for exactly numpy's and pandas's files at the packages URL
    (answered here with an error: nothing leaves the machine) and for nothing else outside
    the site. (Here numpy fails, so the kit's own import stops before it reaches bqplot;
    the second import asks for pandas as the kit's would.)"""
    page = offline
    _, report = site
    text = run_in_repl(page, served, "\n".join([   # the kernel loads what a cell imports
        "try:",
        "    import flux_widgets",
        "except ImportError as error:",
        "    print('flux_widgets stopped at:', error)",
        "try:",
        "    import bqplot",
        "except ImportError as error:",
        "    print('bqplot stopped at:', error)"]))
    wanted = {package["url"] for package in report["from_packages_url"]}
    page.wait_for_timeout(1000)
    assert set(page.flux_refused) == wanted, (page.flux_refused, text)
    assert "flux_widgets stopped at: No module named 'numpy'" in text, text


def test_the_offline_build_names_what_it_lacks(lite_build, tmp_path):
    output = tmp_path / "offline"
    report = lite_build.build(output, offline=True)
    assert report["packages_url"] is None and report["from_packages_url"] == []
    assert sorted(name.split("==")[0] for name in report["missing"]) == ["numpy", "pandas"]
    lock = json.loads((output / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert all("://" not in entry["file_name"] for entry in lock["packages"].values())
    with pytest.raises(ValueError, match="must start with https://"):
        lite_build.build(tmp_path / "bad", packages_url="cdn.example.org/pyodide/")
