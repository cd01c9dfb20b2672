"""Coverage of the interval methods, measured on synthetic interviews with known rates.

A 95% interval should contain the true rate in 95% of samples. Synthetic interviews make
the truth known: each turn has a length, a turn-level multiplier drawn from a Gamma
distribution with mean 1 and shape ``kappa`` (small ``kappa``: a theme bunched in a few
turns, as real themes are; ``inf``: hits scattered token by token), and hits drawn as
Poisson(rate x length x multiplier). Coverage is the share of simulated interviews whose
interval contains the rate; its Monte Carlo standard error is sqrt(c (1 - c) / n_sim).
"""
from __future__ import annotations

import numpy as np

from analysis.core.progress import progress
from analysis.stats.bootstrap import two_stage_replicates
from analysis.stats.intervals import few_turns_rate_interval
from analysis.stats.resampling import percentile, stream


def _multipliers(rng, shape, kappa: float) -> np.ndarray:
    if np.isinf(kappa):
        return np.ones(shape)
    return rng.gamma(kappa, 1 / kappa, size=shape)


def few_turns_coverage(rate: float, *, n_turns: int = 6, mean_tokens: int = 100, kappa: float = 1.0,
                       n_sim: int = 4000, level: float = 0.95, random_state: int = 0) -> dict:
    """Coverage of :func:`analysis.stats.intervals.few_turns_rate_interval` on ``n_sim`` interviews.

    Turn lengths are uniform between half and one and a half times ``mean_tokens``.
    Returns ``coverage``, ``mc_se`` and the median interval width (per 1,000 tokens).
    """
    rng = stream(random_state, ("few turns coverage", rate, n_turns, mean_tokens, kappa))
    tokens = rng.integers(mean_tokens // 2, 3 * mean_tokens // 2 + 1, size=(n_turns, n_sim)).astype(float)
    hits = rng.poisson(rate / 1000 * tokens * _multipliers(rng, (n_turns, n_sim), kappa)).astype(float)
    covered, widths = np.zeros(n_sim, bool), np.zeros(n_sim)
    # turn lengths differ by interview, so one call each (cheap: closed form)
    for j in progress(range(n_sim), desc="coverage (few turns)", unit="sim", leave=False):
        lo, hi = few_turns_rate_interval(hits[:, j], tokens[:, j], level)
        covered[j], widths[j] = lo <= rate <= hi, hi - lo
    c = covered.mean()
    return {"rate": rate, "kappa": kappa, "n_turns": n_turns, "coverage": float(c),
            "mc_se": float(np.sqrt(c * (1 - c) / n_sim)), "median_width": float(np.median(widths))}


def two_stage_coverage(rate: float, *, n_interviews: int = 12, n_turns: int = 40, mean_tokens: int = 150,
                       between_sd: float = 0.5, kappa: float = 1.0, statistic: str = "mean", n_sim: int = 300,
                       n_boot: int = 400, level: float = 0.95, random_state: int = 0) -> dict:
    """Coverage of the two-stage bootstrap for a mean of interview rates (or a pooled rate).

    Each interview's own rate is ``rate`` x a log-normal factor with log-sd ``between_sd``
    (normalised to mean 1), so the target, the expected rate of an interview drawn from
    the population, is ``rate``. Turns of one length within a simulation keep the target
    the same for both statistics.
    """
    rng = stream(random_state, ("two-stage coverage", rate, n_interviews, n_turns, between_sd, kappa))
    n = n_interviews * n_turns
    docs = np.repeat(np.arange(n_interviews), n_turns)
    clusters = np.arange(n_interviews)
    tokens = np.full(n, float(mean_tokens))
    covered = np.zeros(n_sim, bool)
    for s in progress(range(n_sim), desc="coverage (two stages)", unit="sim", leave=False):
        factor = rng.lognormal(-between_sd ** 2 / 2, between_sd, size=n_interviews)
        lam = rate / 1000 * tokens * factor[docs] * _multipliers(rng, n, kappa)
        hits = rng.poisson(lam).astype(float)[:, None]
        _, reps = two_stage_replicates(hits, tokens, docs, clusters, per=1000, n_boot=n_boot, rng=rng, statistic=statistic)
        lo, hi = percentile(reps, level)
        covered[s] = lo[0] <= rate <= hi[0]
    c = covered.mean()
    return {"rate": rate, "statistic": statistic, "n_interviews": n_interviews, "coverage": float(c),
            "mc_se": float(np.sqrt(c * (1 - c) / n_sim))}
