"""Tests for analysis.ingest.importers: segment rules, the three parsers and the dispatcher.

All fixtures are invented sentences written in the shapes of the raw transcripts (no text
from the copyrighted files), so the tests run on a fresh clone without ../shared.
"""
import pytest

from analysis.ingest.importers import (detect_shape, parse_captions, parse_labelled, parse_lexfridman,
                                parse_transcript, read_transcript, segment_spans, summarize)
from analysis.ingest.importers.captions import chunk_bounds, clean_captions
from analysis.ingest.importers.labelled import is_label, match_label, role_of
from analysis.ingest.importers.rules import (HANDOVER, INTRO_START, OUTRO_START, SPONSOR_CUE,
                                      SPONSOR_END, SPONSOR_STRONG, handover_names, name_end)
from analysis.core.textio import InputError


def segments_of(text, **options):
    """[(segment, text)] for each span, for readable assertions."""
    return [(s.segment, text[s.start:s.end].strip()) for s in segment_spans(text, **options)]


# --- rules -------------------------------------------------------------------------------

@pytest.mark.parametrize("group, name, hit, miss", [
    (INTRO_START, "following_is", "The following is a conversation with Ada", "the following is true"),
    (INTRO_START, "ai_podcast", "this is the artificial intelligence podcast", "this is the podcast"),
    (HANDOVER, "handover", "And now, dear friends, here’s Ada", "dear friends are here"),
    (HANDOVER, "handover", "and now here's my conversation with ada", "here is my conversation"),
    (OUTRO_START, "thanks_for_listening", "thanks for listening to this convers a with",
     "thanks for listening to me"),
    (OUTRO_START, "thanks_for_listening", "Thank you for listening and hope to see you",
     "thank you for listening, really"),
    (SPONSOR_STRONG, "brought_to_you_by", "this hour is brought to you by", "brought you by"),
    (SPONSOR_STRONG, "show_presented_by", "this show is presented by", "the show was presented"),
    (SPONSOR_STRONG, "thank_sponsor", "thank you to our presenting sponsor", "thank you to our hosts"),
    (SPONSOR_STRONG, "quick_mention", "quick mention of each sponsor", "quick mention of it"),
    (SPONSOR_STRONG, "check_out_sponsors", "please check out our sponsors", "check out our lab"),
    (SPONSOR_CUE, "to_support", "To support it, please", "to supporting it"),
    (SPONSOR_CUE, "cash_app", "download cash app", "cash appears"),
    (SPONSOR_CUE, "masterclass", "sign up on masterclass", "master of class"),
    (SPONSOR_CUE, "promo_code", "use code lexpod", "source code"),
    (SPONSOR_END, "and_now", "and now let me", "and nowhere"),
])
def test_each_rule_matches_its_phrase_and_not_a_near_miss(group, name, hit, miss):
    assert group[name].search(hit)
    assert not group[name].search(miss)


@pytest.mark.parametrize("after, name", [
    ("ada lovelace so tell me", "ada lovelace"),          # lower case: stops at a stopword
    ("Ada Lovelace. What is", "Ada Lovelace."),          # stops after punctuation
    ("Ada Lovelace high level question", "Ada Lovelace"),  # capitalised name: stops at lower case
    ("Ada Byron and Charles Babbage. So", "Ada Byron and Charles Babbage."),
    ("ilya you were", "ilya"),
    ("so what", ""),
])
def test_name_end(after, name):
    text = "here's " + after
    assert text[7:name_end(text, 7)] == name


def test_handover_names_split_pairs():
    text = "And now, dear friends, here’s Ada Byron and Charles Babbage. First question."
    assert handover_names(text) == ["Ada Byron", "Charles Babbage"]


STREAM = ("we argued about kettles for an hour the following is a conversation with ada byron "
          "she builds engines this show is presented by cash app download it today and now "
          "here's my conversation with ada byron so what is an engine it is a loom for numbers "
          "thanks for listening to this conversation with ada byron to support this podcast "
          "please check out our sponsors and now let me leave you with a proverb thank you")


