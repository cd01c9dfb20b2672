"""Agreement between two coders of the theme sample, per theme, with a resampling interval.

Two coders coded some of the same turns (``corpus/themes/coding.csv``). On the turns both
coded, per theme:

* ``n_turns``, ``positives_a``, ``positives_b`` (turns each coder coded 1), raw percent
  ``agreement``;
* **Krippendorff's alpha**, nominal (Krippendorff 2018, *Content Analysis*, 4th ed., ch. 12;
  computed by the ``krippendorff`` package): alpha = 1 - D_o / D_e, observed over expected
  disagreement. For two coders, binary codes and no missing values it reduces to
  alpha = 1 - (2N - 1) D / (n_0 n_1), with N units, D the units the coders disagree on and
  n_0, n_1 the numbers of 0 and 1 values among the 2N (coincidence matrix, ch. 12.2);
  :func:`binary_alpha` implements this form for the resampling replicates and the tests
  check it against the package;
* **Cohen's kappa** (Cohen 1960; ``sklearn.metrics.cohen_kappa_score``);
* a percentile interval for alpha (``alpha_lo``, ``alpha_hi``): the bootstrap of alpha
  (Hayes and Krippendorff 2007, "Answering the call for a standard reliability measure for
  coding data", *Communication Methods and Measures* 1(1)) done with the project's
  two-stage design (:mod:`analysis.stats.resampling`): interviews drawn with replacement,
  then turns with replacement within each interview (turns of one interview are not
  independent). Replicates where alpha is undefined (no variation) are dropped;
* ``reliable``: alpha at or above :data:`TARGET_ALPHA` (0.67, the issue's target; Krippendorff
  2018, ch. 12, gives 0.667 as the lowest alpha on which tentative conclusions may rest);
  an undefined alpha is not reliable.

NaN marks what cannot be measured (neither coder ever codes the theme: alpha and kappa are
undefined), never 0.

**Who the coders are.** :func:`agreement_note` writes the coders' names and types as the
coding table records them. When both are language models (``coder_type = model``), their
agreement is an upper bound on the agreement expected between a model coder and human
coders: two models reading the same codebook share failure modes that a person does not.
"""
from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from analysis.stats.resampling import check_random_state, cluster_weights, percentile, stream, within_weights

#: Lowest acceptable alpha per theme (issue 11; Krippendorff 2018, ch. 12.2.5).
TARGET_ALPHA = 0.67
AGREEMENT_COLUMNS = ["theme", "n_turns", "n_interviews", "positives_a", "positives_b", "agreement", "alpha",
                     "alpha_lo", "alpha_hi", "kappa", "reliable"]


def binary_alpha(n_units, disagreements, ones):
    """Krippendorff's nominal alpha for two coders and 0/1 codes from (possibly weighted)
    counts: ``1 - (2N - 1) D / (n_0 n_1)`` with ``N = n_units``, ``D = disagreements``,
    ``n_1 = ones`` (1 values among the 2N), ``n_0 = 2N - n_1``. NaN when every value is the
    same (n_0 n_1 = 0). Works on arrays (one value per replicate)."""
    n, d, n1 = (np.asarray(x, dtype=float) for x in (n_units, disagreements, ones))
    n0 = 2 * n - n1
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(n0 * n1 > 0, 1 - (2 * n - 1) * d / (n0 * n1), np.nan)
    return float(out) if out.ndim == 0 else out


