"""Applying the speaker model to a caption transcript: turns with roles and confidences.

:func:`attribute_captions` is what extraction and ``python -m analysis add --shape captions``
call for a caption document (the one hook, :func:`analysis.ingest.extract.document_turns`;
by default, ``--no-speaker-roles`` to skip it):

1. The stream is cleaned and cut into segments exactly as the caption importer does
   (:func:`analysis.ingest.importers.captions.clean_captions`,
   :func:`analysis.ingest.importers.rules.segment_spans`). Intros, sponsor reads and
   outros stay fixed-size chunks with role ``other`` (they are left out of analyses).
2. In each ``interview`` segment every word is normalised as in training
   (:func:`analysis.ingest.speakers.convert.normalize_word`); the model
   (:meth:`analysis.ingest.speakers.model.SpeakerModel.predict`) gives each word a role and
   the posterior probability of that role. A word that normalises to nothing (a lone
   punctuation mark) takes the role of the word before it.
3. Maximal runs of one role become turns: role ``interviewer`` (speaker ``host``) or
   ``interviewee`` (speaker ``guest``), with ``role_source = "model"`` and the turn's
   confidence, the mean posterior of its role over its words (also in the turn's notes,
   :data:`analysis.corpus.fulltext.MODEL_ROLE_NOTE`, which is how a full-text document added
   with ``python -m analysis add --shape captions`` keeps it).

The same text and model give the same turns (the model is deterministic; no randomness).
"""
from __future__ import annotations

import bisect

import numpy as np

from analysis.core.turns import Turn
from analysis.corpus.fulltext import MODEL_ROLE_NOTE
from analysis.ingest.importers.captions import SPEAKER, caption_stream, chunk_bounds
from analysis.ingest.importers.rules import segment_spans
from analysis.ingest.speakers.convert import GUEST, ROLE_NAMES, normalize_word
from analysis.ingest.speakers.model import SpeakerModel, load_model

ROLE_SOURCE = "model"
#: Catalog fields of a model-attributed caption document.
CAPTION_METADATA = {"speaker_labels": "model", "turn_unit": "turn"}
_MODEL_CACHE: dict = {}


def shipped_model() -> SpeakerModel:
    """The packaged model, read once per session."""
    if "model" not in _MODEL_CACHE:
        _MODEL_CACHE["model"] = load_model()
    return _MODEL_CACHE["model"]


def word_roles(words: list[str], model: SpeakerModel) -> tuple[np.ndarray, np.ndarray]:
    """Step 2: role code and confidence for every raw caption word."""
    normal = [normalize_word(w) for w in words]
    kept = [i for i, w in enumerate(normal) if w]
    roles = np.full(len(words), GUEST, dtype=int)
    confidence = np.full(len(words), np.nan)
    if kept:
        r, c = model.predict([normal[i] for i in kept])
        roles[kept], confidence[kept] = r, c
        last = kept[0]
        for i in range(len(words)):
            if normal[i]:
                last = i
            else:
                roles[i], confidence[i] = roles[last], confidence[last]
    return roles, confidence


def attribute_captions(text: str, model: SpeakerModel | None = None, *, host: str = "host",
                       guest: str = "guest", chunk_words: int = 250, path=None) -> tuple[list[Turn], list]:
    """``(turns, confidences)`` of a caption transcript (steps in the module docstring).

    ``confidences[i]`` is the model's confidence in turn ``i``'s role, ``None`` for the
    ``other`` chunks of intros, sponsor reads and outros.
    """
    model = model or shipped_model()
    words, dashes, _, stream, starts = caption_stream(text, path)
    speakers = {0: host, 1: guest}
    turns, confidences = [], []
    for span in segment_spans(stream):
        a, b = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        notes = [span.note] if span.note else []
        if span.segment != "interview":
            local = {j - a: "dash marker" for j in dashes if a < j < b}
            for start, end, _ in chunk_bounds(b - a, local, chunk_words, chunk_words // 5):
                turns.append(Turn(SPEAKER, "other", " ".join(words[a + start:a + end]), None, span.segment, list(notes)))
                confidences.append(None)
            continue
        roles, confidence = word_roles(words[a:b], model)
        cuts = [0, *(np.flatnonzero(roles[1:] != roles[:-1]) + 1), b - a]
        for start, end in zip(cuts[:-1], cuts[1:]):
            code = int(roles[start])
            turn_confidence = round(float(np.nanmean(confidence[start:end])), 3)
            turns.append(Turn(speakers[code], ROLE_NAMES[code], " ".join(words[a + start:a + end]), None,
                              "interview", [*notes, MODEL_ROLE_NOTE.format(turn_confidence)]))
            confidences.append(turn_confidence)
    return turns, confidences


def with_role_source(records: list[dict], confidences: list) -> list[dict]:
    """Add ``role_source`` and ``role_confidence`` to the feature records of model-attributed turns."""
    if len(records) != len(confidences):
        raise ValueError(f"{len(records)} records but {len(confidences)} confidences")
    for record, confidence in zip(records, confidences):
        if confidence is not None:
            record["role_source"], record["role_confidence"] = ROLE_SOURCE, confidence
    return records
