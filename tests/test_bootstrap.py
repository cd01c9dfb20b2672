"""Tests for analysis.stats.bootstrap: hand-computed rates, a loop-based reference bootstrap,
degenerate intervals, determinism, and the error messages."""
import numpy as np
import pandas as pd
import pytest

from analysis.stats.bootstrap import BootstrapCI, bootstrap_table, rate_ci, share_ci


def test_rate_is_ratio_of_sums_not_mean_of_turn_rates():
    # hits 1+0+2 = 3, tokens 10+20+30 = 60 -> 3/60*1000 = 50.
    # (The mean of per-turn rates would be (100 + 0 + 66.67)/3 = 55.56: not what we want.)
    ci = rate_ci([1, 0, 2], [10, 20, 30], n_boot=200)
    assert isinstance(ci, BootstrapCI)
    assert ci.estimate == pytest.approx(50.0)
    assert ci.n_units == 3
    assert ci.low <= ci.estimate <= ci.high


def test_matches_a_plain_loop_over_replicates():
    # Reference implementation: same index draw, one replicate at a time.
    hits = np.array([0, 3, 1, 0, 5, 2, 0, 1])
    tokens = np.array([40, 60, 20, 10, 90, 50, 30, 25])
    n_boot, level = 500, 0.9
    idx = np.random.default_rng(7).integers(0, len(tokens), size=(n_boot, len(tokens)))
    reps = [hits[i].sum() / tokens[i].sum() * 1000 for i in idx]
    low, high = np.quantile(reps, [0.05, 0.95])
    ci = rate_ci(hits, tokens, n_boot=n_boot, level=level, seed=7)
    assert ci.low == pytest.approx(low)
    assert ci.high == pytest.approx(high)


def test_two_turn_example_by_hand():
    # Turns: (hits 0, tokens 1) and (hits 1, tokens 1), per=1. A replicate draws 2 turns:
    # rate 0 with prob 1/4, 0.5 with prob 1/2, 1 with prob 1/4. With level 0.9 the 5th
    # and 95th percentiles fall inside the 25% masses at 0 and at 1.
    ci = rate_ci([0, 1], [1, 1], per=1, n_boot=2000, level=0.9, seed=1)
    assert (ci.estimate, ci.low, ci.high) == (0.5, 0.0, 1.0)


def test_degenerate_intervals():
    # Every turn has the same rate (100 per 1000): every replicate is 100.
    ci = rate_ci([1, 2, 3], [10, 20, 30], n_boot=300)
    assert ci.low == pytest.approx(100) and ci.high == pytest.approx(100)
    # One turn: nothing to resample.
    one = rate_ci([2], [40], n_boot=300)
    assert one.low == one.high == one.estimate == pytest.approx(50) and one.n_units == 1
    # A feature that never occurs: [0, 0], however uncertain the true rate is.
    assert rate_ci([0, 0, 0], [5, 9, 4], n_boot=300)[:3] == (0.0, 0.0, 0.0)


def test_2d_hits_give_arrays_equal_to_column_by_column_calls():
    rng = np.random.default_rng(0)
    hits = rng.integers(0, 4, size=(12, 3))
    tokens = rng.integers(20, 80, size=12)
    ci = rate_ci(hits, tokens, n_boot=400, seed=3)
    assert ci.estimate.shape == ci.low.shape == ci.high.shape == (3,)
    for j in range(3):
        col = rate_ci(hits[:, j], tokens, n_boot=400, seed=3)
        assert (ci.estimate[j], ci.low[j], ci.high[j]) == pytest.approx(col[:3])


def test_zero_token_turns_are_allowed_and_empty_replicates_dropped():
    # Two of three turns are empty; replicates drawing only those have no rate and are
    # dropped; every other replicate has rate 1/4*1000 = 250.
    ci = rate_ci([0, 0, 1], [0, 0, 4], n_boot=300)
    assert (ci.estimate, ci.low, ci.high) == pytest.approx((250, 250, 250))


def test_determinism_and_seed():
    hits, tokens = [0, 3, 1, 0, 5, 2, 0, 1], [40, 60, 20, 10, 90, 50, 30, 25]
    assert rate_ci(hits, tokens, seed=5) == rate_ci(hits, tokens, seed=5)
    assert rate_ci(hits, tokens, seed=5)[1:3] != rate_ci(hits, tokens, seed=6)[1:3]


def test_wider_level_gives_wider_interval():
    hits, tokens = [0, 3, 1, 0, 5, 2, 0, 1], [40, 60, 20, 10, 90, 50, 30, 25]
    narrow, wide = rate_ci(hits, tokens, level=0.5), rate_ci(hits, tokens, level=0.99)
    assert wide.low <= narrow.low and narrow.high <= wide.high


def test_share_ci():
    # 2 of 4 turns flagged -> 0.5, or 50 per 100.
    assert share_ci([True, False, False, True], n_boot=200).estimate == 0.5
    assert share_ci([1, 0, 0, 1], per=100, n_boot=200).estimate == 50
    ci = share_ci(np.array([[1, 0], [1, 0], [0, 0]]), n_boot=200)
    assert ci.estimate == pytest.approx([2 / 3, 0])
    with pytest.raises(ValueError, match="0/1"):
        share_ci([0, 2, 1])


