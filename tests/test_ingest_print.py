"""Tests for analysis.ingest.print_interview: the seed, and variations written here as strings/bytes."""
from pathlib import Path

import pytest

from analysis.ingest.print_interview import parse_print_interview, read_print_interview, split_description
from analysis.core.textio import InputError, decode_bytes

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f7e0c75ec0433191.txt"

# A made-up French print interview in the seed's shape (no real text).
FR = """Le Courrier Régional (Édition du soir)

« Nous voulons rester ouverts » (Claire Martin, directrice scientifique de Zéphyr IA)

-

Pourquoi avez-vous choisi de publier vos modèles ?

Nous pensons que la recherche avance plus vite en commun. Je le crois depuis longtemps.

Vos concurrents ne font pas ce choix...

C'est leur affaire. Notre position est claire.

Tous droits réservés
Page 4
"""

EN = """The Daily Ledger (Print Edition)

“We are always short of GPUs” (Jane Doe, chief scientist at Acme AI)

—

How many chips does your lab use today?

We use about ten thousand. I would like more.

Our rivals say the same thing.

Your rivals are right...

Maybe. But we plan for the long term, and our budget is fixed.

Copyright 2024 The Daily Ledger. All rights reserved.
Page 12
"""


def roles(interview):
    return [t.role for t in interview.turns]


# --- the seed ---------------------------------------------------------------

@pytest.fixture(scope="module")
def seed():
    return read_print_interview(SEED, lang="fr")


def test_seed_metadata(seed):
    assert seed.masthead == "La Tribune Toulouse (Edition Quotidienne)"
    assert seed.headline.startswith("« Quand nous mettrons") and seed.headline.endswith("»")
    assert seed.interviewee == "Joelle Pineau"
    assert seed.interviewee_description == "directrice de la recherche en IA chez Meta"
    assert (seed.role_as_printed, seed.organization_as_printed) == (
        "directrice de la recherche en IA", "Meta")
    assert seed.footer == ["Newspapers in French", "Newspapers from France"]


def test_seed_turns_alternate_and_exclude_furniture(seed):
    assert len(seed.turns) == 12
    assert roles(seed) == ["interviewee", "interviewer"] * 6
    assert {t.speaker for t in seed.turns} == {"Joelle Pineau", "Interviewer"}
    for turn in seed.turns:
        assert turn.notes and turn.notes[0].startswith("line ")
        for furniture in ("Newspapers", "La Tribune Toulouse", "Quand nous mettrons"):
            assert furniture not in turn.text
    assert seed.turns[0].text.startswith("dont nous allons garder")
    assert seed.turns[-1].text.startswith("Malgré ces précautions")
    assert "journalist's statement" in seed.turns[-1].notes[0]


def test_seed_truncation_both_ends(seed):
    assert seed.truncated_start and seed.truncated_end
    assert any("mid-sentence" in n for n in seed.notes)
    assert any("no answer" in n for n in seed.notes)


def test_seed_imagine_fragment_and_multiparagraph_answer(seed):
    question = seed.turns[9]
    assert question.role == "interviewer" and question.text.endswith("d’images... Imagine,")
    assert any("layout fragment 'Imagine,'" in n and n.startswith("line 29") for n in question.notes)
    answer = seed.turns[8]
    assert answer.text.startswith("Nous essayons") and "\n\nDans le cas d’Emu" in answer.text
    assert len(answer.notes) == 2


def test_seed_cues_recorded(seed):
    assert "'?'" in seed.turns[1].notes[0]
    assert "ellipsis" in seed.turns[5].notes[0]
    assert "first-person" in seed.turns[2].notes[0]


# --- variations --------------------------------------------------------------

def test_french_variation_with_other_footer():
    doc = parse_print_interview(FR, lang="fr")
    assert doc.masthead == "Le Courrier Régional (Édition du soir)"
    assert doc.headline == "« Nous voulons rester ouverts »"
    assert (doc.interviewee, doc.role_as_printed, doc.organization_as_printed) == (
        "Claire Martin", "directrice scientifique", "Zéphyr IA")
    assert doc.footer == ["Tous droits réservés", "Page 4"]
    assert roles(doc) == ["interviewer", "interviewee"] * 2
    assert not doc.truncated_start and not doc.truncated_end
    assert doc.notes == []


