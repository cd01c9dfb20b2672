"""Dictionary validation: metrics on hand-made examples, the hand-coding file checks, errors in
context, and the committed hand coding (coverage, splits, reproducible sample).

Every expected number below was worked out by hand from the small tables (see the comments).
No transcript text is needed: the committed corpus holds counts only for third-party documents.
"""
import math

import pandas as pd
import pytest

from analysis.ingest.build import build, rebuild_catalog
from analysis.corpus.load import load_corpus
from analysis.corpus.features import turn_features, write_features
from analysis.ingest.selection import read_candidates
from analysis.measures.sampling import draw_sample, seed_word_themes
from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.measures.validation import (ID_COLUMNS, METRIC_COLUMNS, confusion_metrics, errors, evaluate,
                                 load_hand_coding, wilson_interval)

SEED = "2024-04_pineau_latribune"
THEMES = ["X", "Y", "Z"]

# ten turns of doc "d"; per turn: coded X, hits X, coded Z (Y is never coded nor hit)
#   X: tp = turns 1, 2, 9; fn = turn 3; fp = turns 4, 5; tn = 6, 7, 8, 10
#   Z: coded on turns 1 and 2, never hit -> tp 0, fp 0, fn 2, tn 8
EXAMPLE = [(1, 2, 1), (1, 1, 1), (1, 0, 0), (0, 1, 0), (0, 1, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (1, 3, 0),
           (0, 0, 0)]


@pytest.fixture
def example():
    turns = pd.DataFrame({"doc_id": "d", "turn_id": range(1, 11), "role": "interviewee"})
    hits = pd.DataFrame({"doc_id": "d", "turn_id": range(1, 11), "X": [h for _, h, _ in EXAMPLE], "Y": 0, "Z": 0})
    coding = pd.DataFrame({"doc_id": "d", "turn_id": range(1, 11), "split": ["heldout"] * 8 + ["dev"] * 2,
                           "coder": "a", "coder_type": "model", "X": [c for c, _, _ in EXAMPLE], "Y": 0, "Z": [z for _, _, z in EXAMPLE],
                           "note": ""})
    coding.attrs["themes"] = THEMES
    return turns, hits, coding


# --- metrics -------------------------------------------------------------------------------

def test_counts_precision_recall_f1_by_hand(example):
    turns, hits, coding = example
    table = evaluate(turns, split="all", hits=hits, coding=coding).set_index("theme")
    assert list(table.reset_index().columns) == METRIC_COLUMNS
    x = table.loc["X"]
    assert (x.n_turns, x.tp, x.fp, x.fn, x.tn) == (10, 3, 2, 1, 4)
    assert x.precision == pytest.approx(3 / 5) and x.recall == pytest.approx(3 / 4)
    assert x.f1 == pytest.approx(2 / 3)          # 2*3 / (2*3 + 2 + 1) = harmonic mean of 0.6 and 0.75
    micro = table.loc["micro"]                   # X + Y + Z: tp 3, fp 2, fn 1 + 2, tn 4 + 10 + 8
    assert (micro.tp, micro.fp, micro.fn, micro.tn, micro.n_turns) == (3, 2, 3, 22, 10)
    assert micro.precision == pytest.approx(0.6) and micro.recall == pytest.approx(0.5)
    assert micro.f1 == pytest.approx(6 / 11)


def test_undefined_metrics_are_nan_not_zero(example):
    turns, hits, coding = example
    table = evaluate(turns, split="all", hits=hits, coding=coding).set_index("theme")
    y = table.loc["Y"]                           # nothing coded, nothing flagged
    assert (y.tp, y.fp, y.fn, y.tn) == (0, 0, 0, 10)
    assert math.isnan(y.precision) and math.isnan(y.recall) and math.isnan(y.f1)
    assert math.isnan(y.precision_lo) and math.isnan(y.recall_hi)
    z = table.loc["Z"]                           # coded twice, never flagged: precision undefined, recall 0
    assert math.isnan(z.precision) and z.recall == 0 and z.f1 == 0
    assert z.recall_lo == 0 and z.recall_hi == pytest.approx(0.6576, abs=1e-4)


def test_wilson_interval_values_by_hand():
    # 3 of 5, z = 1.96: centre (0.6 + 0.3841) / 1.7683 = 0.5566, half 1.1084 * sqrt(0.048 + 0.0384) = 0.3258
    low, high = wilson_interval(3, 5)
    assert low == pytest.approx(0.2307, abs=1e-4) and high == pytest.approx(0.8824, abs=1e-4)
    # 0 of 2: centre = half = 0.9604 / 2.9207 = 0.3288 -> (0, 0.6576)
    assert wilson_interval(0, 2) == (0.0, pytest.approx(0.6576, abs=1e-4))
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    m = confusion_metrics(3, 2, 1, 4)
    assert (m["precision_lo"], m["precision_hi"]) == (pytest.approx(0.2307, abs=1e-4),
                                                         pytest.approx(0.8824, abs=1e-4))


def test_splits_select_turns(example):
    turns, hits, coding = example
    held = evaluate(turns, hits=hits, coding=coding).set_index("theme").loc["X"]   # turns 1-8
    assert (held.n_turns, held.tp, held.fp, held.fn, held.tn) == (8, 2, 2, 1, 3)
    dev = evaluate(turns, split="dev", hits=hits, coding=coding).set_index("theme").loc["X"]  # turns 9, 10
    assert (dev.tp, dev.tn) == (1, 1)
    with pytest.raises(ValueError, match="split must be one of"):
        evaluate(turns, split="test", hits=hits, coding=coding)
    with pytest.raises(ValueError, match="no .* for theme"):
        evaluate(turns, hits=hits.drop(columns="Z"), coding=coding)
    with pytest.raises(ValueError, match="have no hits"):
        evaluate(turns, hits=hits[hits["turn_id"] > 1], coding=coding)
    with pytest.raises(ValueError, match="level"):
        evaluate(turns, hits=hits, coding=coding, level=95)


# --- the hand-coding file ------------------------------------------------------------------

HEADER = "doc_id,turn_id,split,coder,coder_type,X,Y,Z,note\n"
KNOWN = pd.DataFrame({"doc_id": ["d", "d", "e"], "turn_id": [1, 2, 1]})


def write(tmp_path, text, name="coding.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_with_integer_codes(tmp_path):
    path = write(tmp_path, HEADER + "d,1,dev,a,model,1,0,0,\nd,2,heldout,a,model,0,0,1,unsure\ne,1,heldout,b,model,0,1,0,\n")
    table = load_hand_coding(path, turns=KNOWN, themes=THEMES)
    assert list(table.columns) == [*ID_COLUMNS, *THEMES, "note"] and table.attrs["themes"] == THEMES
    assert table["X"].tolist() == [1, 0, 0] and table["turn_id"].dtype.kind == "i"
    assert table["note"].tolist() == ["", "unsure", ""]


@pytest.mark.parametrize("text, message, line", [
    ("doc_id,turn_id,coder,coder_type,X,Y,Z,note\n", "missing column.*split", 1),
    ("doc_id,turn_id,split,coder,coder_type,X,Y,Z,W,note\n", "unknown theme column.*W", 1),
    ("doc_id,turn_id,split,coder,coder_type,X,Y,note\n", "no column for theme.*Z", 1),
    (HEADER + "d,1,dev,a,model,1,0,0,\nq,1,dev,a,model,0,0,0,\n", "unknown doc_id 'q'", 3),
    (HEADER + "d,7,dev,a,model,0,0,0,\n", "d has no interview turn 7", 2),
    (HEADER + "d,one,dev,a,model,0,0,0,\n", "not an integer", 2),
    (HEADER + "d,1,dev,a,model,0,0,0,\nd,1,heldout,b,model,0,0,0,\n", "coded twice.*first at line 2", 3),
    (HEADER + "d,1,test,a,model,0,0,0,\n", "split 'test'", 2),
    (HEADER + "d,1,dev,,model,0,0,0,\n", "empty coder", 2),
    (HEADER + "d,1,dev,a,model,0,2,0,\n", "code '2' for Y is not 0 or 1", 2),
    (HEADER + "d,1,dev,a,model,0,,0,\n", "code '' for Y", 2),
    (HEADER, "no rows", None),
])
def test_file_errors_name_the_file_and_line(tmp_path, text, message, line):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as error:
        load_hand_coding(path, turns=KNOWN, themes=THEMES)
    assert error.value.path == path and error.value.line == line
    assert "coding.csv" in str(error.value)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError, match="v1 theme coding .model coder. not found"):
        load_hand_coding(tmp_path / "absent.csv", turns=KNOWN, themes=THEMES)


# --- errors in context: full text vs features only -----------------------------------------

@pytest.fixture
def mixed_corpus(tmp_corpus):
    """The seed (full text) plus a made-up features-only interview."""
    build(tmp_corpus)
    meta = {"doc_id": "2024-01_someone_podcast", "interviewee": "Some One", "organization": "Org",
            "date": "2024-01", "date_precision": "month", "language": "en", "format": "podcast",
            "text_availability": "features"}
    turns = [Turn("Host", "interviewer", "Do you have enough GPUs?"),
             Turn("Some One", "interviewee", "We never have enough GPUs. GPUs are scarce.")]
    write_features(tmp_corpus / "features" / f"{meta['doc_id']}.jsonl", meta, turn_features(turns, "en"),
                   tmp_corpus / "phrases.csv")
    rebuild_catalog(tmp_corpus)
    return tmp_corpus


def test_errors_give_kwic_for_full_text_and_ids_only_for_features(mixed_corpus, tmp_path):
    turns = load_corpus()
    themes = ["compute_scarcity"]
    # seed turn 4 asks what the GPUs are used for (deliberately coded 0 here: a false positive);
    # seed turn 5 is coded 1 but names no GPU (a miss); features turn 2 names GPUs, coded 0
    path = write(tmp_path, "doc_id,turn_id,split,coder,coder_type,compute_scarcity,note\n"
                           f"{SEED},4,heldout,t,model,0,\n{SEED},5,heldout,t,model,1,resolved from the question\n"
                           "2024-01_someone_podcast,2,heldout,t,model,0,\n")
    coding = load_hand_coding(path, turns=turns, themes=themes)
    fp = errors("compute_scarcity", "fp", turns=turns, coding=coding).set_index("doc_id")
    assert set(fp.index) == {SEED, "2024-01_someone_podcast"}
    seed_row, feat_row = fp.loc[SEED], fp.loc["2024-01_someone_podcast"]
    assert seed_row.matched_terms == "gpu" and "[gpu]" in seed_row.kwic and seed_row.text
    assert seed_row.text_availability == "full" and seed_row.role == "interviewer"
    assert feat_row.matched_terms == "gpu x2" and feat_row.hits == 2
    assert feat_row.kwic == "" and feat_row.text == "" and feat_row.text_availability == "features"
    fn = errors("compute_scarcity", "fn", turns=turns, coding=coding)
    assert fn[["doc_id", "turn_id"]].values.tolist() == [[SEED, 5]]
    assert fn["matched_terms"].iat[0] == "" and fn["note"].iat[0] == "resolved from the question"
    with pytest.raises(ValueError, match="kind must be"):
        errors("compute_scarcity", "tp", turns=turns, coding=coding)
    with pytest.raises(ValueError, match="unknown theme"):
        errors("compute", turns=turns, coding=coding)


# --- the committed hand coding -------------------------------------------------------------

def v1_comparison_ids() -> list[str]:
    """The 17 comparison interviews of corpus v1 (``kept`` in corpus/candidates.csv)."""
    return [row["doc_id"] for row in read_candidates() if row["decision"] == "kept"]


@pytest.fixture(scope="module")
def committed():
    turns = load_corpus()
    return turns, load_hand_coding(turns=turns)


def test_committed_coding_covers_the_seed_and_150_comparison_turns(committed):
    turns, coding = committed
    seed_ids = set(turns.loc[turns["doc_id"] == SEED, "turn_id"])
    coded_seed = coding[coding["doc_id"] == SEED]
    assert set(coded_seed["turn_id"]) == seed_ids and len(seed_ids) == 12
    assert (coded_seed["split"] == "heldout").all()          # the anchor is never used for tuning
    others = coding[coding["doc_id"] != SEED]
    assert len(others) >= 80
    # the hand coding covers the 7 speaker-labelled comparison interviews of corpus v1: the 10 caption
    # interviews were dropped when the speaker model re-segmented them (their coded chunks no longer exist)
    labels = turns.drop_duplicates("doc_id").set_index("doc_id")["speaker_labels"]
    v1 = set(v1_comparison_ids())
    assert set(others["doc_id"]) == {d for d in v1 if labels[d] == "yes"} and len(set(others["doc_id"])) == 7
    assert len(v1) == 17 and {labels[d] for d in v1} == {"yes", "model"}
    assert set(coding["split"]) == {"dev", "heldout"}
    dev = set(zip(*coding[coding["split"] == "dev"][["doc_id", "turn_id"]].values.T))
    held = set(zip(*coding[coding["split"] == "heldout"][["doc_id", "turn_id"]].values.T))
    assert dev and held and not dev & held and len(dev) + len(held) == len(coding)
    assert 0.3 <= len(dev) / len(others) <= 0.5
    themes = coding.attrs["themes"]
    assert (coding[themes].sum() > 0).all()                  # every theme has positives to validate against


def test_draw_sample_reproduces_the_committed_turns_and_splits(committed):
    turns, coding = committed
    # the committed sample was drawn on corpus v1 (the seed and 17 interviews): redraw on those documents;
    # a document's draw depends only on its own turns and its rank, so the labelled documents' part is
    # reproduced although the caption documents (no longer coded) were re-segmented
    turns = turns[turns["doc_id"].isin({SEED, *v1_comparison_ids()})]
    sample = draw_sample(turns)
    coded_part = sample[sample["doc_id"].isin(set(coding["doc_id"]))]
    drawn = coded_part.set_index(["doc_id", "turn_id"])["split"].sort_index()
    coded = coding.set_index(["doc_id", "turn_id"])["split"].sort_index()
    assert drawn.equals(coded)
    assert draw_sample(turns).equals(sample)                 # deterministic
    assert not draw_sample(turns, seed=1).equals(sample)


def test_seed_words_match_parts_of_merged_tokens():
    assert seed_word_themes({"open_source": 1}) == {"open_source_risk"}
    assert seed_word_themes({"gpus": 2, "regulators": 1}) == {"compute_scarcity", "regulation_policy"}
    assert seed_word_themes({"the": 3}) == set()


def test_committed_metrics_are_computed_for_every_theme(committed):
    turns, coding = committed
    table = evaluate(turns, coding=coding)
    assert table["theme"].tolist() == [*coding.attrs["themes"], "micro"]
    assert (table["n_turns"] == (coding["split"] == "heldout").sum()).all()
    totals = table.set_index("theme")[["tp", "fp", "fn", "tn"]].sum(axis=1)
    n = int((coding["split"] == "heldout").sum())
    assert (totals.drop("micro") == n).all() and totals["micro"] == n * len(coding.attrs["themes"])
