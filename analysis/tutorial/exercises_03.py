"""Solutions of the exercises of notebook 03 (themes).

Each function is the solution a student can read with ``show_solution(id)`` and what the
check compares with; it uses only names importable from ``analysis``.
"""
from __future__ import annotations

import pandas as pd

from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import left_out_documents, theme_introductions, uptake_rates
from analysis.measures.theme_scores import theme_hits
from analysis.measures.validation import evaluate
from analysis.text.themes import ThemeMatcher, load_dictionary
from analysis.tutorial.exercise_registry import exact, exercise, key, number, number_pair


@exercise("03.1", "Which theme does the journalist introduce first in the seed? Give its key, e.g. 'talent_war'.",
          "theme_introductions(turns) has first_turn and first_role per theme: keep the rows whose first_role "
          "is 'interviewer' and take the theme with the smallest first_turn.", key(), "a theme key (text)")
def journalist_first():
    """Among the themes the interviewer introduces, the one introduced earliest."""
    table = theme_introductions(load_corpus(docs=[SEED_DOC_ID]))
    by_journalist = table[table["first_role"] == "interviewer"].sort_values("first_turn")
    return by_journalist["theme"].iloc[0]


@exercise("03.2", "With k=3 instead of 2, how many introductions does the seed have, all themes together?",
          "theme_introductions(seed, k=3) has an introductions column per theme: sum it. A larger k keeps a "
          "theme 'on the table' longer, so fewer turns count as bringing it back.", exact(), "a whole number")
def k3_introductions():
    """Sum the introductions column of the seed's introductions with k=3."""
    table = theme_introductions(load_corpus(docs=[SEED_DOC_ID]), k=3)
    return int(table["introductions"].sum())


@exercise("03.3", "Pooled over the comparison interviews with speaker roles (the seed left out), what is the "
          "uptake rate of compute_scarcity, P(answer touches it | question touches it)? A number between 0 and 1.",
          "In the uptake table of the comparison interviews, the row with doc_id 'pooled' and theme "
          "'compute_scarcity' has the uptake column (shown rounded to 2 decimals).",
          number(decimals=2), "a number between 0 and 1")
def pooled_uptake():
    """The pooled uptake of compute_scarcity over interviews with roles, the seed left out."""
    turns = load_corpus()
    roles = turns[~turns["doc_id"].isin(left_out_documents(turns))]
    rates = uptake_rates(roles[roles["doc_id"] != SEED_DOC_ID])
    pooled = rates[(rates["doc_id"] == "pooled") & (rates["theme"] == "compute_scarcity")]
    return float(pooled["uptake"].iloc[0])


@exercise("03.4", "Add the English lemma 'release' to open_source_risk (concept release_decision, match lemma) in a "
          "copy of the dictionary. On the development split, what are the precision and recall of "
          "open_source_risk now? Give (precision, recall).",
          "Copy the '+ open' cell above with term='release' and concept='release_decision'; then read the "
          "precision and recall of the open_source_risk row (2 decimals are enough).",
          number_pair(decimals=2), "a pair (precision, recall)")
def release_term():
    """Evaluate a copy of the dictionary with 'release' added to open_source_risk on the dev split."""
    row = {"theme": "open_source_risk", "concept": "release_decision", "lang": "en", "term": "release",
           "match": "lemma", "note": "exercise 03.4: releasing a model (also release dates, product launches)"}
    table = pd.concat([load_dictionary(), pd.DataFrame([row])], ignore_index=True)
    turns = load_corpus()
    scores = evaluate(turns, split="dev", hits=theme_hits(turns, ThemeMatcher(table))).set_index("theme")
    return float(scores.loc["open_source_risk", "precision"]), float(scores.loc["open_source_risk", "recall"])
