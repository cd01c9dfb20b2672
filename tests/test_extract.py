"""Extracted features: the maintainers' re-extraction reproduces the committed bytes,
and the features never hold running text."""
import csv
import json

import pytest

from analysis.ingest.extract import extract, extract_selection, read_manifest
from analysis.ingest.importers import page_metadata
from analysis.corpus.features import read_features
from analysis.core.paths import PROJECT_ROOT, shared_interviews_dir
from analysis.core.textio import InputError

RAW = shared_interviews_dir()
SHARED = RAW.parent
COMMITTED = PROJECT_ROOT / "corpus" / "features"


@pytest.mark.skipif(not (RAW / "manifest.csv").exists(),
                    reason=f"raw transcripts not here ({RAW}); they are third-party text kept out of the "
                           "repository, so only maintainers can re-extract")
@pytest.mark.skipif(not (SHARED / "lex-archive" / "manifest.csv").exists(),
                    reason=f"the archive is not here ({SHARED / 'lex-archive'}): third-party text, maintainers only")
def test_re_extraction_reproduces_the_committed_features_exactly(tmp_path):
    written = extract(RAW, tmp_path) + extract_selection(SHARED, tmp_path)
    assert len(read_manifest(RAW)) == 17
    assert sorted(p.name for p in written) == sorted(p.name for p in COMMITTED.glob("*.jsonl"))
    for path in written:
        assert path.read_bytes() == (COMMITTED / path.name).read_bytes(), path.name


MANIFEST_FIELDS = ["file", "speaker", "organization", "role", "date", "outlet_or_venue", "format", "language",
                   "source_repo", "source_path", "source_commit", "original_url", "approx_words",
                   "has_speaker_labels", "notes", "date_precision"]
PAGE = """# Episode page

## Table of Contents

  * 0:00 – Introduction

## Introduction

Lex Fridman [(00:00:00)](https://example.org/v&t=0) Why do purple giraffes hum quietly at dawn?

Ada Byron [(00:00:05)](https://example.org/v&t=5) Because orange clouds whisper softly over silent lakes.

[(00:00:09)](https://example.org/v&t=9) And nobody listens to the humming except the patient owls.
"""


def _raw_folder(tmp_path, text=PAGE, file="2024-01-01_byron_lexfridman001.txt"):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / file).write_text(text, encoding="utf-8")
    row = {key: "" for key in MANIFEST_FIELDS}
    row.update(file=file, speaker="Ada Byron", organization="Analytical", role="CEO", date="2024-01-01",
               outlet_or_venue="Lex Fridman Podcast #1", format="podcast", language="en",
               has_speaker_labels="yes", date_precision="day")
    with open(raw / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        writer.writerow(row)
    return raw


def test_extraction_keeps_counts_roles_and_provenance_but_no_text(tmp_path):
    raw = _raw_folder(tmp_path)
    (path,) = extract(raw, tmp_path / "features")
    meta, records = read_features(path)
    assert meta["text_availability"] == "features" and len(meta["source_sha256"]) == 64
    assert [(r["speaker"], r["role"], r["timestamp"]) for r in records] == [
        ("Lex Fridman", "interviewer", "00:00:00"), ("Ada Byron", "interviewee", "00:00:05")]
    assert records[1]["counts"]["owls"] == 1 and records[1]["n_tokens"] == 8 + 10
    raw_text = path.read_text(encoding="utf-8")
    assert "orange clouds" not in raw_text and "example.org" not in raw_text
    for line in raw_text.splitlines()[1:]:
        record = json.loads(line)
        assert all(" " not in term for term in record["counts"])


def test_a_missing_raw_file_is_named_with_its_manifest_line(tmp_path):
    raw = _raw_folder(tmp_path)
    (raw / "2024-01-01_byron_lexfridman001.txt").unlink()
    with pytest.raises(InputError, match=r"manifest.csv, line 2: listed file"):
        extract(raw, tmp_path / "features")


def test_committed_features_follow_the_schema():
    for path in sorted(COMMITTED.glob("*.jsonl")):
        meta, records = read_features(path)
        assert meta["doc_id"] == path.stem and records
        assert {r["role"] for r in records} <= {"interviewer", "interviewee", "other"}
        assert all(r["n_tokens"] == sum(r["counts"].values()) for r in records)


@pytest.mark.skipif(not (RAW / "manifest.csv").exists(), reason=f"raw transcripts not here ({RAW})")
def test_no_running_text_of_the_raw_transcripts_is_in_the_repository():
    """No 12-word sequence of a raw transcript appears in a tracked file, except inside the
    provenance fields copied from manifest.csv (source paths and venue names contain episode titles)."""
    import re
    import subprocess

    def sequences(text, n=12):
        words = re.findall(r"\w+", text.lower())
        return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}

    known = set()
    for path in RAW.glob("*.txt"):
        known |= sequences(path.read_text(encoding="utf-8", errors="replace"))
    provenance = set()
    for row in read_manifest(RAW):
        for field in ("source_path", "outlet_or_venue", "notes"):
            provenance |= sequences(row[field])
    for path in RAW.glob("*.txt"):  # episode titles in page headers (the catalog's title) are fine
        provenance |= sequences(page_metadata(path.read_text(encoding="utf-8", errors="replace"))["title"])
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    leaks = {}
    for name in tracked:
        path = PROJECT_ROOT / name
        if not path.is_file() or path.suffix in {".png", ".pdf"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        shared = (sequences(text) & known) - provenance
        if shared:
            leaks[name] = sorted(shared)[:3]
    assert not leaks
