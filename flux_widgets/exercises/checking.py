"""Exercises that check themselves, name the real mistake, and cannot be passed by copying.

Three kinds of exercise, one interface (``exercise.check(answer)`` returns a
:class:`Feedback`; ``exercise.hint``; ``exercise.solution()``):

* :class:`Exercise` with a value: the learner computes a number or a matrix
  from inputs the lesson gives (``expected`` is computed from copies of them
  when the exercise is made, so later cells cannot change it).
* :class:`Exercise` with a function: the learner writes a function, which is
  called on **hidden cases** made inside the check (``cases(rng)``: other
  sizes, other N, other seeds) and compared with the reference on each.
* :class:`Choice`: the learner states a conclusion, one of a few words.
* :class:`Worksheet`: the learner fills in several numbers computed by hand
  (:class:`Blank`), and each is checked on its own.

A wrong answer is compared with the exercise's **known mistakes**
(:class:`Mistake`: the wrong answer a typical slip gives from the same
inputs, with what to say about it). A mistake is named only when the answer
matches it; otherwise the feedback says truthfully what differs: the shape
(and whether it is the transpose), nan or inf, for a matrix whose every entry
is off by the same factor or the same sign, that fact, and otherwise which
entries are off and by how much. A single number never gets a "constant
factor" diagnosis: any two numbers have a ratio.

A function exercise can ``forbid`` kit functions (an exercise that asks for
the learner's own computation says so): a call to one of them, however it is
named in the notebook, fails the check. A numpy warning while the learner's
function runs (an overflow in ``np.exp``, a division by zero) fails it too.

Numbers only: nothing a learner types is evaluated as code here.
"""

from __future__ import annotations

import contextlib
import copy
import html
import numbers
import sys
import warnings

import numpy as np

from ..errors import ConfigurationError

__all__ = ["Feedback", "compare", "Mistake", "Exercise", "Choice", "Blank", "Worksheet",
           "SolutionText"]

MAX_LISTED = 5  # entries listed when many are off
MAX_SHOWN_ARGUMENTS = 3  # arguments of a case named in the feedback


class Feedback:
    """The result of a check: ``ok`` (also its truth value) and a ``message`` to read;
    ``named`` when the message names a known mistake.

    Shown as a coloured line in a notebook (``_repr_html_``), as text elsewhere.
    """

    def __init__(self, ok, message, named=False):
        self.ok, self.message, self.named = bool(ok), message, named

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return ("✓ " if self.ok else "✗ ") + self.message

    def _repr_html_(self):
        colour, mark = ("#2f855a", "✓") if self.ok else ("#c05621", "✗")
        text = html.escape(self.message).replace("\n", "<br>")
        return f"<div style='color:{colour}; font-family:monospace'>{mark} {text}</div>"


class Mistake:
    """A known way to get an exercise wrong, and what to tell the learner who made it.

    ``wrong`` is the wrong answer the slip gives: for a value exercise the
    value itself (computed from the same inputs as the right one), for a
    function exercise a function of the same arguments as the reference.
    """

    def __init__(self, message, wrong):
        self.message, self.wrong = message, wrong

    def __repr__(self):
        return f"Mistake({self.message!r})"


# --------------------------------------------------------------------------
# Comparing numbers.
# --------------------------------------------------------------------------

def _shape_text(shape):
    return "a single number" if shape == () else " x ".join(map(str, shape))


def _as_numbers(answer, name):
    """``answer`` as a float array, or a Feedback saying why it is not numbers."""
    if answer is None:
        return None, Feedback(False, f"{name}: no answer yet (replace None with yours)")
    if isinstance(answer, (str, bytes)):
        return None, Feedback(False, f"{name} should be numbers, not the text {answer!r}")
    if callable(answer) and not isinstance(answer, np.ndarray):
        return None, Feedback(False, f"{name} should be numbers, but it is a function: call it "
                                     "and give its result")
    if isinstance(answer, (tuple, list)) and any(isinstance(item, np.ndarray) and item.ndim
                                                 for item in answer) \
            and len({np.shape(item) for item in answer}) > 1:
        return None, Feedback(False, f"{name} is {len(answer)} separate results (a "
                                     f"{type(answer).__name__} of {len(answer)}); give one "
                                     "table of numbers")
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


