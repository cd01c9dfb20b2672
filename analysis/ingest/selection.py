"""Corpus v2: which archive and extra-outlet interviews enter the corpus, with their metadata.

``corpus/candidates.csv`` records, by hand, each candidate's decision under the inclusion
rule of ``corpus/README.md`` and the reason (ids, names, organization, role; no transcript
text). This module turns the included rows into documents to extract: the raw file, hosts
and guests, and full catalog metadata, of which the date is computed here, never typed:

* ``lex-archive`` pages (``lexfridman`` layout): the transcript page's posting date, as the
  release date when no later episode was posted earlier (:func:`posting_evidence`), else
  as an upper bound only, and then the episode is dated by its number as below;
* ``lex-archive`` captions: by the episode numbering between dated anchors
  (:func:`analysis.ingest.dating.date_from_numbering`, year precision): the release-dated
  pages of the archive and the dates of ``../shared/interviews/manifest.csv`` (day
  precision from #367 on; before that approximate release months, which that manifest
  marks "to be checked": the evidence says so);
* ``interviews-extra``: the date of its manifest (the video's publication date, also in
  the file's header line ``date: YYYYMMDD``; a hearing's or keynote's date in its header).

Provenance (repository, path, commit) comes from the archives' READMEs and manifests.
"""
from __future__ import annotations

import csv
from pathlib import Path

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, read_text
from analysis.ingest.dating import Anchor, date_from_numbering
from analysis.ingest.importers import detect_shape, page_metadata, posting_evidence

CANDIDATES_FILE = "candidates.csv"
ARCHIVE_REPO = "peaklight-ai/lex-fridman-podcasts"
ARCHIVE_COMMIT = "28d75b329d58690dcb087df43021719ae3e69278"
ARCHIVE_FOLDER = "all_episode_transcripts"
LICENCE = ("Third-party transcript (copyrighted): only per-turn token counts are kept "
           "(non-consumptive extracted features)")
LEX_HOSTS = ("Lex Fridman",)


def read_candidates(path=None) -> list[dict]:
    """Rows of ``corpus/candidates.csv``; a row without decision or reason is an error."""
    path = Path(path or corpus_dir() / CANDIDATES_FILE)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line_no, row in enumerate(rows, start=2):
        if row["decision"] not in ("include", "exclude", "kept") or not row["reason"].strip():
            raise InputError(path, "each candidate needs decision include/exclude/kept and a reason", line=line_no)
    return rows


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def archive_anchors(shared: Path) -> list[Anchor]:
    """Dated episodes: release-dated pages of the archive, day-precision dates of ../shared/interviews."""
    archive = shared / "lex-archive"
    posted = {}
    for row in _rows(archive / "manifest.csv"):
        if row["shape"] == "lexfridman" and row["episode"].isdigit():
            posted[int(row["episode"])] = page_metadata(read_text(archive / "transcripts" / row["file"]))["posted_on"]
    anchors = [Anchor(n, day, f"lexfridman.com transcript page posted {day}")
               for n, day in posted.items() if day and posting_evidence(n, day, posted)[0] == "release"]
    for row in _rows(shared / "interviews" / "manifest.csv"):
        episode = row["outlet_or_venue"].split("#")[-1].split()[0] if "#" in row["outlet_or_venue"] else ""
        if episode.isdigit() and int(episode) not in posted and row["date_precision"] in ("day", "month"):
            source = ("release date in ../shared/interviews/manifest.csv" if row["date_precision"] == "day" else
                      "approximate release month in ../shared/interviews/manifest.csv, marked 'to be checked' there")
            anchors.append(Anchor(int(episode), row["date"], source))
    return sorted(anchors, key=lambda a: a.episode)


def archive_date(episode: int, text: str, anchors: list[Anchor], posted: dict) -> tuple[str, str, str]:
    """``(date, precision, evidence)`` of an archive episode (rules in the module docstring)."""
    page = page_metadata(text)
    if page["posted_on"]:
        meaning, sentence = posting_evidence(episode, page["posted_on"], posted)
        if meaning == "release":
            return page["posted_on"], "day", f"release date: {sentence}"
        date, precision, evidence = date_from_numbering(episode, anchors)
        return date, precision, f"{evidence}; {sentence}"
    return date_from_numbering(episode, anchors)


