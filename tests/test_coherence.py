"""NPMI and UMass coherence against values computed by hand."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.models.coherence import npmi_coherence, umass_coherence

# Four documents, three terms a, b, c (counts above 1 count as presence):
#   doc 1: a b      doc 2: a(x3) b      doc 3: a c      doc 4: b c
# N = 4; D(a) = 3, D(b) = 3, D(c) = 2; D(a,b) = 2, D(a,c) = 1, D(b,c) = 1.
VOCAB = ["a", "b", "c"]
X = sparse.csr_matrix(np.array([[1, 1, 0],
                                [3, 1, 0],
                                [1, 0, 1],
                                [0, 1, 1]]))

# NPMI(a,b) = log((2/4) / (3/4 * 3/4)) / -log(2/4) = log(8/9) / log 2 = -0.169925
# NPMI(a,c) = log((1/4) / (3/4 * 2/4)) / -log(1/4) = log(2/3) / log 4 = -0.292481
# NPMI(b,c) = same as (a,c)                                          = -0.292481
NPMI_AB = math.log(8 / 9) / math.log(2)
NPMI_AC = math.log(2 / 3) / math.log(4)


def test_npmi_by_hand():
    result = npmi_coherence([[0, 1, 2]], X)
    assert result.per_topic[0] == pytest.approx((NPMI_AB + 2 * NPMI_AC) / 3)
    assert result.per_topic[0] == pytest.approx(-0.251629, abs=1e-6)
    assert result.mean == pytest.approx(result.per_topic[0])


def test_npmi_per_topic_and_mean_and_terms_with_vocabulary():
    result = npmi_coherence([["a", "b"], ["a", "c"]], X, vocabulary=VOCAB)
    assert result.per_topic == pytest.approx([NPMI_AB, NPMI_AC])
    assert result.mean == pytest.approx((NPMI_AB + NPMI_AC) / 2)
    # order within a topic does not matter for NPMI
    assert npmi_coherence([["b", "a"]], X, vocabulary=VOCAB).mean == pytest.approx(NPMI_AB)


def test_npmi_accepts_a_top_terms_table():
    table = pd.DataFrame({"topic": [1, 0, 0, 1], "rank": [2, 2, 1, 1], "term": ["c", "b", "a", "a"],
                          "weight": [0.1] * 4})
    assert npmi_coherence(table, X, vocabulary=VOCAB).per_topic == pytest.approx([NPMI_AB, NPMI_AC])


def test_npmi_extremes():
    # x and y always together in half the documents: log(0.5 / 0.25) / log 2 = 1
    # x and z never together: -1 by convention; w in every document with x: both in all -> 1
    m = sparse.csr_matrix(np.array([[1, 1, 0, 1],
                                    [1, 1, 0, 1],
                                    [0, 0, 1, 1],
                                    [0, 0, 1, 1]]))
    assert npmi_coherence([[0, 1]], m).mean == pytest.approx(1.0)
    assert npmi_coherence([[0, 2]], m).mean == -1.0
    everywhere = sparse.csr_matrix(np.ones((3, 2)))
    assert npmi_coherence([[0, 1]], everywhere).mean == 1.0
    # independence: P(x,y) = P(x) P(y) -> 0
    indep = sparse.csr_matrix(np.array([[1, 1], [1, 0], [0, 1], [0, 0]]))
    assert npmi_coherence([[0, 1]], indep).mean == pytest.approx(0.0)


# UMass, topic [a, b, c] (a ranks first):
#   (b | a): log((D(b,a) + 1) / D(a)) = log(3/3) = 0
#   (c | a): log((D(c,a) + 1) / D(a)) = log(2/3)
#   (c | b): log((D(c,b) + 1) / D(b)) = log(2/3)
#   mean per pair = 2 log(2/3) / 3 = -0.270310
# Topic [c, a, b]: (a|c) log(2/2), (b|c) log(2/2), (b|a) log(3/3) -> 0: order matters.
def test_umass_by_hand_and_order_matters():
    assert umass_coherence([["a", "b", "c"]], X, vocabulary=VOCAB).mean == pytest.approx(2 * math.log(2 / 3) / 3)
    assert umass_coherence([[2, 0, 1]], X).mean == pytest.approx(0.0)


def test_umass_undefined_for_absent_top_term():
    m = sparse.csr_matrix(np.array([[1, 0], [1, 0]]))
    with pytest.raises(ValueError, match="occurs in no document"):
        umass_coherence([[1, 0]], m)
    # the absent term ranked second is fine: log((0 + 1) / 2)
    assert umass_coherence([[0, 1]], m).mean == pytest.approx(math.log(1 / 2))


@pytest.mark.parametrize("topics, message", [
    ([[0]], "at least 2"),
    ([[0, 0]], "twice"),
    ([[0, 5]], "outside"),
    ([["a", "b"]], "no vocabulary"),
    ([[0.5, 1]], "neither"),
    ([], "no topics"),
])
def test_bad_topics(topics, message):
    with pytest.raises(ValueError, match=message):
        npmi_coherence(topics, X)


def test_bad_matrices():
    with pytest.raises(ValueError, match="not in the vocabulary"):
        npmi_coherence([["a", "zzz"]], X, vocabulary=VOCAB)
    with pytest.raises(ValueError, match="vocabulary has 2"):
        npmi_coherence([["a", "b"]], X, vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="negative"):
        npmi_coherence([[0, 1]], -X)
    with pytest.raises(ValueError, match="no non-zero"):
        npmi_coherence([[0, 1]], sparse.csr_matrix((3, 3)))
    with pytest.raises(ValueError, match="empty"):
        umass_coherence([[0, 1]], sparse.csr_matrix((0, 3)))