def test_segment_spans_cold_open_intro_sponsor_interview_outro():
    assert segments_of(STREAM) == [
        ("intro", "we argued about kettles for an hour"),  # cold open
        ("intro", "the following is a conversation with ada byron she builds engines"),
        ("sponsor", "this show is presented by cash app download it today"),
        ("intro", "and now here's my conversation with ada byron"),
        ("interview", "so what is an engine it is a loom for numbers"),
        ("outro", "thanks for listening to this conversation with ada byron"),
        ("sponsor", "to support this podcast please check out our sponsors"),
        ("outro", "and now let me leave you with a proverb thank you"),
    ]
    assert [s.note for s in segment_spans(STREAM)][:2] == ["cold open", None]
    spans = segment_spans(STREAM)
    assert spans[0].start == 0 and spans[-1].end == len(STREAM)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))  # contiguous


def test_long_opening_is_not_a_cold_open():
    assert segments_of(STREAM, cold_open_max_words=3)[0] == ("interview", "we argued about kettles for an hour")


def test_intro_without_handover_is_not_marked():
    text = "the following is a conversation with ada and then we talk about looms for a long time"
    spans = segment_spans(text)
    assert {s.segment for s in spans} == {"interview"}
    assert spans[0].note == "intro start without hand-over"


def test_sponsor_cue_only_counts_in_intro_or_outro():
    chat = "i paid him with cash app yesterday and now he is gone"
    assert {s.segment for s in segment_spans(chat)} == {"interview"}
    text = "so anyway this episode is brought to you by acme kettles boil faster and now back to ada"
    assert segments_of(text) == [("interview", "so anyway"),
                                 ("sponsor", "this episode is brought to you by acme kettles boil faster"),
                                 ("interview", "and now back to ada")]


def test_sponsor_read_is_capped():
    text = "this show is brought to you by " + "word " * 20 + "end"
    segs = segments_of(text, sponsor_max_words=10)
    assert segs[0] == ("sponsor", "this show is brought to you by word word word")  # 10 words
    assert segs[1][0] == "interview"


# --- lexfridman.com pages ----------------------------------------------------------------

def line(speaker, ts, text):
    link = f"[({ts})](https://video.example/watch?v=x&t=1)"
    return f"{speaker} {link} {text}" if speaker else f"{link} {text}"


PAGE = "\n\n".join([
    "# #999 – Ada Byron: Engines | Example Podcast",
    "This is a transcript of the podcast. Here are some useful links:",
    "  * Go back to [the episode page](https://example.org/ep)",
    "## Table of Contents",
    "Here are the chapters:",
    "  * 0:00 – Introduction",
    "## Introduction",
    line("Ada Byron", "00:00:00", "Engines will weave algebra like looms weave flowers."),
    line("Lex Fridman", "00:00:09", "Do you believe that?"),
    line(None, "00:00:12", "The following is a conversation with Ada Byron. She designs engines. This is "
         "the Example Podcast. To support it, please check out our sponsors below."),
    "## Looms",
    line(None, "00:00:40", "And now, dear friends, here’s Ada Byron. Why looms?"),
    line("Ada Byron", "00:00:45", "Because [cards](https://example.org/cards) carry patterns."),
    line(None, "00:01:10", "And patterns carry numbers."),
    line("Lex Fridman", "00:01:30", "Thank you. Thanks for listening to this conversation with Ada Byron. "
         "And now, dear friends, here’s Charles Babbage. What did you build?"),
    "## Charles Babbage",
    line("Charles", "00:02:00", "A difference engine."),
    line("Lex Fridman", "00:02:10", "Thank you for talking today."),
    line("Charles", "00:02:12", "Thank you."),
    line(None, "00:02:20", "Thank you for listening and hope to see you again."),
    "This entry was posted in [transcripts](https://example.org/t) by [Lex Fridman](https://example.org/a).",
    "## About Lex Fridman",
    "Host of the podcast.",
])


