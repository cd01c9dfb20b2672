"""Importer fixes of corpus v2: host / guest(s) / other roles, phrases matched across line
breaks and in caption form, outros after a comma, header metadata and the posting date,
the testimony layout; and the segment rules over every labelled page of the archive.

Fixtures are invented sentences in the shapes of the raw transcripts (no copyrighted text).
"""
import csv

import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.core.textio import read_text
from analysis.ingest.importers import (detect_shape, page_metadata, parse_labelled, parse_lexfridman,
                                       parse_testimony, parse_transcript, posting_evidence, segment_spans)
from analysis.ingest.importers.roles import DEFAULT_GUEST_NOTE, assign_roles, guest_evidence
from analysis.ingest.importers.rules import HANDOVER, INTRO_START, OUTRO_START


def segments(text):
    return [(s.segment, text[s.start:s.end].strip()) for s in segment_spans(text)]


def test_phrases_broken_over_lines_still_match():
    text = ("The following\nis a conversation with Ada Byron. This show is\nbrought to you by Acme. And now,\n"
            "dear friends,\nhere’s Ada Byron. Why looms? Because. Thank you for\nlistening, and hope to see you")
    assert [seg for seg, _ in segments(text)] == ["intro", "sponsor", "intro", "interview", "outro"]


def test_caption_form_lower_case_unpunctuated():
    text = ("the following is a conversation with ada byron this is the example podcast and now dear friends "
            "heres ada byron why looms because cards carry patterns thank you for listening and hope to see you")
    assert [seg for seg, _ in segments(text)] == ["intro", "interview", "outro"]


@pytest.mark.parametrize("outro", [
    "Thank you for listening, and hope to see you next time.",
    "Thank you for listening. I hope to see you next time.",
    "Thank you listening and hope to see you next time.",
    "And now, please allow me to say a few words about looms.",
    "And now, let me leave you with some words from Ada.",
])
def test_outro_variants(outro):
    assert any(p.search(outro) for p in OUTRO_START.values())


def test_outro_near_misses():
    for miss in ("thank you for listening, really", "and now let me ask you", "thanks for listening to me"):
        assert not any(p.search(miss) for p in OUTRO_START.values()), miss


def test_intro_without_handover_ends_at_the_podcast_name():
    text = "The following is a conversation with Ada, on this, the Example Podcast. Why looms? Cards."
    assert segments(text.replace("Example", "Lex Fridman"))[0] == (
        "intro", "The following is a conversation with Ada, on this, the Lex Fridman Podcast.")


def link(ts):
    return f"[({ts})](https://video.example/watch?v=x&t=1)"


PAGE = "\n\n".join([
    "# #999 – Ada Byron: Engines | Example Podcast",
    "# Episode #999",
    "# Source: https://example.org/ada-byron",
    "# Transcript for Ada Byron: Engines | Example Podcast #999",
    f"Lex Fridman {link('00:00:01')} The following is a conversation with Ada Byron. And now, dear friends, "
    "here’s Ada Byron. Why looms?",
    f"Ada Byron {link('00:00:05')} Because cards carry patterns.",
    f"Speaker 3 {link('00:00:09')} Can I try the loom?",
    f"Assistant Voice {link('00:00:12')} The loom is ready.",
    f"Lex Fridman {link('00:00:15')} Thank you for talking.",
    "## Lex: Looms",
    f"{link('00:00:20')} And now, allow me to make a few comments about looms and their cards.",
    "This entry was posted in [transcripts](https://example.org/t) on [March 5, 2024](https://example.org/x) by x.",
])


def test_lexfridman_roles_host_guest_other_and_host_section():
    turns = parse_lexfridman(PAGE)
    roles = {t.speaker: t.role for t in turns}
    assert roles == {"Lex Fridman": "interviewer", "Ada Byron": "interviewee", "Speaker 3": "other",
                     "Assistant Voice": "other"}
    assert turns[-1].speaker == "Lex Fridman" and turns[-1].segment == "outro"
    assert [t.segment for t in turns].count("interview") >= 1


def test_guests_flag_adds_a_guest():
    turns = parse_transcript(PAGE, guests=("Speaker 3",))
    assert {t.speaker: t.role for t in turns}["Speaker 3"] == "interviewee"


def test_page_metadata_and_posting_date():
    meta = page_metadata(PAGE)
    assert meta == {"title": "#999 – Ada Byron: Engines | Example Podcast", "episode": 999,
                    "source_url": "https://example.org/ada-byron", "posted_on": "2024-03-05"}


def test_posting_date_is_an_upper_bound_when_posted_after_later_episodes():
    posted = {276: "2024-09-29", 385: "2023-06-18", 386: "2023-06-25"}
    assert posting_evidence(276, "2024-09-29", posted)[0] == "upper bound"
    assert posting_evidence(385, "2023-06-18", posted)[0] == "release"


