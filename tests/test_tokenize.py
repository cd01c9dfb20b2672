"""Tokenizer, phrases, lemmas and stopwords: French and English, offline."""
from collections import Counter

import pytest

from analysis.text.lemmas import OVERRIDES, lemma, lemma_map, lemmatize_counts
from analysis.text.stopwords import is_content, stopwords
from analysis.text.tokenize import count_tokens, tokenize


@pytest.mark.parametrize("text, expected", [
    ("l’accélérateur", ["l'", "accélérateur"]),
    ("l'accélérateur", ["l'", "accélérateur"]),
    ("jusqu’à lorsqu'il qu’est", ["jusqu'", "à", "lorsqu'", "il", "qu'", "est"]),
    ("aujourd’hui", ["aujourd'hui"]),
    ("lui-même peut-être", ["lui-même", "peut-être"]),
    ("est-il a-t-elle", ["est", "il", "a", "elle"]),
    ("rendez-vous", ["rendez-vous"]),
    ("650.000 H100", ["650.000", "h100"]),
    ("650\u00a0000 personnes", ["650", "000", "personnes"]),
    ("1,5 70% 10x", ["1,5", "70%", "10x"]),
    ("Llama 3 et GPT-4", ["llama_3", "et", "gpt_4"]),
    ("l’open source", ["l'", "open_source"]),
    ("IA, GPU !", ["ia", "gpu"]),
])
def test_french_tokens(text, expected):
    assert tokenize(text, "fr") == expected


@pytest.mark.parametrize("text, expected", [
    ("We don't have GPUs.", ["we", "don't", "have", "gpus"]),
    ("Open-source models, open source and data centers", ["open_source", "models", "open_source", "and",
                                                         "data_center"]),
    ("It's 1,000 H100s", ["it's", "1,000", "h100s"]),
])
def test_english_tokens(text, expected):
    assert tokenize(text, "en") == expected


def test_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="fr, en"):
        tokenize("hola", "es")


def test_phrases_respect_word_boundaries_and_count_like_tokenize():
    assert tokenize("reopen sources", "en") == ["reopen", "sources"]
    assert tokenize("open sourcery", "en") == ["open", "sourcery"]
    text = "Open source, open-source and OPEN SOURCES; the data centres of a datacenter. Open"
    assert count_tokens(text, "en") == Counter(tokenize(text, "en"))
    assert count_tokens(text, "en")["open_source"] == 3 and count_tokens(text, "en")["data_center"] == 2


def test_count_tokens_equals_counter_of_tokenize_on_the_seed():
    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.textio import read_text
    text = read_text(PROJECT_ROOT / "seeds" / "000_f7e0c75ec0433191.txt")
    assert count_tokens(text, "fr") == Counter(tokenize(text, "fr"))


def test_lemmas_of_elisions_and_domain_words():
    assert lemma("l'", "fr") == "le" and lemma("qu'", "fr") == "que"
    assert lemma("gpus", "en") == "gpu"
    assert lemma("open_source", "fr") == "open_source"
    assert lemma("chercheurs", "fr") == "chercheur"


def test_lemmatize_counts_merges_types_sharing_a_lemma():
    assert lemmatize_counts(Counter({"models": 2, "model": 1}), "en") == Counter({"model": 3})
    assert lemma_map(["models", "models", "model"], "en") == {"models": "model", "model": "model"}


def test_stopwords_domain_list_adds_and_removes():
    assert "ai" not in stopwords("en")          # removed: the corpus's subject
    assert "uh" in stopwords("en") and "ndlr" in stopwords("fr")
    assert "l'" in stopwords("fr")
    assert is_content("gpu", "fr") and not is_content("650.000", "fr") and not is_content("le", "fr")


def test_dictionary_fast_path_agrees_with_simplemma():
    import simplemma

    from analysis.text.lemmas import _lookup
    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.textio import read_text
    seed = set(tokenize(read_text(PROJECT_ROOT / "seeds" / "000_f7e0c75ec0433191.txt"), "fr"))
    english = set(tokenize("The researchers were training larger models on thousands of chips while "
                           "companies built data centers and argued about elections, deepfakes and "
                           "watermarking; he said she thought they'd gone", "en"))
    for words, lang in ((seed, "fr"), (english, "en")):
        for word in words:
            if word.isalpha() and word not in OVERRIDES[lang]:
                assert _lookup(word, lang) == simplemma.lemmatize(word, lang=lang).lower(), word


def test_english_ai_is_its_own_lemma():
    assert lemma("ai", "en") == "ai"          # simplemma alone says "be"


@pytest.mark.parametrize("text, lang", [
    ("GPUs, chips; (models) “quoted” end. Data centers! open-source? students' l'IA, 650.000 H100.", "en"),
    ("Nous sommes à court de GPU [rires] ! Est-il prêt, l’open source ? « Oui », dit-elle.", "fr"),
])
def test_chunk_counting_matches_tokenize_on_punctuation(text, lang):
    from analysis.text.tokenize import clear_cache
    clear_cache()
    assert count_tokens(text, lang) == Counter(tokenize(text, lang))
    assert count_tokens(text, lang) == Counter(tokenize(text, lang))      # second time from the memo


def _reference_lemma(token, lang):
    """The rules of analysis.text.lemmas written plainly: overrides, elisions, phrases and
    numbers as themselves, else simplemma.lemmatize (no fast path, no memo)."""
    import re
    import simplemma
    from analysis.text.lemmas import FR_ELISIONS
    if OVERRIDES[lang].get(token):
        return OVERRIDES[lang][token]
    if lang == "fr" and token in FR_ELISIONS:
        return FR_ELISIONS[token]
    if "_" in token or re.search(r"\d", token):
        return token
    return simplemma.lemmatize(token, lang=lang).lower()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cold_pipeline_gives_the_counts_and_key_order_of_a_plain_reference(lang):
    """The memoised fast paths (chunk tokens, dictionary lemmas), from empty memos, against
    token-by-token counting and lemmatizing: same counts, lemmas in the same order."""
    from analysis.core.paths import PROJECT_ROOT
    from analysis.core.textio import read_text
    from analysis.text import lemmas
    from analysis.text.tokenize import clear_cache
    if lang == "fr":
        text = read_text(PROJECT_ROOT / "seeds" / "000_f7e0c75ec0433191.txt")
    else:
        text = ("The researchers were training larger models on thousands of GPUs, H100s and TPUs; "
                "open-source models (Llama 3, GPT-4) don't stop. Data centers' power: 650,000 chips, "
                "1.5 gigawatts — the AI's compute! Companies argued about elections, deepfakes and "
                "watermarking; he said she thought they'd gone. ") * 3
    clear_cache()
    lemmas.clear_cache()
    counts = count_tokens(text, lang)
    assert counts == Counter(tokenize(text, lang))
    bag = lemmatize_counts(counts, lang)
    expected = {}
    for token, n in counts.items():
        key = _reference_lemma(token, lang)
        expected[key] = expected.get(key, 0) + n
    assert list(bag.items()) == list(expected.items())
