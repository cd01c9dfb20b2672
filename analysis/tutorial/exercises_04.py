"""Solutions of the exercises of notebook 04 (topic models).

Every answer is for the notebook's default parameters (k range, random starts, chunk
size, minimum document frequency); the models come from the disk cache the notebook
filled. Each function is the solution a student can read with ``show_solution(id)``.
"""
from __future__ import annotations

from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_corpus
from analysis.models.topic_results import (DEFAULT_KS, default_corpus, default_model, place_french, selection_table,
                                           theme_topic, topic_theme_weights)
from analysis.models.topics import choose_k
from analysis.tutorial.exercise_registry import exact, exercise, number, topic_name


@exercise("04.1", "What share of the seed's French content tokens reached the topic space of the chosen NMF "
          "model (a number between 0 and 1)?",
          "place_french(chosen, corpus, seed_turns) returns a placement whose .projection has share_projected; "
          "the projection summary shows it rounded to 3 decimals.", number(decimals=2), "a number between 0 and 1")
def share_projected():
    """Project the seed into the chosen NMF model and read the share of its tokens that got there."""
    placed = place_french(default_model("nmf"), default_corpus(), load_corpus(docs=[SEED_DOC_ID]), n_boot=1)
    return float(placed.projection.share_projected)


@exercise("04.2", "In the chosen NMF model, which topic has the largest share of its weight on the terms of the "
          "open_source_risk theme? Give its name, e.g. 'T3'.",
          "topic_theme_weights(chosen) is a topics x themes table: find the row with the largest value in the "
          "open_source_risk column (theme_topic does exactly that).", topic_name(), "a topic name such as 'T3'")
def open_source_topic():
    """The topic whose weight leans most on the open_source_risk terms."""
    return theme_topic(topic_theme_weights(default_model("nmf")), "open_source_risk")


@exercise("04.3", "The stability threshold is a choice. With min_stability=0.75 instead of 0.8, which k does "
          "choose_k pick for LDA on the default k range?",
          "choose_k(table, kind='lda', min_stability=0.75) returns (k, reason), where table is the notebook's "
          "model-selection table: the answer is the first element.", exact(), "a whole number (k)")
def lda_k_at_075():
    """Choose k for LDA with a lower stability threshold on the default selection table."""
    table = selection_table(default_corpus(), DEFAULT_KS, kinds=("lda",))
    k, reason = choose_k(table, kind="lda", min_stability=0.75)
    return int(k)
