"""Checks for the values a notebook's ``parameters`` cell invites.

Each notebook calls ``check_parameters("NN", NAME=NAME, ...)`` right after its
parameters cell (and after any cell papermill injects). A value the notebook cannot use
is refused there, before any computation, with a message that names the parameter and
lists the values it accepts, instead of failing mid-notebook with an error about
something else. The allowed documents, themes and organizations are read from the
corpus, so a researcher's added interview is accepted where it can be used.
"""
from __future__ import annotations

import datetime as dt
import numbers
from typing import Any, Callable

from analysis.compare.comparisons import period_of
from analysis.corpus.load import load_catalog
from analysis.figures.paper import FIGURES
from analysis.measures.validation import load_hand_coding
from analysis.text.themes import load_dictionary

Rule = Callable[[Any], str | None]  # None when the value is fine, else what is allowed


class ParameterError(ValueError):
    """A notebook parameter has a value the notebook cannot use."""


def _listing(values) -> str:
    values = list(values)
    return ", ".join(repr(v) for v in values) if values else "(none in this corpus)"


def one_of(allowed: Callable[[], list] | tuple, what: str = "one of") -> Rule:
    """The value must be one of ``allowed`` (a tuple, or a function returning the list)."""
    def rule(value):
        options = list(allowed() if callable(allowed) else allowed)
        return None if value in options else f"{what} {_listing(options)}"
    return rule


def some_of(allowed: Callable[[], list] | tuple, *, none_ok: bool = False, empty_ok: bool = False) -> Rule:
    """A list (or tuple) of values from ``allowed``; ``None`` too when ``none_ok``."""
    def rule(value):
        options = list(allowed() if callable(allowed) else allowed)
        lead = "None or " if none_ok else ""
        if value is None and none_ok:
            return None
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return f"{lead}a list of values from {_listing(options)}"
        if not value and not empty_ok:
            return f"{lead}a non-empty list of values from {_listing(options)}"
        unknown = [v for v in value if v not in options]
        return f"{lead}a list of values from {_listing(options)}; unknown: {_listing(unknown)}" if unknown else None
    return rule


def integer(low: int, high: int | None = None) -> Rule:
    """A whole number in ``[low, high]``."""
    def rule(value):
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low \
            and (high is None or value <= high)
        return None if ok else f"a whole number {span}"
    return rule


def integers(low: int, min_length: int = 1) -> Rule:
    """A list or tuple of at least ``min_length`` distinct whole numbers, each ``low`` or more."""
    one = integer(low)

    def rule(value):
        ok = isinstance(value, (list, tuple)) and len(set(value)) == len(value) >= min_length \
            and all(one(v) is None for v in value)
        return None if ok else f"a tuple of at least {min_length} distinct whole numbers, each {low} or more"
    return rule


def boolean() -> Rule:
    """True or False."""
    return lambda value: None if isinstance(value, bool) else "True or False"


def iso_date() -> Rule:
    """A date written YYYY-MM-DD."""
    def rule(value):
        try:
            dt.date.fromisoformat(value)
            return None
        except (TypeError, ValueError):
            return "a date written 'YYYY-MM-DD', e.g. '2022-11-30'"
    return rule


def text_list() -> Rule:
    """A non-empty list of words."""
    def rule(value):
        ok = isinstance(value, (list, tuple)) and value and all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else "a non-empty list of words, e.g. ['gpu', 'calcul']"
    return rule


def folder_or_none() -> Rule:
    """None or a folder path (text)."""
    return lambda value: None if value is None or (isinstance(value, str) and value.strip()) else \
        "None or a folder path such as 'my_figures'"


# --- what the corpus offers --------------------------------------------------------------

def full_text_documents() -> list[str]:
    """Documents stored with their running text (the seed and any interview you added)."""
    catalog = load_catalog()
    return sorted(catalog.loc[catalog["text_availability"] == "full", "doc_id"])


def french_full_text_documents() -> list[str]:
    """Full-text French documents: what notebook 04 projects into the English topic space."""
    catalog = load_catalog()
    return sorted(catalog.loc[(catalog["text_availability"] == "full") & (catalog["language"] == "fr"), "doc_id"])


def fully_coded_documents() -> list[str]:
    """Documents whose every turn is in the hand coding (notebook 03 compares them turn by turn)."""
    catalog = load_catalog()
    coding = load_hand_coding()
    coded = coding.groupby("doc_id").size()
    return sorted(doc for doc, n in zip(catalog["doc_id"], catalog["n_turns"]) if coded.get(doc, 0) >= n > 0)


def documents() -> list[str]:
    """Every document of the catalog."""
    return sorted(load_catalog()["doc_id"])


def themes() -> list[str]:
    """The theme dictionary's themes, in its order."""
    return list(dict.fromkeys(load_dictionary()["theme"]))


