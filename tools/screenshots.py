"""Make the README's pictures of the panel: JupyterLab 4 in headless Chromium.

Run, from the repository root: ``python -m tools.screenshots`` (needs the ``[test]``
extra and Debian's chromium).

It writes, in docs/images/:

* ``panel_lab.png``: the seed's 4-8-4-1 parity network after 300 iterations,
  stepped one layer at a time into the backward pass of iteration 301 (the
  tables show layer 2's gradients, just written);
* ``panel_present.png``: the same network in presentation mode;
* ``panel_circles.png``: the circles dataset after 400 iterations in mini-batches of
  16, one layer into iteration 401, with the output over the input plane and the
  current batch's points outlined;
* ``panel_predict.png``: predict mode on the parity network after 300 iterations: the
  sign of a dC_dw entry predicted, the step run, the verdict with its derivation;
* ``panel_broken.png``: the dead-ReLU broken network two iterations in: the dead neurons
  drawn as dotted octagons, the Hints line asking why their gradients are 0, answered.

The server, the browser and the notebook run come from tools/browser.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"

from tools.browser import (
    assert_no_widget_errors,
    chromium_page,
    jupyter_server,
    open_notebook_and_run_all,
    wait_for_cytoscape_fit,
)

CELLS = [
    """import flux_widgets as fw
parity = fw.Panel()
parity.train(300)
parity.set_granularity("layer")
for _ in range(5):  # forward through layers 1-3, then backward through layers 3 and 2
    parity.step_at_chosen_size()
parity""",
    """present = fw.Panel()
present.train(300)
present.set_granularity("layer")
for _ in range(4):
    present.step_at_chosen_size()
present.set_presenting(True)
present""",
    """circles = fw.Panel(dataset="circles", layers="8, 1", hidden="tanh", batch_size=16)
circles.train(400)
circles.set_granularity("layer")
circles.step_at_chosen_size()  # takes the next batch and runs layer 1 forward
circles""",
    """from flux_widgets.predict import ask
predict = fw.Panel()
predict.train(300)
predict.set_predicting(True)
while getattr(ask(predict.stepper, "computation", 0), "matrix", None) != "dC_dw_matrix":
    predict.set_predicting(False)  # to the first computation of a dC_dw, unasked
    predict.step("computation")
    predict.set_predicting(True)
predict.step("computation")  # asks
predict.answer("positive")
predict""",
    """broken = fw.Panel()
broken.load_preset("dead_relu")
broken.hints.show_answer()  # the preset's question, answered
broken.step("iteration")
broken.step("iteration")
broken.hints.show_answer()  # the MSE went up: why
broken.step("computation")  # then: why are these gradients exactly 0?
broken.hints.show_answer()
broken""",
    "print('screenshots ready')",
]

# (file, index of the output, the most pixels of its height to show)
SHOTS = [("panel_lab.png", 0, 1450), ("panel_present.png", 1, 900),
         ("panel_circles.png", 2, 1330), ("panel_predict.png", 3, 760),
         ("panel_broken.png", 4, 1120)]


def main():
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="flux-screenshots-"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "screenshots.ipynb")
    IMAGES.mkdir(parents=True, exist_ok=True)
    with jupyter_server("lab", folder) as base_url, sync_playwright() as playwright, \
            chromium_page(playwright, viewport={"width": 1500, "height": 1700}) as page:
        open_notebook_and_run_all(page, base_url, "screenshots.ipynb", "lab", timeout=180,
                                  done_text="screenshots ready")
        for name, index, most in SHOTS:
            output = page.locator(".jp-Notebook .jp-OutputArea-output").nth(index)
            output.scroll_into_view_if_needed()
            output.evaluate("el => el.classList.add('flux-shot')")
            wait_for_cytoscape_fit(page, ".flux-shot", timeout=30)  # the whole network drawn
            output.evaluate("el => el.classList.remove('flux-shot')")
            output.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            box = output.bounding_box()
            page.screenshot(path=str(IMAGES / name), clip={
                "x": box["x"], "y": box["y"], "width": box["width"],
                "height": min(box["height"], most, page.viewport_size["height"] - box["y"])})
            print(f"wrote {IMAGES / name}")
        assert_no_widget_errors(page)


if __name__ == "__main__":
    main()
