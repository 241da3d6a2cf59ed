"""How fast the panel answers a click in the browser, side by side with a bare widget round trip.

Run, from the repository root::

    python -m benchmarks.bench_browser [--clicks 100] [--runs 2] [--app lab|notebook]
                                       [--rapid] [--nodelay compare|on|off]

One notebook, measured in one page per server (JupyterLab 4 or Notebook 7, headless
Debian Chromium). A case is one action on one widget:

* ``bare``: a plain ``ipywidgets.Button`` whose callback appends a point to a bqplot
  line and rewrites one HTML table: the floor any widget click pays;
* ``iteration``: the panel's **Whole iteration** button, on the seed's 4-8-4-1 parity
  network (13 neurons after the input layer) and on 4-50-47-3 iris (100 neurons; of a
  layer over 10 neurons, 10 are drawn);
* the floor cases, in the same run: the same click on a panel whose diagram is held still
  (``panel.views.remove(panel.diagram)``: what the other views cost) and on a panel that
  tells no view (``panel.views.clear()``: the narration and the buttons only);
* ``step`` and ``step back``: **Step** (one computation) and then **Step back**, a pair;
* ``form``, ``load``, ``present``: **Form network** (the same settings again), **Load**
  (a session saved by the panel) and the **Present** toggle, on a panel of their own.

The clock runs in the page from the button's ``click()`` until the page has painted the
frame that shows the whole answer. The end is marked by the notebook: a small HTML
widget under each panel whose value a handler changes after the panel's own handlers
(ipywidgets calls a button's handlers in the order they were added, so its message is
the last the click sends); the clock stops at the first animation frame after that
change, once the frame's callbacks (cytoscape.js draws in one) and its paint are done.
For ``form``, ``load`` and ``present`` the clock waits one frame more (the diagram is
fitted to a new size or a new network in a ResizeObserver or animation-frame callback,
drawn in the next frame): an upper bound.

Cases are shuffled in every round (one action of each per round, a step and its step
back together), so that the shared machine's ups and downs reach all of them alike;
``--runs`` repeats everything on a fresh server and browser. Every case reports median
and p95 in milliseconds and as a ratio to the bare round trip of the same run. ``--rapid``
clicks again as soon as the answer is painted (no pause: the ≈40 ms pace at which Nagle's
algorithm and delayed ACKs meet). ``--nodelay compare`` runs two servers side by side,
one with jupyter_server's default websocket and one with the kit's opt-in
(``flux_widgets.widgets.nodelay``, what Binder uses), their cases interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import tempfile
from pathlib import Path

import nbformat

from tools.browser import (
    assert_no_widget_errors,
    chromium_page,
    jupyter_server,
    open_notebook_and_run_all,
    percentile,
)

NODELAY_CONFIG = ('c.ServerApp.kernel_websocket_connection_class = '
                  '"flux_widgets.widgets.nodelay.NoDelayKernelWebsocketConnection"\n')

CELLS = [
    """import ipywidgets as widgets, bqplot as bq, flux_widgets as fw
x, y = bq.LinearScale(), bq.LinearScale()
line = bq.Lines(x=[0], y=[0], scales={"x": x, "y": y})
figure = bq.Figure(marks=[line], axes=[bq.Axis(scale=x), bq.Axis(scale=y, orientation="vertical")])
table = widgets.HTML("<table><tr><td>0</td></tr></table>")
button = widgets.Button(description="bare step")
def bare_step(_):
    n = len(line.x)
    with line.hold_sync():
        line.x, line.y = list(line.x) + [n], list(line.y) + [n % 7]
    table.value = f"<table><tr><td>{n}</td></tr></table>"  # the last change: the end mark
button.on_click(bare_step)
table.add_class("bench-done")
button.add_class("bench-bare")
widgets.VBox([button, table, figure])""",
    """def marked(panel, name):
    '''The panel, with a mark under it that changes after each of its actions.'''
    done = widgets.HTML("0")
    done.add_class("bench-done")
    def mark(*_):
        done.value = str(int(done.value) + 1)
    for button in (panel.step_button, panel.undo_button, panel.iteration_button,
                   panel.controls.form, panel.keep.load_button):
        button.on_click(mark)
    panel.present.observe(mark, "value")
    panel.add_class(f"bench-{name}")
    return widgets.VBox([panel, done])""",
    """seed = fw.Panel()
marked(seed, "seed")""",
    """iris = fw.Panel(dataset="iris", layers="50, 47, 3", hidden="tanh")
marked(iris, "iris")""",
    """seed_still = fw.Panel()
