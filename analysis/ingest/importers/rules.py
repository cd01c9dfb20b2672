"""Where a podcast's scripted parts are: the host's intro, sponsor reads, the outro.

Every rule the importers use to mark a transcript's segments is in this file, as a named
regular expression (all case-insensitive, matched on word boundaries), so that a reader can
check them and a test can exercise each one. :func:`segment_spans` applies them to one
string (a caption stream, or a lexfridman.com page's turns joined in order) and returns
contiguous spans labelled ``interview``, ``intro``, ``sponsor`` or ``outro``.

The rules follow the Lex Fridman Podcast's script, which the 17 comparison transcripts use:

1. **Intro.** Starts at ``INTRO_START`` ("the following is a conversation with ...") and
   ends at the host's hand-over, ``HANDOVER`` ("and now, dear friends, here's NAME" or
   "and now here's my conversation with NAME"), NAME included (see :func:`name_end`). If no
   hand-over follows within ``intro_max_words`` words, the intro ends where the podcast
   names itself (``PODCAST_NAME``: "... on this, the Lex Fridman Podcast."; noted
   ``"intro ended at the podcast's name"``); with neither, it is *not* marked (better to
   keep 300 words of intro in the interview than to lose the interview) and the span is
   noted ``"intro start without hand-over"``.
2. **Cold open.** Text before the first ``INTRO_START``, if it is at most
   ``cold_open_max_words`` words, is a cold open: clips of the conversation played
   before the intro. They are repeated later in the episode, so they get segment
   ``intro`` with the note ``"cold open"`` (counting them as interview would count the
   same words twice).
3. **Outro.** Starts at ``OUTRO_START`` ("thanks for listening to this conversation",
   "thank you for listening, and hope to see you next time", or the host's closing essay or
   quotation: "and now, allow me to say a few words", "and now let me leave you with") and runs to the end of the
   text, unless a hand-over follows (one episode hosts several guests in a row: the
   outro of one is followed by "and now, dear friends, here's" the next guest).
4. **Sponsor reads.** A sponsor read starts at a ``SPONSOR_STRONG`` phrase anywhere, or at
   a ``SPONSOR_CUE`` inside an intro or outro (cues such as "cash app" or "to support
   it" are too common in conversation to trust there), and ends at ``SPONSOR_END``
   ("and now", the script's turn back to the show), at a hand-over, intro or outro start,
   or after ``sponsor_max_words`` words, whichever comes first. The segment then returns
   to what it was before the read.

Anything else is ``interview``. Hand-over text (and the guest's name) belongs to ``intro``.

Every pattern separates its words with ``\\s+`` and allows optional punctuation where the
script has some, so a phrase broken over lines ("The following is a\\nconversation with")
and the lower-case, unpunctuated form of automatic captions ("and now dear friends heres")
match as well as the printed form (tests in ``tests/test_importers.py``).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from analysis.core.turns import Turn

_F = re.IGNORECASE
_APOS = "[’']?"

#: Start of the host's scripted intro.
INTRO_START = {
    "following_is": re.compile(r"\bthe\s+following\s+is\s+(?:a|my)\s+(?:conversation\s+with|debate\s+between)\b", _F),
    "ai_podcast": re.compile(r"\bthis\s+is\s+the\s+artificial\s+intelligence\s+podcast\b", _F),
}
#: The host hands over to the guest: "and now, dear friends, here's" / "here's my conversation with".
HANDOVER = {
    "handover": re.compile(r"\b(?:(?:and\s+)?now,?\s+)?(?:dear\s+friends,?\s+here" + _APOS
                           + r"s|here" + _APOS + r"s\s+my\s+conversation\s+with)\s+", _F),
}
#: The podcast names itself ("... on this, the Lex Fridman Podcast."): where an intro with no
#: hand-over ends.
PODCAST_NAME = {
    "podcast_name": re.compile(r"\b(?:this\s+is\s+(?:the\s+|a\s+)?|on\s+this,?\s+(?:the\s+)?)lex\s+fri?e?dman\s+"
                               r"podcast\b[.!]?", _F),
}
#: Start of the outro ("conv" also matches caption errors such as "convers a"). Punctuation
#: between the words is allowed ("Thank you for listening, and hope to see you next time").
OUTRO_START = {
    "thanks_for_listening": re.compile(
        r"\bthanks?\s+(?:you\s+)?(?:for\s+)?listening[\s,.;:!]+(?:to\s+this\s+(?:conv|newly)"
        r"|(?:and\s+)?(?:i\s+)?(?:hope\s+to\s+see|see\s+you\s+next)|i\s+love\s+you)", _F),
    "host_essay": re.compile(r"\band\s+now,?\s+(?:please\s+)?(?:let|allow)\s+me\s+(?:to\s+)?"
                             r"(?:leave\s+you\s+with|say\s+a\s+few\s+words|make\s+a\s+few\s+comments)", _F),
}
#: Phrases that open a sponsor read wherever they occur.
SPONSOR_STRONG = {
    "brought_to_you_by": re.compile(r"\b(?:this\s+(?:show|episode|podcast|conversation|hour)\s+is\s+)?"
                                    r"brought\s+to\s+you\s+by\b", _F),
    "show_presented_by": re.compile(r"\bthis\s+(?:show|episode|podcast|conversation)\s+is\s+"
                                    r"(?:presented|sponsored|supported)\s+by\b", _F),
    "thank_sponsor": re.compile(r"\bthank\s+you\s+to\s+our\s+(?:presenting\s+)?sponsors?\b", _F),
    "quick_mention": re.compile(r"\bquick\s+mention\s+of\s+(?:our|each|the)\s+sponsors?\b", _F),
    "check_out_sponsors": re.compile(r"\bcheck\s+out\s+(?:our|the)\s+sponsors?\b", _F),
}
#: Phrases that open a sponsor read only inside an intro or outro.
SPONSOR_CUE = {
    "to_support": re.compile(r"\bto\s+support\s+(?:it|us|this\s+podcast|the\s+podcast|the\s+show)\b", _F),
    "support_this_podcast": re.compile(r"\bsupport\s+this\s+podcast\b", _F),
    "cash_app": re.compile(r"\bcash\s?app\b", _F),
    "masterclass": re.compile(r"\bmaster\s?class\b", _F),
    "promo_code": re.compile(r"\b(?:promo\s+code|use\s+(?:the\s+)?code)\b", _F),
}
#: End of a sponsor read: the script's "and now ..." back to the show.
SPONSOR_END = {"and_now": re.compile(r"\band\s+now\b", _F)}

#: Words that cannot be part of a guest's name after a hand-over (captions are lower case).
NAME_STOPWORDS = frozenset(
    "a an and as at but can could did do does first for he how i i'm if in is it it's let let's "
    "lets now of ok okay on or she so take tell thank thanks that the there they this to uh um "
    "was we well what when where who why would yeah you your".split())

SEGMENT_RULES = {"intro_start": INTRO_START, "handover": HANDOVER, "podcast_name": PODCAST_NAME, "outro_start": OUTRO_START,
                 "sponsor_strong": SPONSOR_STRONG, "sponsor_cue": SPONSOR_CUE,
                 "sponsor_end": SPONSOR_END}


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the text belong to ``segment``; ``note`` explains exceptions."""

    start: int
    end: int
    segment: str
    note: str | None = None