def test_lexfridman_turns_segments_and_speakers():
    turns = parse_lexfridman(PAGE)
    got = [(t.speaker, t.role, t.segment, t.timestamp, t.text) for t in turns]
    assert got == [
        ("Ada Byron", "interviewee", "intro", "00:00:00", "Engines will weave algebra like looms weave flowers."),
        ("Lex Fridman", "interviewer", "intro", "00:00:09", "Do you believe that?"),
        ("Lex Fridman", "interviewer", "intro", "00:00:12",
         "The following is a conversation with Ada Byron. She designs engines. This is the Example Podcast."),
        ("Lex Fridman", "interviewer", "sponsor", "00:00:12",
         "To support it, please check out our sponsors below."),
        ("Lex Fridman", "interviewer", "intro", "00:00:40", "And now, dear friends, here’s Ada Byron."),
        ("Lex Fridman", "interviewer", "interview", "00:00:40", "Why looms?"),
        ("Ada Byron", "interviewee", "interview", "00:00:45",
         "Because cards carry patterns.\n\nAnd patterns carry numbers."),
        ("Lex Fridman", "interviewer", "interview", "00:01:30", "Thank you."),
        ("Lex Fridman", "interviewer", "outro", "00:01:30",
         "Thanks for listening to this conversation with Ada Byron."),
        ("Lex Fridman", "interviewer", "intro", "00:01:30", "And now, dear friends, here’s Charles Babbage."),
        ("Lex Fridman", "interviewer", "interview", "00:01:30", "What did you build?"),
        ("Charles Babbage", "interviewee", "interview", "00:02:00", "A difference engine."),
        ("Lex Fridman", "interviewer", "interview", "00:02:10", "Thank you for talking today."),
        ("Charles Babbage", "interviewee", "interview", "00:02:12", "Thank you."),
        ("Lex Fridman", "interviewer", "outro", "00:02:20", "Thank you for listening and hope to see you again."),
    ]
    assert "cold open" in turns[0].notes and "cold open" in turns[1].notes
    assert "cold open" not in turns[2].notes
    assert "section: Looms" in turns[6].notes
    assert "label 'Charles' read as 'Charles Babbage'" in turns[11].notes
    assert "unlabelled scripted host line given to the host" in turns[-1].notes
    assert not any("http" in t.text or "posted" in t.text for t in turns)


def test_lexfridman_ambiguous_short_label_is_kept():
    page = "\n\n".join([line("Lex Fridman", "00:00:01", "Hello both."), line("Ada", "00:00:02", "Hi."),
                        line("Ada Byron", "00:00:03", "Hello."), line("Ada King", "00:00:04", "Hey.")])
    turns = parse_lexfridman(page)
    assert [t.speaker for t in turns] == ["Lex Fridman", "Ada", "Ada Byron", "Ada King"]
    assert any("kept" in n for n in turns[1].notes)


def test_lexfridman_without_turn_lines_raises():
    with pytest.raises(InputError, match="no 'Speaker Name"):
        parse_lexfridman("# Title\n\nJust a paragraph.", path="ep.txt")


# --- captions ----------------------------------------------------------------------------

def test_chunk_bounds_hand_computed():
    # n=1000, 250 -> k=4, ideal cuts 250, 500, 750; 240 (|10|) beats 262 (|12|); 520 within 50; none near 750
    got = chunk_bounds(1000, {240: "sentence end", 262: "sentence end", 520: "dash marker"}, 250, 50)
    assert got == [(0, 240, "sentence end"), (240, 520, "dash marker"), (520, 750, "word count"),
                   (750, 1000, None)]
    assert chunk_bounds(1000, {240: "a", 260: "b"}, 250, 50)[0] == (0, 240, "a")  # tie -> earlier
    assert chunk_bounds(370, {}, 250, 50) == [(0, 370, None)]          # 370/250 = 1.48 -> one chunk
    assert chunk_bounds(380, {}, 250, 50) == [(0, 190, "word count"), (190, 380, None)]  # 1.52 -> two
    with pytest.raises(ValueError):
        chunk_bounds(100, {}, 10, 10)


def test_clean_captions_drops_cues_and_dashes():
    words, dashes, n_cues = clean_captions("- [Host] so why looms\n- because [Music] cards -- carry")
    assert words == ["so", "why", "looms", "because", "cards", "carry"]
    assert dashes == {0, 3, 5} and n_cues == 2


