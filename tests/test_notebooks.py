"""Every lesson is validated: nbval runs it, it has outputs that nbval compares, and exercises.

pytest's own configuration (pyproject.toml) collects ``notebooks/`` with
``--nbval-lax``: every cell must run without error on a fresh kernel, and the
cells marked ``# NBVAL_CHECK_OUTPUT`` must print what is stored. These tests
make sure a notebook cannot be added without that meaning something.
"""

import json
import re
import sys
from pathlib import Path

import pytest

from flux_widgets.exercises import chapter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = [path for path in NOTEBOOKS if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def cells(path, kind=None):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if kind is None or cell["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


def test_pytest_runs_every_notebook_with_nbval():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]
    assert "notebooks" in options["testpaths"]
    assert "--nbval-lax" in options["addopts"].split()
    pytest.importorskip("nbval")


def test_every_notebook_is_a_numbered_chapter_or_the_instructors():
    assert NOTEBOOKS, "no lessons found"
    for path in NOTEBOOKS:
        assert path in CHAPTERS or path.name == "instructor.ipynb", path.name
    numbers = [int(path.name[:2]) for path in CHAPTERS]
    assert numbers == list(range(1, len(numbers) + 1)), "chapters numbered 01, 02, ... in order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_lesson_has_checked_outputs_and_no_stored_widget_views_or_errors(path):
    code = cells(path, "code")
    checked = [cell for cell in code if source(cell).lstrip().startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked, f"{path.name}: no cell marked # NBVAL_CHECK_OUTPUT, so nbval compares nothing"
    for cell in checked:
        assert cell["outputs"], f"{path.name}: a checked cell has no stored output to compare:\n" \
                                f"{source(cell)[:200]}"
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{path.name}: a stored error output"
            assert WIDGET_VIEW not in output.get("data", {}), \
                f"{path.name}: a stored widget view (run python -m tools.run_notebooks --save)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_a_chapter_opens_with_its_goal_and_ends_with_exercises_that_check_themselves(path):
    markdown = [source(cell) for cell in cells(path, "markdown")]
    assert "What you will be able to do" in markdown[0], path.name
    assert any(re.search(r"^#+ Exercises", text, re.M) for text in markdown), path.name
    module = f"chapter{path.name[:2]}"
    code = "\n".join(source(cell) for cell in cells(path, "code"))
    made = re.findall(rf"^(exercise_\d+) = {module}\.(\w+)\(", code, re.M)
    listed = [factory.__name__ for factory in chapter(int(path.name[:2])).EXERCISES]
    assert [factory for _, factory in made] == listed, \
        f"{path.name} makes {made}; flux_widgets/exercises/{module}.py lists {listed}"
    assert len(made) >= 3, f"{path.name}: {len(made)} exercises, at least 3 wanted"
    for number, (name, _) in enumerate(made, start=1):
        assert name == f"exercise_{number}", f"{path.name}: exercises are numbered in order"
        answer_cells = [source(cell) for cell in cells(path, "code")
                        if f"{name}.check(" in source(cell)]
        assert answer_cells and all("None" in text for text in answer_cells), \
            f"{path.name}: {name} needs an answer cell that starts as None"


def test_the_course_map_lists_every_chapter_once_in_order():
    """Adding a lesson is the notebook plus its line in the course map (notebooks/README.md)."""
    course_map = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) \| ", course_map, flags=re.MULTILINE)
    assert rows == [path.name[:2] for path in CHAPTERS], (
        "every notebooks/NN_*.ipynb needs one row '| NN | chapter | the seed |' in the course "
        "map of notebooks/README.md, in order")


def test_no_checked_cell_sends_more_iopub_messages_than_nbval_keeps():
    """nbval reads a cell's iopub messages only after its reply; ZeroMQ drops what queues up
    beyond its high-water mark. A checked cell that made and closed a second panel (827
    messages) lost its printed line on a busy CI machine; the budget keeps every checked cell
    well below that (tools/run_notebooks.py counts them)."""
    pytest.importorskip("nbclient")
    from tools.run_notebooks import CHECKED_CELL_BUDGET, run

    flooded = {path.name: run(path, save=False)[1] for path in NOTEBOOKS}
    assert not any(flooded.values()), (
        f"checked cells over {CHECKED_CELL_BUDGET} iopub messages (lesson: {{cell: messages}}): "
        f"{ {name: cells for name, cells in flooded.items() if cells} }; "
        "make the widgets in a cell of their own")
