"""Comparisons: who is talking, periods, group intervals, keyness in the concept space and
against general usage, the term scatter and its label placement. Hand-computed examples;
the corpus tests use only committed files (the seed's text and extracted features)."""
import io
import math
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.compare import comparisons as C  # noqa: E402
from analysis.corpus.catalog import SEED_DOC_ID  # noqa: E402
from analysis.figures.comparison_plots import (  # noqa: E402
    boxes_overlap, greedy_placement, place_labels, term_scatter)
from analysis.stats.keyness import log_likelihood_g2, log_odds_dirichlet  # noqa: E402


def turns_table(rows):
    columns = ["doc_id", "turn_id", "speaker", "role", "n_tokens", "interviewee", "speaker_labels"]
    return pd.DataFrame(rows, columns=columns)


TURNS = turns_table([
    ("a", 1, "Host", "interviewer", 20, "Ann Boss", "yes"),
    ("a", 2, "Ann Boss", "interviewee", 60, "Ann Boss", "yes"),
    ("a", 3, "Guest", "interviewee", 30, "Ann Boss", "yes"),
    ("a", 4, "Host", "interviewer", 10, "Ann Boss", "yes"),
    ("b", 1, "unattributed", "other", 250, "Bo Chief", "none"),
    ("b", 2, "unattributed", "other", 240, "Bo Chief", "none"),
])


# --- who is talking ---------------------------------------------------------------------

def test_executive_turns_keeps_named_interviewees_and_whole_caption_transcripts():
    out = C.executive_turns(TURNS)
    assert list(zip(out["doc_id"], out["turn_id"])) == [("a", 2), ("b", 1), ("b", 2)]
    assert out.set_index("doc_id")["speech"].to_dict() == {"a": "executive", "b": "whole conversation"}
    assert out.attrs["left_out"] == [("a", "Guest", 30)]
    every = C.executive_turns(TURNS, speakers="interviewees")
    assert list(every.loc[every["doc_id"] == "a", "turn_id"]) == [2, 3]
    assert every.attrs["left_out"] == []


def test_executive_turns_falls_back_to_all_interviewees_when_no_name_matches():
    renamed = TURNS.assign(interviewee=TURNS["interviewee"].replace("Ann Boss", "A. Boss"))
    out = C.executive_turns(renamed)
    assert list(out.loc[out["doc_id"] == "a", "turn_id"]) == [2, 3]


def test_executive_turns_rejects_bad_input():
    with pytest.raises(ValueError, match="speaker_labels"):
        C.executive_turns(TURNS.drop(columns=["speaker_labels"]))
    with pytest.raises(ValueError, match="speakers"):
        C.executive_turns(TURNS, speakers="everyone")


def test_host_share_by_hand():
    table = C.host_share(TURNS)
    assert list(table["doc_id"]) == ["a"]  # b has no speaker labels
    assert table["interviewer_tokens"].iloc[0] == 30
    assert table["host_share"].iloc[0] == pytest.approx(30 / 120)


# --- dates, periods ---------------------------------------------------------------------

def test_date_midpoint():
    assert C.date_midpoint("2024-03-07", "day") == pd.Timestamp("2024-03-07")
    assert C.date_midpoint("2024-04", "month") == pd.Timestamp("2024-04-15")
    assert C.date_midpoint("2024", "year") == pd.Timestamp("2024-07-01")
    with pytest.raises(ValueError, match="precision"):
        C.date_midpoint("2024", "decade")


def test_period_of_and_ambiguous_months():
    assert C.period_of("2022-11-29", "day") == "before"
    assert C.period_of("2022-11-30", "day") == "after"        # the cut day counts as after
    assert C.period_of("2022-10", "month") == "before"
    assert C.period_of("2022-12", "month") == "after"
    with pytest.raises(ValueError, match="straddles"):
        C.period_of("2022-11", "month")
    with pytest.raises(ValueError, match="straddles"):
        C.period_of("2022", "year")
    assert C.period_of("2022-11", "month", cut="2022-11-01") == "after"


