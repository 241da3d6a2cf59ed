"""An adversary for the lessons' exercises, run inside a lesson's kernel after Run All.

``probe(namespace)`` finds every exercise the lesson made and reports, for each:

(a) whether its official solution, run in the lesson's namespace, passes;
(b) which values and functions the lesson already holds pass it by being copied
    (it knows none of the lessons' variable names: it walks the namespace):
    every array and number, every named matrix of every network and layer it
    finds (with its transpose, rows, columns and single entries), and for a
    function exercise every function the lesson defines or imports and every
    public function of the engine;
(c) for each known mistake: whether the check names it, and whether its answer
    differs from the right one on the exercise's cases;
(d) for a single-number exercise, every wrong answer tried whose feedback says
    "constant factor".

A worksheet (numbers done by hand, each checked on its own) is copied when every one of its
blanks can be filled from what the lesson holds; a blank of two or more entries that can
be filled so is reported on its own (a matrix does not match by accident, while a single
number may, at a worksheet's loose tolerance). Its known mistakes are tried one blank at a
time, the other blanks holding the official solution's numbers.

``tests/test_exercises_adversary.py`` runs it on every lesson.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import types

import numpy as np

import flux_widgets
from flux_widgets.exercises import Choice, Exercise, Feedback, Worksheet
from flux_widgets.exercises.checking import _like, _matches

ENGINE_MODULES = ("matrix", "activations", "network", "derivation", "datasets", "layer")
MAX_DEPTH = 4


def _is_number(value):
    return isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_))


def _numeric_array(value):
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array if array.ndim <= 2 else None


def collect(namespace):
    """``(arrays, callables)`` the namespace holds: ``[(description, ndarray)]``, ``[(description, f)]``."""
    arrays, functions, seen = [], [], set()

    def visit(where, value, depth):
        if id(value) in seen or depth > MAX_DEPTH:
            return
        seen.add(id(value))
        if isinstance(value, (Exercise, Choice, Worksheet, Feedback, types.ModuleType,
                              type)):
            return
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "iuf" and value.ndim <= 2:
                arrays.append((where, value))
            return
        if _is_number(value):
            arrays.append((where, np.float64(value)))
            return
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                              functools.partial)):
            functions.append((where, value))
            return
        if isinstance(value, (list, tuple)):
            array = _numeric_array(value) if value and all(
                _is_number(v) or isinstance(v, (list, tuple, np.ndarray)) for v in value) else None
            if array is not None:
                arrays.append((where, array))
            for index, item in enumerate(value[:2000]):
                visit(f"{where}[{index}]", item, depth + 1)
            return
        if isinstance(value, dict):
            for key, item in list(value.items())[:2000]:
                visit(f"{where}[{key!r}]", item, depth + 1)
            return
        module = type(value).__module__ or ""
        if module.startswith("flux_widgets") or isinstance(value, BaseException):
            for name in ("output", "matrices"):     # a network's output, a layer's named matrices
                if hasattr(type(value), name) or name in getattr(value, "__dict__", {}):
                    try:
                        visit(f"{where}.{name}", getattr(value, name), depth + 1)
                    except Exception:
                        pass
            for name, item in list(getattr(value, "__dict__", {}).items()):
                visit(f"{where}.{name}", item, depth + 1)
            for name in getattr(type(value), "__dataclass_fields__", {}):
                visit(f"{where}.{name}", getattr(value, name), depth + 1)
            for slot in getattr(type(value), "__slots__", ()):
                if hasattr(value, slot):
                    visit(f"{where}.{slot}", getattr(value, slot), depth + 1)

    names = [name for name in namespace if not name.startswith("__")
             and name not in ("In", "Out", "get_ipython", "exit", "quit")]
    for name in sorted(names, key=lambda name: name.startswith("_")):  # the lesson's own first
        visit(name, namespace[name], 0)
    return arrays, functions


def engine_functions():
    """Every public function of the engine's modules: ``[(description, function)]``."""
    found = []
    for module_name in ENGINE_MODULES:
        module = getattr(flux_widgets, module_name)
        for name in getattr(module, "__all__", dir(module)):
            value = getattr(module, name, None)
            if isinstance(value, types.FunctionType):
                found.append((f"flux_widgets.{module_name}.{name}", value))
    return found


def candidates_for(expected, arrays):
    """Every copy the lesson could make of an array it holds, shaped like ``expected``."""
    shape = expected.shape
    for where, array in arrays:
        if array.ndim == 0 or array.size == 1:
            if expected.size == 1:
                yield where, float(np.asarray(array).reshape(()))
            continue
        if expected.size == 1:
            flat = array.ravel()
            hits = np.flatnonzero(np.abs(flat - expected.ravel()[0])
                                  <= 1e-9 + 1e-6 * abs(expected.ravel()[0]))
            for index in hits[:5]:
                yield f"{where} entry {np.unravel_index(index, array.shape)}", float(flat[index])
            continue
        if array.shape == shape:
            yield where, array
        if array.ndim == 2:
            if array.T.shape == shape:
                yield f"{where}.T", array.T
            rows, columns = array.shape
            if shape in ((columns,), (1, columns)):
                for r in range(rows):
                    yield f"{where} row {r}", array[r].reshape(shape)
            if shape in ((rows,), (rows, 1)):
                for c in range(columns):
                    yield f"{where} column {c}", array[:, c].reshape(shape)


def _solution_answer(exercise, namespace):
    scope = dict(namespace)
    exec(compile(str(exercise.solution()), "<solution>", "exec"), scope)  # the lesson's own code
    if isinstance(exercise, Exercise) and exercise.is_function:
        return scope[exercise.function_name]
    return scope["answer"]


