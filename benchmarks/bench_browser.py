"""Click-to-updated-view latency in the browser, side by side with a bare widget round trip.

Run: ``python benchmarks/bench_browser.py [--clicks 30] [--app lab|notebook] [--nodelay]``

One notebook, three outputs, measured in the same page and run:

* bare: a plain ``ipywidgets.Button`` whose callback updates one HTML table
  and appends a point to one bqplot line (the floor any widget click pays);
* the FLUX panel on the seed's 4-8-4-1 parity network, its "Whole iteration" button;
* the FLUX panel on a 2-16-16-1 network (XOR), its "Whole iteration" button.

A click is timed in the page from ``button.click()`` to the first change in
the DOM of the output's chart (``harness.measure_click_latency`` with
``change="any"``; the panel redraws its chart last, after the narration,
tables and diagram), with 150 ms between clicks. Median and p95 over the clicks
are printed, with ratios to the bare round trip (targets: median ≤ 1.2×,
p95 ≤ 1.5×).

The Jupyter server, Chromium and the notebook run come from
tests/browser/harness.py (the browser tests' harness).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import (  # noqa: E402
    WEBSOCKET_NODELAY_CONFIG,
    assert_no_widget_errors,
    chromium_page,
    jupyter_server,
    measure_click_latency,
    open_notebook_and_run_all,
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
parity = fw.Panel(layers="8, 4, 1")
parity""",
    """xor = fw.Panel(dataset="xor", layers="16, 16, 1", hidden="tanh")
xor""",
    """iris = fw.Panel(dataset="iris", layers="50, 50, 3", hidden="tanh")
iris""",
    "print('benchmark ready')",
]

# (label, index of the output, the button's text)
CASES = [("bare round trip (HTML table + bqplot line)", 0, "bare step"),
         ("FLUX panel, 4-8-4-1 parity, whole iteration", 1, "Whole iteration"),
         ("FLUX panel, 2-16-16-1 XOR, whole iteration", 2, "Whole iteration"),
         ("FLUX panel, 4-50-50-3 iris (103 neurons)", 3, "Whole iteration")]


def measure(page, index, button_text, clicks):
    """One warm-up click, then ``clicks`` timed ones: {"median_ms", "p95_ms", ...}."""
    output = page.locator(".jp-Notebook .jp-OutputArea-output").nth(index)
    button = output.locator("button", has_text=button_text).first
    chart = output.locator(".bqplot").first
    button.wait_for(timeout=30_000)
    chart.wait_for(timeout=30_000)
    output.scroll_into_view_if_needed()
    options = dict(change="any", settle_ms=150, timeout_ms=30_000)
    measure_click_latency(page, button, chart, clicks=1, **options)
    return measure_click_latency(page, button, chart, clicks=clicks, **options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30, help="timed clicks per case (30)")
    parser.add_argument("--app", choices=["lab", "notebook"], default="lab")
    parser.add_argument("--nodelay", action="store_true",
                        help="TCP_NODELAY on the kernel websocket (harness."
                             "WEBSOCKET_NODELAY_CONFIG; not what users get)")
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
        results = [(label, measure(page, index, text, args.clicks))
                   for label, index, text in CASES]
        assert_no_widget_errors(page)

    bare = results[0][1]
    print(f"click-to-updated-view in {args.app}, headless Chromium, {args.clicks} clicks each"
          + (", TCP_NODELAY on the websocket" if args.nodelay else ""))
    for label, r in results:
        print(f"  {label:46s} median {r['median_ms']:6.1f} ms "
              f"({r['median_ms'] / bare['median_ms']:4.2f}x)   "
              f"p95 {r['p95_ms']:6.1f} ms ({r['p95_ms'] / bare['p95_ms']:4.2f}x)")
    print("  targets: median ≤ 1.2x and p95 ≤ 1.5x the bare round trip")


if __name__ == "__main__":
    main()