# --- group intervals --------------------------------------------------------------------

def _units(rates, periods, persons=None):
    """One 1,000-token turn per interview with ``rate`` hits: rates are per 1,000 tokens."""
    docs = [f"d{i}" for i in range(len(rates))]
    units = pd.DataFrame({"doc_id": docs, "n_tokens": 1000, "t": rates, "period": periods,
                          "person": persons or docs})
    units.attrs["themes"] = ["t"]
    return units


def test_group_rates_mean_of_interviews_with_an_interval_around_it():
    out = C.group_rates(_units([1, 2, 3, 10, 20], list("xxxyy")), group="period", n_boot=500).set_index("period")
    assert out.loc["x", "rate"] == pytest.approx(2.0) and out.loc["y", "rate"] == pytest.approx(15.0)
    assert out.loc["x", "n"] == 3 and out.loc["x", "n_clusters"] == 3
    assert 1.0 - 1e-9 <= out.loc["x", "lo"] <= 2.0 <= out.loc["x", "hi"] <= 3.0 + 1e-9


def test_group_rates_cluster_repeated_interviews_of_one_person():
    units = _units([1, 1, 9], list("xxx"), persons=["ann", "ann", "bo"])
    out = C.group_rates(units, group="period", n_boot=300).iloc[0]
    assert out["n_clusters"] == 2 and out["rate"] == pytest.approx(11 / 3)
    # a replicate draws ann (both interviews) and/or bo: means 1, 9 or 11/3 only
    assert out["lo"] == pytest.approx(1.0) and out["hi"] == pytest.approx(9.0)


def test_group_difference_by_hand_and_degenerate_interval():
    units = _units([10, 10, 10, 20, 20], list("aaabb"))
    row = C.group_difference(units, group="period", a="a", b="b", n_boot=300).iloc[0]
    assert row["rate_a"] == pytest.approx(10.0) and row["rate_b"] == pytest.approx(20.0)
    # every interview of a group has the same rate, so every replicate gives the same difference
    assert row["diff"] == pytest.approx(-10.0)
    assert row["lo"] == pytest.approx(-10.0) and row["hi"] == pytest.approx(-10.0)
    assert row["p_value"] == 0 and (row["n_a"], row["n_b"]) == (3, 2)
    with pytest.raises(ValueError, match="group 'c'"):
        C.group_difference(units, group="period", a="a", b="c")


def test_group_difference_is_reproducible_and_adjusted_for_the_themes_tested():
    rng = np.random.default_rng(1)
    units = _units(list(rng.integers(0, 9, 12)), ["a"] * 6 + ["b"] * 6).assign(u=rng.integers(0, 9, 12))
    one = C.group_difference(units, group="period", a="a", b="b", themes=["t", "u"], random_state=3)
    two = C.group_difference(units, group="period", a="a", b="b", themes=["t", "u"], random_state=3)
    pd.testing.assert_frame_equal(one, two)
    assert one.attrs["n_tests"] == 2 and (one["q_value"] >= one["p_value"]).all()


def test_leave_one_out_range_by_hand():
    units = _units([1, 2, 3, 10, 20], list("xxxyy"))
    row = C.leave_one_out(units, group="period", a="y", b="x").iloc[0]
    # all: 15 - 2 = 13; without d3 (10): 20 - 2 = 18; without d4 (20): 10 - 2 = 8
    assert row["diff"] == pytest.approx(13) and row["loo_min"] == pytest.approx(8)
    assert row["loo_max"] == pytest.approx(18) and row["loo_min_without"] == "d4"


def test_group_units_follow_the_one_seed_rule():
    without = C.group_units()
    assert C.SEED_IN_GROUPS is False and SEED_DOC_ID not in set(without["doc_id"])
    assert SEED_DOC_ID in set(C.group_units(include_seed=True)["doc_id"])


