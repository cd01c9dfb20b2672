"""The corpus at a glance: who, when, how big, and what size means for comparisons."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.corpus.load import load_catalog, load_corpus

COLUMNS = ["doc_id", "interviewee", "organization", "date", "date_precision", "format", "language",
           "text_availability", "speaker_labels", "turn_unit", "n_tokens", "n_turns"]


def corpus_overview(turns: pd.DataFrame | None = None, catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per interview with its size, the interviewer's share of tokens and its resolution.

    * ``interviewer_share``: interviewer tokens / all tokens, for documents with speaker
      roles (NaN for caption chunks, where nobody is labelled).
    * ``one_hit_per_1000``: what a single occurrence adds to a rate per 1,000 tokens
      (1000 / tokens): the smallest difference a document can show. In an 850-token
      interview one word moves a rate by more than 1 per 1,000; in a 50,000-token podcast
      by 0.02.
    """
    turns = load_corpus() if turns is None else turns
    catalog = load_catalog() if catalog is None else catalog
    by_role = turns.pivot_table(index="doc_id", columns="role", values="n_tokens", aggfunc="sum", fill_value=0)
    labelled = by_role.get("interviewer", 0) + by_role.get("interviewee", 0)
    share = (by_role.get("interviewer", 0) / labelled.replace(0, np.nan)).rename("interviewer_share")
    table = catalog[COLUMNS].merge(share, left_on="doc_id", right_index=True, how="left")
    table["one_hit_per_1000"] = 1000 / table["n_tokens"]
    return table.sort_values(["date", "doc_id"], ignore_index=True)


def size_contrast(overview: pd.DataFrame, seed_doc: str) -> dict:
    """How the seed's size compares with the rest: ratios that every comparison must keep in mind."""
    seed = overview.set_index("doc_id").loc[seed_doc]
    others = overview[overview["doc_id"] != seed_doc]
    return {"seed_tokens": int(seed["n_tokens"]), "others_median_tokens": float(others["n_tokens"].median()),
            "median_ratio": float(others["n_tokens"].median() / seed["n_tokens"]),
            "largest_ratio": float(others["n_tokens"].max() / seed["n_tokens"]),
            "seed_one_hit_per_1000": float(seed["one_hit_per_1000"]),
            "others_median_one_hit_per_1000": float(others["one_hit_per_1000"].median())}


def counts_by(overview: pd.DataFrame, column: str) -> pd.DataFrame:
    """Interviews, tokens and turns per value of ``column`` (organization, format, language...)."""
    return (overview.groupby(column)
            .agg(interviews=("doc_id", "size"), tokens=("n_tokens", "sum"), turns=("n_turns", "sum"))
            .sort_values("tokens", ascending=False))
