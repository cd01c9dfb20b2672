"""Theme instrument v2: context rules, stored hits and their version, interview splits,
the quote locator, `analysis validate --coding`, design weights and the corrected share.

Expected numbers are worked out by hand in the comments.
"""
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.features import turn_features, write_features
from analysis.corpus.load import load_corpus
from analysis.ingest.build import build, rebuild_catalog
from analysis.ingest.coding_packet import coding_packet
from analysis.measures.agreement import agreement
from analysis.measures.coding import load_quote_coding, locate_quote, normalise_quote
from analysis.measures.corrected_shares import corrected_shares
from analysis.measures.rule_hits import StaleRulesError, rule_theme_hits
from analysis.measures.sampling import design_sample
from analysis.measures.theme_splits import MIN_TEST_SHARE, load_splits, split_of
from analysis.stats.intervals import wilson
from analysis.stats.measurement import (design_weights, effective_sample_size, rogan_gladen, weighted_metrics,
                                        wilson_ci)
from analysis.text.tokenize import count_tokens
from analysis.text.theme_rules import ThemeRules, check_examples, load_rules, turn_theme_hits

THEMES = ["compute_scarcity", "open_source_risk", "elections_misinformation", "talent_war", "safety_guardrails",
          "bias_representation", "regulation_policy", "agi_future"]


# --- rules ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rules():
    return ThemeRules()


def test_every_rule_example_and_counter_example_behaves_as_written(rules):
    assert len(rules.rules_) >= 10
    assert check_examples(rules) == []


@pytest.mark.parametrize("text, theme, expected", [
    ("We give Llama away to everyone.", "open_source_risk", 1),          # add rule, two context groups
    ("We give our users a lot away.", "open_source_risk", 0),            # 'away' but no released object
    ("AI is like electricity.", "compute_scarcity", 0),                  # exclusion
    ("AI is like electricity, but the grid cannot supply it.", "compute_scarcity", 1),  # veto of the exclusion
    ("We hire people who are kind.", "talent_war", 0),                   # require without context
    ("We hire engineers.", "talent_war", 1),
])
def test_rule_actions(rules, text, theme, expected):
    assert rules.hits(text, "en")[theme] == expected


