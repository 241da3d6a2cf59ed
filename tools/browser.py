"""Browser-test harness: Jupyter servers, headless Chromium, notebooks with widgets.

The one harness of the browser tests (tests/browser/), of
``benchmarks/bench_browser.py`` and of ``tools/screenshots.py``. A plain module
(no pytest in here) so tests, benchmarks and scripts can share it, imported as
``tools.browser`` from the repository root (pytest puts the root on the path)::

    from playwright.sync_api import sync_playwright
    from tools.browser import (jupyter_server, chromium_page, open_notebook_and_run_all,
                               assert_no_widget_errors)

    with jupyter_server("lab", root_dir) as base_url, sync_playwright() as pw, \\
            chromium_page(pw) as page:
        open_notebook_and_run_all(page, base_url, "stack_check.ipynb", "lab")
        assert_no_widget_errors(page)

(In pytest, the fixtures of conftest.py give the page and a server folder.)

What it takes care of:

* ``jupyter_server`` starts ``python -m jupyter lab|notebook`` from *this*
  interpreter on 127.0.0.1, a free port and a random token, with every
  user-level Jupyter directory (config, data, runtime, lab settings,
  workspaces) in a fresh temporary folder, JupyterLab's news and update
  checks off, and the notebook's windowing off (so every cell and widget is in
  the DOM). It yields the base URL (``http://127.0.0.1:<port>/?token=<token>``,
  a ``str`` that also carries ``.origin``, ``.token``, ``.app``, ``.log_path``)
  and on exit stops the server's process group and every process the server
  started (kernels run in their own sessions), even when the test failed.
  ``shutdown_sessions`` stops kernels of a running server through its REST API.
* ``chromium_page`` gives a Playwright page on Debian's ``/usr/bin/chromium``
  that records console messages and page errors in ``page.flux_console``.
* ``open_notebook_and_run_all`` opens a notebook, waits until its kernel is
  really connected and idle (asking the app itself, ``window.jupyterapp``; a
  "Select Kernel" dialog on the way is accepted), runs every cell (the
  ``notebook:run-all-cells`` command, or ``via="menu"``: Run -> Run All Cells
  like a user; retried if the run does not start), waits until every code cell
  has run and the kernel is idle again -- failing at once, with the traceback,
  if a cell raised -- optionally until a text shows (``done_text``), and until
  the widget outputs are drawn.
* ``wait_for_text``, ``assert_no_widget_errors`` / ``console_errors`` (widget
  errors fail, the apps' own page errors can be printed), ``screenshot`` (a
  whole element, however tall), ``canvas_has_ink``, ``cytoscape_view`` and
  ``measure_click_latency`` (median and p95).

Playwright is imported lazily, so importing this module never fails where
Playwright is not installed (the conftest decides whether to skip).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from playwright.sync_api import Browser, Page, Playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "tests" / "browser" / "artifacts"

CHROMIUM = os.environ.get("FLUX_CHROMIUM", "/usr/bin/chromium")  # Debian's; override if need be
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}

# Settings written into the server's (temporary) user-settings directory.
# Both JupyterLab 4 and Notebook 7 read them.
USER_SETTINGS = {
    # no "Would you like to receive official Jupyter news?" toast, no update check,
    # no toasts at all over the page (they would cover widgets in screenshots)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        # every cell (and so every widget view) attached to the DOM, on screen or not
        "windowingMode": "none",
        # a notebook without kernelspec starts the default kernel: no "Select Kernel" dialog
        "autoStartDefaultKernel": True,
    },
    # Notebook 7: no scroll box around long outputs (a widget panel stays whole)
    "@jupyter-notebook/notebook-extension/scroll-output.jupyterlab-settings": {
        "autoScrollOutputs": False},
    # no "are you sure?" dialog when a test restarts a kernel
    "@jupyterlab/apputils-extension/sessionDialogs.jupyterlab-settings": {
        "skipKernelRestartDialog": True},
    # no extension-manager disclaimer
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"disclaimed": True},
}


class ServerURL(str):
    """The base URL of a running server, with its token as query: ``http://host:port/?token=t``.

    It is a ``str``; the parts are attributes: ``origin`` (``http://host:port``),
    ``token``, ``app`` (``"lab"`` or ``"notebook"``), ``root_dir``, ``log_path``, ``pid``.
    """

    origin: str
    token: str
    app: str
    root_dir: Path
    log_path: Path
    pid: int

    def url(self, path: str = "", **query: str) -> str:
        """``origin/path?token=...`` (plus any other query parameters)."""
        params = urllib.parse.urlencode({"token": self.token, **query})
        return f"{self.origin}/{path.lstrip('/')}?{params}"

    def log(self, tail: int = 4000) -> str:
        """The last ``tail`` characters of the server's own output."""
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""


def _split_base_url(base_url: str) -> tuple[str, str]:
    """(origin, token) from a ServerURL or any ``http://host:port/...?token=...`` string."""
    if isinstance(base_url, ServerURL):
        return base_url.origin, base_url.token
    parts = urllib.parse.urlsplit(base_url)
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    return f"{parts.scheme}://{parts.netloc}", token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux /proc; empty elsewhere)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    try:  # a zombie is as good as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop the server's process group and everything it started (kernels have own sessions)."""
    descendants = _children(process.pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)  # the server (a session leader) and its group
        for pid in descendants:           # kernels: the server's own shutdown normally ends them
            if sig == signal.SIGKILL:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
        deadline = time.monotonic() + (grace if sig == signal.SIGTERM else 5)
        while time.monotonic() < deadline:
            if process.poll() is not None and not any(_alive(p) for p in descendants):
                return
            time.sleep(0.1)
    process.wait(timeout=5)