# --- keyness ----------------------------------------------------------------------------

def test_log_odds_sized_uses_true_sizes():
    """Counts of two terms out of corpora of 100 and 1,000 tokens, pooled prior scaled to 10."""
    a, b = {"x": 5, "y": 1}, {"x": 10, "y": 30}
    out = C.log_odds_sized(a, b, size_a=100, size_b=1000, prior_scale=10).set_index("term")
    # pooled prior: x 15, y 31, rest 94 + 960 = 1054, total 1100 -> scaled to 10
    aw = {"x": 15 / 1100 * 10, "y": 31 / 1100 * 10}
    for term in ("x", "y"):
        ya, yb, w = a[term], b[term], aw[term]
        delta = math.log((ya + w) / (100 + 10 - ya - w)) - math.log((yb + w) / (1000 + 10 - yb - w))
        assert out.loc[term, "delta"] == pytest.approx(delta)
        assert out.loc[term, "variance"] == pytest.approx(1 / (ya + w) + 1 / (yb + w))
    assert C.OTHER not in out.index


def test_log_odds_sized_equals_plain_function_when_counts_cover_everything():
    a, b = Counter(x=5, y=3, z=2), Counter(x=1, y=6, z=3)
    sized = C.log_odds_sized(a, b, size_a=10, size_b=10, prior_scale=4)
    plain = log_odds_dirichlet(a, b, "pooled", prior_scale=4)
    pd.testing.assert_series_equal(sized["z"], plain["z"])


def test_log_odds_sized_rejects_bad_prior_and_sizes():
    with pytest.raises(ValueError, match="share"):
        C.log_odds_sized({"x": 1}, {"x": 2}, size_a=10, size_b=10, prior={"x": 3.0})
    with pytest.raises(ValueError, match="smaller than the sum"):
        C.log_odds_sized({"x": 20}, {"x": 2}, size_a=10, size_b=10)


def test_concept_keyness_uses_true_sizes_and_names_themes():
    target = pd.Series({"elections": 2, "accelerators": 3, "safety": 0, "n_tokens": 600})
    reference = pd.Series({"elections": 6, "accelerators": 500, "safety": 80, "n_tokens": 300000})
    out = C.concept_keyness(target, reference, target_size=600, reference_size=300000,
                            themes={"elections": "elections_misinformation", "accelerators": "compute_scarcity",
                                    "safety": "safety_guardrails"}).set_index("concept")
    assert "n_tokens" not in out.index
    assert out.loc["elections", "g2"] == pytest.approx(log_likelihood_g2(2, 6, 600, 300000))
    assert out.loc["elections", "theme"] == "elections_misinformation"
    assert out.loc["elections", "log_odds_z"] > 0 > out.loc["safety", "log_odds_z"]
    assert out.index[0] == "elections"  # sorted by G2


def test_reference_frequencies_and_general_usage_keyness():
    import wordfreq
    ref = C.reference_frequencies(["gpu", "open_source", "zzqxjw"], "fr").set_index("term")
    assert ref.loc["gpu", "source"] == "wordlist lemma"
    assert ref.loc["gpu", "frequency"] >= wordfreq.word_frequency("gpu", "fr")  # forms summed
    assert ref.loc["open_source", "source"] == "phrase estimate"
    assert ref.loc["zzqxjw", "source"] == "absent (floor)" and ref.loc["zzqxjw", "frequency"] > 0
    counts = Counter({"gpu": 3, "modèle": 7, "chercheur": 4, "maison": 1})
    small = C.general_usage_keyness(counts, 800, "fr", reference_size=1e7).set_index("term")
    large = C.general_usage_keyness(counts, 800, "fr", reference_size=1e9).set_index("term")
    assert "maison" not in small.index  # below min_count
    # Log Ratio does not depend on the nominal size; G2 grows towards the one-sample test
    pd.testing.assert_series_equal(small["log_ratio"], large["log_ratio"])
    assert (large["g2"] >= small["g2"] - 1e-9).all()
    with pytest.raises(ValueError, match="reference_size"):
        C.general_usage_keyness(counts, 800, "fr", reference_size=500)


