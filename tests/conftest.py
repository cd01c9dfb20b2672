"""Shared fixtures: a throw-away corpus folder, so tests never touch the real corpus/."""
import shutil

import pytest

from analysis.core.paths import PROJECT_ROOT

CORPUS_CONFIG = ["phrases.csv", "stopwords_domain.csv", "sources.toml", "glossary_fr_en.csv"]


@pytest.fixture
def tmp_corpus(tmp_path, monkeypatch):
    """An empty corpus folder with the project's configuration files, made current."""
    root = tmp_path / "corpus"
    root.mkdir()
    for name in CORPUS_CONFIG:
        shutil.copy(PROJECT_ROOT / "corpus" / name, root / name)
    if (PROJECT_ROOT / "corpus" / "themes").exists():
        shutil.copytree(PROJECT_ROOT / "corpus" / "themes", root / "themes")
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(root))
    return root
