"""The instructor's answer key is made from the exercises themselves (tools/answer_key.py)."""

import pytest

pytest.importorskip("nbclient")

from flux_widgets.exercises import chapter  # noqa: E402
from tools.answer_key import ROOT, answer_key  # noqa: E402


@pytest.mark.parametrize("lesson, number", [("01_getting_started", 1), ("04_forward_pass", 4),
                                            ("05_chain_rule", 5)])
def test_the_key_has_every_exercise_of_a_lesson_with_its_solution(lesson, number):
    key = answer_key([ROOT / "notebooks" / f"{lesson}.ipynb"])
    sections = key.split("\n### ")[1:]
    assert len(sections) == len(chapter(number).EXERCISES)
    for section in sections:
        title, _, rest = section.partition("\n")
        assert title[0].isdigit() and "*Hint:*" in rest and "```python\n" in rest
        solution = rest.split("```python\n", 1)[1].split("\n```", 1)[0]
        assert solution.strip()  # the solution itself, not an empty block
        notebook = (ROOT / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8")
        # a worksheet's solution opens like its answer cell ("answer = {"): its numbers count
        first_line = next(line for line in solution.strip().splitlines()
                          if line.strip() not in ("answer = {", "}"))
        assert first_line not in notebook or first_line.startswith("def "), \
            f"the lesson holds the solution of {title!r}"
