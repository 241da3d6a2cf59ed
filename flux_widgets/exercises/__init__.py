"""The lessons' exercises: the machinery (:mod:`.checking`) and one module per chapter.

``chapterNN`` holds chapter NN's exercises as functions that make them, in
order, listed in its ``EXERCISES``; a lesson calls them with the inputs it
shows the learner::

    from flux_widgets.exercises import chapter05
    exercise_1 = chapter05.first_factor(ex_net)
    exercise_1.check(answer)

The references, the known mistakes and the hidden cases live here, not in
the notebook, so that nothing the notebook holds passes an exercise by being
copied (``tests/test_exercises_adversary.py`` checks that for every lesson).
"""

import importlib

from .checking import Blank, Choice, Exercise, Feedback, Mistake, SolutionText, Worksheet, compare

__all__ = ["Blank", "Choice", "Exercise", "Feedback", "Mistake", "SolutionText", "Worksheet",
           "compare", "chapter"]


def chapter(number):
    """The module of chapter ``number``'s exercises (``chapter(5)`` is ``chapter05``)."""
    return importlib.import_module(f"{__name__}.chapter{int(number):02d}")
