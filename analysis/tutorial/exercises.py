"""Exercises for the tutorial notebooks: a check that gives feedback, and the solution.

Each exercise has an id (``"02.1"``: notebook 02, exercise 1). In a notebook::

    answer = ...                      # the student's work
    check("02.1", answer)             # prints feedback; never raises
    show_solution("02.1")             # prints the solution function and how to call it

A solution is an ordinary function with a docstring (in ``exercises_NN.py``), registered
with its question and hint by :func:`~analysis.tutorial.exercise_registry.exercise`. The
check calls that function to get the expected answer, computed from the corpus, never
typed in, so checks stay right when a researcher adds interviews, and the printed
solution is the code that was checked (as in Downey's ThinkStats, solutions live apart
from the student notebooks).
"""
from __future__ import annotations

import inspect
import textwrap
import types

import analysis
from analysis.tutorial import exercises_00_02, exercises_03, exercises_04, exercises_05_06
from analysis.tutorial.exercise_registry import REGISTRY, Exercise, as_number, plain

#: The modules whose solutions are registered, one per notebook or group of notebooks.
SOLUTION_MODULES = (exercises_00_02, exercises_03, exercises_04, exercises_05_06)


def _exercise(exercise_id: str) -> Exercise:
    if exercise_id not in REGISTRY:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[exercise_id]


def diagnose(answer, want) -> str | None:
    """A sentence about what is wrong with ``answer`` beyond 'not equal', or None."""
    got_number, want_number = as_number(answer), as_number(want)
    if want_number is not None and got_number is None:
        if isinstance(answer, str):
            return "You gave a text; a number is expected (no quotes)."
        if hasattr(answer, "shape") or hasattr(answer, "__len__"):
            return ("You gave a table or a list; a single number is expected: select one cell "
                    "(e.g. with .loc[row, column] or .iloc[0]).")
        return f"A number is expected; you gave a {type(answer).__name__}."
    if want_number is not None and got_number is not None:
        if want_number != 0 and 0 < want_number < 1 and abs(got_number / 100 - want_number) < 0.01:
            return "That looks like a percentage: give a share between 0 and 1."
        if want_number != 0 and abs(got_number - want_number) <= 0.1 * abs(want_number):
            return "Close: within 10%. Check which rows you kept (role, documents) and that you did not round early."
        if want_number != 0 and got_number != 0 and abs(abs(got_number / want_number) - 1) > 0.9 and \
                (got_number / want_number > 5 or got_number / want_number < 0.2):
            return "Off by a large factor: check the unit (per 1,000 tokens? a share or a count?)."
        return None
    if isinstance(want, str) and not isinstance(answer, str):
        return "A text (in quotes) is expected."
    return None


def check(exercise_id: str, answer) -> bool:
    """Print feedback on ``answer`` and return whether it is right (never raises on a wrong answer)."""
    ex = _exercise(exercise_id)
    if answer is None or answer is ...:
        print(f"[{exercise_id}] Not answered yet. {ex.question}\nHint: {ex.hint}")
        return False
    want = ex.solution()
    if ex.compare(answer, want):
        shown, exact = plain(answer), plain(want)
        if shown == exact:
            note = ""
        elif as_number(want) is not None or isinstance(want, tuple):
            note = f" (unrounded: {exact}; yours matches to the precision the notebook shows)"
        else:
            note = f" (accepted as {exact})"
        print(f"[{exercise_id}] Correct: {shown}{note}.")
        return True
    reason = diagnose(answer, want)
    print(f"[{exercise_id}] Not quite: {plain(answer)} is not it ({ex.expects} is expected)."
          + (f"\n{reason}" if reason else "")
          + f"\nHint: {ex.hint}\nStuck? show_solution({exercise_id!r})")
    return False


def solution_source(exercise_id: str) -> str:
    """The solution as a student can paste it: the imports it needs, the function, the call."""
    function = _exercise(exercise_id).solution
    body = textwrap.dedent(inspect.getsource(function))
    body = body[body.index("def "):]  # the function without its registering decorator
    used = function.__code__.co_names
    modules = [f"import {value.__name__} as {name}" if value.__name__ != name else f"import {name}"
               for name in used if isinstance(value := function.__globals__.get(name), types.ModuleType)
               and not value.__name__.startswith("analysis")]
    public = sorted(name for name in used if name in analysis.__all__)
    lines = sorted(modules) + ([f"from analysis import {', '.join(public)}"] if public else [])
    imports = "\n".join(lines) + "\n\n" if lines else ""
    return f"{imports}{body.rstrip()}\n\nanswer = {function.__name__}()"


def show_solution(exercise_id: str) -> None:
    """Print the solution of an exercise: the function the check uses, and how to call it."""
    print(solution_source(exercise_id))


def solve(exercise_id: str):
    """Run the solution and return its answer (what the check compares with)."""
    return _exercise(exercise_id).solution()
