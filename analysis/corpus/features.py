"""Extracted features: per-turn bags of token counts, for documents whose text is not ours.

Modelled on HathiTrust Extracted Features (Jett et al. 2020): the running text is not
kept, only what non-consumptive analysis needs. Schema ``ai-discourse-features/1``, one
JSON Lines file per interview (``corpus/features/<doc_id>.jsonl``):

* line 1, the document header: ``{"schema", "doc_id", "metadata": {catalog fields},
  "extraction": {tokenizer, phrase list sha256, ...}}``;
* each further line, one turn: ``{"turn_id", "speaker", "role", "timestamp",
  "segment", "n_tokens", "counts": {token: count}, "themes": {theme: hits}}``, ``themes``
  being the non-zero theme hits under the context rules (:mod:`analysis.text.theme_rules`),
  whose version is the header's ``extraction.theme_rules_sha256``.

Tokens are lower-cased surface forms from :func:`analysis.text.tokenize.tokenize`, with the
project's multiword terms (``corpus/phrases.csv``) merged before counting; stopwords are
kept (removing them is an analysis choice). Keys are sorted, so re-extraction from the
same raw file gives the same bytes. See ``corpus/README.md`` for the full description.
"""
from __future__ import annotations

import json

from analysis.core.textio import InputError, atomic_write_text, read_text, sha256_file
from analysis.text.theme_rules import default_rules, turn_theme_hits
from analysis.text.tokenize import count_tokens
from analysis.core.turns import Turn
from analysis.core.frozen import FrozenCounter

SCHEMA = "ai-discourse-features/1"
#: Keys every turn record has (a file missing one is refused, naming the line).
TURN_KEYS = ("turn_id", "speaker", "role", "timestamp", "segment", "n_tokens", "counts")
TOKENIZER_ID = "analysis.tokenize/2"  # the tokenizer's version id in features files (not a module path); /2: a term starting inside a multi-token chunk after a match ran into the next chunk is no longer counted twice (session 11)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def turn_features(turns: list[Turn], lang: str) -> list[dict]:
    """Per-turn records with the bag of tokens instead of the text."""
    records = []
    for turn_id, turn in enumerate(turns, start=1):
        counts = count_tokens(turn.text, lang)
        records.append({"turn_id": turn_id, "speaker": turn.speaker, "role": turn.role,
                        "timestamp": turn.timestamp, "segment": turn.segment,
                        "n_tokens": sum(counts.values()), "counts": dict(sorted(counts.items())),
                        "themes": turn_theme_hits(turn.text, lang)})
    return records


def summarize_records(records: list[dict]) -> dict:
    """``{n_tokens, n_turns}`` over the interview segment: the catalog's computed sizes."""
    interview = [r for r in records if r["segment"] == "interview"]
    return {"n_tokens": sum(r["n_tokens"] for r in interview), "n_turns": len(interview)}


def format_features(meta: dict, records: list[dict], phrases_path) -> str:
    """The JSON Lines text of a features document.

    The header carries the interview segment's size (``summary``), so the catalog can be
    rebuilt from the first line of each file without reading every turn.
    """
    header = {"schema": SCHEMA, "doc_id": meta["doc_id"], "metadata": meta,
              "extraction": {"tokenizer": TOKENIZER_ID, "lowercased": True, "stopwords_kept": True,
                             "phrases_sha256": sha256_file(phrases_path),
                             "theme_rules_sha256": default_rules().version_},
              "summary": summarize_records(records)}
    return "\n".join(_dumps(line) for line in [header, *records]) + "\n"


def write_features(path, meta: dict, records: list[dict], phrases_path) -> None:
    """Write a features document atomically."""
    atomic_write_text(path, format_features(meta, records, phrases_path))


def read_features_header(path) -> dict:
    """The first line (the header) of a features document, without reading its turns."""
    with open(path, encoding="utf-8") as handle:
        line = handle.readline()
    try:
        header = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(path, f"header is not JSON ({error.msg})", line=1) from None
    if header.get("schema") != SCHEMA:
        raise InputError(path, f"schema {header.get('schema')!r} is not {SCHEMA!r}", line=1,
                         hint="re-extract with `python -m analysis extract`")
    return header


def read_features(path) -> tuple[dict, list[dict]]:
    """Read a features document: ``(metadata, turn records)`` with ``counts`` as Counters."""
    lines = read_text(path).splitlines()
    if not lines:
        raise InputError(path, "empty features file")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError as error:
        raise InputError(path, f"header is not JSON ({error.msg})", line=1) from None
    if not isinstance(header, dict):
        raise InputError(path, "header is not a JSON object", line=1)
    if header.get("schema") != SCHEMA:
        raise InputError(path, f"schema {header.get('schema')!r} is not {SCHEMA!r}", line=1,
                         hint="re-extract with `python -m analysis extract --raw DIR`")
    records = []
    for line_no, line in enumerate(lines[1:], start=2):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, f"turn record is not JSON ({error.msg})", line=line_no) from None
        missing = [key for key in TURN_KEYS if key not in record] if isinstance(record, dict) else ["all"]
        if missing or not isinstance(record["counts"], dict) or not isinstance(record["n_tokens"], int):
            raise InputError(path, f"turn record lacks {', '.join(missing) or 'a counts object or whole n_tokens'}",
                             line=line_no, hint="re-extract with `python -m analysis extract --raw DIR`")
        record["counts"] = FrozenCounter(record["counts"])
        records.append(record)
    if not isinstance(header.get("metadata"), dict):
        raise InputError(path, "header lacks its metadata object", line=1,
                         hint="re-extract with `python -m analysis extract --raw DIR`")
    return header["metadata"], records
