"""Where things live: the project root and its folders.

Every other module asks here instead of building paths itself, so that a test (or a
researcher with a second corpus) can point the whole package elsewhere by setting the
environment variable ``ANALYSIS_CORPUS_DIR`` (and ``ANALYSIS_FIGURES_DIR``).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def corpus_dir() -> Path:
    """The curated corpus folder (``corpus/`` unless ``ANALYSIS_CORPUS_DIR`` is set)."""
    return Path(os.environ.get("ANALYSIS_CORPUS_DIR", PROJECT_ROOT / "corpus"))


def figures_dir() -> Path:
    """Where exported figures go (``figures/`` unless ``ANALYSIS_FIGURES_DIR`` is set)."""
    return Path(os.environ.get("ANALYSIS_FIGURES_DIR", PROJECT_ROOT / "figures"))


def paper_figures_dir() -> Path:
    """The committed paper figure set (``figures/``, written by ``make figures``), wherever
    :func:`figures_dir` points: inside a notebook it points at the notebook's output folder."""
    return PROJECT_ROOT / "figures"


def seeds_dir() -> Path:
    """Raw source documents exactly as received."""
    return PROJECT_ROOT / "seeds"


def cache_dir() -> Path:
    """Derived tables and fitted models, keyed by the hash of their inputs (never committed)."""
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", PROJECT_ROOT / ".cache"))


def shared_interviews_dir() -> Path:
    """The maintainers' folder of raw third-party transcripts (absent on a user's clone)."""
    return Path(os.environ.get("ANALYSIS_RAW_INTERVIEWS", PROJECT_ROOT.parent / "shared" / "interviews"))
