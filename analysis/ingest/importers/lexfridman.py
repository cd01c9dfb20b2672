"""Parse a lexfridman.com transcript page into turns.

The page (saved as text) has a header (``# ...`` lines, a paragraph, link bullets), a
chapter list under ``## Table of Contents``, then paragraphs of the conversation:

* ``Speaker Name [(hh:mm:ss)](link) text`` opens a paragraph by a named speaker;
* ``[(hh:mm:ss)](link) text`` continues the previous speaker;
* ``## Title`` headings mark chapters (not turns);
* the page furniture at the end starts at "This entry was posted in", an ``## About``
  heading or a "View all posts" link; everything from there on is ignored.

Decisions, in order:

1. **Turns.** A turn is one speaker's uninterrupted contribution, so continuation
   paragraphs are merged into the previous speaker's turn (paragraphs joined by a blank
   line), also across chapter headings. Each turn's notes list the chapters it spans
   (``"section: Title"``) and its timestamp is that of its first paragraph.
2. **Segments.** The paragraphs are joined in order and marked by
   :func:`analysis.ingest.importers.rules.segment_spans` (intro, cold open, sponsor, outro). A
   turn never spans two segments: where the segment changes inside a paragraph (the intro
   hand-over followed by the first question in the same paragraph), the paragraph is cut
   there and both pieces keep the paragraph's timestamp. Cold-open clips become segment
   ``intro`` with the note ``"cold open"`` (they repeat words said later in the episode).
3. **Short labels.** A one-word label ("Amanda") is replaced by the one full name on the
   page whose first word it is. Full names come from the page's multi-word labels, the
   hosts, the host's hand-overs ("here's Amanda Askell") and headings ("## Amanda Askell").
   With no such name, or several, the label is kept and the turn noted.
4. **Scripted host lines.** A continuation paragraph that opens with an intro or outro
   phrase while a guest holds the floor ("Thank you for listening and hope to see you next
   time" after the guest's last words) is the host's script with its label lost: it is
   given to the first host and noted.
5. **Text.** Markdown links keep their words and lose their target; bare URLs are dropped.

Roles: speakers named in ``hosts`` are ``interviewer``; everyone else ``interviewee``.
"""
from __future__ import annotations

import re

from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.ingest.importers.rules import INTRO_START, OUTRO_START, handover_names, segment_spans

_TS = r"\(?(?P<ts>\d{1,2}(?::\d{2}){1,2})\)?"
#: ``Speaker Name [(hh:mm:ss)](link) text``: a name of 1-60 characters starting with a capital.
TURN_LINE = re.compile(r"^(?P<label>[A-Z][^\[\]()\n]{0,59}?)\s*\[" + _TS + r"\]\([^)\s]*\)\s*(?P<text>.*)$")
#: ``[(hh:mm:ss)](link) text``: the previous speaker goes on.
CONTINUATION_LINE = re.compile(r"^\[" + _TS + r"\]\([^)\s]*\)\s*(?P<text>.*)$")
HEADING = re.compile(r"^#{2,}\s+(?P<title>.+?)\s*$")
#: Page furniture after the transcript: everything from the first such line is dropped.
FURNITURE = re.compile(r"^(?:This entry was posted in\b|#{1,3}\s+About\b|\[\s*View all posts)", re.I)
TABLE_OF_CONTENTS = re.compile(r"^table of contents$", re.I)
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_URL = re.compile(r"<?https?://\S+>?")
_NAME_HEADING = re.compile(r"^(?:[A-Z][\w’'.-]+)(?: [A-Z][\w’'.-]+){1,2}$")


def _timestamp(raw: str) -> str:
    """``"1:05"`` -> ``"00:01:05"``; ``"1:02:03"`` -> ``"01:02:03"``."""
    parts = [int(p) for p in raw.split(":")]
    parts = [0] * (3 - len(parts)) + parts
    return "{:02d}:{:02d}:{:02d}".format(*parts)


