"""Solutions of the exercises of notebooks 00 (start here), 01 (corpus) and 02 (term frequencies).

Each function is the solution a student can read with ``show_solution(id)`` and what the
check compares with; it uses only names importable from ``analysis``.
"""
from __future__ import annotations

from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_catalog, load_corpus
from analysis.measures.concordance import kwic
from analysis.measures.frequencies import term_frequencies
from analysis.tutorial.exercise_registry import exact, exercise, folder, key, number


@exercise("00.1", "How many interviews does the catalog list? Store the number in `answer`.",
          "load_catalog() returns one row per interview; len() counts rows.", exact(), "a whole number")
def catalog_size():
    """The catalog has one row per interview: count the rows."""
    return len(load_catalog())


@exercise("00.2", "Which folder holds the raw documents exactly as received? Give its name as a string.",
          "It is never edited, and the ingest reads from it: look at the 'what it holds' column of the folder tour.",
          folder(), "a folder name (text)")
def raw_folder():
    """The folder tour says which folder keeps the documents exactly as received."""
    return "seeds"


@exercise("01.1", "How many turns of the seed belong to the interviewer?",
          "turns['role'] == 'interviewer' is True on the interviewer's rows; .sum() counts the True values.",
          exact(), "a whole number")
def interviewer_turns():
    """Count the seed's turns whose role is 'interviewer'."""
    turns = load_corpus(docs=[SEED_DOC_ID])
    return int((turns["role"] == "interviewer").sum())


@exercise("01.2", "What share of the seed's tokens are the interviewee's (a number between 0 and 1)?",
          "The token_share column of the role table above is this share; or sum n_tokens over the interviewee's "
          "rows and divide by the sum over all rows.", number(decimals=2), "a number between 0 and 1")
def interviewee_share():
    """Tokens in the interviewee's turns over all tokens of the seed."""
    turns = load_corpus(docs=[SEED_DOC_ID])
    return float(turns.loc[turns["role"] == "interviewee", "n_tokens"].sum() / turns["n_tokens"].sum())


@exercise("02.1", "How many times per 1,000 tokens does the lemma 'gpu' occur in the seed?",
          "term_frequencies(turns) has a rate column (per 1,000 tokens): select the row whose term is 'gpu', e.g. "
          "freq.loc[freq['term'] == 'gpu', 'rate'].iloc[0].", number(decimals=2), "a number (per 1,000 tokens)")
def gpu_rate():
    """Read the rate (per 1,000 tokens) of the lemma 'gpu' in the seed's term frequencies."""
    table = term_frequencies(load_corpus(docs=[SEED_DOC_ID]))
    return float(table.loc[table["term"] == "gpu", "rate"].iloc[0])


@exercise("02.2", "How many occurrences of 'open source' does the KWIC find in the seed?",
          "kwic(turns, 'open source') returns one row per occurrence: len() of it.", exact(), "a whole number")
def open_source_hits():
    """The concordance has one row per occurrence: count them."""
    return len(kwic(load_corpus(docs=[SEED_DOC_ID]), "open source"))


@exercise("02.3", "Which content lemma is most frequent in the interviewee's turns of the seed?",
          "term_frequencies(turns, by='role') is sorted by count within each role: keep the interviewee's rows and "
          "take the first term.", key(), "a lemma (text)")
def top_interviewee_lemma():
    """The first row of the interviewee's part of the by-role frequency table."""
    table = term_frequencies(load_corpus(docs=[SEED_DOC_ID]), by="role")
    return table.loc[table["role"] == "interviewee", "term"].iloc[0]
