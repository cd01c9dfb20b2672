"""Exercises of notebook 04 (topic models): expected answers computed from the corpus.

Every answer is for the notebook's default parameters (k range, seeds, chunk size,
minimum document frequency); models come from the disk cache the notebook filled.
"""
from __future__ import annotations

from analysis.tutorial.exercises import close, exercise
from analysis.corpus.load import load_corpus
from analysis.models.topic_results import DEFAULT_KS, default_corpus, default_model, place_french, selection_table, theme_topic, topic_theme_weights
from analysis.models.topics import choose_k
from analysis.corpus.catalog import SEED_DOC_ID



def _topic_name(got, want) -> bool:
    """A topic name such as 'T7', forgiving case, spaces and a bare number (7)."""
    if isinstance(got, (int,)) and not isinstance(got, bool):
        got = f"T{got}"
    return isinstance(got, str) and got.strip().upper().replace(" ", "") == want


@exercise("04.1", "What share of the seed's French content tokens reached the topic space of the chosen NMF "
          "model (a number between 0 and 1)?",
          "place_french(chosen, corpus, seed_turns) returns a placement whose .projection has share_projected; "
          "or: projected tokens / content tokens in projection.summary().", close(1e-3))
def _share_projected():
    placed = place_french(default_model("nmf"), default_corpus(), load_corpus(docs=[SEED_DOC_ID]), n_boot=1)
    return float(placed.projection.share_projected)


@exercise("04.2", "In the chosen NMF model, which topic has the largest share of its weight on the terms of the "
          "open_source_risk theme? Give its name, e.g. 'T3'.",
          "topic_theme_weights(chosen) is a topics x themes table: find the row with the largest value in the "
          "open_source_risk column (theme_topic does exactly that).", _topic_name)
def _open_source_topic():
    return theme_topic(topic_theme_weights(default_model("nmf")), "open_source_risk")


@exercise("04.3", "The stability threshold is a choice. With min_stability=0.75 instead of 0.8, which k does "
          "choose_k pick for LDA on the default k range?",
          "choose_k(table, kind='lda', min_stability=0.75), where table is the model-selection table of the "
          "notebook (selection_table(corpus, K_RANGE)).")
def _lda_k_at_075():
    table = selection_table(default_corpus(), DEFAULT_KS, kinds=("lda",))
    return int(choose_k(table, kind="lda", min_stability=0.75)[0])
