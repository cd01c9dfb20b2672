"""Recognise a raw transcript's shape and parse it into turns.

:func:`detect_shape` applies four rules, in this order:

0. ``testimony`` if the text has a hearing's ``**Witnesses:**`` list
   (:mod:`analysis.ingest.importers.testimony`);
1. ``lexfridman`` if at least one line is a lexfridman.com turn,
   ``Speaker Name [(hh:mm:ss)](link) text`` (:data:`analysis.ingest.importers.lexfridman.TURN_LINE`);
2. ``labelled`` if at least ``MIN_LABEL_LINES`` (2) lines open with a speaker label
   (``Name: text``, ``**Name:** text``; :func:`analysis.ingest.importers.labelled.match_label`)
   and such lines are at least ``MIN_LABEL_SHARE`` (10%) of the non-empty lines, so that a
   stray "Note: ..." in a long caption file does not make it a labelled transcript;
3. ``captions`` otherwise (no speaker names: one unattributed stream).

:func:`parse_transcript` then calls the parser of that shape; :func:`read_transcript`
reads a file first. :func:`summarize` counts turns by role and words by segment, the
numbers to check after an import.
"""
from __future__ import annotations

from collections import Counter

from analysis.core.textio import InputError, read_text
from analysis.core.turns import ROLES, SEGMENTS, Turn
from analysis.ingest.importers.captions import parse_captions
from analysis.ingest.importers.labelled import match_label, parse_labelled
from analysis.ingest.importers.lexfridman import TURN_LINE, parse_lexfridman
from analysis.ingest.importers.testimony import is_testimony, parse_testimony

SHAPES = ("lexfridman", "captions", "labelled", "testimony")
MIN_LABEL_LINES = 2
MIN_LABEL_SHARE = 0.10


def detect_shape(text: str) -> str:
    """``'testimony'``, ``'lexfridman'``, ``'labelled'`` or ``'captions'`` (rules in the module docstring)."""
    if is_testimony(text):
        return "testimony"
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if any(TURN_LINE.match(line) for line in lines):
        return "lexfridman"
    n_labels = sum(1 for line in lines if match_label(line))
    if n_labels >= MIN_LABEL_LINES and n_labels >= MIN_LABEL_SHARE * len(lines):
        return "labelled"
    return "captions"


def parse_transcript(text: str, *, hosts=(), guests=(), shape: str | None = None, path=None,
                     chunk_words: int = 250) -> list[Turn]:
    """Parse a raw transcript into turns.

    ``shape`` forces a parser (one of ``SHAPES``); ``None`` detects it. ``hosts`` are the
    interviewers' names or labels (``labelled`` also knows 'Q', 'Interviewer', 'Journalist'
    ...; ``lexfridman`` defaults to Lex Fridman); ``guests`` the guests' (besides those the
    title or intro names); every other speaker is ``other``
    (:mod:`analysis.ingest.importers.roles`). ``chunk_words`` is the chunk size of the ``captions`` parser. ``path`` only names
    the file in error messages.
    """
    if shape is not None and shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES} or None, not {shape!r}")
    hosts = (hosts,) if isinstance(hosts, str) else tuple(hosts or ())
    guests = (guests,) if isinstance(guests, str) else tuple(guests or ())
    if not text or not text.strip():
        raise InputError(path, "the transcript is empty",
                         hint="check that the file was saved completely and is the right one")
    shape = shape or detect_shape(text)
    if shape == "lexfridman":
        turns = parse_lexfridman(text, hosts=hosts or ("Lex Fridman",), guests=guests, path=path)
    elif shape == "labelled":
        turns = parse_labelled(text, hosts=hosts, guests=guests, path=path)
    elif shape == "testimony":
        turns = parse_testimony(text, hosts=hosts, guests=guests, path=path)
    else:
        turns = parse_captions(text, chunk_words=chunk_words, path=path)
    if not turns:
        raise InputError(path, f"no turns found (parsed as {shape!r})",
                         hint=f"check the file, or force another shape: one of {SHAPES}")
    return turns


def read_transcript(path, **options) -> list[Turn]:
    """:func:`parse_transcript` on the file at ``path`` (any encoding; see :func:`read_text`)."""
    return parse_transcript(read_text(path), path=path, **options)


def summarize(turns: list[Turn]) -> dict:
    """Turns per role, words per segment (whitespace words), speakers in order of appearance."""
    roles = Counter(t.role for t in turns)
    words = Counter()
    for t in turns:
        words[t.segment] += len(t.text.split())
    return {"turns": len(turns),
            "turns_by_role": {r: roles[r] for r in ROLES},
            "words_by_segment": {s: words[s] for s in SEGMENTS},
            "speakers": list(dict.fromkeys(t.speaker for t in turns))}
