"""The corpus version: a fingerprint of every file under the corpus folder.

Figures record it in their provenance; caches of derived tables are keyed on it, so any
edit under ``corpus/`` invalidates them.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.core.paths import corpus_dir as _corpus_dir
from analysis.core.textio import InputError


def corpus_version(corpus_dir=None) -> str:
    """Short fingerprint of the corpus: 12 hex digits of a sha256.

    The digest runs over every non-hidden file under the corpus folder, in sorted order
    of relative path, feeding for each file its relative path (``/``-separated) and the
    sha256 of its bytes. Any added, removed, renamed or edited file changes it.
    """
    root = Path(corpus_dir) if corpus_dir is not None else _corpus_dir()
    if not root.is_dir():
        raise InputError(root, "corpus folder not found", hint="run from a full clone or set ANALYSIS_CORPUS_DIR")
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
    digest = hashlib.sha256()
    for rel, path in files:
        digest.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    return digest.hexdigest()[:12]


def corpus_fingerprint(corpus_dir=None) -> tuple:
    """A cheap cache key for the corpus as it is now: its folder and each file's path, size, mtime.

    This is the key of every in-process cache of a table derived from the corpus (the
    cache policy: key on what the result depends on). Unlike :func:`corpus_version` it
    reads no file contents, so it can be asked at every call; a change of folder
    (``ANALYSIS_CORPUS_DIR``) or any edit under it gives a new key.
    """
    root = Path(corpus_dir) if corpus_dir is not None else _corpus_dir()
    if not root.is_dir():
        raise InputError(root, "corpus folder not found", hint="run from a full clone or set ANALYSIS_CORPUS_DIR")
    entries = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            stat = path.stat()
            entries.append((rel.as_posix(), stat.st_size, stat.st_mtime_ns))
    return (str(root.resolve()), tuple(entries))


def corpus_cache_key(corpus_dir=None) -> tuple[str, str | None]:
    """The key of disk-cached tables derived from the corpus (:mod:`analysis.core.diskcache`).

    The corpus folder (resolved) and :func:`corpus_version`, a hash of the files' contents:
    ``analysis build`` rewrites the same bytes on every ``make run``, which changes
    :func:`corpus_fingerprint` (modification times) but must not discard the cache. Reading
    the whole corpus for the hash takes about 0.02 s. Without a corpus folder the version is None.
    """
    root = Path(corpus_dir) if corpus_dir is not None else _corpus_dir()
    if not root.is_dir():
        return str(root), None
    return str(root.resolve()), corpus_version(root)