def test_english_print_interview():
    doc = parse_print_interview(EN, lang="en")
    assert doc.masthead == "The Daily Ledger (Print Edition)"
    assert (doc.interviewee, doc.role_as_printed, doc.organization_as_printed) == (
        "Jane Doe", "chief scientist", "Acme AI")
    assert doc.footer == ["Copyright 2024 The Daily Ledger. All rights reserved.", "Page 12"]
    # "Our rivals say the same thing." has a first-person word: it joins the answer.
    assert roles(doc) == ["interviewer", "interviewee", "interviewer", "interviewee"]
    assert doc.turns[1].text == ("We use about ten thousand. I would like more.\n\n"
                                 "Our rivals say the same thing.")
    assert doc.turns[2].text == "Your rivals are right..."
    assert not doc.truncated_start and not doc.truncated_end


def test_windows_line_endings_and_bom_in_str():
    plain = parse_print_interview(FR, lang="fr")
    messy = parse_print_interview("\ufeff" + FR.replace("\n", "\r\n"), lang="fr")
    assert messy == plain


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8-sig").replace(b"\n", b"\r\n"),
    lambda s: s.encode("latin-1"),
])
def test_bytes_decode_then_parse(encode):
    text, _ = decode_bytes(encode(FR))
    doc = parse_print_interview(text, lang="fr", path="x.txt")
    assert doc.masthead == "Le Courrier Régional (Édition du soir)"
    assert doc.organization_as_printed == "Zéphyr IA"
    assert roles(doc) == ["interviewer", "interviewee"] * 2


def test_latin1_file_round_trip(tmp_path):
    path = tmp_path / "entretien.txt"
    path.write_bytes(FR.encode("latin-1"))
    assert read_print_interview(path, lang="fr").interviewee == "Claire Martin"


def test_bytes_are_refused():
    with pytest.raises(TypeError, match="decode_bytes"):
        parse_print_interview(FR.encode(), lang="fr")


def test_no_separator_uses_the_headline():
    doc = parse_print_interview(FR.replace("\n-\n", "\n"), lang="fr")
    ref = parse_print_interview(FR, lang="fr")
    assert (doc.masthead, doc.headline, doc.interviewee, doc.footer) == (
        ref.masthead, ref.headline, ref.interviewee, ref.footer)
    assert [(t.role, t.text) for t in doc.turns] == [(t.role, t.text) for t in ref.turns]
    assert doc.turns[0].notes[0].startswith("line 6:")  # line numbers follow the file


def test_no_head_at_all():
    body = FR.split("\n-\n", 1)[1]
    doc = parse_print_interview(body, lang="fr", interviewee="Claire Martin")
    assert doc.masthead is None and doc.headline is None and doc.interviewee is None
    assert roles(doc) == ["interviewer", "interviewee"] * 2
    assert doc.turns[1].speaker == "Claire Martin"
    assert any("no masthead" in n for n in doc.notes)


def test_head_other_and_unattributed_headline():
    text = FR.replace("« Nous voulons rester ouverts » (Claire Martin, directrice scientifique "
                      "de Zéphyr IA)", "Le pari de l'ouverture\n\nPropos recueillis par A. B.")
    doc = parse_print_interview(text, lang="fr")
    assert doc.headline == "Le pari de l'ouverture"
    assert doc.head_other == ["Propos recueillis par A. B."]
    assert doc.interviewee is None and doc.turns[1].speaker == "Interviewee"
    assert any("interviewee=" in n for n in doc.notes)


def test_interviewee_override_is_noted():
    doc = parse_print_interview(FR, lang="fr", interviewee="C. Martin", interviewer="La rédaction")
    assert doc.interviewee == "Claire Martin"
    assert {t.speaker for t in doc.turns} == {"C. Martin", "La rédaction"}
    assert any("C. Martin" in n for n in doc.notes)


def test_lines_without_blank_lines_are_paragraphs():
    doc = parse_print_interview("\n".join(l for l in FR.splitlines() if l.strip()), lang="fr")
    assert roles(doc) == ["interviewer", "interviewee"] * 2