def _write_user_settings(settings_dir: Path) -> None:
    for relpath, values in USER_SETTINGS.items():
        target = settings_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2))


@contextlib.contextmanager
def jupyter_server(app: str = "lab", root_dir: str | os.PathLike = ".", *,
                   timeout: float = 60.0, extra_args: tuple[str, ...] = (),
                   server_config: str = "") -> Iterator[ServerURL]:
    """Start ``jupyter lab`` or ``jupyter notebook`` on ``root_dir``; yield its :class:`ServerURL`.

    Runs ``sys.executable -m jupyter <app>`` on 127.0.0.1 with a free port, a random
    token and isolated, temporary Jupyter directories, waits until ``/api/status``
    answers, and stops the server (process group and kernels) on exit.
    ``extra_args`` go on the command line; ``server_config`` (Python text) becomes
    the server's ``jupyter_server_config.py`` in its temporary config directory.
    """
    if app not in ("lab", "notebook"):
        raise ValueError(f"app must be 'lab' or 'notebook', not {app!r}")
    root = Path(root_dir).resolve()
    home = Path(tempfile.mkdtemp(prefix=f"flux-jupyter-{app}-"))
    dirs = {name: home / name for name in ("config", "data", "runtime", "settings", "workspaces")}
    for path in dirs.values():
        path.mkdir()
    _write_user_settings(dirs["settings"])
    if server_config:
        (dirs["config"] / "jupyter_server_config.py").write_text(server_config)
    token = secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_NO_CONFIG", None)  # the config above must be read
    common = [
        "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
        # the token (ServerApp.token is deprecated in jupyter_server 2 and says so in the log)
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        # JupyterLab (also loaded as an extension of Notebook 7): no news, no update check
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        # the default ("pypi") extension manager asks pypi.org for extensions: a 500 offline
        "--LabApp.extension_manager=readonly",
        # window.jupyterapp: lets the harness ask the app itself whether the kernel is ready
        "--LabApp.expose_app_in_browser=True",
    ]
    if app == "notebook":
        common += [
            f"--JupyterNotebookApp.user_settings_dir={dirs['settings']}",
            f"--JupyterNotebookApp.workspaces_dir={dirs['workspaces']}",
            "--JupyterNotebookApp.expose_app_in_browser=True",
        ]
    log_path = home / "server.log"
    process = None
    try:
        for attempt in range(3):  # a free port may be taken before the server binds it
            port = free_port()
            args = [sys.executable, "-m", "jupyter", app, f"--ServerApp.port={port}",
                    *common, *extra_args]
            with open(log_path, "wb") as log:
                process = subprocess.Popen(args, cwd=root, env=env, stdin=subprocess.DEVNULL,
                                           stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)
            base = ServerURL(f"http://127.0.0.1:{port}/?token={token}")
            base.origin, base.token, base.app = f"http://127.0.0.1:{port}", token, app
            base.root_dir, base.log_path, base.pid = root, log_path, process.pid
            if _wait_for_status(process, base, timeout):
                break
            _stop(process)
            if "already in use" not in base.log() or attempt == 2:
                raise RuntimeError(
                    f"jupyter {app} exited with {process.returncode}:\n{base.log()}")
        yield base
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(home, ignore_errors=True)


