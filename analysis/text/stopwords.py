"""Stopword lists that need no download.

The base lists need no download (NLTK's need ``nltk.download()``):

* English: scikit-learn's ``ENGLISH_STOP_WORDS``, the Glasgow Information Retrieval
  group's list (318 words), plus the English contractions of the Stopwords ISO list
  (``don't``, ``it's``: the tokenizer keeps them whole). The full Stopwords ISO English
  list (1,298 words) is a web-search list that drops content words this corpus needs
  (*microsoft*, *computer*, *research*, *problem*, *billion*, *open*, *year*); the Glasgow
  list's own known quirks (Nothman, Qin & Yurchak 2018, "Stop word lists in free
  open-source software packages") are corrected in the domain list.
* French: the Stopwords ISO list (``stopwordsiso`` package; Diaz, G., *stopwords-iso*).

The project edits them with a documented domain list, ``corpus/stopwords_domain.csv``: one
row per word, ``action`` ``add`` (transcript fillers, stage directions such as
``[rires]``, editorial ``ndlr``) or ``remove`` (content words the generic list wrongly
drops, first of all English ``ai``), each with its reason. Elided French articles
(``l'``, ``d'``...) are stopwords too.
"""
from __future__ import annotations

import csv
from functools import lru_cache

import stopwordsiso
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.text.lemmas import FR_ELISIONS
from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError
from analysis.text.tokenize import check_language

DOMAIN_FILE = "stopwords_domain.csv"


def domain_stopwords(lang: str, action: str = "add", path=None) -> dict[str, str]:
    """``{word: reason}`` from the project's domain list for ``lang`` and ``action``."""
    path = path or corpus_dir() / DOMAIN_FILE
    out = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            if not row.get("word") or not row.get("reason") or row.get("action") not in ("add", "remove"):
                raise InputError(path, "each row needs a word, an action (add or remove) and a reason",
                                 line=line_no)
            if row["lang"] == lang and row["action"] == action:
                out[row["word"].strip().lower()] = row["reason"]
    return out


def base_stopwords(lang: str) -> set[str]:
    """The packaged list for ``lang`` before the domain edits (see the module docstring)."""
    if check_language(lang) == "en":
        contractions = {w for w in stopwordsiso.stopwords("en") if "'" in w or "’" in w}
        return set(ENGLISH_STOP_WORDS) | contractions
    return set(stopwordsiso.stopwords(lang))


def stopwords(lang: str) -> frozenset[str]:
    """Packaged list + domain list (+ French elisions), lower-cased, apostrophes unified.

    Memoised on what it depends on: the language and the domain list file of the
    current corpus folder (its path, size and modification time), so pointing
    ``ANALYSIS_CORPUS_DIR`` elsewhere or editing the list takes effect at once.
    """
    path = corpus_dir() / DOMAIN_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(path, "domain stopword list not found", hint="restore corpus/stopwords_domain.csv") from None
    return _stopwords(check_language(lang), str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _stopwords(lang: str, path: str, size: int, mtime_ns: int) -> frozenset[str]:
    words = {w.lower().replace("’", "'") for w in base_stopwords(lang)}
    words |= set(domain_stopwords(lang, "add", path))
    words -= set(domain_stopwords(lang, "remove", path))
    if lang == "fr":
        words |= set(FR_ELISIONS) | set(FR_ELISIONS.values())
    return frozenset(words)


def is_content(token: str, lang: str) -> bool:
    """True for tokens worth counting: not a stopword, not a bare number, 2+ characters."""
    return content_test(lang)(token)


def content_test(lang: str):
    """:func:`is_content` for one language as a one-argument function, the stopword list looked up once.

    For loops over many tokens: :func:`stopwords` checks the domain list's file on every
    call (its cache key), which costs more than the test itself.
    """
    stop = stopwords(lang)

    def test(token: str) -> bool:
        return (len(token) > 1 and token not in stop
                and not token.replace(".", "").replace(",", "").replace("%", "").isdigit())
    return test
