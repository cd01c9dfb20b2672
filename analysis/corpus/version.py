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
