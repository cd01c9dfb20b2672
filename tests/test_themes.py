"""Theme dictionary and matcher: validation, matching rules, bilingual behaviour, the seed."""
from collections import Counter

import pandas as pd
import pytest

import analysis.text.themes as themes
from analysis.core.paths import PROJECT_ROOT
from analysis.text.phrases import load_phrase_table
from analysis.core.textio import InputError, read_text
from analysis.text.themes import ThemeMatcher, load_dictionary
from analysis.text.tokenize import count_tokens, tokenize

HEADER = "theme,concept,lang,term,match,note\n"
PHRASES = PROJECT_ROOT / "corpus" / "phrases.csv"


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher()


def hits(matcher, text, lang):
    """Themes with at least one hit in ``text``."""
    return {t for t, n in matcher.match_counts(count_tokens(text, lang), lang).items() if n}


def write_dictionary(tmp_path, rows: str, name="dictionary.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


# --- the project's dictionary -------------------------------------------------------------

def test_project_dictionary_loads_and_every_concept_is_bilingual():
    table = load_dictionary()
    assert 6 <= table["theme"].nunique() <= 9
    assert table["note"].str.len().min() > 10
    langs = table.groupby("concept")["lang"].agg(set)
    assert (langs == {"fr", "en"}).all(), langs[langs != {"fr", "en"}]


def test_every_phrase_term_is_a_canonical_phrase_that_tokenizing_produces():
    table = load_dictionary()
    rows = load_phrase_table(PHRASES)
    for term, lang in table.loc[table["match"] == "phrase", ["term", "lang"]].itertuples(index=False):
        variants = [v for r in rows if r["canonical"] == term and r["lang"] in ("*", lang)
                    for v in r["variants"]]
        assert variants, f"{term} ({lang}) missing from phrases.csv"
        assert any(tokenize(v, lang) == [term] for v in variants), f"no variant of {term} tokenizes to it"


@pytest.mark.parametrize("fr, en, theme", [
    ("Nous sommes à court de GPU.", "We are short of GPUs.", "compute_scarcity"),
    ("Les centres de données consomment des gigawatts.", "Data centres draw gigawatts.", "compute_scarcity"),
    ("Nous publions le modèle en open source.", "We release the model as open source.", "open_source_risk"),
    ("Les deepfakes menacent les élections.", "Deepfakes threaten elections.", "elections_misinformation"),
    ("La guerre des talents et les salaires.", "The talent war and salaries.", "talent_war"),
    ("Les garde-fous du modèle.", "The model's guardrails.", "safety_guardrails"),
    ("Le générateur reproduit des stéréotypes.", "The generator reproduces stereotypes.",
     "bias_representation"),
    ("Le risque existentiel de l'AGI.", "The existential risk of AGI.", "agi_future"),
])
def test_french_and_english_hit_the_same_single_theme(matcher, fr, en, theme):
    assert hits(matcher, fr, "fr") == hits(matcher, en, "en") == {theme}


@pytest.mark.parametrize("text, lang", [
    ("The concentration of power in a few companies worries me.", "en"),
    ("Power corrupts; he has a lot of energy.", "en"),
    ("It is an open question, and OpenAI will release a new product.", "en"),
    ("It is safe to say the model is good.", "en"),
    ("I woke up early and fixed the inductive bias of the network.", "en"),
    ("We generate synthetic data and filter it.", "en"),
    ("The board voted; researchers published a model.", "en"),
    ("Il faut que nous soyons en capacité de le faire sans risque.", "fr"),
    ("Il a agi vite, par le biais de ce genre de modèle.", "fr"),
    ("Une débauche de moyens et beaucoup d'énergie.", "fr"),
])
def test_ambiguous_words_do_not_hit_any_theme(matcher, text, lang):
    assert hits(matcher, text, lang) == set()


def test_compute_specific_power_phrases_do_hit(matcher):
    assert hits(matcher, "They bought a nuclear power plant for the cluster.", "en") == {"compute_scarcity"}
    assert hits(matcher, "La consommation d'énergie des centrales électriques.", "fr") == {"compute_scarcity"}


def test_the_seed_paragraphs_hit_their_themes(matcher):
    seed = read_text(PROJECT_ROOT / "seeds" / "000_f7e0c75ec0433191.txt")
    paragraphs = [p for p in seed.split("\n") if p.strip()]
    compute = next(p for p in paragraphs if p.startswith("Nous sommes toujours à court de GPU"))
    emu = next(p for p in paragraphs if p.startswith("Dans le cas d’Emu"))
    compute_counts, emu_counts = count_tokens(compute, "fr"), count_tokens(emu, "fr")
    assert matcher.match_counts(compute_counts, "fr")["compute_scarcity"] >= 3
    assert {"gpu", "datacenter", "capacité_de_calcul"} <= set(
        matcher.matched_terms(compute_counts, "fr", "compute_scarcity"))
    assert matcher.match_counts(emu_counts, "fr")["elections_misinformation"] >= 3
    assert {"élection", "fausse_image", "watermarking"} <= set(
        matcher.matched_terms(emu_counts, "fr", "elections_misinformation"))
    assert matcher.match_counts(emu_counts, "fr")["open_source_risk"] >= 1


def test_matched_terms_lists_forms_for_review(matcher):
    counts = Counter({"woke": 2, "biased": 1, "gpus": 4})
    assert matcher.matched_terms(counts, "en", "bias_representation") == Counter({"woke": 2, "bias": 1})
    with pytest.raises(ValueError, match="unknown theme 'gpu'.*compute_scarcity"):
        matcher.matched_terms(counts, "en", "gpu")


# --- matching rules on a small hand-made dictionary ---------------------------------------

@pytest.fixture
def small(tmp_path):
    path = write_dictionary(tmp_path, (
        "hardware,chips,en,chip,lemma,Chip only.\n"
        "hardware,chips,en,gpu,lemma,GPU.\n"
        "hardware,labels,en,watermark*,wildcard,Any watermark form.\n"
        "hardware,labels,en,watermarking,lemma,Same tokens again: must count once per theme.\n"
        "release,opening,en,open_source,phrase,Open source.\n"
        "release,opening,en,chip,lemma,Also here: one token may hit two themes.\n"
    ))
    return ThemeMatcher(path)


def test_hits_are_tokens_counted_once_per_theme(small):
    counts = Counter({"gpus": 3, "gpu": 1, "chips": 2, "watermarking": 2, "open_source": 1, "the": 9})
    # hardware: gpus 3 + gpu 1 + chips 2 + watermarking 2 (not 4) = 8; release: open_source 1 + chips 2 = 3
    assert small.match_counts(counts, "en") == {"hardware": 8, "release": 3}
    assert small.concept_counts(counts, "en") == {"chips": 6, "labels": 2, "opening": 3}


def test_wildcards_match_lemma_prefixes_and_lemmas_match_whole_words(small):
    assert small.match_counts(Counter(["watermarked", "watermarks", "watermark"]), "en")["hardware"] == 3
    assert small.match_counts(Counter(["water", "chipset", "gpux", "wat"]), "en") == {"hardware": 0, "release": 0}


def test_languages_are_kept_apart_and_checked(small):
    assert small.match_counts(Counter(["chip"]), "fr") == {"hardware": 0, "release": 0}
    with pytest.raises(ValueError, match="fr, en"):
        small.match_counts(Counter(["chip"]), "de")
    with pytest.raises(ValueError, match="Counter"):
        small.match_counts(["chip", "gpu"], "en")


def test_score_turns_gives_one_row_per_turn(small):
    table = small.score_turns([Counter(["chip"]), Counter(), Counter(["open_source", "gpu"])], "en")
    assert list(table.columns) == ["hardware", "release"]
    assert table.to_numpy().tolist() == [[1, 1], [0, 0], [1, 1]]
    assert (table.dtypes == "int64").all()
    assert small.score_turns([Counter(["gpu"]), Counter(["gpu"])], ["en", "fr"])["hardware"].tolist() == [1, 0]
    with pytest.raises(ValueError, match="2 bags but 1 languages"):
        small.score_turns([Counter(), Counter()], ["en"])


def test_each_token_type_is_lemmatized_once(small, monkeypatch):
    calls = Counter()
    real = themes.lemma

    def counting(token, lang):
        calls[token] += 1
        return real(token, lang)

    monkeypatch.setattr(themes, "lemma", counting)
    fresh = ThemeMatcher(small.dictionary_)
    fresh.score_turns([Counter({"gpus": 5, "chips": 1}), Counter({"gpus": 2, "the": 3})], "en")
    assert calls == Counter({"gpus": 1, "chips": 1, "the": 1})


def test_a_dataframe_is_accepted_and_checked(small):
    assert ThemeMatcher(small.dictionary_).themes_ == ["hardware", "release"]
    with pytest.raises(ValueError, match="lacks column"):
        ThemeMatcher(pd.DataFrame({"theme": ["x"]}))


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("rows, message", [
    ("t,c,en,gpu,regex,A note.\n", "line 2: unknown match type 'regex'"),
    ("t,c,de,gpu,lemma,A note.\n", "line 2: unknown lang 'de'"),
    ("t,c,en,gpu,lemma,A note.\nt,c,en,chip,lemma,\n", "line 3: empty 'note' for term 'chip'"),
    ("t,c,en,gpu,lemma,A note.\nt,c,en,GPU,lemma,Again.\n", "line 3: term 'gpu' .* twice in concept 'c'.*line 2"),
    ("t,c,en,open source,phrase,A note.\n", "line 2: phrase 'open source' is not a canonical.*'open_source'"),
    ("t,c,en,quantum_chip,phrase,A note.\n", "line 2: phrase 'quantum_chip'.*add a row to corpus/phrases.csv"),
    ("t,c,fr,data_center,phrase,A note.\n", "line 2: phrase 'data_center' .* for lang en only"),
    ("t,c,en,data_center,lemma,A note.\n", "line 2: multiword term 'data_center' has match=lemma"),
    ("t,c,en,wa*,wildcard,A note.\n", "line 2: bad wildcard 'wa\\*'"),
    ("t,c,en,water*mark,wildcard,A note.\n", "line 2: bad wildcard"),
    ("t,c,en,gpu*,lemma,A note.\n", "line 2: 'gpu\\*' contains \\* but its match is 'lemma'"),
    ("t,c,en,gpu,lemma,A note.\nu,c,en,chip,lemma,A note.\n", "line 3: concept 'c' is under two themes"),
    ("Compute,c,en,gpu,lemma,A note.\n", "line 2: theme 'Compute' is not a key"),
    ("", "has no terms"),
])
def test_validation_errors_name_the_file_and_line(tmp_path, rows, message):
    path = write_dictionary(tmp_path, rows)
    with pytest.raises(InputError, match=message) as caught:
        load_dictionary(path, phrases_path=PHRASES)
    assert caught.value.path == path


def test_missing_file_and_columns_are_reported(tmp_path):
    with pytest.raises(InputError, match="theme dictionary not found"):
        load_dictionary(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("theme,concept,lang,term\nt,c,en,gpu\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: missing column.*match, note"):
        load_dictionary(bad)


def test_a_new_phrase_becomes_usable_once_added_to_the_phrase_list(tmp_corpus):
    path = write_dictionary(tmp_corpus, "t,c,en,quantum_chip,phrase,A note.\n")
    with pytest.raises(InputError, match="quantum_chip"):
        load_dictionary(path)
    with open(tmp_corpus / "phrases.csv", "a", encoding="utf-8") as handle:
        handle.write('en,quantum_chip,quantum chip,"Test phrase."\n')
    matcher = ThemeMatcher(path)
    assert matcher.match_counts(count_tokens("Two quantum chips.", "en"), "en") == {"t": 1}
