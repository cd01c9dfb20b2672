"""``python -m analysis extract``: third-party transcripts -> extracted features (no running text).

Three entry points share one per-document path (:func:`extract_document`, whose turns come
from :func:`document_turns`, the single place a parser or a speaker-attribution model turns
raw text into turns):

* :func:`extract` (``extract --raw DIR``): the folder's ``manifest.csv`` in the format of
  ``../shared/interviews`` (one row per transcript with its catalog metadata); the 17
  comparison interviews of corpus v1 come from there and keep their ids.
* :func:`extract_selection` (``extract --corpus SHARED``): the interviews that
  ``corpus/candidates.csv`` includes, from ``../shared/lex-archive`` and
  ``../shared/interviews-extra``, with metadata from :mod:`analysis.ingest.selection`.
* :func:`extract_folder` (``extract SOURCE_DIR --out FEATURES_DIR [--scheduler tcp://...]``):
  every ``*.txt`` file of a folder, in parallel on Dask (:mod:`dask.distributed`: a local
  cluster of worker processes by default, an existing cluster when given its address; the
  same code either way). Workers parse and count and return the features text; the client
  writes each file atomically, so a failed or interrupted run leaves no half-written file.
  Files whose sha256 is already extracted in ``FEATURES_DIR`` are skipped (a re-run resumes);
  a file that fails (unreadable, no layout, no interview segment, content already extracted
  under another id) is reported with its reason and the batch goes on. The output of a file
  depends only on that file, so it is the same bytes whatever the scheduler or worker count.

Caption transcripts (no speaker names) get interviewer and interviewee turns from the speaker
model by default (:func:`document_turns`; ``--no-speaker-roles`` keeps the older role-``other``
chunks). Re-running on the same raw files gives the same bytes; ``tests/test_extract.py`` checks
this against the committed features whenever the raw folder is present.
"""
from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

from analysis.corpus.catalog import check_metadata
from analysis.corpus.features import SCHEMA, format_features, turn_features
from analysis.core.paths import corpus_dir
from analysis.core.progress import progress as progress_bar
from analysis.core.textio import InputError, atomic_write_text, read_text, sha256_file
from analysis.core.turns import Turn
from analysis.ingest.dedupe import content_hash
from analysis.ingest.importers import detect_shape, page_metadata, parse_transcript
from analysis.ingest.selection import selected_documents
from analysis.ingest.speakers.attribute import CAPTION_METADATA, attribute_captions, with_role_source
from analysis.text.phrases import phrase_file

MANIFEST = "manifest.csv"
REPORT = "extract_report.csv"
#: Interviewers by venue, matched on the manifest's outlet_or_venue.
HOSTS = {"Lex Fridman": ("Lex Fridman",), "Dwarkesh": ("Dwarkesh Patel",)}
LICENCE = ("Third-party transcript (copyrighted): only per-turn token counts are kept "
           "(non-consumptive extracted features)")


def document_turns(text: str, shape: str, *, hosts=(), guests=(), path=None,
                   speaker_roles: bool = True) -> tuple[list[Turn], list, dict]:
    """``(turns, role confidences, metadata updates)`` of one raw transcript: the one place
    where extraction produces turns.

    By default (``speaker_roles=True``) caption transcripts (no speaker names) get
    interviewer/interviewee turns from the speaker model (:mod:`analysis.ingest.speakers`),
    with metadata ``speaker_labels=model``, ``turn_unit=turn``; ``speaker_roles=False``
    (``--no-speaker-roles``) gives the older fixed-size chunks with role ``other``. Other
    shapes' confidences are None (their roles come from labels: ``role_source=labels``).
    """
    if shape == "captions" and speaker_roles:
        turns, confidences = attribute_captions(text, host=(hosts or ("host",))[0],
                                                guest=(guests or ("guest",))[0], path=path)
        return turns, confidences, dict(CAPTION_METADATA)
    turns = parse_transcript(text, hosts=hosts, guests=guests, shape=shape, path=path)
    return turns, [None] * len(turns), {}


def features_text(text: str, meta: dict, *, hosts=(), guests=(), path=None, validate=True,
                  speaker_roles: bool = True) -> tuple[str, dict]:
    """``(features file text, metadata)`` of one transcript's text; raises :class:`InputError`."""
    shape = detect_shape(text)
    if speaker_roles and shape == "captions" and not guests and meta.get("interviewee"):
        guests = (meta["interviewee"],)  # the speaker model names the guest's turns after the interviewee
    turns, confidences, updates = document_turns(text, shape, hosts=hosts, guests=guests, path=path,
                                                 speaker_roles=speaker_roles)
    if not any(t.segment == "interview" for t in turns):
        raise InputError(path, f"no interview segment found (parsed as {shape!r}): only intro, sponsor or outro",
                         hint="check the file; the segment rules are in analysis/ingest/importers/rules.py")
    labelled = shape != "captions"
    meta = {"speaker_labels": "yes" if labelled else "none", "turn_unit": "turn" if labelled else "chunk",
            **meta, **updates}
    if validate:
        meta = check_metadata(meta, path)
    records = with_role_source(turn_features(turns, meta.get("language") or "en"), confidences)
    return format_features(meta, records, phrase_file()), meta