seed_still.views.remove(seed_still.diagram)
marked(seed_still, "seed-still")""",
    """iris_still = fw.Panel(dataset="iris", layers="50, 47, 3", hidden="tanh")
iris_still.views.remove(iris_still.diagram)
marked(iris_still, "iris-still")""",
    """seed_none = fw.Panel()
seed_none.views.clear()
marked(seed_none, "seed-none")""",
    """seed_keep = fw.Panel()
seed_keep.keep.filename.value = "seed.npz"
seed_keep.step("iteration")
seed_keep.keep.save()
marked(seed_keep, "seed-keep")""",
    """iris_keep = fw.Panel(dataset="iris", layers="50, 47, 3", hidden="tanh")
iris_keep.keep.filename.value = "iris.npz"
iris_keep.step("iteration")
iris_keep.keep.save()
marked(iris_keep, "iris-keep")""",
    "print('benchmark ready')",
]

# name -> (panel's class, the button's text, frames to wait after the mark)
ACTIONS = {
    "iteration": ("Whole iteration", 1), "step": ("Step", 1), "step back": ("Step back", 1),
    "form": ("Form network", 2), "load": ("Load", 2), "present": ("Present", 2),
}
# (label, panel, actions timed in this order within a round)
CASES = [
    ("bare round trip (HTML table + bqplot line)", "bare", ["bare"]),
    ("13 neurons: Whole iteration", "seed", ["iteration"]),
    ("13 neurons: Whole iteration, diagram held still", "seed-still", ["iteration"]),
    ("13 neurons: Whole iteration, no view told", "seed-none", ["iteration"]),
    ("100 neurons: Whole iteration", "iris", ["iteration"]),
    ("100 neurons: Whole iteration, diagram held still", "iris-still", ["iteration"]),
    ("13 neurons: Step, then Step back", "seed", ["step", "step back"]),
    ("100 neurons: Step, then Step back", "iris", ["step", "step back"]),
    ("13 neurons: Form network", "seed-keep", ["form"]),
    ("13 neurons: Load", "seed-keep", ["load"]),
    ("13 neurons: Present on / off", "seed-keep", ["present"]),
    ("100 neurons: Form network", "iris-keep", ["form"]),
    ("100 neurons: Load", "iris-keep", ["load"]),
    ("100 neurons: Present on / off", "iris-keep", ["present"]),
]

_JS_TIME_ACTION = """
async ([button, mark, frames, timeoutMs]) => {
  const before = mark.textContent;
  return await new Promise((resolve, reject) => {
    let t0 = 0;
    const observer = new MutationObserver(() => {
      if (mark.textContent === before) return;
      observer.disconnect(); clearTimeout(timer);
      // the frame(s) that show the answer: their animation-frame callbacks (cytoscape.js
      // draws in one), then the paint, then this task
      const wait = (left) => requestAnimationFrame(() =>
        left > 1 ? wait(left - 1) : setTimeout(() => resolve(performance.now() - t0), 0));
      wait(frames);
    });
    observer.observe(mark, {subtree: true, childList: true, characterData: true});
    const timer = setTimeout(() => { observer.disconnect();
      reject(new Error('the action was not answered in ' + timeoutMs + ' ms')); }, timeoutMs);
    t0 = performance.now();
    button.click();
  });
}
"""

_JS_SETTLE = "(ms) => new Promise(r => requestAnimationFrame(() => setTimeout(r, ms)))"


def _targets(page, panel):
    """The buttons of ``panel`` (by its bench class) and its end mark, as element handles."""
    if panel == "bare":
        return ({"bare": page.locator("button.bench-bare").first.element_handle()},
                page.locator(".bench-done").first.element_handle())
    root = page.locator(f".bench-{panel}").first
    root.wait_for(timeout=60_000)
    # by the exact label ("Step" is the start of "Step back", "load" inside "Upload")
    buttons = {name: root.locator("button").filter(
        has_text=re.compile(rf"^\s*{text}\s*$")).first.element_handle()
        for name, (text, _) in ACTIONS.items()}
    mark = page.locator(f".bench-{panel} + .bench-done, .bench-{panel} ~ .bench-done").first
    return buttons, mark.element_handle()


def _time(page, buttons, mark, action, timeout_ms=30_000):
    frames = 1 if action == "bare" else ACTIONS[action][1]
    return page.evaluate(_JS_TIME_ACTION, [buttons[action], mark, frames, timeout_ms])


def measure(setups, clicks, settle_ms, seed=0):
    """Time ``clicks`` rounds of every case on every setup, in a shuffled order each round.

    ``setups`` maps a name (``""`` or ``"nodelay"``…) to an open page with the benchmark
    notebook run. Returns ``{(setup, case label, action): [ms, …]}``; a first round is a
    warm-up and not kept."""
    order = [(setup, label, panel, actions) for setup in setups
             for label, panel, actions in CASES]
    handles = {(setup, panel): _targets(page, panel)
               for setup, page in setups.items() for _, panel, _ in CASES}
    samples = {(setup, label, action): [] for setup, label, _, actions in order
               for action in actions}
    shuffle = random.Random(seed)
    for round_ in range(clicks + 1):
        shuffle.shuffle(order)
        for setup, label, panel, actions in order:
            page = setups[setup]
            buttons, mark = handles[(setup, panel)]
            for action in actions:
                try:
                    elapsed = _time(page, buttons, mark, action)
                except Exception as error:
                    raise RuntimeError(f"{label}, {action} ({setup or 'one server'}): "
                                       f"{error}") from None
                if round_:
                    samples[(setup, label, action)].append(elapsed)
                page.evaluate(_JS_SETTLE, settle_ms)
            if actions == ["present"]:  # back to the panel's ordinary look
                _time(page, buttons, mark, "present")
                page.evaluate(_JS_SETTLE, settle_ms)
    return samples


def report(samples, setups, title):
    """Print median and p95 of every case, in ms and as a ratio to the bare round trip."""
    print(title)
    for setup in setups:
        bare = samples[(setup, CASES[0][0], "bare")]
        floor_median, floor_p95 = statistics.median(bare), percentile(bare, 0.95)
        if setup:
            print(f" [{setup}]")
        print(f"  {'case':58s} {'median':>16s} {'p95':>17s}")
        for (where, label, action), times in samples.items():
            if where != setup:
                continue
            name = label if action in ("bare", "iteration", "form", "load") \
                else f"{label.split(':')[0]}: {action.capitalize()}" if action != "present" \
                else label
            median, p95 = statistics.median(times), percentile(times, 0.95)
            print(f"  {name:58s} {median:6.1f} ms {median / floor_median:4.2f}x "
                  f"{p95:7.1f} ms {p95 / floor_p95:4.2f}x")
    print("  targets: Whole iteration median ≤ 1.4x and p95 ≤ 1.7x the bare round trip at "
          "13 neurons, ≤ 1.6x / 1.9x at 100; Form network, Load and Present ≤ 250 ms; "
          "Step back no slower than Step")


@contextlib.contextmanager
def _setup(playwright, app, folder, config):
    with jupyter_server(app, folder, server_config=config) as base_url, \
            chromium_page(playwright, viewport={"width": 1920, "height": 1080}) as page:
        open_notebook_and_run_all(page, base_url, "bench.ipynb", app, timeout=180,
                                  done_text="benchmark ready")
        yield page
        assert_no_widget_errors(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=100, help="timed rounds (100)")
    parser.add_argument("--runs", type=int, default=2, help="runs, each on a fresh server (2)")
    parser.add_argument("--app", choices=["lab", "notebook"], default="lab")
    parser.add_argument("--rapid", action="store_true",
                        help="no pause between actions (150 ms otherwise)")
    parser.add_argument("--nodelay", choices=["off", "on", "compare"], default="off",
                        help="the kernel websocket without Nagle's algorithm: off (jupyter_"
                             "server's default), on (the kit's opt-in, as on Binder), compare")
    args = parser.parse_args()
    if args.clicks < 1 or args.runs < 1:
        parser.error("--clicks and --runs must be at least 1")

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="flux-bench-browser-"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "bench.ipynb")
    configs = {"off": {"": ""}, "on": {"": NODELAY_CONFIG},
               "compare": {"Nagle on (jupyter_server's default)": "",
                           "Nagle off (the kit's opt-in)": NODELAY_CONFIG}}[args.nodelay]
    for run in range(1, args.runs + 1):
        with sync_playwright() as playwright, contextlib.ExitStack() as stack:
            setups = {name: stack.enter_context(_setup(playwright, args.app, folder, config))
                      for name, config in configs.items()}
            samples = measure(setups, args.clicks, 0 if args.rapid else 150, seed=run)
        report(samples, setups,
               f"run {run} of {args.runs}: {args.app}, headless Chromium at 1920x1080, "
               f"{args.clicks} rounds, cases shuffled each round, "
               + ("rapid (no pause)" if args.rapid else "150 ms between actions")
               + (", TCP_NODELAY on the kernel websocket" if args.nodelay == "on" else ""))


if __name__ == "__main__":
    main()
