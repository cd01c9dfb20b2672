"""Changing the corpus folder safely: one lock, one catalog row at a time, atomic as a whole.

Every write to the corpus takes :func:`corpus_lock` (``<corpus>/.corpus.lock``, an
advisory ``flock`` through the ``filelock`` package, released by the kernel when the
process dies, so a killed writer never leaves the corpus locked). Under the lock,
:func:`commit_document` adds or replaces one full-text document in five steps:

1. **stage**: the new text is written to ``interviews/.<doc_id>.txt.staged`` (flushed to disk);
2. **back up**: a document being replaced is copied to ``interviews/.<doc_id>.txt.backup``;
3. **journal**: ``.journal/<doc_id>.json`` records the staged, final and backup names, the
   new file's sha256 and its catalog row;
4. **rename** the staged file into place (``os.replace``: atomic);
5. **catalog**: the catalog is read, the one row inserted or replaced, and written through a
   temporary file and a rename. This rename is the commit point. The journal and backup
   are then removed.

A process killed anywhere leaves either nothing, a temporary file, or a journal.
:func:`recover` (``python -m analysis check --repair``) reads each journal: if the catalog
already holds the journal's row and the file has the journal's sha256, the add happened
and only the leftovers go; otherwise it is rolled back (the new file removed, a replaced
one restored from its backup). Temporary files (``.*.tmp``, ``.*.staged``) are removed.
Nothing else is ever touched by a repair.

The catalog is read here with its header checked against
:data:`analysis.corpus.catalog.COLUMNS` (a typo is named with its closest column) and each
row's field count checked, so a damaged catalog is an error naming the file and line.
"""
from __future__ import annotations

import contextlib
import csv
import difflib
import hashlib
import json
import os
import signal
from pathlib import Path

import filelock

from analysis.corpus.catalog import CATALOG_FILE, COLUMNS, DOC_ID, TEXT_AVAILABILITY, format_catalog
from analysis.core.textio import InputError, atomic_write_text

LOCK_FILE = ".corpus.lock"
JOURNAL_DIR = ".journal"
LOCK_TIMEOUT = 120.0
#: Fault injection for the tests: ``ANALYSIS_KILL_AT=<point>`` makes the process SIGKILL
#: itself at that point of :func:`commit_document` (one of :data:`KILL_POINTS`).
KILL_ENV = "ANALYSIS_KILL_AT"
KILL_POINTS = ("staged", "backed-up", "journaled", "renamed", "catalog-tmp", "committed")
INTEGER_COLUMNS = ("n_tokens", "n_turns")


