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
* Interval: the project's one resampling design (:mod:`analysis.stats`), redrawing both
  sources of error in each replicate and applying Rogan-Gladen to each:

  - sampling, the group's turns: a moving-block bootstrap over the consecutive turns of
    one interview (30 turns or more); a two-stage bootstrap (interviews, or ``cluster``
    units such as persons, then turns in blocks) when the group pools several interviews
    (:func:`analysis.stats.bootstrap.two_stage_replicates`); below
    :data:`~analysis.stats.resampling.FEW_TURNS` turns of one interview no bootstrap but
    the closed-form Wilson interval of the apparent share;
  - validation, the coded turns: resampled by interview (all coded turns of an interview
    drawn together, Davison & Hinkley 1997, sec. 3.8, since turns of one interview share
    a speaker and a topic), Se and Sp recomputed with the design weights.

  Bootstrap groups: the percentile interval (Efron & Tibshirani 1993, ch. 13) of the
  replicate corrected shares. Few-turn groups: [the alpha/2 quantile over validation
  replicates of RG(Wilson lower bound), the 1 - alpha/2 quantile of RG(Wilson upper
  bound)]; RG increases with the apparent share, so this covers both sources of error and
  is conservative (each at its full level). Coded turns are resampled by interview within
  each frame of the sample (frames are drawn independently). A Wilson interval does not collapse to [0, 0]
  when no turn is flagged. Replicates where Se + Sp <= 1 give no estimate; their share is
  reported (``undefined_share``). Every draw comes from :func:`analysis.stats.resampling.stream`
  keyed on ``random_state`` and the group. Columns: ``lo``, ``hi``, ``n`` (turns),
  ``n_interviews``, ``interval`` (the method), as everywhere in :mod:`analysis.stats`.
* Reliability: a theme is ``reliable`` only when it meets the targets on test interviews
  (:func:`analysis.measures.reliability.theme_reliability`); unreliable themes stay in the table, marked, never silently
  plotted like the others.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from analysis.corpus.load import load_corpus
from analysis.measures.coding import load_coding
from analysis.measures.reliability import instrument_reliability, reliable_map
from analysis.measures.validation import chosen_instrument, coded_sample, coded_training
from analysis.stats.bootstrap import two_stage_replicates
from analysis.stats.intervals import wilson
from analysis.stats.measurement import design_weights, rogan_gladen, sensitivity_specificity
from analysis.stats.resampling import (FEW_TURNS, block_length, check_random_state, cluster_weights, stream,
                                       within_weights)
from analysis.text.themes import ThemeMatcher

SHARE_COLUMNS = ["theme", "n", "n_interviews", "apparent", "corrected", "lo", "hi", "undefined_share",
                 "sensitivity", "specificity", "reliable", "interval"]


def _codes(values) -> np.ndarray:
    return pd.factorize(pd.Series(values).astype(str), sort=True)[0]


def _validation_draws(coded: pd.DataFrame, predicted: pd.DataFrame, themes, n_boot: int, rng, doc: str) -> tuple:
    """Se and Sp per theme: the point estimates and ``n_boot`` replicates, coded turns drawn by interview."""
    weights = (coded["weight"].to_numpy(float) if "weight" in coded.columns
               else design_weights(coded["inclusion_probability"]))
    truth = coded[themes].to_numpy().astype(bool)
    pred = predicted[themes].to_numpy().astype(bool)
    point = np.array([sensitivity_specificity(truth[:, j], pred[:, j], weights) for j in range(len(themes))])
    frames = coded["frame"].astype(str).to_numpy() if "frame" in coded.columns else np.zeros(len(coded), str)
    draws = np.empty((n_boot, len(coded)))
    for frame in sorted(set(frames)):  # interviews resampled within their own frame
        rows = np.flatnonzero(frames == frame)
        interviews = _codes(coded[doc].to_numpy()[rows])
        draws[:, rows] = cluster_weights(int(interviews.max()) + 1, n_boot, rng)[:, interviews]
    draws *= weights  # n_boot x coded
    cells = {name: mask.astype(float) for name, mask in
             (("tp", truth & pred), ("fn", truth & ~pred), ("tn", ~truth & ~pred), ("fp", ~truth & pred))}
    sums = {name: draws @ mask for name, mask in cells.items()}                                # n_boot x themes
    with np.errstate(divide="ignore", invalid="ignore"):
        se = sums["tp"] / (sums["tp"] + sums["fn"])
        sp = sums["tn"] / (sums["tn"] + sums["fp"])
    return point[:, 0], point[:, 1], se, sp


