"""Random streams and resampling weights: the building blocks of every bootstrap here.

The design itself is documented once, in :mod:`analysis.stats`. A replicate is a vector
of weights, one per unit: how many times the unit was drawn. Statistics are then sums
of weighted values, so every replicate of every feature is one matrix product.
"""
from __future__ import annotations

import zlib

import numpy as np

#: Below this many turns an interview gets closed-form intervals, not a bootstrap.
FEW_TURNS = 30


def check_random_state(random_state) -> int:
    """``random_state`` as a non-negative int, or a ValueError."""
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer, not {random_state!r}")
    return int(random_state)


def key_index(key) -> int:
    """A stable 32-bit index for a group's key (a value or a tuple); Python's hash is salted."""
    parts = key if isinstance(key, tuple) else (key,)
    return zlib.crc32("\x1f".join(map(str, parts)).encode("utf-8"))


def stream(random_state: int, key=()) -> np.random.Generator:
    """The random stream of one group: a child of ``SeedSequence(random_state)``.

    ``SeedSequence.spawn`` makes child ``i`` as ``SeedSequence(entropy, spawn_key=(i,))``;
    here the child's index is the group's stable key index instead of its position, so
    a group's numbers do not depend on the order of the groups nor on which other groups
    are in the table (the seed interview gets the same interval in every table).
    """
    root = np.random.SeedSequence(check_random_state(random_state))
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, key_index(key)))
    return np.random.default_rng(child)


def block_length(n: int) -> int:
    """Block length for ``n`` consecutive turns: ``ceil(n ** (1/3))`` (Hall, Horowitz & Jing 1995)."""
    return max(1, int(np.ceil(n ** (1 / 3) - 1e-9)))


def counts_from_indices(idx: np.ndarray, n: int) -> np.ndarray:
    """(replicates x draws) indices in 0..n-1 -> (replicates x n) draw counts."""
    reps = idx.shape[0]
    flat = (idx + n * np.arange(reps)[:, None]).ravel()
    return np.bincount(flat, minlength=reps * n).reshape(reps, n).astype(float)


def block_indices(n: int, n_boot: int, rng: np.random.Generator, length: int | None = None) -> np.ndarray:
    """Circular moving-block bootstrap: (n_boot x n) indices of consecutive runs of turns.

    Blocks of ``length`` turns (default :func:`block_length`) start anywhere, wrap at
    the end (Politis & Romano 1992, so every turn is equally likely), and are laid end
    to end until ``n`` turns are drawn. ``length=1`` is the ordinary bootstrap of turns.
    """
    length = min(n, block_length(n) if length is None else int(length))
    if length < 1:
        raise ValueError(f"block length must be at least 1, not {length}")
    n_blocks = -(-n // length)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    return ((starts[:, :, None] + np.arange(length)) % n).reshape(n_boot, -1)[:, :n]


def block_weights(n: int, n_boot: int, rng: np.random.Generator, length: int | None = None) -> np.ndarray:
    """(n_boot x n) draw counts of a circular moving-block bootstrap of ``n`` ordered turns."""
    return counts_from_indices(block_indices(n, n_boot, rng, length), n)


def cluster_weights(n_clusters: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot x n_clusters) draw counts of clusters drawn with replacement (first stage)."""
    return counts_from_indices(rng.integers(0, n_clusters, size=(n_boot, n_clusters)), n_clusters)


def within_weights(codes: np.ndarray, n_boot: int, rng: np.random.Generator, length: int | None = None) -> np.ndarray:
    """(n_boot x N) block draw counts of turns, resampled within each code (interview).

    ``codes``: the interview of each turn (turns in order within each interview).
    Interviews are visited in sorted order of their code.
    """
    codes = np.asarray(codes)
    weights = np.zeros((n_boot, len(codes)))
    for code in np.unique(codes):
        pos = np.flatnonzero(codes == code)
        weights[:, pos] = block_weights(len(pos), n_boot, rng, length)
    return weights


def percentile(replicates: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of replicates (rows), ignoring NaN replicates."""
    alpha = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(replicates, [alpha, 1 - alpha], axis=0)
    return lo, hi


def bootstrap_p_value(replicates: np.ndarray) -> np.ndarray:
    """Two-sided percentile-bootstrap p-value of "the statistic is 0": 2 min(P(rep <= 0), P(rep >= 0)).

    Its resolution is 1 / n_boot (Davison & Hinkley 1997, sec. 4.4).
    """
    valid = np.isfinite(replicates).sum(axis=0)
    below = (replicates <= 0).sum(axis=0) / np.maximum(valid, 1)
    above = (replicates >= 0).sum(axis=0) / np.maximum(valid, 1)
    return np.minimum(1.0, 2 * np.minimum(below, above))
