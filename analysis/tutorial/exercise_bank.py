"""The expected answers of the tutorial exercises, computed from the corpus."""
from __future__ import annotations

from analysis.tutorial.exercises import close, exercise
from analysis.corpus.load import load_catalog, load_corpus
from analysis.measures.frequencies import term_frequencies
from analysis.measures.concordance import kwic
from analysis.corpus.catalog import SEED_DOC_ID



def _seed():
    return load_corpus(docs=[SEED_DOC_ID])


@exercise("00.1", "How many interviews does the catalog list? Store the number in `answer`.",
          "load_catalog() returns one row per interview; len() counts rows.")
def _catalog_size():
    return len(load_catalog())


@exercise("00.2", "Which folder holds the raw documents exactly as received? Give its name as a string.",
          "It is never edited; the ingest reads from it. Look at the folder tour above.")
def _raw_folder():
    return "seeds"


@exercise("01.1", "How many turns of the seed belong to the interviewer?",
          "Filter the turns table on the role column and count rows.")
def _interviewer_turns():
    turns = _seed()
    return int((turns["role"] == "interviewer").sum())


@exercise("01.2", "What share of the seed's tokens are the interviewee's (a number between 0 and 1)?",
          "Sum n_tokens for role == 'interviewee' and divide by the sum over all turns.", close(1e-3))
def _interviewee_share():
    turns = _seed()
    return float(turns.loc[turns["role"] == "interviewee", "n_tokens"].sum() / turns["n_tokens"].sum())


@exercise("02.1", "How many times per 1,000 tokens does the lemma 'gpu' occur in the seed?",
          "term_frequencies(turns) has a per_1000 column; select the row whose term is 'gpu'.", close(1e-3))
def _gpu_rate():
    table = term_frequencies(_seed())
    return float(table.loc[table["term"] == "gpu", "per_1000"].iloc[0])


@exercise("02.2", "How many occurrences of 'open source' does the KWIC find in the seed?",
          "kwic(turns, 'open source') returns one row per occurrence.")
def _open_source_hits():
    return len(kwic(_seed(), "open source"))


@exercise("02.3", "Which content lemma is most frequent in the interviewee's turns of the seed?",
          "term_frequencies(turns, by='role') is sorted by count within each role.")
def _top_interviewee_lemma():
    table = term_frequencies(_seed(), by="role")
    return table.loc[table["role"] == "interviewee", "term"].iloc[0]