def _expected_numbers(expected, what="an exercise's expected answer"):
    try:
        expected = np.array(expected, dtype=np.float64)  # a copy: later cells cannot change it
    except (TypeError, ValueError):
        raise ConfigurationError(f"{what} must be numbers, got "
                                 f"{type(expected).__name__}") from None
    if not np.isfinite(expected).all():
        raise ConfigurationError(f"{what} must be finite numbers; it holds inf or nan")
    return expected


def _where(index):
    return "" if index == () else "[" + ", ".join(map(str, index)) + "]"


def _close(a, b, rtol, atol):
    return np.abs(a - b) <= atol + rtol * np.abs(b)


def _same_shape(array, expected):
    """``array`` in ``expected``'s shape when that is the same numbers, else ``None``."""
    if array.shape == expected.shape:
        return array
    if array.size == 1 and expected.size == 1:
        return array.reshape(expected.shape)
    return None


def _parts(answer, names):
    """A function's several results as ``{name: result}``: from a dict, or a tuple in order."""
    if isinstance(answer, dict):
        return answer if set(answer) == set(names) else None
    if isinstance(answer, (tuple, list)) and len(answer) == len(names):
        return dict(zip(names, answer))
    return None


def _like(result, right):
    """``result`` as named parts when the right result has them (a mistake's tuple)."""
    if isinstance(right, dict) and result is not None and not isinstance(result, dict):
        return _parts(result, list(right))
    return result


def _matches(answer, expected, rtol, atol):
    """True when ``answer`` is numbers of ``expected``'s shape, equal within the tolerance.

    ``expected`` may be a dict of named results (a function that returns several matrices).
    """
    if expected is None:
        return False
    if isinstance(expected, dict):
        parts = _parts(answer, list(expected))
        return parts is not None and all(_matches(parts[name], value, rtol, atol)
                                         for name, value in expected.items())
    if answer is None or isinstance(answer, (str, bytes)):
        return False
    try:
        array = np.asarray(answer, dtype=np.float64)
        target = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    array = _same_shape(array, target)
    return array is not None and bool(np.all(_close(array, target, rtol, atol)))


def compare(answer, expected, *, name="your answer", rtol=1e-6, atol=1e-9, hint=None,
            reveal=True):
    """Check ``answer`` against ``expected`` (numbers, same shape) and say what differs.

    Equal means ``|answer - expected| <= atol + rtol * |expected|`` for every
    entry. ``reveal=False`` says how far an entry is off without printing the
    right value (for an answer the learner could otherwise copy from the
    feedback). Returns a :class:`Feedback`; ``hint`` is added when it is
    wrong. ConfigurationError (the lesson's mistake, not the learner's) if
    ``expected`` is not finite numbers.
    """
    expected = _expected_numbers(expected)
    array, refusal = _as_numbers(answer, name)
    feedback = refusal if refusal is not None else \
        _compare_numbers(array, expected, name, rtol, atol, reveal)
    if not feedback and hint and answer is not None:
        feedback.message += f"\nHint: {hint}"
    return feedback


def _compare_numbers(array, expected, name, rtol, atol, reveal):
    reshaped = _same_shape(array, expected)
    if reshaped is None:
        message = (f"{name} has the wrong shape: {_shape_text(array.shape)}, expected "
                   f"{_shape_text(expected.shape)}")
        if array.ndim == 2 and array.T.shape == expected.shape \
                and _close(array.T, expected, rtol, atol).all():
            message += " (it is the transpose of the right answer)"
        elif array.size == expected.size \
                and _close(array.reshape(expected.shape), expected, rtol, atol).all():
            message += (" (the right numbers in another shape: "
                        f".reshape{expected.shape} gives the right matrix)")
        return Feedback(False, message)
    array = reshaped
    bad = ~np.isfinite(array)
    if bad.any():
        where = ", ".join(_where(tuple(map(int, i))) or "it" for i in np.argwhere(bad)[:MAX_LISTED])
        return Feedback(False, f"{name} holds nan or inf at {where} (nan is what the "
                               "matrices an exercise hides hold, and what 0/0 or inf − inf "
                               "give)")
    close = _close(array, expected, rtol, atol)
    if close.all():
        return Feedback(True, f"{name} is right")
    pattern = _pattern(array, expected, rtol, atol)
    if pattern:
        return Feedback(False, f"{name}: {pattern}")
    return Feedback(False, _entries_off(array, expected, close, name, reveal))