def _constant_factor(check, value):
    """The messages that say "constant factor" of a single number ``value`` scaled wrongly."""
    messages = []
    for wrong in (value * 1.19, value * 0.8, value * 2, value * 0.5, -value, 0.0,
                  value + 1, value - 0.0001 * (abs(value) + 1)):
        feedback = check(wrong)
        if "constant factor" in feedback.message:
            messages.append(feedback.message)
    return messages


def probe_worksheet(sheet, report, solution, arrays):
    """The worksheet part of :func:`probe_one` (see the module docstring)."""
    sources = {name: [where for where, candidate in candidates_for(blank.expected, arrays)
                      if _matches(candidate, blank.expected, sheet.rtol, sheet.atol)]
               for name, blank in sheet.blanks.items()}
    if all(sources.values()):
        report["copies"].append("every blank: " + "; ".join(
            f"{name} from {found[0]}" for name, found in sources.items()))
    report["copies"] += [f"{name} from {found[0]}" for name, found in sources.items()
                         if found and sheet.blanks[name].expected.size > 1]
    for name, blank in sheet.blanks.items():
        for mistake in blank.mistakes:
            feedback = sheet.check({**solution, name: mistake.wrong})
            differs = not _matches(mistake.wrong, blank.expected, sheet.rtol, sheet.atol)
            report["mistakes"].append({"message": mistake.message, "differs": differs,
                                       "named": not feedback and mistake.message in feedback.message,
                                       "feedback": feedback.message})
        if blank.expected.size == 1:
            report["constant_factor"] += _constant_factor(
                lambda wrong, name=name: sheet.check({**solution, name: wrong}),
                float(blank.expected.ravel()[0]))
    return report


def probe_one(exercise, namespace, arrays, functions):
    kind = "choice" if isinstance(exercise, Choice) else "worksheet" if isinstance(
        exercise, Worksheet) else "function" if exercise.is_function else "value"
    report = {"title": exercise.title, "kind": kind, "copies": [], "mistakes": [],
              "constant_factor": [], "hint": bool(str(exercise.hint).strip()),
              "numbered": exercise.title.split(".")[0].isdigit()}
    solution = None
    try:
        solution = _solution_answer(exercise, namespace)
        feedback = exercise.check(solution)
        report["solution"] = {"ok": bool(feedback), "message": feedback.message}
    except Exception as error:
        report["solution"] = {"ok": False, "message": f"{type(error).__name__}: {error}"}

    if kind == "worksheet":
        return probe_worksheet(exercise, report, solution if isinstance(solution, dict) else {},
                               arrays)

    if report["kind"] == "choice":
        for mistake in exercise.mistakes:
            feedback = exercise.check(mistake.wrong)
            report["mistakes"].append({"message": mistake.message, "differs": True,
                                       "named": not feedback and mistake.message in feedback.message,
                                       "feedback": feedback.message})
        return report

    if report["kind"] == "value":
        expected = exercise.expected
        for where, candidate in candidates_for(expected, arrays):
            if exercise.check(candidate):
                report["copies"].append(where)
        for mistake in exercise.mistakes:
            feedback = exercise.check(mistake.wrong)
            differs = not np.allclose(mistake.wrong, expected, rtol=exercise.rtol,
                                      atol=exercise.atol) if mistake.wrong.shape == expected.shape \
                else True
            report["mistakes"].append({"message": mistake.message, "differs": differs,
                                       "named": not feedback and mistake.message in feedback.message,
                                       "feedback": feedback.message})
        if expected.size == 1:
            report["constant_factor"] += _constant_factor(exercise.check,
                                                          float(expected.ravel()[0]))
        return report

    cases = exercise.cases()
    for where, function in functions:
        try:
            feedback = exercise.check(function)
        except Exception as error:   # a lesson's function may break the check's own rules
            feedback = Feedback(False, f"{type(error).__name__}: {error}")
        if feedback:
            report["copies"].append(where)
    for mistake in exercise.mistakes:
        feedback = exercise.check(mistake.wrong)
        rights = [exercise._reference(case) for case in cases]
        wrongs = exercise._wrong(mistake, cases)
        differs = any(not _matches(_like(w, r), r, exercise.rtol, exercise.atol)
                      for w, r in zip(wrongs, rights))
        report["mistakes"].append({"message": mistake.message, "differs": differs,
                                   "named": not feedback and mistake.message in feedback.message,
                                   "feedback": feedback.message})
    if all(not isinstance(right, dict) and np.size(right) == 1
           for right in map(exercise._reference, cases)):
        for factor in (1.19, 0.8, 2, 0.5, -1, 0):
            def scaled(*args, factor=factor):
                return factor * exercise.expected(*args)
            feedback = exercise.check(scaled)
            if "constant factor" in feedback.message:
                report["constant_factor"].append(feedback.message)
    return report


def probe(namespace):
    """The report of every exercise in ``namespace`` (a lesson's globals after Run All)."""
    exercises, seen = [], set()
    for name, value in namespace.items():
        if isinstance(value, (Exercise, Choice, Worksheet)) and id(value) not in seen:
            seen.add(id(value))
            exercises.append(value)
    arrays, functions = collect(namespace)
    functions += engine_functions()
    namespace = dict(namespace)
    reports = [probe_one(exercise, namespace, arrays, functions) for exercise in exercises]
    return {"exercises": reports, "arrays": len(arrays), "functions": len(functions),
            "function_names": sorted({where for where, f in functions
                                      if inspect.isfunction(f) and f.__module__ == "__main__"})}
