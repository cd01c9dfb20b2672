"""Solutions to the exercises of notebook 04 (topic models), kept apart from the notebook."""

SOLUTIONS = {
    "04.1": """
from analysis.corpus.load import load_corpus
from analysis.models.topic_results import default_corpus, default_model, place_french
placed = place_french(default_model("nmf"), default_corpus(), load_corpus(docs=["2024-04_pineau_latribune"]))
answer = placed.projection.share_projected
""",
    "04.2": """
from analysis.models.topic_results import default_model, topic_theme_weights
weights = topic_theme_weights(default_model("nmf"))
answer = weights["open_source_risk"].idxmax()
""",
    "04.3": """
from analysis.models.topic_results import DEFAULT_KS, default_corpus, selection_table
from analysis.models.topics import choose_k
table = selection_table(default_corpus(), DEFAULT_KS, kinds=("lda",))
answer, reason = choose_k(table, kind="lda", min_stability=0.75)
print(reason)
""",
}
