"""Where the lessons are, and copying them into a folder of the learner's
(``python -m flux_widgets lessons FOLDER``).

In a checkout (or an editable install) the lessons are the repository's ``notebooks/``;
in an installed wheel they travel inside the package, as ``flux_widgets/notebooks/``
(pyproject.toml's ``force-include``), so that ``pip install`` of the kit brings them.
They are copied out rather than opened in place: a learner's Run All, saved sessions
and answers belong in a folder of their own, not in site-packages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import FluxError

__all__ = ["LESSON_FILES", "copy_lessons", "lesson_files", "lessons_folder"]

# what a folder of lessons holds: the chapters, the instructor's notebook, the course map
LESSON_FILES = ("*.ipynb", "README.md")
FIRST_LESSON = "01_getting_started.ipynb"


def lessons_folder() -> Path:
    """The folder holding the lessons: the wheel's ``flux_widgets/notebooks``, else the
    checkout's ``notebooks/`` beside the package.

    Raises
    ------
    FluxError
        If neither holds the first lesson (an install that left them out).
    """
    package = Path(__file__).resolve().parent
    for folder in (package / "notebooks", package.parent / "notebooks"):
        if (folder / FIRST_LESSON).is_file():
            return folder
    raise FluxError(
        f"the lessons are not installed beside the kit (no {FIRST_LESSON} in "
        f"{package / 'notebooks'} or {package.parent / 'notebooks'}); get them from "
        "the repository's notebooks/ folder")


def lesson_files(folder: Path | None = None) -> list[Path]:
    """Every file of the lessons (chapters, instructor's notebook, course map), sorted."""
    folder = lessons_folder() if folder is None else folder
    return sorted({path for pattern in LESSON_FILES for path in folder.glob(pattern)
                   if path.is_file()})


def copy_lessons(destination) -> tuple[list[Path], list[Path]]:
    """Copy the lessons into ``destination`` (made if missing); a file already there is
    kept as it is, never overwritten (it may hold a learner's work).

    Returns
    -------
    (copied, kept) : tuple of two lists of Path
        The files written, and the files left alone because they existed.
    """
    destination = Path(destination)
    if destination.exists() and not destination.is_dir():
        raise FluxError(f"{destination} is a file, not a folder: give a folder for the lessons")
    destination.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for source in lesson_files():
        target = destination / source.name
        if target.exists():
            kept.append(target)
        else:
            shutil.copyfile(source, target)
            copied.append(target)
    return copied, kept