def _archive_document(row: dict, shared: Path, anchors, posted, manifest: dict) -> dict:
    entry = manifest[row["file"]]
    path = shared / "lex-archive" / "transcripts" / row["file"]
    text = read_text(path)
    shape = detect_shape(text)
    page = page_metadata(text)
    episode = int(entry["episode"])
    date, precision, evidence = archive_date(episode, text, anchors, posted)
    labelled = shape != "captions"
    meta = {
        "doc_id": row["doc_id"], "title": page["title"] or f"#{episode} - {entry['title']}",
        "interviewee": row["interviewee"], "organization": row["organization"], "interviewee_role": row["role"],
        "date": date, "date_precision": precision, "date_evidence": evidence, "outlet": f"Lex Fridman Podcast #{episode}",
        "format": "podcast", "language": "en", "text_availability": "features",
        "transcription": "human" if labelled else "machine",
        "speaker_labels_source": "source (lexfridman.com transcript page)" if labelled else "none",
        "truncated": "no", "source_file": row["file"], "source_repo": ARCHIVE_REPO,
        "source_path": f"{ARCHIVE_FOLDER}/{row['file']}", "source_commit": ARCHIVE_COMMIT,
        "source_url": page["source_url"], "licence": LICENCE, "notes": row["reason"],
    }
    return {"path": path, "meta": meta, "hosts": LEX_HOSTS, "guests": _split(row["guests"])}


def _extra_document(row: dict, shared: Path, manifest: dict) -> dict:
    entry = manifest[row["file"]]
    path = shared / "interviews-extra" / row["file"]
    machine_labels = "LLM" in entry["notes"] or "Gemini" in entry["notes"]
    meta = {
        "doc_id": row["doc_id"], "title": read_text(path).split("\n", 1)[0].lstrip("# ").strip(),
        "interviewee": row["interviewee"], "organization": row["organization"], "interviewee_role": row["role"],
        "date": entry["date"], "date_precision": "day",
        "date_evidence": "publication date in ../shared/interviews-extra/manifest.csv (also in the file's header)",
        "outlet": row["outlet"], "format": entry["format"], "language": entry["language"],
        "text_availability": "features", "transcription": row["transcription"],
        "speaker_labels_source": "machine (LLM-assigned names; sample read)" if machine_labels
        else "source (section headers and in-line names)",
        "truncated": "no", "source_file": row["file"], "source_repo": entry["source_repo"],
        "source_path": entry["source_path"], "source_commit": entry["source_commit"], "source_url": "",
        "licence": f"{LICENCE}; source licence: {entry['licence']}", "notes": row["reason"],
    }
    return {"path": path, "meta": meta, "hosts": _split(row["hosts"]), "guests": _split(row["guests"])}


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


def selected_documents(shared: Path, candidates=None) -> list[dict]:
    """``[{path, meta, hosts, guests}]`` of every included candidate, in candidates.csv order."""
    rows = [r for r in (candidates or read_candidates()) if r["decision"] == "include"]
    archive_manifest = {r["file"]: r for r in _rows(shared / "lex-archive" / "manifest.csv")}
    extra_manifest = {r["file"]: r for r in _rows(shared / "interviews-extra" / "manifest.csv")}
    anchors = archive_anchors(shared)
    posted = {}
    for file, entry in archive_manifest.items():
        if entry["shape"] == "lexfridman" and entry["episode"].isdigit():
            posted[int(entry["episode"])] = page_metadata(
                read_text(shared / "lex-archive" / "transcripts" / file))["posted_on"]
    docs = []
    for row in rows:
        if row["source"] == "lex-archive":
            docs.append(_archive_document(row, shared, anchors, posted, archive_manifest))
        elif row["source"] == "interviews-extra":
            docs.append(_extra_document(row, shared, extra_manifest))
    return docs
