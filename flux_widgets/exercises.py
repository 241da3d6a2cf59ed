"""Exercises that check themselves: specific feedback, never just "wrong".

A lesson defines an :class:`Exercise` with the expected answer (a number, a
matrix, or a function's results), a hint and a solution; the learner writes a
value or a small function and calls :meth:`Exercise.check` (or
:meth:`Exercise.check_function`). The feedback names what is off: no answer
yet, not a number, the wrong shape (and whether it is the transpose), entries
that are nan or inf, a flipped sign or a constant factor, and otherwise which
entries differ and by how much. The solution stays hidden until
:meth:`Exercise.solution` is called.

Numbers only: nothing a learner types is evaluated as code here.
"""

from __future__ import annotations

import html
import numbers

import numpy as np

from .errors import ConfigurationError

__all__ = ["Feedback", "compare", "Exercise", "SolutionText"]

MAX_LISTED = 5  # entries listed when many are off
MAX_SHOWN_ARGUMENTS = 3  # arguments of a case named in the feedback


class Feedback:
    """The result of a check: ``ok`` (also its truth value) and a ``message`` to read.

    Shown as a coloured line in a notebook (``_repr_html_``), as text elsewhere.
    """

    def __init__(self, ok, message):
        self.ok, self.message = bool(ok), message

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("✓ " if self.ok else "✗ ") + self.message

    def _repr_html_(self):
        colour, mark = ("#2f855a", "✓") if self.ok else ("#c05621", "✗")
        text = html.escape(self.message).replace("\n", "<br>")
        return f"<div style='color:{colour}; font-family:monospace'>{mark} {text}</div>"


def _shape_text(shape):
    return "a single number" if shape == () else " x ".join(map(str, shape))


def _as_numbers(answer, name):
    """``answer`` as a float array, or a Feedback saying why it is not numbers."""
    if answer is None:
        return None, Feedback(False, f"{name}: no answer yet (replace None with yours)")
    if isinstance(answer, (str, bytes)):
        return None, Feedback(False, f"{name} should be numbers, not the text {answer!r}")
    try:
        array = np.asarray(answer)
    except (ValueError, TypeError) as error:  # e.g. ragged lists
        return None, Feedback(False, f"{name} is not a table of numbers: {error}")
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.floating)):
        return None, Feedback(False, f"{name} should hold real numbers, but its entries are "
                                     f"{array.dtype} (e.g. {array.flat[0]!r})"
                              if array.size else f"{name} is empty")
    return array.astype(np.float64), None


def _where(index):
    return "" if index == () else "[" + ", ".join(map(str, index)) + "]"


def compare(answer, expected, *, name="your answer", rtol=1e-6, atol=1e-9, hint=None):
    """Check ``answer`` against ``expected`` (numbers, same shape) and say what is off.

    Equal means ``|answer - expected| <= atol + rtol * |expected|`` for every
    entry. Returns a :class:`Feedback`; ``hint`` is added when it is wrong.
    ConfigurationError (the lesson's mistake, not the learner's) if ``expected``
    is not finite numbers: against inf or nan any answer would be right or wrong.
    """
    expected = _expected_numbers(expected)
    array, refusal = _as_numbers(answer, name)
    feedback = refusal if refusal is not None else \
        _compare_numbers(array, expected, name, rtol, atol)
    if not feedback and hint and answer is not None:
        feedback.message += f"\nHint: {hint}"
    return feedback


def _expected_numbers(expected):
    try:
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigurationError(f"an exercise's expected answer must be numbers, got "
                                 f"{type(expected).__name__}") from None
    if not np.isfinite(expected).all():
        raise ConfigurationError("an exercise's expected answer must be finite numbers; it "
                                 "holds inf or nan")
    return expected


def _close(a, b, rtol, atol):
    return np.abs(a - b) <= atol + rtol * np.abs(b)


