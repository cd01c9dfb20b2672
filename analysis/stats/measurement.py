"""Statistics of a measuring instrument: design-weighted classification metrics, Wilson
intervals and misclassification-corrected proportions.

* **Design weights.** A turn drawn with inclusion probability pi has weight 1/pi
  (Horvitz and Thompson 1952); weighted counts estimate the counts of the whole corpus.
* **Effective sample size** of weights w: n_eff = (sum w)^2 / sum w^2 (Kish 1965, *Survey
  Sampling*, sec. 11.7). It equals n for equal weights and shrinks when weights vary.
* **Weighted precision, recall, F1.** From weighted counts TP, FP, FN, TN:
  precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN)
  (van Rijsbergen 1979). Undefined values are NaN, never 0.
* **Wilson intervals** (Wilson 1927; Brown, Cai and DasGupta 2001) from
  ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``. With design weights the
  proportion p is the weighted one and the binomial size is the Kish effective size of the
  turns in the denominator, k = round(p * n_eff), n = round(n_eff) (the usual
  effective-sample-size adaptation for complex samples; Korn and Graubard 1998).
* **Rogan-Gladen correction** (Rogan and Gladen 1978, *Am. J. Epidemiol.* 107(1)): an
  instrument with sensitivity Se and specificity Sp that flags a share q of units implies a
  true share pi = (q + Sp - 1) / (Se + Sp - 1), clipped to [0, 1]; undefined (NaN) when
  Se + Sp <= 1 (the instrument is no better than chance).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import binomtest


def design_weights(inclusion_probability) -> np.ndarray:
    """1 / pi for each unit; every probability must be in (0, 1]."""
    pi = np.asarray(inclusion_probability, dtype=float)
    if pi.size and (np.any(~np.isfinite(pi)) or np.any(pi <= 0) or np.any(pi > 1)):
        raise ValueError("inclusion probabilities must be in (0, 1]")
    return 1.0 / pi


def effective_sample_size(weights) -> float:
    """Kish's n_eff = (sum w)^2 / sum w^2 (0 for no units)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w ** 2)) if w.size and np.sum(w ** 2) > 0 else 0.0


def wilson_ci(successes: float, trials: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval via scipy; non-integer counts are rounded; NaN for 0 trials."""
    n = int(round(trials))
    if n <= 0:
        return (math.nan, math.nan)
    k = min(max(int(round(successes)), 0), n)
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return (float(ci.low), float(ci.high))


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def weighted_metrics(truth, predicted, weights=None, level: float = 0.95) -> dict:
    """Design-weighted precision, recall and F1 with Wilson intervals on effective sizes.

    ``truth`` and ``predicted`` are 0/1 arrays; ``weights`` default to 1 (unweighted, when
    the intervals are the plain Wilson intervals). Returns ``support`` (unweighted number
    of coded positives), weighted ``tp fp fn tn``, ``precision``, ``precision_lo``,
    ``precision_hi``, ``recall``, ``recall_lo``, ``recall_hi``, ``f1``.
    """
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    if truth.shape != predicted.shape:
        raise ValueError(f"truth has {truth.size} values but predicted {predicted.size}")
    w = np.ones(truth.size) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != truth.shape:
        raise ValueError(f"got {w.size} weights for {truth.size} units")
    tp, fp = float(w[truth & predicted].sum()), float(w[~truth & predicted].sum())
    fn, tn = float(w[truth & ~predicted].sum()), float(w[~truth & ~predicted].sum())
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)

    def interval(p, mask):
        n_eff = effective_sample_size(w[mask])
        return wilson_ci(p * n_eff, n_eff, level) if not math.isnan(p) else (math.nan, math.nan)

    p_low, p_high = interval(precision, predicted)
    r_low, r_high = interval(recall, truth)
    return {"support": int(truth.sum()), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": precision, "precision_lo": p_low, "precision_hi": p_high,
            "recall": recall, "recall_lo": r_low, "recall_hi": r_high,
            "f1": _ratio(2 * tp, 2 * tp + fp + fn)}


def sensitivity_specificity(truth, predicted, weights=None) -> tuple[float, float]:
    """Weighted sensitivity TP/(TP+FN) and specificity TN/(TN+FP) (NaN when undefined)."""
    m = weighted_metrics(truth, predicted, weights)
    return m["recall"], _ratio(m["tn"], m["tn"] + m["fp"])


def rogan_gladen(apparent, sensitivity, specificity):
    """Misclassification-corrected share (module docstring), clipped to [0, 1]; NaN when
    Se + Sp <= 1 or an input is NaN. Works on scalars and arrays."""
    q, se, sp = (np.asarray(x, dtype=float) for x in (apparent, sensitivity, specificity))
    denominator = se + sp - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = np.where(denominator > 0, (q + sp - 1) / denominator, np.nan)
    out = np.clip(corrected, 0.0, 1.0)
    return float(out) if out.ndim == 0 else out
