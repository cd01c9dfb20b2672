"""Parse ``Name: text`` transcripts (a user's own interviews) into turns.

Accepted line shapes, one turn opening per line:

* ``Name: text`` (``Interviewer: ...``, ``Joelle Pineau: ...``, ``Q: ...``, ``A: ...``);
* ``**Name:** text`` and ``**Name**: text`` (Markdown bold);
* an optional timestamp before or after the name: ``[00:01:02] Name: text``,
  ``Name (00:01:02): text``.

A label is 1-5 words of at most 40 characters, each word starting with a capital letter
or being a name particle (de, van, von, bin, al, ...), so that "Note that: ..." or a URL is
not read as a speaker. Lines without a label continue the previous speaker; a blank line
starts a new paragraph of the same turn. Consecutive labels of the same speaker form one
turn (a turn is one speaker's uninterrupted contribution). ``#`` headings are not turns;
the turn notes the heading it falls under (``"section: ..."``). Lines before the first
label (a title, a byline) are skipped and the first turn notes how many.

Roles (host, guests, others) follow :mod:`analysis.ingest.importers.roles`: ``hosts`` and
generic host labels are ``interviewer``, ``guests`` and speakers the title or intro names
are ``interviewee``, everyone else ``other``. The first ``#`` heading is the title. Scripted
parts (the host's intro, sponsor reads, outro) are marked with
:func:`analysis.ingest.importers.rules.split_at_segments`, as in the other layouts.
"""
from __future__ import annotations

import re

from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.ingest.importers.roles import HOST_LABELS, OTHER_LABELS, assign_roles, guest_evidence
from analysis.ingest.importers.rules import split_at_segments

PARTICLES = frozenset("de da di del della der den van von le la du des bin ibn al el ben y".split())

_TS = r"[\[(]?(?P<{}>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)[\])]?"
#: ``[ts] **Name:** text`` / ``**Name**: text`` / ``Name (ts): text``.
LABEL_LINE = re.compile(
    r"^\s*(?:" + _TS.format("ts1") + r"\s+)?"
    r"(?:\*\*(?P<bold>[^*:\n]{1,40}?)\s*(?::\s*\*\*|\*\*\s*:)|(?P<plain>[^\W\d_][^:\n*]{0,39}?)\s*"
    r"(?:" + _TS.format("ts2") + r"\s*)?:)"
    r"(?:\s+|$)(?P<text>.*)$")
HEADING = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*$")
_LABEL_WORD = re.compile(r"^(?:[A-Z\u00c0-\u00de][\w’'.-]*|[A-Z]\.)$")


def _timestamp(raw: str | None) -> str | None:
    if not raw:
        return None
    parts = [int(p) for p in raw.split(":")]
    return "{:02d}:{:02d}:{:02d}".format(*([0] * (3 - len(parts)) + parts))


def is_label(name: str) -> bool:
    """True if ``name`` looks like a speaker label (rules in the module docstring)."""
    words = name.split()
    return (0 < len(words) <= 5 and len(name) <= 40
            and all(_LABEL_WORD.match(w) or w.lower() in PARTICLES for w in words)
            and not all(w.lower() in PARTICLES for w in words))


def match_label(line: str):
    """``(label, timestamp, text)`` if ``line`` opens a turn, else ``None``."""
    m = LABEL_LINE.match(line)
    if not m:
        return None
    label = (m["bold"] or m["plain"]).strip()
    if not is_label(label):
        return None
    return label, _timestamp(m["ts1"] or m["ts2"]), m["text"].strip().strip("*").strip()


def role_of(label: str, hosts=()) -> str:
    """The role of a label on its own: ``interviewer`` for hosts and host labels, ``other``
    for OTHER_LABELS, else ``interviewee`` (a transcript's turns use :func:`assign_roles`)."""
    key = label.lower()
    if key in {h.lower() for h in hosts} or key in HOST_LABELS:
        return "interviewer"
    return "other" if key in OTHER_LABELS else "interviewee"


def parse_labelled(text: str, *, hosts=(), guests=(), path=None, **segment_options) -> list[Turn]:
    """Turns of a ``Name: text`` transcript (rules in the module docstring)."""
    turns: list[Turn] = []
    section, skipped, first_line, blank, title = None, 0, None, False, None
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            blank = True
            continue
        first_line = first_line or line_no
        heading = HEADING.match(line)
        if heading:
            section = heading["title"]
            title = title or (section if not turns else None)
            continue
        opened = match_label(line)
        if opened:
            label, ts, body = opened
            last = turns[-1] if turns else None
            if last and last.speaker == label:
                last.text = (last.text + ("\n\n" if blank else " ") + body).strip()
            else:
                notes = [f"section: {section}"] if section else []
                turns.append(Turn(label, "other", body, ts, "interview", notes))
        elif turns:
            turns[-1].text = (turns[-1].text + ("\n\n" if blank else " ") + line.strip()).strip()
        else:
            skipped += 1
        if turns and section and f"section: {section}" not in turns[-1].notes:
            turns[-1].notes.append(f"section: {section}")
        blank = False
    if not turns:
        raise InputError(path, "no 'Name: text' speaker labels found", line=first_line,
                         hint="start each turn with its speaker, e.g. 'Interviewer: ...' or "
                              "'Joelle Pineau: ...'; for a transcript without names use shape='captions'")
    if skipped:
        turns[0].notes.append(f"{skipped} line(s) before the first label skipped")
    turns = [t for t in turns if t.text] or turns
    roles = assign_roles(dict.fromkeys(t.speaker for t in turns), hosts=hosts, guests=guests,
                         evidence=guest_evidence(text, title))
    paragraphs = [(t.speaker, roles[t.speaker][0], t.timestamp, t.text, t.notes + roles[t.speaker][1])
                  for t in turns]
    return split_at_segments(paragraphs, **segment_options) if any(t.text for t in turns) else turns
