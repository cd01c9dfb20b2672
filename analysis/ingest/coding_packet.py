"""Maintainers: the coding packet, i.e. the running text of sampled turns, for blind coding.

Coders read the turns, not the instrument: the packet holds each turn's text (and the end
of the previous turn, which codebook rule 2 allows for resolving pronouns), never theme
hits, rule output or model probabilities. Third-party texts are re-parsed from the raw
transcripts exactly as :mod:`analysis.ingest.extract` numbers turns (through its
:func:`~analysis.ingest.extract.document_turns`): the corpus-v1 folder ``../shared/interviews``
(with its ``manifest.csv``) and the corpus-v2 selection (``corpus/candidates.csv`` over
``../shared/lex-archive`` and ``../shared/interviews-extra``); full-text documents are read
from the corpus.
The packet is printed, never written into the project: it contains copyrighted text.
"""
from __future__ import annotations

from pathlib import Path

from analysis.core.textio import InputError, read_text
from analysis.corpus.fulltext import read_fulltext
from analysis.corpus.load import document_path
from analysis.ingest.extract import document_turns as parsed_turns
from analysis.ingest.extract import hosts_for, read_manifest
from analysis.ingest.importers import detect_shape
from analysis.ingest.selection import selected_documents

CONTEXT_WORDS = 60


def _raw_turns(raw_dir: Path) -> dict[str, tuple]:
    """``{doc_id: (manifest row, raw path)}`` for the raw folder."""
    return {(raw_dir / row["file"]).stem.lower(): (row, raw_dir / row["file"]) for row in read_manifest(raw_dir)}


def _selected(shared: Path) -> dict[str, dict]:
    """``{doc_id: {path, meta, hosts, guests}}`` of the corpus-v2 selection under ``shared``."""
    return {doc["meta"]["doc_id"]: doc for doc in selected_documents(shared)}


def _parse(path: Path, hosts, guests) -> list:
    text = read_text(path)
    return parsed_turns(text, detect_shape(text), hosts=hosts, guests=guests, path=path)[0]


def document_turns(doc_id: str, raw_dirs, corpus_root=None, shared=None) -> list:
    """The parsed turns of one document: full text from the corpus, else from a raw folder,
    else from the corpus-v2 selection under ``shared`` (the folder holding ``lex-archive``)."""
    full = document_path(doc_id, "full", corpus_root)
    if full.exists():
        return read_fulltext(full)[1]
    for raw_dir in raw_dirs:
        known = _raw_turns(Path(raw_dir))
        if doc_id in known:
            row, path = known[doc_id]
            return _parse(path, hosts_for(row["outlet_or_venue"]), ())
    if shared is not None:
        selected = _selected(Path(shared))
        if doc_id in selected:
            doc = selected[doc_id]
            return _parse(doc["path"], doc["hosts"], doc["guests"])
    raise InputError(Path(raw_dirs[0]) if raw_dirs else Path("."), f"no raw transcript for {doc_id}",
                     hint="give the raw folder(s) that hold it with --raw, or the shared folder with --corpus")


def coding_packet(ids, raw_dirs, corpus_root=None, shared=None) -> str:
    """The packet text for ``ids`` (pairs doc_id, turn_id), in the given order."""
    cache: dict[str, list] = {}
    blocks = []
    for doc_id, turn_id in ids:
        if doc_id not in cache:
            cache[doc_id] = document_turns(doc_id, list(raw_dirs), corpus_root, shared)
        turns = cache[doc_id]
        if not 1 <= int(turn_id) <= len(turns):
            raise ValueError(f"{doc_id} has {len(turns)} turns, no turn {turn_id}")
        turn = turns[int(turn_id) - 1]
        previous = turns[int(turn_id) - 2] if int(turn_id) > 1 else None
        lines = [f"### {doc_id} #{turn_id} | {turn.role} | {turn.speaker}"]
        if previous is not None:
            words = previous.text.split()
            lines.append(f"[previous turn, {previous.role}, end] ..." + " ".join(words[-CONTEXT_WORDS:]))
        lines.append(turn.text)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
