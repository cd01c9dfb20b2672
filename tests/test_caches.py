"""The cache policy: every cache keyed on what it depends on, cached results read-only."""
import shutil
from collections import Counter

import pytest

from analysis.core.frozen import FrozenCounter
from analysis.core.paths import PROJECT_ROOT
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_corpus, turn_counts
from analysis.corpus.version import corpus_fingerprint
from analysis.ingest.build import rebuild_catalog
from analysis.text.stopwords import is_content, stopwords


def _copy_corpus(target):
    shutil.copytree(PROJECT_ROOT / "corpus", target)
    return target


def test_changing_the_corpus_folder_in_a_running_process_changes_stopwords_and_counts(tmp_path, monkeypatch):
    first, second = _copy_corpus(tmp_path / "a"), _copy_corpus(tmp_path / "b")
    # the second corpus drops "gpu" as a stopword and has one more "gpu" in the seed's first turn
    with open(second / "stopwords_domain.csv", "a", encoding="utf-8") as handle:
        handle.write('fr,gpu,add,"test: a domain stopword only the second corpus has"\n')
    seed_file = second / "interviews" / f"{SEED_DOC_ID}.txt"
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(first))
    before = turn_counts(load_corpus(docs=[SEED_DOC_ID]))
    assert "gpu" not in stopwords("fr") and is_content("gpu", "fr")

    text = seed_file.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith("## "))
    first_turn = next(i for i in range(header + 1, len(lines)) if not lines[i].startswith((">", "##")))
    lines[first_turn] = lines[first_turn].rstrip("\n") + " GPU\n"
    seed_file.write_text("".join(lines), encoding="utf-8")
    rebuild_catalog(second)  # the catalog's token count follows the edit (loading verifies it)

    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(second))
    assert "gpu" in stopwords("fr") and not is_content("gpu", "fr")
    after = turn_counts(load_corpus(docs=[SEED_DOC_ID]))
    assert sum(b["gpu"] for b in after) == sum(b["gpu"] for b in before) + 1

    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(first))  # and back again: the first corpus's answers
    assert "gpu" not in stopwords("fr")
    assert [dict(b) for b in turn_counts(load_corpus(docs=[SEED_DOC_ID]))] == [dict(b) for b in before]


def test_cached_bags_of_counts_cannot_be_changed_by_a_caller():
    bags = turn_counts(load_corpus(docs=[SEED_DOC_ID]))
    assert all(isinstance(bag, FrozenCounter) for bag in bags)
    token, count = bags[0].most_common(1)[0]
    with pytest.raises(TypeError, match="read-only"):
        bags[0][token] += 5
    with pytest.raises(TypeError, match="read-only"):
        bags[0].update([token])
    copy = Counter(bags[0])
    copy[token] += 5  # a copy is an ordinary Counter
    again = turn_counts(load_corpus(docs=[SEED_DOC_ID]))
    assert again[0][token] == count


def test_the_corpus_fingerprint_follows_the_folder_and_every_edit(tmp_path):
    root = _copy_corpus(tmp_path / "c")
    key = corpus_fingerprint(root)
    assert corpus_fingerprint(root) == key
    (root / "phrases.csv").write_text((root / "phrases.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert corpus_fingerprint(root) != key
    assert corpus_fingerprint(_copy_corpus(tmp_path / "d")) != corpus_fingerprint(root)
