"""Coverage of the interval methods, measured on synthetic interviews with known rates.

A 95% interval should contain the true rate in 95% of samples. Synthetic interviews make
the truth known: each turn has a length, a turn-level multiplier drawn from a Gamma
distribution with mean 1 and shape ``kappa`` (small ``kappa``: a theme bunched in a few
turns, as real themes are; ``inf``: hits scattered token by token), and hits drawn as
Poisson(rate x length x multiplier). Coverage is the share of simulated interviews whose
interval contains the rate; its Monte Carlo standard error is sqrt(c (1 - c) / n_sim).

``python -m analysis.stats.coverage`` prints the few-turns table: the negative-binomial
interval (told the true ``kappa``, and told a ``kappa`` off by a factor of two) against
the earlier rule (exact Poisson union cluster-robust t), for kappa 0.06-inf, rates 1-20
per 1,000 tokens and 6, 12 and 24 turns.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from analysis.core.progress import progress
from analysis.stats.bootstrap import two_stage_replicates
from analysis.stats.intervals import few_turns_rate_interval
from analysis.stats.resampling import percentile, stream


def _multipliers(rng, shape, kappa: float) -> np.ndarray:
    if np.isinf(kappa):
        return np.ones(shape)
    return rng.gamma(kappa, 1 / kappa, size=shape)


METHODS = ("negative binomial", "union")


def few_turns_coverage(rate: float, *, n_turns: int = 6, mean_tokens: int = 100, kappa: float = 1.0,
                       n_sim: int = 4000, level: float = 0.95, random_state: int = 0,
                       method: str = "negative binomial", assumed_kappa: float | None = None) -> dict:
    """Coverage of :func:`analysis.stats.intervals.few_turns_rate_interval` on ``n_sim`` interviews.

    Turn lengths are uniform between half and one and a half times ``mean_tokens``.
    ``method="negative binomial"``: the interval told ``assumed_kappa`` (default: the true
    ``kappa``); ``"union"``: the earlier rule (``kappa=None``). The simulated interviews
    depend only on ``rate``, ``n_turns``, ``mean_tokens``, ``kappa`` and ``random_state``,
    so methods are compared on the same data. Returns ``coverage``, ``mc_se`` and the
    median interval width (per 1,000 tokens).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    rng = stream(random_state, ("few turns coverage", rate, n_turns, mean_tokens, kappa))
    tokens = rng.integers(mean_tokens // 2, 3 * mean_tokens // 2 + 1, size=(n_turns, n_sim)).astype(float)
    hits = rng.poisson(rate / 1000 * tokens * _multipliers(rng, (n_turns, n_sim), kappa)).astype(float)
    told = None if method == "union" else (kappa if assumed_kappa is None else assumed_kappa)
    lo, hi = few_turns_rate_interval(hits, tokens, level, kappa=told)   # one column per interview
    covered = (lo <= rate) & (rate <= hi)
    c = covered.mean()
    return {"rate": rate, "kappa": kappa, "n_turns": n_turns, "method": method,
            "assumed_kappa": np.nan if told is None else float(told), "coverage": float(c),
            "mc_se": float(np.sqrt(c * (1 - c) / n_sim)), "median_width": float(np.median(hi - lo))}


def few_turns_table(*, kappas=(0.06, 0.1, 0.2, 0.5, 1.0, 5.0, np.inf), rates=(1.0, 2.0, 5.0, 10.0, 20.0),
                    turn_counts=(6, 12, 24), mean_tokens: int = 100, n_sim: int = 4000, level: float = 0.95,
                    random_state: int = 0) -> pd.DataFrame:
    """Coverage of the negative-binomial interval (true kappa; kappa halved; kappa doubled) and
    of the union rule on the same simulated interviews, one row per kappa x rate x turns."""
    rows = []
    for n_turns in turn_counts:
        for kappa in kappas:
            for rate in rates:
                common = dict(n_turns=n_turns, mean_tokens=mean_tokens, kappa=kappa, n_sim=n_sim, level=level,
                              random_state=random_state)
                nb = few_turns_coverage(rate, **common)
                row = {"n_turns": n_turns, "kappa": kappa, "rate": rate, "nb": nb["coverage"],
                       "nb_width": nb["median_width"]}
                for label, factor in (("nb_kappa_half", 0.5), ("nb_kappa_double", 2.0)):
                    row[label] = few_turns_coverage(rate, assumed_kappa=kappa * factor, **common)["coverage"]
                old = few_turns_coverage(rate, method="union", **common)
                row.update(union=old["coverage"], union_width=old["median_width"], mc_se=nb["mc_se"])
                rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(n_sim=n_sim, level=level, mean_tokens=mean_tokens, random_state=random_state)
    return out


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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Coverage of the few-turns rate intervals on synthetic interviews")
    parser.add_argument("--n-sim", type=int, default=4000, help="simulated interviews per cell (default 4000)")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    table = few_turns_table(n_sim=args.n_sim, random_state=args.random_state)
    print(f"Coverage of 95% intervals for a rate over few turns ({args.n_sim} simulated interviews per row, "
          f"turns of 50-150 tokens; hits Poisson(rate x tokens x Gamma(kappa, 1/kappa))).")
    print("nb: negative-binomial exact, told the true kappa; nb_kappa_half/double: told kappa/2 or 2 kappa;")
    print("union: the earlier rule, exact Poisson union cluster-robust t. Widths: median, per 1,000 tokens.")
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for label in ("nb", "nb_kappa_half", "nb_kappa_double", "union"):
        worst = table.loc[table[label].idxmin()]
        print(f"lowest {label}: {worst[label]:.3f} (kappa {worst['kappa']:g}, rate {worst['rate']:g}, "
              f"{int(worst['n_turns'])} turns)")


if __name__ == "__main__":
    main()
