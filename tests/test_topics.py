"""Topic models on a synthetic corpus with two planted topics; caching; choosing k."""
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from planted_topics import TOPIC_A, TOPIC_B, VOCAB, planted

from analysis.models import topics
from analysis.models.topics import cache_key, choose_k, components, doc_topics, fit_topic_model, select_k, top_terms

X = planted()


@pytest.fixture(autouse=True)
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "topics"


@pytest.mark.parametrize("kind", ["nmf", "lda"])
def test_planted_topics_are_recovered(kind):
    model = fit_topic_model(X, 2, kind=kind, random_state=0)
    table = top_terms(model, VOCAB, n=6)
    found = sorted((set(group["term"]) for _, group in table.groupby("topic")), key=lambda s: min(s))
    assert found == [TOPIC_A, TOPIC_B]
    theta = doc_topics(model, X)
    assert theta.shape == (60, 2)
    assert theta.sum(axis=1) == pytest.approx(np.ones(60))
    first = theta[:30].mean(axis=0).argmax()
    assert theta[:30, first].mean() > 0.8 and theta[30:, 1 - first].mean() > 0.8


def test_pipeline_shape_and_tfidf_for_nmf_only():
    nmf = fit_topic_model(X, 2, kind="nmf", use_cache=False)
    lda = fit_topic_model(X, 2, kind="lda", use_cache=False)
    assert [name for name, _ in nmf.steps] == ["tfidf", "nmf"]
    assert [name for name, _ in lda.steps] == ["lda"]
    assert nmf[-1].init == "random" and lda[-1].learning_method == "batch"
    assert components(nmf).shape == components(lda).shape == (2, 12)


def test_top_terms_table():
    table = top_terms(fit_topic_model(X, 2, use_cache=False), VOCAB, n=3)
    assert list(table.columns) == ["topic", "rank", "term", "weight"]
    assert table["rank"].tolist() == [1, 2, 3, 1, 2, 3]
    for _, group in table.groupby("topic"):
        assert group["weight"].is_monotonic_decreasing
        assert 0 < group["weight"].sum() <= 1
    assert len(top_terms(fit_topic_model(X, 2, use_cache=False), VOCAB, n=50)) == 24  # n capped at 12 terms
    with pytest.raises(ValueError, match="vocabulary has 3"):
        top_terms(fit_topic_model(X, 2, use_cache=False), VOCAB[:3])


def test_doc_topics_empty_document_is_nan_and_columns_checked():
    model = fit_topic_model(X, 2, kind="lda", use_cache=False)
    new = sparse.csr_matrix(np.vstack([np.zeros(12), X[0].toarray()]))
    theta = doc_topics(model, new)
    assert np.isnan(theta[0]).all() and theta[1].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="model's vocabulary"):
        doc_topics(model, X[:, :5])


def test_seeded_and_deterministic():
    a = components(fit_topic_model(X, 3, random_state=1, use_cache=False))
    b = components(fit_topic_model(X, 3, random_state=1, use_cache=False))
    c = components(fit_topic_model(X, 3, random_state=2, use_cache=False))
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)  # random init: the random state matters (NNDSVD would not)


@pytest.mark.parametrize("k, kwargs, message", [
    (1, {}, "at least 2 topics"),
    (13, {}, "larger than the matrix allows"),
    (2.0, {}, "must be an integer"),
    (2, {"kind": "lsa"}, "kind must be one of"),
    (2, {"random_state": -1}, "random_state must be"),
    (2, {"n_components": 3}, "set the parameter 'k'"),
    (2, {"vocabulary": VOCAB[:5]}, "vocabulary has 5"),
])
def test_fit_errors(k, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit_topic_model(X, k, **kwargs)


def test_random_state_in_select_k_params_is_refused():
    with pytest.raises(ValueError, match="random_states"):
        select_k(X, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), params={"nmf": {"random_state": 3}})


def test_fit_refuses_empty_matrices():
    with pytest.raises(ValueError, match="empty"):
        fit_topic_model(sparse.csr_matrix((0, 12)), 2)
    with pytest.raises(ValueError, match="no non-zero"):
        fit_topic_model(sparse.csr_matrix((5, 12)), 2)


def test_cache_returns_the_same_model(tmp_cache, monkeypatch):
    first = fit_topic_model(X, 2, random_state=4, vocabulary=VOCAB)
    files = list(tmp_cache.rglob("output.pkl"))  # joblib.Memory's store: one folder per cached call
    assert len(files) == 1

    def no_fitting(*args):
        raise AssertionError("should have been read from the cache")
    monkeypatch.setattr(topics, "_build", no_fitting)
    again = fit_topic_model(X, 2, random_state=4, vocabulary=VOCAB)
    assert np.array_equal(components(first), components(again))
    with pytest.raises(AssertionError, match="cache"):  # a different random state is not in the cache
        fit_topic_model(X, 2, random_state=5, vocabulary=VOCAB)


def test_damaged_cache_file_is_refitted(tmp_cache):
    first = fit_topic_model(X, 2)
    [path] = tmp_cache.rglob("output.pkl")
    path.write_bytes(b"not a pickle")
    again = fit_topic_model(X, 2)  # joblib reports the unreadable result on stderr and fits again
    assert np.array_equal(components(again), components(first))
    assert path.read_bytes() != b"not a pickle"
    assert path.read_bytes() != b"not a pickle"