def _pattern(array, expected, rtol, atol):
    """A fact that holds for every entry of a matrix answer (transposed, one factor), or ''."""
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] > 1 \
            and not _close(expected.T, expected, rtol, atol).all() \
            and _close(array.T, expected, rtol, atol).all():
        return "it is the transpose of the right answer"
    nonzero = np.abs(expected) > atol
    if nonzero.sum() < 2 or not _close(array[~nonzero], expected[~nonzero], rtol, atol).all():
        return ""  # a single number, or entries that should be 0 are not: no pattern
    if not array.any():
        return "every entry is 0 (is it a matrix that has not been computed yet?)"
    ratio = array[nonzero] / expected[nonzero]
    if not np.allclose(ratio, ratio[0], rtol=1e-6):
        return ""
    if np.isclose(ratio[0], -1.0, rtol=1e-6):
        return "every entry has the right size but the opposite sign"
    return (f"every entry is the right one times {ratio[0]:.6g}: a constant factor is missing "
            "or extra")


def _entries_off(array, expected, close, name, reveal):
    off = np.argwhere(~close)
    lines = [f"{len(off)} of {array.size} entries are off" if array.size > 1 else ""]
    for index in map(tuple, off[:MAX_LISTED]):
        value, right = array[index], expected[index]
        if reveal:
            how = f"expected {right:.6g} (off by {value - right:+.3g})"
        elif right == 0:
            how = "but the right value is 0"
        else:
            how = (f"too {'large' if value > right else 'small'} by "
                   f"{100 * abs(value - right) / abs(right):.2g}%")
        lines.append(f"  {name}{_where(index)} = {value:.6g}, {how}")
    if len(off) > MAX_LISTED:
        lines.append(f"  … and {len(off) - MAX_LISTED} more")
    if array.size == 1:
        return lines[1].strip()
    return "\n".join(lines)


def _judged(answer, expected, mistakes, name, rtol, atol):
    """The :class:`Feedback` on one value: right, a known mistake (``feedback.named``), or
    what differs (never the right value itself)."""
    feedback = compare(answer, expected, name=name, rtol=rtol, atol=atol, reveal=False)
    if feedback or answer is None:
        return feedback
    for mistake in mistakes:
        if _matches(answer, mistake.wrong, rtol, atol):
            return Feedback(False, f"{name}: {mistake.message}", named=True)
    return feedback


# --------------------------------------------------------------------------
# Running the learner's function.
# --------------------------------------------------------------------------

@contextlib.contextmanager
def _watching(functions):
    """Record which of ``functions`` are called (by whatever name) inside the block."""
    codes = {function.__code__: function for function in functions}
    called = []
    if not codes:
        yield called
        return

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            called.append(codes[frame.f_code])

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(previous)


def _brief(value):
    """A few words for an argument: ``0.5``, ``a 16 x 4 array``, ``a list of 3``."""
    if isinstance(value, numbers.Number):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value[:20])
    if isinstance(value, np.ndarray):
        if value.ndim == 1:
            return f"an array of {value.size}"
        return f"a {_shape_text(value.shape)} array" if value.ndim else _brief(value.item())
    describe = getattr(value, "describe", None)
    if callable(describe):  # a network
        return f"a {'-'.join(map(str, value.layers_vector))} network"
    try:
        return f"a {type(value).__name__} of {len(value)}"
    except TypeError:
        return type(value).__name__


def _shown(case):
    shown = ", ".join(_brief(value) for value in case[:MAX_SHOWN_ARGUMENTS])
    return shown + (", …" if len(case) > MAX_SHOWN_ARGUMENTS else "")


def _name_of(function):
    module = getattr(function, "__module__", "") or ""
    name = getattr(function, "__qualname__", getattr(function, "__name__", repr(function)))
    return f"{module.split('.')[0]}'s {name}" if module.startswith("flux_widgets") else name


# --------------------------------------------------------------------------
# Exercises.
# --------------------------------------------------------------------------

