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
    k = log_start.shape[0] if log_start.ndim == 1 else -1
    if log_emission.ndim != 2 or log_emission.shape[1] != k:
        raise ValueError(f"log_emission must have shape (n, {k}) like log_start, got {log_emission.shape}")
    if log_trans.shape != (k, k):
        raise ValueError(f"log_trans must have shape ({k}, {k}), got {log_trans.shape}")
    return log_emission, log_trans, log_start


def _switch_terms(n: int, log_trans, log_switch, switch_mask):
    """Per-step addition to the transition scores: ``log_switch[t]`` on the ``switch_mask`` entries."""
    if log_switch is None:
        return lambda t: log_trans
    log_switch = np.asarray(log_switch, dtype=float)
    if log_switch.shape != (n,):
        raise ValueError(f"log_switch must have one score per step ({n}), got shape {log_switch.shape}")
    mask = np.asarray(switch_mask, dtype=float)
    if mask.shape != log_trans.shape:
        raise ValueError(f"switch_mask must have the shape of log_trans {log_trans.shape}, got {mask.shape}")
    return lambda t: log_trans + mask * log_switch[t]


def viterbi(log_emission, log_trans, log_start, log_switch=None, switch_mask=None) -> np.ndarray:
    """The most probable state path of an ``(n, k)`` array of log emissions (two states: 0 = host, 1 = guest).

    ``log_switch``: optional score per step added to the transitions marked in
    ``switch_mask`` when entering step ``t`` (time-varying switching, :func:`decode_words`).
    """
    log_emission, log_trans, log_start = _check(log_emission, log_trans, log_start)
    n = len(log_emission)
    step_trans = _switch_terms(n, log_trans, log_switch, switch_mask)
    if n == 0:
        return np.zeros(0, dtype=int)
    score = log_start + log_emission[0]
    k = len(log_start)
    back = np.zeros((n, k), dtype=int)
    columns = np.arange(k)
    for t in range(1, n):
        candidates = score[:, None] + step_trans(t)      # [from, to]
        back[t] = np.argmax(candidates, axis=0)           # argmax: first (host) on ties
        score = candidates[back[t], columns] + log_emission[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(score))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def posteriors(log_emission, log_trans, log_start, log_switch=None, switch_mask=None) -> np.ndarray:
    """``(n, k)`` array of ``P(state_t = s | all observations)`` (scaled forward-backward).

    With ``log_switch`` the transition scores vary by step as in :func:`viterbi`; they are
    then potentials of a linear chain rather than probabilities, and the result is the
    chain's normalised marginal (the same recursions, Lafferty et al. 2001, section 3).
    """
    log_emission, log_trans, log_start = _check(log_emission, log_trans, log_start)
    n, k = log_emission.shape
    if n == 0:
        return np.zeros((0, k))
    step_trans = _switch_terms(n, log_trans, log_switch, switch_mask)
    emission = np.exp(log_emission - log_emission.max(axis=1, keepdims=True))
    start = np.exp(log_start)
    alpha = np.zeros((n, k))
    alpha[0] = start * emission[0]
    alpha[0] /= alpha[0].sum()
    for t in range(1, n):
        alpha[t] = (alpha[t - 1] @ np.exp(step_trans(t))) * emission[t]
        alpha[t] /= alpha[t].sum()
    beta = np.ones((n, k))
    for t in range(n - 2, -1, -1):
        beta[t] = np.exp(step_trans(t + 1)) @ (emission[t + 1] * beta[t + 1])
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


