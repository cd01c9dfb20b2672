"""Tokenizing French and English without downloaded data.

The tokenizer is a single regular expression (the approach of NLTK's ``RegexpTokenizer``,
which needs no ``punkt`` download), applied after lower-casing and after multiword terms
are merged (:mod:`analysis.phrases`). What it does, by example:

* French elisions are split off and keep their apostrophe: ``l’accélérateur`` ->
  ``l'`` ``accélérateur``; ``jusqu'à`` -> ``jusqu'`` ``à``. Both ' and ’ are accepted.
* English contractions stay whole: ``don't``, ``it's``.
* Hyphenated words stay whole (``lui-même``, ``peut-être``, ``gpt-4``), except French
  verb-subject inversions, which are split: ``est-il`` -> ``est`` ``il``;
  ``a-t-elle`` -> ``a`` ``elle``.
* Numbers keep their grouping: ``650.000``, ``1,5``, ``10x``, ``70%``.
* Names with digits stay whole: ``h100``; ``llama 3`` is merged by the phrase list.
* Punctuation is dropped.
"""
from __future__ import annotations

import re
from collections import Counter

from .phrases import merge_phrases

LANGUAGES = ("fr", "en")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "\u00a0": " ", "\u202f": " "})

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
    return text.translate(APOSTROPHES).lower()


def _split_inversions(tokens: list[str]) -> list[str]:
    out = []
    for token in tokens:
        match = _FR_INVERSION.match(token) if "-" in token else None
        if match and token not in _NOT_INVERSIONS:
            out.extend(match.groups())
        else:
            out.append(token)
    return out


def tokenize(text: str, lang: str, *, phrases: bool = True) -> list[str]:
    """Lower-cased tokens of ``text`` in ``lang`` (``"fr"`` or ``"en"``), phrases merged."""
    pattern = TOKEN_PATTERNS[check_language(lang)]
    text = normalise(text)
    if phrases:
        text = merge_phrases(text, lang)
    tokens = pattern.findall(text)
    if lang == "fr":
        tokens = _split_inversions(tokens)
    return tokens


def count_tokens(text: str, lang: str, *, phrases: bool = True) -> Counter:
    """Bag of tokens of ``text`` (see :func:`tokenize`)."""
    return Counter(tokenize(text, lang, phrases=phrases))
