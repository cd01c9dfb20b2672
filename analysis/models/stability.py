"""Topic stability: do runs with different random seeds find the same topics?

A topic model is fitted from a random start, so two runs can return different topics,
in a different order. To compare two runs we pair each topic of one with a topic of
the other and measure how alike the pairs are, following the matching step of
Greene, O'Callaghan & Cunningham (2014):

1. similarity of two topics = cosine of their topic-term weight vectors (1 = same
   direction, 0 = no shared term; the scale of the weights does not matter, so NMF
   weights and LDA pseudo-counts can be used as they are);
2. the one-to-one pairing that maximises the total similarity, found with the Hungarian
   algorithm (Kuhn 1955; ``scipy.optimize.linear_sum_assignment``);
3. agreement of the two runs = the mean similarity of the matched pairs.

Stability of a set of runs is the mean agreement over all pairs of runs.

Against chance: even unrelated topics share common terms, so a matched cosine means
something only above what unmatched topics reach. :func:`chance_similarities` collects
the cosines of the topic pairs the matching did *not* pair (the chance baseline, about
0.6 for LDA here); :func:`topic_replication` calls a topic of one run *replicated* in
another run when its matched cosine exceeds the 95th percentile of that baseline, and
reports each topic's replication over the other runs, so unreplicated topics can be
marked.

Difference from Greene et al.: they compare the *top-t term lists* of topics with an
average Jaccard score and perturb the *documents* (random subsamples); here the whole
topic-term vectors are compared by cosine and the runs differ by *seed* only, so the
number says how much the topics depend on the random start, not on which documents were
sampled.

References
----------
Greene, D., O'Callaghan, D., & Cunningham, P. (2014). How many topics? Stability
    analysis for topic models. ECML PKDD 2014, LNCS 8724, 498-513.
Kuhn, H. W. (1955). The Hungarian method for the assignment problem. Naval Research
    Logistics Quarterly, 2, 83-97.
"""
from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment


class Stability(NamedTuple):
    """Mean agreement over all pairs of runs, and one row per pair of runs."""

    mean: float
    per_pair: pd.DataFrame  # columns run_a, run_b, similarity (mean matched cosine)


def _as_components(components, name: str) -> np.ndarray:
    array = np.asarray(components, dtype=float)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a topics x terms matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite weights")
    return array


def cosine_matrix(components_a, components_b) -> np.ndarray:
    """Cosine similarity of every topic of ``a`` (rows) with every topic of ``b`` (columns).

    A topic whose weights are all zero (NMF can leave one empty) has no direction; its
    similarity with anything is 0.
    """
    a = _as_components(components_a, "components_a")
    b = _as_components(components_b, "components_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"the runs have {a.shape[1]} and {b.shape[1]} terms; "
                         "fit them on the same document-term matrix")
    norm_a = np.linalg.norm(a, axis=1, keepdims=True)
    norm_b = np.linalg.norm(b, axis=1, keepdims=True)
    a = np.divide(a, norm_a, out=np.zeros_like(a), where=norm_a > 0)
    b = np.divide(b, norm_b, out=np.zeros_like(b), where=norm_b > 0)
    return np.clip(a @ b.T, -1.0, 1.0)


def match_topics(components_a, components_b) -> tuple[np.ndarray, np.ndarray]:
    """Best one-to-one pairing of the topics of two runs.

    Returns ``pairs``, an array of ``(topic in a, topic in b)`` rows ordered by the
    topic in ``a``, and ``similarities``, the cosine of each pair. If the runs have
    different numbers of topics, only the smaller number is paired.
    """
    similarity = cosine_matrix(components_a, components_b)
    rows, columns = linear_sum_assignment(similarity, maximize=True)
    return np.column_stack([rows, columns]), similarity[rows, columns]


def stability(runs) -> Stability:
    """Mean matched cosine similarity over all pairs of runs (see the module docstring).

    ``runs``: a list of topics x terms matrices (``components_`` of fitted models), at
    least two, all over the same terms. With ``r`` runs there are ``r (r - 1) / 2`` pairs.
    """
    runs = [_as_components(run, f"run {i}") for i, run in enumerate(runs)]
    if len(runs) < 2:
        raise ValueError(f"stability needs at least 2 runs, got {len(runs)}; fit with more seeds")
    rows = []
    for i, j in combinations(range(len(runs)), 2):
        _, similarities = match_topics(runs[i], runs[j])
        rows.append({"run_a": i, "run_b": j, "similarity": float(similarities.mean())})
    per_pair = pd.DataFrame(rows)
    return Stability(float(per_pair["similarity"].mean()), per_pair)


def chance_similarities(runs) -> np.ndarray:
    """Cosines of every unmatched topic pair over all pairs of runs: the chance baseline."""
    runs = [_as_components(run, f"run {i}") for i, run in enumerate(runs)]
    values = []
    for i, j in combinations(range(len(runs)), 2):
        similarity = cosine_matrix(runs[i], runs[j])
        rows, columns = linear_sum_assignment(similarity, maximize=True)
        unmatched = np.ones(similarity.shape, bool)
        unmatched[rows, columns] = False
        values.append(similarity[unmatched])
    return np.concatenate(values) if values else np.array([])


def topic_replication(runs, reference: int = 0, *, quantile: float = 0.95) -> pd.DataFrame:
    """Does each topic of run ``reference`` reappear in the other runs, beyond chance?

    Threshold: the ``quantile`` of :func:`chance_similarities` over all runs. One row per
    topic of the reference run: ``topic``, ``min_cosine`` and ``mean_cosine`` (its
    matched cosine in the other runs), ``n_replicated`` (other runs where it exceeds the
    threshold), ``n_other``, ``replicated`` (in every other run) and ``threshold``.
    """
    runs = [_as_components(run, f"run {i}") for i, run in enumerate(runs)]
    if len(runs) < 2:
        raise ValueError("replication needs at least 2 runs")
    threshold = float(np.quantile(chance_similarities(runs), quantile))
    matched = []
    for j, run in enumerate(runs):
        if j == reference:
            continue
        pairs, similarities = match_topics(runs[reference], run)
        by_topic = np.full(runs[reference].shape[0], np.nan)
        by_topic[pairs[:, 0]] = similarities
        matched.append(by_topic)
    matched = np.array(matched)
    n_rep = (matched > threshold).sum(axis=0)
    return pd.DataFrame({"topic": [f"T{t}" for t in range(matched.shape[1])], "min_cosine": matched.min(axis=0),
                         "mean_cosine": matched.mean(axis=0), "n_replicated": n_rep, "n_other": len(matched),
                         "replicated": n_rep == len(matched), "threshold": threshold})