def test_concept_counts_pool_languages_through_concepts():
    """The seed (French) and one English interview, counted apart and together."""
    from analysis.corpus.load import load_corpus
    docs = ["2024-04_pineau_latribune", "2023-09-28_zuckerberg_lexfridman398"]
    turns = load_corpus(docs=docs)
    apart = C.concept_counts(turns)
    together = C.concept_counts(turns.assign(everyone="all"), by="everyone")
    pd.testing.assert_series_equal(apart.sum(), together.loc["all"], check_names=False)
    assert apart.loc[docs[0], "n_tokens"] == turns.loc[turns["doc_id"] == docs[0], "n_tokens"].sum()


def test_term_scatter_table_refuses_two_languages():
    from analysis.corpus.load import load_corpus
    turns = load_corpus(docs=["2024-04_pineau_latribune", "2023-09-28_zuckerberg_lexfridman398"])
    with pytest.raises(ValueError, match="mix languages"):
        C.term_scatter_table(turns, group="doc_id", a="2024-04_pineau_latribune",
                             b="2023-09-28_zuckerberg_lexfridman398")


# --- dynamics summary -------------------------------------------------------------------

def test_introducer_summary_by_hand():
    intro = pd.DataFrame({"doc_id": ["a", "b", "a", "b"], "theme": ["t", "t", "u", "u"],
                          "first_role": ["interviewer", "interviewee", None, "interviewee"],
                          "introductions": [2, 3, 0, 1], "by_interviewer": [1, 0, 0, 0]})
    out = C.introducer_summary(intro, n_boot=200).set_index("theme")
    assert out.loc["t", "share"] == pytest.approx(1 / 5)
    assert out.loc["t", "first_by_interviewer"] == 1 and out.loc["t", "n_documents"] == 2
    assert out.loc["u", "n_documents"] == 1 and out.loc["u", "share"] == 0


# --- label placement --------------------------------------------------------------------

def test_boxes_overlap():
    assert boxes_overlap((0, 0, 2, 2), (1, 1, 3, 3))
    assert not boxes_overlap((0, 0, 1, 1), (1, 0, 2, 1))          # touching edges do not overlap
    assert boxes_overlap((0, 0, 1, 1), (1.5, 0, 2, 1), margin=1)  # ... but a margin makes them


def test_greedy_placement_by_hand():
    positions = ((1, 0, "left", "center"), (-1, 0, "right", "center"))
    # Two labels on the same point: the first goes right, the second left, a third nowhere.
    out = greedy_placement([(10, 10)] * 3, [(4, 2)] * 3, positions=positions, margin=0)
    assert out[0] == ((11, 9, 15, 11), positions[0])
    assert out[1] == ((5, 9, 9, 11), positions[1])
    assert out[2] is None
    # Bounds exclude positions that leave the area; obstacles block positions.
    bounded = greedy_placement([(10, 10)], [(4, 2)], positions=positions, bounds=(0, 0, 14, 20), margin=0)
    assert bounded[0][1] == positions[1]
    blocked = greedy_placement([(10, 10)], [(4, 2)], positions=positions, obstacles=[(0, 0, 9.5, 20)], margin=0)
    assert blocked[0][1] == positions[0]


