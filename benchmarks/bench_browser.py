"""Click-to-updated-view latency in the browser, side by side with a bare widget round trip.

Run: ``python benchmarks/bench_browser.py [--clicks 25] [--app lab]``

One notebook, three outputs, measured in the same page and run:

* bare: a plain ``ipywidgets.Button`` whose callback updates one HTML table
  and appends a point to one bqplot line (the floor any widget click pays);
* the FLUX panel on the seed's 4-8-4-1 parity network, one whole iteration per click;
* the FLUX panel on a 2-16-16-1 network (XOR), one whole iteration per click.

A click is timed in the page from ``button.click()`` to the moment the chart's
line changes in the DOM (the panel redraws its chart last, after the
narration, tables and diagram). Median and p95 over the clicks are printed,
with ratios to the bare round trip (targets: median ≤ 1.2×, p95 ≤ 1.5×).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from jupyter_browser import chromium_page, jupyter_server, open_notebook, run_all_cells  # noqa

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
parity.granularity.value = "iteration"
parity""",
    """xor = fw.Panel(dataset="xor", layers="16, 16, 1", hidden="tanh")
xor.granularity.value = "iteration"
xor""",
    "print('benchmark ready')",
]

MEASURE = """async ([outputIndex, buttonText, clicks]) => {
  const output = document.querySelectorAll('.jp-OutputArea-output')[outputIndex];
  const button = [...output.querySelectorAll('button')].find(b => b.innerText.trim() === buttonText);
  const chart = output.querySelector('.bqplot');
  const times = [];
  for (let i = 0; i < clicks; i++) {
    const changed = new Promise(resolve => {
      const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
      observer.observe(chart, {subtree: true, attributes: true, childList: true, characterData: true});
    });
    const start = performance.now();
    button.click();
    times.push((await changed) - start);
    await new Promise(r => setTimeout(r, 150));
  }
  return times;
}"""


def summary(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=25)
    parser.add_argument("--app", choices=["lab", "notebook"], default="lab")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "bench.ipynb")
    with jupyter_server(args.app, folder) as (base, token), sync_playwright() as p, \
            chromium_page(p) as page:
        open_notebook(page, args.app, base, token, "bench.ipynb")
        run_all_cells(page, "benchmark ready")
        page.wait_for_timeout(3000)
        cases = [("bare round trip (HTML table + bqplot line)", 0, "bare step"),
                 ("FLUX panel, 4-8-4-1 parity, one iteration", 1, "Step"),
                 ("FLUX panel, 2-16-16-1 XOR, one iteration", 2, "Step")]
        results = []
        for label, index, text in cases:  # one warm-up click each, then the timed clicks
            page.locator(".jp-OutputArea-output").nth(index).scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            page.evaluate(MEASURE, [index, text, 1])
            results.append((label, summary(page.evaluate(MEASURE, [index, text, args.clicks]))))
    bare_median, bare_p95 = results[0][1]
    print(f"click-to-updated-view in {args.app}, headless Chromium, {args.clicks} clicks each")
    for label, (median, p95) in results:
        print(f"  {label:46s} median {median:6.1f} ms ({median / bare_median:4.2f}x)   "
              f"p95 {p95:6.1f} ms ({p95 / bare_p95:4.2f}x)")
    print("  targets: median ≤ 1.2x and p95 ≤ 1.5x the bare round trip")


if __name__ == "__main__":
    main()
