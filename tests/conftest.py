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


#: A short print interview in the seed's layout: masthead, headline with the interviewee, a rule,
#: question and answer paragraphs, page furniture at the end.
PRINT_INTERVIEW = """The Example Gazette
« Compute is the new oil » (Ada Lovelace, chief scientist at Analytical Engines)
-
How many GPUs does your lab run today?

We run about ten thousand, and we always want more. Our researchers queue for weeks.

What do you make of open weights?

I think they help science. We publish our smaller models so others can check our work.
Newspapers in English
"""


@pytest.fixture
def print_interview(tmp_path):
    """:data:`PRINT_INTERVIEW` written to a file; its path."""
    path = tmp_path / "gazette.txt"
    path.write_text(PRINT_INTERVIEW, encoding="utf-8")
    return path