def _crowded_axes():
    rng = np.random.default_rng(0)
    x, y = rng.lognormal(size=60), rng.lognormal(size=60)
    fig, ax = plt.subplots(figsize=(3.5, 3), layout="constrained")
    ax.scatter(x, y, s=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    return fig, ax, x, y, [f"term{i}" for i in range(60)]


def _extents(texts, renderer):
    return [t.get_window_extent(renderer).extents for t in texts]


def test_place_labels_leaves_no_overlaps_at_any_dpi():
    fig, ax, x, y, labels = _crowded_axes()
    texts, skipped = place_labels(ax, x, y, labels, fontsize=6)
    assert texts and skipped, "a crowded plot should place some labels and skip others"
    assert len(texts) + len(skipped) == len(labels)
    for dpi in (fig.dpi, 300):
        fig.set_dpi(dpi)
        fig.canvas.draw()
        boxes = _extents(texts, fig.canvas.get_renderer())
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not boxes_overlap(a, b), (dpi, a, b)
    plt.close(fig)


def test_place_labels_is_deterministic():
    placements = []
    for _ in range(2):
        fig, ax, x, y, labels = _crowded_axes()
        texts, skipped = place_labels(ax, x, y, labels)
        placements.append(([(t.get_text(), t.xyann, t.get_ha(), t.get_va()) for t in texts], skipped))
        plt.close(fig)
    assert placements[0] == placements[1]


def test_term_scatter_labels_do_not_overlap():
    table = pd.DataFrame({"term": [f"w{i}" for i in range(40)],
                          "rate_a": np.r_[np.linspace(0.1, 5, 20), np.zeros(5), np.linspace(0.1, 1, 15)],
                          "rate_b": np.r_[np.linspace(0.2, 3, 20), np.linspace(0.1, 2, 5), np.zeros(15)],
                          "z": np.linspace(4, -4, 40)})
    table.attrs.update(a="A", b="B", size_a=1000, size_b=2000)
    fig, ax = term_scatter(table, n_labels=10)
    fig.canvas.draw()
    boxes = _extents(ax.placed_labels, fig.canvas.get_renderer())
    assert len(boxes) + len(ax.skipped_labels) == 20
    assert all(not boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)


# --- paper figures ----------------------------------------------------------------------

def test_sized_builders_register_each_size_at_its_journal_width():
    from analysis.figures.export import MM_PER_INCH, WIDTHS_MM
    from analysis.figures.paper import FIGURES
    assert {"theme_forest_1col", "theme_forest_2col", "concept_keyness_1col",
            "introducers_by_interview_2col"} <= set(FIGURES)
    assert "concept_keyness_2col" not in FIGURES  # one size on purpose
    for name, width in (("concept_keyness_1col", "one"), ("theme_heatmap_2col", "two")):
        fig, caption = FIGURES[name]()
        assert fig.get_size_inches()[0] * MM_PER_INCH == pytest.approx(WIDTHS_MM[width])
        assert caption.strip()
        plt.close(fig)


def test_host_concentration_and_the_same_person_on_two_outlets():
    catalog = pd.DataFrame({"doc_id": ["seed", "a", "b", "c", "d"],
                            "outlet": ["La Tribune", "Lex Fridman Podcast #1", "Lex Fridman Podcast #2",
                                       "Dwarkesh Podcast (with a guest host)", "Hard Fork (NYT)"]})
    assert C.host_concentration(catalog, seed_doc="seed") == {"outlet": "Lex Fridman Podcast", "n": 2, "total": 4,
                                                              "outlets": 3}
    profiles = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "theme": "compute_scarcity",
                             "rate": [1.0, 2.0, 3.0, 4.0], "lo": 0.0, "hi": 5.0, "n_tokens": 100,
                             "speech": "executive", "date": ["2020", "2021", "2022", "2023"],
                             "interviewee": ["Ann", "Bob", "Ann; Cy", "Bob"]})
    table = C.across_outlets(profiles, catalog)
    # Ann: Lex Fridman and Dwarkesh; Bob: Lex Fridman and Hard Fork; Cy: one outlet only
    assert sorted(set(table["person"])) == ["Ann", "Bob"]
    assert table[table["person"] == "Ann"]["outlet"].tolist() == ["Lex Fridman Podcast", "Dwarkesh Podcast"]
    assert table[table["person"] == "Bob"]["rate"].tolist() == [2.0, 4.0]
