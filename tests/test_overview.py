"""The corpus overview: sizes, interviewer shares and resolution are computed, not typed."""
import pytest

from analysis.corpus.load import load_corpus
from analysis.corpus.overview import corpus_overview, counts_by, size_contrast

SEED = "2024-04_pineau_latribune"


def test_overview_sizes_and_shares_match_the_turns():
    turns = load_corpus()
    overview = corpus_overview(turns).set_index("doc_id")
    seed_turns = turns[turns["doc_id"] == SEED]
    expected = seed_turns.loc[seed_turns["role"] == "interviewer", "n_tokens"].sum() / seed_turns["n_tokens"].sum()
    assert overview.loc[SEED, "interviewer_share"] == pytest.approx(expected)
    assert overview.loc[SEED, "one_hit_per_1000"] == pytest.approx(1000 / overview.loc[SEED, "n_tokens"])
    captions = overview[overview["turn_unit"] == "chunk"]
    assert captions["interviewer_share"].isna().all()


def test_size_contrast_and_grouping():
    overview = corpus_overview()
    contrast = size_contrast(overview, SEED)
    assert contrast["median_ratio"] > 10       # the seed is far shorter than the podcasts
    by_org = counts_by(overview, "organization")
    assert by_org["interviews"].sum() == len(overview)
    assert by_org["tokens"].sum() == overview["n_tokens"].sum()
