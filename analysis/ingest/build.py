"""``python -m analysis build``: raw seeds -> curated corpus files -> catalog.

Reads ``corpus/sources.toml`` (which raw file, what shape, and the metadata the text
does not state), parses each raw file, writes ``corpus/interviews/<doc_id>.txt``, then
regenerates ``corpus/catalog.csv`` from every curated and features document.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from analysis.corpus.catalog import CATALOG_FILE, COLUMNS, check_metadata, write_catalog
from analysis.corpus.features import read_features_header
from analysis.corpus.load import read_document
from analysis.corpus.fulltext import write_fulltext
from analysis.ingest.print_interview import parse_print_interview
from analysis.core.paths import PROJECT_ROOT, corpus_dir
from analysis.core.progress import progress
from analysis.core.textio import InputError, read_text, sha256_file

SOURCES_FILE = "sources.toml"
COMPUTED = ("n_tokens", "n_turns")


def load_sources(path=None) -> list[dict]:
    """The ``[[document]]`` entries of ``corpus/sources.toml``."""
    path = Path(path or corpus_dir() / SOURCES_FILE)
    try:
        return tomllib.loads(read_text(path)).get("document", [])
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"not valid TOML: {error}") from None


def print_metadata(source: dict, parsed, raw_path: Path) -> dict:
    """Catalog metadata of a parsed print interview: printed facts plus the sources entry."""
    truncated = [side for side, flag in (("start", parsed.truncated_start), ("end", parsed.truncated_end)) if flag]
    meta = {
        "doc_id": source["doc_id"], "title": source.get("title") or parsed.headline,
        "interviewee": source.get("interviewee") or parsed.interviewee,
        "organization": source.get("organization") or parsed.organization_as_printed,
        "interviewee_role": source.get("interviewee_role") or parsed.role_as_printed,
        "date": source.get("date"), "date_precision": source.get("date_precision"),
        "date_evidence": source.get("date_evidence", ""),
        "outlet": source.get("outlet") or parsed.masthead,
        "format": source.get("format", "print"), "language": source["language"],
        "text_availability": "full", "transcription": source.get("transcription", "human (print)"),
        "speaker_labels": "inferred", "speaker_labels_source": "inferred by the print parser from cues in the text",
        "turn_unit": "turn",
        "truncated": "+".join(truncated) or "no",
        "source_file": source["source_file"], "source_sha256": sha256_file(raw_path),
        "source_repo": source.get("source_repo", ""), "source_path": source.get("source_path", ""),
        "source_commit": source.get("source_commit", ""), "source_url": source.get("source_url", ""),
        "licence": source.get("licence", ""),
        "notes": "; ".join(note.strip().rstrip(".") for note in [source.get("notes", ""), *parsed.notes] if note),
    }
    return {key: meta.get(key, "") for key in COLUMNS if key not in COMPUTED}


def ingest_source(source: dict, root: Path) -> Path:
    """Parse one raw source and write its curated file; return the file's path."""
    raw_path = PROJECT_ROOT / source["source_file"]
    if source.get("shape", "print") != "print":
        raise InputError(root / SOURCES_FILE, f"unknown shape {source.get('shape')!r} for {source['doc_id']}",
                         hint="seeds use shape = \"print\"; transcripts are added with `python -m analysis add`")
    parsed = parse_print_interview(read_text(raw_path), lang=source["language"], path=raw_path,
                                   interviewer=source.get("interviewer", "Interviewer"))
    meta = check_metadata(print_metadata(source, parsed, raw_path), raw_path)
    out = root / "interviews" / f"{source['doc_id']}.txt"
    write_fulltext(out, meta, parsed.turns)
    return out


def catalog_rows(root: Path) -> list[dict]:
    """One catalog row per curated or features document, with computed sizes.

    A features file whose header carries its ``summary`` is read by its first line only, so
    rebuilding the catalog after adding one document does not reread the whole corpus.
    """
    rows = []
    paths = sorted((root / "interviews").glob("*.txt")) + sorted((root / "features").glob("*.jsonl"))
    for path in progress(paths, desc="catalog", unit="doc"):
        header = read_features_header(path) if path.suffix == ".jsonl" else {}
        if "summary" in header:
            meta = header["metadata"]
            check_metadata({k: v for k, v in meta.items() if k not in COMPUTED}, path)
            if meta["doc_id"] != path.stem:
                raise InputError(path, f"doc_id {meta['doc_id']!r} differs from the file name",
                                 hint=f"rename the file to {meta['doc_id']}{path.suffix}")
            rows.append({**meta, **header["summary"]})
            continue
        meta, records = read_document(path)
        check_metadata({k: v for k, v in meta.items() if k not in COMPUTED}, path)
        if meta["doc_id"] != path.stem:
            raise InputError(path, f"doc_id {meta['doc_id']!r} differs from the file name",
                             hint=f"rename the file to {meta['doc_id']}{path.suffix}")
        interview = [r for r in records if r["segment"] == "interview"]
        rows.append({**meta, "n_tokens": sum(r["n_tokens"] for r in interview), "n_turns": len(interview)})
    return rows


def rebuild_catalog(root=None) -> Path:
    """Regenerate ``catalog.csv`` from the documents in the corpus folder."""
    root = Path(root or corpus_dir())
    path = root / CATALOG_FILE
    write_catalog(path, catalog_rows(root))
    return path


def build(root=None) -> list[Path]:
    """Ingest every source listed in ``sources.toml`` and regenerate the catalog."""
    root = Path(root or corpus_dir())
    sources = load_sources(root / SOURCES_FILE)
    written = [ingest_source(source, root) for source in progress(sources, desc="build", unit="doc")]
    written.append(rebuild_catalog(root))
    return written
