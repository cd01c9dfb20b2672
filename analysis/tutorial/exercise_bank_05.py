"""Exercises of notebooks 05 (comparisons) and 06 (figures for papers): expected answers
computed from the corpus with the notebooks' default settings."""
from __future__ import annotations

from analysis.tutorial.exercises import close, exercise
from analysis.compare.comparisons import concept_counts, concept_keyness, corpus_data, executive_profiles, group_difference, group_units, period_of
from analysis.measures.theme_scores import seed_standing
from analysis.figures.export import WIDTHS_MM
from analysis.figures.paper import FIGURES
from analysis.corpus.catalog import SEED_DOC_ID



def _same_key(got, want) -> bool:
    """A key, forgiving case and spaces for underscores ('Release decision')."""
    return isinstance(got, str) and got.strip().lower().replace(" ", "_").replace("-", "_") == want


@exercise("05.1", "How many times the median of the other interviews is the seed's open-source-risk rate? "
          "(Executive turns, default bootstrap settings; a number such as 12.3.)",
          "seed_standing(profiles, SEED, 'open_source_risk') gives the seed's rate and others_median: "
          "divide one by the other.", close(1e-3))
def _open_source_ratio():
    standing = seed_standing(executive_profiles(), SEED_DOC_ID, "open_source_risk")
    return standing["rate"] / standing["others_median"]


@exercise("05.2", "Which concept has the largest log-odds z for the seed against the English interviews? "
          "Give its key, e.g. 'accelerators'.",
          "concept_counts(turns, by=...) with a column that says 'seed' or 'reference', then concept_keyness(...): "
          "sort by log_odds_z.", _same_key)
def _top_concept():
    execs = corpus_data()["executive"]
    side = execs.assign(side=execs["doc_id"].eq(SEED_DOC_ID).map({True: "seed", False: "reference"}))
    side = side[(side["side"] == "seed") | (side["lang"] == "en")]
    counts = concept_counts(side, by="side")
    table = concept_keyness(counts.loc["seed"], counts.loc["reference"], target_size=counts.loc["seed", "n_tokens"],
                            reference_size=counts.loc["reference", "n_tokens"])
    return table.sort_values("log_odds_z", ascending=False)["concept"].iloc[0]


@exercise("05.3", "Include the seed in the period means: what is the after-minus-before difference of the mean "
          "compute-scarcity rate (hits per 1,000 tokens)?",
          "units = group_units(include_seed=True), add a period column with period_of(date, date_precision), "
          "then group_difference(units, group='period', a='after', b='before', themes=['compute_scarcity']).",
          close(1e-3))
def _difference_with_seed():
    units = group_units(include_seed=True)
    units["period"] = [period_of(d, p) for d, p in zip(units["date"], units["date_precision"])]
    out = group_difference(units, group="period", a="after", b="before", themes=["compute_scarcity"], n_boot=1)
    return float(out["diff"].iloc[0])


@exercise("06.1", "How wide, in millimetres, is a two-column figure?",
          "analysis.figures.export.WIDTHS_MM maps 'one' and 'two' to widths in mm.", close(1e-9))
def _two_column_width():
    return WIDTHS_MM["two"]


@exercise("06.2", "How many figures of the paper set exist in one-column size only (a name ending in _1col with "
          "no _2col twin)?",
          "Loop over paper_figures.FIGURES: take the names ending in '_1col', strip the suffix, and count those "
          "whose '_2col' name is not registered.")
def _one_column_only():
    return sum(1 for name in FIGURES if name.endswith("_1col") and name[:-5] + "_2col" not in FIGURES)
