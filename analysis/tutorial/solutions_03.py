"""Solutions to the exercises of notebook 03 (themes), kept apart from the notebook."""

SOLUTIONS = {
    "03.1": """
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import theme_introductions
table = theme_introductions(load_corpus(docs=["2024-04_pineau_latribune"]))
by_journalist = table[table["first_role"] == "interviewer"].sort_values("first_turn")
answer = by_journalist["theme"].iloc[0]
""",
    "03.2": """
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import theme_introductions
table = theme_introductions(load_corpus(docs=["2024-04_pineau_latribune"]), k=3)
answer = int(table["introductions"].sum())
""",
    "03.3": """
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import left_out_documents, uptake_rates
turns = load_corpus()
comparison = turns[~turns["doc_id"].isin(left_out_documents(turns))
                   & (turns["doc_id"] != "2024-04_pineau_latribune")]
rates = uptake_rates(comparison)
pooled = rates[(rates["doc_id"] == "pooled") & (rates["theme"] == "compute_scarcity")]
answer = float(pooled["uptake"].iloc[0])
""",
}

SOLUTIONS["03.4"] = """
import pandas as pd
from analysis.corpus.load import load_corpus
from analysis.measures.theme_scores import theme_hits
from analysis.text.themes import ThemeMatcher, load_dictionary
from analysis.measures.validation import evaluate
row = dict(theme="open_source_risk", concept="release_decision", lang="en", term="release", match="lemma",
           note="releasing a model; also release dates and product launches (false positives)")
table = pd.concat([load_dictionary(), pd.DataFrame([row])], ignore_index=True)
turns = load_corpus()
scores = evaluate(turns, split="dev", hits=theme_hits(turns, ThemeMatcher(table))).set_index("theme")
answer = (float(scores.loc["open_source_risk", "precision"]), float(scores.loc["open_source_risk", "recall"]))
"""
