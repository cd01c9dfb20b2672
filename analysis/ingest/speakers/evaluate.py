"""How well roles are recovered: word accuracy, macro F1 and turn-boundary scores, with intervals.

Definitions (all on held-out episodes, words of the interview proper):

* **word accuracy**: share of words whose predicted role (host/guest) is the true one;
* **macro F1**: the mean over the two roles of the F1 of that role (Sokolova and Lapalme
  2009, "A systematic analysis of performance measures for classification tasks");
* **guest-turn boundaries**: the word positions where a guest turn starts or ends (with
  two roles, every change of role). A predicted boundary is a hit when it is paired with
  a true one at most ``tolerance`` (10) words away, each true boundary paired at most
  once; pairs are made left to right, the earliest unpaired true boundary in reach
  first, which gives a maximum matching for points on a line with a symmetric window
  (the onset-detection convention of mir_eval, Raffel et al. 2014). Precision = hits /
  predicted, recall = hits / true, F1 their harmonic mean.

The **long-turn** boundary scores ask the same of turns of at least ``MIN_TURN`` (10) words:
shorter runs (a "yeah" or "right" inside the other speaker's turn) are first given to
the turn around them, in the truth and in the prediction alike (:func:`merge_short_runs`).
They say whether the model finds the substantive exchanges; the plain scores stay the
primary ones.

The plain boundary scores are also **split by turn length** (same matching, nothing
merged): a boundary is *short* when the turn it opens or the turn it closes has fewer than
``MIN_TURN`` words (an interjection), else *10+*. Recall of a class counts its true
boundaries that were paired, precision of a class its predicted boundaries (classed by
the predicted turns' lengths) that were paired; F1 is their harmonic mean. The headline
boundary F1 is unchanged; the split only shows where the misses and false alarms are.

Pooled scores sum the counts over episodes (micro); the interval of each pooled score is
the 2.5-97.5 percentile range over ``n_boot`` bootstrap resamples *of episodes* (Efron
and Tibshirani 1993, ch. 13; episodes, not words, are the independent units).

Baselines: **all guest** (every word to the guest) and **question-free heuristic**
(:func:`heuristic_roles`), which needs no question marks: a block whose 15-word window
holds an auxiliary-plus-"you" opening ("do you", "would you") or a question word followed
by "you" within two words is the host's; everything else the guest's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.ingest.speakers.dataset import load_episodes
from analysis.ingest.speakers.features import AUXILIARIES, BLOCK, QUESTION_WORDS, block_texts

TOLERANCE = 10
MIN_TURN = 10
SPLITS = ("short_turns", "turns_10plus")
METRICS = ("accuracy", "macro_f1", "boundary_precision", "boundary_recall", "boundary_f1",
           "long_turn_boundary_precision", "long_turn_boundary_recall", "long_turn_boundary_f1",
           *(f"boundary_{m}_{split}" for split in SPLITS for m in ("precision", "recall", "f1")))
COUNT_COLUMNS = ("words", "tp_guest", "tp_host", "fp_guest", "fp_host", "true_boundaries", "predicted_boundaries",
                 "boundary_hits", "long_true_boundaries", "long_predicted_boundaries", "long_boundary_hits",
                 *(f"{kind}_{split}" for split in SPLITS
                   for kind in ("true", "true_hit", "predicted", "predicted_hit")))


def boundaries(roles) -> np.ndarray:
    """Word positions where the role changes (a turn starts there)."""
    roles = np.asarray(roles)
    return np.flatnonzero(roles[1:] != roles[:-1]) + 1


def match_pairs(true, predicted, tolerance: int = TOLERANCE) -> list[tuple[int, int]]:
    """One-to-one pairs ``(i, j)`` of sorted ``true[i]`` and ``predicted[j]`` within ``tolerance`` words."""
    true, predicted = np.sort(np.asarray(true)), np.sort(np.asarray(predicted))
    pairs, i = [], 0
    for j, p in enumerate(predicted):
        while i < len(true) and true[i] < p - tolerance:
            i += 1
        if i < len(true) and abs(true[i] - p) <= tolerance:
            pairs.append((i, j))
            i += 1
    return pairs


def match_boundaries(true, predicted, tolerance: int = TOLERANCE) -> int:
    """Number of one-to-one pairs within ``tolerance`` words (greedy left to right; see docstring)."""
    return len(match_pairs(true, predicted, tolerance))


def short_boundaries(roles, min_words: int = MIN_TURN) -> np.ndarray:
    """For each boundary of ``roles`` (in order): does the turn it opens or closes have < ``min_words`` words?"""
    roles = np.asarray(roles)
    cuts = np.r_[0, boundaries(roles), len(roles)]
    lengths = np.diff(cuts)
    return np.minimum(lengths[:-1], lengths[1:]) < min_words


def merge_short_runs(roles, min_words: int = MIN_TURN) -> np.ndarray:
    """Roles with every inner run shorter than ``min_words`` given to the run before it."""
    roles = np.array(roles, dtype=int)
    cuts = np.r_[0, boundaries(roles), len(roles)]
    for a, b in zip(cuts[:-1], cuts[1:]):
        if a > 0 and b < len(roles) and b - a < min_words:
            roles[a:b] = roles[a - 1]
    return roles


def episode_counts(true_roles, predicted_roles, tolerance: int = TOLERANCE) -> dict:
    """Sufficient counts of one episode: confusion cells and boundary counts."""
    t, p = np.asarray(true_roles, dtype=int), np.asarray(predicted_roles, dtype=int)
    if t.shape != p.shape:
        raise ValueError(f"{len(t)} true roles but {len(p)} predicted")
    tb, pb = boundaries(t), boundaries(p)
    lt, lp = boundaries(merge_short_runs(t)), boundaries(merge_short_runs(p))
    pairs = match_pairs(tb, pb, tolerance)
    true_hit, predicted_hit = np.zeros(len(tb), bool), np.zeros(len(pb), bool)
    true_hit[[i for i, _ in pairs]], predicted_hit[[j for _, j in pairs]] = True, True
    true_short, predicted_short = short_boundaries(t), short_boundaries(p)
    by_length = {}
    for split, t_in, p_in in (("short_turns", true_short, predicted_short),
                              ("turns_10plus", ~true_short, ~predicted_short)):
        by_length.update({f"true_{split}": int(t_in.sum()), f"true_hit_{split}": int((t_in & true_hit).sum()),
                          f"predicted_{split}": int(p_in.sum()),
                          f"predicted_hit_{split}": int((p_in & predicted_hit).sum())})
    return {**by_length, "long_true_boundaries": len(lt), "long_predicted_boundaries": len(lp),
            "long_boundary_hits": match_boundaries(lt, lp, tolerance),"words": len(t), "tp_guest": int(((t == 1) & (p == 1)).sum()), "tp_host": int(((t == 0) & (p == 0)).sum()),
            "fp_guest": int(((t == 0) & (p == 1)).sum()), "fp_host": int(((t == 1) & (p == 0)).sum()),
            "true_boundaries": len(tb), "predicted_boundaries": len(pb),
            "boundary_hits": match_boundaries(tb, pb, tolerance)}


def _ratio(num, den):
    return float(num / den) if den else float("nan")


def scores(counts: dict) -> dict:
    """The METRICS from (summed) counts."""
    f1 = []
    for role, other in (("guest", "host"), ("host", "guest")):
        tp, fp, fn = counts[f"tp_{role}"], counts[f"fp_{role}"], counts[f"fp_{other}"]
        f1.append(_ratio(2 * tp, 2 * tp + fp + fn) if tp + fp + fn else 1.0)
    out = {"accuracy": _ratio(counts["tp_guest"] + counts["tp_host"], counts["words"]), "macro_f1": float(np.mean(f1))}
    for prefix, key in (("", ""), ("long_turn_", "long_")):
        hits, n_true = counts[f"{key}boundary_hits"], counts[f"{key}true_boundaries"]
        n_pred = counts[f"{key}predicted_boundaries"]
        out.update({f"{prefix}boundary_precision": _ratio(hits, n_pred), f"{prefix}boundary_recall": _ratio(hits, n_true),
                    f"{prefix}boundary_f1": _ratio(2 * hits, n_true + n_pred)})
    for split in SPLITS:
        precision = _ratio(counts[f"predicted_hit_{split}"], counts[f"predicted_{split}"])
        recall = _ratio(counts[f"true_hit_{split}"], counts[f"true_{split}"])
        both = precision == precision and recall == recall       # neither undefined (nan)
        out.update({f"boundary_precision_{split}": precision, f"boundary_recall_{split}": recall,
                    f"boundary_f1_{split}": (_ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0) if both
                    else float("nan")})
    return out


def pooled_with_intervals(per_episode: pd.DataFrame, *, n_boot: int = 2000, random_state: int = 0,
                          level: float = 0.95) -> dict:
    """``{metric: (estimate, low, high)}``: pooled scores and episode-bootstrap percentile intervals."""
    keys = list(COUNT_COLUMNS)
    table = per_episode[keys].to_numpy(dtype=float)
    point = scores(dict(zip(keys, table.sum(axis=0))))
    rng = np.random.default_rng(random_state)
    draws = np.array([[scores(dict(zip(keys, table[idx].sum(axis=0))))[m] for m in METRICS]
                      for idx in rng.integers(0, len(table), (n_boot, len(table)))])
    defined = ~np.isnan(draws).all(axis=0)           # precision of "all guest": no boundary, 0/0
    lo, hi = np.full(len(METRICS), np.nan), np.full(len(METRICS), np.nan)
    lo[defined], hi[defined] = np.nanpercentile(draws[:, defined], [50 * (1 - level), 50 * (1 + level)], axis=0)
    return {m: (point[m], float(lo[i]), float(hi[i])) for i, m in enumerate(METRICS)}


def heuristic_roles(words: list[str]) -> np.ndarray:
    """The question-free baseline (rules in the module docstring), one role code per word."""
    texts = block_texts(words)
    flags = np.zeros(len(texts), dtype=int)
    for i in range(len(texts)):
        window = " ".join(texts[max(0, i - 1):i + 2]).split()
        for j, word in enumerate(window[:-1]):
            if (word in AUXILIARIES and window[j + 1] == "you") or \
                    (word in QUESTION_WORDS and "you" in window[j + 1:j + 3]):
                flags[i] = 1
                break
    return np.repeat(1 - flags, BLOCK)[:len(words)]


def evaluate_episodes(episodes, predict, *, tolerance: int = TOLERANCE) -> pd.DataFrame:
    """One row per episode and method: the counts and scores. ``predict(words) -> role codes``."""
    methods = {"model": predict, "all guest": lambda words: np.ones(len(words), dtype=int),
               "question-free heuristic": heuristic_roles}
    rows = []
    for episode in episodes:
        for method, fn in methods.items():
            counts = episode_counts(episode.stream.roles, fn(episode.stream.words), tolerance)
            rows.append({"episode": episode.episode, "method": method, **counts, **scores(counts)})
    return pd.DataFrame(rows)


def summary_table(per_episode: pd.DataFrame, *, n_boot: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """Pooled scores with intervals over episodes, one row per method and metric."""
    rows = []
    for method, part in per_episode.groupby("method", sort=False):
        for metric, (est, lo, hi) in pooled_with_intervals(part, n_boot=n_boot, random_state=random_state).items():
            rows.append({"method": method, "metric": metric, "estimate": est, "ci_low": lo, "ci_high": hi,
                         "episodes": len(part), "words": int(part["words"].sum())})
    return pd.DataFrame(rows)


def held_out_evaluation(model, root=None, *, n_boot: int = 2000, random_state: int = 0):
    """``(summary, per_episode)`` of ``model`` on the held-out episodes its version lists (needs the archive)."""
    episodes = load_episodes(root, only=model.version["test_episodes"])
    per_episode = evaluate_episodes(episodes, lambda words: model.predict(words, confidence=False)[0])
    return summary_table(per_episode, n_boot=n_boot, random_state=random_state), per_episode