def extract_document(raw_path, meta: dict, out_dir, *, hosts=(), guests=(), speaker_roles: bool = True) -> Path:
    """Parse one raw transcript and write ``out_dir/<doc_id>.jsonl`` atomically."""
    raw_path = Path(raw_path)
    text, meta = features_text(read_text(raw_path), {**meta, "source_sha256": sha256_file(raw_path)},
                               hosts=hosts, guests=guests, path=raw_path, speaker_roles=speaker_roles)
    out = Path(out_dir) / f"{meta['doc_id']}.jsonl"
    atomic_write_text(out, text)
    return out


# --- manifest of ../shared/interviews (corpus v1) ---------------------------------------------

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
    """The interviewers of a venue (empty if unknown)."""
    for key, hosts in HOSTS.items():
        if key.lower() in venue.lower():
            return hosts
    return ()


def manifest_metadata(row: dict, raw_path: Path, shape: str) -> dict:
    """Catalog metadata of one transcript from its ``../shared/interviews`` manifest row."""
    labelled = shape != "captions"
    page = page_metadata(read_text(raw_path)) if shape == "lexfridman" else {}
    return {
        "doc_id": raw_path.stem.lower(), "title": page.get("title") or row["outlet_or_venue"],
        "interviewee": row["speaker"],
        "organization": row["organization"], "interviewee_role": row["role"], "date": row["date"],
        "date_precision": row["date_precision"], "date_evidence": "manifest.csv (see its notes)",
        "outlet": row["outlet_or_venue"], "format": row["format"], "language": row["language"],
        "text_availability": "features", "speaker_labels": "yes" if labelled else "none",
        "speaker_labels_source": ("source" if labelled else "none"),
        "transcription": "machine" if not labelled else ("human" if shape == "lexfridman" else "unknown"),
        "turn_unit": "turn" if labelled else "chunk", "truncated": "no", "source_file": row["file"],
        "source_sha256": sha256_file(raw_path), "source_repo": row["source_repo"],
        "source_path": row["source_path"], "source_commit": row["source_commit"],
        "source_url": row["original_url"] or page.get("source_url", ""), "licence": LICENCE, "notes": row["notes"],
    }


def extract(raw_dir, out_dir=None, *, speaker_roles: bool = True) -> list[Path]:
    """Extract features for every transcript in the manifest; return the written paths."""
    raw_dir = Path(raw_dir)
    out_dir = Path(out_dir or corpus_dir() / "features")
    written = []
    for row in progress_bar(read_manifest(raw_dir), desc="extract", unit="doc"):
        raw_path = raw_dir / row["file"]
        meta = manifest_metadata(row, raw_path, detect_shape(read_text(raw_path)))
        written.append(extract_document(raw_path, meta, out_dir, hosts=hosts_for(row["outlet_or_venue"]),
                                        speaker_roles=speaker_roles))
    return written


# --- the corpus selection (corpus/candidates.csv) -------------------------------------------

def extract_selection(shared_dir, out_dir=None, *, speaker_roles: bool = True) -> list[Path]:
    """Extract every interview ``corpus/candidates.csv`` includes (see :mod:`analysis.ingest.selection`);
    caption documents get the speaker model's roles unless ``speaker_roles=False``."""
    out_dir = Path(out_dir or corpus_dir() / "features")
    documents = selected_documents(Path(shared_dir))
    return [extract_document(doc["path"], doc["meta"], out_dir, hosts=doc["hosts"], guests=doc["guests"],
                             speaker_roles=speaker_roles)
            for doc in progress_bar(documents, desc="extract", unit="doc")]


# --- a whole folder on Dask -------------------------------------------------------------------

