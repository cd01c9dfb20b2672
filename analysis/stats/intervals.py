"""Closed-form intervals: Wilson for proportions, exact Poisson and negative-binomial for counts,
and the few-turns rule.

Design and references: :mod:`analysis.stats`. These are what an interview with fewer
than :data:`analysis.stats.resampling.FEW_TURNS` turns (the seed) gets instead of a
bootstrap; their coverage is measured by :mod:`analysis.stats.coverage`
(``python -m analysis.stats.coverage`` prints the table).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import beta, binomtest, chi2
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
    the turn as the cluster (Cochran 1977, sec. 6.4). ``hits``: n turns, or n x k;
    ``tokens``: n, or n x k (one column per feature or per simulated interview).
    Needs n >= 2.
    """
    _check_level(level)
    hits = np.asarray(hits, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    n = tokens.shape[0]
    if n < 2:
        raise ValueError("a cluster-robust interval needs at least 2 turns")
    hits2 = hits.reshape(n, -1)
    tokens2 = tokens.reshape(n, -1)
    total = tokens2.sum(axis=0)
    rate = hits2.sum(axis=0) / total
    resid = hits2 - rate[None, :] * tokens2
    se = np.sqrt(n / (n - 1) * (resid ** 2).sum(axis=0)) / total
    q = student_t.ppf((1 + level) / 2, n - 1)
    lo, hi = np.maximum(rate - q * se, 0.0) * per, (rate + q * se) * per
    return (lo, hi) if hits.ndim == 2 else (float(lo[0]), float(hi[0]))


def negative_binomial_exact(count, exposure, size, level: float = 0.95, per: float = 1000):
    """Exact interval of a rate ``count / exposure * per`` when the count is negative binomial.

    ``count`` ~ NB(mean mu, shape ``size``): Var = mu + mu^2 / size. The interval pivots
    the NB distribution function, as Garwood (1936) does the Poisson one and Clopper &
    Pearson (1934) the binomial (Casella & Berger 2002, Theorem 9.2.12): mu_hi solves
    P(X <= count; mu) = alpha/2 and mu_lo solves P(X >= count; mu) = alpha/2 (0 for a
    zero count). With p = size / (size + mu), P(X <= x) = I_p(size, x + 1), the
    regularised incomplete beta function (Johnson, Kemp & Kotz 2005, sec. 5.6), so

        mu_hi = size (1 - p) / p with p = Beta.ppf(alpha/2; size, count + 1),
        mu_lo = size (1 - p) / p with p = Beta.ppf(1 - alpha/2; size, count).

    ``size = inf`` gives :func:`poisson_exact` (the limit). Arrays broadcast. Like every
    interval that pivots a discrete distribution, it covers at least ``level`` (when
    ``size`` is right), more for small counts.
    """
    _check_level(level)
    count, exposure, size = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (count, exposure, size)))
    if (size <= 0).any() or np.isnan(size).any():
        raise ValueError("size (the negative-binomial shape) must be positive; inf means Poisson")
    alpha = 1 - level
    finite = np.isfinite(size)
    k = np.where(finite, size, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_hi = beta.ppf(alpha / 2, k, count + 1)
        p_lo = beta.ppf(1 - alpha / 2, k, np.maximum(count, 1e-300))
        mu_hi = k * (1 - p_hi) / p_hi
        mu_lo = np.where(count > 0, k * (1 - p_lo) / p_lo, 0.0)
    poisson_lo, poisson_hi = poisson_exact(count, exposure, level, per)
    lo = np.where(finite, mu_lo / exposure * per, poisson_lo)
    hi = np.where(finite, mu_hi / exposure * per, poisson_hi)
    return lo, hi


def effective_size(tokens, kappa):
    """NB shape of a count summed over turns of ``tokens`` whose rates have gamma shape ``kappa``.

    Turn i's hits have variance mu_i + mu_i^2 / kappa with mu_i = r t_i; the total has mean
    r T and variance r T + r^2 sum(t_i^2) / kappa, which is that of one NB with shape
    ``kappa x T^2 / sum(t_i^2)`` (a two-moment match, exact when the turns are of equal
    length: a sum of NBs with one success probability is NB). ``tokens``: n or n x k.
    """
    tokens = np.asarray(tokens, dtype=float)
    tokens2 = tokens.reshape(tokens.shape[0], -1)
    with np.errstate(invalid="ignore"):
        return np.asarray(kappa, dtype=float) * tokens2.sum(axis=0) ** 2 / (tokens2 ** 2).sum(axis=0)


def few_turns_rate_interval(hits, tokens, level: float = 0.95, per: float = 1000, kappa=None):
    """The interval of a rate over few turns.

    ``kappa=None``: the union of :func:`poisson_exact` and :func:`cluster_t` (the earlier
    rule). The exact Poisson interval is right when hits are scattered token by token and
    the only one that is not degenerate when a theme is absent; the cluster-robust one is
    meant for hits bunched in one or two turns, but with six turns its standard error is
    itself too noisy, and the union undercovers when hits are strongly bunched (0.55 at
    kappa = 0.06, ``python -m analysis.stats.coverage``).

    ``kappa`` (a number, or one per feature): the gamma shape of the between-turn rate
    (:mod:`analysis.stats.dispersion`, measured on the comparison corpus): the
    negative-binomial exact interval (:func:`negative_binomial_exact`) of the total count
    with shape :func:`effective_size`. ``kappa=inf`` gives the exact Poisson interval;
    a NaN entry (a theme without hits to measure bunching on) falls back to the union.

    ``hits``: n turns or n x k; ``tokens``: n, or n x k (one column per simulated
    interview); returns arrays of k (or floats).
    """
    hits = np.asarray(hits, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    hits2 = hits.reshape(tokens.shape[0], -1)
    tokens2 = tokens.reshape(tokens.shape[0], -1)
    total = tokens2.sum(axis=0)
    p_lo, p_hi = poisson_exact(hits2.sum(axis=0), total, level, per)
    if tokens.shape[0] >= 2:
        t_lo, t_hi = cluster_t(hits2, tokens2, level, per)
        p_lo, p_hi = np.minimum(p_lo, t_lo), np.maximum(p_hi, t_hi)
    if kappa is not None:
        kappa = np.broadcast_to(np.asarray(kappa, dtype=float), p_lo.shape)
        known = ~np.isnan(kappa)
        size = np.where(known, effective_size(tokens2, np.where(known, kappa, 1.0)), np.inf)
        nb_lo, nb_hi = negative_binomial_exact(hits2.sum(axis=0), total, size, level, per)
        p_lo, p_hi = np.where(known, nb_lo, p_lo), np.where(known, nb_hi, p_hi)
    return (p_lo, p_hi) if hits.ndim == 2 else (float(p_lo[0]), float(p_hi[0]))