def server_alive(base_url: ServerURL) -> bool:
    """Whether the server behind ``base_url`` (from :func:`jupyter_server`) still runs."""
    return _alive(base_url.pid)


def _api(base_url: str, path: str, method: str = "GET"):
    origin, token = _split_base_url(base_url)
    request = urllib.request.Request(f"{origin}/api/{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def shutdown_sessions(base_url: str, under: str = "") -> int:
    """Shut down the kernel sessions of notebooks in folder ``under`` (relative to the
    server's root; all of them for ``""``) through the REST API. Returns how many."""
    prefix = under.strip("/") + "/" if under.strip("/") else ""
    stopped = 0
    for session in _api(base_url, "sessions"):
        if session.get("path", "").startswith(prefix):
            with contextlib.suppress(urllib.error.HTTPError):  # gone meanwhile
                _api(base_url, f"sessions/{session['id']}", method="DELETE")
                stopped += 1
    return stopped


def _wait_for_status(process: subprocess.Popen, base: ServerURL, timeout: float) -> bool:
    """True once ``/api/status`` answers; False if the server exited; raise on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base.url("api/status"), timeout=2) as response:
                json.load(response)
            return True
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter {base.app} did not answer /api/status in "
                                   f"{timeout:.0f} s:\n{base.log()}") from None
            time.sleep(0.2)


# --------------------------------------------------------------------------- browser

def launch_chromium(playwright: "Playwright", executable: str = CHROMIUM) -> "Browser":
    """Debian's Chromium, headless, no network side channels."""
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS)


def watch_console(page: "Page") -> list[str]:
    """Record console messages and page errors in ``page.flux_console`` (and return the list).

    Entries look like ``"error: ..."``, ``"warning: ..."`` or ``"pageerror: <stack>"``.
    """
    messages: list[str] = []
    page.flux_console = messages
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error.stack or error}"))
    return messages


@contextlib.contextmanager
def chromium_page(playwright_or_browser, viewport: dict | None = None) -> Iterator["Page"]:
    """A fresh page (in its own browser context) that records its console.

    Pass a Playwright instance (a browser is launched and closed around the page)
    or an already launched Browser (only the page's context is closed).
    """
    own_browser = None
    browser = playwright_or_browser
    if hasattr(playwright_or_browser, "chromium"):
        own_browser = browser = launch_chromium(playwright_or_browser)
    context = browser.new_context(viewport=viewport or VIEWPORT)
    try:
        page = context.new_page()
        watch_console(page)
        yield page
    finally:
        context.close()
        if own_browser is not None:
            own_browser.close()


# --------------------------------------------------------------------------- notebooks

# The JavaScript side. ``findPanel`` finds the notebook panel by its path through
# window.jupyterapp (JupyterLab 4 and Notebook 7 both have ``shell.widgets('main')``).
_JS_FIND_PANEL = """
const findPanel = (path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const w of app.shell.widgets('main')) {
    if (w && w.context && w.context.path === path && w.content && w.sessionContext) return w;
  }
  return null;
};
"""

