"""Coded turns: the validation sample's coding table, agreement between coders, and a
researcher's own coding located by quotes.

* ``corpus/themes/sample.csv`` (:func:`load_sample`): the drawn turns with their stratum,
  inclusion probability and interview split (:func:`analysis.measures.sampling.design_sample`).
* ``corpus/themes/coding.csv`` (:func:`load_coding`): one row per turn and coder:
  ``doc_id, turn_id, coder, coder_type, <one 0/1 column per theme>, note``. ``coder_type`` is
  ``human``, ``model`` (a language model coding from the codebook) or ``program``: a
  model or a program is never called human. A turn's reference code (one coder's, the
  coders' agreed code or an adjudicator's) is built by :mod:`analysis.measures.adjudication`.
* Agreement between coders: :mod:`analysis.measures.agreement`.
* A researcher's coding (:func:`load_quote_coding`): ``doc_id, quote, <themes>`` and optional
  ``coder, note``; the quote (>= 8 words, verbatim) finds its turn after Unicode NFKC,
  case folding and whitespace collapsing (:func:`normalise_quote`). Running text exists only
  for full-text documents, so quotes locate turns of those only.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, read_csv_table
from analysis.measures.sampling import DESIGN_COLUMNS

SAMPLE_FILE = Path("themes") / "sample.csv"
CODING_FILE = Path("themes") / "coding.csv"
CODING_ID_COLUMNS = ("doc_id", "turn_id", "coder", "coder_type")
CODER_TYPES = ("human", "model", "program")
MIN_QUOTE_WORDS = 8
_SPACE = re.compile(r"\s+")


def load_sample(path=None) -> pd.DataFrame:
    """The drawn validation sample (ids, strata, probabilities, splits; no text)."""
    path = Path(path) if path else corpus_dir() / SAMPLE_FILE
    _, records = read_csv_table(path, DESIGN_COLUMNS, what="validation sample",
                                hint="draw it with analysis.measures.sampling.design_sample (see codebook.md)")
    rows = []
    for line, row in records:
        try:
            pi = float(row["inclusion_probability"])
            turn_id, n_tokens = int(row["turn_id"]), int(row["n_tokens"])
        except ValueError:
            raise InputError(path, "turn_id, n_tokens or inclusion_probability is not a number", line=line) from None
        if not 0 < pi <= 1:
            raise InputError(path, f"inclusion probability {pi} is not in (0, 1]", line=line)
        rows.append({**row, "turn_id": turn_id, "inclusion_probability": pi, "n_tokens": n_tokens})
    return pd.DataFrame(rows, columns=DESIGN_COLUMNS)


def _codes(row: dict, themes, fail) -> dict:
    out = {}
    for theme in themes:
        value = (row.get(theme) or "").strip()
        if value not in ("0", "1"):
            fail(f"code {value!r} for {theme} is not 0 or 1", "code 1 if the turn talks about the theme, else 0")
        out[theme] = int(value)
    return out


def _theme_columns(header, fixed, themes, path) -> None:
    coded = [c for c in header if c not in (*fixed, "note")]
    unknown = [c for c in coded if c not in themes]
    if unknown:
        raise InputError(path, f"unknown theme column(s): {', '.join(unknown)}", line=1,
                         hint=f"the themes are {', '.join(themes)}")
    absent = [t for t in themes if t not in coded]
    if absent:
        raise InputError(path, f"no column for theme(s) {', '.join(absent)}", line=1,
                         hint="code every theme (0 or 1)")


def load_coding(path=None, *, themes) -> pd.DataFrame:
    """The coding table, checked row by row (errors name the file and line)."""
    path = Path(path) if path else corpus_dir() / CODING_FILE
    header, records = read_csv_table(path, (*CODING_ID_COLUMNS, "note"), what="coding table",
                                     hint="see the coding section of corpus/themes/codebook.md")
    _theme_columns(header, CODING_ID_COLUMNS, themes, path)
    rows, seen = [], {}
    for line, row in records:
        def fail(message, hint=None, line=line):
            raise InputError(path, message, line=line, hint=hint)
        rec = {k: (row.get(k) or "").strip() for k in (*CODING_ID_COLUMNS, "note")}
        try:
            rec["turn_id"] = int(rec["turn_id"])
        except ValueError:
            fail(f"turn_id {rec['turn_id']!r} is not an integer")
        if not rec["coder"]:
            fail("empty coder", "write who coded the turn")
        if rec["coder_type"] not in CODER_TYPES:
            fail(f"coder_type {rec['coder_type']!r} is not one of {', '.join(CODER_TYPES)}",
                 "a language model is 'model', a script 'program'; only a person is 'human'")
        key = (rec["doc_id"], rec["turn_id"], rec["coder"])
        if key in seen:
            fail(f"turn {key[0]} #{key[1]} is coded twice by {key[2]}", f"first at line {seen[key]}")
        seen[key] = line
        rows.append({**rec, **_codes(row, themes, fail)})
    table = pd.DataFrame(rows, columns=[*CODING_ID_COLUMNS, *themes, "note"])
    table.attrs["themes"] = list(themes)
    return table


# --- a researcher's coding, located by quotes ---------------------------------------------

def normalise_quote(text: str) -> str:
    """Unicode NFKC, case folding, whitespace collapsed to single spaces, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def locate_quote(quote: str, doc_id: str, turns: pd.DataFrame) -> list[int]:
    """The turn ids of ``doc_id`` whose normalised text contains the normalised quote."""
    needle = normalise_quote(quote)
    part = turns[turns["doc_id"] == doc_id]
    return [int(t) for t, text in zip(part["turn_id"], part["text"]) if needle in normalise_quote(text)]


