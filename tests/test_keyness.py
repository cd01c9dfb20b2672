"""Tests for analysis.stats.keyness: hand-computed G2, Log Ratio and log-odds values,
symmetry, table layout and the error messages."""
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.stats.keyness import (g2_p_value, keyness_table, log_likelihood_g2, log_odds_dirichlet,
                              log_ratio)

LN2 = math.log(2)


def chi2_1df_sf(x):
    """Survival function of chi-squared with 1 df, by hand: erfc(sqrt(x / 2))."""
    return math.erfc(math.sqrt(x / 2))


def test_g2_hand_computed():
    # a=10, b=5, c=1000, d=2000: E1 = 1000*15/3000 = 5, E2 = 2000*15/3000 = 10
    # G2 = 2*(10 ln(10/5) + 5 ln(5/10)) = 2*(10 - 5) ln 2 = 10 ln 2 = 6.9315
    assert log_likelihood_g2(10, 5, 1000, 2000) == pytest.approx(10 * LN2)
    assert g2_p_value(10 * LN2) == pytest.approx(chi2_1df_sf(10 * LN2))  # 0.00847
    # a=0, b=10, c=d=1000: E1 = E2 = 5; G2 = 2*(0 ln 0 + 10 ln 2) = 20 ln 2 (0 ln 0 = 0)
    assert log_likelihood_g2(0, 10, 1000, 1000) == pytest.approx(20 * LN2)
    # Same relative frequency (2/100 = 4/200): nothing to see, G2 = 0, p = 1.
    assert log_likelihood_g2(2, 4, 100, 200) == pytest.approx(0, abs=1e-12)
    assert g2_p_value(0.0) == 1.0


def test_g2_is_vectorised_and_symmetric():
    a, b = np.array([10, 0, 3, 7]), np.array([5, 10, 3, 0])
    g2 = log_likelihood_g2(a, b, 1000, 2000)
    assert g2.shape == (4,)
    assert g2[0] == pytest.approx(10 * LN2)
    # Swapping the two corpora (a<->b, c<->d) leaves G2 unchanged.
    np.testing.assert_allclose(g2, log_likelihood_g2(b, a, 2000, 1000))
    assert (g2 >= 0).all()


def test_log_ratio_hand_computed_and_antisymmetric():
    # (10/1000) / (5/2000) = 0.01 / 0.0025 = 4 -> log2 4 = 2
    assert log_ratio(10, 5, 1000, 2000) == pytest.approx(2)
    # A zero count: eps = 0.5/1000 added to both rates: (0 + 0.0005) / (0.004 + 0.0005) = 1/9
    assert log_ratio(0, 4, 1000, 1000) == pytest.approx(np.log2(1 / 9))
    a, b = np.array([10, 0, 3]), np.array([5, 4, 3])
    np.testing.assert_allclose(log_ratio(a, b, 300, 700), -log_ratio(b, a, 700, 300))


@pytest.mark.parametrize("args, message", [
    ((-1, 5, 100, 100), ">= 0"),
    ((1, 5, 0, 100), "> 0"),
    ((200, 5, 100, 100), "cannot exceed"),
])
def test_g2_errors(args, message):
    with pytest.raises(ValueError, match=message):
        log_likelihood_g2(*args)


TARGET = Counter(compute=10, open=5, the=85)          # c = 100 tokens
REFERENCE = Counter(compute=5, open=20, the=175)      # d = 200 tokens


def test_keyness_table_hand_computed():
    table = keyness_table(TARGET, REFERENCE, min_count=1)
    assert list(table.columns) == ["term", "target_count", "reference_count", "rate_target",
                                   "rate_reference", "g2", "p_value", "log_ratio", "absent_in", "key_for",
                                   "q_value", "significant"]
    # compute: E1 = 100*15/300 = 5, E2 = 10 -> G2 = 10 ln 2 = 6.9315, p = 0.00847
    # open:    E1 = 100*25/300 = 8.333, E2 = 16.667
    #          G2 = 2*(5 ln 0.6 + 20 ln 1.2) = 2*(-2.5541 + 3.6464) = 2.1846, p = 0.1394
    # the:     E1 = 86.667, E2 = 173.333
    #          G2 = 2*(85 ln(85/86.667) + 175 ln(175/173.333)) = 0.0482, p = 0.826
    assert table["term"].tolist() == ["compute", "open", "the"]
    assert table["g2"].tolist() == pytest.approx([10 * LN2, 2.1846060, 0.0482333], rel=1e-6)
    assert table["p_value"].tolist() == pytest.approx([chi2_1df_sf(g) for g in table["g2"]])
    # compute: 100 vs 25 per 1000 -> target, log2(0.1/0.025) = 2
    # open: 50 vs 100 per 1000 -> reference, log2(0.5) = -1; the: 850 vs 875 -> reference
    assert table["rate_target"].tolist() == pytest.approx([100, 50, 850])
    assert table["rate_reference"].tolist() == pytest.approx([25, 100, 875])
    assert table["log_ratio"].tolist()[:2] == pytest.approx([2, -1])
    assert table["key_for"].tolist() == ["target", "reference", "reference"]
    assert table.attrs["target_size"] == 100 and table.attrs["reference_size"] == 200