# "ready" = the notebook is loaded, its session has a kernel whose websocket is
# connected and which reports idle. Before that, a run is silently dropped:
# CodeCell.execute() clears a cell when the session has no kernel yet.
_JS_KERNEL_READY_FN = _JS_FIND_PANEL + """
const kernelReady = (path) => {
  const panel = findPanel(path);
  if (!panel || !panel.context.isReady) return false;
  const sc = panel.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  return !!(sc.isReady && kernel && kernel.connectionStatus === 'connected'
            && kernel.status === 'idle');
};
"""
_JS_KERNEL_READY = _JS_KERNEL_READY_FN + "(path) => kernelReady(path)"

_JS_RUN_STATE_FN = _JS_FIND_PANEL + """
const runState = (path) => {
  const panel = findPanel(path);
  if (!panel) return null;
  const sc = panel.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const prompts = cells.map(c => {
    const p = c.node.querySelector('.jp-InputPrompt');
    return p ? p.textContent.trim() : '';
  });
  const errors = cells.filter(c => {
    const outputs = c.model.outputs;
    for (let i = 0; i < outputs.length; i++) {
      if (outputs.get(i).type === 'error') return true;
    }
    return false;
  }).length;
  return {
    cells: cells.length,
    counts: cells.map(c => c.model.executionCount),
    running: prompts.filter(p => p.includes('*')).length,
    errors,
    kernel: kernel ? kernel.status : 'none',
    connection: kernel ? kernel.connectionStatus : 'none',
  };
};
"""

# The state of the notebook's cells and kernel, for error messages.
_JS_RUN_STATE = _JS_RUN_STATE_FN + "(path) => runState(path)"

# Done = no cell queued or running ("[*]"), kernel idle, and every code cell has
# an execution count -- or a cell raised (Run All stops at the first error).
_JS_RUN_DONE = _JS_RUN_STATE_FN + """
(path) => {
  const run = runState(path);
  if (!run || run.running > 0 || run.kernel !== 'idle') return false;
  return (run.counts.every(c => c !== null) || run.errors > 0) ? run : false;
}
"""

# Started = the run reached the notebook: a cell is queued or running ("[*]"), has
# an execution count again (run_all_cells clears them first) or raised.
_JS_RUN_STARTED = _JS_RUN_STATE_FN + """
(path) => {
  const run = runState(path);
  return !!run && (run.running > 0 || run.errors > 0 || run.counts.some(c => c !== null));
}
"""

# Ready, or a dialog to accept first ("Select Kernel" in a fresh environment)
_DIALOG_ACCEPT = ".jp-Dialog .jp-mod-accept"
_JS_KERNEL_READY_OR_DIALOG = _JS_KERNEL_READY_FN + f"""
(path) => kernelReady(path) ? 'ready'
  : (document.querySelector({_DIALOG_ACCEPT!r}) ? 'dialog' : false)
"""

_WIDGET_OUTPUT = (".jp-OutputArea-output .jupyter-widgets, "
                  ".jp-OutputArea-output [class*='widget-']")


def notebook_url(base_url: str, notebook_relpath: str, app: str) -> str:
    """The page that shows ``notebook_relpath`` in JupyterLab (``lab``) or Notebook 7."""
    origin, token = _split_base_url(base_url)
    prefix = "lab/tree" if app == "lab" else "notebooks"
    path = urllib.parse.quote(notebook_relpath.replace(os.sep, "/"))
    query = urllib.parse.urlencode({"token": token, "reset": ""}) if app == "lab" else \
        urllib.parse.urlencode({"token": token})
    return f"{origin}/{prefix}/{path}?{query}"


