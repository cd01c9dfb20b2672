"""``python -m analysis check``: is the corpus folder consistent?

What is checked, for each kind of problem one :class:`Finding`:

* ``catalog``: the catalog can be read (header, field counts, sizes, one row per id);
* ``missing``: a catalog row whose document file does not exist;
* ``unreadable``: a document that cannot be parsed;
* ``metadata``: a document's own header disagrees with its catalog row (any field,
  ``source_sha256`` included), or its doc_id differs from its file name;
* ``size``: ``n_turns`` / ``n_tokens`` recomputed from the document (interview segments,
  as :func:`analysis.ingest.build.catalog_rows` counts them) differ from the catalog's;
* ``source``: a raw source inside the project (``seeds/...``) whose sha256 is not the catalog's;
* ``orphan``: a document file with no catalog row (or in both ``interviews/`` and ``features/``);
* ``interrupted``: the journal of an add that did not finish;
* ``leftover``: a temporary file of an interrupted write (``.*.tmp``, ``.*.staged``, a backup).

``--repair`` (:func:`repair`) deals with the last two only, through
:func:`analysis.corpus.store.recover` (finish or roll back, delete temporary files), then
checks again. Everything else needs a person (or ``python -m analysis build``), so a repair
never deletes a document or edits the catalog beyond undoing an unfinished add.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.corpus.load import document_path, read_document
from analysis.corpus.store import (INTEGER_COLUMNS, journals, leftovers, locked, read_catalog_rows, recover,
                                   row_strings)
from analysis.core.paths import PROJECT_ROOT, corpus_dir
from analysis.core.textio import InputError, sha256_file


@dataclass(frozen=True)
class Finding:
    """One inconsistency: its kind (see the module docstring), the file, what is wrong."""

    kind: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.kind}]"


def document_sizes(records: list[dict]) -> tuple[int, int]:
    """``(n_turns, n_tokens)`` of a document's interview segments (the catalog's definition)."""
    interview = [r for r in records if r["segment"] == "interview"]
    return len(interview), sum(int(r["n_tokens"]) for r in interview)


def _check_row(root: Path, row: dict) -> list[Finding]:
    path = document_path(row["doc_id"], row["text_availability"], root)
    if not path.is_file():
        return [Finding("missing", str(path), f"listed in the catalog (doc_id {row['doc_id']!r}) but missing")]
    try:
        meta, records = read_document(path, row["language"])
    except (InputError, KeyError, TypeError, ValueError) as error:
        return [Finding("unreadable", str(path), str(error).removeprefix(f"{path}: "))]
    findings = []
    own = row_strings(meta)
    differing = [key for key in own if key not in INTEGER_COLUMNS and key in meta and own[key] != row[key]]
    if meta.get("doc_id") != path.stem:
        findings.append(Finding("metadata", str(path), f"doc_id {meta.get('doc_id')!r} differs from the file name"))
    if differing:
        findings.append(Finding("metadata", str(path), f"header differs from its catalog row in: {', '.join(differing)}"))
    n_turns, n_tokens = document_sizes(records)
    if (n_turns, n_tokens) != (int(row["n_turns"]), int(row["n_tokens"])):
        findings.append(Finding("size", str(path), f"has {n_turns} turns and {n_tokens} tokens, the catalog says "
                                                   f"{row['n_turns']} and {row['n_tokens']} (truncated or edited?)"))
    raw = PROJECT_ROOT / row["source_file"] if row["source_file"] and not Path(row["source_file"]).is_absolute() \
        else None
    if raw is not None and raw.is_file() and raw.resolve().is_relative_to(PROJECT_ROOT / "seeds"):
        if sha256_file(raw) != row["source_sha256"]:
            findings.append(Finding("source", str(raw), f"sha256 differs from the catalog's for {row['doc_id']!r}"))
    return findings


def check_corpus(root=None) -> list[Finding]:
    """Every inconsistency of the corpus folder (an empty list when it is consistent)."""
    root = Path(root or corpus_dir())
    findings = [Finding("interrupted", str(p), "an add did not finish (run `python -m analysis check --repair`)")
                for p in journals(root)]
    pending = {p.stem for p in journals(root)}  # their documents are reported as the unfinished add only
    findings += [Finding("leftover", str(p), "temporary file of an interrupted write") for p in leftovers(root)]
    try:
        rows = read_catalog_rows(root)
    except InputError as error:
        return findings + [Finding("catalog", str(error.path), str(error).removeprefix(f"{error.path}: "))]
    listed = set()
    for row in rows:
        listed.add(document_path(row["doc_id"], row["text_availability"], root))
        if row["doc_id"] not in pending:
            findings += _check_row(root, row)
    documents = sorted((root / "interviews").glob("*.txt")) + sorted((root / "features").glob("*.jsonl"))
    stems = [p.stem for p in documents]
    for path in documents:
        if path.stem in pending:
            continue
        if path not in listed:
            findings.append(Finding("orphan", str(path), "a document with no catalog row "
                                                         "(`python -m analysis build` regenerates the catalog)"))
        elif stems.count(path.stem) > 1:
            findings.append(Finding("orphan", str(path), "the same doc_id is in interviews/ and features/"))
    return findings


def repair(root=None) -> tuple[list[str], list[Finding]]:
    """Finish or roll back interrupted adds and remove temporary files (nothing else), under
    the corpus lock; ``(what was done, what is still wrong)``."""
    root = Path(root or corpus_dir())
    with locked(root):
        done = recover(root)
        return done, check_corpus(root)


def check(root=None) -> list[Finding]:
    """:func:`check_corpus` under the corpus lock (so that no add is half-way through)."""
    root = Path(root or corpus_dir())
    with locked(root):
        return check_corpus(root)
