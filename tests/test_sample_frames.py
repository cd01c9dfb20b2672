"""The validation sample's frames: each can be redrawn from the committed corpus, and they
cover disjoint interviews (so that their Horvitz-Thompson totals add)."""
import pandas as pd
import pytest

from analysis.core.paths import corpus_dir
from analysis.corpus.load import load_catalog
from analysis.measures.sample_frames import FRAMES, draw_frame

SAMPLE = pd.read_csv(corpus_dir() / "themes" / "sample.csv")
SPLITS = pd.read_csv(corpus_dir() / "themes" / "splits.csv")


def test_every_frame_of_the_sample_is_registered():
    assert set(SAMPLE["frame"]) <= set(FRAMES)


@pytest.mark.parametrize("name", [f for f in FRAMES if FRAMES[f].redrawable])
def test_the_frame_redraws_to_its_committed_rows(name):
    committed = SAMPLE[SAMPLE["frame"] == name].reset_index(drop=True)
    if committed.empty:
        pytest.fail(f"frame {name} is registered but has no row in sample.csv")
    drawn = draw_frame(name, dict(zip(SPLITS["doc_id"], SPLITS["split"])))
    pd.testing.assert_frame_equal(drawn, committed, check_dtype=False)


def test_frames_cover_disjoint_interviews():
    catalog = load_catalog()
    seen: dict[str, str] = {}
    for name, frame in FRAMES.items():
        for doc_id in frame.doc_ids(catalog):
            assert doc_id not in seen, f"{doc_id} is in frames {seen[doc_id]} and {name}"
            seen[doc_id] = name
    assert set(SAMPLE["doc_id"]) <= set(seen)


def test_unknown_and_frozen_frames_are_refused():
    with pytest.raises(ValueError, match="unknown frame"):
        draw_frame("corpus-v9", {})
    with pytest.raises(ValueError, match="cannot be redrawn"):
        draw_frame("corpus-v1", {})
