"""The reference code of every coded turn: one coder's codes, the coders' agreed codes, or an
adjudicator's decision where coders disagree.

Content analysis keeps the codes of a double-coded unit only where the coders agree and
resolves the rest by a third reading against the codebook (Krippendorff 2018, *Content
Analysis*, 4th ed., ch. 12; Neuendorf 2017, *The Content Analysis Guidebook*, ch. 6). Here,
per turn of ``corpus/themes/coding.csv`` and per theme:

* a turn coded by **one** coder: that coder's code;
* a turn coded by **two or more** coders who agree on the theme: the agreed code;
* where they **disagree**: the code in ``corpus/themes/adjudication.csv``
  (:data:`ADJUDICATION_COLUMNS`: ``doc_id, turn_id, theme, adjudicator, adjudicator_type,
  code, rule``), one row per disagreement. ``adjudicator_type`` is ``human``, ``model`` or
  ``program`` as for coders; ``rule`` names the codebook edge case the decision applies (each
  new rule is written into ``codebook.md``). :func:`disagreements` lists what is left to
  adjudicate (``python -m analysis adjudicate``);
* a disagreement not adjudicated yet is **pending**: :func:`reference_table` then uses the
  first coder listed in the coding table (the sample's primary coder) and counts the turn in
  ``pending`` (``pending="error"`` refuses instead). Validation reports how many are pending.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, read_csv_table
from analysis.measures.coding import CODER_TYPES

ADJUDICATION_FILE = Path("themes") / "adjudication.csv"
ADJUDICATION_COLUMNS = ["doc_id", "turn_id", "theme", "adjudicator", "adjudicator_type", "code", "rule"]
PENDING = ("first", "error")


def _coders(coding: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(coding["coder"]))


def _code_spread(coding: pd.DataFrame, themes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coding table ranked by (doc_id, turn_id, coder order), and per turn whether its
    coders disagree on each theme (``True`` where the smallest and largest code differ)."""
    order = {c: i for i, c in enumerate(_coders(coding))}
    ranked = (coding.assign(_order=coding["coder"].map(order))
              .sort_values(["doc_id", "turn_id", "_order"], kind="stable"))
    by_turn = ranked.groupby(["doc_id", "turn_id"], sort=True)[themes]
    return ranked, by_turn.max() != by_turn.min()


def disagreements(coding: pd.DataFrame, themes=None, adjudication: pd.DataFrame | None = None, *,
                  include_done: bool = False) -> pd.DataFrame:
    """The (turn, theme) pairs on which the coders of a turn disagree, one row each, sorted by
    (doc_id, turn_id, theme): ``doc_id, turn_id, theme, codes`` (``coder=code; ...``),
    ``notes`` (each coder's note), and the adjudication columns, empty for an adjudicator to
    fill (filled from ``adjudication`` where a decision exists). Decided pairs are left out
    unless ``include_done``."""
    themes = list(themes or coding.attrs["themes"])
    done = {}
    if adjudication is not None and len(adjudication):
        done = {(d, int(t), th): row for d, t, th, row in zip(adjudication["doc_id"], adjudication["turn_id"],
                                                              adjudication["theme"],
                                                              adjudication.to_dict("records"))}
    ranked, differ = _code_spread(coding, themes)
    turns = ranked.set_index(["doc_id", "turn_id"]).sort_index(kind="stable")
    rows = []
    for (doc_id, turn_id), flags in differ[differ.any(axis=1)].iterrows():
        part = turns.loc[[(doc_id, turn_id)]]
        for theme in (t for t in themes if flags[t]):
            key = (doc_id, int(turn_id), theme)
            if key in done and not include_done:
                continue
            decided = done.get(key, {})
            notes = "; ".join(f"{c}: {n}" for c, n in zip(part["coder"], part.get("note", [""] * len(part))) if n)
            rows.append({"doc_id": doc_id, "turn_id": int(turn_id), "theme": theme,
                         "codes": "; ".join(f"{c}={int(v)}" for c, v in zip(part["coder"], part[theme])),
                         "notes": notes, **{c: decided.get(c, "") for c in ADJUDICATION_COLUMNS[3:]}})
    return pd.DataFrame(rows, columns=["doc_id", "turn_id", "theme", "codes", "notes", *ADJUDICATION_COLUMNS[3:]])


