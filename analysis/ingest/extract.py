"""``python -m analysis extract --raw DIR``: third-party transcripts -> extracted features.

The maintainers' command. ``DIR`` holds the raw transcripts and their ``manifest.csv``
(``../shared/interviews`` on the maintainers' machine). For each file it parses turns
(:mod:`analysis.ingest.importers`), counts tokens per turn (:mod:`analysis.corpus.features`), and
writes ``corpus/features/<doc_id>.jsonl`` with the catalog metadata from the manifest
and the raw file's sha256. No running text is written. Re-running on the same raw
files gives the same bytes; ``tests/test_extract.py`` checks this against the committed
features whenever the raw folder is present.
"""
from __future__ import annotations

import csv
from pathlib import Path

from analysis.corpus.catalog import check_metadata
from analysis.corpus.features import format_features, turn_features
from analysis.ingest.importers import detect_shape, parse_transcript
from analysis.ingest.speakers.attribute import CAPTION_METADATA, attribute_captions, with_role_source
from analysis.core.paths import corpus_dir
from analysis.text.phrases import phrase_file
from analysis.core.textio import InputError, atomic_write_text, read_text, sha256_file

MANIFEST = "manifest.csv"
#: Interviewers by venue, matched on the manifest's outlet_or_venue.
HOSTS = {"Lex Fridman": ("Lex Fridman",), "Dwarkesh": ("Dwarkesh Patel",)}
LICENCE = ("Third-party transcript (copyrighted): only per-turn token counts are kept "
           "(non-consumptive extracted features)")


def read_manifest(raw_dir: Path) -> list[dict]:
    """Rows of ``manifest.csv``; errors name the file and line."""
    path = raw_dir / MANIFEST
    if not path.exists():
        raise InputError(path, "no manifest.csv in the raw folder", hint="give the folder of raw transcripts")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line_no, row in enumerate(rows, start=2):
        if not (raw_dir / row.get("file", "")).is_file():
            raise InputError(path, f"listed file {row.get('file')!r} is missing", line=line_no)
    return rows


def hosts_for(venue: str) -> tuple[str, ...]:
    """The interviewers of a venue (empty if unknown: every speaker is then an interviewee)."""
    for key, hosts in HOSTS.items():
        if key.lower() in venue.lower():
            return hosts
    return ()


def manifest_metadata(row: dict, raw_path: Path, shape: str) -> dict:
    """Catalog metadata of one transcript from its manifest row."""
    labelled = shape != "captions"
    return {
        "doc_id": raw_path.stem.lower(), "title": row["outlet_or_venue"], "interviewee": row["speaker"],
        "organization": row["organization"], "interviewee_role": row["role"], "date": row["date"],
        "date_precision": row["date_precision"], "date_evidence": "manifest.csv (see its notes)",
        "outlet": row["outlet_or_venue"], "format": row["format"], "language": row["language"],
        "text_availability": "features", "speaker_labels": "yes" if labelled else "none",
        "turn_unit": "turn" if labelled else "chunk", "truncated": "no", "source_file": row["file"],
        "source_sha256": sha256_file(raw_path), "source_repo": row["source_repo"],
        "source_path": row["source_path"], "source_commit": row["source_commit"],
        "source_url": row["original_url"], "licence": LICENCE, "notes": row["notes"],
    }


def extract_one(row: dict, raw_dir: Path, out_dir: Path, speaker_roles: bool = False) -> tuple[Path, list[dict]]:
    """Parse one raw transcript and write its features file.

    ``speaker_roles``: give caption transcripts host/guest turns from the speaker model
    (:mod:`analysis.ingest.speakers`) instead of unattributed chunks. Off by default until
    the theme coding keyed on the caption chunks is redone (re-segmenting changes turn ids).
    """
    raw_path = raw_dir / row["file"]
    text = read_text(raw_path)
    shape = detect_shape(text)
    meta = check_metadata(manifest_metadata(row, raw_path, shape), raw_path)
    if shape == "captions" and speaker_roles:  # no speaker names: roles from the speaker model (issue 13)
        turns, confidences = attribute_captions(text, host=(hosts_for(row["outlet_or_venue"]) or ("host",))[0],
                                                guest=row["speaker"], path=raw_path)
        meta.update(CAPTION_METADATA)
    else:
        turns = parse_transcript(text, hosts=hosts_for(row["outlet_or_venue"]), shape=shape, path=raw_path)
        confidences = [None] * len(turns)
    records = with_role_source(turn_features(turns, meta["language"]), confidences)
    out = out_dir / f"{meta['doc_id']}.jsonl"
    atomic_write_text(out, format_features(meta, records, phrase_file()))
    return out, records


def extract(raw_dir, out_dir=None, *, speaker_roles: bool = False) -> list[Path]:
    """Extract features for every transcript in the manifest; return the written paths."""
    raw_dir = Path(raw_dir)
    out_dir = Path(out_dir or corpus_dir() / "features")
    return [extract_one(row, raw_dir, out_dir, speaker_roles)[0] for row in read_manifest(raw_dir)]
