"""Keyness: which terms are more frequent in a target corpus than in a reference corpus.

Three statistics, all vectorised over terms. Counts come in as a pandas Series, a dict or
a Counter mapping term -> count.

* Significance: Dunning's log-likelihood G2 (Dunning, T., "Accurate methods for the
  statistics of surprise and coincidence", *Computational Linguistics* 19(1), 1993), in
  the two-cell form of Rayson, P. & Garside, R., "Comparing corpora using frequency
  profiling", *Workshop on Comparing Corpora*, ACL 2000.
* Effect size: Hardie's Log Ratio, the binary log of the ratio of relative frequencies
  (Hardie, A., "Log Ratio: an informal introduction", CASS blog, 2014).
* Small samples: the log-odds ratio with an informative Dirichlet prior (Monroe, B. L.,
  Colaresi, M. P. & Quinn, K. M., "Fightin' words", *Political Analysis* 16(4), 2008).
* The unit of evidence: G2 treats every token as an independent draw, which the tokens of
  one answer are not. :func:`turn_test` tests the number of *turns* touching an item
  (Fisher's exact test on turns with and without it), the significance to report.
* Multiplicity: with more than one item, Benjamini-Hochberg q-values
  (:mod:`analysis.stats.multiplicity`) are on by default.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import xlogy
from scipy.stats import chi2, fisher_exact

from analysis.stats.multiplicity import bh_adjust


def _as_counts(counts, name: str) -> pd.Series:
    """A term -> count mapping as a float Series, checked."""
    if isinstance(counts, pd.Series):
        series = counts
    elif isinstance(counts, Mapping):
        series = pd.Series(dict(counts), dtype=float)
    else:
        raise TypeError(f"{name} must be a pandas Series, dict or Counter of term -> count, "
                        f"not {type(counts).__name__}")
    if series.empty:
        raise ValueError(f"{name} has no terms")
    if series.index.has_duplicates:
        raise ValueError(f"{name} lists some terms twice, e.g. "
                         f"{list(series.index[series.index.duplicated()][:3])}; sum them first")
    values = pd.to_numeric(series, errors="coerce").astype(float)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{name} must hold non-negative finite counts")
    return values


def log_likelihood_g2(a, b, c, d):
    """Dunning's log-likelihood G2 for a term's frequency in two corpora.

    ``a``, ``b``: the term's frequency in the target and the reference corpus; ``c``,
    ``d``: the two corpora's sizes in tokens (arrays broadcast). In words: share the
    term's total ``a + b`` between the corpora in proportion to their sizes, giving the
    expected frequencies E1 = c(a+b)/(c+d) and E2 = d(a+b)/(c+d); G2 = 2 (a ln(a/E1) +
    b ln(b/E2)), with 0 ln 0 = 0. Large G2 = the observed split is far from the expected.
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (a, b, c, d)))
    if (a < 0).any() or (b < 0).any():
        raise ValueError("term frequencies a and b must be >= 0")
    if (c <= 0).any() or (d <= 0).any():
        raise ValueError("corpus sizes c and d must be > 0")
    if (a > c).any() or (b > d).any():
        raise ValueError("a term's frequency cannot exceed its corpus size (a <= c, b <= d)")
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    ratio1 = np.divide(a, e1, out=np.ones_like(a), where=e1 > 0)
    ratio2 = np.divide(b, e2, out=np.ones_like(b), where=e2 > 0)
    g2 = np.maximum(2 * (xlogy(a, ratio1) + xlogy(b, ratio2)), 0.0)  # clip rounding below 0
    return float(g2) if g2.ndim == 0 else g2


def g2_p_value(g2):
    """p-value of G2 under the chi-squared distribution with 1 degree of freedom."""
    p = chi2.sf(np.asarray(g2, dtype=float), df=1)
    return float(p) if np.ndim(p) == 0 else p


