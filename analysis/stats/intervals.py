"""Closed-form intervals: Wilson for proportions, exact Poisson for counts, and the few-turns rule.

Design and references: :mod:`analysis.stats`. These are what an interview with fewer
than :data:`analysis.stats.resampling.FEW_TURNS` turns (the seed) gets instead of a
bootstrap; their coverage is measured by :mod:`analysis.stats.coverage`.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import binomtest, chi2
from scipy.stats import t as student_t


def _check_level(level) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval of ``successes / n``, from ``scipy.stats.binomtest``.

    Stays inside [0, 1] and behaves at 0 or n successes (Brown, Cai & DasGupta 2001,
    *Statistical Science* 16, 101-133). NaNs for n = 0. It treats the n trials as
    independent.
    """
    _check_level(level)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return math.nan, math.nan
    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def poisson_exact(count, exposure, level: float = 0.95, per: float = 1000):
    """Exact (Garwood 1936) interval of a Poisson rate ``count / exposure * per``.

    lo = chi2(alpha/2; 2 count) / 2, hi = chi2(1 - alpha/2; 2 count + 2) / 2, divided by
    the exposure (tokens). A zero count gives [0, 3.69 / tokens] at 95%: absent is not
    the same as impossible. Arrays broadcast.
    """
    _check_level(level)
    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    alpha = 1 - level
    lo = np.where(count > 0, chi2.ppf(alpha / 2, 2 * np.maximum(count, 1e-300)) / 2, 0.0)
    hi = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lo / exposure * per, hi / exposure * per


def cluster_t(hits, tokens, level: float = 0.95, per: float = 1000):
    """Cluster-robust interval of a ratio over turns: r +- t(n-1) x se, lower bound clipped at 0.

    r = sum(hits) / sum(tokens); se = sqrt(n / (n - 1) x sum((hits_i - r tokens_i)^2)) /
    sum(tokens), the linearised (delta-method) standard error of a ratio estimator with
    the turn as the cluster (Cochran 1977, sec. 6.4). ``hits``: n turns, or n x k.
    Needs n >= 2.
    """
    _check_level(level)
    hits = np.asarray(hits, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    n = tokens.shape[0]
    if n < 2:
        raise ValueError("a cluster-robust interval needs at least 2 turns")
    hits2 = hits.reshape(n, -1)
    total = tokens.sum()
    rate = hits2.sum(axis=0) / total
    resid = hits2 - rate[None, :] * tokens[:, None]
    se = np.sqrt(n / (n - 1) * (resid ** 2).sum(axis=0)) / total
    q = student_t.ppf((1 + level) / 2, n - 1)
    lo, hi = np.maximum(rate - q * se, 0.0) * per, (rate + q * se) * per
    return (lo, hi) if hits.ndim == 2 else (float(lo[0]), float(hi[0]))


def few_turns_rate_interval(hits, tokens, level: float = 0.95, per: float = 1000):
    """The interval of a rate over few turns: union of :func:`poisson_exact` and :func:`cluster_t`.

    The exact Poisson interval is right when hits are scattered token by token and the
    only one that is not degenerate when a theme is absent; the cluster-robust one is
    right when hits bunch in one or two turns. Taking the union keeps both cases
    covered (simulated coverage: :func:`analysis.stats.coverage.few_turns_coverage`).
    ``hits``: n turns or n x k; returns arrays of k (or floats).
    """
    hits = np.asarray(hits, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    hits2 = hits.reshape(tokens.shape[0], -1)
    p_lo, p_hi = poisson_exact(hits2.sum(axis=0), tokens.sum(), level, per)
    if tokens.shape[0] >= 2:
        t_lo, t_hi = cluster_t(hits2, tokens, level, per)
        p_lo, p_hi = np.minimum(p_lo, t_lo), np.maximum(p_hi, t_hi)
    return (p_lo, p_hi) if hits.ndim == 2 else (float(p_lo[0]), float(p_hi[0]))
