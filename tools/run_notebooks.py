"""Run every lesson on a fresh kernel and print the time each takes (``--save``: store outputs).

Run, from the repository root: ``python -m tools.run_notebooks [--save] [notebooks/05_*.ipynb ...]``

Each notebook runs top to bottom in its own fresh ``python3`` kernel, in the
``notebooks/`` folder, the way nbval runs it in the tests. The time per
notebook and the total are printed (target: the whole suite in under 60 s).

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
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def without_widget_views(notebook):
    """Drop every output that is a widget view (and the notebook's widget state)."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs
                            if WIDGET_VIEW not in output.get("data", {})]
    notebook.metadata.pop("widgets", None)
    return notebook


def run(path, save):
    """Execute ``path`` on a fresh kernel; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - started
    if save:
        nbformat.write(without_widget_views(notebook), path)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebooks/*.ipynb)")
    parser.add_argument("--save", action="store_true", help="write the outputs back")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = run(path, args.save)
        total += seconds
        print(f"{seconds:6.1f} s  {path.name}", flush=True)
    print(f"{total:6.1f} s  all {len(paths)} notebooks (target: under 60 s)")
    return 0 if total < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