def load_quote_coding(path, turns: pd.DataFrame, *, themes) -> pd.DataFrame:
    """A researcher's coding: ``doc_id, quote, <themes>``, optional ``coder, note``.

    Each quote must be at least eight words, verbatim from one turn of a full-text
    document of ``turns``. Errors name the CSV line: unknown document, features-only
    document (no running text to find a quote in), short quote, a quote found in no turn
    or in several turns. Returns ``doc_id, turn_id, coder, <themes>, note, line``.
    """
    path = Path(path)
    header, records = read_csv_table(path, ("doc_id", "quote"), what="coding file",
                                     hint="columns doc_id, quote, one 0/1 column per theme, optional coder, note")
    _theme_columns(header, ("doc_id", "quote", "coder"), themes, path)
    availability = dict(zip(turns["doc_id"], turns["text_availability"]))
    rows, seen = [], {}
    for line, row in records:
        def fail(message, hint=None, line=line):
            raise InputError(path, message, line=line, hint=hint)
        doc_id, quote = (row.get("doc_id") or "").strip(), row.get("quote") or ""
        if doc_id not in availability:
            fail(f"unknown doc_id {doc_id!r}", "use a doc_id of corpus/catalog.csv (`python -m analysis corpus`)")
        if availability[doc_id] != "full":
            fail(f"{doc_id} is a features-only document: the project keeps no running text of it, so a "
                 "quote cannot be located", "code full-text documents (the seed, interviews added with "
                 "`python -m analysis add`)")
        if len(normalise_quote(quote).split()) < MIN_QUOTE_WORDS:
            fail(f"the quote has fewer than {MIN_QUOTE_WORDS} words", "copy a longer verbatim snippet of the turn")
        found = locate_quote(quote, doc_id, turns)
        if not found:
            fail(f"the quote matches no turn of {doc_id}", "copy it verbatim from the turn (spacing and case "
                 "do not matter)")
        if len(found) > 1:
            fail(f"the quote matches {len(found)} turns of {doc_id} ({', '.join(map(str, found))})",
                 "use a longer snippet that only one turn contains")
        key = (doc_id, found[0])
        if key in seen:
            fail(f"turn {doc_id} #{found[0]} is coded twice", f"first at line {seen[key]}")
        seen[key] = line
        rows.append({"doc_id": doc_id, "turn_id": found[0], "coder": (row.get("coder") or "").strip(),
                     **_codes(row, themes, fail), "note": (row.get("note") or "").strip(), "line": line})
    if not rows:
        raise InputError(path, "the coding file has no rows")
    table = pd.DataFrame(rows, columns=["doc_id", "turn_id", "coder", *themes, "note", "line"])
    table.attrs["themes"] = list(themes)
    return table
