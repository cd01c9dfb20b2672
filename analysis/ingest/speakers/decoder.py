"""Two-state sequence decoding (host / guest): Viterbi path and forward-backward posteriors.

The classifier gives, for each block of words, a calibrated probability ``p_t(s | x_t)``
that speaker ``s`` talks there. Read on its own, each block flips whenever the words are
ambiguous; a conversation, however, changes speaker rarely. A two-state hidden Markov
model joins the two (the "hybrid" use of a classifier inside an HMM: Bourlard and Morgan
1994, *Connectionist Speech Recognition*, ch. 7):

* **emissions**: ``log p_t(s | x_t) - log p(s)``, the classifier's posterior divided by the
  class prior, which is proportional to the likelihood ``p(x_t | s)`` (Bayes' rule);
* **transitions**: ``A[r, s] = P(s_t = s | s_{t-1} = r)``, estimated on the training
  episodes' block labels by counting changes (maximum likelihood with add-one smoothing;
  :func:`fit_transitions`). The *switching cost* of leaving ``r`` is
  ``log A[r, r] - log A[r, 1 - r]``: how much more evidence a change of speaker needs;
* **start**: the class priors.

:func:`viterbi` returns the most probable state sequence (Viterbi 1967; Rabiner 1989,
"A tutorial on hidden Markov models", eqs. 30-35), in log space; ties go to the lower
state index (host). :func:`posteriors` runs the forward-backward recursions (Rabiner
1989, eqs. 18-27) with per-step normalisation and gives ``P(s_t = s | all blocks)``,
the confidence reported with each attributed turn.

``hmmlearn`` was considered: it fits its own emission models (Gaussian, multinomial) and
has no public way to take emission scores from an outside classifier, so this small
decoder is used instead; ``tests/test_speakers.py`` checks it against a hand-worked example.
"""
from __future__ import annotations

import numpy as np


def _check(log_emission, log_trans, log_start):
    log_emission = np.asarray(log_emission, dtype=float)
    log_trans = np.asarray(log_trans, dtype=float)
    log_start = np.asarray(log_start, dtype=float)
    if log_emission.ndim != 2 or log_emission.shape[1] != 2:
        raise ValueError(f"log_emission must have shape (n, 2), got {log_emission.shape}")
    if log_trans.shape != (2, 2) or log_start.shape != (2,):
        raise ValueError(f"log_trans must be (2, 2) and log_start (2,), got {log_trans.shape} and {log_start.shape}")
    return log_emission, log_trans, log_start


def viterbi(log_emission, log_trans, log_start) -> np.ndarray:
    """The most probable state path (0 = host, 1 = guest) of an ``(n, 2)`` array of log emissions."""
    log_emission, log_trans, log_start = _check(log_emission, log_trans, log_start)
    n = len(log_emission)
    if n == 0:
        return np.zeros(0, dtype=int)
    score = log_start + log_emission[0]
    back = np.zeros((n, 2), dtype=int)
    for t in range(1, n):
        candidates = score[:, None] + log_trans          # [from, to]
        back[t] = np.argmax(candidates, axis=0)           # argmax: first (host) on ties
        score = candidates[back[t], [0, 1]] + log_emission[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(score))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def posteriors(log_emission, log_trans, log_start) -> np.ndarray:
    """``(n, 2)`` array of ``P(state_t = s | all observations)`` (scaled forward-backward)."""
    log_emission, log_trans, log_start = _check(log_emission, log_trans, log_start)
    n = len(log_emission)
    if n == 0:
        return np.zeros((0, 2))
    emission = np.exp(log_emission - log_emission.max(axis=1, keepdims=True))
    trans, start = np.exp(log_trans), np.exp(log_start)
    alpha = np.zeros((n, 2))
    alpha[0] = start * emission[0]
    alpha[0] /= alpha[0].sum()
    for t in range(1, n):
        alpha[t] = (alpha[t - 1] @ trans) * emission[t]
        alpha[t] /= alpha[t].sum()
    beta = np.ones((n, 2))
    for t in range(n - 2, -1, -1):
        beta[t] = trans @ (emission[t + 1] * beta[t + 1])
        beta[t] /= beta[t].sum()
    post = alpha * beta
    return post / post.sum(axis=1, keepdims=True)


def fit_transitions(label_sequences) -> np.ndarray:
    """``2 x 2`` transition matrix from state sequences (counts + 1, rows normalised)."""
    counts = np.ones((2, 2))
    for labels in label_sequences:
        labels = np.asarray(labels, dtype=int)
        np.add.at(counts, (labels[:-1], labels[1:]), 1)
    return counts / counts.sum(axis=1, keepdims=True)


def switching_costs(trans) -> np.ndarray:
    """``log A[r, r] - log A[r, 1 - r]`` for r = host, guest (nats of evidence a change needs)."""
    trans = np.asarray(trans, dtype=float)
    return np.log(np.diag(trans)) - np.log(trans[[0, 1], [1, 0]])


def scaled_transitions(trans, switch_scale: float = 1.0) -> np.ndarray:
    """Transitions whose switching costs are ``switch_scale`` times those of ``trans``.

    ``P(leave r) = 1 / (1 + exp(switch_scale * cost_r))``; a scale of 1 returns ``trans``.
    """
    costs = switch_scale * switching_costs(trans)
    leave = 1.0 / (1.0 + np.exp(costs))
    return np.array([[1 - leave[0], leave[0]], [leave[1], 1 - leave[1]]])


def hybrid_emissions(p_guest, prior_guest: float, prior_weight: float = 1.0) -> np.ndarray:
    """Log emissions ``log p(s | x) - prior_weight * log p(s)`` from calibrated guest probabilities.

    ``prior_weight = 1`` is the hybrid likelihood of the module docstring; 0 uses the
    posteriors as they are (chosen on validation episodes, see ``train.py``).
    """
    p = np.clip(np.asarray(p_guest, dtype=float), 1e-6, 1 - 1e-6)
    prior = np.array([1 - prior_guest, prior_guest])
    return np.log(np.column_stack([1 - p, p])) - prior_weight * np.log(prior)


def decode(p_guest, trans, prior_guest: float, *, prior_weight: float = 1.0,
           switch_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(states, confidence)``: the Viterbi path and the posterior of the state it chose."""
    emissions = hybrid_emissions(p_guest, prior_guest, prior_weight)
    log_trans = np.log(scaled_transitions(trans, switch_scale))
    log_start = np.log([1 - prior_guest, prior_guest])
    states = viterbi(emissions, log_trans, log_start)
    post = posteriors(emissions, log_trans, log_start)
    return states, post[np.arange(len(states)), states]
