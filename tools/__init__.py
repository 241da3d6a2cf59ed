"""Tools for the people who work on the kit, not for learners; run them from the repository root.

``python -m tools.run_notebooks [--save] [notebooks/NN_*.ipynb ...]`` runs lessons on
a fresh kernel, prints the time each takes and, with ``--save``, stores their outputs
(what nbval compares); ``python -m tools.screenshots`` makes the README's pictures;
``tools.browser`` is the JupyterLab / Notebook 7 + headless Chromium harness that the
browser tests (tests/browser/), ``tools.screenshots`` and ``benchmarks.bench_browser``
share. Nothing in ``flux_widgets`` imports this package, and it is not installed with it.
"""
