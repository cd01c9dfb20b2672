"""Rates and shares with intervals: the one resampling design of :mod:`analysis.stats`.

* :func:`rate_ci`, :func:`share_ci`: one set of ordered turns (one interview).
* :func:`bootstrap_table`: the same for every group of a turns table (e.g. per interview).
* :func:`two_stage_table`, :func:`two_stage_difference`: groups pooled over interviews
  (clusters, then turns in blocks), a group's pooled rate or its mean of interview rates,
  and the difference between two groups with a bootstrap p-value.

A rate is a ratio estimator: hits summed over the turns, divided by tokens summed over
the same turns, times ``per`` (1,000). It is not the mean of per-turn rates, which would
give a five-word turn as much weight as a five-hundred-word one. Turns must be in
conversation order within each interview (the block bootstrap relies on it).

``design``: ``"auto"`` (the rule: closed-form intervals below
:data:`analysis.stats.resampling.FEW_TURNS` turns, moving blocks above), ``"blocks"``,
``"few turns"``, or ``"turns"`` (independent turns, block length 1: the naive design,
kept for teaching the difference).

``kappa`` (rates of few turns only): ``None``, the union of exact Poisson and
cluster-robust t; a number or ``{feature: kappa}``, the negative-binomial exact interval
with that between-turn bunching; ``"estimate"``, kappa per feature measured on the
table's own interviews of :data:`~analysis.stats.resampling.FEW_TURNS` turns or more
(:func:`analysis.stats.dispersion.dispersion_table`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.core.progress import progress
from analysis.stats.dispersion import dispersion_table
from analysis.stats.intervals import few_turns_rate_interval, wilson
from analysis.stats.multiplicity import bh_adjust
from analysis.stats.resampling import (FEW_TURNS, block_length, bootstrap_p_value, check_random_state,
                                       cluster_weights, percentile, stream, within_weights)

DESIGNS = ("auto", "blocks", "few turns", "turns")


class Interval(NamedTuple):
    """Point estimate and interval; floats, or arrays (one per feature); ``n`` units."""

    rate: float | np.ndarray
    lo: float | np.ndarray
    hi: float | np.ndarray
    n: int


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


def _check_params(per, n_boot, level, random_state, design="auto") -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer (e.g. 2000), not {n_boot!r}")
    if not per > 0:
        raise ValueError(f"per must be positive (e.g. 1000 for a rate per 1,000 tokens), not {per!r}")
    check_random_state(random_state)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, not {design!r}")


def _resolve(design: str, n: int) -> str:
    if design == "auto":
        return "few turns" if n < FEW_TURNS else "blocks"
    return design


def interval_name(design: str, n: int, statistic: str = "rate", kappa=None) -> str:
    """How an interval was computed, in words (for tables and captions).

    ``kappa``: the bunching given to a few-turns rate interval (None: the union rule;
    NaN: no kappa for this feature, so the union rule too)."""
    design = _resolve(design, n)
    if design == "few turns":
        if statistic == "share":
            return "Wilson score interval"
        if kappa is None or np.isnan(kappa):
            return "exact Poisson and cluster-robust t (union)"
        if np.isinf(kappa):
            return "exact Poisson (no between-turn bunching measured)"
        return f"negative-binomial exact, between-turn kappa {kappa:.2g}"
    if design == "turns":
        return "percentile bootstrap of independent turns"
    return f"moving-block bootstrap, blocks of {block_length(n)} turns"


def _one_group(hits: np.ndarray, tokens: np.ndarray, per, n_boot, level, rng, design: str,
               statistic: str, kappa=None) -> Interval:
    """Estimate and interval for one ordered set of turns; ``hits`` is n x k; ``kappa``
    None or k shapes (few-turns rates only)."""
    n = tokens.shape[0]
    estimate = hits.sum(axis=0) / tokens.sum() * per
    design = _resolve(design, n)
    if design == "few turns":
        if statistic == "share":
            bounds = np.array([wilson(int(s), n, level) for s in hits.sum(axis=0)])
            return Interval(estimate, bounds[:, 0] * per, bounds[:, 1] * per, n)
        lo, hi = few_turns_rate_interval(hits, tokens, level, per, kappa=kappa)
        return Interval(estimate, lo, hi, n)
    weights = within_weights(np.zeros(n), n_boot, rng, 1 if design == "turns" else None)
    den = weights @ tokens
    with np.errstate(divide="ignore", invalid="ignore"):
        reps = (weights @ hits) / den[:, None] * per
    reps[den == 0] = np.nan  # a replicate of empty turns only has no rate: dropped
    lo, hi = percentile(reps, level)
    return Interval(estimate, lo, hi, n)


def _single(values, tokens, per, n_boot, level, random_state, design, statistic, kappa=None) -> Interval:
    ci = _one_group(values.reshape(tokens.shape[0], -1), tokens, per, n_boot, level,
                    stream(random_state), design, statistic, kappa)
    if values.ndim == 1:
        return Interval(float(ci.rate[0]), float(ci.lo[0]), float(ci.hi[0]), ci.n)
    return ci


def rate_ci(hits, tokens, *, per: float = 1000, n_boot: int = 2000, level: float = 0.95,
            random_state: int = 0, design: str = "auto", kappa=None) -> Interval:
    """Rate per ``per`` tokens over one interview's ordered turns, with its interval.

    ``hits``: counts per turn (length n) or turns x features (n x k; arrays of k come
    back). ``tokens``: tokens per turn. ``kappa``: the between-turn bunching for a
    few-turns interval (a number or one per feature; module docstring).
    """
    _check_params(per, n_boot, level, random_state, design)
    tokens = _counts(tokens, "tokens")
    hits = _counts(hits, "hits", ndim=(1, 2))
    if hits.shape[0] != tokens.shape[0]:
        raise ValueError(f"hits has {hits.shape[0]} turns but tokens has {tokens.shape[0]}; "
                         "give one row per turn in both")
    if tokens.sum() == 0:
        raise ValueError("total tokens is 0: a rate per token is undefined")
    return _single(hits, tokens, per, n_boot, level, random_state, design, "rate",
                   None if kappa is None else np.asarray(kappa, dtype=float))


def share_ci(flags, *, per: float = 1, n_boot: int = 2000, level: float = 0.95,
             random_state: int = 0, design: str = "auto") -> Interval:
    """Share of turns that touch something (``per=100`` for percent), with its interval.

    ``flags``: 0/1 or booleans per turn (or turns x features), e.g. ``counts > 0``.
    """
    _check_params(per, n_boot, level, random_state, design)
    flags = _counts(flags, "flags", ndim=(1, 2))
    if not np.isin(flags, (0, 1)).all():
        raise ValueError("flags must be 0/1 or True/False; use (counts > 0) to flag turns")
    return _single(flags, np.ones(flags.shape[0]), per, n_boot, level, random_state, design, "share")


def _columns(df: pd.DataFrame, group, value_cols, extra) -> tuple[list[str], list[str]]:
    groups = [group] if isinstance(group, str) else list(group or [])
    values = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    if not values:
        raise ValueError("value_cols is empty: name at least one hit-count column")
    missing = [c for c in (*groups, *values, *extra) if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}; it has {list(df.columns)}")
    if df.empty:
        raise ValueError("the table has no rows: there are no turns to resample")
    if groups and df[groups].isna().any().any():
        raise ValueError(f"group column(s) {groups} have missing values; fill or drop them first")
    return groups, values


def _kappas(kappa, df, groups, values, token_col) -> tuple[np.ndarray | None, str | None]:
    """``kappa`` argument -> one shape per feature (or None) and how it was obtained."""
    if kappa is None:
        return None, None
    if isinstance(kappa, str):
        if kappa != "estimate":
            raise ValueError(f"kappa must be None, a number, a {{feature: kappa}} dict or 'estimate', not {kappa!r}")
        if not groups:
            raise ValueError("kappa='estimate' needs group= naming the interviews (e.g. 'doc_id') to measure it on")
        doc = groups[0]
        if df.groupby(doc)[token_col].size().max() < FEW_TURNS:
            return np.full(len(values), np.nan), f"not measured (no interview of {FEW_TURNS}+ turns)"
        table = dispersion_table(df, value_cols=values, token_col=token_col, doc=doc, min_turns=FEW_TURNS)
        return table["kappa"].to_numpy(float), (f"measured on {table['n_interviews'].iat[0]} interviews of "
                                                f"{FEW_TURNS}+ turns ({table.attrs['method']})")
    if isinstance(kappa, dict):
        missing = [v for v in values if v not in kappa]
        if missing:
            raise ValueError(f"kappa has no value for {missing}; give one per feature (NaN: use the union rule)")
        out = np.array([kappa[v] for v in values], dtype=float)
    else:
        out = np.broadcast_to(np.asarray(kappa, dtype=float), (len(values),)).copy()
    if (out <= 0).any():
        raise ValueError(f"kappa must be positive (inf: no bunching), not {out.tolist()}")
    return out, "given"


def bootstrap_table(df: pd.DataFrame, *, group, value_cols, token_col: str | None = None,
                    statistic: str = "rate", per: float | None = None, n_boot: int = 2000,
                    level: float = 0.95, random_state: int = 0, design: str = "auto",
                    kappa=None) -> pd.DataFrame:
    """Rates (or shares) with intervals for every group x feature, as a tidy table.

    ``df``: one row per turn, in conversation order. ``group``: column(s) naming a group
    whose turns are one ordered sequence (``"doc_id"``), or None for the whole table.
    ``statistic="rate"`` needs ``token_col`` (tokens per turn; ``per`` defaults to 1000);
    ``statistic="share"``: ``value_cols`` are 0/1 flags per turn (``per`` defaults to 1).
    Each group draws from its own stream (:func:`analysis.stats.resampling.stream`).
    ``kappa`` (rates): the bunching used for few-turns groups (module docstring);
    ``"estimate"`` measures it per feature on the groups of FEW_TURNS or more turns,
    with the first group column naming the interview.

    Returns the group columns, ``feature``, ``rate`` or ``share``, ``lo``, ``hi``, ``n``
    (turns), ``n_tokens`` (rates), ``interval`` (the method, :func:`interval_name`);
    with ``kappa``, also a ``kappa`` column (the shape a few-turns row used, else NaN).
    """
    if statistic not in ("rate", "share"):
        raise ValueError(f"statistic must be 'rate' or 'share', not {statistic!r}")
    if statistic == "rate" and token_col is None:
        raise ValueError("a rate needs token_col, the tokens per turn")
    per = (1000 if statistic == "rate" else 1) if per is None else per
    _check_params(per, n_boot, level, random_state, design)
    groups, values = _columns(df, group, value_cols, [token_col] if statistic == "rate" else [])
    if kappa is not None and statistic != "rate":
        raise ValueError("kappa applies to rates only; shares of few turns get Wilson intervals")
    kappas, kappa_source = _kappas(kappa, df, groups, values, token_col)
    rows = []
    parts = df.groupby(groups, sort=True) if groups else [((), df)]
    # one bar over the groups (erased when done): with --n-boot 100000 over every interview it takes a while
    for key, part in progress(parts, desc="bootstrap", unit="group", leave=False, total=len(parts)):
        key = key if isinstance(key, tuple) else (key,)
        hits = _counts(part[values], f"{values} in group {key}", ndim=(2,))
        if statistic == "rate":
            tokens = _counts(part[token_col], f"{token_col!r} in group {key}")
            if tokens.sum() == 0:
                raise ValueError(f"group {key} has 0 tokens in total: a rate is undefined; drop it")
        else:
            if not np.isin(hits, (0, 1)).all():
                raise ValueError(f"{values} in group {key} must be 0/1 flags for shares")
            tokens = np.ones(len(part))
        ci = _one_group(hits, tokens, per, n_boot, level, stream(random_state, key), design, statistic, kappas)
        few = _resolve(design, len(part)) == "few turns"
        for j, feature in enumerate(values):
            used = kappas[j] if kappas is not None and few else None
            row = {**dict(zip(groups, key)), "feature": feature, statistic: ci.rate[j], "lo": ci.lo[j],
                   "hi": ci.hi[j], "n": ci.n}
            if statistic == "rate":
                row["n_tokens"] = int(tokens.sum())
            if kappas is not None:
                row["kappa"] = np.nan if used is None else float(used)
            rows.append({**row, "interval": interval_name(design, len(part), statistic, used)})
    columns = [*groups, "feature", statistic, "lo", "hi", "n", *(["n_tokens"] if statistic == "rate" else []),
               *(["kappa"] if kappas is not None else []), "interval"]
    out = pd.DataFrame(rows, columns=columns)
    out.attrs.update(statistic=f"{statistic} per {per:g}" + (" tokens" if statistic == "rate" else " turns"),
                     level=level, n_boot=n_boot, random_state=random_state, design=design)
    if kappas is not None:
        out.attrs["kappa"] = kappa_source
    return out


# --- pooled over interviews: two stages ---------------------------------------------------

def _codes(series: pd.Series) -> np.ndarray:
    return pd.Categorical(series.astype(str), categories=sorted(set(series.astype(str)))).codes.astype(int)


def two_stage_replicates(values: np.ndarray, tokens: np.ndarray, docs: np.ndarray, clusters: np.ndarray, *,
                         per, n_boot, rng, statistic: str, within: str = "blocks") -> tuple[np.ndarray, np.ndarray]:
    """Estimate (k) and replicates (n_boot x k) of a pooled rate or a mean of interview rates.

    ``docs``: interview code per turn; ``clusters``: cluster code per interview (index =
    interview code). Stage 1 draws clusters; stage 2 draws turns in blocks within each
    interview (one stage-2 draw per interview and replicate, shared if its cluster is
    drawn twice).
    """
    n_docs = int(docs.max()) + 1
    onehot = np.zeros((len(docs), n_docs))
    onehot[np.arange(len(docs)), docs] = 1.0
    num_doc = onehot.T @ values                                   # interviews x k
    den_doc = onehot.T @ tokens                                   # interviews
    w_cluster = cluster_weights(int(clusters.max()) + 1, n_boot, rng)
    w_doc = w_cluster[:, clusters]                                # n_boot x interviews
    w_turn = within_weights(docs, n_boot, rng, 1 if within == "turns" else None)
    rep_num = np.zeros((n_boot, n_docs, values.shape[1]))
    rep_den = np.zeros((n_boot, n_docs))
    for d in range(n_docs):
        pos = np.flatnonzero(docs == d)
        rep_num[:, d, :] = w_turn[:, pos] @ values[pos]
        rep_den[:, d] = w_turn[:, pos] @ tokens[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "pooled":
            estimate = num_doc.sum(axis=0) / den_doc.sum() * per
            reps = np.einsum("bd,bdk->bk", w_doc, rep_num) / (w_doc * rep_den).sum(axis=1)[:, None] * per
        else:
            estimate = (num_doc / den_doc[:, None]).mean(axis=0) * per
            doc_rates = np.nan_to_num(rep_num / rep_den[:, :, None])
            reps = np.einsum("bd,bdk->bk", w_doc, doc_rates) / w_doc.sum(axis=1)[:, None] * per
    return estimate, reps


def _prepare_two_stage(part: pd.DataFrame, values, token_col, doc, cluster):
    tokens = _counts(part[token_col], token_col)
    hits = _counts(part[values], str(values), ndim=(2,))
    docs = _codes(part[doc])
    by_doc = part.groupby(doc, sort=True)[cluster or doc].first()
    clusters = _codes(by_doc)
    return hits, tokens, docs, clusters, len(by_doc), int(clusters.max()) + 1


def two_stage_table(df: pd.DataFrame, *, group, value_cols, token_col: str, doc: str = "doc_id",
                    cluster: str | None = None, statistic: str = "pooled", per: float = 1000, n_boot: int = 2000,
                    level: float = 0.95, random_state: int = 0, within: str = "blocks") -> pd.DataFrame:
    """Each group's rate pooled over its interviews, with a two-stage bootstrap interval.

    ``statistic="pooled"``: all hits / all tokens (long interviews weigh more);
    ``"mean"``: the mean of the interviews' rates (each interview once). Stage 1
    resamples ``cluster`` units (default: the interviews, ``doc``; pass ``"interviewee"``
    to cluster repeated interviews of one person), stage 2 turns in blocks within each
    interview (``within="turns"``: independent turns). Returns the group column(s),
    ``feature``, ``rate``, ``lo``, ``hi``, ``n`` (interviews), ``n_clusters``, ``n_tokens``.
    """
    if statistic not in ("pooled", "mean"):
        raise ValueError(f"statistic must be 'pooled' or 'mean', not {statistic!r}")
    _check_params(per, n_boot, level, random_state)
    groups, values = _columns(df, group, value_cols, [token_col, doc, *([cluster] if cluster else [])])
    rows = []
    parts = df.groupby(groups, sort=True) if groups else [((), df)]
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        hits, tokens, docs, clusters, n_docs, n_clusters = _prepare_two_stage(part, values, token_col, doc, cluster)
        estimate, reps = two_stage_replicates(hits, tokens, docs, clusters, per=per, n_boot=n_boot,
                                    rng=stream(random_state, ("two-stage", *key)), statistic=statistic, within=within)
        lo, hi = percentile(reps, level)
        for j, feature in enumerate(values):
            rows.append({**dict(zip(groups, key)), "feature": feature, "rate": estimate[j], "lo": lo[j],
                         "hi": hi[j], "n": n_docs, "n_clusters": n_clusters, "n_tokens": int(tokens.sum())})
    out = pd.DataFrame(rows, columns=[*groups, "feature", "rate", "lo", "hi", "n", "n_clusters", "n_tokens"])
    out.attrs.update(statistic=statistic, level=level, n_boot=n_boot, random_state=random_state,
                     interval=f"two-stage bootstrap ({cluster or 'interviews'}, then turns in blocks)")
    return out


def two_stage_difference(df: pd.DataFrame, *, group: str, a, b, value_cols, token_col: str, doc: str = "doc_id",
                         cluster: str | None = None, statistic: str = "pooled", per: float = 1000,
                         n_boot: int = 2000, level: float = 0.95, random_state: int = 0,
                         within: str = "blocks") -> pd.DataFrame:
    """rate(a) - rate(b) with a two-stage bootstrap interval, p-value and BH q-value per feature.

    Each side is resampled on its own as in :func:`two_stage_table`; the interval is
    the percentile interval of the replicate differences, the p-value
    :func:`analysis.stats.resampling.bootstrap_p_value`, and ``q_value`` its
    Benjamini-Hochberg adjustment over the features tested (``attrs['n_tests']``).
    Returns ``feature, rate_a, rate_b, diff, lo, hi, p_value, q_value, n_a, n_b``.
    """
    _check_params(per, n_boot, level, random_state)
    _, values = _columns(df, group, value_cols, [token_col, doc, *([cluster] if cluster else [])])
    est, reps, sizes = {}, {}, {}
    for name in (a, b):
        part = df[df[group] == name]
        if part.empty:
            raise ValueError(f"group {name!r} has no rows in column {group!r}; "
                             f"found {sorted(map(str, df[group].unique()))}")
        if part[token_col].sum() <= 0:
            raise ValueError(f"group {name!r} has no tokens: a rate is undefined")
        hits, tokens, docs, clusters, n_docs, _ = _prepare_two_stage(part, values, token_col, doc, cluster)
        est[name], reps[name] = two_stage_replicates(hits, tokens, docs, clusters, per=per, n_boot=n_boot,
                                           rng=stream(random_state, ("two-stage", name)),
                                           statistic=statistic, within=within)
        sizes[name] = n_docs
    delta = reps[a] - reps[b]
    lo, hi = percentile(delta, level)
    p = bootstrap_p_value(delta)
    out = pd.DataFrame({"feature": values, "rate_a": est[a], "rate_b": est[b], "diff": est[a] - est[b],
                        "lo": lo, "hi": hi, "p_value": p, "q_value": bh_adjust(p), "n_a": sizes[a], "n_b": sizes[b]})
    out.attrs.update(a=a, b=b, level=level, n_boot=n_boot, random_state=random_state, statistic=statistic,
                     n_tests=len(values), correction="Benjamini-Hochberg",
                     interval=f"two-stage bootstrap ({cluster or 'interviews'}, then turns in blocks)")
    return out
