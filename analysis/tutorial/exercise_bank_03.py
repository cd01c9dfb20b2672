"""Exercises of notebook 03 (themes): expected answers computed from the corpus."""
from __future__ import annotations

import pandas as pd

from analysis.tutorial.exercises import close, exercise
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import left_out_documents, theme_introductions, uptake_rates
from analysis.measures.theme_scores import theme_hits
from analysis.text.themes import ThemeMatcher, load_dictionary
from analysis.measures.validation import evaluate
from analysis.corpus.catalog import SEED_DOC_ID



def _same_key(got, want) -> bool:
    """A theme key, forgiving case and spaces for underscores ('Compute scarcity')."""
    return isinstance(got, str) and got.strip().lower().replace(" ", "_").replace("-", "_") == want


def _roles():
    """Turns of the documents with speaker roles (the seed and the labelled comparison interviews)."""
    turns = load_corpus()
    return turns[~turns["doc_id"].isin(left_out_documents(turns))]


@exercise("03.1", "Which theme does the journalist introduce first in the seed? Give its key, e.g. 'talent_war'.",
          "theme_introductions(turns) has first_turn and first_role per theme: keep the rows whose first_role "
          "is 'interviewer' and take the theme with the smallest first_turn.", _same_key)
def _journalist_first():
    table = theme_introductions(load_corpus(docs=[SEED_DOC_ID]))
    return table[table["first_role"] == "interviewer"].sort_values("first_turn")["theme"].iloc[0]


@exercise("03.2", "With k=3 instead of 2, how many introductions does the seed have, all themes together?",
          "theme_introductions(turns, k=3) has an introductions column per theme: sum it. A larger k keeps a "
          "theme 'on the table' longer, so fewer turns count as bringing it back.")
def _k3_introductions():
    return int(theme_introductions(load_corpus(docs=[SEED_DOC_ID]), k=3)["introductions"].sum())


@exercise("03.3", "Pooled over the comparison interviews with speaker roles (the seed left out), what is the "
          "uptake rate of compute_scarcity, P(answer touches it | question touches it)? A number between 0 and 1.",
          "uptake_rates(roles[roles.doc_id != SEED]) has a row with doc_id 'pooled' per theme; read its "
          "uptake column.", close(1e-3))
def _pooled_uptake():
    roles = _roles()
    rates = uptake_rates(roles[roles["doc_id"] != SEED_DOC_ID])
    return float(rates.loc[(rates["doc_id"] == "pooled") & (rates["theme"] == "compute_scarcity"), "uptake"].iloc[0])


def _pair_close(got, want, tol: float = 1e-3) -> bool:
    """Two numbers (precision, recall), each within ``tol``."""
    try:
        return len(got) == 2 and all(abs(float(g) - w) <= tol for g, w in zip(got, want))
    except (TypeError, ValueError):
        return False


@exercise("03.4", "Add the English lemma 'release' to open_source_risk (concept release_decision, match lemma) in a "
          "copy of the dictionary. On the development split, what are the precision and recall of "
          "open_source_risk now? Give (precision, recall).",
          "pd.concat([load_dictionary(), pd.DataFrame([row])]) with row = dict(theme=..., concept=..., lang='en', "
          "term='release', match='lemma', note='...'); then hits = theme_hits(turns, ThemeMatcher(table)) and "
          "evaluate(turns, split='dev', hits=hits). Read the open_source_risk row.", _pair_close)
def _release_term():

    row = {"theme": "open_source_risk", "concept": "release_decision", "lang": "en", "term": "release",
           "match": "lemma", "note": "exercise 03.4: releasing a model (also release dates, product launches)"}
    table = pd.concat([load_dictionary(), pd.DataFrame([row])], ignore_index=True)
    turns = load_corpus()
    scores = evaluate(turns, split="dev", hits=theme_hits(turns, ThemeMatcher(table))).set_index("theme")
    return float(scores.loc["open_source_risk", "precision"]), float(scores.loc["open_source_risk", "recall"])