def _clean(text: str) -> str:
    text = _URL.sub("", _LINK.sub(r"\1", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def _paragraphs(text: str, path):
    """``(label or None, timestamp, text, section)`` per paragraph, and the chapter headings."""
    paragraphs, headings, section, started, in_toc = [], [], None, False, False
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if FURNITURE.match(stripped):
            break
        heading = HEADING.match(stripped)
        if heading:
            in_toc = bool(TABLE_OF_CONTENTS.match(heading["title"]))
            if not in_toc:
                section = heading["title"]
                headings.append(section)
            continue
        turn = TURN_LINE.match(stripped)
        cont = None if turn else CONTINUATION_LINE.match(stripped)
        if turn:
            started, in_toc = True, False
            paragraphs.append((turn["label"].strip(), _timestamp(turn["ts"]), _clean(turn["text"]), section))
        elif started and not in_toc:  # a continuation, timed or not
            ts = _timestamp(cont["ts"]) if cont else None
            paragraphs.append((None, ts, _clean(cont["text"] if cont else stripped), section))
    if not started:
        raise InputError(path, "no 'Speaker Name [(hh:mm:ss)](link) text' turn lines found",
                         hint="is this a lexfridman.com transcript page? If not, use shape='captions' "
                              "or shape='labelled'")
    return paragraphs, headings


def _name_map(labels, hosts, names):
    """Short (one-word) label -> full name, where exactly one full name starts with it."""
    full = sorted({n for n in list(labels) + list(hosts) + names if len(n.split()) > 1})
    mapping = {}
    for label in labels:
        if len(label.split()) == 1:
            matches = [n for n in full if n.split()[0].lower() == label.lower()]
            mapping[label] = matches[0] if len(matches) == 1 else label
    return mapping


def parse_lexfridman(text: str, *, hosts=("Lex Fridman",), path=None, **segment_options) -> list[Turn]:
    """Turns of a lexfridman.com transcript page (rules in the module docstring).

    ``segment_options`` are passed to :func:`analysis.ingest.importers.rules.segment_spans`.
    """
    paragraphs, headings = _paragraphs(text, path)
    host_set = {h.lower() for h in hosts}
    labels = sorted({p[0] for p in paragraphs if p[0]})
    names = handover_names("\n\n".join(p[2] for p in paragraphs)) + [h for h in headings if _NAME_HEADING.match(h)]
    mapping = _name_map(labels, hosts, names)

    # Resolve each paragraph's speaker (continuations inherit; scripted host lines go to the host).
    resolved, speaker = [], None
    for label, ts, body, section in paragraphs:
        notes = []
        if label:
            speaker = mapping.get(label, label)
            if speaker != label:
                notes.append(f"label '{label}' read as '{speaker}'")
            elif label in mapping:
                notes.append(f"short label '{label}' kept (no unique full name on the page)")
        elif speaker is None or not body:
            continue
        elif speaker.lower() not in host_set and hosts and any(
                p.match(body) for p in list(INTRO_START.values()) + list(OUTRO_START.values())):
            speaker = hosts[0]
            notes.append("unlabelled scripted host line given to the host")
        resolved.append((speaker, ts, body, section, notes))

    # Mark segments on the whole conversation, then cut paragraphs at segment changes.
    offsets, pos = [], 0
    for item in resolved:
        offsets.append(pos)
        pos += len(item[2]) + 2
    full = "\n\n".join(item[2] for item in resolved)
    spans = segment_spans(full, **segment_options)

    turns: list[Turn] = []
    for (speaker, ts, body, section, notes), start in zip(resolved, offsets):
        end = start + len(body)
        for span in spans:
            if span.end <= start or span.start >= end:
                continue
            piece = full[max(start, span.start):min(end, span.end)].strip()
            if not piece:
                continue
            extra = notes + ([span.note] if span.note else []) + ([f"section: {section}"] if section else [])
            last = turns[-1] if turns else None
            if (last and last.speaker == speaker and last.segment == span.segment
                    and ("cold open" in last.notes) == (span.note == "cold open")):
                last.text += "\n\n" + piece
                last.notes += [n for n in extra if n not in last.notes]
            else:
                role = "interviewer" if speaker.lower() in host_set else "interviewee"
                turns.append(Turn(speaker, role, piece, ts, span.segment, list(dict.fromkeys(extra))))
    return turns
