"""The exercise registry: each exercise is its solution, an ordinary function.

A solution is a function with a docstring that computes the answer from the corpus;
the :func:`exercise` decorator registers it under an id (``"02.1"``: notebook 02,
exercise 1) together with the question, a hint and how answers are compared. The check
calls the very function that :func:`~analysis.tutorial.exercises.show_solution` prints,
so what is checked and what is shown cannot drift apart, and the tests run every
solution through its check.

Comparisons forgive what does not matter: numbers read off a table rounded to the
precision the notebook displays, case and spaces in keys, a trailing slash on a folder.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

Compare = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Exercise:
    """What the student is asked, the solution that computes the answer, hints and how answers compare."""

    exercise_id: str
    question: str
    solution: Callable[[], Any]
    hint: str
    compare: Compare
    expects: str  # what kind of answer: 'a number', 'a whole number', 'a text', ...


REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, question: str, hint: str, compare: Compare | None = None, expects: str = "a value"):
    """Register ``solution`` (the decorated function) as exercise ``exercise_id``.

    The function takes no arguments and returns the answer; its docstring says in a
    sentence what it does. Registering the same id twice is a mistake and raises.
    """
    def register(solution):
        if exercise_id in REGISTRY:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        if not (solution.__doc__ or "").strip():
            raise ValueError(f"the solution of exercise {exercise_id!r} needs a docstring")
        REGISTRY[exercise_id] = Exercise(exercise_id, question, solution, hint, compare or exact(), expects)
        return solution
    return register


def plain(value) -> str:
    """A value as a student would write it: ``0.53``, not ``np.float64(0.5312...)``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(plain(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    return repr(value)


def as_number(value) -> float | None:
    """``value`` as a float if it is a real number (numpy scalars included), else None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def exact() -> Compare:
    """Equality, numpy scalars compared as plain Python values."""
    def compare(got, want):
        got = got.item() if isinstance(got, np.generic) else got
        if isinstance(want, numbers.Integral) and not isinstance(want, bool):
            number = as_number(got)
            return number is not None and number == want
        return got == want
    return compare


def number(decimals: int | None = None, rel: float = 0.0) -> Compare:
    """Numbers equal up to the precision shown: within half a unit of the last displayed decimal
    (``decimals``) or within a relative error ``rel`` (for ratios of rounded values)."""
    def compare(got, want):
        got = as_number(got)
        if got is None or not math.isfinite(got):
            return False
        tol = max(0.5 * 10.0 ** -decimals if decimals is not None else 0.0, rel * abs(want), 1e-9)
        return abs(got - want) <= tol * (1 + 1e-9)
    return compare


def number_pair(decimals: int) -> Compare:
    """Two numbers (e.g. precision and recall), each up to ``decimals`` decimals."""
    one = number(decimals)

    def compare(got, want):
        try:
            return len(got) == 2 and all(one(g, w) for g, w in zip(got, want))
        except TypeError:
            return False
    return compare


def key() -> Compare:
    """A key such as 'talent_war', forgiving case, spaces, hyphens and quotes around it."""
    def normal(text):
        return text.strip().strip("'\"`").strip().lower().replace(" ", "_").replace("-", "_")

    return lambda got, want: isinstance(got, str) and normal(got) == normal(want)


def folder() -> Compare:
    """A folder name, forgiving a trailing slash, a leading './' and case."""
    def normal(text):
        text = text.strip().strip("'\"`").replace("\\", "/").lower()
        return text.removeprefix("./").rstrip("/")

    return lambda got, want: isinstance(got, str) and normal(got) == normal(want)


def topic_name() -> Compare:
    """A topic name such as 'T7', forgiving case, spaces and a bare number (7)."""
    def compare(got, want):
        got = got.item() if isinstance(got, np.generic) else got
        if isinstance(got, numbers.Integral) and not isinstance(got, bool):
            got = f"T{int(got)}"
        return isinstance(got, str) and got.strip().upper().replace(" ", "") == want.upper()
    return compare
