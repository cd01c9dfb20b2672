"""Tokenizing French and English without downloaded data.

The tokenizer is a single regular expression (the approach of NLTK's ``RegexpTokenizer``,
which needs no ``punkt`` download), applied after lower-casing and after multiword terms
are merged (:mod:`analysis.text.phrases`). What it does, by example:

* French elisions are split off and keep their apostrophe: ``l’accélérateur`` ->
  ``l'`` ``accélérateur``; ``jusqu'à`` -> ``jusqu'`` ``à``. Both ' and ’ are accepted.
* English contractions stay whole: ``don't``, ``it's``.
* Hyphenated words stay whole (``lui-même``, ``peut-être``, ``gpt-4``), except French
  verb-subject inversions, which are split: ``est-il`` -> ``est`` ``il``;
  ``a-t-elle`` -> ``a`` ``elle``.
* Numbers keep their grouping: ``650.000``, ``1,5``, ``10x``, ``70%``.
* Names with digits stay whole: ``h100``; ``llama 3`` is merged by the phrase list.
* Punctuation is dropped.

Multiword terms from ``corpus/phrases.csv`` are then merged into one token each
(``open source`` -> ``open_source``; :mod:`analysis.text.phrases`).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from analysis.text.phrases import PhraseMatcher, load_phrase_table, phrase_file
from analysis.core.textio import InputError

LANGUAGES = ("fr", "en")
#: Characters unified before tokenizing (str.replace per character is ~20x faster than str.translate).
UNIFY = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("\u00a0", " "), ("\u202f", " "))

_NUMBER = r"\d+(?:[.,]\d{3})+(?:[.,]\d+)?%?|\d+(?:[.,]\d+)?(?:%|x\b)?"
_WORD = r"\w+(?:[-']\w+)*"
_FR_ELISION = r"(?:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])'(?=\w)"

TOKEN_PATTERNS = {
    "fr": re.compile(rf"{_FR_ELISION}|{_NUMBER}|{_WORD}", re.IGNORECASE),
    "en": re.compile(rf"{_NUMBER}|{_WORD}", re.IGNORECASE),
}
_FR_INVERSION = re.compile(r"^(\w+?)-(?:t-)?(il|elle|ils|elles|on|je|tu|nous|vous|ce)$")
_NOT_INVERSIONS = frozenset({"rendez-vous", "chez-nous", "chez-vous"})


def check_language(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ``ValueError`` that lists the choices."""
    if lang not in TOKEN_PATTERNS:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def normalise(text: str) -> str:
    """Lower-case and unify apostrophes and non-breaking spaces."""
    for char, replacement in UNIFY:
        if char in text:
            text = text.replace(char, replacement)
    return text.lower()


def _split_inversions(tokens: list[str]) -> list[str]:
    out = []
    for token in tokens:
        match = _FR_INVERSION.match(token) if "-" in token else None
        if match and token not in _NOT_INVERSIONS:
            out.extend(match.groups())
        else:
            out.append(token)
    return out


def raw_tokens(text: str, lang: str) -> list[str]:
    """Tokens before multiword terms are merged."""
    tokens = TOKEN_PATTERNS[check_language(lang)].findall(normalise(text))
    return _split_inversions(tokens) if lang == "fr" else tokens


@lru_cache(maxsize=16)
def _matcher(lang: str, path: str, mtime_ns: int) -> PhraseMatcher:
    return PhraseMatcher.from_table(load_phrase_table(path), lang, lambda t: raw_tokens(t, lang), path)


def phrase_matcher(lang: str, path=None) -> PhraseMatcher:
    """The phrase matcher for ``lang``; rebuilt when the phrase list file changes."""
    path = phrase_file(path)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise InputError(path, "phrase list not found", hint="restore corpus/phrases.csv") from None
    return _matcher(check_language(lang), str(path), mtime)


def tokenize(text: str, lang: str, *, phrases: bool = True) -> list[str]:
    """Lower-cased tokens of ``text`` in ``lang`` (``"fr"`` or ``"en"``), phrases merged."""
    tokens = raw_tokens(text, lang)
    return phrase_matcher(lang).merge(tokens) if phrases else tokens


_CHUNK_TOKENS: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in LANGUAGES}
_CHUNK_CACHE_LIMIT = 500_000
_TRAILING = frozenset(".,;:!?)\"»”")


def _chunk_tokenizer(lang: str):
    """``tokens_of(chunk)``: raw tokens of one whitespace-free chunk, memoised per language.

    ``tokens_of.cache`` is the memo (chunk -> tokens) and ``tokens_of.learn(chunk)`` tokenizes
    a chunk not in it yet and stores it, so a caller that reads the memo itself does not pay
    a second lookup on a miss.
    """
    cache, pattern = _CHUNK_TOKENS[lang], TOKEN_PATTERNS[lang]

    def learn(chunk: str) -> tuple[str, ...]:
        if chunk.isalpha():            # most chunks: a plain word is its own single token
            result = cache[chunk] = (chunk,)
            return result
        if chunk[-1] in _TRAILING and chunk[:-1].isalpha():     # "word," -> word
            result = cache[chunk] = (chunk[:-1],)
            return result
        tokens = pattern.findall(chunk)
        if lang == "fr":
            tokens = _split_inversions(tokens)
        if len(cache) >= _CHUNK_CACHE_LIMIT:
            cache.clear()
        result = cache[chunk] = tuple(tokens)
        return result

    def tokens_of(chunk: str) -> tuple[str, ...]:
        result = cache.get(chunk)        # not try/except: a raised KeyError costs more than the lookup
        return learn(chunk) if result is None else result

    tokens_of.cache, tokens_of.learn = cache, learn
    return tokens_of


def clear_cache() -> None:
    """Forget memoised chunk tokenizations (to time a cold run, or free memory)."""
    for cache in _CHUNK_TOKENS.values():
        cache.clear()


def count_tokens(text: str, lang: str, *, phrases: bool = True) -> Counter:
    """Bag of tokens of ``text``: the same as ``Counter(tokenize(text, lang))``, faster.

    No token spans whitespace, so the text is split at whitespace, each distinct chunk
    is tokenized once, and counts are summed over chunk types (the tokenize-once-per-type
    idea that :mod:`analysis.text.lemmas` applies to lemmas).
    """
    chunks = normalise(text).split()
    tokens_of = _chunk_tokenizer(check_language(lang))
    if phrases:
        return phrase_matcher(lang).count_chunks(chunks, tokens_of)
    counts: Counter = Counter()
    for chunk, n in Counter(chunks).items():
        for token in tokens_of(chunk):
            counts[token] += n
    return counts