def _wait(page: "Page", script: str, arg, timeout: float, what: str):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        return page.wait_for_function(script, arg=arg, timeout=timeout * 1000,
                                      polling=100).json_value()
    except PlaywrightTimeout:
        state = None
        with contextlib.suppress(Exception):
            state = page.evaluate(_JS_RUN_STATE, arg)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; "
                             f"notebook state: {state}") from None


def accept_dialogs(page: "Page") -> int:
    """Accept every open dialog (e.g. "Select Kernel": Python 3 is the default choice).

    A fresh environment can ask which kernel to start before it starts one.
    Returns how many were accepted.
    """
    accepted = 0
    accept = page.locator(_DIALOG_ACCEPT)
    while (count := accept.count()) and accepted < 10:
        with contextlib.suppress(Exception):  # it may have closed by itself meanwhile
            accept.first.click(timeout=5_000)
            page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length < n",
                                   arg=[_DIALOG_ACCEPT, count], timeout=5_000)
        accepted += 1
    return accepted


def wait_for_kernel_idle(page: "Page", notebook_relpath: str, timeout: float = 60.0) -> None:
    """Until the notebook's kernel is connected and idle (through ``window.jupyterapp``),
    accepting a "Select Kernel" (or any other) dialog that comes up meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        left = max(deadline - time.monotonic(), 1.0)
        found = _wait(page, _JS_KERNEL_READY_OR_DIALOG, notebook_relpath, left,
                      f"the kernel of {notebook_relpath} to be connected and idle")
        if found == "ready":
            return
        accept_dialogs(page)


def restart_kernel(page: "Page", notebook_relpath: str, timeout: float = 60.0) -> None:
    """Restart the notebook's kernel (Kernel -> Restart Kernel, without its dialog) and
    wait until the new kernel is connected and idle."""
    page.evaluate(_JS_FIND_PANEL + """
        async (path) => { await findPanel(path).sessionContext.session.kernel.restart(); }""",
                  notebook_relpath)
    wait_for_kernel_idle(page, notebook_relpath, timeout)


def run_all_cells(page: "Page", notebook_relpath: str, via: str = "command", *,
                  attempts: int = 3, start_timeout: float = 15.0) -> None:
    """Start Run All Cells on the notebook, by the command registry or by the Run menu.

    First the notebook's outputs and execution counts are cleared (the command
    ``notebook:clear-all-cell-outputs``), so that :func:`wait_for_run_all` cannot
    mistake counts saved in the file for a finished run. Then ``via="command"``
    executes ``notebook:run-all-cells`` through ``window.jupyterapp`` (the command
    behind Run -> Run All Cells in both apps); ``via="menu"`` clicks Run -> Run All
    Cells like a user. Returns once the run has started (a cell is queued or has
    run); a start that does not show within ``start_timeout`` seconds (a lost
    click, a dialog in the way) is retried, at most ``attempts`` times in all.
    Wait for the end with :func:`wait_for_run_all`.
    """
    if via not in ("command", "menu"):
        raise ValueError(f"via must be 'command' or 'menu', not {via!r}")
    page.evaluate(_JS_FIND_PANEL + """
        async (path) => {
          const app = window.jupyterapp;
          const panel = findPanel(path);
          app.shell.activateById(panel.id);
          await app.commands.execute('notebook:clear-all-cell-outputs');
        }""", notebook_relpath)
    for attempt in range(1, attempts + 1):
        accept_dialogs(page)
        if via == "command":
            page.evaluate(_JS_FIND_PANEL + """
                (path) => {
                  window.jupyterapp.shell.activateById(findPanel(path).id);
                  // not awaited: the promise ends with the run; the harness waits itself
                  window.jupyterapp.commands.execute('notebook:run-all-cells').catch(
                    error => console.error('notebook:run-all-cells failed', error));
                }""", notebook_relpath)
        else:
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                         has_text="Run All Cells").first.click()
        try:
            _wait(page, _JS_RUN_STARTED, notebook_relpath, start_timeout,
                  f"Run All Cells ({via}) to start on {notebook_relpath}")
            return
        except AssertionError:
            if attempt == attempts:
                raise
            page.keyboard.press("Escape")  # close a menu left open by a lost click


def wait_for_run_all(page: "Page", notebook_relpath: str, timeout: float = 60.0) -> dict:
    """Until every code cell has an execution count (or a cell failed) and the kernel is idle.

    No ``[*]`` prompt may remain. Returns the notebook state (counts, errors, ...).
    """
    return _wait(page, _JS_RUN_DONE, notebook_relpath, timeout,
                 f"all cells of {notebook_relpath} to finish")


def wait_for_text(page: "Page", text: str, timeout: float = 30.0) -> None:
    """Until ``text`` shows on the page (case-insensitive substring, like ``text=...``),
    e.g. a line the notebook prints when it is done ("accuracy 100%")."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.get_by_text(text).first.wait_for(state="attached", timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise AssertionError(f"{text!r} did not show on the page in {timeout:.0f} s") from None


