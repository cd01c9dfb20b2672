"""The statistics package: streams, block and two-stage bootstraps, closed-form intervals,
Benjamini-Hochberg, the Log Ratio's sign on zero counts, and simulated coverage."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from analysis.stats.bootstrap import (Interval, two_stage_replicates, bootstrap_table, rate_ci, share_ci,
                                      two_stage_difference, two_stage_table)
from scipy.stats import nbinom

from analysis.stats.coverage import few_turns_coverage, few_turns_table, two_stage_coverage
from analysis.stats.dispersion import dispersion_table, nb_shape
from analysis.stats.intervals import (cluster_t, effective_size, few_turns_rate_interval, negative_binomial_exact,
                                      poisson_exact, wilson)
from analysis.stats.keyness import absent_in, keyness_table, log_ratio, turn_test
from analysis.stats.multiplicity import bh_adjust
from analysis.stats.resampling import block_indices, block_length, cluster_weights, stream, within_weights


# --- streams ----------------------------------------------------------------------------

def test_stream_depends_on_random_state_and_key_only():
    a = stream(3, "doc-a").integers(0, 10**9, 5)
    assert (a == stream(3, "doc-a").integers(0, 10**9, 5)).all()
    assert not (a == stream(4, "doc-a").integers(0, 10**9, 5)).all()
    assert not (a == stream(3, "doc-b").integers(0, 10**9, 5)).all()
    with pytest.raises(ValueError, match="random_state"):
        stream(-1)


def _turns():
    rng = np.random.default_rng(0)
    rows = [(doc, i, int(rng.poisson(2)), int(rng.integers(50, 150))) for doc in "abc" for i in range(40)]
    return pd.DataFrame(rows, columns=["doc", "turn", "compute", "tokens"])


def test_per_group_intervals_do_not_depend_on_group_order_or_other_groups():
    df = _turns()
    kwargs = dict(group="doc", value_cols="compute", token_col="tokens", n_boot=300, random_state=11)
    first = bootstrap_table(df, **kwargs).set_index("doc")
    reordered = pd.concat([df[df["doc"] == d] for d in "cab"], ignore_index=True)   # groups in another order
    shuffled = bootstrap_table(reordered, **kwargs).set_index("doc")
    pd.testing.assert_frame_equal(first.loc[list("abc")], shuffled.loc[list("abc")])
    alone = bootstrap_table(df[df["doc"] == "b"], **kwargs).set_index("doc")
    pd.testing.assert_frame_equal(first.loc[["b"]], alone)
    other = bootstrap_table(df, **{**kwargs, "random_state": 12}).set_index("doc")
    assert not first[["lo", "hi"]].equals(other[["lo", "hi"]])


# --- block bootstrap --------------------------------------------------------------------

def test_block_length_is_the_cube_root_rounded_up():
    assert [block_length(n) for n in (1, 8, 9, 27, 100, 600)] == [1, 2, 3, 3, 5, 9]


def test_blocks_are_runs_of_consecutive_turns_that_wrap():
    idx = block_indices(7, 50, np.random.default_rng(1), length=3)
    assert idx.shape == (50, 7)
    for row in idx:
        for start in (0, 3):          # two whole blocks, then the first turn of a third
            block = row[start:start + 3]
            assert list(block) == [(block[0] + j) % 7 for j in range(3)]
    assert set(idx.ravel()) == set(range(7))


def test_block_length_one_is_the_ordinary_bootstrap_and_weights_sum_to_n():
    w = within_weights(np.array([0, 0, 0, 1, 1]), 20, np.random.default_rng(2), length=1)
    assert (w[:, :3].sum(axis=1) == 3).all() and (w[:, 3:].sum(axis=1) == 2).all()


def test_block_bootstrap_widens_intervals_when_a_theme_runs_over_consecutive_turns():
    hits = np.r_[np.zeros(40), np.full(10, 5.0), np.zeros(50)]      # one stretch of ten turns
    tokens = np.full(100, 100.0)
    naive = rate_ci(hits, tokens, n_boot=2000, design="turns")
    blocks = rate_ci(hits, tokens, n_boot=2000, design="blocks")
    assert naive.rate == blocks.rate == pytest.approx(5.0)
    assert blocks.hi - blocks.lo > 1.2 * (naive.hi - naive.lo)


# --- two stages -------------------------------------------------------------------------

def test_two_stage_by_hand_with_one_turn_per_interview():
    # one turn per interview: stage 2 is trivial, so a replicate is the rate of the drawn interviews
    values, tokens = np.array([[1.0], [3.0]]), np.array([10.0, 10.0])
    docs, clusters = np.array([0, 1]), np.array([0, 1])
    est, reps = two_stage_replicates(values, tokens, docs, clusters, per=1, n_boot=400, rng=np.random.default_rng(0),
                           statistic="mean")
    assert est[0] == pytest.approx(0.2)
    assert set(np.round(reps[:, 0], 6)) == {0.1, 0.2, 0.3}           # (a,a), (a,b) or (b,a), (b,b)
    share_mixed = np.mean(np.isclose(reps[:, 0], 0.2))
    assert 0.4 < share_mixed < 0.6                                   # probability 1/2


def test_two_stage_clusters_draw_a_persons_interviews_together():
    w = cluster_weights(2, 100, np.random.default_rng(0))
    assert (w.sum(axis=1) == 2).all()
    values = np.array([[1.0], [1.0], [5.0]])
    tokens = np.ones(3)
    # interviews 0 and 1 belong to person 0; interview 2 to person 1
    _, reps = two_stage_replicates(values, tokens, np.array([0, 1, 2]), np.array([0, 0, 1]), per=1, n_boot=300,
                         rng=np.random.default_rng(1), statistic="mean")
    assert set(np.round(reps[:, 0], 6)) <= {1.0, 5.0, round(7 / 3, 6)}


def test_two_stage_table_and_difference_shapes_and_names():
    df = _turns().assign(group=lambda d: d["doc"].map({"a": "x", "b": "x", "c": "y"}))
    table = two_stage_table(df, group="group", value_cols="compute", token_col="tokens", doc="doc", n_boot=200)
    assert list(table.columns) == ["group", "feature", "rate", "lo", "hi", "n", "n_clusters", "n_tokens"]
    assert table.set_index("group").loc["x", "n"] == 2
    diff = two_stage_difference(df, group="group", a="x", b="y", value_cols=["compute"], token_col="tokens",
                                doc="doc", n_boot=200)
    assert {"rate_a", "rate_b", "diff", "lo", "hi", "p_value", "q_value"} <= set(diff.columns)
    assert diff["lo"].iloc[0] <= diff["diff"].iloc[0] <= diff["hi"].iloc[0]


# --- closed-form intervals ----------------------------------------------------------------

def test_wilson_matches_scipy_and_hand_values():
    lo, hi = wilson(3, 5)
    ci = binomtest(3, 5).proportion_ci(method="wilson")
    assert (lo, hi) == pytest.approx((ci.low, ci.high))
    assert wilson(0, 2) == (0.0, pytest.approx(0.6576, abs=1e-4))
    assert all(np.isnan(wilson(0, 0)))


def test_exact_poisson_of_zero_is_not_zero():
    lo, hi = poisson_exact(0, 1000)
    assert lo == 0 and hi == pytest.approx(3.689, abs=1e-3)        # -ln(0.025) per 1,000 tokens


def test_few_turns_interval_covers_bunched_hits_and_absent_themes():
    tokens = np.full(6, 100.0)
    lo, hi = few_turns_rate_interval(np.array([6, 0, 0, 0, 0, 0.0]), tokens)
    t_lo, t_hi = cluster_t(np.array([6, 0, 0, 0, 0, 0.0]), tokens)
    assert lo == 0 and hi >= t_hi > 0
    assert few_turns_rate_interval(np.zeros(6), tokens)[1] > 0
    assert rate_ci(np.zeros(6), tokens).hi > 0
    assert share_ci([1, 0, 0, 0, 0, 0]).lo == pytest.approx(wilson(1, 6)[0])
    assert isinstance(rate_ci([1, 2], [10, 10]), Interval)


# --- multiplicity and keyness -------------------------------------------------------------

def test_benjamini_hochberg_against_a_hand_computed_case():
    # sorted p = .01 .02 .03 .04 .05 (m = 5): p * m / rank = .05 .05 .05 .05 .05
    assert bh_adjust([0.05, 0.01, 0.03, 0.02, 0.04]) == pytest.approx([0.05] * 5)
    # p = .001 .04 .30: .003, .06, .30
    assert bh_adjust([0.30, 0.001, 0.04]) == pytest.approx([0.30, 0.003, 0.06])
    assert np.isnan(bh_adjust([np.nan, 0.01])[0])


def test_log_ratio_sign_cannot_flip_on_zero_counts():
    # 607-token target, large reference: a concept the target never uses is never key for it
    lr = log_ratio([0, 0, 3, 2], [1, 400, 0, 2], 607, 334_000)
    assert lr[0] < 0 and lr[1] < 0 and lr[2] > 0 and lr[3] > 0
    assert log_ratio(0, 0, 10, 10) == 0
    assert log_ratio(2, 4, 100, 200) == pytest.approx(0.0)            # no zero: Hardie's plain value
    assert list(absent_in([0, 1, 1], [1, 0, 1])) == ["target", "reference", ""]
    table = keyness_table({"a": 0, "b": 10}, {"a": 500, "b": 10}, min_count=1, target_size=607,
                          reference_size=334_000).set_index("term")
    assert table.loc["a", "log_ratio"] < 0 and table.loc["a", "key_for"] == "reference"
    assert table.loc["a", "absent_in"] == "target"
    assert "q_value" in table.columns and table.attrs["n_tests"] == 2


def test_turn_test_counts_turns_not_tokens():
    p_one_turn = turn_test(1, 6, 10, 2000)
    p_three_turns = turn_test(3, 6, 10, 2000)
    assert p_three_turns < p_one_turn < 0.05
    assert turn_test(0, 6, 0, 2000) == pytest.approx(1.0)


# --- coverage by simulation ---------------------------------------------------------------

@pytest.mark.parametrize("rate", [2.0, 5.0, 10.0])
def test_few_turns_interval_covers_at_nominal_level(rate):
    # six turns of ~100 tokens, hits moderately bunched (Gamma shape 1): 95% within Monte Carlo error,
    # or above (the union of two intervals is conservative by construction)
    out = few_turns_coverage(rate, kappa=1.0, n_sim=1500)
    assert out["coverage"] >= 0.95 - 3 * max(out["mc_se"], 0.0056)


def test_two_stage_bootstrap_covers_at_nominal_level():
    out = two_stage_coverage(5.0, n_interviews=12, n_turns=30, n_sim=200, n_boot=300)
    se = np.sqrt(0.95 * 0.05 / 200)
    assert abs(out["coverage"] - 0.95) <= 3 * se


# --- bunching: the negative-binomial interval and kappa ------------------------------------

def test_negative_binomial_exact_pivots_the_nb_distribution_function():
    level, count, tokens, size = 0.95, 4, 600.0, 0.8
    lo, hi = negative_binomial_exact(count, tokens, size, level, per=1)
    # at the limits, the tail probabilities are alpha/2 (scipy's NB: n = size, p = size / (size + mu))
    mu_lo, mu_hi = lo * tokens, hi * tokens
    assert nbinom.cdf(count, size, size / (size + mu_hi)) == pytest.approx(0.025, rel=1e-6)
    assert nbinom.sf(count - 1, size, size / (size + mu_lo)) == pytest.approx(0.025, rel=1e-6)
    assert negative_binomial_exact(0, tokens, size)[0] == 0.0
    # more bunching (smaller size), wider; infinite size is Garwood's Poisson interval
    assert negative_binomial_exact(count, tokens, 0.4)[1] > negative_binomial_exact(count, tokens, 4)[1]
    assert np.allclose(negative_binomial_exact(count, tokens, np.inf), poisson_exact(count, tokens))
    assert np.allclose(negative_binomial_exact(count, tokens, 1e9), poisson_exact(count, tokens), rtol=1e-4)
    with pytest.raises(ValueError, match="positive"):
        negative_binomial_exact(count, tokens, 0)


def test_few_turns_interval_takes_kappa():
    hits, tokens = [0, 3, 0, 0, 1, 0], [80, 120, 100, 90, 110, 100]
    assert effective_size(np.full(6, 100.0), 0.5)[0] == pytest.approx(3.0)     # equal turns: n x kappa
    assert np.allclose(few_turns_rate_interval(hits, tokens, kappa=np.inf), poisson_exact(4, 600))
    lo, hi = few_turns_rate_interval(hits, tokens, kappa=0.2)
    size = effective_size(np.asarray(tokens, float), 0.2)[0]
    assert np.allclose((lo, hi), negative_binomial_exact(4, 600, size))
    # NaN kappa (nothing measured): the union rule
    assert np.allclose(few_turns_rate_interval(hits, tokens, kappa=np.nan), few_turns_rate_interval(hits, tokens))


def _bunched_corpus(kappa, n_docs=40, n_turns=60, random_state=1):
    rng = np.random.default_rng(random_state)
    docs = np.repeat(np.arange(n_docs), n_turns)
    tokens = rng.integers(40, 400, size=docs.size).astype(float)
    doc_rate = rng.lognormal(np.log(6 / 1000), 0.7, size=n_docs)
    hits = rng.poisson(doc_rate[docs] * tokens * rng.gamma(kappa, 1 / kappa, size=docs.size))
    return docs, tokens, hits


@pytest.mark.parametrize("kappa", [0.1, 0.3, 1.0])
def test_nb_shape_recovers_kappa_with_interview_rates_as_means(kappa):
    docs, tokens, hits = _bunched_corpus(kappa)
    estimate = nb_shape(hits, tokens, docs)
    assert estimate == pytest.approx(kappa, rel=0.2)
    assert nb_shape(hits, tokens, docs, method="moments") == pytest.approx(kappa, rel=0.6)
    # ignoring the interviews' own rates would mistake between-interview variation for bunching
    assert nb_shape(hits, tokens) < estimate


def test_nb_shape_scattered_hits_and_absent_features():
    rng = np.random.default_rng(2)
    tokens = rng.integers(50, 150, size=3000).astype(float)
    hits = np.column_stack([rng.poisson(5 / 1000 * tokens), np.zeros(3000)])
    for method in ("ml", "moments"):
        kappa = nb_shape(hits, tokens, method=method)
        assert kappa[0] > 20          # Poisson: no extra-Poisson variation (inf, or large by chance)
        assert np.isnan(kappa[1])


def test_bootstrap_table_estimates_kappa_on_long_interviews_for_few_turns_groups():
    docs, tokens, hits = _bunched_corpus(0.2, n_docs=12, n_turns=50)
    df = pd.DataFrame({"doc_id": [f"d{d:02d}" for d in docs], "n_tokens": tokens, "theme": hits})
    seed = pd.DataFrame({"doc_id": "seed", "n_tokens": [100.0] * 6, "theme": [0, 3, 0, 0, 1, 0]})
    df = pd.concat([df, seed], ignore_index=True)
    measured = dispersion_table(df, value_cols=["theme"], min_turns=30)
    assert measured["n_interviews"].iat[0] == 12                       # the seed does not measure its own
    table = bootstrap_table(df, group="doc_id", value_cols=["theme"], token_col="n_tokens", kappa="estimate",
                            n_boot=200).set_index("doc_id")
    assert table.loc["seed", "kappa"] == pytest.approx(measured["kappa"].iat[0])
    assert table.loc["seed", "interval"].startswith("negative-binomial exact")
    size = effective_size(np.full(6, 100.0), measured["kappa"].iat[0])
    assert np.allclose(table.loc["seed", ["lo", "hi"]].to_numpy(float), np.ravel(negative_binomial_exact(4, 600, size)))
    assert np.isnan(table.loc["d00", "kappa"]) and table.loc["d00", "interval"].startswith("moving-block")
    # without kappa, the table is what it was (no kappa column)
    plain = bootstrap_table(df, group="doc_id", value_cols=["theme"], token_col="n_tokens", n_boot=200)
    assert "kappa" not in plain.columns
    with pytest.raises(ValueError, match="estimate"):
        bootstrap_table(df, group="doc_id", value_cols=["theme"], token_col="n_tokens", kappa="measured")


def test_nb_interval_covers_at_nominal_level_when_hits_are_bunched():
    # six turns, strongly bunched hits (kappa 0.1, the low end of the corpus's themes), rate 10 per 1,000:
    # the negative-binomial interval covers at 95% or above within Monte Carlo error; the union rule does not
    nb = few_turns_coverage(10.0, kappa=0.1, n_sim=4000, random_state=7)
    old = few_turns_coverage(10.0, kappa=0.1, n_sim=4000, random_state=7, method="union")
    floor = 0.95 - 3 * np.sqrt(0.95 * 0.05 / 4000)
    assert nb["coverage"] >= floor
    assert old["coverage"] < floor
    assert nb["median_width"] > old["median_width"]                  # the price: honest width


def test_coverage_table_compares_methods_on_the_same_interviews():
    table = few_turns_table(kappas=(0.2, np.inf), rates=(5.0,), turn_counts=(6,), n_sim=300)
    assert list(table.columns[:5]) == ["n_turns", "kappa", "rate", "nb", "nb_width"]
    inf_row = table[np.isinf(table["kappa"])].iloc[0]
    assert inf_row["nb"] == inf_row["nb_kappa_half"] == inf_row["nb_kappa_double"]   # inf x 0.5 is inf