class Exercise:
    """One exercise: a title, the right answer, known mistakes, a hint and a hidden solution.

    Parameters
    ----------
    title : str
        Starts with the exercise's number: ``"2. dC/dw of the toy"``.
    expected : number, array-like, or callable
        A value (copied), or the reference function of a function exercise; a
        reference may return a dict of named results (``{"dC_dw": …, "dC_db": …}``),
        which the learner's function returns as a tuple in that order or as a dict.
    hint : str
        Shown with a wrong answer that matches no known mistake.
    solution : str
        Code in the lesson's names, shown only by :meth:`solution`. For a value
        exercise it sets ``answer``; for a function exercise it defines the
        function named ``function_name``.
    mistakes : list of Mistake
        Known mistakes: values (value exercise) or functions (function exercise).
    cases : callable ``cases(rng) -> list of argument tuples``
        The hidden cases of a function exercise, made inside every check from
        ``numpy.random.default_rng(seed)``.
    untouched : list of networks
        For a value exercise about a network's next matrix: the networks that must not have
        moved since the exercise was made (a Step, a pass or training would have computed
        the answer into them). A check after they moved is refused.
    function_name : str
        The name the lesson gives the learner's function.
    forbid : list of functions
        Kit functions the learner's function must not call.
    rtol, atol : float
        Tolerances of :func:`compare`.
    """

    def __init__(self, title, expected, *, hint, solution, mistakes=(), cases=None,
                 function_name=None, forbid=(), untouched=(), seed=0, rtol=1e-6, atol=1e-9):
        self.title, self.hint, self._solution = title, hint, solution
        self.rtol, self.atol = rtol, atol
        self.is_function = callable(expected)
        self.mistakes = list(mistakes)
        if self.is_function:
            if not callable(cases) or not function_name:
                raise ConfigurationError(f"{title}: a function exercise needs cases(rng) and "
                                         "the function_name the lesson uses")
            self.expected = expected
            self._cases, self.function_name, self.seed = cases, function_name, seed
            self.forbid = list(forbid)
            if not all(hasattr(function, "__code__") for function in self.forbid):
                raise ConfigurationError(f"{title}: forbid lists Python functions of the kit")
        else:
            if cases is not None or forbid:
                raise ConfigurationError(f"{title}: cases and forbid belong to function "
                                         "exercises")
            self._untouched = [(network, network.state.copy()) for network in untouched]
            self.expected = _expected_numbers(expected)
            for mistake in self.mistakes:
                mistake.wrong = _expected_numbers(mistake.wrong,
                                                  f"{title}: the known mistake {mistake.message!r}")

    def cases(self):
        """The hidden cases (made afresh: the same every time)."""
        cases = self._cases(np.random.default_rng(self.seed))
        if not (isinstance(cases, (list, tuple)) and cases
                and all(isinstance(case, tuple) for case in cases)):
            raise ConfigurationError(f"{self.title}: cases must be a non-empty list of "
                                     f"argument tuples such as [(0.5,), (2.0,)], got {cases!r:.80}")
        return cases

    def check(self, answer):
        """Check a value, or a function on every hidden case; returns the :class:`Feedback`."""
        if self.is_function:
            return self._check_function(answer)
        moved = [network for network, state in self._untouched
                 if not np.array_equal(network.state, state, equal_nan=True)]
        if answer is not None and moved:
            return Feedback(False, f"{self.title}: the {moved[0].describe()} network this "
                                   "exercise is about has computed more since the exercise was "
                                   "made (a Step, a pass or training ran on it), so its "
                                   "matrices may hold the answer. Compute it yourself: run the "
                                   "cell that makes the exercise again, then answer from the "
                                   "matrices the question names.")
        feedback = _judged(answer, self.expected, self.mistakes, self.title, self.rtol,
                           self.atol)
        if not (feedback or feedback.named or answer is None) and self.hint:
            feedback.message += f"\nHint: {self.hint}"
        return feedback

    def _check_function(self, function):
        title = self.title
        if function is None:
            return Feedback(False, f"{title}: no answer yet (replace None with your function)")
        if not callable(function):
            return Feedback(False, f"{title}: expected a function, got "
                                   f"{type(function).__name__}")
        cases = self.cases()
        answers = []
        for case in cases:
            refusal, answer = self._run(function, case)
            if refusal is not None:
                return refusal
            answers.append(answer)
        if all(answer is None for answer in answers):
            return Feedback(False, f"{title}: your function returns None: write its body "
                                   "(replace `return None`)")
        expected = [self._reference(case) for case in cases]
        if all(_matches(a, e, self.rtol, self.atol) for a, e in zip(answers, expected)):
            return Feedback(True, f"{title}: right for all {len(cases)} cases")
        for mistake in self.mistakes:
            if all(_matches(a, _like(w, e), self.rtol, self.atol)
                   for a, w, e in zip(answers, self._wrong(mistake, cases), expected)):
                return Feedback(False, f"{title}: {mistake.message}")
        for case, answer, right in zip(cases, answers, expected):
            feedback = self._compare_case(answer, right, f"(for {_shown(case)})")
            if not feedback:
                return feedback
        raise AssertionError("unreachable: some case differs")  # pragma: no cover

    def _compare_case(self, answer, right, where):
        """What differs in one case: the first wrong part of a result made of named parts."""
        if not isinstance(right, dict):
            return compare(answer, right, name=f"{self.title} {where}", rtol=self.rtol,
                           atol=self.atol, hint=self.hint)
        names = list(right)
        parts = _parts(answer, names)
        if parts is None:
            return Feedback(False, f"{self.title} {where}: your function should return "
                                   f"{len(names)} results, ({', '.join(names)}), in this order "
                                   f"(or a dict with these names); it returned "
                                   f"{_brief(answer) if answer is not None else 'None'}")
        for name in names:
            feedback = compare(parts[name], right[name], name=f"{self.title}: {name} {where}",
                               rtol=self.rtol, atol=self.atol, hint=self.hint)
            if not feedback:
                return feedback
        return Feedback(True, "")

    def _run(self, function, case):
        """``(refusal, answer)``: the learner's answer for ``case``, or why it is refused."""
        shown = _shown(case)
        arguments = copy.deepcopy(case)  # outside the watch: copying a network forms one
        try:
            with _watching(self.forbid) as called, warnings.catch_warnings(record=True) as \
                    warned, np.errstate(divide="warn", over="warn", invalid="warn"):
                warnings.simplefilter("always")
                answer = function(*arguments)
        except Exception as error:  # the learner's code: report it, never crash the lesson
            return Feedback(False, f"{self.title}: your function raised "
                                   f"{type(error).__name__}: {error} (for {shown})"), None
        if called:
            return Feedback(False, f"{self.title}: your function calls {_name_of(called[0])}; "
                                   "this exercise asks you to compute it yourself (the kit's "
                                   "functions are what it is checked against)"), None
        numeric = [w for w in warned if issubclass(w.category, RuntimeWarning)]
        if numeric:
            return Feedback(False, f"{self.title}: numpy warned \"{numeric[0].message}\" while "
                                   f"your function ran (for {shown}): compute it in a way that "
                                   "cannot overflow or divide by zero"), None
        return None, answer

    def _reference(self, case):
        """The right result for ``case``: numbers, or a dict of named numbers."""
        try:
            right = self.expected(*copy.deepcopy(case))
            if isinstance(right, dict):
                return {name: _expected_numbers(value) for name, value in right.items()}
            return _expected_numbers(right)
        except Exception as error:
            raise ConfigurationError(f"{self.title}: the exercise's expected function raised "
                                     f"{type(error).__name__}: {error} (for {_shown(case)})"
                                     ) from error

    def _wrong(self, mistake, cases):
        """The mistake's answer for every case (``None`` where it cannot be computed)."""
        answers = []
        for case in cases:
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    answers.append(mistake.wrong(*copy.deepcopy(case)))
            except Exception:  # e.g. a transposed product whose shapes do not fit
                answers.append(None)
        return answers

    def solution(self):
        """The solution, as text to read."""
        return SolutionText(self._solution)

    def __repr__(self):
        kind = f"function {self.function_name}" if self.is_function else "value"
        return f"Exercise({self.title!r}, {kind}, {len(self.mistakes)} known mistakes)"


