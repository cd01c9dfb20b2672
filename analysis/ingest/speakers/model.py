"""The fitted speaker model as a plain JSON file that ships with the package.

``analysis/ingest/speakers/speaker_model.json`` holds only numbers and strings: the
vocabularies with their coefficients, the calibration and decoder parameters, and the
model's version. Reading it is ``json.loads`` plus array building: no pickle, nothing is
executed. Layout (format ``analysis.speakers/3``, :data:`FORMAT`), one feature per line so
that a retrained model diffs line by line:

* ``version``: ``code_version`` (:data:`CODE_VERSION`, bumped whenever features, conversion
  or decoding change), ``training_episodes_sha256`` (:func:`analysis.ingest.speakers.dataset.episode_list_hash`
  of the training episodes), the held-out episodes, the seed, and ``weights_sha256``, the
  sha256 of the canonical JSON of every number below (checked on loading);
* ``window``: block size and half-width (blocks); ``classifier``: the block classifier's
  intercept and Platt's ``a``, ``b``; ``decoder``: guest prior, the CRF's labels, its
  transition weights (``null``: forbidden), the weights of the block score per label, and
  the start offset;
* ``word``: ``[term, w_here, w_left, w_right]``; ``char``: ``[term, w_here]``;
  ``cues``: ``[cue, w_here, w_left, w_right]``; ``position``: four weights (block classifier);
* ``sequence``: ``[token, w_H, w_G, w_Hs, w_Gs]``, the CRF's token weights
  (:func:`~analysis.ingest.speakers.features.sequence_tokens`).

**Decoding** (:meth:`SpeakerModel.predict`). The block classifier's raw score of each word's
block and the word's sequence tokens give four label scores per word
(:func:`analysis.ingest.speakers.crf.emissions`, with the start offset chosen on validation
episodes, ``train.py``); Viterbi over the labels gives the roles, forward-backward the
confidence (:func:`analysis.ingest.speakers.crf.decode`).

The previous formats are still read and written, so that a corpus attributed with them can
be reproduced until the current model is re-applied: ``analysis.speakers/2``
(:data:`FORMAT_GAPS`: ``boundary`` and ``gap`` hold a gap classifier, and ``decoder`` the
two-state word decoder's prior weight, emission scale, switch offset and minimum turn
length, :func:`~analysis.ingest.speakers.decoder.decode_words`) and ``analysis.speakers/1``
(:data:`FORMAT_BLOCKS`: block decoding with a 2 x 2 transition matrix).

Coefficients are rounded to 6 significant digits when written.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.core.textio import InputError, atomic_write_text, read_text
from analysis.ingest.speakers import crf
from analysis.ingest.speakers.classifier import guest_probability
from analysis.ingest.speakers.decoder import decode, decode_words, hybrid_emissions
from analysis.ingest.speakers.features import BLOCK, CUES, Featurizer, GapFeaturizer, sequence_tokens

#: The current format: block classifier plus a linear-chain CRF over words (:mod:`analysis.ingest.speakers.crf`).
FORMAT = "analysis.speakers/3"
#: The second shipped model's format (gap classifier and two-state word decoder): still read and written,
#: so that the corpus attributed with it can be reproduced until the CRF model is re-applied.
FORMAT_GAPS = "analysis.speakers/2"
#: The first shipped model's format (block decoding, no gap classifier): still read and written, so that
#: the corpus attributed with it can be reproduced (``python -m analysis extract``) until it is re-applied.
FORMAT_BLOCKS = "analysis.speakers/1"
#: Version of the conversion, features and decoder code; a model trained by other code is refused.
CODE_VERSION = "speakers-3"
CODE_VERSIONS = {FORMAT: CODE_VERSION, FORMAT_GAPS: "speakers-2", FORMAT_BLOCKS: "speakers-1"}
MODEL_FILE = Path(__file__).with_name("speaker_model.json")


def _round(x) -> float:
    return float(f"{float(x):.6g}")


@dataclass
class SpeakerModel:
    """Everything needed to attribute a caption stream; see the module docstring."""

    half: int
    word_vocabulary: list[str]
    char_vocabulary: list[str]
    coef: np.ndarray
    intercept: float
    a: float
    b: float
    prior_guest: float
    gap_vocabulary: list[str] | None = None
    gap_coef: np.ndarray | None = None
    gap_intercept: float = 0.0
    transitions: np.ndarray | None = None
    switch_scale: float = 1.0
    prior_weight: float = 1.0
    emission_scale: float = 1.0
    switch_offset: float = 0.0
    min_words: int = 1
    crf_vocabulary: list[str] | None = None
    crf_weights: np.ndarray | None = None
    crf_block_weight: np.ndarray | None = None
    crf_transitions: np.ndarray | None = None
    start_offset: float = 0.0
    version: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.coef = np.asarray(self.coef, dtype=float)
        self.featurizer = Featurizer(self.word_vocabulary, self.char_vocabulary, self.half)
        if self.coef.shape != (self.featurizer.n_features,):
            raise ValueError(f"{len(self.coef)} coefficients for {self.featurizer.n_features} features")
        if self.crf_vocabulary is not None:             # the CRF (FORMAT)
            n_labels = len(crf.LABELS)
            self.crf_weights = np.asarray(self.crf_weights, dtype=float).reshape(-1, n_labels)
            self.crf_block_weight = np.asarray(self.crf_block_weight, dtype=float)
            self.crf_transitions = np.asarray(self.crf_transitions, dtype=float)
            if self.crf_weights.shape[0] != len(self.crf_vocabulary):
                raise ValueError(f"{self.crf_weights.shape[0]} CRF weight rows for {len(self.crf_vocabulary)} tokens")
            if self.crf_block_weight.shape != (n_labels,) or self.crf_transitions.shape != (n_labels, n_labels):
                raise ValueError("CRF block weights or transitions of the wrong shape")
            self.crf_featurizer = GapFeaturizer(self.crf_vocabulary)
            return
        if self.gap_vocabulary is None:                 # the first model's block decoding (FORMAT_BLOCKS)
            if self.transitions is None:
                raise ValueError("a model without a gap classifier needs the block decoder's transitions")
            self.transitions = np.asarray(self.transitions, dtype=float)
            return
        self.gap_coef = np.asarray(self.gap_coef, dtype=float)
        self.gap_featurizer = GapFeaturizer(self.gap_vocabulary)
        if self.gap_coef.shape != (len(self.gap_vocabulary),):
            raise ValueError(f"{len(self.gap_coef)} gap coefficients for {len(self.gap_vocabulary)} gap tokens")

    def block_probabilities(self, words: list[str]) -> np.ndarray:
        """Calibrated ``p(guest)`` per block of ``BLOCK`` words."""
        return guest_probability(self.featurizer.transform(words), self.coef, self.intercept, self.a, self.b)

    def block_scores(self, words: list[str]) -> np.ndarray:
        """The block classifier's raw (uncalibrated) score per block: the CRF's ``block`` feature."""
        return self.featurizer.transform(words) @ self.coef + self.intercept

    @property
    def format(self) -> str:
        """:data:`FORMAT` (CRF), :data:`FORMAT_GAPS` (gap classifier) or :data:`FORMAT_BLOCKS` (the first model)."""
        if self.crf_vocabulary is not None:
            return FORMAT
        return FORMAT_BLOCKS if self.gap_vocabulary is None else FORMAT_GAPS

    def crf_emissions(self, words: list[str], block_scores=None, *, start_offset=None) -> np.ndarray:
        """``(n, 4)`` CRF label scores per word (:func:`analysis.ingest.speakers.crf.emissions`)."""
        block_scores = self.block_scores(words) if block_scores is None else block_scores
        per_word = np.repeat(np.asarray(block_scores, dtype=float), BLOCK)[:len(words)]
        tokens = self.crf_featurizer._vectorizer.transform(sequence_tokens(words)).astype(float).tocsr()
        offset = self.start_offset if start_offset is None else start_offset
        return crf.emissions(tokens, self.crf_weights, per_word, self.crf_block_weight, offset)

    def gap_log_odds(self, words: list[str]) -> np.ndarray:
        """The gap classifier's log-odds of a change of speaker before each word."""
        return self.gap_featurizer.transform(words) @ self.gap_coef + self.gap_intercept

    def evidence(self, words: list[str], p_guest=None, gap_log_odds=None, *, prior_weight=None,
                 emission_scale=None, switch_offset=None) -> tuple[np.ndarray, np.ndarray]:
        """``(log_emission, log_switch)`` per word (module docstring); settings default to the model's."""
        p_guest = self.block_probabilities(words) if p_guest is None else p_guest
        gap_log_odds = self.gap_log_odds(words) if gap_log_odds is None else gap_log_odds
        weight = self.prior_weight if prior_weight is None else prior_weight
        scale = self.emission_scale if emission_scale is None else emission_scale
        offset = self.switch_offset if switch_offset is None else switch_offset
        emission = scale * np.repeat(hybrid_emissions(p_guest, self.prior_guest, weight), BLOCK, axis=0)[:len(words)]
        return emission, np.asarray(gap_log_odds, dtype=float) - offset

    def predict(self, words: list[str], *, confidence: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """``(roles, confidence)`` per word: role code (0 host, 1 guest) and the posterior of that role."""
        if not words:
            return np.zeros(0, dtype=int), np.zeros(0)
        if self.format == FORMAT:
            return crf.decode(self.crf_emissions(words), self.crf_transitions, confidence=confidence)
        if self.format == FORMAT_BLOCKS:
            states, conf = decode(self.block_probabilities(words), self.transitions, self.prior_guest,
                                  prior_weight=self.prior_weight, switch_scale=self.switch_scale)
            return np.repeat(states, BLOCK)[:len(words)], np.repeat(conf, BLOCK)[:len(words)]
        emission, switch = self.evidence(words)
        return decode_words(emission, switch, min_words=self.min_words, confidence=confidence)

    # --- storage --------------------------------------------------------------------------

    def _layout(self) -> dict:
        """The coefficient vector split by feature part (the column layout of :class:`Featurizer`)."""
        n_w, n_c, n_q = len(self.word_vocabulary), len(self.char_vocabulary), len(CUES)
        c = self.coef
        here_w, here_c, here_q = c[:n_w], c[n_w:n_w + n_c], c[n_w + n_c:n_w + n_c + n_q]
        o = n_w + n_c + n_q
        left_w, left_q = c[o:o + n_w], c[o + n_w:o + n_w + n_q]
        o += n_w + n_q
        right_w, right_q = c[o:o + n_w], c[o + n_w:o + n_w + n_q]
        position = c[o + n_w + n_q:]
        return {"word": [[t, _round(h), _round(l), _round(r)]
                         for t, h, l, r in zip(self.word_vocabulary, here_w, left_w, right_w)],
                "char": [[t, _round(h)] for t, h in zip(self.char_vocabulary, here_c)],
                "cues": [[q, _round(h), _round(l), _round(r)] for q, h, l, r in zip(CUES, here_q, left_q, right_q)],
                "position": [_round(x) for x in position]}

    def _numbers(self) -> dict:
        if self.format == FORMAT_BLOCKS:
            return {"window": {"block": BLOCK, "half": self.half},
                    "classifier": {"intercept": _round(self.intercept), "a": _round(self.a), "b": _round(self.b)},
                    "decoder": {"transitions": [[_round(x) for x in row] for row in self.transitions],
                                "prior_guest": _round(self.prior_guest), "prior_weight": _round(self.prior_weight),
                                "switch_scale": _round(self.switch_scale)},
                    **self._layout()}
        if self.format == FORMAT:
            transitions = [[None if x == -np.inf else _round(x) for x in row] for row in self.crf_transitions]
            return {"window": {"block": BLOCK, "half": self.half},
                    "classifier": {"intercept": _round(self.intercept), "a": _round(self.a), "b": _round(self.b)},
                    "decoder": {"prior_guest": _round(self.prior_guest), "labels": list(crf.LABELS),
                                "transitions": transitions, "block_weight": [_round(x) for x in self.crf_block_weight],
                                "start_offset": _round(self.start_offset)},
                    **self._layout(),
                    "sequence": [[t, *(_round(x) for x in w)] for t, w in zip(self.crf_vocabulary, self.crf_weights)]}
        return {"window": {"block": BLOCK, "half": self.half},
                "classifier": {"intercept": _round(self.intercept), "a": _round(self.a), "b": _round(self.b)},
                "boundary": {"intercept": _round(self.gap_intercept)},
                "decoder": {"prior_guest": _round(self.prior_guest), "prior_weight": _round(self.prior_weight),
                            "emission_scale": _round(self.emission_scale),
                            "switch_offset": _round(self.switch_offset), "min_words": int(self.min_words)},
                **self._layout(),
                "gap": [[t, _round(w)] for t, w in zip(self.gap_vocabulary, self.gap_coef)]}

    def to_json(self) -> str:
        """The file's text (deterministic: same model, same bytes)."""
        numbers = self._numbers()
        version = {**self.version, "code_version": CODE_VERSIONS[self.format], "weights_sha256": weights_sha256(numbers)}
        head = {"format": self.format, "version": version, "notes": self.notes,
                **{k: numbers[k] for k in ("window", "classifier", "boundary", "decoder") if k in numbers}}
        lines = ["{"]
        for key, value in head.items():
            lines.append(f"{json.dumps(key)}: {json.dumps(value, sort_keys=True, ensure_ascii=False)},")
        lists = [k for k in ("cues", "position", "char", "word", "gap", "sequence") if k in numbers]
        for key in lists:
            rows = numbers[key]
            if key == "position":
                lines.append(f"{json.dumps(key)}: {json.dumps(rows)},")
                continue
            lines.append(f"{json.dumps(key)}: [")
            lines += [json.dumps(row, ensure_ascii=False) + ("," if i < len(rows) - 1 else "")
                      for i, row in enumerate(rows)]
            lines.append("]," if key != lists[-1] else "]")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def save(self, path=None) -> Path:
        path = Path(path or MODEL_FILE)
        atomic_write_text(path, self.to_json())
        return path


def weights_sha256(numbers: dict) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of the model's numbers."""
    canonical = json.dumps(numbers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_model(path=None) -> SpeakerModel:
    """Read a model file; refuse one of another format, code version or with altered numbers."""
    path = Path(path or MODEL_FILE)
    if not path.exists():
        raise InputError(path, "no speaker model file",
                         hint="maintainers train it with `python -m analysis speakers --train`")
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON ({error.msg})", line=error.lineno) from None
    kind = data.get("format")
    if kind not in CODE_VERSIONS:
        raise InputError(path, f"format {kind!r} is none of {', '.join(sorted(CODE_VERSIONS))}")
    version = data.get("version", {})
    if version.get("code_version") != CODE_VERSIONS[kind]:
        raise InputError(path, f"model trained by code version {version.get('code_version')!r}, "
                               f"this code reads {CODE_VERSIONS[kind]!r} for {kind!r}",
                         hint="retrain: `python -m analysis speakers --train`")
    keys = ("window", "classifier", "decoder", "word", "char", "cues", "position")
    keys += ("boundary", "gap") if kind == FORMAT_GAPS else ("sequence",) if kind == FORMAT else ()
    missing = [key for key in keys if key not in data]
    if missing:
        raise InputError(path, f"the model file lacks {', '.join(missing)}",
                         hint="restore it from git or retrain: `python -m analysis speakers --train`")
    numbers = {key: data[key] for key in keys}
    if weights_sha256(numbers) != version.get("weights_sha256"):
        raise InputError(path, "the model's numbers do not match its recorded weights_sha256",
                         hint="the file was edited by hand or damaged; restore it from git or retrain")
    if numbers["window"]["block"] != BLOCK or [q for q, *_ in numbers["cues"]] != list(CUES):
        raise InputError(path, "block size or cue list differ from this code's")
    words, chars = numbers["word"], numbers["char"]
    cues = np.array([row[1:] for row in numbers["cues"]], dtype=float)
    coef = np.concatenate([[w[1] for w in words], [c[1] for c in chars], cues[:, 0],
                           [w[2] for w in words], cues[:, 1], [w[3] for w in words], cues[:, 2],
                           numbers["position"]])
    decoder = numbers["decoder"]
    if kind == FORMAT:
        if decoder["labels"] != list(crf.LABELS):
            raise InputError(path, f"CRF labels {decoder['labels']} differ from this code's {list(crf.LABELS)}")
        return SpeakerModel(half=numbers["window"]["half"], word_vocabulary=[w[0] for w in words],
                            char_vocabulary=[c[0] for c in chars], coef=coef,
                            intercept=numbers["classifier"]["intercept"], a=numbers["classifier"]["a"],
                            b=numbers["classifier"]["b"], prior_guest=decoder["prior_guest"],
                            crf_vocabulary=[row[0] for row in numbers["sequence"]],
                            crf_weights=[row[1:] for row in numbers["sequence"]],
                            crf_block_weight=decoder["block_weight"],
                            crf_transitions=[[-np.inf if x is None else x for x in row] for row in decoder["transitions"]],
                            start_offset=decoder["start_offset"],
                            version={k: v for k, v in version.items() if k not in ("code_version", "weights_sha256")},
                            notes=data.get("notes", {}))
    if kind == FORMAT_BLOCKS:
        return SpeakerModel(half=numbers["window"]["half"], word_vocabulary=[w[0] for w in words],
                            char_vocabulary=[c[0] for c in chars], coef=coef,
                            intercept=numbers["classifier"]["intercept"], a=numbers["classifier"]["a"],
                            b=numbers["classifier"]["b"], transitions=decoder["transitions"],
                            prior_guest=decoder["prior_guest"], prior_weight=decoder["prior_weight"],
                            switch_scale=decoder["switch_scale"],
                            version={k: v for k, v in version.items() if k not in ("code_version", "weights_sha256")},
                            notes=data.get("notes", {}))
    return SpeakerModel(half=numbers["window"]["half"], word_vocabulary=[w[0] for w in words],
                        char_vocabulary=[c[0] for c in chars], coef=coef,
                        intercept=numbers["classifier"]["intercept"], a=numbers["classifier"]["a"],
                        b=numbers["classifier"]["b"], prior_guest=decoder["prior_guest"],
                        gap_vocabulary=[g[0] for g in numbers["gap"]], gap_coef=[g[1] for g in numbers["gap"]],
                        gap_intercept=numbers["boundary"]["intercept"], prior_weight=decoder["prior_weight"],
                        emission_scale=decoder["emission_scale"], switch_offset=decoder["switch_offset"],
                        min_words=decoder["min_words"],
                        version={k: v for k, v in version.items() if k not in ("code_version", "weights_sha256")},
                        notes=data.get("notes", {}))


#: The name the notebooks use (``from analysis import load_speaker_model``).
load_speaker_model = load_model