def overlap(coding: pd.DataFrame, coder_a: str, coder_b: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two coders' rows on the turns both coded, aligned and sorted by (doc_id, turn_id)."""
    known = set(coding["coder"])
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise ValueError(f"no coder {coder!r} in the coding table; coders: {', '.join(sorted(known))}")
    a = coding[coding["coder"] == coder_a].set_index(["doc_id", "turn_id"])
    b = coding[coding["coder"] == coder_b].set_index(["doc_id", "turn_id"])
    both = a.index.intersection(b.index).sort_values()
    if not len(both):
        raise ValueError(f"coders {coder_a!r} and {coder_b!r} have no turn in common")
    return a.loc[both].reset_index(), b.loc[both].reset_index()


def _replicate_weights(docs: np.ndarray, n_boot: int, random_state: int) -> np.ndarray:
    """(n_boot x turns) draw counts: interviews with replacement, then turns with replacement within each."""
    rng = stream(random_state, "agreement")
    codes = pd.Categorical(docs, categories=sorted(set(docs))).codes
    w_doc = cluster_weights(int(codes.max()) + 1, n_boot, rng)
    return w_doc[:, codes] * within_weights(codes, n_boot, rng, length=1)


def agreement(coding: pd.DataFrame, coder_a: str, coder_b: str, themes=None, *, n_boot: int = 1000,
              level: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Per theme, agreement between ``coder_a`` and ``coder_b`` on the turns both coded
    (module docstring): ``theme, n_turns, n_interviews, positives_a, positives_b, agreement,
    alpha, alpha_lo, alpha_hi, kappa, reliable``. ``n_boot=0`` skips the interval (NaN).
    Same inputs and ``random_state``, same table."""
    themes = list(themes or coding.attrs["themes"])
    check_random_state(random_state)
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0, got {n_boot}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    a, b = overlap(coding, coder_a, coder_b)
    weights = _replicate_weights(a["doc_id"].to_numpy(), n_boot, random_state) if n_boot else None
    rows = []
    for theme in themes:
        x, y = a[theme].to_numpy().astype(int), b[theme].to_numpy().astype(int)
        if len(set(x) | set(y)) < 2:
            alpha = kappa = np.nan
        else:
            alpha = float(krippendorff.alpha(reliability_data=np.vstack([x, y]).astype(float),
                                             level_of_measurement="nominal"))
            kappa = float(cohen_kappa_score(x, y))
        lo = hi = np.nan
        if weights is not None and not np.isnan(alpha):
            reps = binary_alpha(weights.sum(axis=1), weights @ (x != y), weights @ (x + y))
            if np.isfinite(reps).any():
                lo, hi = (float(v) for v in percentile(reps, level))
        rows.append({"theme": theme, "n_turns": len(x), "n_interviews": a["doc_id"].nunique(),
                     "positives_a": int(x.sum()), "positives_b": int(y.sum()),
                     "agreement": float(np.mean(x == y)), "alpha": alpha, "alpha_lo": lo, "alpha_hi": hi,
                     "kappa": kappa, "reliable": bool(alpha >= TARGET_ALPHA) if not np.isnan(alpha) else False})
    table = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    types = {c: t for c, t in zip(coding["coder"], coding.get("coder_type", pd.Series(["unknown"] * len(coding))))}
    table.attrs.update(coder_a=coder_a, coder_b=coder_b, coder_type_a=types.get(coder_a, "unknown"),
                       coder_type_b=types.get(coder_b, "unknown"), n_boot=n_boot, level=level,
                       random_state=random_state, themes=themes)
    return table


def agreement_note(table: pd.DataFrame) -> str:
    """What the agreement table measures, naming the coders truthfully (module docstring)."""
    pairs = table.attrs.get("pairs")
    if pairs:  # pooled_agreement
        types = {t for pair in pairs for t in (pair["coder_type_a"], pair["coder_type_b"])}
        ta = tb = types.pop() if len(types) == 1 else "mixed"
        text = (f"Agreement over {int(table['n_turns'].max())} double-coded turns, pairs pooled: "
                + "; ".join(f"{p['coder_a']} (coder_type {p['coder_type_a']}) with {p['coder_b']} "
                            f"(coder_type {p['coder_type_b']}), {p['n_turns']} turns" for p in pairs)
                + ". Alpha pools the pairs; kappa is between the first and second coder of each turn. ")
    else:
        a, b = table.attrs["coder_a"], table.attrs["coder_b"]
        ta, tb = table.attrs["coder_type_a"], table.attrs["coder_type_b"]
        text = (f"Agreement between coder A = {a} (coder_type {ta}) and coder B = {b} (coder_type {tb}) on "
                f"{int(table['n_turns'].max())} turns both coded. ")
    if ta == tb == "model":
        text += ("Both coders are language models, not people: their agreement is an upper bound on the "
                 "agreement expected between a model coder and human coders. ")
    elif "model" in (ta, tb) or "program" in (ta, tb):
        text += "At least one coder is a model or a program, not a person. "
    unreliable = table.loc[~table["reliable"], "theme"].tolist()
    text += (f"Themes with alpha below {TARGET_ALPHA} (or undefined) are unreliable: "
             f"{', '.join(unreliable) if unreliable else 'none'}. Interval: percentile bootstrap over interviews, "
             f"then turns ({table.attrs['n_boot']} replicates, level {table.attrs['level']}).")
    return text


def coder_pairs(coding: pd.DataFrame, exclude=("reference",)) -> list[tuple[str, str]]:
    """Pairs of coders (in the order they first appear) who coded at least one turn in common."""
    coders = [c for c in dict.fromkeys(coding["coder"]) if c not in exclude]
    turns = {c: set(zip(coding.loc[coding["coder"] == c, "doc_id"], coding.loc[coding["coder"] == c, "turn_id"]))
             for c in coders}
    return [(a, b) for i, a in enumerate(coders) for b in coders[i + 1:] if turns[a] & turns[b]]


POOLED_SLOTS = ("first coder of the turn", "second coder of the turn")


def pooled_agreement(coding: pd.DataFrame, themes=None, *, n_boot: int = 1000, level: float = 0.95,
                     random_state: int = 0) -> pd.DataFrame | None:
    """Agreement over every double-coded turn, the pairs of coders (:func:`coder_pairs`) pooled;
    None when no two coders coded a turn in common.

    Krippendorff's alpha does not need the same coders on every unit: it is defined on units
    with any number of values each (Krippendorff 2018, ch. 12.2; Hayes and Krippendorff 2007),
    so turns coded by A and B and turns coded by C and E enter one coincidence matrix. Each turn
    counts once (a turn of several pairs: its first pair). Cohen's kappa assumes the same two coders throughout;
    here it is computed between the first and the second coder of each turn (a slot kappa),
    for comparison only: read alpha. The interval resamples interviews, then turns, as
    :func:`agreement` does. ``attrs["pairs"]`` lists the pairs and their turns in common.
    """
    pairs = coder_pairs(coding)
    if not pairs:
        return None
    firsts, seconds, counts, seen = [], [], [], set()
    for a, b in pairs:
        x, y = overlap(coding, a, b)
        new = ~pd.Series(list(zip(x["doc_id"], x["turn_id"]))).isin(seen).to_numpy()
        seen.update(zip(x["doc_id"], x["turn_id"]))
        firsts.append(x[new].assign(coder=POOLED_SLOTS[0]))
        seconds.append(y[new].assign(coder=POOLED_SLOTS[1]))
        counts.append(int(new.sum()))
    slots = pd.concat([*firsts, *seconds], ignore_index=True)
    slots.attrs.update(coding.attrs)
    table = agreement(slots, *POOLED_SLOTS, themes, n_boot=n_boot, level=level, random_state=random_state)
    types = dict(zip(coding["coder"], coding.get("coder_type", pd.Series(["unknown"] * len(coding)))))
    table.attrs["pairs"] = [{"coder_a": a, "coder_b": b, "coder_type_a": types.get(a, "unknown"),
                             "coder_type_b": types.get(b, "unknown"), "n_turns": n}
                            for (a, b), n in zip(pairs, counts)]
    return table