def test_keyness_table_options():
    # min_count=20 keeps terms with target + reference >= 20: open (25) and the (260).
    assert keyness_table(TARGET, REFERENCE, min_count=20)["term"].tolist() == ["open", "the"]
    assert keyness_table(TARGET, REFERENCE, min_count=1, top=1)["term"].tolist() == ["compute"]
    # Benjamini-Hochberg with 3 tests: q = p x 3 / rank = 0.0254, 0.209, 0.826; only compute passes.
    sig = keyness_table(TARGET, REFERENCE, min_count=1, alpha=0.05)
    assert sig["q_value"].tolist() == pytest.approx([0.0084687 * 3, 0.1394 * 3 / 2, 0.826], abs=2e-3)
    assert sig["significant"].tolist() == [True, False, False]
    assert "significant" not in keyness_table(TARGET, REFERENCE, min_count=1, alpha=None).columns
    # Explicit corpus sizes (content words counted from 1000 and 2000 tokens) and
    # Series input: compute is then a=10, b=5, c=1000, d=2000 -> G2 = 10 ln 2 again.
    sized = keyness_table(pd.Series(TARGET), pd.Series(REFERENCE), min_count=1,
                          target_size=1000, reference_size=2000)
    assert sized.set_index("term").loc["compute", "g2"] == pytest.approx(10 * LN2)
    # A term missing from one corpus counts 0 there.
    missing = keyness_table({"x": 6, "y": 4}, {"y": 10}, min_count=1).set_index("term")
    assert missing.loc["x", "reference_count"] == 0 and missing.loc["x", "key_for"] == "target"


def test_keyness_table_swapping_corpora_swaps_direction():
    forward = keyness_table(TARGET, REFERENCE, min_count=1).set_index("term")
    backward = keyness_table(REFERENCE, TARGET, min_count=1).set_index("term")
    np.testing.assert_allclose(forward["g2"], backward.loc[forward.index, "g2"])
    np.testing.assert_allclose(forward["log_ratio"], -backward.loc[forward.index, "log_ratio"])
    assert backward.loc["compute", "key_for"] == "reference"


def test_keyness_table_errors():
    with pytest.raises(TypeError, match="Series, dict or Counter"):
        keyness_table(["compute", "open"], REFERENCE)
    with pytest.raises(ValueError, match="no terms"):
        keyness_table(Counter(), REFERENCE)
    with pytest.raises(ValueError, match="non-negative"):
        keyness_table({"x": -1}, REFERENCE)
    with pytest.raises(ValueError, match="twice"):
        keyness_table(pd.Series([1, 2], index=["x", "x"]), REFERENCE)
    with pytest.raises(ValueError, match="at least the sums"):
        keyness_table(TARGET, REFERENCE, target_size=50)
    with pytest.raises(ValueError, match="alpha"):
        keyness_table(TARGET, REFERENCE, alpha=5)


def test_log_odds_dirichlet_hand_computed():
    a, b = {"x": 3, "y": 1}, {"x": 1, "y": 3}
    # Pooled prior: a_x = a_y = 4, a0 = 8; n_a = n_b = 4.
    # delta_x = ln((3+4)/(4+8-3-4)) - ln((1+4)/(4+8-1-4)) = ln(7/5) - ln(5/7) = 2 ln 1.4 = 0.67294
    # var_x = 1/7 + 1/5 = 0.342857; z_x = 0.67294 / 0.58554 = 1.14927
    out = log_odds_dirichlet(a, b, "pooled").set_index("term")
    assert list(out.columns) == ["count_a", "count_b", "delta", "variance", "z"]
    assert out.loc["x", "delta"] == pytest.approx(2 * math.log(1.4))
    assert out.loc["x", "variance"] == pytest.approx(1 / 7 + 1 / 5)
    assert out.loc["x", "z"] == pytest.approx(1.1492715)
    assert out.loc["y", "z"] == pytest.approx(-out.loc["x", "z"])   # mirror image
    # prior_scale=2: a_x = a_y = 1, a0 = 2.
    # delta_x = ln(4/(4+2-3-1)) - ln(2/(4+2-1-1)) = ln 2 - ln(1/2) = 2 ln 2 = 1.38629
    # var_x = 1/4 + 1/2 = 0.75; z_x = 1.38629 / 0.86603 = 1.60075
    scaled = log_odds_dirichlet(a, b, {"x": 10, "y": 10}, prior_scale=2).set_index("term")
    assert scaled.loc["x", "delta"] == pytest.approx(2 * LN2)
    assert scaled.loc["x", "z"] == pytest.approx(1.6007548)
    assert scaled.attrs["prior_total"] == pytest.approx(2)


def test_log_odds_dirichlet_properties():
    a = Counter(compute=12, gpu=6, open=2, the=80)
    b = Counter(compute=3, gpu=1, open=15, the=81, risk=4)
    out = log_odds_dirichlet(a, b, "pooled")
    assert out["z"].is_monotonic_decreasing
    assert out["term"].iloc[0] == "compute" and out["term"].iloc[-1] == "open"
    # Swapping the groups flips the sign.
    back = log_odds_dirichlet(b, a, "pooled").set_index("term")
    np.testing.assert_allclose(out.set_index("term")["delta"], -back.loc[out["term"], "delta"])
    # A stronger prior shrinks every |delta| toward 0.
    weak = log_odds_dirichlet(a, b, "pooled", prior_scale=10).set_index("term")["delta"]
    strong = log_odds_dirichlet(a, b, "pooled", prior_scale=10_000).set_index("term")["delta"]
    assert (strong.abs() < weak.abs()).all()


def test_log_odds_dirichlet_errors():
    with pytest.raises(ValueError, match="no prior count.*'gpu'"):
        log_odds_dirichlet({"compute": 2, "gpu": 1}, {"compute": 1}, {"compute": 5, "the": 9})
    with pytest.raises(ValueError, match="prior_scale"):
        log_odds_dirichlet({"x": 1, "y": 2}, {"x": 2, "y": 1}, "pooled", prior_scale=0)
    with pytest.raises(ValueError, match="two distinct terms"):
        log_odds_dirichlet({"x": 1}, {"x": 2}, "pooled")
