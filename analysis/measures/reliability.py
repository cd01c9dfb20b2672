"""Which themes the instrument measures reliably enough to report like the others.

A theme is **unreliable** when either check fails (issue 11's targets):

* **agreement**: Krippendorff's alpha over every double-coded turn (pairs of coders pooled,
  :func:`analysis.measures.agreement.pooled_agreement`) below :data:`TARGET_ALPHA` (0.67;
  Krippendorff 2018, *Content Analysis*, ch. 12), or undefined;
  when no two coders overlap, the check is reported as not measured and does not fail;
* **validity**: F1 of the chosen method on **test** interviews, random stratum, below the
  theme's target: 0.80 for compute_scarcity, open_source_risk, elections_misinformation;
  the micro-F1 target 0.75 for the others (:data:`TARGET_F1`, :data:`TARGET_F1_OTHER`); an
  undefined F1 (no positive coded and none flagged) fails.

Unreliable themes are **marked, not hidden**: tables keep their rows with ``reliable =
False`` and the reason; figures draw them and say so (:func:`unreliable_label`).
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.corpus.load import load_corpus
from analysis.measures.agreement import TARGET_ALPHA, pooled_agreement
from analysis.measures.coding import load_coding
from analysis.measures.validation import coded_sample, coded_training, validation_report
from analysis.text.themes import ThemeMatcher

#: F1 targets on test interviews, random stratum (issue 11).
TARGET_F1 = {"compute_scarcity": 0.80, "open_source_risk": 0.80, "elections_misinformation": 0.80}
TARGET_F1_OTHER = 0.75
#: Micro precision target on the random stratum (issue 11; an overall target, not per theme).
TARGET_PRECISION = 0.75
RELIABILITY_COLUMNS = ["theme", "f1_test", "f1_target", "alpha", "alpha_target", "reliable", "reason"]


def theme_reliability(report: pd.DataFrame, agreement: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per theme: ``theme, f1_test, f1_target, alpha, alpha_target, reliable, reason``.

    ``report``: :func:`analysis.measures.validation.validation_report` (its rows for the test
    split, random scope and the chosen method are read); ``agreement``:
    :func:`analysis.measures.agreement.agreement` or None (agreement not measured). ``reason``
    names each failed check (empty when reliable)."""
    rows = report[(report["split"] == "test") & (report["scope"] == "random") & (report["chosen"] == "yes")]
    alpha = dict(zip(agreement["theme"], agreement["alpha"])) if agreement is not None else {}
    out = []
    for theme in report.attrs.get("themes") or sorted(set(rows["theme"]) - {"micro"}):
        row = rows[rows["theme"] == theme]
        f1 = float(row["f1"].iat[0]) if len(row) else math.nan
        target = TARGET_F1.get(theme, TARGET_F1_OTHER)
        a = float(alpha.get(theme, math.nan)) if agreement is not None else math.nan
        reasons = []
        if math.isnan(f1):
            reasons.append("test F1 not measurable")
        elif f1 < target:
            reasons.append(f"test F1 {f1:.2f} < {target:.2f}")
        if agreement is not None:
            if math.isnan(a):
                reasons.append("alpha undefined")
            elif a < TARGET_ALPHA:
                reasons.append(f"alpha {a:.2f} < {TARGET_ALPHA:.2f}")
        out.append({"theme": theme, "f1_test": f1, "f1_target": target, "alpha": a, "alpha_target": TARGET_ALPHA,
                    "reliable": not reasons, "reason": "; ".join(reasons)})
    table = pd.DataFrame(out, columns=RELIABILITY_COLUMNS)
    table.attrs["agreement_measured"] = agreement is not None
    return table


def reliable_map(table: pd.DataFrame) -> dict[str, bool]:
    """``{theme: reliable}`` from a :func:`theme_reliability` table."""
    return dict(zip(table["theme"], table["reliable"].astype(bool)))


def unreliable_label(label: str, reliable: bool, sep: str = " ") -> str:
    """A theme's label as figures and tables show it: unreliable themes carry "(unreliable)",
    after ``sep`` (a newline in narrow panel titles)."""
    return label if reliable else f"{label}{sep}(unreliable)"


def instrument_reliability(turns: pd.DataFrame | None = None, *, coding: pd.DataFrame | None = None,
                           coded: pd.DataFrame | None = None, training: pd.DataFrame | None = None,
                           predicted: tuple | None = None) -> pd.DataFrame:
    """:func:`theme_reliability` from the project's files: the validation of each theme's
    chosen instrument (rules or model, as ``validate`` chooses) on the coded sample
    (``coding.csv`` with ``adjudication.csv``) and the agreement over every double-coded
    turn, pairs of coders pooled. ``coding`` (:func:`~analysis.measures.coding.load_coding`),
    ``coded`` (:func:`~analysis.measures.validation.coded_sample`) and ``training``
    (:func:`~analysis.measures.validation.coded_training`) are read or built when not given;
    ``predicted``: the methods' flags on ``coded`` when already computed (``validation_report``)."""
    themes = ThemeMatcher().themes_
    coding = load_coding(themes=themes) if coding is None else coding
    if coded is None or (training is None and predicted is None):
        turns = load_corpus() if turns is None else turns
    if coded is None:
        coded = coded_sample(turns, coding=coding, themes=themes)
    if training is None and predicted is None:
        training = coded_training(turns, coding=coding, themes=themes)
    report = validation_report(coded, training=training, predicted=predicted)
    return theme_reliability(report, pooled_agreement(coding, n_boot=0))
