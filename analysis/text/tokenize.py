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

import itertools
import re
from collections import Counter
from functools import lru_cache

from analysis.text.phrases import PhraseMatcher, load_phrase_table, phrase_file
from analysis.core.textio import InputError

LANGUAGES = ("fr", "en")
#: Characters unified before tokenizing (str.replace per character is ~20x faster than str.translate).
UNIFY = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("\u00a0", " "), ("\u202f", " "))

# Written for speed with the same matches as ``\d+(?:[.,]\d{3})+(?:[.,]\d+)?%?|\d+(?:[.,]\d+)?(?:%|x\b)?``
# and ``\w+(?:[-']\w+)*``: the digit run is shared by both number forms, and possessive repeats
# (``++``, ``*+``) skip backtracking that could never give another match (about 25% faster).
_NUMBER = r"\d++(?:(?:[.,]\d{3})+(?:[.,]\d+)?%?|(?:[.,]\d+)?(?:%|x\b)?)"
_WORD = r"\w++(?:[-']\w++)*+"
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


class ChunkMemo:
    """The tokens of whitespace-free chunks of text in one language, each chunk tokenized once.

    No token spans whitespace, so a text's tokens are the tokens of its chunks
    (``str.split()``) in order. ``single`` maps a chunk with exactly one token to that token
    (most chunks: ``models,`` -> ``models``); ``other`` maps the rest to their tokens (none,
    as for ``—``, or several, as for ``her/him`` or French ``l'ia``). :meth:`ensure` learns all
    the chunks a document brings that are not known yet in one go: plain words (``isalpha``)
    are their own token, and every other chunk goes through one regular-expression pass over
    the new chunks joined by newlines (the pattern cannot match across one), so the tokenizer
    is called once per document instead of once per new chunk. The tokens are those of
    :func:`raw_tokens` on the chunk alone (``tests/test_pipeline_fast_path.py`` checks).
    """

    #: chunks kept before the memo is emptied (a bound on memory; about 100 MB)
    LIMIT = 500_000

    def __init__(self, lang: str):
        self.lang = check_language(lang)
        self.single: dict[str, str] = {}
        self.other: dict[str, tuple[str, ...]] = {}
        pattern = TOKEN_PATTERNS[lang]
        # one more alternative, tried first: the newline that separates chunks in a batch
        self._batch = re.compile(r"\n|" + pattern.pattern, pattern.flags)
        self._starts: frozenset = frozenset()
        self._starting: set[str] = set()

    def __len__(self) -> int:
        return len(self.single) + len(self.other)

    def clear(self) -> None:
        self.single.clear()
        self.other.clear()
        self._starting.clear()

    def ensure(self, chunks) -> None:
        """Learn every chunk of ``chunks`` (distinct chunks, e.g. a ``Counter``'s keys) not known yet."""
        new = list(itertools.filterfalse(self.single.__contains__, chunks))   # no set built: most are known
        if new and self.other:
            new = list(itertools.filterfalse(self.other.__contains__, new))
        if not new:
            return
        if len(self) + len(new) > self.LIMIT:
            self.clear()
            new = list(chunks)
        words = list(filter(str.isalpha, new))
        self.single.update(zip(words, words))
        if self._starts:
            self._starting.update(self._starts.intersection(words))
        rest = list(itertools.filterfalse(str.isalpha, new))
        if not rest:
            return
        found = self._batch.findall("\n".join(rest))
        if self.lang == "fr":
            found = _split_inversions(found)
        pieces = " ".join(found).split("\n")     # tokens hold no whitespace: one piece per chunk
        single, other, starts = self.single, self.other, self._starts
        for chunk, piece in zip(rest, pieces):
            tokens = piece.split()
            if len(tokens) == 1:
                single[chunk] = tokens[0]
            else:
                other[chunk] = tuple(tokens)
            if starts and not starts.isdisjoint(tokens):
                self._starting.add(chunk)

    def tokens(self, chunk: str) -> tuple[str, ...]:
        """The tokens of one chunk (learnt if new)."""
        token = self.single.get(chunk)
        if token is not None:
            return (token,)
        tokens = self.other.get(chunk)
        if tokens is None:
            self.ensure({chunk})
            return self.tokens(chunk)
        return tokens

    def token_totals(self, chunk_counts: dict[str, int]) -> dict[str, int]:
        """``{token: count}`` summed over ``{chunk: count}``, tokens in order of first occurrence
        (chunks must be known: :meth:`ensure`)."""
        totals: dict[str, int] = {}      # a plain dict: Counter's += on a new key runs Python code
        get, single_get, other = totals.get, self.single.get, self.other
        for chunk, n in chunk_counts.items():
            token = single_get(chunk)
            if token is not None:
                totals[token] = get(token, 0) + n
            else:
                for token in other[chunk]:
                    totals[token] = get(token, 0) + n
        return totals

    def chunks_with(self, starts: frozenset) -> set[str]:
        """The known chunks having a token in ``starts``, kept up to date as chunks are learnt."""
        if starts is not self._starts:            # another phrase list: recompute once
            self._starts = starts
            self._starting = {c for c, t in self.single.items() if t in starts}
            self._starting.update(c for c, ts in self.other.items() if not starts.isdisjoint(ts))
        return self._starting


_CHUNK_MEMOS = {lang: ChunkMemo(lang) for lang in LANGUAGES}


def chunk_memo(lang: str) -> ChunkMemo:
    """The process's chunk memo for ``lang``."""
    return _CHUNK_MEMOS[check_language(lang)]


def clear_cache() -> None:
    """Forget memoised chunk tokenizations (to time a cold run, or free memory)."""
    for memo in _CHUNK_MEMOS.values():
        memo.clear()


def count_tokens(text: str, lang: str, *, phrases: bool = True) -> Counter:
    """Bag of tokens of ``text``: the same as ``Counter(tokenize(text, lang))``, faster.

    No token spans whitespace, so the text is split at whitespace, each distinct chunk
    is tokenized once (:class:`ChunkMemo`), and counts are summed over chunk types (the
    tokenize-once-per-type idea that :mod:`analysis.text.lemmas` applies to lemmas).
    """
    chunks = normalise(text).split()
    memo = chunk_memo(lang)
    if phrases:
        return phrase_matcher(lang).count_chunks(chunks, memo)
    chunk_counts = Counter(chunks)
    memo.ensure(chunk_counts.keys())
    return Counter(memo.token_totals(chunk_counts))
