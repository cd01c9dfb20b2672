"""Who is who in a labelled transcript: host, guest(s), everyone else.

Roles keep the corpus's names (:data:`analysis.core.turns.ROLES`): the **host** is
``interviewer``, a **guest** ``interviewee``, every other voice ``other`` (a demo
participant, "Speaker 3", an AI assistant's voice, an announcer). The rules, in order:

1. a speaker named in ``hosts`` is the host; so is a generic interviewer label
   (``HOST_LABELS``: Interviewer, Q, Host, Journalist ...);
2. a speaker named in ``guests`` is a guest;
3. a speaker whose name the layout gives as the guest is a guest: the name occurs in the
   title, the "Transcript for X" / "transcript of ... with X" header lines, the host's
   intro ("the following is a conversation with X, ...": the sentence after the phrase)
   or a hand-over ("here's X"); see :func:`guest_evidence`;
4. a generic non-speaker label (``OTHER_LABELS``: Narrator, Announcer, Audience ...) and
   every remaining speaker are ``other``;
5. if no speaker is a guest by rules 2-3 (a user's own ``Name: text`` file with no
   title), every speaker that is neither host nor generic non-speaker is a guest, and
   the turn notes "guest by default (no guest named in the title or intro)".

Names are compared case-insensitively on normalized whitespace, so a name broken over
two lines or written in lower case in captions still matches.
"""
from __future__ import annotations

import re

from analysis.ingest.importers.rules import INTRO_START, handover_names

HOST_LABELS = ("interviewer", "q", "question", "journalist", "host", "reporter", "presenter",
               "moderator", "interviewer (q)")
OTHER_LABELS = ("narrator", "announcer", "audience", "voice-over", "voiceover", "note",
                "editor's note", "editor", "unknown", "video", "audio")
DEFAULT_GUEST_NOTE = "guest by default (no guest named in the title or intro)"
#: Header lines naming the guest: "# Transcript for X: ...", "transcript of ... with X."
_HEADER_GUEST = re.compile(r"^#\s*Transcript\s+for\s+(?P<a>[^:|\n]+)|transcript\s+of\s+[^\n.]*?\bwith\s+"
                           r"(?P<b>[^.\n]+)", re.I | re.M)
_INTRO_WORDS = 60


def normalize(text: str) -> str:
    """Lower case, one space between words, curly apostrophes straight."""
    return " ".join(text.replace("’", "'").lower().split())


def guest_evidence(text: str, title: str | None = None) -> str:
    """The normalized text where the layout names its guests (rule 3 of the module docstring)."""
    parts = [title or ""]
    parts += [m["a"] or m["b"] for m in _HEADER_GUEST.finditer(text[:5000])]
    for pattern in INTRO_START.values():
        for m in pattern.finditer(text):
            parts.append(" ".join(text[m.end():m.end() + 2000].split()[:_INTRO_WORDS]).split(". ")[0])
    parts += handover_names(text)
    return normalize(" | ".join(parts))


def named_in(name: str, evidence: str) -> bool:
    """True if the speaker's full name occurs as words in ``evidence`` (normalized)."""
    key = normalize(name)
    return bool(key) and re.search(r"(?<!\w)" + re.escape(key) + r"(?!\w)", evidence) is not None


def assign_roles(speakers, *, hosts=(), guests=(), evidence: str = "") -> dict[str, tuple[str, list[str]]]:
    """``{speaker: (role, notes)}`` by the rules of the module docstring."""
    host_keys = {normalize(h) for h in hosts} | set(HOST_LABELS)
    guest_keys = {normalize(g) for g in guests}
    out = {}
    for speaker in speakers:
        key = normalize(speaker)
        if key in host_keys:
            out[speaker] = ("interviewer", [])
        elif key in guest_keys or (key not in OTHER_LABELS and named_in(speaker, evidence)):
            out[speaker] = ("interviewee", [])
        else:
            out[speaker] = ("other", [])
    if not any(role == "interviewee" for role, _ in out.values()):
        for speaker, (role, _) in out.items():
            if role == "other" and normalize(speaker) not in OTHER_LABELS:
                out[speaker] = ("interviewee", [DEFAULT_GUEST_NOTE])
    return out