def test_cache_key_follows_the_inputs():
    settings = topics._settings("nmf", {})
    base = dict(vocabulary=VOCAB, kind="nmf", k=2, random_state=0, settings=settings)
    key = cache_key(X, **base)
    changed = X.copy().tolil()
    changed[0, 0] += 1
    assert cache_key(changed.tocsr(), **base) != key
    assert cache_key(X[:, ::-1], **base) != key
    assert cache_key(X.astype(np.float32), **base) == key  # same counts, other dtype
    assert cache_key(X.toarray(), **base) == key
    stored_zero = X.copy()
    stored_zero.data[0] = 0
    assert cache_key(stored_zero, **base) == cache_key(sparse.csr_matrix(stored_zero.toarray()), **base)
    for change in ({"random_state": 1}, {"k": 3}, {"kind": "lda"}, {"vocabulary": VOCAB[::-1]},
                   {"settings": topics._settings("nmf", {"max_iter": 50})}):
        assert cache_key(X, **{**base, **change}) != key


def test_select_k_table_and_choice():
    table = select_k(X, VOCAB, [3, 2], random_states=(0, 1, 2), top_n=5)
    assert list(table.columns) == ["kind", "k", "n_random_states", "npmi_mean", "npmi_sd", "umass_mean", "stability",
                                   "chance_95"]
    assert table[["kind", "k"]].values.tolist() == [["nmf", 2], ["nmf", 3], ["lda", 2], ["lda", 3]]
    two = table[table["k"] == 2]
    assert (two["stability"] > 0.95).all()  # the planted split is found by every random state
    assert (two["chance_95"] < two["stability"]).all()  # ... far above unmatched topic pairs
    assert (two["npmi_mean"] > 0).all()
    for kind in ("nmf", "lda"):
        k, reason = choose_k(table, kind=kind)
        assert k == 2 and reason.startswith(f"{kind}: k = 2")
    # cached: a second call gives the same numbers
    pd.testing.assert_frame_equal(select_k(X, VOCAB, [2, 3], random_states=(0, 1, 2), top_n=5), table)


def test_select_k_errors():
    with pytest.raises(ValueError, match="2 different random states"):
        select_k(X, VOCAB, [2], random_states=(0, 0))
    with pytest.raises(ValueError, match="top_n"):
        select_k(X, VOCAB, [2], top_n=1)
    with pytest.raises(ValueError, match="model kinds"):
        select_k(X, VOCAB, [2], params={"nfm": {}})
    with pytest.raises(ValueError, match="vocabulary has 11"):
        select_k(X, VOCAB[:11], [2])


def _table(rows, kind="nmf", n_random_states=4):
    return pd.DataFrame([{"kind": kind, "k": k, "n_random_states": n_random_states, "npmi_mean": npmi, "npmi_sd": sd,
                          "umass_mean": -1.0, "stability": stab} for k, npmi, sd, stab in rows])


def test_choose_k_rule():
    # k=12 has the best NPMI but is unstable; among stable k, 8 is best
    table = _table([(5, 0.10, 0.0, 0.9), (8, 0.15, 0.0, 0.85), (12, 0.30, 0.0, 0.5)])
    k, reason = choose_k(table)
    assert k == 8 and "(5, 8)" in reason and "0.150" in reason
    # k=5 within one standard error (0.04 / sqrt(4) = 0.02) of k=8's NPMI: the smaller k wins
    k, reason = choose_k(_table([(5, 0.14, 0.0, 0.9), (8, 0.15, 0.04, 0.85)]))
    assert k == 5 and "standard error" in reason
    # nothing stable: the most stable k, with a warning
    k, reason = choose_k(_table([(5, 0.1, 0.0, 0.6), (8, 0.2, 0.0, 0.7), (12, 0.3, 0.0, 0.7)]))
    assert k == 8 and "no k reached" in reason
    # the threshold is a parameter
    assert choose_k(table, min_stability=0.4)[0] == 12


def test_choose_k_needs_a_kind_when_the_table_has_two():
    table = pd.concat([_table([(5, 0.1, 0.0, 0.9)]), _table([(8, 0.1, 0.0, 0.9)], kind="lda")])
    with pytest.raises(ValueError, match="pass kind="):
        choose_k(table)
    assert choose_k(table, kind="lda")[0] == 8
    with pytest.raises(ValueError, match="no rows"):
        choose_k(table, kind="xyz")
    with pytest.raises(ValueError, match="lacks"):
        choose_k(table.drop(columns="stability"), kind="lda")


def test_select_k_parallel_gives_the_same_table():
    serial = select_k(X, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), use_cache=False)
    parallel = select_k(X, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), use_cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_choose_k_requires_stability_above_chance():
    table = _table([(5, 0.10, 0.0, 0.9), (8, 0.15, 0.0, 0.85)]).assign(chance_95=[0.5, 0.86])
    k, reason = choose_k(table)
    assert k == 5 and "above chance" in reason          # k = 8 is stable by the threshold, not beyond chance


def test_select_k_scores_npmi_on_held_out_rows():
    fitting, heldout = X[::2], X[1::2]
    own = select_k(fitting, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), top_n=5, use_cache=False)
    held = select_k(fitting, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), top_n=5, use_cache=False, heldout=heldout)
    assert own["stability"].equals(held["stability"]) and own["umass_mean"].equals(held["umass_mean"])
    assert not own["npmi_mean"].equals(held["npmi_mean"])
    with pytest.raises(ValueError, match="columns"):
        select_k(fitting, VOCAB, [2], kinds=("nmf",), random_states=(0, 1), heldout=heldout[:, 6:])