def _apparent_replicates(values: np.ndarray, docs: np.ndarray, clusters: np.ndarray | None, n_boot: int,
                         rng) -> tuple[np.ndarray, str]:
    """Bootstrap replicates (n_boot x themes) of a group's apparent shares, and the design's name."""
    n_docs = int(docs.max()) + 1
    if n_docs == 1:
        weights = within_weights(docs, n_boot, rng)
        return weights @ values / len(values), f"moving-block bootstrap, blocks of {block_length(len(values))} turns"
    clusters = np.arange(n_docs) if clusters is None else clusters
    _, reps = two_stage_replicates(values, np.ones(len(values)), docs, clusters, per=1, n_boot=n_boot, rng=rng,
                                   statistic="pooled")
    return reps, "two-stage bootstrap (interviews, then turns in blocks)"


def corrected_shares(flags: pd.DataFrame, coded: pd.DataFrame, coded_predicted: pd.DataFrame, *, by="doc_id",
                     doc: str = "doc_id", cluster: str | None = None, n_boot: int = 1000, level: float = 0.95,
                     random_state: int = 0, reliable: dict[str, bool] | None = None, **deprecated) -> pd.DataFrame:
    """Rogan-Gladen corrected share of turns per group and theme, with intervals (module docstring).

    ``flags``: one row per corpus turn, in conversation order within each interview, with
    the group column(s) ``by``, the interview column ``doc`` and one 0/1 column per theme
    (the instrument's output). ``coded``: the coded sample (reference codes, ``doc``,
    ``stratum``, ``inclusion_probability``); ``coded_predicted``: the instrument's 0/1
    output on those turns, aligned with ``coded``. ``cluster``: a column of ``flags``
    naming the first-stage unit of pooled groups (e.g. the person; default the interview).
    ``reliable``: ``{theme: bool}`` (:func:`analysis.measures.reliability.reliable_map`); themes not listed are
    marked unreliable. ``seed=`` is accepted for ``random_state`` with a warning.
    """
    random_state = _random_state(random_state, deprecated)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, not {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    themes = list(coded.attrs.get("themes") or coded_predicted.columns)
    groups = [by] if isinstance(by, str) else list(by)
    for table, name, needed in ((flags, "flags", [*groups, doc, *themes, *([cluster] if cluster else [])]),
                                (coded, "coded", [doc, "inclusion_probability", *themes])):
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise ValueError(f"{name} has no column(s) {missing}; it has {list(table.columns)}")
    se, sp, se_boot, sp_boot = _validation_draws(coded.reset_index(drop=True), coded_predicted.reset_index(drop=True),
                                                 themes, n_boot, stream(random_state, "validation"), doc)
    tail = (1 - level) / 2
    rows = []
    for key, part in flags.groupby(groups, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        n = len(part)
        values = part[themes].to_numpy(float)
        docs = _codes(part[doc])
        n_docs = int(docs.max()) + 1
        apparent = values.mean(axis=0)
        few = n_docs == 1 and n < FEW_TURNS
        if few:
            method = "Wilson (apparent share) x validation bootstrap by interview"
        else:
            clusters = (_codes(part.groupby(doc, sort=True)[cluster].first()) if cluster else None)
            q_boot, method = _apparent_replicates(values, docs, clusters, n_boot,
                                                  stream(random_state, ("corrected share", *key)))
            method += "; validation bootstrap by interview"
        for j, theme in enumerate(themes):
            if few:
                w_lo, w_hi = wilson(int(values[:, j].sum()), n, level)
                low_reps = rogan_gladen(np.full(n_boot, w_lo), se_boot[:, j], sp_boot[:, j])
                high_reps = rogan_gladen(np.full(n_boot, w_hi), se_boot[:, j], sp_boot[:, j])
                defined = ~np.isnan(low_reps) & ~np.isnan(high_reps)
                lo = np.quantile(low_reps[defined], tail) if defined.any() else np.nan
                hi = np.quantile(high_reps[defined], 1 - tail) if defined.any() else np.nan
            else:
                replicates = rogan_gladen(q_boot[:, j], se_boot[:, j], sp_boot[:, j])
                defined = ~np.isnan(replicates)
                lo, hi = (np.quantile(replicates[defined], [tail, 1 - tail]) if defined.any() else (np.nan, np.nan))
            rows.append({**dict(zip(groups, key)), "theme": theme, "n": n, "n_interviews": n_docs,
                         "apparent": float(apparent[j]), "corrected": rogan_gladen(float(apparent[j]), se[j], sp[j]),
                         "lo": float(lo), "hi": float(hi), "undefined_share": 1 - defined.sum() / n_boot,
                         "sensitivity": se[j], "specificity": sp[j],
                         "reliable": bool((reliable or {}).get(theme, False)), "interval": method})
    table = pd.DataFrame(rows, columns=[*groups, *SHARE_COLUMNS])
    table.attrs.update(level=level, n_boot=n_boot, random_state=random_state)
    return table


def _random_state(random_state, deprecated: dict) -> int:
    """``random_state``, or the old ``seed=`` keyword (kept for one release) with a warning."""
    unknown = set(deprecated) - {"seed"}
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {sorted(unknown)}")
    if "seed" in deprecated:
        warnings.warn("seed= is now random_state= (seed means the seed document only)", DeprecationWarning,
                      stacklevel=3)
        random_state = deprecated["seed"]
    return check_random_state(random_state)


def instrument_shares(turns: pd.DataFrame | None = None, *, by=("doc_id", "role"), n_boot: int = 1000,
                      level: float = 0.95, random_state: int = 0, **deprecated) -> pd.DataFrame:
    """Corrected theme shares of the corpus per ``by`` group, from the project's files: per
    theme, the flags of the instrument ``validate`` chooses (context rules or learned model,
    decided on development turns only: :func:`analysis.measures.validation.chosen_instrument`)
    on every turn, that instrument's Se and Sp on the coded v2 sample, and each theme's
    reliability (test interviews, random stratum; agreement where two coders exist).
    ``attrs["instrument"]`` says which instrument each theme uses.
    ``seed=`` is accepted for ``random_state`` with a warning."""
    random_state = _random_state(random_state, deprecated)
    turns = load_corpus() if turns is None else turns
    themes = ThemeMatcher().themes_
    coding = load_coding(themes=themes)
    coded = coded_sample(turns, coding=coding, themes=themes)
    training = coded_training(turns, coding=coding, themes=themes)
    instrument = chosen_instrument(turns, coded, training)
    reliable = reliable_map(instrument_reliability(turns, coding=coding, coded=coded,
                                                   predicted=(instrument.coded_rules, instrument.coded_model)))
    groups = [by] if isinstance(by, str) else list(by)
    keep = list(dict.fromkeys([*groups, "doc_id"]))
    flags = pd.concat([turns.reset_index(drop=True)[keep], instrument.turn_flags], axis=1)
    shares = corrected_shares(flags, coded, instrument.coded_flags, by=groups, n_boot=n_boot, level=level,
                              random_state=random_state, reliable=reliable)
    shares.attrs["instrument"] = instrument.chosen
    return shares