def test_parse_captions_chunks_within_segments():
    body = " ".join(f"w{i}" for i in range(100))
    text = ("the following is a conversation with ada byron\nshe builds engines and now here's my\n"
            f"conversation with ada byron so {body} thanks for listening to this conversation with ada")
    turns = parse_captions(text, chunk_words=40)
    assert [(t.segment, len(t.text.split())) for t in turns] == [
        ("intro", 19), ("interview", 34), ("interview", 33), ("interview", 34), ("outro", 8)]
    assert all(t.speaker == "unattributed" and t.role == "other" and t.timestamp is None for t in turns)
    assert turns[1].text.startswith("so w0 ") and turns[1].notes == ["cut: word count"]


def test_parse_captions_prefers_sentence_ends_and_checks_input():
    text = " ".join(["one two three four five six seven eight nine ten."] * 6)
    turns = parse_captions(text, chunk_words=20)
    assert [len(t.text.split()) for t in turns] == [20, 20, 20]
    assert turns[0].text.endswith("ten.") and turns[0].notes == ["cut: sentence end"]
    with pytest.raises(ValueError):
        parse_captions(text, chunk_words=5)
    with pytest.raises(InputError, match="no words"):
        parse_captions("[Music] -", path="x.txt")


# --- labelled ----------------------------------------------------------------------------

LABELLED = """# An invented interview

By a staff writer

Interviewer: Why do engines matter?
**Ada Byron:** Because they weave numbers.
They also weave patterns.

Some say they dream.
**Ada Byron**: And they never tire.
[00:01:02] Q: Do they?
A (00:01:05): Note that: they do not.
"""


def test_parse_labelled():
    turns = parse_labelled(LABELLED, hosts=())
    got = [(t.speaker, t.role, t.timestamp, t.text) for t in turns]
    assert got == [
        ("Interviewer", "interviewer", None, "Why do engines matter?"),
        ("Ada Byron", "interviewee", None,
         "Because they weave numbers. They also weave patterns.\n\nSome say they dream. And they never tire."),
        ("Q", "interviewer", "00:01:02", "Do they?"),
        ("A", "interviewee", "00:01:05", "Note that: they do not."),
    ]
    assert "1 line(s) before the first label skipped" in turns[0].notes
    assert "section: An invented interview" in turns[0].notes


def test_labels_and_roles():
    assert is_label("Joelle Pineau") and is_label("Q") and is_label("Ursula von der Leyen")
    assert not is_label("Note that") and not is_label("https") and not is_label("de la")
    assert match_label("https://example.org: x") is None
    assert role_of("journalist") == "interviewer" and role_of("Narrator") == "other"
    assert role_of("Ada Byron", hosts=("ada byron",)) == "interviewer"


def test_labelled_without_labels_raises_with_line():
    with pytest.raises(InputError) as err:
        parse_labelled("\n\nno labels here\nat all\n", path="mine.txt")
    assert err.value.line == 3 and "mine.txt" in str(err.value)


# --- dispatch ----------------------------------------------------------------------------

def test_detect_shape():
    assert detect_shape(PAGE) == "lexfridman"
    assert detect_shape(LABELLED) == "labelled"
    assert detect_shape(STREAM) == "captions"
    many = "\n".join(["a caption line without names"] * 30 + ["Note: one stray label", "Host: another"])
    assert detect_shape(many) == "captions"  # 2 labels in 32 lines < 10%


def test_parse_transcript_and_summary(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    turns = read_transcript(path, hosts="Lex Fridman")
    assert turns == parse_transcript(PAGE)  # deterministic, same either way
    summary = summarize(turns)
    assert summary["turns_by_role"] == {"interviewer": 11, "interviewee": 4, "other": 0}
    assert summary["speakers"] == ["Ada Byron", "Lex Fridman", "Charles Babbage"]
    assert summary["words_by_segment"]["sponsor"] == 9
    assert sum(summary["words_by_segment"].values()) == sum(len(t.text.split()) for t in turns)


def test_parse_transcript_errors():
    with pytest.raises(InputError, match="empty") as err:
        parse_transcript("  \n", path="blank.txt")
    assert "blank.txt" in str(err.value)
    with pytest.raises(InputError, match="no 'Name: text'"):
        parse_transcript(STREAM, shape="labelled", path="s.txt")
    with pytest.raises(ValueError, match="shape must be one of"):
        parse_transcript(STREAM, shape="srt")
