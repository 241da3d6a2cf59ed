"""Run every lesson on a fresh kernel and print the time each takes (``--save``: store outputs).

Run, from the repository root: ``python -m tools.run_notebooks [--save] [notebooks/05_*.ipynb ...]``

Each notebook runs top to bottom in its own fresh ``python3`` kernel, in the
``notebooks/`` folder, the way nbval runs it in the tests. The time per
notebook and the total are printed (target: the whole suite in under 60 s).

It also counts the kernel's iopub messages of each cell marked
``# NBVAL_CHECK_OUTPUT``. nbval reads iopub only after a cell's reply, so while
the cell runs its messages queue up in ZeroMQ, whose high-water mark (1000
messages per queue, in practice often fewer) drops what comes over it: a
checked cell that makes and closes whole panels (~400 comm messages each) can
lose its own printed line, and fail on a busy machine only. The budget is
``CHECKED_CELL_BUDGET`` messages; make widgets in a cell of their own.

With ``--save`` the outputs are written back into the notebooks, so that nbval
has something to compare in the cells marked ``# NBVAL_CHECK_OUTPUT``. Widget
views are left out of the saved outputs: their models live only in the kernel
that made them, so a stored view would show "model not found" to a learner
who opens the lesson before running it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHECKED_CELL_BUDGET = 600   # iopub messages of a checked cell (a panel is made in ~410)


class CountingClient(NotebookClient):
    """A NotebookClient that counts each cell's iopub messages: ``messages[cell index]``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = Counter()

    def process_message(self, msg, cell, cell_index):
        self.messages[cell_index] += 1
        return super().process_message(msg, cell, cell_index)


def is_checked(cell):
    """Whether nbval (``--nbval-lax``) compares this cell's outputs."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")


def without_widget_views(notebook):
    """Drop every output that is a widget view (and the notebook's widget state)."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs
                            if WIDGET_VIEW not in output.get("data", {})]
    notebook.metadata.pop("widgets", None)
    return notebook


def run(path, save):
    """Execute ``path`` on a fresh kernel.

    Returns ``(seconds, flooded)``: the time it took, and ``{cell number: iopub
    messages}`` of the checked cells over ``CHECKED_CELL_BUDGET`` (code cells
    numbered from 0, as nbval does).
    """
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = CountingClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    seconds = time.perf_counter() - started
    code = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    flooded = {number: client.messages[index] for number, index in enumerate(code)
               if is_checked(notebook.cells[index])
               and client.messages[index] > CHECKED_CELL_BUDGET}
    if save:
        nbformat.write(without_widget_views(notebook), path)
    return seconds, flooded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb)")
    parser.add_argument("--save", action="store_true", help="write the outputs back")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total = 0.0
    flooding = False
    for path in paths:
        seconds, flooded = run(path, args.save)
        total += seconds
        print(f"{seconds:6.1f} s  {path.name}", flush=True)
        for number, count in flooded.items():
            flooding = True
            print(f"        checked cell {number} sends {count} iopub messages "
                  f"(budget {CHECKED_CELL_BUDGET}): make its widgets in a cell of their own")
    print(f"{total:6.1f} s  all {len(paths)} notebooks (target: under 60 s)")
    return 0 if total < 60 and not flooding else 1


if __name__ == "__main__":
    sys.exit(main())
