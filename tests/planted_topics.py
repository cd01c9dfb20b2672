"""A synthetic document-term matrix with two planted topics, shared by the topic-model tests."""
import numpy as np
from scipy import sparse

VOCAB = [f"w{i}" for i in range(12)]
TOPIC_A, TOPIC_B = set(VOCAB[:6]), set(VOCAB[6:])


def planted(n_docs=60, random_state=0):
    """Half the documents use only terms w0-w5, the other half only w6-w11."""
    rng = np.random.default_rng(random_state)
    counts = np.zeros((n_docs, 12), dtype=np.int64)
    for d in range(n_docs):
        columns = np.arange(6) if d < n_docs // 2 else np.arange(6, 12)
        counts[d, rng.choice(columns, size=4, replace=False)] = rng.integers(1, 4, size=4)
    return sparse.csr_matrix(counts)
