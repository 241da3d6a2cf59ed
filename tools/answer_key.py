"""Write the answer key of the lessons' exercises, for instructors (never into a lesson).

Run, from the repository root: ``python -m tools.answer_key [--out answer_key.md]
[notebooks/05_*.ipynb ...]`` (default: every lesson, written to ``answer_key.md`` in the
current folder; that file is for the instructor and is not part of the repository).

Each lesson runs top to bottom on a fresh kernel, as a learner would run it; then every
exercise the lesson made (:class:`~flux_widgets.exercises.Exercise`,
:class:`~flux_widgets.exercises.Choice` and :class:`~flux_widgets.exercises.Worksheet` objects
in its namespace) gives its title, its hint
and its solution. The key is made from the exercises themselves, so it is right for the
lessons as they are, and the lessons learners open hold no solution.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MARK = "FLUX-ANSWER-KEY:"
# run in the lesson's kernel after its last cell: every exercise it made, as JSON
_COLLECT = f"""
import json as _json
from flux_widgets.exercises import Choice as _Choice, Exercise as _Exercise, Worksheet as _Sheet
_found = {{}}
for _value in list(globals().values()):
    if isinstance(_value, (_Exercise, _Choice, _Sheet)):
        _found[_value.title] = {{"hint": getattr(_value, "hint", ""),
                                "solution": str(_value.solution())}}
print({MARK!r} + _json.dumps(_found))
"""


def _number(title):
    """``"4. one hidden layer's …"`` → 4 (the order of the lesson), titles without one last."""
    head = title.split(".", 1)[0]
    return int(head) if head.isdigit() else 10 ** 6


def exercises_of(path):
    """``{title: {"hint", "solution"}}`` of every exercise lesson ``path`` makes, in order."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(_COLLECT))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(output.get("text", "") for output in notebook.cells[-1].outputs)
    found = json.loads(printed.split(MARK, 1)[1])
    return dict(sorted(found.items(), key=lambda item: (_number(item[0]), item[0])))


def answer_key(paths):
    """The answer key of the lessons ``paths``, as Markdown."""
    parts = ["# FLUX: answer key of the lessons' exercises\n",
             "For instructors. Made by `python -m tools.answer_key` from the exercises "
             "themselves; do not hand it out with the lessons.\n"]
    for path in paths:
        parts.append(f"\n## {path.stem}\n")
        found = exercises_of(path)
        if not found:
            parts.append("\nNo exercises.\n")
        for title, exercise in found.items():
            parts.append(f"\n### {title}\n\n*Hint:* {exercise['hint']}\n\n"
                         f"```python\n{exercise['solution'].rstrip()}\n```\n")
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="lessons (default: every numbered notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=Path("answer_key.md"),
                        help="the file to write (default: answer_key.md)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted(
        path for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    args.out.write_text(answer_key(paths), encoding="utf-8")
    print(f"wrote {args.out} ({len(paths)} lessons)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