def doc_id_for(path: Path) -> str:
    """A doc_id from a file name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9_.]+", "-", path.stem.lower()).strip("-.") or "document"


def extracted_hashes(out_dir: Path, speaker_roles: bool = True) -> dict[str, str]:
    """``{source_sha256: doc_id}`` of the features files already in ``out_dir`` (first lines only).

    A caption document extracted the other way (chunks when ``speaker_roles``, model roles
    when not) does not count: it is extracted again."""
    stale = "none" if speaker_roles else "model"
    found = {}
    for path in sorted(out_dir.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            try:
                header = json.loads(handle.readline())
            except json.JSONDecodeError:
                continue
        if header.get("schema") == SCHEMA and header["metadata"].get("speaker_labels") != stale:
            found[header["metadata"].get("source_sha256", "")] = header["doc_id"]
    return found


def extract_task(path: str, speaker_roles: bool = True) -> dict:
    """Extract one file (runs on a worker): a result row, with the features text when it worked.
    Caption files get the speaker model's roles unless ``speaker_roles=False``."""
    path = Path(path)
    row = {"file": path.name, "doc_id": doc_id_for(path), "status": "failed", "message": "", "words": 0,
           "sha256": "", "content_sha256": ""}
    try:
        row["sha256"] = sha256_file(path)
        text = read_text(path)
        row["words"], row["content_sha256"] = len(text.split()), content_hash(text)
        page = page_metadata(text)
        meta = {"doc_id": row["doc_id"], "title": page["title"] or path.stem, "language": "en",
                "text_availability": "features", "source_file": path.name, "source_sha256": row["sha256"],
                "source_url": page["source_url"], "licence": LICENCE}
        row["features"], _ = features_text(text, meta, path=path, validate=False, speaker_roles=speaker_roles)
        row["status"] = "ok"
    except (InputError, OSError, UnicodeError, ValueError) as error:
        row["message"] = str(error)
    return row


def _client(scheduler: str | None, workers: int):
    """A dask.distributed client: on ``scheduler`` if given, else on a local cluster of processes."""
    from dask.distributed import Client, LocalCluster  # noqa: PLC0415 (dask starts slowly; only this command needs it)
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def extract_folder(source_dir, out_dir, *, scheduler: str | None = None, workers: int = 2,
                   progress: bool = True, speaker_roles: bool = True) -> list[dict]:
    """Extract every ``*.txt`` of ``source_dir`` into ``out_dir`` on Dask (rules in the module docstring;
    ``speaker_roles`` as in :func:`document_turns`).

    ``progress``: a bar counting finished files as the workers return them (on a terminal,
    unless ``ANALYSIS_QUIET``: :mod:`analysis.core.progress`); ``False`` never shows it.

    Returns the report rows (also written to ``out_dir/extract_report.csv``), sorted by file.
    """
    from dask.distributed import as_completed  # noqa: PLC0415 (dask starts slowly; only this command needs it)
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise InputError(source_dir, "not a folder", hint="give the folder of raw transcripts (*.txt)")
    out_dir.mkdir(parents=True, exist_ok=True)
    files = sorted(source_dir.glob("*.txt"))
    done = extracted_hashes(out_dir, speaker_roles)
    report, todo = [], []
    for path in files:
        try:
            digest = sha256_file(path)
        except OSError as error:
            report.append({"file": path.name, "doc_id": doc_id_for(path), "status": "failed",
                           "message": f"{path}: cannot be read ({error.strerror})", "words": 0, "sha256": ""})
            continue
        if done.get(digest) == doc_id_for(path):
            report.append({"file": path.name, "doc_id": doc_id_for(path), "status": "skipped",
                           "message": "already extracted (same sha256)", "words": 0, "sha256": digest})
        elif digest in done:
            report.append({"file": path.name, "doc_id": doc_id_for(path), "status": "failed", "words": 0,
                           "sha256": digest, "message": f"{path}: same bytes already extracted as {done[digest]!r}"})
        else:
            todo.append(path)
    seen_content: dict[str, str] = {}
    client, cluster = _client(scheduler, workers)
    try:
        futures = client.map(extract_task, [str(p) for p in todo], [speaker_roles] * len(todo),
                             key=[f"extract-{p.name}-{'roles' if speaker_roles else 'chunks'}" for p in todo])
        results = []
        with progress_bar(total=len(futures), desc="extract", unit="file", quiet=None if progress else True) as bar:
            for future in as_completed(futures):
                results.append(future.result())
                future.release()
                bar.update(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for row in sorted(results, key=lambda r: r["file"]):  # in file order: the same report whatever finished first
        features = row.pop("features", None)
        first = seen_content.setdefault(row["content_sha256"], row["doc_id"]) if row["status"] == "ok" else None
        if row["status"] == "ok" and first != row["doc_id"]:
            row["status"] = "failed"
            row["message"] = f"{source_dir / row['file']}: same content (after whitespace) as {first!r}; not written"
        elif row["status"] == "ok":
            atomic_write_text(out_dir / f"{row['doc_id']}.jsonl", features)
        report.append(row)
    report.sort(key=lambda r: r["file"])
    columns = ["file", "doc_id", "status", "words", "sha256", "message"]
    lines = [",".join(columns)] + [",".join(_csv_cell(r.get(c, "")) for c in columns) for r in report]
    atomic_write_text(out_dir / REPORT, "\n".join(lines) + "\n")
    return report


def _csv_cell(value) -> str:
    value = str(value)
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


def default_workers() -> int:
    """Worker processes by default: the cores, at most 2 (other jobs share the machine)."""
    return max(1, min(2, os.cpu_count() or 1))
