"""Parse a committee-hearing transcript (testimony) into turns.

The layout (a rush transcript in Markdown, as ``../shared/interviews-extra/senate-*``):

* a header with ``**Witnesses:**`` followed by ``- Name, Title, Organization`` bullets;
* ``##``/``###`` section headings, some naming who speaks below them
  ("Opening Statement - Chairman Ted Cruz (R-TX)", "Senator Tim Sheehy (R-MT)",
  "Sam Altman, CEO, OpenAI"), others not ("Questions and Answers");
* paragraphs, optionally opening with a timestamp (``[12:34]``) and an in-line speaker
  (``**Senator Sheehy:**``, ``**Dr. Lisa Su:** [30:35] ...``, ``[30:55] **Senator Sheehy:** ...``).

Speaker of a paragraph: its in-line name; else the previous paragraph's speaker within the
same section; else the speaker the section heading names. In-line names are mapped to the
full names of the headings and the witness list by their last word ("Senator Sheehy" ->
"Tim Sheehy", "Dr. Lisa Su" -> "Lisa Su"); honorifics (Senator, Chairman, Ranking Member,
Dr., Mr., Ms.) and party tags ("(R-TX)") are dropped.

Roles: witnesses are ``interviewee`` (the guests), the senators and the chair who question
them ``interviewer``, anyone else ``other``. ``guests``/``hosts`` add names to either side.
There is no scripted intro or outro: every turn is ``interview``.
"""
from __future__ import annotations

import re

from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.ingest.importers.roles import normalize

WITNESSES = re.compile(r"^\*\*Witnesses:\*\*\s*$", re.M)
_BULLET = re.compile(r"^\s*[-*]\s+(?P<entry>.+?)\s*$")
_HEADING = re.compile(r"^#{2,6}\s+(?P<title>.+?)\s*$")
_TS = r"\[(?P<{}>\d{{1,2}}(?::\d{{2}}){{1,2}})\]"
_INLINE = re.compile(r"^(?:" + _TS.format("ts1") + r"\s*)?\*\*(?P<name>[^*\n]{1,60}?):\*\*\s*(?:"
                     + _TS.format("ts2") + r"\s*)?(?P<text>.*)$")
_LEADING_TS = re.compile(r"^" + _TS.format("ts") + r"\s*(?P<text>.*)$")
_HONORIFIC = re.compile(r"^(?:(?:Senator|Chairman|Chairwoman|Chair|Ranking\s+Member|Dr\.?|Mr\.?|Ms\.?|Mrs\.?)\s+)+")
_PARTY = re.compile(r"\s*\([A-Z]-[A-Z]{2}\)\s*$")
QUESTIONERS = re.compile(r"^(?:Senator|Chairman|Chairwoman|Chair|Ranking\s+Member)\b")


def _timestamp(raw: str | None) -> str | None:
    if not raw:
        return None
    parts = [int(p) for p in raw.split(":")]
    return "{:02d}:{:02d}:{:02d}".format(*([0] * (3 - len(parts)) + parts))


def person(raw: str) -> str:
    """A bare name: honorifics, party tag and ", Title, Org" dropped ("Dr. Lisa Su, Chair" -> "Lisa Su")."""
    raw = _PARTY.sub("", raw.split(" - ")[-1].split(",")[0].strip())
    return _HONORIFIC.sub("", raw).strip()


def is_testimony(text: str) -> bool:
    """True if the text has the ``**Witnesses:**`` list of a hearing transcript."""
    return WITNESSES.search(text) is not None


def _witnesses(lines) -> list[str]:
    out, inside = [], False
    for line in lines:
        if WITNESSES.match(line.strip()):
            inside = True
        elif inside and _BULLET.match(line):
            out.append(person(_BULLET.match(line)["entry"]))
        elif inside and line.strip():
            break
    return out


def parse_testimony(text: str, *, hosts=(), guests=(), path=None) -> list[Turn]:
    """Turns of a hearing transcript (rules in the module docstring)."""
    lines = text.split("\n")
    witnesses = _witnesses(lines) + [person(g) for g in guests]
    questioners: set[str] = {person(h) for h in hosts}
    known: dict[str, str] = {}  # last word (lower) -> full name

    def full_name(raw: str) -> str:
        name = person(raw)
        if QUESTIONERS.match(raw.strip()):
            questioners.add(name)
        if len(name.split()) > 1:
            known.setdefault(name.split()[-1].lower(), name)
            return name
        return known.get(name.lower(), name)

    for name in witnesses:
        full_name(name)
    turns: list[Turn] = []
    section_speaker = speaker = None
    for line in lines:
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            title = heading["title"]
            named = title.split(" - ", 1)[1] if " - " in title else title
            is_person = "," in named or QUESTIONERS.match(named) or _PARTY.search(named) or \
                any(normalize(person(named)) == normalize(w) for w in witnesses)
            section_speaker = full_name(named) if is_person else None
            speaker = section_speaker
            continue
        if not stripped or stripped.startswith(("#", "**Date", "**Committee", "**Hearing", "**Witnesses", "---")) \
                or _BULLET.match(line) and not turns:
            continue
        inline = _INLINE.match(stripped)
        if inline:
            speaker, ts, body = full_name(inline["name"]), inline["ts1"] or inline["ts2"], inline["text"]
        else:
            lead = _LEADING_TS.match(stripped)
            ts, body = (lead["ts"], lead["text"]) if lead else (None, stripped)
        if speaker is None:
            continue
        if turns and turns[-1].speaker == speaker:
            turns[-1].text += "\n\n" + body.strip()
        else:
            turns.append(Turn(speaker, "other", body.strip(), _timestamp(ts), "interview", []))
    if not turns:
        raise InputError(path, "no speakers found in the hearing transcript",
                         hint="speakers are given by '### Name, Title' headings or '**Name:**' in-line")
    witness_keys = {normalize(full_name(w)) for w in witnesses}
    questioner_keys = {normalize(q) for q in questioners}
    for turn in turns:
        key = normalize(turn.speaker)
        turn.role = ("interviewee" if key in witness_keys else "interviewer" if key in questioner_keys else "other")
    return [t for t in turns if t.text]
