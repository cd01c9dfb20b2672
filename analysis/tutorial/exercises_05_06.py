"""Solutions of the exercises of notebooks 05 (comparisons) and 06 (figures for papers),
with the notebooks' default settings. Each function is the solution a student can read
with ``show_solution(id)`` and what the check compares with.
"""
from __future__ import annotations

from analysis.compare import comparisons
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.figures.export import WIDTHS_MM
from analysis.figures import paper as paper_figures
from analysis.measures.theme_scores import seed_standing
from analysis.tutorial.exercise_registry import exact, exercise, key, number


@exercise("05.1", "How many times the median of the other interviews is the seed's open-source-risk rate? "
          "(Executive turns, default bootstrap settings; a number such as 12.3.)",
          "The standing table above has the seed's rate and others_median for open_source_risk: divide one by "
          "the other (values read off the table are rounded; 2% either way is accepted).",
          number(decimals=1, rel=0.02), "a number (a ratio)")
def open_source_ratio():
    """The seed's open_source_risk rate over the median of the other interviews."""
    standing = seed_standing(comparisons.executive_profiles(), SEED_DOC_ID, "open_source_risk")
    return float(standing["rate"] / standing["others_median"])


@exercise("05.2", "Which concept has the largest log-odds z for the seed against the English interviews? "
          "Give its key, e.g. 'accelerators'.",
          "The concept keyness table above is sorted by G2; sort it by log_odds_z (descending) and take the first "
          "concept.", key(), "a concept key (text)")
def top_concept():
    """Concept keyness of the seed against the English executive turns, sorted by log-odds z."""
    execs = comparisons.corpus_data()["executive"]
    side = execs.assign(side=execs["doc_id"].eq(SEED_DOC_ID).map({True: "seed", False: "reference"}))
    side = side[(side["side"] == "seed") | (side["lang"] == "en")]  # English comparisons only
    counts = comparisons.concept_counts(side, by="side")
    table = comparisons.concept_keyness(counts.loc["seed"], counts.loc["reference"],
                                        target_size=counts.loc["seed", "n_tokens"],
                                        reference_size=counts.loc["reference", "n_tokens"])
    return table.sort_values("log_odds_z", ascending=False)["concept"].iloc[0]


@exercise("05.3", "Include the seed in the period means: what is the after-minus-before difference of the mean "
          "compute-scarcity rate (hits per 1,000 tokens)?",
          "units = comparisons.group_units(include_seed=True), add a period column with period_of(date, "
          "date_precision), then comparisons.group_difference(units, group='period', a='after', b='before', "
          "themes=['compute_scarcity']) and read its diff.", number(decimals=2),
          "a number (per 1,000 tokens)")
def difference_with_seed():
    """Mean compute-scarcity rate after ChatGPT minus before, one value per interview, seed included."""
    units = comparisons.group_units(include_seed=True)  # the sensitivity check: seed in
    units["period"] = [comparisons.period_of(d, p) for d, p in zip(units["date"], units["date_precision"])]
    out = comparisons.group_difference(units, group="period", a="after", b="before", themes=["compute_scarcity"],
                                       n_boot=1)
    return float(out["diff"].iloc[0])


@exercise("06.1", "How wide, in millimetres, is a two-column figure?",
          "WIDTHS_MM maps 'one' and 'two' to widths in mm.", number(decimals=0), "a number (mm)")
def two_column_width():
    """Read the two-column width from WIDTHS_MM."""
    return WIDTHS_MM["two"]


@exercise("06.2", "How many figures of the paper set exist in one-column size only (a name ending in _1col with "
          "no _2col twin)?",
          "Loop over paper_figures.FIGURES: take the names ending in '_1col', strip the suffix, and count those "
          "whose '_2col' name is not registered.", exact(), "a whole number")
def one_column_only():
    """Count the registered names ending in _1col whose _2col twin is not registered."""
    figures = paper_figures.FIGURES
    return sum(1 for name in figures if name.endswith("_1col") and name[:-5] + "_2col" not in figures)
