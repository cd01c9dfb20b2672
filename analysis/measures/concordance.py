"""Keywords in context (KWIC) and collocations, for full-text documents.

Both need running text; features-only documents raise a clear error
(:func:`analysis.corpus.load.require_full_text`).
"""
from __future__ import annotations

import pandas as pd

from analysis.corpus.load import require_full_text
from analysis.text.lemmas import lemma
from analysis.text.stopwords import content_test
from analysis.text.tokenize import tokenize

#: Association measures by name (methods of NLTK's ``BigramAssocMeasures``).
MEASURES = ("likelihood_ratio", "pmi", "student_t")
# NLTK is imported where it is used: importing it takes about half a second (it pulls in its
# parsers, taggers and downloader), paid by every notebook kernel that never calls these.


def kwic(turns: pd.DataFrame, query: str, *, window: int = 7, match: str = "token") -> pd.DataFrame:
    """Every occurrence of ``query`` with ``window`` tokens of context on each side.

    ``query`` is tokenized like the text, so "open source" finds the merged token
    ``open_source`` and "GPU" finds ``gpu``. ``match="lemma"`` also finds inflected forms
    ("GPU" -> "GPUs"). Uses NLTK's ``ConcordanceIndex`` for the offsets.
    """
    require_full_text(turns, "KWIC")
    from nltk.text import ConcordanceIndex  # lazy: NLTK costs 0.5 s to import, paid only by KWIC
    if match not in ("token", "lemma"):
        raise ValueError("match must be 'token' or 'lemma'")
    rows = []
    for turn in turns.itertuples(index=False):
        query_tokens = tokenize(query, turn.lang)
        if len(query_tokens) != 1:
            raise ValueError(f"query {query!r} is {len(query_tokens)} tokens {query_tokens}; give one word or "
                             "a multiword term from corpus/phrases.csv")
        tokens = tokenize(turn.text, turn.lang)
        if match == "lemma":
            key = lambda t, lang=turn.lang: lemma(t, lang)  # noqa: E731
            target = lemma(query_tokens[0], turn.lang)
        else:
            key, target = None, query_tokens[0]
        index = ConcordanceIndex(tokens, key=key) if key else ConcordanceIndex(tokens)
        for offset in index.offsets(target):
            rows.append({"doc_id": turn.doc_id, "turn_id": turn.turn_id, "role": turn.role,
                         "left": " ".join(tokens[max(0, offset - window):offset]), "keyword": tokens[offset],
                         "right": " ".join(tokens[offset + 1:offset + 1 + window])})
    return pd.DataFrame(rows, columns=["doc_id", "turn_id", "role", "left", "keyword", "right"])


def collocations(turns: pd.DataFrame, *, measure: str = "likelihood_ratio", min_freq: int = 2,
                 top: int = 20, content_only: bool = True) -> pd.DataFrame:
    """Bigram collocations within turns, scored by an NLTK association measure.

    The default measure is Dunning's (1993) log-likelihood ratio, which behaves well for
    rare events in small texts, unlike PMI (Church & Hanks 1990), which favours pairs
    seen once; ``min_freq`` drops pairs seen fewer times. Bigrams never cross turns; with
    ``content_only`` both words must be content words (stopwords filtered after pairing,
    so pairs are adjacent in the text).
    """
    require_full_text(turns, "collocations")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}")
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder  # lazy: NLTK, as above
    documents = [tokenize(t.text, t.lang) + ["<turn>"] for t in turns.itertuples(index=False)]
    langs = set(turns["lang"])
    finder = BigramCollocationFinder.from_words([tok for doc in documents for tok in doc])
    finder.apply_freq_filter(min_freq)
    finder.apply_ngram_filter(lambda a, b: "<turn>" in (a, b))
    if content_only:
        tests = [content_test(lang) for lang in langs]
        finder.apply_word_filter(lambda w: not all(test(w) for test in tests))
    scored = finder.score_ngrams(getattr(BigramAssocMeasures, measure))[:top]
    return pd.DataFrame([(a, b, finder.ngram_fd[(a, b)], score) for (a, b), score in scored],
                        columns=["word1", "word2", "count", measure])
