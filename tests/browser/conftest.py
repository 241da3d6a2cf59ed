"""Browser tests: JupyterLab 4 / Notebook 7 in Debian's headless Chromium, driven by Playwright.

Every test in this folder is marked ``browser`` (``pytest -m "not browser"`` leaves
them out). Where Chromium, Playwright, JupyterLab, Notebook 7 or the widget
libraries are missing, they are skipped with the reason -- unless
``FLUX_REQUIRE_BROWSER=1`` (CI), which turns the skip into a failure.

Fixtures:

* ``playwright_instance`` and ``chromium_browser`` (session);
* ``page`` (function): a fresh browser context, console in ``page.flux_console``,
  a screenshot ``failed_<test>.png`` in artifacts/ when the test fails;
* ``jupyter`` (function, for tests parametrized with ``app`` = ``"lab"`` or
  ``"notebook"``): a fresh folder of its own in the root of the session's server
  for that app (one server per app for the whole session, started on first use:
  each start costs seconds); copy notebooks in with ``jupyter.add(path)``. The
  kernels of the folder's notebooks are shut down after the test.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import tools.browser as harness

HERE = Path(__file__).resolve().parent

REQUIRED_MODULES = {
    "playwright": "the playwright Python package (pip install playwright)",
    "jupyterlab": "JupyterLab 4 (pip install 'flux-widgets[lab]')",
    "notebook": "Notebook 7 (pip install 'flux-widgets[lab]')",
    "ipywidgets": "ipywidgets (pip install 'flux-widgets[widgets]')",
    "bqplot": "bqplot (pip install 'flux-widgets[widgets]')",
    "ipycytoscape": "ipycytoscape (pip install 'flux-widgets[widgets]')",
}


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    lacking = []
    if not Path(harness.CHROMIUM).exists():
        lacking.append(f"Debian's chromium at {harness.CHROMIUM} (apt-get install chromium)")
    for module, what in REQUIRED_MODULES.items():
        if importlib.util.find_spec(module) is None:
            lacking.append(what)
    return ("browser tests need " + "; ".join(lacking)) if lacking else None


MISSING = _missing()
collect_ignore_glob = ["*.ipynb"]  # notebooks the browser tests open; nbval is for the lessons
REQUIRED = os.environ.get("FLUX_REQUIRE_BROWSER") == "1"


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_configure(config):
    config.addinivalue_line("markers",
                            "browser: runs JupyterLab / Notebook 7 in headless Chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture: skip (or, with FLUX_REQUIRE_BROWSER=1, fail) without a browser."""
    if MISSING and _in_this_folder(item):
        if REQUIRED:
            pytest.fail(f"FLUX_REQUIRE_BROWSER=1 but {MISSING}", pytrace=False)
        pytest.skip(MISSING)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows if the test failed."""
    report = yield
    setattr(item, f"flux_report_{report.when}", report)
    return report


# Playwright's sync API runs an asyncio loop in this thread while it is open, and
# ``asyncio.run`` refuses to start inside a running loop: a session-wide Playwright
# breaks every later test that runs a coroutine. So it lives for one module.
@pytest.fixture(scope="module")
def playwright_instance():
    if MISSING:  # only reached when a test outside this folder asks for it
        (pytest.fail if REQUIRED else pytest.skip)(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def chromium_browser(playwright_instance):
    browser = harness.launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(request, chromium_browser):
    """A fresh 1400x1000 page; console messages and page errors in ``page.flux_console``."""
    with harness.chromium_page(chromium_browser) as page:
        yield page
        report = getattr(request.node, "flux_report_call", None)
        if report is not None and report.failed:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                path = harness.screenshot(page, f"failed_{name}")
                print(f"\nscreenshot of the failed page: {path}")
            except Exception as error:  # the page may be gone; the failure matters more
                print(f"\nno screenshot of the failed page: {error}")
            if page.flux_console:
                print("browser console:\n  " + "\n  ".join(page.flux_console[-40:]))


@pytest.fixture(scope="session")
def jupyter_servers(tmp_path_factory):
    """``get(app)``: the session's Jupyter server for ``app`` (started on first use, started
    again if it died), on a temporary root folder. All are stopped at the end."""
    servers: dict[str, harness.ServerURL] = {}
    with contextlib.ExitStack() as stack:
        def get(app: str) -> harness.ServerURL:
            if app not in servers or not harness.server_alive(servers[app]):
                root = tmp_path_factory.mktemp(f"jupyter-{app}-root")
                servers[app] = stack.enter_context(harness.jupyter_server(app, root))
            return servers[app]
        yield get


@dataclass
class JupyterFolder:
    """A test's own folder in the root of a running server (see the ``jupyter`` fixture)."""

    app: str                      # "lab" or "notebook"
    base_url: harness.ServerURL   # the server's base URL (with token)
    path: Path                    # the folder on disk

    def relpath(self, name: str) -> str:
        """``name`` in this folder, relative to the server's root (what the apps open)."""
        return f"{self.path.name}/{name}"

    def add(self, source: str | os.PathLike, name: str | None = None) -> str:
        """Copy a file (a notebook) into the folder; return its path relative to the root."""
        name = name or Path(source).name
        shutil.copy(source, self.path / name)
        return self.relpath(name)


@pytest.fixture
def jupyter(request, app, jupyter_servers):
    """A fresh folder for this test in the root of the session's server for ``app``."""
    base_url = jupyter_servers(app)
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name).strip("_")[:60]
    path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base_url.root_dir))
    yield JupyterFolder(app, base_url, path)
    if harness.server_alive(base_url):
        with contextlib.suppress(OSError):
            harness.shutdown_sessions(base_url, under=path.name)