@pytest.mark.parametrize("hits, tokens, kwargs, message", [
    ([], [], {}, "empty"),
    ([1, -1], [5, 5], {}, "negative"),
    ([1, 1], [5, -5], {}, "negative"),
    ([0, 0], [0, 0], {}, "total tokens is 0"),
    ([1, 2, 3], [5, 5], {}, "3 turns but tokens has 2"),
    ([1, float("nan")], [5, 5], {}, "NaN"),
    (["a", "b"], [5, 5], {}, "numbers"),
    ([1, 2], [5, 5], {"level": 0}, "level"),
    ([1, 2], [5, 5], {"level": 1}, "level"),
    ([1, 2], [5, 5], {"level": 95}, "level"),
    ([1, 2], [5, 5], {"n_boot": 0}, "n_boot"),
    ([1, 2], [5, 5], {"per": 0}, "per"),
    ([1, 2], [5, 5], {"seed": -1}, "seed"),
])
def test_errors(hits, tokens, kwargs, message):
    with pytest.raises(ValueError, match=message):
        rate_ci(hits, tokens, **kwargs)


def _turns():
    return pd.DataFrame({
        "doc": ["a", "a", "a", "b", "b", "c", "c", "c", "c"],
        "compute": [1, 0, 2, 0, 0, 3, 1, 0, 2],
        "open_source": [0, 1, 0, 2, 1, 0, 0, 1, 0],
        "tokens": [10, 20, 30, 50, 50, 40, 40, 10, 10],
    })


def test_table_shape_and_hand_computed_estimates():
    table = bootstrap_table(_turns(), group="doc", value_cols=["compute", "open_source"],
                            token_col="tokens", n_boot=300)
    assert list(table.columns) == ["doc", "feature", "estimate", "low", "high", "n_turns", "n_tokens"]
    assert len(table) == 3 * 2
    row = table.set_index(["doc", "feature"])
    # doc a: compute 3 hits / 60 tokens -> 50; doc b: open_source 3 / 100 -> 30;
    # doc c: compute 6 / 100 -> 60.
    assert row.loc[("a", "compute"), "estimate"] == pytest.approx(50)
    assert row.loc[("b", "open_source"), "estimate"] == pytest.approx(30)
    assert row.loc[("c", "compute"), "estimate"] == pytest.approx(60)
    assert row.loc[("c", "compute"), ["n_turns", "n_tokens"]].tolist() == [4, 100]
    assert (table["low"] <= table["estimate"]).all() and (table["estimate"] <= table["high"]).all()
    assert table.attrs["level"] == 0.95


def test_table_is_deterministic_and_groups_are_independent():
    df = _turns()
    kwargs = dict(group="doc", value_cols=["compute", "open_source"], token_col="tokens", n_boot=300)
    first = bootstrap_table(df, **kwargs, seed=11)
    pd.testing.assert_frame_equal(first, bootstrap_table(df, **kwargs, seed=11))
    assert not first[["low", "high"]].equals(bootstrap_table(df, **kwargs, seed=12)[["low", "high"]])
    # Dropping group "b" leaves the intervals of "a" and "c" unchanged.
    without_b = bootstrap_table(df[df["doc"] != "b"], **kwargs, seed=11)
    pd.testing.assert_frame_equal(first[first["doc"] != "b"].reset_index(drop=True), without_b)


def test_table_whole_corpus_and_several_group_columns():
    df = _turns().assign(role=["interviewee"] * 9)
    whole = bootstrap_table(df, group=None, value_cols="compute", token_col="tokens", n_boot=200)
    # 9 compute hits / 260 tokens * 1000 = 34.62
    assert list(whole.columns)[0] == "feature"
    assert whole.loc[0, "estimate"] == pytest.approx(9 / 260 * 1000)
    two = bootstrap_table(df, group=["doc", "role"], value_cols="compute", token_col="tokens", n_boot=200)
    assert list(two.columns[:2]) == ["doc", "role"] and len(two) == 3


def test_table_errors():
    df = _turns()
    kwargs = dict(group="doc", value_cols=["compute"], token_col="tokens")
    with pytest.raises(ValueError, match="not in the table"):
        bootstrap_table(df, group="speaker", value_cols=["compute"], token_col="tokens")
    with pytest.raises(ValueError, match="no rows"):
        bootstrap_table(df.iloc[0:0], **kwargs)
    with pytest.raises(ValueError, match="group .'b',. has 0 tokens"):
        bootstrap_table(df.assign(tokens=df["tokens"].where(df["doc"] != "b", 0)), **kwargs)
    with pytest.raises(ValueError, match="negative"):
        bootstrap_table(df.assign(compute=-1), **kwargs)
    with pytest.raises(ValueError, match="missing values"):
        bootstrap_table(df.assign(doc=[None] + list(df["doc"][1:])), **kwargs)
    with pytest.raises(ValueError, match="value_cols is empty"):
        bootstrap_table(df, group="doc", value_cols=[], token_col="tokens")
