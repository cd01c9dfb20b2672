"""Solutions to the tutorial exercises, kept apart from the notebooks (see :mod:`analysis.tutorial.exercises`).

Each solution is code that leaves its result in ``answer``.
"""

SOLUTIONS = {
    "00.1": """
from analysis.corpus.load import load_catalog
answer = len(load_catalog())
""",
    "00.2": """
answer = "seeds"
""",
    "01.1": """
from analysis.corpus.load import load_corpus
turns = load_corpus(docs=["2024-04_pineau_latribune"])
answer = int((turns["role"] == "interviewer").sum())
""",
    "01.2": """
from analysis.corpus.load import load_corpus
turns = load_corpus(docs=["2024-04_pineau_latribune"])
tokens = turns.groupby("role")["n_tokens"].sum()
answer = float(tokens["interviewee"] / tokens.sum())
""",
    "02.1": """
from analysis.corpus.load import load_corpus
from analysis.measures.frequencies import term_frequencies
table = term_frequencies(load_corpus(docs=["2024-04_pineau_latribune"]))
answer = float(table.loc[table["term"] == "gpu", "per_1000"].iloc[0])
""",
    "02.2": """
from analysis.corpus.load import load_corpus
from analysis.measures.concordance import kwic
answer = len(kwic(load_corpus(docs=["2024-04_pineau_latribune"]), "open source"))
""",
    "02.3": """
from analysis.corpus.load import load_corpus
from analysis.measures.frequencies import term_frequencies
table = term_frequencies(load_corpus(docs=["2024-04_pineau_latribune"]), by="role")
answer = table.loc[table["role"] == "interviewee", "term"].iloc[0]
""",
}
