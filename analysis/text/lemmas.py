"""Lemmas from packaged data (simplemma), looked up once per word type.

A text of 100,000 tokens has perhaps 8,000 distinct types; :func:`lemma_map` lemmatizes
each type once and the bag of tokens is then re-keyed (:func:`lemmatize_counts`). Tokens
made by the phrase list (they contain ``_``), numbers and names with digits are their
own lemma. French elided articles map to their full forms (``l'`` -> ``le``).

Reference: Barbaresi, A. (2023). *simplemma: a simple multilingual lemmatizer for Python*.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter

import pandas as pd
import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY, DictionaryLookupStrategy

from analysis.text.tokenize import check_language

FR_ELISIONS = {"l'": "le", "d'": "de", "j'": "je", "m'": "me", "n'": "ne", "s'": "se", "t'": "te",
               "c'": "ce", "qu'": "que", "jusqu'": "jusque", "lorsqu'": "lorsque",
               "puisqu'": "puisque", "quoiqu'": "quoique"}
#: Corrections where simplemma's dictionary is wrong for this domain's vocabulary.
OVERRIDES = {
    "en": {"gpus": "gpu", "tpus": "tpu", "cpus": "cpu", "llms": "llm", "h100s": "h100", "h200s": "h200",
           "a100s": "a100", "b200s": "b200", "gb200s": "gb200", "datum": "data", "data": "data", "ais": "ai",
           "ai": "ai"},  # simplemma reads "ai" as a form of "be"
    # "imagine" in this corpus is Meta's image generator, not the verb imaginer.
    "fr": {"gpu": "gpu", "gpus": "gpu", "tpus": "tpu", "h100s": "h100", "clusters": "cluster", "ia": "ia",
           "données": "donnée", "modèles": "modèle", "open": "open", "imagine": "imagine"},
}


_CACHE: dict[str, dict[str, str]] = {"fr": {}, "en": {}}
_DIGIT = re.compile(r"\d")
# simplemma's public dictionary-lookup strategy: the first step of simplemma.lemmatize
_DICTIONARY_LOOKUP = DictionaryLookupStrategy()
_DICTIONARIES: dict = {}


def lemma(token: str, lang: str) -> str:
    """The lemma of one lower-cased token (memoised: each type is looked up once)."""
    cache = _CACHE[check_language(lang)]
    result = cache.get(token)            # not try/except: a raised KeyError costs more than the lookup
    if result is None:
        result = cache[token] = _lookup(token, lang)
    return result


def clear_cache() -> None:
    """Forget memoised lemmas (after editing OVERRIDES, or to time a cold run)."""
    for cache in _CACHE.values():
        cache.clear()


def _dictionary(lang: str):
    """simplemma's dictionary for ``lang`` (a read-only ``{form: lemma}`` mapping), fetched once."""
    dictionary = _DICTIONARIES.get(lang)
    if dictionary is None:
        dictionary = _DICTIONARIES[lang] = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
    return dictionary


def _lookup(token: str, lang: str) -> str:
    override = OVERRIDES[check_language(lang)].get(token)
    if override:
        return override
    if token.isalpha():
        # Fastest path, for most types: a plain word (no elision, phrase or digit) found as it
        # is in simplemma's dictionary: the first thing DictionaryLookupStrategy.get_lemma
        # tries (English and French tokens need no canonical form; tests/test_tokenize.py checks).
        entry = _dictionary(lang).get(token)
        if entry is not None:
            return entry.lower()
    if lang == "fr" and token in FR_ELISIONS:
        return FR_ELISIONS[token]
    if "_" in token or _DIGIT.search(token):
        return token
    # Fast path: a plain word found in simplemma's dictionary gets the dictionary's lemma,
    # which is what simplemma.lemmatize returns for it (tests/test_tokenize.py checks).
    entry = _DICTIONARY_LOOKUP.get_lemma(token, lang) if token.isalpha() else None
    if entry is not None:
        return entry.lower()
    return simplemma.lemmatize(token, lang=lang).lower()


def lemma_map(types, lang: str) -> dict[str, str]:
    """``{type: lemma}`` for every distinct type in ``types``."""
    return {t: lemma(t, lang) for t in set(types)}


def lemmatize_counts(counts: Counter, lang: str) -> Counter:
    """Re-key a bag of tokens by lemma, summing the counts of types that share one.

    Lemmas in order of their first token in ``counts``. The types not memoised yet are
    looked up first, in one pass that fetches the dictionary and the overrides once.
    """
    cache = _CACHE[check_language(lang)]
    new = list(itertools.filterfalse(cache.__contains__, counts))     # most types are known
    if new:
        _learn(new, lang, cache)
    out: dict[str, int] = {}
    get = out.get
    for key, n in zip(map(cache.__getitem__, counts), counts.values()):
        out[key] = get(key, 0) + n
    return Counter(out)


def _learn(tokens, lang: str, cache: dict[str, str]) -> None:
    """Memoise the lemmas of ``tokens`` (as :func:`_lookup`, its dictionary fast path inlined)."""
    overrides, entry_of = OVERRIDES[lang], _dictionary(lang).get
    elisions = FR_ELISIONS if lang == "fr" else {}
    has_digit = _DIGIT.search
    for token in tokens:
        if token not in overrides:
            if token.isalpha():
                entry = entry_of(token)
                if entry is not None:
                    cache[token] = entry.lower()
                    continue
            elif token not in elisions and ("_" in token or has_digit(token)):
                cache[token] = token             # a phrase, a number or a name with digits
                continue
        cache[token] = _lookup(token, lang)


def lemmatize_tokens(tokens: list[str], lang: str) -> list[str]:
    """Lemmas of a token sequence (each distinct type looked up once)."""
    mapping = lemma_map(tokens, lang)
    return [mapping[t] for t in tokens]


def lemmas_and_stems(tokens, lang: str):
    """Each distinct token beside its lemma (simplemma) and its Snowball stem (NLTK, no data needed).

    Stemming cuts suffixes by rule (Porter 1980; the Snowball French stemmer), so it
    conflates ``chercheurs`` and ``cherche``; lemmatizing looks the word up, so it keeps
    them apart. The table shows where the two disagree.
    """

    from nltk.stem.snowball import SnowballStemmer   # here: importing NLTK takes half a second
    stemmer = SnowballStemmer({"fr": "french", "en": "english"}[check_language(lang)])
    rows = [(t, lemma(t, lang), stemmer.stem(t)) for t in dict.fromkeys(tokens)]
    return pd.DataFrame(rows, columns=["token", "lemma", "stem"])
