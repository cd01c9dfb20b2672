"""Themes: a bilingual concept dictionary (terms -> concepts -> themes) and its matcher.

The dictionary, ``corpus/themes/dictionary.csv``, has one row per term: ``theme, concept,
lang, term, match, note``; ``corpus/themes/codebook.md`` defines the themes. French and
English terms meet at the concept, so themes are compared across languages without
comparing raw word counts (Laver and Garry 2000; Young and Soroka 2012, Lexicoder;
quanteda's ``dictionary()``, Benoit et al. 2018). Tokens come from
:func:`analysis.text.tokenize.tokenize`, which merges the multiword terms of
``corpus/phrases.csv`` (``open_source``) before counting. Each token type is looked up once:

* ``lemma``: the type hits when its lemma (:func:`analysis.text.lemmas.lemma`) or its own form
  equals the term (the own form rescues terms simplemma gets wrong: ``woke`` -> ``wake``);
* ``wildcard``: the term ends in ``*`` and the type hits when its lemma or form starts
  with what comes before the ``*`` (``watermark*``: watermark, watermarking...);
* ``phrase``: the type is the merged token itself; the term must be a canonical phrase.

The hits of a theme in a turn are the number of tokens whose type matches at least one of
the theme's terms: hits(theme) = sum over types w of count(w) x [w matches the theme].
A token counts once per theme even if two terms of the theme match it, and may count for
several themes. Validation against hand coding follows Grimmer and Stewart (2013),
"Text as Data", *Political Analysis* 21(3): dictionaries must be checked, not trusted.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.text.lemmas import lemma
from analysis.core.paths import corpus_dir
from analysis.text.phrases import load_phrase_table
from analysis.core.textio import InputError, read_csv_table
from analysis.text.tokenize import LANGUAGES, check_language

DICTIONARY_FILE = Path("themes") / "dictionary.csv"
COLUMNS = ("theme", "concept", "lang", "term", "match", "note")
MATCH_TYPES = ("lemma", "wildcard", "phrase")
MIN_PREFIX = 3  # a wildcard needs at least this many letters before the *
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SEP = re.compile(r"[\s_\-]+")


def _phrase_index(phrases_path) -> tuple[dict[str, set], dict[str, str]]:
    """``{canonical: langs}`` and ``{spelled variant, normalised: canonical}`` of phrases.csv."""
    langs, variants = {}, {}
    for row in load_phrase_table(Path(phrases_path) if phrases_path else corpus_dir() / "phrases.csv"):
        langs.setdefault(row["canonical"], set()).add(row["lang"])
        for v in row["variants"]:
            variants[_SEP.sub(" ", v.strip().lower())] = row["canonical"]
    return langs, variants


def _check_row(row: dict, path: Path, line: int, phrases) -> dict:
    rec = {k: (row.get(k) or "").strip() for k in COLUMNS}
    rec["term"] = rec["term"].lower().replace("’", "'")

    def fail(message, hint=None):
        raise InputError(path, message, line=line, hint=hint)

    for key in ("theme", "concept", "term", "note"):
        if not rec[key]:
            fail(f"empty '{key}'" + (f" for term {rec['term']!r}" if key == "note" else ""),
                 "every row needs theme, concept, lang, term, match and a note saying what the term "
                 "means here and how its ambiguity is handled")
        if key in ("theme", "concept") and not _KEY.match(rec[key]):
            fail(f"{key} {rec[key]!r} is not a key", "use lower-case letters, digits and _")
    if rec["lang"] not in LANGUAGES:
        fail(f"unknown lang {rec['lang']!r}", f"use one of {', '.join(LANGUAGES)}")
    term, match = rec["term"], rec["match"]
    if match not in MATCH_TYPES:
        fail(f"unknown match type {match!r} for {term!r}", f"use one of {', '.join(MATCH_TYPES)}")
    if match == "wildcard":
        if not term.endswith("*") or term.count("*") != 1 or len(term) - 1 < MIN_PREFIX or " " in term:
            fail(f"bad wildcard {term!r}", f"one * at the end after at least {MIN_PREFIX} letters, e.g. watermark*")
    elif "*" in term:
        fail(f"{term!r} contains * but its match is {match!r}", "use match=wildcard")
    elif match == "lemma" and (" " in term or "_" in term):
        fail(f"multiword term {term!r} has match=lemma",
             "use match=phrase with a canonical term from corpus/phrases.csv")
    elif match == "phrase":
        langs, variants = phrases
        if term not in langs:
            guess = variants.get(_SEP.sub(" ", term))
            fail(f"phrase {term!r} is not a canonical term of corpus/phrases.csv",
                 f"did you mean {guess!r}?" if guess else
                 "add a row to corpus/phrases.csv (lang,canonical,variants,note) first")
        if not langs[term] & {"*", rec["lang"]}:
            fail(f"phrase {term!r} is defined in corpus/phrases.csv for lang "
                 f"{', '.join(sorted(langs[term]))} only, not {rec['lang']!r}", "add a row for this language")
    return rec


def load_dictionary(path=None, *, phrases_path=None) -> pd.DataFrame:
    """The theme dictionary as a table (columns ``theme concept lang term match note line``).

    Every row is checked; the first problem raises :class:`InputError` naming the file and
    line: an unknown ``lang`` or ``match``, a missing note, a malformed wildcard, a term
    listed twice in one concept, a concept under two themes, or a ``phrase`` term that is
    not a canonical term of ``corpus/phrases.csv`` (tokens only exist if phrases.csv makes them).
    """
    path = Path(path) if path else corpus_dir() / DICTIONARY_FILE
    _, table = read_csv_table(path, COLUMNS, what="theme dictionary", hint="see corpus/themes/codebook.md")
    phrases = _phrase_index(phrases_path)
    rows, seen, theme_of = [], {}, {}
    for line, row in table:
        rec = _check_row(row, path, line, phrases)
        key = (rec["concept"], rec["lang"], rec["term"])
        if key in seen:
            raise InputError(path, f"term {rec['term']!r} ({rec['lang']}) is listed twice in concept "
                             f"{rec['concept']!r}", line=line, hint=f"first at line {seen[key]}")
        seen[key] = line
        if theme_of.setdefault(rec["concept"], rec["theme"]) != rec["theme"]:
            raise InputError(path, f"concept {rec['concept']!r} is under two themes "
                             f"({theme_of[rec['concept']]!r} and {rec['theme']!r})", line=line,
                             hint="give each concept one theme; rename one of them")
        rows.append({**rec, "line": line})
    if not rows:
        raise InputError(path, "the dictionary has no terms")
    return pd.DataFrame(rows, columns=[*COLUMNS, "line"])


def _bag(counts) -> Mapping:
    if not isinstance(counts, Mapping):
        raise ValueError(f"counts must be a mapping token -> count (a Counter from "
                         f"analysis.text.tokenize.count_tokens), got {type(counts).__name__}")
    return counts


class ThemeMatcher:
    """Counts theme and concept hits in bags of tokens (see the module docstring).

    ``dictionary`` is a table from :func:`load_dictionary`, a path to a dictionary file, or
    None for the project's. Lookup tables are built once; each token type is lemmatized and
    matched once per language and remembered, so matching a bag costs O(number of types).
    Attributes: ``dictionary_`` (the table), ``themes_`` (theme keys in file order),
    ``concepts_`` (``{concept: theme}``).
    """

    def __init__(self, dictionary=None):
        self.dictionary = dictionary
        table = dictionary if isinstance(dictionary, pd.DataFrame) else load_dictionary(dictionary)
        absent = [c for c in COLUMNS[:5] if c not in table.columns]
        if absent:
            raise ValueError(f"dictionary table lacks column(s) {', '.join(absent)}: use load_dictionary()")
        self.dictionary_ = table
        self.themes_ = list(dict.fromkeys(table["theme"]))
        self.concepts_ = dict(zip(table["concept"], table["theme"]))
        self._exact, self._prefix, self._cache = ({lang: {} for lang in LANGUAGES} for _ in range(3))
        for theme, concept, lang, term, match in table[list(COLUMNS[:5])].itertuples(index=False):
            index, key = (self._prefix, term[:-1]) if match == "wildcard" else (self._exact, term)
            index[lang].setdefault(key, set()).add((theme, concept))

    def _hits(self, token: str, lang: str) -> tuple[tuple, tuple, str]:
        """``(themes, concepts, matching form)`` of one token type (cached); the form is
        the lemma when the lemma matches, else the token itself."""
        cache = self._cache[lang]
        if token not in cache:
            found, matched = set(), None
            exact, prefix = self._exact[lang], self._prefix[lang]
            for form in dict.fromkeys((lemma(token, lang), token)):
                hits = set(exact.get(form, ()))
                for k in range(MIN_PREFIX, len(form) + 1):
                    hits |= prefix.get(form[:k], set())
                if hits and matched is None:
                    matched = form
                found |= hits
            cache[token] = (tuple(sorted({t for t, _ in found})), tuple(sorted({c for _, c in found})), matched)
        return cache[token]

    def _tally(self, counts, lang: str, level: int, names) -> dict[str, int]:
        lang = check_language(lang)
        out = dict.fromkeys(names, 0)
        for token, n in _bag(counts).items():
            for name in self._hits(token, lang)[level]:
                out[name] += n
        return out

    def match_counts(self, counts: Mapping, lang: str) -> dict[str, int]:
        """``{theme: hits}`` for one bag of tokens in ``lang`` (every theme, zeros included)."""
        return self._tally(counts, lang, 0, self.themes_)

    def concept_counts(self, counts: Mapping, lang: str) -> dict[str, int]:
        """``{concept: hits}`` for one bag of tokens (every concept, zeros included)."""
        return self._tally(counts, lang, 1, self.concepts_)

    def matched_terms(self, counts: Mapping, lang: str, theme: str) -> Counter:
        """The lemmas in ``counts`` that hit ``theme``, with their counts (for false-positive review).

        A merged phrase is its own lemma; a type that hits by its own form rather than its
        lemma (``woke``, lemmatized ``wake``) is listed by its form. Read the hits in context
        with KWIC before trusting a rate.
        """
        if theme not in self.themes_:
            raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(self.themes_)}")
        lang = check_language(lang)
        out = Counter()
        for token, n in _bag(counts).items():
            themes, _, form = self._hits(token, lang)
            if theme in themes:
                out[form] += n
        return Counter(dict(out.most_common()))

    def score_turns(self, bags: Iterable[Mapping], langs) -> pd.DataFrame:
        """One row per bag (turn), one integer column of hits per theme; ``langs`` is one
        language for all bags or one per bag."""
        bags = list(bags)
        langs = [langs] * len(bags) if isinstance(langs, str) else list(langs)
        if len(langs) != len(bags):
            raise ValueError(f"got {len(bags)} bags but {len(langs)} languages: give one per bag")
        rows = [self.match_counts(bag, lang) for bag, lang in zip(bags, langs)]
        return pd.DataFrame(rows, columns=self.themes_, dtype="int64")
