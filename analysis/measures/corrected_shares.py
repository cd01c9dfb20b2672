"""Theme shares corrected for measurement error, with sampling and validation uncertainty.

The share of turns an instrument flags is biased whenever it misses true turns or flags
false ones. With sensitivity Se and specificity Sp measured on the coded sample, the
Rogan-Gladen estimator (:func:`analysis.stats.measurement.rogan_gladen`; Rogan and Gladen
1978) turns the apparent share q of a group (interview, role) into pi = (q + Sp - 1) /
(Se + Sp - 1), clipped to [0, 1].

* Se and Sp: of the context rules, on every coded turn of the v2 sample, design-weighted
  (1 / inclusion probability in the turn's own frame; the frames cover disjoint documents,
  so their Horvitz-Thompson totals add: :func:`analysis.measures.sampling.frame_design`),
  development and test interviews together (the correction
  needs the best estimate of the error rates; tuning used development turns only).
* Interval: a percentile bootstrap (Efron and Tibshirani 1993, ch. 13) that redraws both
  sources of error in each replicate: the group's turns (sampling uncertainty; for a 0/1
  flag the bootstrap mean of n turns is Binomial(n, q) / n, drawn directly) and the coded
  turns, with replacement within each sampling stratum of each frame (validation uncertainty), from
  which Se and Sp are recomputed. Replicates where Se + Sp <= 1 give no estimate; their
  share is reported (``undefined_share``). Known limit: a group with no flagged turn
  (apparent share 0) gets the interval [0, 0] because every turn resample is 0 too; read it
  as "no evidence in these turns", not as certainty.
* Reliability: a theme is ``reliable`` only when its agreement and its test F1 meet the
  targets (:func:`analysis.measures.reliability.theme_reliability`); unreliable themes stay in
  the table, marked, never silently plotted like the others.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.corpus.load import load_corpus
from analysis.measures.agreement import agreement, coder_pairs
from analysis.measures.coding import load_coding
from analysis.measures.reliability import reliable_map, theme_reliability
from analysis.measures.rule_hits import rule_theme_hits
from analysis.measures.validation import coded_sample, instrument_predictions, validation_report
from analysis.stats.measurement import design_weights, rogan_gladen, sensitivity_specificity
from analysis.text.themes import ThemeMatcher

SHARE_COLUMNS = ["theme", "n_turns", "apparent", "corrected", "lo", "hi", "undefined_share", "sensitivity",
                 "specificity", "reliable"]


def _validation_draws(coded: pd.DataFrame, predicted: pd.DataFrame, themes, n_boot: int, rng) -> tuple:
    """Se and Sp per theme: the point estimates and ``n_boot`` stratified bootstrap replicates."""
    weights = (coded["weight"].to_numpy() if "weight" in coded.columns
               else design_weights(coded["inclusion_probability"]))
    truth = coded[themes].to_numpy().astype(bool)
    pred = predicted[themes].to_numpy().astype(bool)
    point = np.array([sensitivity_specificity(truth[:, j], pred[:, j], weights) for j in range(len(themes))])
    # sampling strata: (frame, stratum) where frames are known (frames are drawn independently)
    label = (coded["frame"].astype(str) + "|" + coded["stratum"].astype(str) if "frame" in coded.columns
             else coded["stratum"].astype(str)).to_numpy()
    strata = [np.flatnonzero(label == s) for s in sorted(set(label))]
    se = np.empty((n_boot, len(themes)))
    sp = np.empty((n_boot, len(themes)))
    for b in range(n_boot):
        idx = np.concatenate([rng.choice(s, size=len(s), replace=True) for s in strata])
        w, t, p = weights[idx, None], truth[idx], pred[idx]
        tp, fn = (w * (t & p)).sum(0), (w * (t & ~p)).sum(0)
        tn, fp = (w * (~t & ~p)).sum(0), (w * (~t & p)).sum(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            se[b], sp[b] = tp / (tp + fn), tn / (tn + fp)
    return point[:, 0], point[:, 1], se, sp


def corrected_shares(flags: pd.DataFrame, coded: pd.DataFrame, coded_predicted: pd.DataFrame, *, by="doc_id",
                     n_boot: int = 1000, level: float = 0.95, seed: int = 0,
                     reliable: dict[str, bool] | None = None) -> pd.DataFrame:
    """Rogan-Gladen corrected share of turns per group and theme, with intervals (module docstring).

    ``flags``: one row per corpus turn with the group column(s) ``by`` and one 0/1 column per
    theme (the instrument's output). ``coded``: the coded sample (reference codes, ``stratum``,
    ``inclusion_probability``); ``coded_predicted``: the instrument's 0/1 output on those
    turns, aligned with ``coded``. ``reliable``: ``{theme: bool}`` (:func:`analysis.measures.reliability.reliable_map`);
    themes not listed are marked unreliable. One generator, ``default_rng(seed)``.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    themes = list(coded.attrs.get("themes") or coded_predicted.columns)
    groups = [by] if isinstance(by, str) else list(by)
    rng = np.random.default_rng(seed)
    se, sp, se_boot, sp_boot = _validation_draws(coded.reset_index(drop=True),
                                                 coded_predicted.reset_index(drop=True), themes, n_boot, rng)
    tail = (1 - level) / 2
    rows = []
    for key, part in flags.groupby(groups, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        n = len(part)
        for j, theme in enumerate(themes):
            q = float(part[theme].mean())
            q_boot = rng.binomial(n, q, size=n_boot) / n
            replicates = rogan_gladen(q_boot, se_boot[:, j], sp_boot[:, j])
            defined = replicates[~np.isnan(replicates)]
            low, high = (np.quantile(defined, [tail, 1 - tail]) if defined.size else (np.nan, np.nan))
            rows.append({**dict(zip(groups, key)), "theme": theme, "n_turns": n, "apparent": q,
                         "corrected": rogan_gladen(q, se[j], sp[j]), "lo": float(low), "hi": float(high),
                         "undefined_share": 1 - defined.size / n_boot, "sensitivity": se[j], "specificity": sp[j],
                         "reliable": bool((reliable or {}).get(theme, False))})
    table = pd.DataFrame(rows, columns=[*groups, *SHARE_COLUMNS])
    table.attrs.update(level=level, n_boot=n_boot, seed=seed)
    return table


def coder_agreement(coding: pd.DataFrame) -> pd.DataFrame | None:
    """Agreement (point estimates) between the first pair of coders with turns in common
    (:func:`analysis.measures.agreement.coder_pairs`); None when no two coders overlap."""
    pairs = coder_pairs(coding)
    return agreement(coding, *pairs[0], n_boot=0) if pairs else None


def instrument_shares(turns: pd.DataFrame | None = None, *, by=("doc_id", "role"), n_boot: int = 1000,
                      level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Corrected theme shares of the corpus per ``by`` group, from the project's files: the
    context rules' flags on every turn, their Se and Sp on the coded v2 sample, and each
    theme's reliability (test interviews, random stratum; agreement where two coders exist)."""
    turns = load_corpus() if turns is None else turns
    themes = ThemeMatcher().themes_
    coding = load_coding(themes=themes)
    coded = coded_sample(turns, coding=coding, themes=themes)
    report = validation_report(coded, model=False, level=level)
    reliable = reliable_map(theme_reliability(report, coder_agreement(coding)))
    hits = rule_theme_hits(turns)
    groups = [by] if isinstance(by, str) else list(by)
    flags = pd.concat([turns.reset_index(drop=True)[groups], (hits[themes] > 0).astype(int)], axis=1)
    coded_pred, _, _ = instrument_predictions(coded, model=False)
    return corrected_shares(flags, coded, coded_pred, by=groups, n_boot=n_boot, level=level, seed=seed,
                            reliable=reliable)