def test_a_broken_rule_names_the_file_and_line(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("rule_id,theme,lang,action,term,context,unless,window,example,counter_example,note\n"
                    "ok_rule,talent_war,en,add,poach,,,3,a,b,c\n"
                    "bad,talent_war,en,require,hire,,,3,a,b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match="require rule without context") as error:
        load_rules(path, themes=THEMES)
    assert error.value.line == 3


# --- stored hits and their version ----------------------------------------------------------

MADE_UP = "2024-01_someone_podcast"


@pytest.fixture
def mixed_corpus(tmp_corpus):
    """The seed (full text) plus a made-up features-only interview."""
    build(tmp_corpus)
    meta = {"doc_id": MADE_UP, "interviewee": "Some One", "organization": "Org", "date": "2024-01",
            "date_precision": "month", "language": "en", "format": "podcast", "text_availability": "features"}
    turns = [Turn("Host", "interviewer", "Do you have enough GPUs?"),
             Turn("Some One", "interviewee", "We give Llama away to every developer. AI is like electricity.")]
    write_features(tmp_corpus / "features" / f"{MADE_UP}.jsonl", meta, turn_features(turns, "en"),
                   tmp_corpus / "phrases.csv")
    rebuild_catalog(tmp_corpus)
    return tmp_corpus


def test_features_store_rule_hits_and_loading_uses_them(mixed_corpus):
    header = json.loads((mixed_corpus / "features" / f"{MADE_UP}.jsonl").read_text().splitlines()[0])
    assert header["extraction"]["theme_rules_sha256"] == ThemeRules().version_
    hits = rule_theme_hits(load_corpus()).set_index(["doc_id", "turn_id"])
    assert hits.loc[(MADE_UP, 2), "open_source_risk"] == 1 and hits.loc[(MADE_UP, 2), "compute_scarcity"] == 0
    assert hits.loc[(MADE_UP, 1), "compute_scarcity"] == 1
    assert hits.loc[(SEED_DOC_ID, 3), "compute_scarcity"] >= 1  # full text, matched live


def test_stale_rules_are_an_error_naming_documents_and_command(mixed_corpus):
    rules_path = mixed_corpus / "themes" / "rules.csv"
    rules_path.write_text(rules_path.read_text(encoding="utf-8").replace(",3,We decided", ",4,We decided"),
                          encoding="utf-8")
    with pytest.raises(StaleRulesError, match=f"{MADE_UP}.*python -m analysis extract --raw DIR"):
        rule_theme_hits(load_corpus())


def test_stored_hits_equal_live_hits():
    turn = Turn("A", "interviewee", "We decided to release the weights. AI is like electricity.")
    assert turn_features([turn], "en")[0]["themes"] == turn_theme_hits(turn.text, "en") == {"open_source_risk": 1}


# --- splits ---------------------------------------------------------------------------------

def test_recorded_splits_follow_the_rule_and_keep_enough_test_interviews():
    table = load_splits()
    assert (table["split"] == "test").mean() >= MIN_TEST_SHARE
    assert split_of(SEED_DOC_ID) == "test" and dict(zip(table["doc_id"], table["split"]))[SEED_DOC_ID] == "test"
    assert table.groupby("group")["split"].nunique().max() == 1


# --- quote locator and validate --coding ----------------------------------------------------

TURNS = pd.DataFrame({"doc_id": ["a", "a", "a", "f"], "turn_id": [1, 2, 3, 1],
                      "text": ["We never have   enough GPUs for the research we want to do here.",
                               "The  GPUs for the research we want to do are scarce, said she.",
                               "Nothing about compute at all in this turn, none whatsoever.", ""],
                      "text_availability": ["full", "full", "full", "features"]})


def test_quotes_are_normalised_and_located():
    assert normalise_quote("Ｆｕｌｌ  width\tTEXT ") == "full width text"
    assert locate_quote("never have ENOUGH gpus for the research we want", "a", TURNS) == [1]
    assert locate_quote("gpus for the research we want to do", "a", TURNS) == [1, 2]
    assert locate_quote("a sentence that no turn of this document contains", "a", TURNS) == []


@pytest.mark.parametrize("row, message", [
    ("a,never have enough GPUs for the research we want", None),
    ("a,a sentence that no turn of this document contains at all", "matches no turn"),
    ("a,GPUs for the research we want to do", "matches 2 turns"),
    ("a,too short a quote", "fewer than 8 words"),
    ("f,whatever quote you like it does not matter here at all", "features-only document"),
])
def test_quote_coding_errors_name_the_row(tmp_path, row, message):
    path = tmp_path / "mine.csv"
    path.write_text("doc_id,quote," + ",".join(THEMES) + "\n" + row + ",1" + ",0" * 7 + "\n", encoding="utf-8")
    if message is None:
        assert load_quote_coding(path, TURNS, themes=THEMES)["turn_id"].tolist() == [1]
        return
    with pytest.raises(InputError, match=message) as error:
        load_quote_coding(path, TURNS, themes=THEMES)
    assert error.value.line == 2


def test_validate_coding_command_on_a_small_coding(tmp_corpus, tmp_path, capsys):
    build(tmp_corpus)
    path = tmp_path / "mine.csv"
    # seed turn 3 ('à court de GPU') is compute; turn 4 asks what the GPUs are for: coded 0. The French
    # rule compute_needs_resource_fr keeps a GPU hit only near a resource word ('court' in turn 3),
    # so turn 4 is no longer a false positive: precision 1/1, recall 1/1.
    path.write_text("doc_id,quote," + ",".join(THEMES) + ",coder\n"
                    f"{SEED_DOC_ID},Nous sommes toujours à court de GPU [rires] ! Plus sérieusement,1,0,0,1,0,0,0,0,me\n"
                    f"{SEED_DOC_ID},à quoi servent ces GPU dans le travail quotidien de vos équipes,"
                    "0,0,0,0,0,0,0,0,me\n", encoding="utf-8")
    assert main(["validate", "--coding", str(path), "--rules-only", "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    compute = table[(table["theme"] == "compute_scarcity")].iloc[0]
    assert (compute["method"], compute["split"], compute["scope"]) == ("rules", "test", "researcher")
    assert compute["precision"] == 1.0 and compute["recall"] == 1.0 and compute["support"] == 1


# --- statistics -----------------------------------------------------------------------------

def test_rogan_gladen_against_a_hand_computed_case():
    # q = 0.3, Se = 0.8, Sp = 0.9: (0.3 + 0.9 - 1) / (0.8 + 0.9 - 1) = 0.2 / 0.7
    assert rogan_gladen(0.3, 0.8, 0.9) == pytest.approx(2 / 7)
    assert rogan_gladen(0.05, 0.8, 0.9) == 0.0      # -0.05 / 0.7 clipped
    assert rogan_gladen(0.99, 0.8, 0.9) == 1.0      # 0.89 / 0.7 clipped
    assert math.isnan(rogan_gladen(0.3, 0.5, 0.5))  # Se + Sp = 1: no information


def test_weighted_metrics_against_a_hand_computed_sample():
    # weights 2, 1, 1, 4: TP = 2 (unit 1), FN = 1 (unit 2), FP = 1 (unit 3), TN = 4
    m = weighted_metrics([1, 1, 0, 0], [1, 0, 1, 0], design_weights([0.5, 1, 1, 0.25]))
    assert (m["tp"], m["fn"], m["fp"], m["tn"]) == (2, 1, 1, 4)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(4 / 6) and m["support"] == 2
    assert effective_sample_size([2, 1]) == pytest.approx(9 / 5)  # (2 + 1)^2 / (4 + 1)
    assert m["precision_lo"] < m["precision"] < m["precision_hi"]
    assert all(math.isnan(x) for x in wilson_ci(0, 0))
    assert wilson_ci(3, 10) == pytest.approx((0.1078, 0.6032), abs=1e-4)  # Wilson 95% for 3/10
    with pytest.raises(ValueError):
        design_weights([0.0])


def test_design_weights_of_a_small_drawn_sample():
    # 8 turns: 3 mention chips (compute seed word), 5 do not. Random stratum: 2 turns;
    # then 1 compute turn among those left. pi = (r_h + m_h) / M_h per frame stratum.
    texts = ["chip supply", "chips again", "more chip", "hello", "weather", "music", "sport", "books"]
    turns = pd.DataFrame({"doc_id": "d", "turn_id": range(1, 9), "segment": "interview", "lang": "en", "n_tokens": 2,
                          "text": texts, "text_availability": "full",
                          "counts": [count_tokens(t, "en") for t in texts]})
    sample = design_sample(turns, {"d": "development"}, seed=3, n_random=2, n_per_theme=1)
    assert len(sample) == 3 and (sample["stratum"] == "random").sum() == 2
    for stratum, size in (("seedword:compute_scarcity", 3), ("none", 5)):
        part = sample[sample["frame_stratum"] == stratum]
        assert np.allclose(part["inclusion_probability"], len(part) / size)
    # Horvitz-Thompson: the weights of a stratum add up to its size
    assert design_weights(sample["inclusion_probability"]).sum() == pytest.approx(
        sum(size for s, size in (("seedword:compute_scarcity", 3), ("none", 5)) if s in set(sample["frame_stratum"])))


def test_agreement_against_hand_computed_kappa():
    # a = 1 1 0 0, b = 1 0 0 0: observed 0.75, chance 0.5*0.25 + 0.5*0.75 = 0.5 -> kappa 0.5
    coding = pd.DataFrame({"doc_id": "d", "turn_id": [1, 2, 3, 4] * 2, "coder": ["a"] * 4 + ["b"] * 4,
                           "X": [1, 1, 0, 0, 1, 0, 0, 0]})
    row = agreement(coding, "a", "b", themes=["X"]).iloc[0]
    assert row["kappa"] == pytest.approx(0.5) and row["agreement"] == 0.75
    # alpha: 8 values (three 1s, five 0s); D_o = 2/8, D_e = 2*3*5/(8*7) = 30/56 -> 1 - 14/30 = 8/15
    assert row["alpha"] == pytest.approx(8 / 15)


def test_a_perfect_instrument_is_not_corrected():
    coded = pd.DataFrame({"doc_id": ["c1", "c1", "c2", "c2"], "X": [1, 0, 1, 0], "stratum": "random",
                          "inclusion_probability": 0.5})
    coded.attrs["themes"] = ["X"]
    flags = pd.DataFrame({"doc_id": ["d"] * 4, "X": [1, 1, 0, 0]})
    table = corrected_shares(flags, coded, coded[["X"]], n_boot=50, reliable={"X": True})
    row = table.iloc[0]
    assert row["apparent"] == 0.5 and row["corrected"] == 0.5 and row["reliable"]
    assert row["lo"] <= 0.5 <= row["hi"] and row["n"] == 4
    # four turns of one interview: closed-form Wilson, not a bootstrap of four turns
    assert (row["lo"], row["hi"]) == pytest.approx(wilson(2, 4))
    assert row["interval"].startswith("Wilson")


def test_corrected_shares_follow_the_one_resampling_design():
    rng = np.random.default_rng(0)
    coded = pd.DataFrame({"doc_id": np.repeat([f"c{i}" for i in range(10)], 20), "stratum": "random",
                          "inclusion_probability": 0.5, "X": rng.integers(0, 2, 200)})
    coded.attrs["themes"] = ["X"]
    predicted = coded[["X"]].copy()
    predicted.loc[rng.random(200) < 0.15, "X"] ^= 1                       # an imperfect instrument
    flags = pd.DataFrame({"doc_id": np.repeat(["a", "b", "c", "s"], [60, 50, 40, 6]),
                          "X": np.r_[rng.integers(0, 2, 150), np.zeros(6, int)]})
    flags["group"] = np.where(flags["doc_id"] == "s", "seed", "others")
    by_doc = corrected_shares(flags, coded, predicted, n_boot=300, random_state=3).set_index("doc_id")
    assert by_doc.loc["a", "interval"].startswith("moving-block bootstrap, blocks of 4 turns")
    assert by_doc.loc["s", "interval"].startswith("Wilson")
    assert by_doc.loc["s", "hi"] > 0                                         # no flagged turn is not [0, 0]
    pooled = corrected_shares(flags, coded, predicted, by="group", n_boot=300, random_state=3).set_index("group")
    assert pooled.loc["others", "interval"].startswith("two-stage") and pooled.loc["others", "n_interviews"] == 3
    again = corrected_shares(flags, coded, predicted, n_boot=300, random_state=3).set_index("doc_id")
    assert again.equals(by_doc)                                              # same random_state, same numbers
    with pytest.warns(DeprecationWarning, match="random_state"):
        old = corrected_shares(flags, coded, predicted, n_boot=300, seed=3).set_index("doc_id")
    assert old.equals(by_doc)


def test_the_packet_prints_turn_text_only(tmp_corpus):
    build(tmp_corpus)
    packet = coding_packet([(SEED_DOC_ID, 3)], [], tmp_corpus)
    assert packet.startswith(f"### {SEED_DOC_ID} #3 | interviewee") and "court de GPU" in packet
    assert "[previous turn, interviewer, end]" in packet and "compute_scarcity" not in packet


def test_learned_model_scores_each_development_interview_without_seeing_it():
    from analysis.measures.theme_model import choose_method, model_probabilities, predictions
    # three development interviews and one test interview; the word "gpu" marks theme X
    rows, features = [], []
    for doc, split in (("a", "development"), ("b", "development"), ("c", "development"), ("t", "test")):
        for i in range(21):
            positive = i % 3 == 0
            rows.append({"doc_id": doc, "split": split, "X": int(positive)})
            features.append({"lemma:gpu" if positive else "lemma:talk": 1.0, "lemma:the": 1.0})
    coded = pd.DataFrame(rows)
    probabilities = model_probabilities(coded, features, ["X"])
    assert probabilities["X"].between(0, 1).all() and probabilities.attrs["fit"]["X"] == "calibrated"
    predicted = predictions(probabilities)
    assert (predicted["X"] == coded["X"]).all()  # a separable toy problem is learned in every fold
    # an interview whose positives use a word the other interviews lack (too rare to be a feature)
    # is scored low: its own turns were not used to score it
    features_unseen = [dict(f) for f in features]
    for i, row in enumerate(rows):
        if row["doc_id"] == "a" and row["X"]:
            features_unseen[i] = {"lemma:novel": 1.0, "lemma:the": 1.0}
    held_out = model_probabilities(coded, features_unseen, ["X"])
    a_positive = (coded["doc_id"] == "a") & (coded["X"] == 1)
    assert (held_out.loc[a_positive, "X"] < held_out.loc[(coded["doc_id"] == "b") & (coded["X"] == 1), "X"].min()).all()
    rules = pd.DataFrame({"X": 0}, index=coded.index)
    assert choose_method(coded, rules, predicted, ["X"]) == {"X": "model"}
    # the random state is random_state=: the same one gives the same probabilities
    pd.testing.assert_frame_equal(model_probabilities(coded, features, ["X"], random_state=5),
                                  model_probabilities(coded, features, ["X"], random_state=5))


def test_two_frames_combine_with_each_frames_own_weights(monkeypatch):
    from analysis.measures.sampling import frame_design
    from analysis.measures.validation import validation_report
    # Frame F1 (10 turns: 8 'none', 2 seed-word X): 2 random turns fell in 'none', then 1 of the
    # 2 X turns: pi = 2/8 and 1/2; weights 4, 4, 2 (sum 10 = N_1); random stratum 2 of 10.
    # Frame F2 (4 turns, all 'none'): 2 random turns, pi = 2/4, weights 2, 2 (sum 4); random 2 of 4.
    sample = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b"], "turn_id": [1, 2, 3, 1, 2],
                           "frame": ["F1", "F1", "F1", "F2", "F2"],
                           "stratum": ["random", "random", "seedword:X", "random", "random"],
                           "inclusion_probability": [0.25, 0.25, 0.5, 0.5, 0.5]})
    design = frame_design(sample)
    assert design["weight"].tolist() == [4, 4, 2, 2, 2]
    assert design.groupby("frame")["weight"].sum().to_dict() == {"F1": 10, "F2": 4}  # Horvitz-Thompson: N_f
    assert design["random_probability"].tolist()[:2] == [0.2, 0.2] and math.isnan(design["random_weight"].iat[2])
    assert design["random_weight"].tolist()[3:] == [2, 2] and design["random_weight"].iat[0] == 5
    # Codes X and the rules' output: F1 r1 (1, 1), F1 r2 (0, 1), F1 seed (1, 0), F2 a (1, 1), F2 b (0, 0).
    # All strata: TP = 4 + 2 = 6, FP = 4, FN = 2 -> precision 0.6, recall 0.75 (sum of both frames' totals).
    # Random strata: TP = 5 + 2 = 7, FP = 5, FN = 0 -> precision 7/12 (unweighted it would be 2/3).
    coded = design.assign(split="test", X=[1, 0, 1, 1, 0])
    coded.attrs["themes"] = ["X"]
    monkeypatch.setattr("analysis.measures.validation.instrument_predictions",
                        lambda c, model=True, random_state=0, training=None: (pd.DataFrame({"X": [1, 1, 0, 1, 0]}), None, None))
    report = validation_report(coded, model=False).set_index(["scope", "theme"])
    assert report.loc[("all", "X"), "precision"] == pytest.approx(0.6)
    assert report.loc[("all", "X"), "recall"] == pytest.approx(0.75)
    assert report.loc[("random", "X"), "precision"] == pytest.approx(7 / 12)
    assert report.loc[("random", "X"), "recall"] == pytest.approx(1.0)


def test_model_threshold_is_chosen_with_the_design_weights():
    from analysis.measures.theme_model import choose_threshold
    # two positives (p = 0.9 and 0.3) and one negative at p = 0.3: unweighted, 0.3 flags both
    # positives and one negative (F1 0.8) and beats 0.9 (F1 0.67); when the negative stands for
    # 10 turns of the population (weight 10), 0.3 has F1 4/14 and 0.9 (F1 2/3) wins
    truth, probability = [1, 1, 0], [0.9, 0.3, 0.3]
    assert choose_threshold(truth, probability) == 0.3
    assert choose_threshold(truth, probability, weights=[1, 1, 10]) > 0.3


def test_model_options_reach_the_regression():
    from analysis.measures.theme_model import model_probabilities
    # a noisy problem (the word marks the theme in 80% of its turns, and 10% of the others)
    rng = np.random.default_rng(7)
    rows, features = [], []
    for doc in ("a", "b", "c"):
        for i in range(40):
            positive = i % 5 == 0
            marked = rng.random() < (0.8 if positive else 0.1)
            rows.append({"doc_id": doc, "split": "development", "X": int(positive)})
            features.append({"lemma:gpu" if marked else "lemma:talk": 1.0, f"lemma:w{rng.integers(3)}": 1.0})
    coded = pd.DataFrame(rows)
    plain = model_probabilities(coded, features, ["X"], class_weight=None)
    balanced = model_probabilities(coded, features, ["X"], class_weight="balanced")
    assert not np.allclose(plain["X"], balanced["X"])


def test_option_grid_reads_development_turns_only(monkeypatch):
    from analysis.measures.theme_model import option_grid
    rng = np.random.default_rng(3)
    rows, hits = [], []
    for doc, split in (("a", "development"), ("b", "development"), ("c", "development"), ("t", "test")):
        for i in range(30):
            positive = i % 5 == 0
            rows.append({"doc_id": doc, "split": split, "X": int(positive),
                         "text": "gpu gpu" if positive or rng.random() < 0.1 else "talk"})
            hits.append({"X": int(positive and rng.random() < 0.9)})
    coded, rule_hits = pd.DataFrame(rows), pd.DataFrame(hits)
    # lemma bags from the toy texts, rule hits from the toy table
    monkeypatch.setattr("analysis.measures.theme_model.turn_features",
                        lambda turns, rule_hits, themes, rule_weight=None: [
                            {f"lemma:{w}": 1.0 for w in text.split()} | {"rule:X": rule_weight * h}
                            for text, h in zip(turns["text"], rule_hits["X"])])
    options = ((1.0, "balanced", 5.0),)
    everything = option_grid(coded, rule_hits, ["X"], options)
    dev = (coded["split"] == "development").to_numpy()
    development = option_grid(coded[dev].reset_index(drop=True), rule_hits[dev].reset_index(drop=True), ["X"],
                              options)
    assert list(everything.columns) == ["C", "class_weight", "rule_weight", "micro_f1", "X"]
    pd.testing.assert_frame_equal(everything, development)  # the test interview changes nothing
