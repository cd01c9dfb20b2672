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
5. **Host's sections.** Unlabelled paragraphs under a heading that opens with a host's
   name and a colon ("## Lex: Gaza", the host's closing essay) are the host's.
6. **Text.** Markdown links keep their words and lose their target; bare URLs are dropped.

Roles (:mod:`analysis.ingest.importers.roles`): ``hosts`` are ``interviewer``; ``guests``
and the speakers the page names as guests (title, "Transcript for X", the intro's
"conversation with X", hand-overs) are ``interviewee``; anyone else is ``other``.

:func:`page_metadata` reads the header: the title (``# #NNN – Title | ...``), the episode
number, the source URL (``# Source: https://...``) and the transcript page's posting date
("This entry was posted in transcripts on <Month D, YYYY>"). The posting date is evidence
about the episode's date, not the date: recent transcripts were posted on or near the
release day, but many older episodes' transcripts were posted in bulk (late September
2024), so for those it is only an upper bound (:func:`posting_evidence` says which).
"""
from __future__ import annotations

import datetime
import re

from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.ingest.importers.roles import assign_roles, guest_evidence
from analysis.ingest.importers.rules import INTRO_START, OUTRO_START, handover_names, split_at_segments

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
TITLE_LINE = re.compile(r"^#\s+#(?P<episode>\d+)\s*[–—-]\s*(?P<title>.+?)\s*$", re.M)
SOURCE_LINE = re.compile(r"^#\s*Source:\s*(?P<url>https?://\S+)\s*$", re.M | re.I)
POSTED = re.compile(r"This entry was posted in \[?transcripts\]?(?:\([^)]*\))? on \[?"
                    r"(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})", re.I)


def _timestamp(raw: str) -> str:
    """``"1:05"`` -> ``"00:01:05"``; ``"1:02:03"`` -> ``"01:02:03"``."""
    parts = [int(p) for p in raw.split(":")]
    parts = [0] * (3 - len(parts)) + parts
    return "{:02d}:{:02d}:{:02d}".format(*parts)


def _clean(text: str) -> str:
    text = _URL.sub("", _LINK.sub(r"\1", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def page_metadata(text: str) -> dict:
    """``{title, episode, source_url, posted_on}`` from the page's header and footer ('' if absent).

    ``posted_on`` is the transcript page's posting date as ``YYYY-MM-DD``.
    """
    title, source, posted = TITLE_LINE.search(text), SOURCE_LINE.search(text), POSTED.search(text)
    posted_on = ""
    if posted:
        posted_on = datetime.datetime.strptime(posted["date"], "%B %d, %Y").date().isoformat()
    return {"title": f"#{title['episode']} – {title['title']}" if title else "",
            "episode": int(title["episode"]) if title else None,
            "source_url": source["url"] if source else "", "posted_on": posted_on}


def posting_evidence(episode: int, posted_on: str, posted_by_episode: dict, tolerance_days: int = 30) -> tuple[str, str]:
    """``(meaning, sentence)`` of a transcript page's posting date.

    The date counts as the release date, give or take days (``"release"``), unless some
    later-numbered episode's transcript was posted more than ``tolerance_days`` earlier:
    then this transcript was posted late, in bulk, and its date is only an upper bound
    (``"upper bound"``). Episode numbers are in release order (archive README).
    """
    day = datetime.date.fromisoformat(posted_on)
    earlier = [(n, d) for n, d in posted_by_episode.items()
               if n > episode and d and (day - datetime.date.fromisoformat(d)).days > tolerance_days]
    if earlier:
        n, d = min(earlier, key=lambda item: item[1])
        return "upper bound", (f"transcript page posted {posted_on}, after episode #{n}'s ({d}): posted late "
                               f"(bulk posting), so the date is only an upper bound")
    return "release", (f"transcript page posted {posted_on}; later episodes were posted later, so this is "
                       f"the release date or close to it")


def _host_heading(title: str, hosts) -> bool:
    """A heading like "Lex: Gaza": the host's own section (rule 5)."""
    head = title.split(":", 1)[0].strip().lower() if ":" in title else ""
    return bool(head) and any(head in (h.lower(), h.split()[0].lower()) for h in hosts)


def _paragraphs(text: str, path, hosts=()):
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
                if started and hosts and _host_heading(section, hosts):
                    paragraphs.append((hosts[0], None, "", section))
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


def parse_lexfridman(text: str, *, hosts=("Lex Fridman",), guests=(), path=None, **segment_options) -> list[Turn]:
    """Turns of a lexfridman.com transcript page (rules in the module docstring).

    ``segment_options`` are passed to :func:`analysis.ingest.importers.rules.segment_spans`.
    """
    hosts = tuple(hosts) or ("Lex Fridman",)
    paragraphs, headings = _paragraphs(text, path, hosts)
    host_set = {h.lower() for h in hosts}
    labels = sorted({p[0] for p in paragraphs if p[0]})
    names = handover_names("\n\n".join(p[2] for p in paragraphs)) + [h for h in headings if _NAME_HEADING.match(h)]
    mapping = _name_map(labels, hosts, names + list(guests))

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
            if section and _host_heading(section, hosts) and not body:
                continue  # the marker of a host's section: its paragraphs follow
        elif speaker is None or not body:
            continue
        elif speaker.lower() not in host_set and any(
                p.match(body) for p in list(INTRO_START.values()) + list(OUTRO_START.values())):
            speaker = hosts[0]
            notes.append("unlabelled scripted host line given to the host")
        resolved.append((speaker, ts, body, section, notes))

    evidence = guest_evidence(text, page_metadata(text)["title"])
    roles = assign_roles(dict.fromkeys(item[0] for item in resolved), hosts=hosts, guests=guests, evidence=evidence)
    paragraphs = [(speaker, roles[speaker][0], ts, body,
                   notes + roles[speaker][1] + ([f"section: {section}"] if section else []))
                  for speaker, ts, body, section, notes in resolved]
    return split_at_segments(paragraphs, **segment_options)