def duration_states(log_trans, min_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """``(log_trans, role)`` of the expanded-state chain that forbids turns shorter than ``min_blocks``.

    Each role ``r`` becomes ``min_blocks`` states ``(r, 1) .. (r, D)`` (state index
    ``r * D + k - 1``) counting the blocks of the current turn: ``(r, k) -> (r, k + 1)``
    with probability 1 for ``k < D``; from ``(r, D)`` the turn goes on (``A[r, r]``) or the
    other role's turn starts in ``(1 - r, 1)`` (``A[r, 1 - r]``). A change of speaker is
    thus only possible after ``D`` blocks of one role: a hidden semi-Markov model whose
    duration law is ``D - 1`` blocks plus a geometric tail (Rabiner 1989, section IV-D;
    Yu 2010, "Hidden semi-Markov models", section 3.1, the expanded-state HMM form).
    ``min_blocks = 1`` is the plain two-state chain. ``role[s]`` is the role of state ``s``.
    """
    log_trans = np.asarray(log_trans, dtype=float)
    if min_blocks < 1:
        raise ValueError(f"min_blocks must be at least 1, not {min_blocks}")
    d = int(min_blocks)
    expanded = np.full((2 * d, 2 * d), -np.inf)
    for r in (0, 1):
        for k in range(d - 1):
            expanded[r * d + k, r * d + k + 1] = 0.0
        expanded[r * d + d - 1, r * d + d - 1] = log_trans[r, r]
        expanded[r * d + d - 1, (1 - r) * d] = log_trans[r, 1 - r]
    return expanded, np.repeat([0, 1], d)


def duration_start(log_start, min_blocks: int) -> np.ndarray:
    """Start in ``(r, D)``: the first turn may be shorter than ``min_blocks`` (it began before the stream)."""
    d = int(min_blocks)
    start = np.full(2 * d, -np.inf)
    start[[d - 1, 2 * d - 1]] = np.asarray(log_start, dtype=float)
    return start


def decode(p_guest, trans, prior_guest: float, *, prior_weight: float = 1.0,
           switch_scale: float = 1.0, min_blocks: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(states, confidence)``: the Viterbi role path and the posterior of the role it chose.

    With ``min_blocks > 1`` every turn but the first and the last lasts at least that many
    blocks (:func:`duration_states`); the confidence is the role's posterior summed over
    its duration states.
    """
    emissions = hybrid_emissions(p_guest, prior_guest, prior_weight)
    log_trans = np.log(scaled_transitions(trans, switch_scale))
    log_start = np.log([1 - prior_guest, prior_guest])
    expanded, role = duration_states(log_trans, min_blocks)
    start = duration_start(log_start, min_blocks)
    emissions = emissions[:, role]
    states = role[viterbi(emissions, expanded, start)]
    post = posteriors(emissions, expanded, start)
    role_post = np.column_stack([post[:, role == 0].sum(axis=1), post[:, role == 1].sum(axis=1)])
    return states, role_post[np.arange(len(states)), states]


def switch_mask(min_steps: int) -> np.ndarray:
    """The entries of :func:`duration_states`' matrix that change the role (``(r, D) -> (1 - r, 1)``)."""
    d = int(min_steps)
    mask = np.zeros((2 * d, 2 * d), dtype=bool)
    mask[d - 1, d] = mask[2 * d - 1, 0] = True
    return mask


def decode_words(log_emission, log_switch, *, min_words: int = 1,
                 confidence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``(roles, confidence)`` per word from role evidence and change-of-speaker evidence.

    The score of a role sequence is the sum of ``log_emission[t, role_t]`` over words plus
    ``log_switch[t]`` for every word ``t`` whose role differs from the previous word's
    (a change of speaker *before* word ``t``): a two-state chain whose switching cost
    varies from gap to gap (a boundary classifier's log-odds, so that "do you think |
    yeah" is cheap to cut and the middle of a sentence is dear). With ``min_words > 1``
    every turn but the first and the last lasts at least ``min_words`` words
    (:func:`duration_states`). Viterbi gives the best sequence; the confidence of a word
    is the posterior of its chosen role (forward-backward on the same chain), or ``None``
    with ``confidence=False``.
    """
    log_emission = np.asarray(log_emission, dtype=float)
    zeros = np.zeros((2, 2))                          # stay: 0; switch: 0 + log_switch[t]
    expanded, role = duration_states(zeros, min_words)
    start = duration_start(np.zeros(2), min_words)
    mask = switch_mask(min_words)
    emissions = log_emission[:, role]
    roles = role[viterbi(emissions, expanded, start, log_switch, mask)]
    if not confidence:
        return roles, None
    post = posteriors(emissions, expanded, start, log_switch, mask)
    role_post = np.column_stack([post[:, role == 0].sum(axis=1), post[:, role == 1].sum(axis=1)])
    return roles, role_post[np.arange(len(roles)), roles]