def log_ratio(a, b, c, d, *, smoothing: float = 0.5):
    """Hardie's Log Ratio: log2 of (a/c) / (b/d), the ratio of relative frequencies.

    +1 means twice as frequent in the target, -1 half as frequent, 0 equally frequent.
    Zero counts: when a or b is 0 the same pseudo-frequency eps = ``smoothing`` /
    min(c, d) (Hardie's 0.5 on the smaller corpus) is added to *both* relative
    frequencies, log2((a/c + eps) / (b/d + eps)). Adding one amount to both sides keeps
    the order of the two rates, so the sign can never flip: a term absent from the
    target is always negative, absent from the reference always positive (replacing
    only the zero by 0.5 made a term the small seed never uses look key for it). Rows
    with no zero are Hardie's plain Log Ratio. Show zero rows as their own category
    (``absent_in`` in :func:`keyness_table`): their size comes from the smoothing.
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (a, b, c, d)))
    if (c <= 0).any() or (d <= 0).any():
        raise ValueError("corpus sizes c and d must be > 0")
    if not smoothing > 0:
        raise ValueError(f"smoothing must be > 0, not {smoothing!r}")
    eps = np.where((a == 0) | (b == 0), smoothing / np.minimum(c, d), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((a == 0) & (b == 0), 0.0, np.log2((a / c + eps) / (b / d + eps)))
    return float(out) if out.ndim == 0 else out


def absent_in(a, b) -> np.ndarray:
    """'target', 'reference' or '' per term: which side has a zero count (its Log Ratio is smoothed)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.where(a == 0, "target", np.where(b == 0, "reference", ""))


def turn_test(target_with, target_turns, reference_with, reference_turns) -> np.ndarray:
    """Two-sided Fisher exact p-values on turns: does the share of turns touching an item differ?

    Per item: a 2 x 2 table of (target, reference) x (turns touching it, turns not).
    The unit is the turn, so five hits in one answer count once. Turns differ in length
    (the seed's answers against podcast turns and caption chunks): the test asks whether
    an item is spread over more of a side's turns, not whether it is more frequent per
    token. Arrays broadcast; returns one p-value per item.
    """
    tw, tn, rw, rn = np.broadcast_arrays(*(np.asarray(x, dtype=int) for x in
                                           (target_with, target_turns, reference_with, reference_turns)))
    if (tw > tn).any() or (rw > rn).any() or (tw < 0).any() or (rw < 0).any():
        raise ValueError("turns touching an item must be between 0 and the number of turns")
    p = [fisher_exact([[x, n - x], [y, m - y]]).pvalue for x, n, y, m in
         zip(tw.ravel(), tn.ravel(), rw.ravel(), rn.ravel())]
    return np.asarray(p, dtype=float).reshape(tw.shape)


def keyness_table(target, reference, *, min_count: int = 5, top: int | None = None,
                  alpha: float | None = 0.05, target_size: float | None = None,
                  reference_size: float | None = None) -> pd.DataFrame:
    """G2, its p-value and Log Ratio for every term, sorted by G2 (largest first).

    Terms whose combined count ``target + reference`` is below ``min_count`` are left
    out (G2 is unreliable for very rare terms). Corpus sizes default to the sums of the
    counts; pass ``target_size``/``reference_size`` (total tokens) when the counts cover
    only some terms, e.g. content words after stopword removal. ``key_for`` says which
    corpus the term is relatively more frequent in ('neither' on an exact tie).
    ``q_value``: Benjamini-Hochberg adjustment of the G2 p-values over every term tested
    (``attrs['n_tests']``); with ``alpha`` (default 0.05; None to drop it) a
    ``significant`` column says q < alpha. ``absent_in`` marks zero counts (their Log
    Ratio is smoothed, :func:`log_ratio`). ``top`` keeps the first rows after sorting.
    """
    t = _as_counts(target, "target")
    r = _as_counts(reference, "reference")
    c = float(t.sum() if target_size is None else target_size)
    d = float(r.sum() if reference_size is None else reference_size)
    if c < t.sum() or d < r.sum() or c <= 0 or d <= 0:
        raise ValueError(f"corpus sizes ({c:g}, {d:g}) must be > 0 and at least the sums of "
                         f"the counts ({t.sum():g}, {r.sum():g})")
    if alpha is not None and not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05), not {alpha!r}")
    terms = t.index.union(r.index)
    a = t.reindex(terms, fill_value=0).to_numpy()
    b = r.reindex(terms, fill_value=0).to_numpy()
    keep = a + b >= min_count
    terms, a, b = terms[keep], a[keep], b[keep]
    g2 = log_likelihood_g2(a, b, c, d)
    rel_a, rel_b = a / c, b / d
    out = pd.DataFrame({
        "term": terms, "target_count": a, "reference_count": b,
        "rate_target": rel_a * 1000, "rate_reference": rel_b * 1000,
        "g2": g2, "p_value": g2_p_value(g2), "log_ratio": log_ratio(a, b, c, d), "absent_in": absent_in(a, b),
        "key_for": np.where(rel_a > rel_b, "target", np.where(rel_a < rel_b, "reference", "neither")),
    })
    out = out.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    out["q_value"] = bh_adjust(out["p_value"].to_numpy())
    out.attrs.update(target_size=c, reference_size=d, min_count=min_count, n_tests=len(out),
                     correction="Benjamini-Hochberg")
    if alpha is not None:
        out["significant"] = out["q_value"] < alpha
        out.attrs.update(alpha=alpha)
    return out if top is None else out.head(top)


