"""Bootstrap confidence intervals over turns.

Turns, not tokens, are the units we resample: words in one turn are not independent
(a speaker who says "compute" once tends to say it again), so resampling tokens would
give intervals that are too narrow. This is the *cluster* (block) bootstrap: draw as many
turns as there are, with replacement, recompute the statistic, repeat ``n_boot`` times,
and report the ``(1 - level) / 2`` and ``(1 + level) / 2`` percentiles of the replicates
(the percentile interval; Efron, B. & Tibshirani, R. J., *An Introduction to the
Bootstrap*, Chapman & Hall, 1993, ch. 13).

A rate is a ratio estimator: hits summed over the turns, divided by tokens summed over
the same turns, times ``per`` (1,000 by default). It is *not* the mean of per-turn
rates, which would give a five-word turn as much weight as a five-hundred-word one.

Caveat, to be shown on every plot: with few turns (the seed interview has about 15) the
interval is wide, and it can be degenerate: a feature that occurs in one turn only gives
replicates that are either 0 or one value, and a feature that never occurs gives
``[0, 0]``, which does not mean the true rate is zero. Every result carries ``n_units``
(``n_turns`` in tables) so that a plot can say how many turns an interval rests on.
"""
from __future__ import annotations

import zlib
from typing import NamedTuple

import numpy as np
import pandas as pd


class BootstrapCI(NamedTuple):
    """Point estimate and percentile interval; floats, or arrays (one per feature)."""

    estimate: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray
    n_units: int