def load_adjudication(path=None, *, themes) -> pd.DataFrame:
    """The adjudications, checked row by row (errors name the file and line); an absent file
    is an empty table (nothing adjudicated yet)."""
    path = Path(path) if path else corpus_dir() / ADJUDICATION_FILE
    if not path.exists():
        return pd.DataFrame(columns=ADJUDICATION_COLUMNS)
    _, records = read_csv_table(path, ADJUDICATION_COLUMNS, what="adjudication table",
                                hint="list what to adjudicate with `python -m analysis adjudicate --format csv`")
    rows, seen = [], {}
    for line, row in records:
        def fail(message, hint=None, line=line):
            raise InputError(path, message, line=line, hint=hint)
        rec = {k: (row.get(k) or "").strip() for k in ADJUDICATION_COLUMNS}
        try:
            rec["turn_id"] = int(rec["turn_id"])
        except ValueError:
            fail(f"turn_id {rec['turn_id']!r} is not an integer")
        if rec["theme"] not in themes:
            fail(f"unknown theme {rec['theme']!r}", f"the themes are {', '.join(themes)}")
        if rec["code"] not in ("0", "1"):
            fail(f"code {rec['code']!r} is not 0 or 1", "1 if the turn talks about the theme, else 0")
        if not rec["adjudicator"]:
            fail("empty adjudicator", "write who adjudicated")
        if rec["adjudicator_type"] not in CODER_TYPES:
            fail(f"adjudicator_type {rec['adjudicator_type']!r} is not one of {', '.join(CODER_TYPES)}",
                 "a language model is 'model', a script 'program'; only a person is 'human'")
        if not rec["rule"]:
            fail("empty rule", "name the codebook rule (edge case) the decision applies")
        key = (rec["doc_id"], rec["turn_id"], rec["theme"])
        if key in seen:
            fail(f"{key[0]} #{key[1]} {key[2]} is adjudicated twice", f"first at line {seen[key]}")
        seen[key] = line
        rows.append({**rec, "code": int(rec["code"]), "line": line})
    return pd.DataFrame(rows, columns=[*ADJUDICATION_COLUMNS, "line"])


def reference_table(coding: pd.DataFrame, adjudication: pd.DataFrame | None = None, themes=None, *,
                    pending: str = "first", path=None) -> pd.DataFrame:
    """One row per coded turn with its reference codes (module docstring).

    Columns ``doc_id, turn_id, coder, coder_type, <themes>, n_coders, adjudicated, pending``:
    ``coder`` is the single coder, or the coders joined by ``+`` (``coder_type`` theirs when
    they share one, else ``mixed``); ``adjudicated`` / ``pending`` count the turn's themes
    decided by adjudication / still undecided. ``attrs["pending"]`` is the number of pending
    (turn, theme) pairs. An adjudication row that is not a disagreement of the coding table
    is an error naming its line (``path``, for the message)."""
    if pending not in PENDING:
        raise ValueError(f"pending must be one of {', '.join(PENDING)}, got {pending!r}")
    themes = list(themes or coding.attrs["themes"])
    path = Path(path) if path else corpus_dir() / ADJUDICATION_FILE
    adjudication = adjudication if adjudication is not None else pd.DataFrame(columns=ADJUDICATION_COLUMNS)
    open_pairs = disagreements(coding, themes)
    open_keys = set(zip(open_pairs["doc_id"], open_pairs["turn_id"], open_pairs["theme"]))
    decided = {}
    for rec in adjudication.to_dict("records"):
        key = (rec["doc_id"], int(rec["turn_id"]), rec["theme"])
        if key not in open_keys:
            raise InputError(path, f"{key[0]} #{key[1]} {key[2]}: the coders of this turn do not disagree on it "
                             "(or it is not double-coded)", line=rec.get("line"),
                             hint="adjudicate only the pairs `python -m analysis adjudicate` lists")
        decided[key] = int(rec["code"])
    ranked, differ = _code_spread(coding, themes)
    by_turn = ranked.groupby(["doc_id", "turn_id"], sort=True)
    table = by_turn[themes].first().astype(np.int64)   # the agreed code, or the first coder's
    adjudicated = pd.DataFrame(False, index=table.index, columns=themes)
    for (doc_id, turn_id, theme), code in decided.items():
        table.loc[(doc_id, turn_id), theme] = code
        adjudicated.loc[(doc_id, turn_id), theme] = True
    pending_pairs = differ & ~adjudicated
    if pending == "error" and pending_pairs.to_numpy().any():
        (doc_id, turn_id), flags = next(iter(pending_pairs[pending_pairs.any(axis=1)].iterrows()))
        theme = next(t for t in themes if flags[t])
        raise ValueError(f"{doc_id} #{turn_id} {theme}: the coders disagree and no adjudication exists; "
                         f"add it to {path} (`python -m analysis adjudicate` lists them)")
    types = by_turn["coder_type"].first().where(by_turn["coder_type"].nunique() == 1, "mixed")
    table = table.assign(coder=by_turn["coder"].agg(" + ".join), coder_type=types, n_coders=by_turn.size(),
                         adjudicated=adjudicated.sum(axis=1), pending=pending_pairs.sum(axis=1)).reset_index()
    n_pending = int(pending_pairs.to_numpy().sum())
    counts = {column: table[column].astype(int) for column in ("turn_id", "n_coders", "adjudicated", "pending")}
    table = table.assign(**counts)[["doc_id", "turn_id", "coder", "coder_type", *themes, "n_coders",
                                    "adjudicated", "pending"]]
    table.attrs.update(themes=themes, pending=n_pending, adjudicated=len(decided))
    return table
