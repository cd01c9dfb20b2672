"""Labelled transcripts -> caption form, keeping the true speaker role of every word.

The speaker model is trained on the Lex Fridman Podcast pages that name their speakers
(``lexfridman`` layout) and applied to automatic captions of the same show, which do not.
Captions differ from the human-cleaned pages in ways a model would latch onto, so each
page is rewritten to look like a caption stream before any feature is computed. The
rules imitate what the archive's 376 caption files show (counts from
``python -m analysis speakers --caption-style``; medians per 1,000 words):

1. **One word stream.** Speaker labels, timestamps, headings and paragraph breaks go
   (they are not in captions); bracketed cues (``[laughs]``) go, as the caption importer
   drops them; dashes and ellipses separate words.
2. **Numbers and symbols.** ``1,000`` -> ``1000`` (captions never group digits), ``10%``
   -> ``10 percent`` and ``$5`` -> ``5 dollars`` (captions spell the symbols: 0.07
   "percent" and no "%" per 1,000 words).
3. **Words.** :func:`normalize_word`: lower case, curly apostrophes straightened, every
   character other than a letter, digit, word-internal apostrophe or hyphen removed.
   Exactly the same function turns real caption words into model input, so capitals and
   punctuation that some caption files keep cannot reach the model.
4. **Disfluencies.** Captions keep what the page editors removed: fillers ("um", "uh":
   median 9.9 per 1,000 caption words, 0 on the pages) and repeated words ("i i", "the
   the": 10.3 against 1.4). Fillers are inserted before a word with probability
   ``FILLER_RATE`` and a word is doubled with probability ``REPEAT_RATE``, 8.5 per 1,000
   (set from a first, rougher count that gave 1.8 on the pages; the command's count would
   give 8.9), each inserted word taking the speaker of the word it is attached to. The random stream is seeded by the episode's text, so a conversion is reproducible.

What is not imitated: misheard words and names (ASR errors), missing words, and the
timing of caption lines. Test scores on converted pages are therefore optimistic for
real captions (the limits are listed in :mod:`analysis.ingest.speakers`).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from analysis.core.turns import Turn
from analysis.ingest.importers.captions import CUE

#: Role codes of the model: 0 = host (interviewer), 1 = guest (interviewee).
HOST, GUEST = 0, 1
ROLE_NAMES = {HOST: "interviewer", GUEST: "interviewee"}
FILLERS = ("um", "uh")
FILLER_RATE = 0.0099   # median "um"/"uh" per caption word (376 caption files)
REPEAT_RATE = 0.0085   # repeats in captions (0.0103) minus on the pages (0.0018 by a first rough count)
_SEPARATORS = re.compile(r"(?:\.{2,}|…|—|–|--|\s-\s|/)")
_GROUPED_NUMBER = re.compile(r"(?<=\d),(?=\d{3}\b)")
_PERCENT = re.compile(r"(\d)\s*%")
_DOLLARS = re.compile(r"\$\s*(\d[\d.]*)(\s*(?:million|billion|trillion|thousand|k)\b)?", re.I)
_NOT_WORD = re.compile(r"[^\w'-]+")
_EDGES = "'-_"


def normalize_word(token: str) -> str:
    """A caption word as the model sees it: lower case, no punctuation ('' if nothing is left)."""
    word = _NOT_WORD.sub("", token.lower().replace("’", "'").replace("‘", "'"))
    return word.strip(_EDGES)


def caption_text(text: str) -> str:
    """Rules 1-2 of the module docstring on one passage (the words still need :func:`normalize_word`)."""
    text = CUE.sub(" ", text)
    text = _GROUPED_NUMBER.sub("", text)
    text = _PERCENT.sub(r"\1 percent", text)
    text = _DOLLARS.sub(lambda m: f"{m.group(1)}{m.group(2) or ''} dollars", text)
    return _SEPARATORS.sub(" ", text)


@dataclass
class CaptionStream:
    """A caption-form word stream with the true role code of every word (``HOST``/``GUEST``)."""

    words: list[str]
    roles: list[int]

    def __post_init__(self):
        if len(self.words) != len(self.roles):
            raise ValueError(f"{len(self.words)} words but {len(self.roles)} roles")


def text_seed(text: str) -> int:
    """A seed derived from the text itself (same text, same seed, on every machine)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def turns_to_captions(turns: list[Turn], *, random_state: int | None = None, noise: bool = True,
                      segments=("interview",)) -> CaptionStream:
    """Caption form of labelled turns (rules in the module docstring).

    Only turns of ``segments`` whose role is interviewer or interviewee are kept (the
    model is applied to the interview proper; intros and sponsor reads are found by the
    segment rules). ``noise=False`` skips rule 4 (the round trip tested in the suite);
    ``random_state`` defaults to :func:`text_seed` of the joined text.
    """
    words, roles = [], []
    for turn in turns:
        if turn.segment not in segments or turn.role not in ("interviewer", "interviewee"):
            continue
        code = HOST if turn.role == "interviewer" else GUEST
        for token in caption_text(turn.text).split():
            word = normalize_word(token)
            if word:
                words.append(word)
                roles.append(code)
    if not noise:
        return CaptionStream(words, roles)
    rng = np.random.default_rng(text_seed(" ".join(words)) if random_state is None else random_state)
    filler = rng.random(len(words)) < FILLER_RATE
    which = rng.integers(0, len(FILLERS), len(words))
    repeat = rng.random(len(words)) < REPEAT_RATE
    noisy_words, noisy_roles = [], []
    for i, (word, code) in enumerate(zip(words, roles)):
        if filler[i]:
            noisy_words.append(FILLERS[which[i]])
            noisy_roles.append(code)
        noisy_words.append(word)
        noisy_roles.append(code)
        if repeat[i]:
            noisy_words.append(word)
            noisy_roles.append(code)
    return CaptionStream(noisy_words, noisy_roles)


def caption_style(text: str) -> dict:
    """Per-1,000-word rates of the features rule 4 imitates, in one raw transcript."""
    words = [normalize_word(t) for t in caption_text(text).split()]
    words = [w for w in words if w]
    n = max(1, len(words))
    return {"words": len(words),
            "fillers_per_1000": 1000 * sum(w in FILLERS for w in words) / n,
            "repeats_per_1000": 1000 * sum(a == b for a, b in zip(words, words[1:])) / n,
            "percent_signs_per_1000": 1000 * text.count("%") / n}