def test_labelled_roles_from_title_and_default_guest():
    text = "# Ada Byron on looms\n\nKevin Host: Welcome.\nAda Byron: Thanks.\nBob Extra: Hello from the crowd.\n"
    roles = {t.speaker: t.role for t in parse_labelled(text, hosts=("Kevin Host",))}
    assert roles == {"Kevin Host": "interviewer", "Ada Byron": "interviewee", "Bob Extra": "other"}
    plain = "Interviewer: Why?\nAda Byron: Because.\n"
    turns = parse_labelled(plain)
    assert turns[1].role == "interviewee" and DEFAULT_GUEST_NOTE in turns[1].notes


def test_labelled_intro_is_a_segment():
    text = ("Host: The following is a conversation with Ada Byron. This show is brought to you by Acme. "
            "And now, dear friends, here's Ada Byron. Why looms?\nAda Byron: Because cards carry patterns.\n")
    turns = parse_labelled(text, hosts=("Host",))
    assert [(t.speaker, t.segment) for t in turns] == [("Host", "intro"), ("Host", "sponsor"), ("Host", "intro"),
                                                       ("Host", "interview"), ("Ada Byron", "interview")]


def test_assign_roles_and_evidence():
    evidence = guest_evidence("The following is a conversation with Ada Byron, a weaver. Etc.")
    roles = assign_roles(["Lex", "Ada Byron", "Narrator"], hosts=("Lex",), evidence=evidence)
    assert roles == {"Lex": ("interviewer", []), "Ada Byron": ("interviewee", []), "Narrator": ("other", [])}


HEARING = """# Transcript: A hearing on looms

**Date:** May 8, 2025

**Witnesses:**
- Ada Byron, CEO, Engines
- Dr. Charles Babbage, Chair and CEO, Mills

---

## Opening Statement - Chairman Ted Quill (R-TX)

[00:09] The committee is called to order.

### Ada Byron, CEO, Engines

[10:00] Looms matter.

## Questions and Answers

### Senator Jo Reed (D-WA)

[20:00] A question for both witnesses.

**Ada Byron:** [20:30] Yes.

**Dr. Babbage:** No.

[20:40] And a second thought.

**Senator Reed:** Thank you.
"""


def test_testimony_layout():
    assert detect_shape(HEARING) == "testimony"
    turns = parse_testimony(HEARING)
    assert [(t.speaker, t.role) for t in turns] == [
        ("Ted Quill", "interviewer"), ("Ada Byron", "interviewee"), ("Jo Reed", "interviewer"),
        ("Ada Byron", "interviewee"), ("Charles Babbage", "interviewee"), ("Jo Reed", "interviewer")]
    assert turns[4].text == "No.\n\nAnd a second thought." and turns[3].timestamp == "00:20:30"


# --- every labelled page of the archive ----------------------------------------------------

ARCHIVE = PROJECT_ROOT.parent / "shared" / "lex-archive"
#: Pages whose script the rules cannot segment, with the reason (checked by reading them).
KNOWN_EXCEPTIONS = {
    "413": "intro runs straight into the first question: no hand-over and no podcast name",
    "418": "a debate whose intro has neither the intro phrase's usual form nor a hand-over",
    "439": "a sponsor read inside an intro with no hand-over splits the interview in two",
    "456": "the host's intro (on translation) runs over 1,200 words (intro_max_words) before any hand-over",
}


def _labelled_rows():
    with open(ARCHIVE / "manifest.csv", encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["shape"] == "lexfridman"]


@pytest.mark.skipif(not (ARCHIVE / "manifest.csv").exists(),
                    reason=f"the transcript archive is not here ({ARCHIVE}): third-party text kept out of the repository")
def test_every_labelled_archive_page_has_one_interview_per_guest_an_intro_and_its_outro():
    failures = {}
    for row in _labelled_rows():
        text = read_text(ARCHIVE / "transcripts" / row["file"])
        turns = parse_transcript(text)
        runs = [t.segment for i, t in enumerate(turns) if i == 0 or turns[i - 1].segment != t.segment]
        body = text.split("This entry was posted")[0]
        handovers = len(HANDOVER["handover"].findall(body))
        has_outro_phrase = any(p.search(body) for p in OUTRO_START.values())
        ok = (runs.count("interview") == max(1, handovers) and "intro" in runs
              and ("outro" in runs or not has_outro_phrase)
              and not any(t.segment == "interview" and any(p.search(t.text) for p in INTRO_START.values())
                          for t in turns))
        if not ok:
            failures[row["episode"]] = "".join(s[0] for s in runs)
    assert set(failures) == set(KNOWN_EXCEPTIONS), failures
    assert len(_labelled_rows()) == 102
