"""Every exercise of every lesson, attacked: copies fail, known mistakes are named, solutions pass.

Each chapter runs top to bottom on a fresh kernel (as a learner's Run All
would), then ``tests/exercise_probe.py`` runs in that kernel and reports on
every exercise the lesson made (see its docstring for what it tries). A copy
that passes, an official solution that fails, a known mistake that is not
named or gives the right answer, or "constant factor" said of a single number
fails this test, with the exercise and the culprit named.
"""

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipywidgets")

from flux_widgets.exercises import chapter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PROBE = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from exercise_probe import probe
print("PROBE" + json.dumps(probe(globals())))
"""


def run_probe(path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
    return json.loads(text[text.index("PROBE") + len("PROBE"):])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_every_exercise_of_the_lesson_holds_against_the_adversary(path):
    report = run_probe(path)
    number = int(path.name[:2])
    made = chapter(number).EXERCISES
    found = report["exercises"]
    problems = []
    if len(found) != len(made) or len(found) < 3:
        problems.append(f"the lesson made {len(found)} exercises; chapter{number:02d}.EXERCISES "
                        f"lists {len(made)} (at least 3 wanted)")
    for exercise in found:
        title = exercise["title"]
        if not (exercise["hint"] and exercise["numbered"] and exercise["mistakes"]):
            problems.append(f"{title}: an exercise needs a number in its title, a hint and at "
                            "least one known mistake")
        if not exercise["solution"]["ok"]:
            problems.append(f"{title}: the official solution fails: {exercise['solution']['message']}")
        for where in exercise["copies"]:
            problems.append(f"{title}: passes with a copy of {where}")
        for mistake in exercise["mistakes"]:
            if not mistake["differs"]:
                problems.append(f"{title}: the known mistake {mistake['message']!r} gives the "
                                "right answer on the exercise's cases")
            if not mistake["named"]:
                problems.append(f"{title}: the known mistake {mistake['message']!r} is not named; "
                                f"the feedback says {mistake['feedback']!r}")
        for message in exercise["constant_factor"]:
            problems.append(f"{title}: a single number told 'constant factor': {message!r}")
    assert not problems, "\n".join(problems)
    assert report["arrays"] > 10   # the probe saw the lesson's values
