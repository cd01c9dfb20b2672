"""The cache policy: every cache keyed on what it depends on, cached results read-only."""
import os
import pickle
import shutil
import subprocess
import sys
from collections import Counter

import pandas as pd
import pytest
from scipy import sparse

from analysis.core import diskcache
from analysis.core.frozen import FrozenCounter
from analysis.core.paths import PROJECT_ROOT
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_corpus, turn_counts
from analysis.corpus.version import corpus_cache_key, corpus_fingerprint
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


# --- the disk cache (analysis.core.diskcache): shared by processes, keyed on values, corpus and code ---

CALLS = []


def _table(frame, scale=1):
    CALLS.append(len(frame))
    out = frame.assign(y=frame["x"] * scale)
    out.attrs["note"] = {"scale": scale}
    return out


@pytest.fixture
def disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYSIS_DISK_CACHE", raising=False)
    CALLS.clear()
    return tmp_path / "cache"


def test_disk_cache_hits_by_value_and_misses_on_any_change(disk_cache, monkeypatch):
    extra = {"corpus": "v1"}
    cached = diskcache.disk_cached("test", key=lambda: extra["corpus"])(_table)
    frame = pd.DataFrame({"x": [1.5, 2.0, 3.25], "s": ["a", "b", None]})
    first = cached(frame, scale=2)
    again = cached(frame.copy(), scale=2)  # another object, same values: read from disk
    assert len(CALLS) == 1 and (disk_cache / "test").is_dir()
    pd.testing.assert_frame_equal(first, again)
    assert again.attrs == {"note": {"scale": 2}} and again is not first
    pd.testing.assert_frame_equal(first, _table(frame, scale=2))
    CALLS.clear()
    edited = frame.copy()
    edited.loc[2, "s"] = "c"
    cached(edited, scale=2)                      # a cell changed
    cached(frame, scale=3)                       # an argument changed
    extra["corpus"] = "v2"
    cached(frame, scale=2)                       # the corpus changed
    monkeypatch.setattr(diskcache, "code_version", lambda: "other code")
    cached(frame, scale=2)                       # the code changed
    assert len(CALLS) == 4


def test_disk_cache_can_be_switched_off(disk_cache, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DISK_CACHE", "0")
    cached = diskcache.disk_cached("test")(_table)
    frame = pd.DataFrame({"x": [1, 2]})
    cached(frame)
    cached(frame)
    assert len(CALLS) == 2 and not (disk_cache / "test").exists()


def test_code_version_covers_every_module():
    assert len(diskcache.code_version()) == 16
    assert (diskcache.PACKAGE_DIR / "compare" / "comparisons.py").is_file()


def test_comparison_tables_read_back_from_another_process_are_identical(disk_cache, tmp_path):
    """The bootstrap tables a notebook computes are read back, unchanged, by the next process."""
    script = (
        "import pickle, sys\n"
        "from analysis.compare import comparisons as cmp\n"
        "units = cmp.group_units()\n"
        "units['side'] = cmp.company_groups(units['organization'])\n"
        "tables = (cmp.executive_profiles(n_boot=200),\n"
        "          cmp.group_rates(units, group='side', n_boot=200),\n"
        "          cmp.leave_one_out(units, group='side', a='Meta', b='other companies'))\n"
        "pickle.dump(tables, open(sys.argv[1], 'wb'))\n")
    runs = []
    for label, env in (("computed", {"ANALYSIS_DISK_CACHE": "0"}), ("first", {}), ("second", {})):
        out = tmp_path / f"{label}.pkl"
        subprocess.run([sys.executable, "-c", script, str(out)], check=True,
                       env={**os.environ, **env})
        runs.append(pickle.loads(out.read_bytes()))
    assert any((disk_cache / "comparisons").rglob("output.pkl"))
    for tables in runs[1:]:
        for got, want in zip(tables, runs[0]):
            pd.testing.assert_frame_equal(got, want)
            assert got.attrs == want.attrs


def test_the_corpus_key_follows_contents_not_modification_times(tmp_path, monkeypatch):

    root = _copy_corpus(tmp_path / "e")
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(root))
    key = corpus_cache_key()
    phrases = root / "phrases.csv"
    os.utime(phrases, ns=(1, 1))  # `analysis build` rewrites the same bytes: same key
    assert corpus_cache_key() == key
    phrases.write_text(phrases.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert corpus_cache_key() != key


def _row_sums(matrix):
    CALLS.append(matrix.shape)
    return matrix.sum(axis=1)


def test_disk_cache_keys_sparse_matrices_by_value_not_by_scipy_flags(disk_cache):
    cached = diskcache.disk_cached("test")(_row_sums)
    matrix = sparse.csr_matrix(sparse.random(30, 20, density=0.2, random_state=0))
    cached(matrix)
    same = sparse.csr_matrix(matrix.toarray())
    same.sort_indices()  # sets the flags scipy computes lazily: joblib.hash alone would see a new matrix
    cached({"m": same}["m"])
    assert len(CALLS) == 1
    changed = matrix.copy()
    changed.data[0] += 1
    cached(changed)
    assert len(CALLS) == 2


def test_an_argument_that_cannot_be_hashed_is_computed_without_the_cache(disk_cache):
    cached = diskcache.disk_cached("test")(_table)
    frame = pd.DataFrame({"x": [1, 2]})
    frame.attrs["callback"] = lambda: None  # cannot be pickled, so cannot be hashed
    cached(frame)
    cached(frame)
    assert len(CALLS) == 2


def test_feature_dict_lists_are_keyed_by_value_fast_and_exactly():
    features = [{"lemma:gpu": 1.0, "rule:x": 5.0}, {"lemma:talk": 1.0}]
    same = [{"rule:x": 5.0, "lemma:gpu": 1.0}, {"lemma:talk": 1.0}]  # equal dicts, other key order
    assert diskcache._is_feature_dicts(features)
    assert diskcache._value_digest(features) == diskcache._value_digest(same)
    for changed in ([{"lemma:gpu": 1.0, "rule:x": 0.0}, {"lemma:talk": 1.0}],
                    [{"lemma:gpu": 1.0, "rule:x": 5.0}, {"lemma:talks": 1.0}],
                    [{"lemma:gpu": 1.0, "rule:x": 5.0}]):
        assert diskcache._value_digest(changed) != diskcache._value_digest(features)
    # a list of dicts holding other values is hashed the general way, never wrongly as feature dicts
    assert not diskcache._is_feature_dicts([{"a": "text"}])
    assert diskcache._value_digest([{"a": "x"}]) != diskcache._value_digest([{"a": "y"}])
