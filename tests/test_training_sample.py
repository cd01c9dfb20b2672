"""The training supplement (issue 11): development turns coded to fit the model, kept out of
every estimate. Its draw is reproducible from the committed corpus; its rows are fitted on
but never choose a threshold; uncoded corpus turns to predict are never fitted on."""
import numpy as np
import pandas as pd
import pytest

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError
from analysis.measures.theme_model import model_probabilities, predictions
from analysis.measures.training_sample import (FOCUS_THEMES, draw_training_sample, load_training_sample)

THEMES_DIR = corpus_dir() / "themes"


def _splits():
    table = pd.read_csv(THEMES_DIR / "splits.csv")
    return dict(zip(table["doc_id"], table["split"]))


def test_the_committed_supplement_redraws_from_the_committed_corpus():
    from analysis.corpus.load import load_corpus
    from analysis.measures.coding import load_sample
    committed = load_training_sample()
    assert len(committed) > 0
    drawn = draw_training_sample(load_corpus(), _splits(), load_sample())
    pd.testing.assert_frame_equal(drawn, committed, check_dtype=False)


def test_the_supplement_holds_development_turns_outside_the_sample_only():
    committed = load_training_sample()
    splits = _splits()
    assert {splits[d] for d in committed["doc_id"]} == {"development"}
    sample = pd.read_csv(THEMES_DIR / "sample.csv")
    overlap = set(zip(committed["doc_id"], committed["turn_id"])) & set(zip(sample["doc_id"], sample["turn_id"]))
    assert not overlap
    assert set(committed["stratum"]) == {f"training:{t}" for t in FOCUS_THEMES} | {"training:random"}


def test_every_supplement_turn_is_coded_by_a_model_coder_named_as_such():
    coding = pd.read_csv(THEMES_DIR / "coding.csv")
    committed = load_training_sample()
    coded = coding.merge(committed[["doc_id", "turn_id"]], on=["doc_id", "turn_id"])
    assert len(coded) == len(committed)
    assert set(coded["coder_type"]) == {"model"} and coded["coder"].str.startswith("model-coder-").all()


def test_draw_on_a_toy_corpus_is_seeded_and_leaves_test_interviews_alone(monkeypatch):
    monkeypatch.setattr("analysis.measures.training_sample.turn_counts", lambda turns: list(turns["counts"]))
    turns = pd.DataFrame({
        "doc_id": ["d"] * 6 + ["t"] * 4, "turn_id": list(range(6)) + list(range(4)),
        "segment": "interview", "n_tokens": 3,
        "counts": [{"gpu": 1}, {"gpu": 1}, {"election": 1}, {"talk": 1}, {"open": 1, "source": 1}, {"talk": 1},
                   {"gpu": 1}, {"gpu": 1}, {"talk": 1}, {"talk": 1}]})
    splits = {"d": "development", "t": "test"}
    sample = pd.DataFrame({"doc_id": ["d"], "turn_id": [0]})
    drawn = draw_training_sample(turns, splits, sample, n_per_theme=1, n_random=1, seed=7)
    assert set(drawn["doc_id"]) == {"d"} and 0 not in set(drawn["turn_id"])
    assert drawn.loc[drawn["turn_id"] == 1, "stratum"].item() == "training:compute_scarcity"
    assert drawn.loc[drawn["turn_id"] == 2, "stratum"].item() == "training:elections_misinformation"
    pd.testing.assert_frame_equal(drawn, draw_training_sample(turns, splits, sample, n_per_theme=1, n_random=1,
                                                              seed=7))


def test_a_test_row_in_the_supplement_file_is_refused(tmp_path):
    path = tmp_path / "training_sample.csv"
    path.write_text("doc_id,turn_id,stratum,split,n_tokens\nx,1,training:random,test,5\n")
    with pytest.raises(InputError, match=r"training_sample.csv.*line 2|development turns only"):
        load_training_sample(path)


def _toy(n_per_doc=21):
    rows, features = [], []
    for doc, split in (("a", "development"), ("b", "development"), ("c", "development"), ("t", "test")):
        for i in range(n_per_doc):
            positive = i % 3 == 0
            rows.append({"doc_id": doc, "split": split, "X": int(positive), "use": "sample"})
            features.append({"lemma:gpu" if positive else "lemma:talk": 1.0, "lemma:the": 1.0})
    return pd.DataFrame(rows), features


def test_training_rows_are_fitted_on_but_choose_no_threshold(monkeypatch):
    coded, features = _toy()
    # supplement rows in interview 'c' carry the only examples of a second positive word
    extra = pd.DataFrame([{"doc_id": "c", "split": "development", "X": 1, "use": "training"}] * 12)
    extra_features = [{"lemma:chip": 1.0, "lemma:the": 1.0}] * 12
    probe = pd.DataFrame([{"doc_id": "t", "split": "test", "X": 0, "use": "sample"}])
    probe_features = [{"lemma:chip": 1.0, "lemma:the": 1.0}]
    without = model_probabilities(pd.concat([coded, probe], ignore_index=True), features + probe_features, ["X"])
    with_training = model_probabilities(pd.concat([coded, probe, extra], ignore_index=True),
                                        features + probe_features + extra_features, ["X"])
    # the test turn with the supplement's word is scored higher once the supplement is fitted on
    assert with_training["X"].iat[len(coded)] > without["X"].iat[len(coded)] + 0.2
    # thresholds are chosen on the sample's development rows alone (63), not on the supplement's
    seen = []
    import analysis.measures.theme_model as theme_model
    original = theme_model.choose_threshold
    monkeypatch.setattr(theme_model, "choose_threshold",
                        lambda truth, probability, weights=None: (seen.append(len(truth)),
                                                                  original(truth, probability))[1])
    theme_model.model_probabilities.uncached(pd.concat([coded, probe, extra], ignore_index=True),
                                             features + probe_features + extra_features, ["X"])
    assert seen == [int((coded["split"] == "development").sum())]


def test_apply_rows_are_never_fitted_on_and_development_ones_are_held_out():
    coded, features = _toy()
    apply = pd.DataFrame([{"doc_id": "a", "split": "development", "X": 0, "use": "apply"},
                          {"doc_id": "t", "split": "test", "X": 0, "use": "apply"}])
    apply_features = [{"lemma:gpu": 1.0, "lemma:the": 1.0}] * 2
    first = model_probabilities(pd.concat([coded, apply], ignore_index=True), features + apply_features, ["X"])
    # their (placeholder) labels do not matter: they are not fitted on
    second = model_probabilities(pd.concat([coded, apply.assign(X=1)], ignore_index=True),
                                 features + apply_features, ["X"])
    pd.testing.assert_frame_equal(first, second)
    # the development interview's apply row gets the held-out prediction of that interview's coded turns
    same = np.flatnonzero((coded["doc_id"] == "a").to_numpy() & (coded["X"] == 1).to_numpy())
    assert first["X"].iat[len(coded)] == pytest.approx(first["X"].iat[same[0]])
    assert (predictions(first)["X"].iloc[len(coded):] == 1).all()


def test_an_unknown_use_is_refused():
    coded, features = _toy()
    with pytest.raises(ValueError, match="unknown use"):
        model_probabilities(coded.assign(use="estimate"), features, ["X"])