def organizations() -> list[str]:
    """Organizations of the catalog."""
    return sorted(set(load_catalog()["organization"]))


def figure_names() -> list[str]:
    """The registered exports of the paper figure set."""
    return list(FIGURES)


def _checked_with_group_column(value) -> None:
    """GROUP_A and GROUP_B are checked against GROUP_COLUMN's values in :func:`check_parameters`."""
    return None


GROUP_COLUMNS = {"organization": organizations, "format": lambda: sorted(set(load_catalog()["format"])),
                 "interviewee": lambda: sorted(set(load_catalog()["interviewee"]))}

RULES: dict[str, dict[str, Rule]] = {
    "00": {"SHOW_ALL_PACKAGES": boolean()},
    "01": {"SEED": one_of(full_text_documents, "a document with running text (text_availability 'full'):")},
    "02": {"SEED": one_of(full_text_documents, "a document with running text (text_availability 'full'):"),
           "COMPUTE_TERMS": text_list(), "TOP_N": integer(1, 200)},
    "03": {"SEED": one_of(fully_coded_documents, "a document whose every turn is hand coded:"),
           "THEMES": some_of(themes, none_ok=True), "N_BOOT": integer(100, 100_000),
           "BOOT_SEED": integer(0), "K": integer(1, 20), "ERROR_THEME": one_of(themes, "a theme:")},
    "04": {"K_RANGE": integers(2), "FULL_SWEEP": boolean(), "RANDOM_STATES": integers(0, min_length=2),
           "CHUNK_TOKENS": integer(50, 5000), "MIN_DF": integer(1, 100), "KIND": one_of(("nmf", "lda")),
           "N_JOBS": integer(1, 64), "N_BOOT": integer(100, 100_000),
           "SEED_DOC": one_of(french_full_text_documents, "a French document with running text:")},
    "05": {"SEED": one_of(documents, "a document of the catalog:"), "THEMES": some_of(themes),
           "FOCUS_ORG": one_of(organizations, "an organization of the catalog:"),
           "GROUP_COLUMN": one_of(tuple(GROUP_COLUMNS)),
           "GROUP_A": _checked_with_group_column, "GROUP_B": _checked_with_group_column, "SCATTER_LANG": one_of(("en",)),
           "CUT_DATE": iso_date(), "INCLUDE_SEED_IN_GROUPS": boolean(),
           "N_BOOT": integer(100, 100_000), "RANDOM_STATE": integer(0), "WIDTH": one_of(("one", "two"))},
    "06": {"EXPORT": some_of(figure_names, none_ok=True), "PREVIEW": one_of(figure_names, "a figure name:"),
           "OUTDIR": folder_or_none()},
}


def _dates_containing(cut: str) -> list[str]:
    """Documents dated only to a month or year whose span contains ``cut`` (they cannot be placed)."""
    catalog = load_catalog()
    unplaceable = []
    for doc, date, precision in zip(catalog["doc_id"], catalog["date"], catalog["date_precision"]):
        try:
            period_of(date, precision, cut)
        except ValueError:
            unplaceable.append(doc)
    return unplaceable


def check_parameters(notebook: str, **values) -> None:
    """Refuse, with one message listing what is allowed, any value notebook ``notebook`` cannot use.

    ``check_parameters("03", SEED=SEED, K=K)``; raises :class:`ParameterError` naming
    every bad parameter, its value and the values it accepts.
    """
    rules = RULES[notebook]
    unknown = sorted(set(values) - set(rules))
    if unknown:
        raise ParameterError(f"notebook {notebook} has no parameter(s) {', '.join(unknown)}; "
                             f"its parameters: {', '.join(rules)}")
    problems = [f"  {name} = {value!r}: use {message}" for name, value in values.items()
                if (message := rules[name](value)) is not None]
    if notebook == "05" and values.get("GROUP_COLUMN") in GROUP_COLUMNS:
        column_values = GROUP_COLUMNS[values["GROUP_COLUMN"]]()
        problems += [f"  {name} = {values[name]!r}: use a value of {values['GROUP_COLUMN']}: "
                     f"{_listing(column_values)}" for name in ("GROUP_A", "GROUP_B")
                     if name in values and values[name] not in column_values]
        if values.get("GROUP_A") == values.get("GROUP_B"):
            problems.append("  GROUP_A and GROUP_B must differ")
    if notebook == "05" and "CUT_DATE" in values and rules["CUT_DATE"](values["CUT_DATE"]) is None:
        unplaceable = _dates_containing(values["CUT_DATE"])
        if unplaceable:
            problems.append(f"  CUT_DATE = {values['CUT_DATE']!r}: falls inside the imprecise date of "
                            f"{_listing(unplaceable)}; use a date before or after it")
    if problems:
        raise ParameterError(f"notebook {notebook}: parameter values it cannot use (change them in the "
                             "parameters cell):\n" + "\n".join(problems))