def test_wrapped_lines_join_within_a_paragraph():
    text = FR.replace("plus vite en commun. Je", "plus vite\nen commun. Je")
    assert parse_print_interview(text, lang="fr").turns[1].text.startswith(
        "Nous pensons que la recherche avance plus vite en commun.")


def test_fragment_joins_previous_paragraph():
    text = FR.replace("ne font pas ce choix...\n", "ne font pas ce choix, par exemple\n\nAcme Labs,\n")
    doc = parse_print_interview(text, lang="fr")
    assert doc.turns[2].text == "Vos concurrents ne font pas ce choix, par exemple Acme Labs,"
    assert any("layout fragment 'Acme Labs,'" in n for n in doc.turns[2].notes)


def test_short_answer_with_punctuation_is_not_a_fragment():
    text = FR.replace("C'est leur affaire. Notre position est claire.", "Absolument.")
    doc = parse_print_interview(text, lang="fr")
    assert doc.turns[-1].role == "interviewee" and doc.turns[-1].text == "Absolument."


def test_truncated_start_and_end_flags():
    text = FR.replace("Pourquoi avez-vous", "et pourquoi avez-vous").replace(
        "Tous droits", "Et demain, vous publierez tout ?\n\nTous droits")
    doc = parse_print_interview(text, lang="fr")
    assert doc.truncated_start and doc.truncated_end
    assert doc.turns[-1].role == "interviewer"
    dont = parse_print_interview(FR.replace("Pourquoi avez-vous", "Dont acte. Pourquoi avez-vous"),
                                 lang="fr")
    assert dont.truncated_start


def test_truncated_end_without_final_punctuation():
    doc = parse_print_interview(FR.replace("Notre position est claire.", "Notre position est"),
                                lang="fr")
    assert doc.truncated_end and doc.turns[-1].role == "interviewee"


def test_statement_with_second_person_is_interviewer():
    text = FR.replace("Vos concurrents ne font pas ce choix...", "Vous avez investi dix milliards.")
    doc = parse_print_interview(text, lang="fr")
    assert doc.turns[2].role == "interviewer" and "second-person" in doc.turns[2].notes[0]


@pytest.mark.parametrize("description,lang,expected", [
    ("directrice de la recherche en IA chez Meta", "fr", ("directrice de la recherche en IA", "Meta")),
    ("PDG de Mistral AI", "fr", ("PDG", "Mistral AI")),
    ("cofondateur et directeur scientifique d’OpenAI", "fr",
     ("cofondateur et directeur scientifique", "OpenAI")),
    ("directeur du laboratoire de recherche", "fr", ("directeur du laboratoire de recherche", None)),
    ("head of AI research at Meta", "en", ("head of AI research", "Meta")),
    ("CEO of OpenAI", "en", ("CEO", "OpenAI")),
    ("CEO, OpenAI", "en", ("CEO", "OpenAI")),
    ("independent researcher", "en", ("independent researcher", None)),
])
def test_split_description(description, lang, expected):
    assert split_description(description, lang) == expected


# --- errors --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n  \n\r\n", "\ufeff"])
def test_empty_file(text):
    with pytest.raises(InputError, match=r"entretien\.txt: the file is empty"):
        parse_print_interview(text, lang="fr", path="entretien.txt")


def test_no_body_paragraphs():
    text = FR.split("\n-\n")[0] + "\n-\n\nNewspapers in French\nNewspapers from France\n"
    with pytest.raises(InputError, match="no interview paragraphs") as err:
        parse_print_interview(text, lang="fr", path="vide.txt")
    assert err.value.line is not None and "vide.txt" in str(err.value)


def test_no_detectable_question_is_an_error_not_a_guess():
    text = FR.replace("Pourquoi avez-vous choisi de publier vos modèles ?",
                      "Le choix de publier les modèles.").replace(
        "ne font pas ce choix...", "ne font pas ce choix.")
    with pytest.raises(InputError, match="no question detected") as err:
        parse_print_interview(text, lang="fr", path="sans_questions.txt")
    assert err.value.line == 7 and "Name: text" in str(err.value)


def test_unsupported_language():
    with pytest.raises(InputError, match="unsupported language 'de'"):
        parse_print_interview(FR, lang="de", path="a.txt")
    with pytest.raises(ValueError):
        split_description("CEO of OpenAI", "de")