class Choice:
    """An exercise whose answer is a conclusion: one of a few words.

    ``options`` maps every word the learner may answer with to what to say
    when it is chosen and wrong (its message is not used for ``right``);
    ``explanation`` is said with the right answer. Case, spaces and quotes
    around the word do not matter.
    """

    def __init__(self, title, options, right, *, explanation, hint, solution):
        if right not in options or len(options) < 2:
            raise ConfigurationError(f"{title}: the right answer {right!r} must be one of at "
                                     "least two options")
        self.title, self.options, self.right = title, dict(options), right
        self.explanation, self.hint, self._solution = explanation, hint, solution
        self.mistakes = [Mistake(message, option) for option, message in self.options.items()
                         if option != right]

    def check(self, answer):
        """Compare the chosen word with the right one; returns the :class:`Feedback`."""
        words = " or ".join(repr(option) for option in self.options)
        if answer is None:
            return Feedback(False, f"{self.title}: no answer yet (replace None with {words})")
        if not isinstance(answer, str):
            return Feedback(False, f"{self.title}: answer with one of the words {words}, in "
                                   "quotes")
        chosen = answer.strip().strip("'\"").strip().lower()
        if chosen == self.right:
            return Feedback(True, f"{self.title}: right. {self.explanation}")
        if chosen in self.options:
            return Feedback(False, f"{self.title}: {self.options[chosen]}")
        return Feedback(False, f"{self.title}: {answer!r} is not one of the choices {words}")

    def solution(self):
        """The solution, as text to read."""
        return SolutionText(self._solution)

    def __repr__(self):
        return f"Choice({self.title!r}, {list(self.options)})"


