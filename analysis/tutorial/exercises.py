"""Exercises for the tutorial notebooks: a check that gives feedback, and the solution.

Each exercise has an id (``"02.1"``: notebook 02, exercise 1). In a notebook::

    answer = ...                      # the student's work
    check("02.1", answer)             # prints feedback; never raises
    show_solution("02.1")             # prints one way to do it

Expected answers are computed from the corpus when checked, never typed in, so the
checks stay right when a researcher adds interviews. Solutions live apart from the
notebooks (in ``analysis/solutions*.py``), as in Downey's ThinkStats. Each notebook's
exercises live in ``analysis/exercise_bank*.py`` and are registered on import.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import importlib
import pkgutil

from analysis.tutorial import __path__ as _package_path


@dataclass
class Exercise:
    """What the student is asked, how to get the expected answer, and hints."""

    question: str
    expected: Callable[[], Any]
    hint: str
    compare: Callable[[Any, Any], bool] = lambda got, want: got == want


REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, question: str, hint: str, compare=None):
    """Register the function that computes the expected answer of an exercise."""
    def register(expected):
        REGISTRY[exercise_id] = Exercise(question, expected, hint, compare or (lambda got, want: got == want))
        return expected
    return register


def close(rel_tol: float = 1e-6):
    """A comparison for numbers that tolerates rounding."""
    return lambda got, want: isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=rel_tol,
                                                                            abs_tol=rel_tol)


def check(exercise_id: str, answer) -> bool:
    """Print feedback on ``answer`` and return whether it is right."""
    if exercise_id not in REGISTRY:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(REGISTRY))}")
    ex = REGISTRY[exercise_id]
    if answer is None or answer is ...:
        print(f"[{exercise_id}] Not answered yet. {ex.question}\nHint: {ex.hint}")
        return False
    want = ex.expected()
    if ex.compare(answer, want):
        print(f"[{exercise_id}] Correct: {answer!r}.")
        return True
    print(f"[{exercise_id}] Not quite: you gave {answer!r} ({type(answer).__name__}).\nHint: {ex.hint}\n"
          f"Stuck? show_solution({exercise_id!r})")
    return False


def show_solution(exercise_id: str) -> None:
    """Print the solution code of an exercise."""
    code = all_solutions().get(exercise_id)
    if code is None:
        raise KeyError(f"no solution for {exercise_id!r}")
    print(code.strip())


def solve(exercise_id: str, namespace: dict | None = None):
    """Run the solution and return its ``answer`` (used by the tests to check the checks)."""
    scope = dict(namespace or {})
    exec(all_solutions()[exercise_id], scope)  # noqa: S102 - our own solution text
    return scope["answer"]


def _modules(prefix: str):
    for info in sorted(pkgutil.iter_modules(_package_path), key=lambda m: m.name):
        if info.name.startswith(prefix):
            yield importlib.import_module(f"{__package__}.{info.name}")


def all_solutions() -> dict[str, str]:
    """Solutions from every ``analysis/solutions*.py`` module (one per notebook or group)."""
    merged: dict[str, str] = {}
    for module in _modules("solutions"):
        merged.update(module.SOLUTIONS)
    return merged


# Registers the exercises of every ``analysis/exercise_bank*.py`` module.
for _module in _modules("exercise_bank"):
    pass
