"""``corpus/catalog.csv``: one row per interview, the corpus's table of contents.

The catalog is derived: ``python -m analysis build`` regenerates it from the metadata
headers of the curated files (``corpus/interviews/*.txt``, full text) and the extracted
features (``corpus/features/*.jsonl``), so the two can never disagree.
"""
from __future__ import annotations

import csv
import io
import re

from analysis.core.textio import InputError, atomic_write_text

CATALOG_FILE = "catalog.csv"
# The anchor document: the seed, La Tribune's April 2024 interview with Joelle Pineau.
SEED_DOC_ID = "2024-04_pineau_latribune"
# Values of the catalog's ``speaker_labels`` under which turns carry real speaker roles.
LABELLED = ("yes", "inferred")
#: ``speaker_labels`` of caption documents whose roles the speaker model attributed (issue 13).
MODEL_LABELS = "model"


def role_labels(model_roles: bool = True) -> tuple[str, ...]:
    """``speaker_labels`` values whose turns carry roles; ``model`` ones only if ``model_roles``."""
    return LABELLED + ((MODEL_LABELS,) if model_roles else ())

COLUMNS = [
    "doc_id", "title", "interviewee", "organization", "interviewee_role", "date", "date_precision", "date_evidence",
    "outlet", "format", "language", "text_availability", "speaker_labels", "turn_unit",
    "n_tokens", "n_turns", "truncated", "source_file", "source_sha256", "source_repo", "source_path",
    "source_commit", "source_url", "licence", "notes",
]
REQUIRED = ["doc_id", "interviewee", "organization", "date", "date_precision", "language", "format"]
DATE_PRECISIONS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
TEXT_AVAILABILITY = ("full", "features")
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def check_metadata(meta: dict, path=None) -> dict:
    """Validate one document's metadata; raise :class:`InputError` saying what to fix."""
    missing = [key for key in REQUIRED if not str(meta.get(key) or "").strip()]
    if missing:
        raise InputError(path, f"missing metadata: {', '.join(missing)}",
                         hint="give each as a flag or in the file's header")
    if not DOC_ID.match(meta["doc_id"]):
        raise InputError(path, f"doc_id {meta['doc_id']!r} must be lower-case letters, digits, '_', '-', '.'")
    precision = meta["date_precision"]
    if precision not in DATE_PRECISIONS:
        raise InputError(path, f"date_precision {precision!r} must be one of {', '.join(DATE_PRECISIONS)}")
    if not re.fullmatch(DATE_PRECISIONS[precision], meta["date"]):
        example = {"day": "2024-04-18", "month": "2024-04", "year": "2024"}[precision]
        raise InputError(path, f"date {meta['date']!r} does not match precision {precision!r}",
                         hint=f"write it like {example}")
    if meta["language"] not in ("fr", "en"):
        raise InputError(path, f"language {meta['language']!r} is not supported", hint="use fr or en")
    if meta.get("text_availability") not in (None, "", *TEXT_AVAILABILITY):
        raise InputError(path, f"text_availability must be one of {TEXT_AVAILABILITY}")
    unknown = set(meta) - set(COLUMNS)
    if unknown:
        raise InputError(path, f"unknown metadata keys: {', '.join(sorted(unknown))}",
                         hint=f"known keys: {', '.join(COLUMNS)}")
    return meta


def format_catalog(rows: list[dict]) -> str:
    """CSV text of catalog rows, sorted by date then doc_id (deterministic)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r["date"], r["doc_id"])):
        writer.writerow({key: "" if row.get(key) is None else row.get(key) for key in COLUMNS})
    return out.getvalue()


def write_catalog(path, rows: list[dict]) -> None:
    """Write the catalog atomically; refuse duplicate ids."""
    seen = set()
    for row in rows:
        if row["doc_id"] in seen:
            raise InputError(path, f"duplicate doc_id {row['doc_id']!r} in the corpus")
        seen.add(row["doc_id"])
    atomic_write_text(path, format_catalog(rows))