def _kill_point(name: str) -> None:
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def corpus_lock(root, timeout: float = LOCK_TIMEOUT) -> filelock.BaseFileLock:
    """The corpus folder's write lock (a context manager); waits up to ``timeout`` seconds."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "corpus folder not found", hint="run from a full clone or set ANALYSIS_CORPUS_DIR")
    return filelock.FileLock(root / LOCK_FILE, timeout=timeout)


@contextlib.contextmanager
def locked(root, timeout: float = LOCK_TIMEOUT):
    """Hold :func:`corpus_lock` for a ``with`` block; a timeout is an error that says what to do."""
    lock = corpus_lock(root, timeout)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise InputError(Path(root) / LOCK_FILE, f"the corpus is locked by another process (waited {timeout:g} s)",
                         hint="wait for the other `add`/`build` to finish, then try again") from None
    try:
        yield lock
    finally:
        lock.release()


# --- the catalog, row by row ----------------------------------------------------------------

def check_header(path, header: list[str]) -> None:
    """Every column of :data:`COLUMNS` present and no other; a typo is named with its likely column."""
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise InputError(path, f"column(s) {', '.join(duplicated)} appear twice in the header", line=1)
    if unknown:
        guesses = [f"{c!r} (did you mean {difflib.get_close_matches(c, missing or COLUMNS, n=1, cutoff=0.6)[0]!r}?)"
                   if difflib.get_close_matches(c, missing or COLUMNS, n=1, cutoff=0.6) else repr(c) for c in unknown]
        raise InputError(path, f"unknown column(s) in the header: {', '.join(guesses)}", line=1,
                         hint="fix the header, or regenerate the catalog with `python -m analysis build`")
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}", line=1,
                         hint="regenerate the catalog with `python -m analysis build`")


def read_catalog_rows(root) -> list[dict]:
    """The catalog's rows as dicts of strings, checked: header, field counts, integer sizes,
    one row per doc_id. Errors name the file, the line and the field."""
    path = Path(root) / CATALOG_FILE
    if not path.is_file():
        raise InputError(path, "no catalog", hint="run `make run` or `python -m analysis build` first")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:  # a spreadsheet may add a BOM
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise InputError(path, "empty catalog (no header line)", line=1,
                                 hint="regenerate it with `python -m analysis build`")
            check_header(path, header)
            rows, seen = [], {}
            for fields in reader:
                line = reader.line_num
                if not fields:
                    continue
                if len(fields) != len(header):
                    raise InputError(path, f"{len(fields)} fields where the header has {len(header)}", line=line,
                                     hint="a value with a comma must be quoted; a cut line means a damaged file")
                row = dict(zip(header, fields))
                for column in INTEGER_COLUMNS:
                    if not row[column].isascii() or not row[column].isdigit():
                        raise InputError(path, f"{column} {row[column]!r} is not a whole number", line=line)
                if not DOC_ID.match(row["doc_id"]):
                    raise InputError(path, f"doc_id {row['doc_id']!r} must be lower-case letters, digits, "
                                           "'_', '-', '.'", line=line)
                if row["text_availability"] not in TEXT_AVAILABILITY:
                    raise InputError(path, f"text_availability {row['text_availability']!r} is not one of "
                                           f"{', '.join(TEXT_AVAILABILITY)}", line=line)
                if row["doc_id"] in seen:
                    raise InputError(path, f"doc_id {row['doc_id']!r} already on line {seen[row['doc_id']]}",
                                     line=line, hint="one row per document")
                seen[row["doc_id"]] = line
                rows.append(row)
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 (byte {error.start})", hint="regenerate it with `python -m analysis build`")
    except csv.Error as error:
        raise InputError(path, f"not valid CSV: {error}")
    return rows


def write_catalog_rows(root, rows: list[dict]) -> None:
    """Write the catalog (sorted, as :func:`analysis.corpus.catalog.format_catalog`) atomically."""
    atomic_write_text(Path(root) / CATALOG_FILE, format_catalog(rows))


def row_strings(row: dict) -> dict:
    """A catalog row as the strings the CSV holds (for comparisons)."""
    return {key: "" if row.get(key) is None else str(row[key]) for key in COLUMNS}


# --- one document, atomically ---------------------------------------------------------------

def _fsync_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def staged_names(root, doc_id: str) -> dict[str, Path]:
    """The final, staged and backup paths of a full-text document, and its journal."""
    folder = Path(root) / "interviews"
    return {"final": folder / f"{doc_id}.txt", "staged": folder / f".{doc_id}.txt.staged",
            "backup": folder / f".{doc_id}.txt.backup", "journal": Path(root) / JOURNAL_DIR / f"{doc_id}.json"}


def commit_document(root, doc_id: str, text: str, row: dict) -> Path:
    """Write ``interviews/<doc_id>.txt`` and its catalog row, both or neither (steps: module
    docstring). The caller holds :func:`corpus_lock`. Returns the document's path."""
    root = Path(root)
    names = staged_names(root, doc_id)
    data = text.encode("utf-8")
    row = row_strings(row)
    rows = [r for r in read_catalog_rows(root) if r["doc_id"] != doc_id] if (root / CATALOG_FILE).exists() else []
    backup = names["final"].exists()
    journal = {"doc_id": doc_id, "sha256": _sha256(data), "backup": backup, "row": row}
    try:  # any failure from here on is undone (the final file is only removed if it is the new one)
        _fsync_write(names["staged"], data)
        _kill_point("staged")
        if backup:
            _fsync_write(names["backup"], names["final"].read_bytes())
            _kill_point("backed-up")
        atomic_write_text(names["journal"], json.dumps(journal, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
        _kill_point("journaled")
        os.replace(names["staged"], names["final"])
        _kill_point("renamed")
        catalog_text = format_catalog(rows + [row])
        if os.environ.get(KILL_ENV) == "catalog-tmp":  # a temporary catalog written, never renamed
            _fsync_write(root / f".{CATALOG_FILE}.killed.tmp", catalog_text.encode("utf-8"))
            _kill_point("catalog-tmp")
        atomic_write_text(root / CATALOG_FILE, catalog_text)
    except BaseException:
        rollback(root, journal)
        raise
    _kill_point("committed")
    names["backup"].unlink(missing_ok=True)
    names["journal"].unlink(missing_ok=True)
    _remove_empty_journal_dir(root)
    return names["final"]


def rollback(root, journal: dict) -> list[str]:
    """Undo an interrupted :func:`commit_document` (its file back to what it was); what was done."""
    names = staged_names(root, journal["doc_id"])
    done = []
    final = names["final"]
    if final.exists() and _sha256(final.read_bytes()) == journal["sha256"]:
        if not journal["backup"]:
            final.unlink()
            done.append(f"removed {final.name} (its catalog row was never written)")
        elif names["backup"].exists():
            os.replace(names["backup"], final)
            done.append(f"restored {final.name} from its backup")
        # else: the backup was never completed, so the old file was never replaced
    for key in ("staged", "backup", "journal"):
        if names[key].exists():
            names[key].unlink()
            done.append(f"removed {names[key].relative_to(root)}")
    _remove_empty_journal_dir(root)
    return done


def _remove_empty_journal_dir(root) -> None:
    folder = Path(root) / JOURNAL_DIR
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def is_committed(root, journal: dict) -> bool:
    """True if the catalog holds the journal's row and the file has the journal's sha256."""
    final = staged_names(root, journal["doc_id"])["final"]
    try:
        rows = {r["doc_id"]: r for r in read_catalog_rows(root)}
    except InputError:
        return False
    return (rows.get(journal["doc_id"]) == journal["row"] and final.exists()
            and _sha256(final.read_bytes()) == journal["sha256"])


def journals(root) -> list[Path]:
    """Journals of adds that did not finish."""
    folder = Path(root) / JOURNAL_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def leftovers(root) -> list[Path]:
    """Temporary files of interrupted writes: ``.*.tmp`` and ``.*.staged`` in the corpus folders,
    and backups with no journal."""
    root = Path(root)
    folders = [root, root / "interviews", root / "features", root / JOURNAL_DIR]
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [p for p in folder.glob(".*.tmp") if p.is_file()]
            found += [p for p in folder.glob(".*.staged") if p.is_file()]
    pending = {json.loads(p.read_text("utf-8")).get("doc_id") for p in journals(root) if _readable_json(p)}
    if (root / "interviews").is_dir():
        found += [p for p in (root / "interviews").glob(".*.txt.backup")
                  if p.name[1:-len(".txt.backup")] not in pending]
    return sorted(set(found))


def _readable_json(path: Path) -> bool:
    try:
        json.loads(path.read_text("utf-8"))
        return True
    except (OSError, ValueError):
        return False


def recover(root) -> list[str]:
    """Finish or roll back every interrupted add, remove temporary files; what was done.

    The caller holds :func:`corpus_lock`, so no write is in progress."""
    root = Path(root)
    done = []
    for path in journals(root):
        if not _readable_json(path):
            path.unlink()
            done.append(f"removed unreadable journal {path.relative_to(root)}")
            continue
        journal = json.loads(path.read_text("utf-8"))
        if is_committed(root, journal):
            names = staged_names(root, journal["doc_id"])
            for key in ("staged", "backup", "journal"):
                if names[key].exists():
                    names[key].unlink()
            done.append(f"finished the add of {journal['doc_id']} (catalog row and file were in place)")
        else:
            done += [f"rolled back the add of {journal['doc_id']}: {step}" for step in rollback(root, journal)]
    for path in leftovers(root):
        path.unlink()
        done.append(f"removed temporary file {path.relative_to(root)}")
    _remove_empty_journal_dir(root)
    return done
