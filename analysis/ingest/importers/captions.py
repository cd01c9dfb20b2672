"""Parse automatic captions (no speaker names) into fixed-size chunks.

Automatic captions (YouTube, podcast ASR) give one stream of words: lower case or short
punctuated caption lines, no speaker names, no reliable turn boundaries. Guessing who
speaks would invent data, so the stream is kept unattributed and cut into chunks of about
the same length, the unit topic models on transcripts commonly use instead of turns:

1. **Clean.** Caption line breaks are joined (a caption line is a display unit, not a
   sentence). Bracketed cues (``[Music]``, ``[Lex]``) are dropped: they are not speech.
   A dash standing alone (``-``, ``--``, ``–``, ``—``) marks a speaker change in some
   caption files; it is dropped from the text but remembered as a place to cut.
2. **Segments.** :func:`analysis.ingest.importers.rules.segment_spans` marks the host's intro,
   cold open, sponsor reads and outro on the cleaned stream. Chunks never cross a segment
   boundary, so every chunk is wholly ``interview``, ``intro``, ``sponsor`` or ``outro``.
3. **Chunks.** A segment of ``n`` words is cut into ``k = max(1, round(n / chunk_words))``
   chunks of about equal size, so there is no tiny last chunk (rounding is half up). The
   ideal cuts are at ``round(i * n / k)`` words, ``i = 1 .. k-1``; each moves to the
   sentence end (a word ending in ``.``, ``?`` or ``!``) or dash marker nearest to it
   within ``tolerance`` words either side (default: a fifth of ``chunk_words``; ties: the
   earlier one), and stays put where there is none. Each chunk notes how it ends:
   ``"cut: sentence end"``, ``"cut: dash marker"`` or ``"cut: word count"`` (the last
   chunk of a segment ends with the segment and has no cut note).

Every chunk is a :class:`~analysis.core.turns.Turn` with speaker ``"unattributed"``, role
``other`` and no timestamp. Word counts here are whitespace-separated words, not tokens.
Chunking follows the common practice for topic models on long, unsegmented texts
(e.g. Jockers, *Macroanalysis*, 2013, ch. 8: fixed-size segments of novels).
"""
from __future__ import annotations

import bisect
import re

from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.ingest.importers.rules import segment_spans

SPEAKER = "unattributed"
#: A bracketed cue of up to 40 characters: ``[Music]``, ``[Applause]``, ``[Lex]``.
CUE = re.compile(r"\[[^\[\]\n]{1,40}\]")
DASHES = frozenset({"-", "--", "–", "—"})
SENTENCE_END = re.compile(r"[.?!][\"”’')\]]*$")


def clean_captions(text: str) -> tuple[list[str], set[int], int]:
    """``(words, dash_positions, n_cues)``: the words, the word indices a dash precedes, cues dropped."""
    text, n_cues = CUE.subn(" ", text)
    words, dashes = [], set()
    for token in text.split():
        if token in DASHES:
            dashes.add(len(words))
        else:
            words.append(token)
    return words, dashes, n_cues


def chunk_bounds(n_words: int, boundaries, chunk_words: int = 250, tolerance: int = 50):
    """``[(start, end, how)]`` cutting ``n_words`` words into chunks (rules in the module docstring).

    ``boundaries`` maps a word index ``j`` (a cut *before* word ``j`` is allowed) to why
    (``"sentence end"`` or ``"dash marker"``).
    """
    if chunk_words < 1 or tolerance < 0 or tolerance >= chunk_words:
        raise ValueError(f"need chunk_words >= 1 and 0 <= tolerance < chunk_words, "
                         f"got chunk_words={chunk_words}, tolerance={tolerance}")
    keys = sorted(boundaries)
    k = max(1, int(n_words / chunk_words + 0.5))
    out, start = [], 0
    for i in range(1, k):
        ideal = int(i * n_words / k + 0.5)
        lo = bisect.bisect_left(keys, ideal - tolerance)
        hi = bisect.bisect_right(keys, ideal + tolerance)
        near = [j for j in keys[lo:hi] if start < j < n_words]
        if near:
            cut = min(near, key=lambda j: (abs(j - ideal), j))
            how = boundaries[cut]
        else:
            cut, how = ideal, "word count"
        if cut > start:
            out.append((start, cut, how))
            start = cut
    if n_words > start:
        out.append((start, n_words, None))
    return out


def caption_stream(text: str, path=None) -> tuple[list[str], list[int], int, str, list[int]]:
    """``(words, dash positions, cue count, the words joined by spaces, each word's start in it)``.

    The cleaned word stream every reader of a caption transcript starts from (the chunker
    here and the speaker model in :mod:`analysis.ingest.speakers.attribute`).
    """
    words, dashes, n_cues = clean_captions(text)
    if not words:
        raise InputError(path, "no words found in the caption text",
                         hint="the file is empty or holds only [cues] and dashes")
    starts, pos = [], 0
    for word in words:
        starts.append(pos)
        pos += len(word) + 1
    return words, dashes, n_cues, " ".join(words), starts


def parse_captions(text: str, *, chunk_words: int = 250, tolerance: int | None = None, path=None,
                   **segment_options) -> list[Turn]:
    """Unattributed chunks of a caption transcript (rules in the module docstring).

    ``segment_options`` are passed to :func:`analysis.ingest.importers.rules.segment_spans`.
    """
    if not isinstance(chunk_words, int) or chunk_words < 20:
        raise ValueError(f"chunk_words must be an integer of at least 20, not {chunk_words!r}")
    tolerance = chunk_words // 5 if tolerance is None else tolerance
    words, dashes, n_cues, stream, starts = caption_stream(text, path)
    boundaries = {j: "dash marker" for j in dashes}
    for j, word in enumerate(words[:-1], start=1):
        if SENTENCE_END.search(word) and j not in boundaries:
            boundaries[j] = "sentence end"

    turns = []
    for span in segment_spans(stream, **segment_options):
        a = bisect.bisect_left(starts, span.start)
        b = bisect.bisect_left(starts, span.end)
        local = {j - a: why for j, why in boundaries.items() if a < j < b}
        for start, end, how in chunk_bounds(b - a, local, chunk_words, tolerance):
            notes = ([span.note] if span.note else []) + ([f"cut: {how}"] if how else [])
            turns.append(Turn(SPEAKER, "other", " ".join(words[a + start:a + end]), None,
                              span.segment, notes))
    if n_cues and turns:
        turns[0].notes.append(f"{n_cues} bracketed cue(s) dropped")
    return turns