def open_notebook(page: "Page", base_url: str, notebook_relpath: str, app: str,
                  timeout: float = 60.0) -> None:
    """Go to the notebook's page and wait until its kernel is connected and idle."""
    page.goto(notebook_url(base_url, notebook_relpath, app), wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    wait_for_kernel_idle(page, notebook_relpath, timeout)


def open_notebook_and_run_all(page: "Page", base_url: str, notebook_relpath: str,
                              app: str = "lab", *, timeout: float = 60.0,
                              via: str = "command", widgets: bool = True,
                              done_text: str | None = None) -> dict:
    """Open ``notebook_relpath`` in ``app``, run all its cells, wait for them and their widgets.

    Raises AssertionError (with the notebook's state and the tracebacks) as soon as a
    cell raised (Run All stops there), or if a wait times out. With ``done_text``,
    also waits until that text shows. Returns the notebook state after the run
    (execution counts etc.).
    """
    open_notebook(page, base_url, notebook_relpath, app, timeout)
    run_all_cells(page, notebook_relpath, via=via)
    state = wait_for_run_all(page, notebook_relpath, timeout)
    if state["errors"]:
        tracebacks = page.locator(".jp-RenderedText[data-mime-type="
                                  "'application/vnd.jupyter.stderr']").all_inner_texts()
        raise AssertionError(f"{state['errors']} cell(s) of {notebook_relpath} raised: "
                             f"{state}\n" + "\n".join(tracebacks)[-3000:])
    if done_text is not None:
        wait_for_text(page, done_text, timeout=30.0)
    if widgets:
        page.wait_for_selector(_WIDGET_OUTPUT, state="visible", timeout=timeout * 1000)
    return state


# --------------------------------------------------------------------------- checks

WIDGET_ERROR_TEXTS = ("Error displaying widget", "Model not found")


def widget_errors(page: "Page") -> list[str]:
    """What the page shows of broken widgets or failed cells (empty if all is well)."""
    found = []
    for text in WIDGET_ERROR_TEXTS:
        hits = page.get_by_text(text)
        if hits.count():
            found.append(f"{hits.count()} x {text!r}: {hits.first.inner_text()[:300]}")
    stderr = page.locator('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')
    for text in stderr.all_inner_texts():
        if "Traceback" in text:
            found.append(f"stderr output with a Traceback: {text[-1500:]}")
    return found


WIDGET_SOURCES = ("jupyter-widgets", "jupyterlab-manager", "jupyterlab_widgets", "ipywidgets",
                  "bqplot", "bqscales", "cytoscape", "could not create a view",
                  "model not found", "error displaying widget", "widget model")


def console_errors(page: "Page", widgets_only: bool = True) -> list[str]:
    """Page errors and ``console.error`` messages recorded by :func:`watch_console`.

    With ``widgets_only`` just those whose text or stack points at the widget
    libraries (JupyterLab / Notebook 7 have errors of their own, e.g. Notebook 7.6's
    "Cannot read properties of undefined (reading 'schema')" in notebook_core.js).
    """
    errors = [m for m in getattr(page, "flux_console", [])
              if m.startswith(("pageerror:", "error:"))]
    if widgets_only:
        errors = [m for m in errors if any(s in m.lower() for s in WIDGET_SOURCES)]
    return errors


def assert_no_widget_errors(page: "Page", console: bool = True) -> None:
    """Fail if the page shows "Error displaying widget", "Model not found" or a Traceback
    (stderr output) -- and, with ``console``, if a page error or ``console.error`` came
    from the widget libraries (see :func:`console_errors`)."""
    errors = widget_errors(page)
    if console:
        errors += [f"browser console: {m[:1500]}" for m in console_errors(page)]
    assert not errors, "the notebook page shows errors:\n" + "\n".join(errors)


def screenshot(page: "Page", name: str, *, full_page: bool = False, locator=None) -> Path:
    """Save a PNG in tests/browser/artifacts/ (git-ignored) and return its path.

    With ``locator``, just that element -- all of it: JupyterLab and Notebook 7
    scroll the notebook inside the page, so an element taller than the window
    would come out cropped; the window is made tall enough for the time of the
    picture (and then set back).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n!.gitignore\n")
    path = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
    if locator is None:
        page.screenshot(path=str(path), full_page=full_page)
        return path
    viewport = page.viewport_size
    box = locator.bounding_box()
    # room for the app's menus, toolbars and status bar above and below the notebook
    needed = int(box["height"]) + 400 if box else 0
    if viewport and needed > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": needed})
    try:
        locator.scroll_into_view_if_needed()
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                      "requestAnimationFrame(r)))")  # the re-layout is drawn
        locator.screenshot(path=str(path))
    finally:
        if viewport and needed > viewport["height"]:
            page.set_viewport_size(viewport)
    return path


_JS_CANVAS_INK = """
(selector) => [...document.querySelectorAll(selector)].some(canvas => {
  if (!canvas.width || !canvas.height) return false;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
})
"""


def canvas_has_ink(page: "Page", selector: str) -> bool:
    """Whether any 2d canvas matching ``selector`` has a non-transparent pixel (was drawn on)."""
    return page.evaluate(_JS_CANVAS_INK, selector)


# cytoscape.js keeps its instance on the container element: ``el._cyreg.cy``
_JS_CYTOSCAPE_VIEW = """
(selector) => {
  const root = document.querySelector(selector);
  if (!root) return null;
  const el = root._cyreg ? root : [...root.querySelectorAll('*')].find(e => e._cyreg);
  const cy = el && el._cyreg && el._cyreg.cy;
  if (!cy) return null;
  const width = el.clientWidth, height = el.clientHeight;
  const nodes = cy.nodes().map(n => {
    const b = n.renderedBoundingBox();
    return {id: n.id(), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2};
  });
  return {
    width, height, zoom: cy.zoom(), pan: cy.pan(), nodes, edges: cy.edges().length,
    all_nodes_in_view: nodes.length > 0 && nodes.every(
      b => b.x1 >= -0.5 && b.y1 >= -0.5 && b.x2 <= width + 0.5 && b.y2 <= height + 0.5),
  };
}
"""


def cytoscape_view(page: "Page", selector: str) -> dict | None:
    """The viewport of the cytoscape graph in (or at) ``selector``, from cytoscape.js itself.

    ``{"width", "height", "zoom", "pan", "nodes": [{"id", "x1", "y1", "x2", "y2"}],
    "edges", "all_nodes_in_view"}`` (rendered pixels, relative to the container),
    or None when no cytoscape instance is there (yet).
    """
    return page.evaluate(_JS_CYTOSCAPE_VIEW, selector)


def wait_for_cytoscape_fit(page: "Page", selector: str, timeout: float = 10.0) -> dict:
    """Until every node of the graph in ``selector`` lies inside its container."""
    _wait(page, "(sel) => { const v = (" + _JS_CYTOSCAPE_VIEW.strip() + ")(sel);"
                " return !!(v && v.all_nodes_in_view); }",
          selector, timeout, f"every cytoscape node in {selector} to be in view")
    return cytoscape_view(page, selector)


# --------------------------------------------------------------------------- timing

# args: [button, target, clicks, timeoutMs, change, settleMs, painted]; button and target are
# CSS selectors (looked up again before every click) or elements.
_JS_CLICK_LATENCY = """
async ([buttonRef, targetRef, clicks, timeoutMs, change, settleMs, painted]) => {
  const find = (ref, what) => {
    const el = typeof ref === 'string' ? document.querySelector(ref) : ref;
    if (!el || !el.isConnected) throw new Error(`no ${what} (${ref}) in the page`);
    return el;
  };
  const samples = [];
  for (let i = 0; i < clicks; i++) {
    const button = find(buttonRef, 'button');
    const target = find(targetRef, 'target');
    const before = target.textContent;
    const elapsed = await new Promise((resolve, reject) => {
      let t0 = 0;
      let changed = false;
      const finish = () => resolve(performance.now() - t0);
      const done = () => {
        if (changed) return;
        changed = true;
        observer.disconnect(); clearTimeout(timer);
        if (!painted) return finish();
        // the frame that shows the change: its animation-frame callbacks (a canvas
        // library's redraw among them) run, then the page is painted, then this task
        requestAnimationFrame(() => setTimeout(finish, 0));
      };
      const observer = new MutationObserver(() => {
        if (change === 'any') return done();
        const now = typeof targetRef === 'string' ? document.querySelector(targetRef) : target;
        if (now && now.textContent !== before) done();
      });
      if (change === 'any') {  // any change inside the target (e.g. a chart's SVG)
        observer.observe(target, {subtree: true, childList: true, characterData: true,
                                  attributes: true});
      } else {  // the view may replace the target's children (or the target): watch its parent
        observer.observe(target.parentNode || target,
                         {subtree: true, childList: true, characterData: true});
      }
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`click ${i + 1}: the target did not change in ${timeoutMs} ms`));
      }, timeoutMs);
      t0 = performance.now();
      button.click();
    });
    samples.push(elapsed);
    // let the page settle (other views, e.g. a chart, react to the same click)
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, settleMs)));
  }
  return samples;
}
"""


def percentile(samples, fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with ``fraction`` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_click_latency(page: "Page", button, target, clicks: int = 10, *,
                          timeout_ms: int = 5000, change: str = "text",
                          settle_ms: int = 50, painted: bool = False) -> dict:
    """Click ``button`` ``clicks`` times (``element.click()`` in the page) and time, with
    ``performance.now()`` and a MutationObserver, until ``target`` changes.

    ``button`` and ``target`` are CSS selectors or Playwright Locators (of one element).
    ``change="text"``: until the target's text differs from before the click;
    ``change="any"``: until anything inside the target changes (nodes, text or
    attributes, e.g. a bqplot line's path). ``painted=True``: until the page has
    drawn the frame that shows the change (its animation-frame callbacks, such as a
    canvas library's redraw, and its paint), not just until the DOM changed. After
    each sample the page gets one animation frame plus ``settle_ms`` before the
    next click.

    This is the whole round trip: the click event, the comm message to the kernel,
    the Python callback, the state update back and the view's re-render.
    Returns ``{"samples_ms", "median_ms", "p95_ms", "min_ms", "max_ms", "mean_ms"}``.
    """
    if change not in ("text", "any"):
        raise ValueError(f"change must be 'text' or 'any', not {change!r}")
    handles = [ref if isinstance(ref, str) else ref.element_handle() for ref in (button, target)]
    samples = page.evaluate(_JS_CLICK_LATENCY,
                            [*handles, clicks, timeout_ms, change, settle_ms, painted])
    return {
        "samples_ms": [round(s, 2) for s in samples],
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 0.95),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "mean_ms": statistics.fmean(samples),
    }
