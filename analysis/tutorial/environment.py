"""Checks for notebook 00: is everything installed, offline, and where is what."""
from __future__ import annotations

import importlib
import importlib.metadata
import sys

import pandas as pd

from analysis.core.paths import PROJECT_ROOT
from analysis.text.lemmas import lemma
from analysis.text.stopwords import stopwords
from analysis.text.tokenize import tokenize

REQUIRED = ["jupyterlab", "pandas", "numpy", "scipy", "matplotlib", "scikit-learn", "nltk", "simplemma",
            "stopwordsiso", "wordfreq", "trafilatura", "nbclient", "papermill", "ipywidgets", "tqdm"]
FOLDERS = {
    "seeds": "raw source documents exactly as received (never edited)",
    "corpus": "the curated corpus: catalog.csv, interviews/ (full text), features/ (counts only), "
              "phrase list, stopword list, theme dictionary and hand coding",
    "analysis": "the Python package: every computation the notebooks show",
    "notebooks": "the tutorial and research notebooks, in reading order",
    "figures": "the paper figures (PDF, SVG, PNG) with captions and provenance; written only by `make figures`",
    "output": "what the notebooks export when you run them (not tracked by git; made on first run)",
    "tests": "unit tests and notebook execution tests (make test)",
    "benchmarks": "speed measurements (make benchmark), never run as tests",
}


def package_report() -> pd.DataFrame:
    """One row per required package: installed version or 'MISSING'."""
    rows = [("python", sys.version.split()[0], sys.version_info >= (3, 11))]
    for name in REQUIRED:
        try:
            rows.append((name, importlib.metadata.version(name), True))
        except importlib.metadata.PackageNotFoundError:
            rows.append((name, "MISSING", False))
    return pd.DataFrame(rows, columns=["package", "version", "ok"])


def offline_check() -> pd.DataFrame:
    """Show that the text pipeline works with no downloaded data (no nltk.download)."""
    rows = [
        ("tokenize (fr)", " ".join(tokenize("Qu’est-ce que l’IA change ?", "fr"))),
        ("lemma (fr)", lemma("chercheurs", "fr")),
        ("stopwords (en, fr)", f"{len(stopwords('en'))}, {len(stopwords('fr'))} words"),
    ]
    return pd.DataFrame(rows, columns=["step", "result"])


def folder_tour() -> pd.DataFrame:
    """The top-level folders, what each is for, and how many files each holds."""
    rows = []
    for folder, purpose in FOLDERS.items():
        path = PROJECT_ROOT / folder
        files = [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts] if path.exists() else []
        rows.append((f"{folder}/", purpose, len(files)))
    return pd.DataFrame(rows, columns=["folder", "what it holds", "files"])