def _counts(values, name: str, ndim: tuple[int, ...] = (1,)) -> np.ndarray:
    """``values`` as a float array of non-negative finite numbers, or a ValueError."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (counts per turn)") from None
    if arr.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimension(s), not {arr.ndim}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: there are no turns to resample")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; fill or drop those turns first")
    if (arr < 0).any():
        raise ValueError(f"{name} contains negative counts; counts must be >= 0")
    return arr


def _check_params(per, n_boot, level, seed) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer (e.g. 2000), not {n_boot!r}")
    if not per > 0:
        raise ValueError(f"per must be positive (e.g. 1000 for a rate per 1,000 tokens), not {per!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")


def _ratio_ci(num: np.ndarray, den: np.ndarray, per, n_boot, level, rng) -> BootstrapCI:
    """Ratio sum(num)/sum(den)*per and its percentile interval, resampling rows."""
    n = den.shape[0]
    num2 = num.reshape(n, -1)
    estimate = num2.sum(axis=0) / den.sum() * per
    # One draw of an (n_boot x n) index matrix, turned into weights: w[r, i] = how many
    # times turn i is in replicate r. Memory is n_boot * n numbers.
    idx = rng.integers(0, n, size=(n_boot, n))
    flat = (idx + n * np.arange(n_boot)[:, None]).ravel()
    weights = np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n).astype(float)
    rep_den = weights @ den
    with np.errstate(divide="ignore", invalid="ignore"):
        reps = (weights @ num2) / rep_den[:, None] * per
    reps[rep_den == 0] = np.nan  # a replicate of empty turns only has no rate: dropped
    alpha = (1 - level) / 2
    low, high = np.nanquantile(reps, [alpha, 1 - alpha], axis=0)
    if num.ndim == 1:
        return BootstrapCI(float(estimate[0]), float(low[0]), float(high[0]), n)
    return BootstrapCI(estimate, low, high, n)


def rate_ci(hits, tokens, *, per: float = 1000, n_boot: int = 2000, level: float = 0.95,
            seed: int = 0) -> BootstrapCI:
    """Rate per ``per`` tokens with a cluster-bootstrap percentile interval over turns.

    ``hits``: counts per turn (length n) or a turns x features matrix (n x k; the result
    then holds arrays of length k). ``tokens``: tokens per turn (length n).
    Rate = sum of hits / sum of tokens * per, over all turns and over each replicate.
    """
    _check_params(per, n_boot, level, seed)
    tokens = _counts(tokens, "tokens")
    hits = _counts(hits, "hits", ndim=(1, 2))
    if hits.shape[0] != tokens.shape[0]:
        raise ValueError(f"hits has {hits.shape[0]} turns but tokens has {tokens.shape[0]}; "
                         "give one row per turn in both")
    if tokens.sum() == 0:
        raise ValueError("total tokens is 0: a rate per token is undefined")
    return _ratio_ci(hits, tokens, per, n_boot, level, np.random.default_rng(seed))


def share_ci(flags, *, per: float = 1, n_boot: int = 2000, level: float = 0.95,
             seed: int = 0) -> BootstrapCI:
    """Share of turns that touch something (``per=100`` for percent), with its interval.

    ``flags``: 0/1 or booleans per turn (or a turns x features matrix), e.g.
    ``counts > 0``. Share = number of flagged turns / number of turns * per.
    """
    _check_params(per, n_boot, level, seed)
    flags = _counts(flags, "flags", ndim=(1, 2))
    if not np.isin(flags, (0, 1)).all():
        raise ValueError("flags must be 0/1 or True/False; use (counts > 0) to flag turns")
    den = np.ones(flags.shape[0])
    return _ratio_ci(flags, den, per, n_boot, level, np.random.default_rng(seed))


def _group_seed(seed: int, key: tuple) -> list[int]:
    """Seed for one group: the user's seed plus a stable hash of the group's key.

    It depends on the group alone, so adding or removing other groups does not change
    this group's interval (Python's ``hash`` is salted per process, so crc32 is used).
    """
    return [int(seed), zlib.crc32("\x1f".join(map(str, key)).encode("utf-8"))]


def bootstrap_table(df: pd.DataFrame, *, group, value_cols, token_col: str, per: float = 1000,
                    n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Rates with intervals for every group x feature, as a tidy table.

    ``df`` has one row per turn. ``group``: column name(s) that identify a group (e.g.
    ``"doc_id"`` or ``["doc_id", "role"]``), or ``None`` for the whole table.
    ``value_cols``: hit-count column(s), one per feature. ``token_col``: tokens per turn.
    Each group's turns are resampled on their own, with a seed derived from ``seed`` and
    the group's key, so the same inputs always give the same numbers.

    Returns columns: the group columns, ``feature``, ``estimate``, ``low``, ``high``,
    ``n_turns``, ``n_tokens``; the method's parameters are in ``result.attrs``.
    """
    _check_params(per, n_boot, level, seed)
    groups = [group] if isinstance(group, str) else list(group or [])
    values = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    if not values:
        raise ValueError("value_cols is empty: name at least one hit-count column")
    missing = [c for c in (*groups, *values, token_col) if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}; it has {list(df.columns)}")
    if df.empty:
        raise ValueError("the table has no rows: there are no turns to resample")
    if groups and df[groups].isna().any().any():
        raise ValueError(f"group column(s) {groups} have missing values; fill or drop them first")

    rows = []
    parts = df.groupby(groups, sort=True) if groups else [((), df)]
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        tokens = _counts(part[token_col], f"{token_col!r} in group {key}")
        hits = _counts(part[values], f"{values} in group {key}", ndim=(2,))
        if tokens.sum() == 0:
            raise ValueError(f"group {key} has 0 tokens in total: a rate is undefined; drop it")
        rng = np.random.default_rng(_group_seed(seed, key))
        ci = _ratio_ci(hits, tokens, per, n_boot, level, rng)
        for j, feature in enumerate(values):
            rows.append({**dict(zip(groups, key)), "feature": feature,
                         "estimate": ci.estimate[j], "low": ci.low[j], "high": ci.high[j],
                         "n_turns": ci.n_units, "n_tokens": int(tokens.sum())})
    out = pd.DataFrame(rows, columns=[*groups, "feature", "estimate", "low", "high",
                                      "n_turns", "n_tokens"])
    out.attrs.update(statistic=f"rate per {per:g} tokens", level=level, n_boot=n_boot, seed=seed,
                     method="cluster bootstrap over turns, percentile interval")
    return out
