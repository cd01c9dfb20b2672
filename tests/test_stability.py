"""Topic matching (cosine + Hungarian) and stability across runs."""
from itertools import permutations

import numpy as np
import pytest

from analysis.models.stability import cosine_matrix, match_topics, stability

RNG = np.random.default_rng(0)
RUN = RNG.random((4, 30))


def test_identical_runs():
    pairs, sims = match_topics(RUN, RUN)
    assert pairs.tolist() == [[0, 0], [1, 1], [2, 2], [3, 3]]
    assert sims == pytest.approx(1.0)
    result = stability([RUN, RUN, RUN])
    assert result.mean == pytest.approx(1.0)
    assert result.per_pair[["run_a", "run_b"]].values.tolist() == [[0, 1], [0, 2], [1, 2]]


def test_permuted_and_rescaled_topics_are_matched():
    order = [2, 0, 3, 1]
    other = RUN[order] * np.array([[3.0], [0.5], [10.0], [1.0]])  # cosine ignores scale
    pairs, sims = match_topics(RUN, other)
    # topic i of RUN is row order.index(i) of other
    assert pairs.tolist() == [[i, order.index(i)] for i in range(4)]
    assert sims == pytest.approx(1.0)
    assert stability([RUN, other]).mean == pytest.approx(1.0)


def test_orthogonal_runs_score_zero():
    a = np.eye(6)[:3]  # topics on terms 0, 1, 2
    b = np.eye(6)[3:]  # topics on terms 3, 4, 5
    assert match_topics(a, b)[1] == pytest.approx(0.0)
    assert stability([a, b]).mean == pytest.approx(0.0)


def test_matching_is_optimal_not_greedy():
    # Brute force over all 5! pairings; on this draw the greedy pairing (best pair first)
    # is worse, so the test would catch a greedy implementation.
    rng = np.random.default_rng(3)
    a, b = rng.random((5, 8)) ** 4, rng.random((5, 8)) ** 4
    sim = cosine_matrix(a, b)
    best = max(sum(sim[i, p[i]] for i in range(5)) for p in permutations(range(5)))
    greedy, free_a, free_b = 0.0, set(range(5)), set(range(5))
    while free_a:
        i, j = max(((i, j) for i in free_a for j in free_b), key=lambda ij: sim[ij])
        greedy += sim[i, j]
        free_a.remove(i)
        free_b.remove(j)
    assert greedy < best - 1e-6
    pairs, sims = match_topics(a, b)
    assert sims.sum() == pytest.approx(best)
    assert sorted(pairs[:, 1]) == list(range(5))


def test_hand_computed_pair_mean():
    # cos([1,1,0],[1,0,0]) = 1/sqrt(2); cos([0,0,1],[0,0,2]) = 1 -> mean (0.7071 + 1) / 2
    a = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    b = np.array([[0.0, 0.0, 2.0], [1.0, 0.0, 0.0]])
    pairs, sims = match_topics(a, b)
    assert pairs.tolist() == [[0, 1], [1, 0]]
    assert stability([a, b]).mean == pytest.approx((1 / np.sqrt(2) + 1) / 2)


def test_zero_topic_has_similarity_zero():
    a = np.array([[0.0, 0.0], [1.0, 0.0]])
    assert cosine_matrix(a, a)[0].tolist() == [0.0, 0.0]


def test_errors():
    with pytest.raises(ValueError, match="at least 2 runs"):
        stability([RUN])
    with pytest.raises(ValueError, match="same document-term matrix"):
        match_topics(RUN, RUN[:, :10])
    with pytest.raises(ValueError, match="topics x terms"):
        match_topics(RUN[0], RUN)
    with pytest.raises(ValueError, match="NaN"):
        stability([RUN, np.full_like(RUN, np.nan)])


def test_chance_baseline_and_per_topic_replication_by_hand():
    from analysis.models.stability import chance_similarities, topic_replication
    run_a = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    run_b = np.array([[0, 1.0, 0], [1.0, 0, 0], [0, 0.6, 0.8]])       # topic 2 of a: cosine 0.8 with its match
    chance = chance_similarities([run_a, run_b])
    # unmatched pairs: 6 of the 9 cosines; their values 0, 0, 0, 0, 0.6 and 0
    assert sorted(np.round(chance, 6)) == [0, 0, 0, 0, 0, 0.6]
    table = topic_replication([run_a, run_b], reference=0).set_index("topic")
    assert table["threshold"].iloc[0] == pytest.approx(np.quantile(chance, 0.95))
    assert table.loc["T0", "replicated"] and table.loc["T1", "replicated"]
    assert table.loc["T2", "min_cosine"] == pytest.approx(0.8) and table.loc["T2", "replicated"]
    low = topic_replication([run_a, run_b], quantile=1.0)          # threshold 0.6 still below 0.8
    assert low["replicated"].all()