class Blank:
    """One number (or small matrix) of a :class:`Worksheet`: its ``name`` (the key the
    learner answers under), what it is (``label``, e.g. ``"x·W1 (1 x 2)"``), the right
    value and the known mistakes (:class:`Mistake` with values).
    """

    def __init__(self, name, label, expected, mistakes=()):
        self.name, self.label = name, label
        self.expected = _expected_numbers(expected, f"the blank {name!r}")
        self.mistakes = list(mistakes)
        for mistake in self.mistakes:
            mistake.wrong = _expected_numbers(mistake.wrong,
                                              f"the blank {name!r}'s mistake {mistake.message!r}")

    def __repr__(self):
        return f"Blank({self.name!r}, {len(self.mistakes)} known mistakes)"


class Worksheet:
    """An exercise done with pencil and paper: several numbers, each checked on its own.

    The learner answers with a dict ``{blank name: number or matrix}``; every blank is
    judged like a value :class:`Exercise` (right; a known mistake, named; or what differs,
    without the right value), blanks not given yet are listed as waiting, so the sheet can
    be checked as it is filled in. It is right when every blank is. ``rtol`` is loose
    enough for numbers carried by hand with four significant digits.

    Parameters
    ----------
    title : str
        Starts with the exercise's number.
    blanks : list of Blank
        In the order they are computed.
    hint, solution : str
        As for :class:`Exercise`; the solution sets ``answer`` to the dict.
    """

    def __init__(self, title, blanks, *, hint, solution, rtol=1e-3, atol=1e-6):
        self.title, self.hint, self._solution = title, hint, solution
        self.blanks = {blank.name: blank for blank in blanks}
        if len(self.blanks) != len(blanks) or not blanks:
            raise ConfigurationError(f"{title}: a worksheet needs blanks with different names")
        self.rtol, self.atol = rtol, atol

    def check(self, answer):
        """Judge every blank of ``answer`` (a dict); returns one :class:`Feedback`."""
        names = ", ".join(f"{name!r}" for name in self.blanks)
        if answer is None or isinstance(answer, dict) and all(
                answer.get(name) is None for name in self.blanks) and set(answer) <= set(
                self.blanks):
            return Feedback(False, f"{self.title}: no answer yet (replace each None with your "
                                   f"number: {names})")
        if not isinstance(answer, dict):
            return Feedback(False, f"{self.title}: answer with a dict of your numbers, "
                                   f"{{name: value}}, for the names {names}; got "
                                   f"{type(answer).__name__}")
        unknown = [name for name in answer if name not in self.blanks]
        if unknown:
            return Feedback(False, f"{self.title}: {unknown[0]!r} is not one of the numbers "
                                   f"asked for ({names})")
        judged = {name: _judged(answer.get(name), blank.expected, blank.mistakes, name,
                                self.rtol, self.atol)
                  for name, blank in self.blanks.items()}
        right = sum(map(bool, judged.values()))
        if right == len(judged):
            return Feedback(True, f"{self.title}: all {right} numbers are right")
        waiting = [name for name in judged if answer.get(name) is None]
        lines = [f"{self.title}: {right} of {len(judged)} right"
                 + (f", {len(waiting)} not answered yet" if waiting else "")]
        lines += [f"  ✓ {name}" if feedback else f"  · {name}: not answered yet"
                  if name in waiting else f"  ✗ {feedback.message}"
                  for name, feedback in judged.items()]
        wrong = [name for name, feedback in judged.items() if not feedback and name not in waiting]
        if wrong and not all(judged[name].named for name in wrong):
            lines.append(f"Hint: {self.hint}")
        if len(wrong) > 1:
            lines.append(f"Start with {wrong[0]}: the numbers after it are computed from it.")
        return Feedback(False, "\n".join(lines))

    def solution(self):
        """The solution, as text to read."""
        return SolutionText(self._solution)

    def __repr__(self):
        return f"Worksheet({self.title!r}, {len(self.blanks)} numbers)"


class SolutionText(str):
    """A solution shown as code in a notebook."""

    def _repr_html_(self):
        return f"<pre style='background:#f7fafc; padding:6px'>{html.escape(self)}</pre>"

    def __repr__(self):
        return str(self)
