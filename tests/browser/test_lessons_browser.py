"""Every lesson as a new user meets it: opened in JupyterLab, run from the top, no widget error.

For each notebook in notebooks/: a copy in a fresh folder of the session's
JupyterLab server, Run -> Run All Cells, every cell must finish without an
error and no widget may fail to display. A screenshot of the lesson's first
screen (after the run, scrolled to the top) goes to tests/browser/artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.browser import assert_no_widget_errors, open_notebook_and_run_all, screenshot

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("app", ["lab"])
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_a_lesson_runs_in_jupyterlab_without_widget_errors(app, lesson, jupyter, page):
    notebook = jupyter.add(lesson)
    state = open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120,
                                      widgets=False)
    assert not state["errors"]
    assert page.locator("text=Error displaying widget").count() == 0
    assert_no_widget_errors(page)
    page.locator(".jp-Cell").first.scroll_into_view_if_needed()
    screenshot(page, f"lesson_{lesson.stem}")