def log_odds_dirichlet(counts_a, counts_b, prior, *, prior_scale: float | None = None) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn's log-odds ratio with an informative Dirichlet prior.

    Each term w gets pseudo-counts a_w from ``prior``; a0 is their total. In words: add
    the pseudo-counts to each group's counts y, take the log-odds of the term in each
    group, and subtract: delta_w = log((y_aw + a_w) / (n_a + a0 - y_aw - a_w))
    - log((y_bw + a_w) / (n_b + a0 - y_bw - a_w)). Its variance is about
    1/(y_aw + a_w) + 1/(y_bw + a_w), and z = delta / sqrt(variance). Positive z: the
    term leans to group a. The prior shrinks rare terms toward zero, which is what makes
    the statistic usable on small samples such as one interview.

    ``prior``: counts (e.g. a reference corpus) or ``"pooled"`` for counts_a + counts_b.
    It must give every term of the two groups a count > 0. ``prior_scale``: the total
    a0 the prior is rescaled to, keeping its proportions. Default ``None``: no rescaling,
    the prior counts are used as given (as in Jurafsky et al. 2014, *First Monday*); then
    a big reference corpus shrinks strongly, and a prior_scale near the groups' own
    sizes is the gentler choice. Only terms of the two groups are reported.
    """
    ya = _as_counts(counts_a, "counts_a")
    yb = _as_counts(counts_b, "counts_b")
    if isinstance(prior, str) and prior == "pooled":
        pseudo = ya.add(yb, fill_value=0)
    else:
        pseudo = _as_counts(prior, "prior")
    if prior_scale is not None:
        if not prior_scale > 0:
            raise ValueError(f"prior_scale must be > 0 (the prior's total a0), not {prior_scale!r}")
        pseudo = pseudo / pseudo.sum() * prior_scale
    a0 = float(pseudo.sum())
    terms = ya.index.union(yb.index)
    aw = pseudo.reindex(terms, fill_value=0).to_numpy()
    if (aw <= 0).any():
        missing = list(terms[aw <= 0][:5])
        raise ValueError(f"{int((aw <= 0).sum())} term(s) have no prior count, e.g. {missing}; "
                         "use prior='pooled' or add both groups' counts to the prior")
    y_a = ya.reindex(terms, fill_value=0).to_numpy()
    y_b = yb.reindex(terms, fill_value=0).to_numpy()
    rest_a = ya.sum() + a0 - y_a - aw
    rest_b = yb.sum() + a0 - y_b - aw
    if (rest_a <= 0).any() or (rest_b <= 0).any():
        raise ValueError("the prior and counts need at least two distinct terms")
    delta = np.log((y_a + aw) / rest_a) - np.log((y_b + aw) / rest_b)
    variance = 1 / (y_a + aw) + 1 / (y_b + aw)
    out = pd.DataFrame({"term": terms, "count_a": y_a, "count_b": y_b, "delta": delta,
                        "variance": variance, "z": delta / np.sqrt(variance)})
    out = out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    out.attrs.update(prior_total=a0, n_a=float(ya.sum()), n_b=float(yb.sum()))
    return out
