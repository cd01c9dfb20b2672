"""A linear-chain conditional random field over words: roles and turn starts learned jointly.

Each word gets one of four labels: ``H`` (host, inside a turn), ``G`` (guest, inside a
turn), ``Hs`` and ``Gs`` (the first word of a host or guest turn). A turn-start label is
followed by the inside label of the same role or by the other role's start (a one-word
turn); an inside label by itself or by the other role's start; every other transition is
forbidden (:data:`ALLOWED`). With start labels the chain's change-of-speaker score depends
on the words around the gap (the gap tokens of :func:`analysis.ingest.speakers.features.sequence_tokens`
are weighed for ``Hs``/``Gs``), which a plain two-label chain cannot express: its
transitions do not see the words (Lafferty, McCallum and Pereira 2001, "Conditional random
fields", section 2; the begin/inside coding of Ramshaw and Marcus 1995).

Features of word ``t`` (all weighed per label):

* the tokens of :func:`~analysis.ingest.speakers.features.sequence_tokens`: the last one to
  three words before it, the first one to three from it, pairs across the gap, the word;
* ``block``: the raw score of the block classifier (:mod:`analysis.ingest.speakers.classifier`,
  a 45-word window) of the block holding ``t``, which carries the long-range evidence. In
  training, each episode's scores come from a block classifier fitted without its
  episode's group (out-of-fold, ``GroupKFold``), so that the CRF learns how far such a
  score can be trusted on unseen episodes (stacking, Wolpert 1992).

Training maximises the L2-penalised conditional log-likelihood with L-BFGS (CRFsuite,
Okazaki 2007, through ``python-crfsuite``; single-threaded, no random state, so the same
data give the same weights). Only the ``max_tokens`` tokens with the largest weight
magnitude are kept (sorted by magnitude then name, so the cut is deterministic), which
keeps the model file small. Decoding (:func:`decode`) is Viterbi over the four labels with
the repository's own decoder (:func:`analysis.ingest.speakers.decoder.viterbi`), after
adding ``start_offset`` to the start labels' scores (a bias toward turn starts chosen on
validation episodes: likelihood training finds too few of them); the confidence of a
word is the forward-backward marginal of its role (summed over inside and start labels).
"""
from __future__ import annotations

import os
import tempfile

import numpy as np

from analysis.ingest.speakers.decoder import posteriors, viterbi

LABELS = ("H", "G", "Hs", "Gs")
#: Role code (0 host, 1 guest) of each label, and which labels start a turn.
LABEL_ROLES = np.array([0, 1, 0, 1])
STARTS = np.array([False, False, True, True])
ALLOWED = {("H", "H"), ("H", "Gs"), ("G", "G"), ("G", "Hs"), ("Hs", "H"), ("Hs", "Gs"), ("Gs", "G"), ("Gs", "Hs")}
BLOCK_FEATURE = "block"
C2 = 1.0
ITERATIONS = 300
MIN_FREQ = 3
MAX_TOKENS = 40000


def crf_labels(roles) -> list[str]:
    """The four-label coding of a role sequence (rules in the module docstring)."""
    roles = np.asarray(roles, dtype=int)
    out = []
    for t, role in enumerate(roles):
        start = t == 0 or role != roles[t - 1]
        out.append(LABELS[int(role) + (2 if start else 0)])
    return out


def roles_of(label_indices) -> np.ndarray:
    return LABEL_ROLES[np.asarray(label_indices, dtype=int)]


def _items(tokens: list[str], block_scores: np.ndarray) -> list[dict]:
    return [{**{token: 1.0 for token in text.split()}, BLOCK_FEATURE: float(score)}
            for text, score in zip(tokens, block_scores)]


def fit_crf(token_lists, score_lists, role_lists, *, c2: float = C2, iterations: int = ITERATIONS,
            min_freq: int = MIN_FREQ, max_tokens: int = MAX_TOKENS) -> dict:
    """Train the CRF; return ``{"vocabulary", "weights" (V x 4), "block_weight" (4), "transitions" (4 x 4)}``.

    ``token_lists[i]``: :func:`~analysis.ingest.speakers.features.sequence_tokens` of episode ``i``;
    ``score_lists[i]``: its per-word block scores; ``role_lists[i]``: its true roles.
    Forbidden transitions are ``-inf``.
    """
    import pycrfsuite  # training only (maintainers): attribution reads the stored weights with numpy

    trainer = pycrfsuite.Trainer(verbose=False)
    for tokens, scores, roles in zip(token_lists, score_lists, role_lists):
        trainer.append(pycrfsuite.ItemSequence(_items(tokens, scores)), crf_labels(roles))
    trainer.set_params({"c1": 0.0, "c2": c2, "max_iterations": iterations, "feature.minfreq": min_freq,
                        "feature.possible_transitions": True})
    index = {label: i for i, label in enumerate(LABELS)}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "speakers.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        tagger.close()
    weights: dict[str, np.ndarray] = {}
    for (attribute, label), w in info.state_features.items():
        weights.setdefault(attribute, np.zeros(len(LABELS)))[index[label]] = w
    block_weight = weights.pop(BLOCK_FEATURE, np.zeros(len(LABELS)))
    kept = sorted(weights, key=lambda a: (-float(np.abs(weights[a]).max()), a))[:max_tokens]
    vocabulary = sorted(kept)
    transitions = np.full((len(LABELS), len(LABELS)), -np.inf)
    for (a, b) in ALLOWED:
        transitions[index[a], index[b]] = 0.0
    for (a, b), w in info.transitions.items():
        if (a, b) in ALLOWED:
            transitions[index[a], index[b]] = w
    return {"vocabulary": vocabulary, "weights": np.array([weights[a] for a in vocabulary]).reshape(-1, len(LABELS)),
            "block_weight": np.asarray(block_weight, dtype=float), "transitions": transitions}


def emissions(token_matrix, weights, word_block_scores, block_weight, start_offset: float = 0.0) -> np.ndarray:
    """``(n, 4)`` label scores per word: token weights, block score times its weights, start bias."""
    out = np.asarray(token_matrix @ np.asarray(weights, dtype=float))
    out = out + np.outer(np.asarray(word_block_scores, dtype=float), np.asarray(block_weight, dtype=float))
    out[:, STARTS] += start_offset
    return out


def decode(emission, transitions, *, confidence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """``(roles, confidence)``: the Viterbi label path mapped to roles, and each word's role marginal."""
    emission = np.asarray(emission, dtype=float)
    start = np.zeros(len(LABELS))
    labels = viterbi(emission, transitions, start)
    roles = roles_of(labels)
    if not confidence:
        return roles, None
    post = posteriors(emission, transitions, start)
    role_post = np.column_stack([post[:, LABEL_ROLES == 0].sum(axis=1), post[:, LABEL_ROLES == 1].sum(axis=1)])
    return roles, role_post[np.arange(len(roles)), roles]
