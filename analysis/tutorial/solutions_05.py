"""Solutions to the exercises of notebooks 05 (comparisons) and 06 (figures), kept apart from them."""

SOLUTIONS = {
    "05.1": """
from analysis.compare.comparisons import executive_profiles
from analysis.measures.theme_scores import seed_standing
standing = seed_standing(executive_profiles(), "2024-04_pineau_latribune", "open_source_risk")
answer = standing["rate"] / standing["others_median"]
""",
    "05.2": """
from analysis.compare.comparisons import concept_counts, concept_keyness, corpus_data
execs = corpus_data()["executive"]
side = execs.assign(side=execs["doc_id"].eq("2024-04_pineau_latribune").map({True: "seed", False: "reference"}))
side = side[(side["side"] == "seed") | (side["lang"] == "en")]       # English comparisons only
counts = concept_counts(side, by="side")
table = concept_keyness(counts.loc["seed"], counts.loc["reference"],
                        target_size=counts.loc["seed", "n_tokens"], reference_size=counts.loc["reference", "n_tokens"])
answer = table.sort_values("log_odds_z", ascending=False)["concept"].iloc[0]
""",
    "05.3": """
from analysis.compare.comparisons import group_difference, group_units, period_of
units = group_units(include_seed=True)                     # the sensitivity check: seed in
units["period"] = [period_of(d, p) for d, p in zip(units["date"], units["date_precision"])]
out = group_difference(units, group="period", a="after", b="before", themes=["compute_scarcity"])
answer = float(out["diff"].iloc[0])
""",
    "06.1": """
from analysis.figures.export import WIDTHS_MM
answer = WIDTHS_MM["two"]
""",
    "06.2": """
from analysis.figures.paper import FIGURES
answer = sum(1 for name in FIGURES if name.endswith("_1col") and name[:-5] + "_2col" not in FIGURES)
""",
}