def name_end(text: str, pos: int, max_words: int = 3) -> int:
    """Where the guest's name after a hand-over ends (character offset).

    A name is up to ``max_words`` words (again after one "and": "X Y and Z W"); it stops
    before a word in ``NAME_STOPWORDS``, before a lower-case word once the name began with a
    capital, and after a word that ends with punctuation ("Yann LeCun.").
    """
    words = list(re.finditer(r"\S+", text[pos:pos + 200]))
    end, count, upper = pos, 0, None
    for i, match in enumerate(words):
        word = match.group()
        core = word.strip(".,;:!?\"“”‘’'()").lower().replace("’", "'")
        nxt = words[i + 1].group().strip(".,;:!?").lower() if i + 1 < len(words) else ""
        if core == "and" and count and nxt and nxt not in NAME_STOPWORDS and end == pos + words[i - 1].end():
            count = 0
            continue
        if count >= max_words or not core or core in NAME_STOPWORDS:
            break
        if upper is None:
            upper = word[0].isupper()
        elif upper and not word[0].isupper():
            break
        end, count = pos + match.end(), count + 1
        if word[-1] in ".!?,;:":
            break
    return end


@functools.lru_cache(maxsize=None)
def _case_sensitive(pattern):
    """The same rule without IGNORECASE, for lower-cased text (every rule is written in lower case)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


class _Matches:
    """Every match of every rule in one text, found once (a scan per pattern, not per call)."""

    def __init__(self, text: str):
        self.text, self.found = text, {}
        lower = text.lower()
        # Case-sensitive search of the lower-cased text is several times faster than
        # IGNORECASE (the regex engine can then skip ahead to a literal prefix).
        self.lower = lower if len(lower) == len(text) else None

    def first(self, pattern, pos: int, endpos: int):
        if pattern not in self.found:
            if self.lower is not None:
                self.found[pattern] = list(_case_sensitive(pattern).finditer(self.lower))
            else:
                self.found[pattern] = list(pattern.finditer(self.text))
        matches = self.found[pattern]
        i = bisect.bisect_left([m.start() for m in matches], pos) if len(matches) > 8 else 0
        for m in matches[i:]:
            if m.start() >= pos:
                return m if m.end() <= endpos else None
        return None


def _earliest(groups, text, pos, endpos=None, matches=None):
    """First match at or after ``pos`` among the patterns of ``groups``: (group, match) or None."""
    matches = matches or _Matches(text)
    best = None
    for group in groups:
        for pattern in group.values():
            m = matches.first(pattern, pos, len(text) if endpos is None else endpos)
            if m and (best is None or m.start() < best[1].start()):
                best = (group, m)
    return best


def _offset_after_words(text: str, pos: int, n: int) -> int:
    """Character offset just after the ``n``-th word from ``pos`` (or the end of the text)."""
    for i, m in enumerate(re.finditer(r"\S+", text[pos:]), start=1):
        if i == n:
            return pos + m.end()
    return len(text)


def segment_spans(text: str, *, cold_open_max_words: int = 1500, intro_max_words: int = 1200,
                  sponsor_max_words: int = 300) -> list[Span]:
    """Contiguous spans covering ``text``, each labelled with its segment (rules above)."""
    spans: list[Span] = []

    def emit(a, b, segment, note=None):
        if b <= a:
            return
        if spans and spans[-1].segment == segment and spans[-1].note == note:
            spans[-1] = Span(spans[-1].start, b, segment, note)
        else:
            spans.append(Span(a, b, segment, note))

    pos, state, back = 0, "interview", "interview"
    found = _Matches(text)
    first = _earliest([INTRO_START], text, 0, matches=found)
    if first and 0 < len(text[:first[1].start()].split()) <= cold_open_max_words:
        emit(0, first[1].start(), "intro", "cold open")
        pos = first[1].start()
    while pos < len(text):
        if state == "sponsor":
            limit = _offset_after_words(text, pos, sponsor_max_words)
            hit = _earliest([SPONSOR_END, HANDOVER, OUTRO_START, INTRO_START], text, pos + 1, limit, matches=found)
            end = hit[1].start() if hit else limit
            emit(pos, end, "sponsor")
            pos, state = end, back
            continue
        if state == "interview":
            hit = _earliest([INTRO_START, OUTRO_START, SPONSOR_STRONG], text, pos, matches=found)
        else:
            hit = _earliest([HANDOVER, SPONSOR_STRONG, SPONSOR_CUE, OUTRO_START, INTRO_START], text, pos, matches=found)
        if hit is None:
            emit(pos, len(text), state)
            break
        group, m = hit
        emit(pos, m.start(), state)
        pos = m.start()
        if group is HANDOVER:
            end = name_end(text, m.end())
            emit(pos, end, "intro")
            pos, state = end, "interview"
        elif group is SPONSOR_STRONG or group is SPONSOR_CUE:
            back, state = state, "sponsor"
        elif group is OUTRO_START:
            state = "outro"
            emit(pos, m.end(), "outro")
            pos = m.end()
        elif state == "interview":  # an intro start: marked only if a hand-over follows
            limit = _offset_after_words(text, pos, intro_max_words)
            named = _earliest([PODCAST_NAME], text, m.end(), limit, matches=found)
            if _earliest([HANDOVER], text, m.end(), limit, matches=found) is None and named:
                emit(pos, named[1].end(), "intro", "intro ended at the podcast's name")
                pos = named[1].end()
            elif _earliest([HANDOVER], text, m.end(), limit, matches=found) is None:
                emit(pos, m.end(), "interview", "intro start without hand-over")
                pos = m.end()
            else:
                state = "intro"
        else:  # an intro start inside an intro or outro: the intro (re)starts here
            state = "intro"
            emit(pos, m.end(), "intro")
            pos = m.end()
    return spans


def handover_names(text: str) -> list[str]:
    """Guest names the host hands over to ("here's Amanda Askell" -> ``["Amanda Askell"]``)."""
    names = []
    for m in HANDOVER["handover"].finditer(text):
        raw = text[m.end():name_end(text, m.end())].strip(" .,;:!?")
        names += [n.strip() for n in re.split(r"\s+and\s+", raw) if n.strip()]
    return names


def split_at_segments(paragraphs, **segment_options) -> list[Turn]:
    """Turns from ``(speaker, role, timestamp, text, notes)`` paragraphs in reading order.

    The paragraphs are joined (blank line between) and marked by :func:`segment_spans`; a
    paragraph is cut where the segment changes inside it (the hand-over and the first
    question in one paragraph), both pieces keeping its timestamp. Consecutive pieces of one
    speaker in one segment form one turn (a cold open stays apart from the intro proper).
    """
    offsets, pos = [], 0
    for item in paragraphs:
        offsets.append(pos)
        pos += len(item[3]) + 2
    full = "\n\n".join(item[3] for item in paragraphs)
    spans = segment_spans(full, **segment_options)
    turns: list[Turn] = []
    first = 0
    for (speaker, role, ts, body, notes), start in zip(paragraphs, offsets):
        end = start + len(body)
        while first < len(spans) and spans[first].end <= start:
            first += 1
        for span in spans[first:]:
            if span.start >= end:
                break
            piece = full[max(start, span.start):min(end, span.end)].strip()
            if not piece:
                continue
            extra = list(notes) + ([span.note] if span.note else [])
            last = turns[-1] if turns else None
            if (last and last.speaker == speaker and last.segment == span.segment
                    and ("cold open" in last.notes) == (span.note == "cold open")):
                last.text += "\n\n" + piece
                last.notes += [n for n in extra if n not in last.notes]
            else:
                turns.append(Turn(speaker, role, piece, ts, span.segment, list(dict.fromkeys(extra))))
    return turns
