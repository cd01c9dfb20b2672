"""The fast counting path (chunk memo, batch learning, phrase merging, lemma re-keying) against
plain references and against the counts the pipeline gave before it was rewritten for speed.

The texts are generated (seeded): words of the phrase list in every spelling, words the
tokenizer treats specially (elisions, contractions, hyphens, inversions, numbers, names with
digits) and everyday words, wrapped in punctuation and joined by assorted whitespace, so
phrases straddle chunks, start inside multi-token chunks and overlap. The golden digests
were printed by the pipeline at main 0a2a34f (before issue 16's throughput work) with
``python tests/test_pipeline_fast_path.py``.
"""
from __future__ import annotations

import hashlib
import random
import sys
from collections import Counter

import pytest

from analysis.text import lemmas, tokenize as tokenize_module
from analysis.text.lemmas import lemmatize_counts
from analysis.text.phrases import load_phrase_table, phrase_file
from analysis.text.tokenize import count_tokens, phrase_matcher, raw_tokens, tokenize

EVERYDAY = {
    "en": ("the we it and of to a in that is was data model models people power out right open human "
           "machine learning deep language large super compute training chips gpus tpus h100s ai ais "
           "researchers he she they think really said release released share weights safety").split(),
    "fr": ("le la les de des et un une nous vous il elle est sont données modèles calcul puissance "
           "ouvert open source gpu ia intelligence artificielle chercheurs entraînement puces").split(),
}
SPECIAL = {
    "en": ["don't", "it's", "he's", "they'd", "world-class", "co-founder", "state-of-the-art", "650,000",
           "1.5", "70%", "10x", "h100", "gpt-4", "llama-3", "u.s.", "her/him", "mm-hmm", "80s", "—", "-",
           "...", "o'clock", "students'", "'quoted'"],
    "fr": ["l’accélérateur", "l'ia", "jusqu'à", "lorsqu'il", "qu’est", "aujourd’hui", "lui-même",
           "peut-être", "est-il", "a-t-elle", "rendez-vous", "650.000", "1,5", "70%", "10x", "h100",
           "gpt-4", "c'est", "d’open", "l’open", "—", "..."],
}
BEFORE = ("", "", "", "", "(", "“", "«", "[", "'", "\"")
AFTER = ("", "", "", "", ",", ".", "!", "?", ";", ":", ")", "”", "»", "]", "'s", "/", "-", "...", ",\"")
SPACES = (" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u202f")


def phrase_words(lang: str) -> list[str]:
    """Every variant of the phrase list for ``lang``, split into its words."""
    words = []
    for row in load_phrase_table(phrase_file()):
        if row["lang"] in ("*", lang):
            for variant in row["variants"]:
                words.append(variant)
    return words


def generated_text(lang: str, seed: int, n_items: int = 6000) -> str:
    """A seeded text of ``n_items`` items (a phrase variant, a special or an everyday word)."""
    rng = random.Random(seed)
    phrases, special, everyday = phrase_words(lang), SPECIAL[lang], EVERYDAY[lang]
    out = []
    for _ in range(n_items):
        pick = rng.random()
        item = rng.choice(phrases) if pick < 0.25 else rng.choice(special) if pick < 0.35 else rng.choice(everyday)
        if rng.random() < 0.1:
            item = item.upper() if rng.random() < 0.5 else item.capitalize()
        if rng.random() < 0.05:                       # a phrase glued to its neighbour: "her/open source"
            item = rng.choice(everyday) + rng.choice(("/", "(", "—", "'", "-")) + item
        out.append(rng.choice(BEFORE) + item + rng.choice(AFTER) + rng.choice(SPACES))
    return "".join(out)


def reference_counts(text: str, lang: str) -> Counter:
    """The chunk path's counts and key order, written token by token: types in order of first
    occurrence, multiword terms added in the order they are matched, one-token spellings
    re-keyed last (as ``PhraseMatcher.count_chunks`` does)."""
    matcher = phrase_matcher(lang)
    tokens = raw_tokens(text, lang)
    counts = Counter(tokens)
    for start, length, canonical in matcher.matches(tokens):
        if length > 1:
            counts[canonical] += 1
            for token in tokens[start:start + length]:
                counts[token] -= 1
    for token in [t for t, n in counts.items() if n <= 0]:
        del counts[token]
    for token in matcher.single.keys() & counts.keys():
        counts[matcher.single[token]] += counts.pop(token)
    return counts


def digest(counts: Counter) -> str:
    """sha256 of the sorted (type, count) pairs: independent of key order and of the hash seed."""
    return hashlib.sha256(repr(sorted(counts.items())).encode("utf-8")).hexdigest()[:16]


CASES = [("en", 1), ("en", 2), ("fr", 3), ("fr", 4)]
#: digests of (count_tokens, lemmatize_counts) printed by the pipeline before the rewrite
GOLDEN = {
    ("en", 1): ("bc66bc9a0474bad8", "b00dae730ac583b6"),
    ("en", 2): ("9af5b2002eb8c31c", "e494cd047f37d990"),
    ("fr", 3): ("d9e3252e0e9a8448", "cde71e3fc76af0ec"),
    ("fr", 4): ("e2be43bc0d17b42b", "f7409df887f29676"),
}