def _compare_numbers(array, expected, name, rtol, atol):
    if array.shape != expected.shape:
        if array.size == 1 and expected.size == 1:
            array = array.reshape(expected.shape)
        else:
            message = (f"{name} has the wrong shape: {_shape_text(array.shape)}, expected "
                       f"{_shape_text(expected.shape)}")
            if array.ndim == 2 and array.T.shape == expected.shape \
                    and _close(array.T, expected, rtol, atol).all():
                message += " (it is the transpose of the right answer)"
            return Feedback(False, message)
    bad = ~np.isfinite(array)
    if bad.any():
        where = ", ".join(_where(tuple(map(int, i))) or "it" for i in np.argwhere(bad)[:MAX_LISTED])
        return Feedback(False, f"{name} holds nan or inf at {where}")
    close = _close(array, expected, rtol, atol)
    if close.all():
        return Feedback(True, f"{name} is right")
    if _close(-array, expected, rtol, atol).all():
        return Feedback(False, f"{name} has the right size but the wrong sign everywhere")
    nonzero = np.abs(expected) > atol
    if nonzero.any():
        ratio = array[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio[0], rtol=1e-6) and _close(array, ratio[0] * expected,
                                                               rtol, atol).all():
            return Feedback(False, f"{name} is the right answer times {ratio[0]:.6g}: a "
                                   "constant factor is missing or extra")
    off = np.argwhere(~close)
    lines = [f"{len(off)} of {array.size} entries are off" if array.size > 1
             else f"{name} is off"]
    for index in map(tuple, off[:MAX_LISTED]):
        lines.append(f"  {name}{_where(index)} = {array[index]:.6g}, expected "
                     f"{expected[index]:.6g} (off by {array[index] - expected[index]:+.3g})")
    if len(off) > MAX_LISTED:
        lines.append(f"  … and {len(off) - MAX_LISTED} more")
    return Feedback(False, "\n".join(lines))


class Exercise:
    """One exercise: a title, the expected answer, a hint and a hidden solution.

    Parameters
    ----------
    title : str
    expected : number, array-like, or callable
        The right answer; a callable is called with the arguments of each case
        by :meth:`check_function`.
    hint : str
        Shown with a wrong answer.
    solution : str
        Shown only by :meth:`solution`.
    rtol, atol : float
        Tolerances of :func:`compare`.
    """

    def __init__(self, title, expected, *, hint, solution, rtol=1e-6, atol=1e-9):
        if not callable(expected):
            _expected_numbers(expected)  # the lesson's mistake shows when it is written
        self.title, self.expected, self.hint = title, expected, hint
        self._solution, self.rtol, self.atol = solution, rtol, atol

    def check(self, answer):
        """Compare a value with the expected one; returns the :class:`Feedback`."""
        return compare(answer, self.expected, name=self.title, rtol=self.rtol, atol=self.atol,
                       hint=self.hint)

    def check_function(self, function, cases):
        """Call ``function(*case)`` for every case and compare with ``expected(*case)``.

        A function that raises gets the error's type and message, with the case.
        ``cases`` is a non-empty list of argument tuples; ConfigurationError (the
        lesson's mistake) if it is not, or if ``expected`` itself raises.
        """
        if not (isinstance(cases, (list, tuple)) and cases
                and all(isinstance(case, tuple) for case in cases)):
            raise ConfigurationError(f"{self.title}: cases must be a non-empty list of "
                                     f"argument tuples such as [(0.5,), (2.0,)], got {cases!r:.80}")
        if function is None:
            return Feedback(False, f"{self.title}: no answer yet (replace None with your "
                                   "function)")
        if not callable(function):
            return Feedback(False, f"{self.title}: expected a function, got "
                                   f"{type(function).__name__}")
        for case in cases:
            shown = ", ".join(_brief(value) for value in case[:MAX_SHOWN_ARGUMENTS])
            shown += ", …" if len(case) > MAX_SHOWN_ARGUMENTS else ""
            try:
                answer = function(*case)
            except Exception as error:  # the learner's code: report it, never crash the lesson
                return Feedback(False, f"{self.title}: your function raised "
                                       f"{type(error).__name__}: {error} (for {shown})")
            try:
                expected = self.expected(*case)
            except Exception as error:
                raise ConfigurationError(f"{self.title}: the exercise's expected function "
                                         f"raised {type(error).__name__}: {error} (for "
                                         f"{shown})") from error
            feedback = compare(answer, expected,
                               name=f"{self.title} (for {shown})", rtol=self.rtol,
                               atol=self.atol, hint=self.hint)
            if not feedback:
                return feedback
        return Feedback(True, f"{self.title}: right for all {len(cases)} cases")

    def solution(self):
        """The solution, as text to read."""
        return SolutionText(self._solution)


def _brief(value):
    """A few words for an argument: ``0.5``, ``a 16 x 4 array``, ``a list of 3``."""
    if isinstance(value, numbers.Number):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value[:20])
    if isinstance(value, np.ndarray):
        return f"a {_shape_text(value.shape)} array" if value.ndim else _brief(value.item())
    try:
        return f"a {type(value).__name__} of {len(value)}"
    except TypeError:
        return type(value).__name__


class SolutionText(str):
    """A solution shown as code in a notebook."""

    def _repr_html_(self):
        return f"<pre style='background:#f7fafc; padding:6px'>{html.escape(self)}</pre>"

    def __repr__(self):
        return str(self)
