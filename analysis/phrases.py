"""Merging multiword terms ("open source", "puissance de calcul") into single tokens.

The phrase list lives in ``corpus/phrases.csv``: one row per canonical term with its
spelled variants. Matching runs as one regular-expression pass over the lower-cased
text *before* tokenizing, so "open source", "open-source" and "Open Source" all become
the token ``open_source``. Words may be separated by spaces or hyphens; the last word
may take a plural ``s`` or ``x``. Longer variants win over their prefixes.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from .paths import corpus_dir
from .textio import InputError

PHRASES_FILE = "phrases.csv"


def _variant_pattern(variant: str) -> str:
    words = re.split(r"[\s\-]+", variant.strip().lower().replace("’", "'"))
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    if words[-1][-1:].isalpha():
        body += r"[sx]?"
    return body


def load_phrase_table(path=None) -> list[dict]:
    """Rows of the phrase list: ``lang``, ``canonical``, ``variants`` (list), ``note``."""
    path = Path(path) if path else corpus_dir() / PHRASES_FILE
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            if not row.get("canonical") or not row.get("variants"):
                raise InputError(path, "a row needs 'canonical' and 'variants'", line=line_no,
                                 hint="see the header: lang,canonical,variants,note")
            rows.append({"lang": row["lang"].strip() or "*", "canonical": row["canonical"].strip().lower(),
                         "variants": [v for v in row["variants"].split("|") if v.strip()],
                         "note": row.get("note", "")})
    return rows


@lru_cache(maxsize=8)
def _compiled(lang: str, path_key: str) -> tuple[re.Pattern, list[str]] | None:
    table = load_phrase_table(path_key or None)
    alternatives = []
    for row in table:
        if row["lang"] not in ("*", lang):
            continue
        for variant in row["variants"]:
            alternatives.append((len(variant), _variant_pattern(variant), row["canonical"]))
    if not alternatives:
        return None
    alternatives.sort(key=lambda item: -item[0])
    groups = "|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern, _) in enumerate(alternatives))
    regex = re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])")
    return regex, [canonical for _, _, canonical in alternatives]


def phrase_regex(lang: str, path=None):
    """The compiled phrase matcher for ``lang`` and the canonical term of each group (cached)."""
    return _compiled(lang, str(path) if path else str(corpus_dir() / PHRASES_FILE))


def merge_phrases(lowered_text: str, lang: str, path=None) -> str:
    """Replace every phrase variant in already lower-cased text with its canonical token."""
    compiled = phrase_regex(lang, path)
    if compiled is None:
        return lowered_text
    regex, names = compiled
    return regex.sub(lambda m: names[m.lastindex - 1], lowered_text)