def cold(function, *args):
    tokenize_module.clear_cache()
    lemmas.clear_cache()
    return function(*args)


@pytest.mark.parametrize("lang, seed", CASES)
def test_fast_counts_equal_the_token_by_token_counts_and_key_order(lang, seed):
    text = generated_text(lang, seed)
    counts = cold(count_tokens, text, lang)
    assert counts == Counter(tokenize(text, lang))
    assert list(counts.items()) == list(reference_counts(text, lang).items())
    assert list(count_tokens(text, lang).items()) == list(counts.items())        # from the memo


@pytest.mark.parametrize("lang, seed", CASES)
def test_fast_counts_and_lemmas_are_those_of_before_the_rewrite(lang, seed):
    text = generated_text(lang, seed)
    counts = cold(count_tokens, text, lang)
    bag = lemmatize_counts(counts, lang)
    assert (digest(counts), digest(bag)) == GOLDEN[lang, seed]


def test_documents_in_any_order_give_the_same_bags():
    """The memos filled by one document never change another document's counts or key order."""
    texts = [generated_text("en", seed, 1500) for seed in range(5, 9)]
    alone = [list(cold(lambda t: lemmatize_counts(count_tokens(t, "en"), "en"), t).items()) for t in texts]
    tokenize_module.clear_cache()
    lemmas.clear_cache()
    together = [list(lemmatize_counts(count_tokens(t, "en"), "en").items()) for t in reversed(texts)]
    assert together[::-1] == alone


@pytest.mark.parametrize("text", ["we trained a large/language model today",
                                  "a large/language model, large/language/model and large language/model"])
def test_a_term_starting_inside_a_chunk_is_not_counted_inside_an_earlier_match(text):
    """Before the rewrite, the chunk path went on matching in a chunk after a match that ran into
    the next chunk: "large/language model" gave large_language_model and language_model."""
    counts = cold(count_tokens, text, "en")
    assert counts == Counter(tokenize(text, "en"))
    assert counts["large_language_model"] == text.count("large") and "language_model" not in counts


#: the token patterns as written before they were factored for speed (possessive repeats)
_NUMBER_BEFORE = r"\d+(?:[.,]\d{3})+(?:[.,]\d+)?%?|\d+(?:[.,]\d+)?(?:%|x\b)?"
_WORD_BEFORE = r"\w+(?:[-']\w+)*"
_ELISION_BEFORE = r"(?:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])'(?=\w)"
EDGE_CASES = ("1,234.5 12,34 1.2345 10x 10xs 3gpus h100s 1,000,000% 12.3.4 ' -a- a-'b d'x qu'il l'' "
              "jusqu'à 1.1.1 ٣٤٥ ²³ ſ'x x10 10,5x 7%% 0.5x, _1f-o0nqpei&t=13514 [(03:45:14)]")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_factored_token_pattern_finds_what_the_plain_one_found(lang):
    import re
    plain = {"en": rf"{_NUMBER_BEFORE}|{_WORD_BEFORE}",
             "fr": rf"{_ELISION_BEFORE}|{_NUMBER_BEFORE}|{_WORD_BEFORE}"}[lang]
    before = re.compile(plain, re.IGNORECASE)
    now = tokenize_module.TOKEN_PATTERNS[lang]
    for text in [EDGE_CASES] + [tokenize_module.normalise(generated_text(l, s)) for l in ("en", "fr") for s in (1, 3)]:
        assert now.findall(text) == before.findall(text)


def test_chunk_memo_learns_in_batches_and_empties_itself_at_its_limit(monkeypatch):
    from analysis.text.tokenize import ChunkMemo
    memo = ChunkMemo("fr")
    chunks = ["l'ia,", "est-il", "—", "gpu", "h100s.", "(llama", "a-t-elle?"]
    memo.ensure(chunks)
    assert [memo.tokens(c) for c in chunks] == [tuple(raw_tokens(c, "fr")) for c in chunks]
    assert memo.single["gpu"] == "gpu" and memo.other["—"] == () and memo.other["est-il"] == ("est", "il")
    monkeypatch.setattr(ChunkMemo, "LIMIT", 8)
    memo.ensure(["open", "source", "data"])          # 7 known + 3 new > 8: emptied, then these learnt
    assert len(memo) == 3 and memo.tokens("source") == ("source",)


def test_chunk_memo_tracks_the_chunks_that_can_start_a_term_for_each_phrase_list():
    from analysis.text.tokenize import ChunkMemo
    memo = ChunkMemo("en")
    starts = frozenset({"open"})
    memo.ensure(["open,", "source", "her/open", "model"])
    assert memo.chunks_with(starts) == {"open,", "her/open"}
    memo.ensure(["(open", "models", "open"])               # learnt after: kept up to date
    assert memo.chunks_with(starts) == {"open,", "her/open", "(open", "open"}
    assert memo.chunks_with(frozenset({"model", "models"})) == {"model", "models"}   # another list


if __name__ == "__main__":      # print the digests (to fill GOLDEN from a known-good version)
    for lang, seed in CASES:
        text = generated_text(lang, seed)
        counts = cold(count_tokens, text, lang)
        print(f"    ({lang!r}, {seed}): ({digest(counts)!r}, {digest(lemmatize_counts(counts, lang))!r}),")
    sys.exit(0)
