"""Click-to-updated-view latency in the browser, side by side with a bare widget round trip.

Run, from the repository root: ``python -m benchmarks.bench_browser [--clicks 30]
[--app lab|notebook] [--nodelay] [--dom]``

One notebook, six outputs, measured in the same page and run:

* bare: a plain ``ipywidgets.Button`` whose callback updates one HTML table
  and appends a point to one bqplot line (the floor any widget click pays);
* the FLUX panel's "Whole iteration" button on networks of 10, 13 (the seed's
  4-8-4-1 parity), 33 (2-16-16-1 XOR, with the output map), 50 and 100 neurons
  (counted after the input layer; of a layer over 16 neurons, 16 are drawn).

A click is timed in the page from ``button.click()`` until the page has
painted the frame that shows the first change in the DOM of the output's
chart (``tools.browser.measure_click_latency`` with ``change="any"`` and
``painted=True``): the panel redraws its chart last, after the narration,
tables and diagram, and the diagram's canvas is redrawn in that same frame
(cytoscape.js draws in an animation-frame callback). The cases take turns,
one click each per round, 150 ms between clicks, so that the shared machine's
ups and downs reach all of them alike. Median and p95 over the clicks
are printed, with ratios to the bare round trip (targets: median ≤ 1.2×,
p95 ≤ 1.5×).

The Jupyter server, Chromium and the notebook run come from tools/browser.py
(the browser tests' harness).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import nbformat

from tools.browser import (
    WEBSOCKET_NODELAY_CONFIG,
    assert_no_widget_errors,
    chromium_page,
    jupyter_server,
    measure_click_latency,
    open_notebook_and_run_all,
    percentile,
)

CELLS = [
    """import ipywidgets as widgets, bqplot as bq
x, y = bq.LinearScale(), bq.LinearScale()
line = bq.Lines(x=[0], y=[0], scales={"x": x, "y": y})
figure = bq.Figure(marks=[line], axes=[bq.Axis(scale=x), bq.Axis(scale=y, orientation="vertical")])
table = widgets.HTML("<table><tr><td>0</td></tr></table>")
button = widgets.Button(description="bare step")
def bare_step(_):
    n = len(line.x)
    table.value = f"<table><tr><td>{n}</td></tr></table>"
    with line.hold_sync():
        line.x, line.y = list(line.x) + [n], list(line.y) + [n % 7]
button.on_click(bare_step)
widgets.VBox([button, table, figure])""",
    """import flux_widgets as fw
ten = fw.Panel(layers="6, 3, 1")
ten""",
    """parity = fw.Panel(layers="8, 4, 1")
parity""",
    """xor = fw.Panel(dataset="xor", layers="16, 16, 1", hidden="tanh")
xor""",
    """fifty = fw.Panel(dataset="parity4", layers="25, 24, 1")
fifty""",
    """hundred = fw.Panel(dataset="iris", layers="50, 47, 3", hidden="tanh")
hundred""",
    "print('benchmark ready')",
]

# (label, index of the output, the button's text)
CASES = [("bare round trip (HTML table + bqplot line)", 0, "bare step"),
         ("10 neurons: 4-6-3-1 parity", 1, "Whole iteration"),
         ("13 neurons: 4-8-4-1 parity (the seed's)", 2, "Whole iteration"),
         ("33 neurons: 2-16-16-1 XOR + output map", 3, "Whole iteration"),
         ("50 neurons: 4-25-24-1 parity", 4, "Whole iteration"),
         ("100 neurons: 4-50-47-3 iris", 5, "Whole iteration")]


def measure(page, cases, clicks, painted=True):
    """Time ``clicks`` clicks of every case, taking the cases in turn (one click of each,
    then the next round), so that the machine's drift reaches every case alike.

    ``cases`` holds ``(index of the output, the button's text)``; ``painted=False``
    stops the clock at the chart's DOM change instead of the painted frame. Returns one
    ``{"samples_ms", "median_ms", "p95_ms"}`` per case, after one warm-up click each.
    """
    targets = []
    for index, button_text in cases:
        output = page.locator(".jp-Notebook .jp-OutputArea-output").nth(index)
        button = output.locator("button", has_text=button_text).first
        chart = output.locator(".bqplot").first
        button.wait_for(timeout=30_000)
        chart.wait_for(timeout=30_000)
        targets.append((output, button, chart))
    options = dict(clicks=1, change="any", settle_ms=150, timeout_ms=30_000, painted=painted)
    samples = [[] for _ in cases]
    for round_ in range(clicks + 1):
        for (output, button, chart), times in zip(targets, samples):
            output.scroll_into_view_if_needed()
            result = measure_click_latency(page, button, chart, **options)
            if round_:  # round 0 is the warm-up
                times.extend(result["samples_ms"])
    return [{"samples_ms": times, "median_ms": statistics.median(times),
             "p95_ms": percentile(times, 0.95)} for times in samples]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30, help="timed clicks per case (30)")
    parser.add_argument("--app", choices=["lab", "notebook"], default="lab")
    parser.add_argument("--nodelay", action="store_true",
                        help="TCP_NODELAY on the kernel websocket (tools.browser."
                             "WEBSOCKET_NODELAY_CONFIG; not what users get)")
    parser.add_argument("--dom", action="store_true",
                        help="stop the clock when the chart's DOM changes, before the page "
                             "has drawn it (the measure of the earlier figures)")
    args = parser.parse_args()
    if args.clicks < 1:
        parser.error("--clicks must be at least 1")

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="flux-bench-browser-"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "bench.ipynb")
    config = WEBSOCKET_NODELAY_CONFIG if args.nodelay else ""
    with jupyter_server(args.app, folder, server_config=config) as base_url, \
            sync_playwright() as playwright, chromium_page(playwright) as page:
        open_notebook_and_run_all(page, base_url, "bench.ipynb", args.app, timeout=120,
                                  done_text="benchmark ready")
        measured = measure(page, [(index, text) for _, index, text in CASES], args.clicks,
                           painted=not args.dom)
        results = [(label, r) for (label, _, _), r in zip(CASES, measured)]
        assert_no_widget_errors(page)

    bare = results[0][1]
    print(f"click-to-updated-view in {args.app}, headless Chromium, {args.clicks} clicks each"
          + (", until the DOM changed" if args.dom else ", until the change is painted")
          + (", TCP_NODELAY on the websocket" if args.nodelay else ""))
    for label, r in results:
        print(f"  {label:46s} median {r['median_ms']:6.1f} ms "
              f"({r['median_ms'] / bare['median_ms']:4.2f}x)   "
              f"p95 {r['p95_ms']:6.1f} ms ({r['p95_ms'] / bare['p95_ms']:4.2f}x)")
    print("  targets: median ≤ 1.2x and p95 ≤ 1.5x the bare round trip")


if __name__ == "__main__":
    main()
