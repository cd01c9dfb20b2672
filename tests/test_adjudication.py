"""The reference code per turn: single coder, agreed code, adjudication (analysis.measures.adjudication)."""
import pandas as pd
import pytest

from analysis.cli import main
from analysis.core.textio import InputError
from analysis.measures.adjudication import ADJUDICATION_COLUMNS, disagreements, load_adjudication, reference_table

THEMES = ["compute_scarcity", "open_source_risk", "elections_misinformation", "talent_war", "safety_guardrails",
          "bias_representation", "regulation_policy", "agi_future"]


@pytest.fixture
def coding():
    # coder A codes turns 1-3, coder B turns 2-4 of document d.
    # turn 2: both X=1, Y=0 (agree); turn 3: A X=1, B X=0 (disagree on X), both Y=1.
    rows = [("A", 1, 1, 0), ("A", 2, 1, 0), ("A", 3, 1, 1),
            ("B", 2, 1, 0), ("B", 3, 0, 1), ("B", 4, 0, 1)]
    table = pd.DataFrame([{"doc_id": "d", "turn_id": t, "coder": c, "coder_type": "model", "X": x, "Y": y,
                           "note": "reads X as a metaphor" if (c, t) == ("B", 3) else ""} for c, t, x, y in rows])
    table.attrs["themes"] = ["X", "Y"]
    return table


def test_disagreements_list_the_pairs_to_adjudicate(coding):
    table = disagreements(coding)
    assert table[["doc_id", "turn_id", "theme", "codes"]].values.tolist() == [["d", 3, "X", "A=1; B=0"]]
    assert "B: reads X as a metaphor" in table["notes"].iat[0]
    assert list(table.columns[-4:]) == ADJUDICATION_COLUMNS[3:] and table["code"].iat[0] == ""


def test_reference_single_agreed_pending_and_adjudicated(coding):
    pending = reference_table(coding).set_index("turn_id")
    # turns 1 and 4: their single coder; turn 2: agreed; turn 3 X: pending -> first coder (A) = 1
    assert pending["X"].tolist() == [1, 1, 1, 0] and pending["Y"].tolist() == [0, 0, 1, 1]
    assert pending.loc[3, "pending"] == 1 and pending.attrs["pending"] == 1
    assert pending.loc[1, "coder"] == "A" and pending.loc[3, "coder"] == "A + B" and pending.loc[3, "n_coders"] == 2
    with pytest.raises(ValueError, match="no adjudication"):
        reference_table(coding, pending="error")
    adjudication = pd.DataFrame([{"doc_id": "d", "turn_id": 3, "theme": "X", "adjudicator": "C",
                                  "adjudicator_type": "model", "code": 0, "rule": "metaphor"}])
    decided = reference_table(coding, adjudication).set_index("turn_id")
    assert decided["X"].tolist() == [1, 1, 0, 0] and decided.attrs["pending"] == 0
    assert decided.loc[3, "adjudicated"] == 1
    assert disagreements(coding, adjudication=adjudication).empty
    assert len(disagreements(coding, adjudication=adjudication, include_done=True)) == 1


def test_first_coder_is_the_first_listed_and_types_can_mix(coding):
    # rows listed B first: B is the turn's first coder, whatever the alphabet says
    reordered = pd.concat([coding[coding["coder"] == "B"], coding[coding["coder"] == "A"]], ignore_index=True)
    reordered.loc[reordered["coder"] == "A", "coder_type"] = "human"
    reordered.attrs["themes"] = ["X", "Y"]
    table = reference_table(reordered).set_index("turn_id")
    assert table.loc[3, "X"] == 0 and table.loc[3, "coder"] == "B + A"   # pending -> B's code
    assert table["coder_type"].tolist() == ["human", "mixed", "mixed", "model"]
    assert table.loc[2, "pending"] == 0 and table.loc[2, "adjudicated"] == 0 and table.loc[4, "n_coders"] == 1
    assert disagreements(reordered)["codes"].tolist() == ["B=0; A=1"]


def test_adjudicating_an_agreement_is_refused(coding):
    wrong = pd.DataFrame([{"doc_id": "d", "turn_id": 2, "theme": "X", "adjudicator": "C",
                           "adjudicator_type": "model", "code": 0, "rule": "r", "line": 2}])
    with pytest.raises(InputError, match="do not disagree"):
        reference_table(coding, wrong)


@pytest.mark.parametrize("row, message", [
    ("d,3,X,C,model,2,r", "not 0 or 1"),
    ("d,3,Z,C,model,1,r", "unknown theme"),
    ("d,3,X,C,person,1,r", "adjudicator_type"),
    ("d,3,X,,model,1,r", "empty adjudicator"),
    ("d,3,X,C,model,1,", "empty rule"),
])
def test_adjudication_file_errors_name_the_line(tmp_path, row, message):
    path = tmp_path / "adjudication.csv"
    path.write_text(",".join(ADJUDICATION_COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_adjudication(path, themes=["X", "Y"])
    assert "line 2" in str(info.value) or ":2" in str(info.value)


def test_adjudicate_command_lists_disagreements(tmp_corpus, capsys):
    header = "doc_id,turn_id,coder,coder_type," + ",".join(THEMES) + ",note\n"
    rows = "d,1,m1,model,1,0,0,0,0,0,0,0,\nd,1,m2,model,0,0,0,0,0,0,0,1,\n"
    (tmp_corpus / "themes" / "coding.csv").write_text(header + rows, encoding="utf-8")
    (tmp_corpus / "themes" / "adjudication.csv").unlink(missing_ok=True)
    assert main(["adjudicate", "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert table["theme"].tolist() == ["compute_scarcity", "agi_future"]
    assert table["codes"].tolist() == ["m1=1; m2=0", "m1=0; m2=1"]


def test_validation_sample_uses_the_reference_code_and_frame_weights():
    from analysis.measures.validation import coded_sample
    # two frames; turn d#2 double-coded with a disagreement on compute, adjudicated to 0
    turns = pd.DataFrame({"doc_id": ["d", "d", "e"], "turn_id": [1, 2, 1], "speaker": "s", "role": "interviewee",
                          "segment": "interview", "lang": "en", "text": "", "n_tokens": [10, 12, 8],
                          "text_availability": "features"})
    sample = pd.DataFrame({"doc_id": ["d", "d", "e"], "turn_id": [1, 2, 1], "frame": ["F1", "F1", "F2"],
                           "stratum": "random", "frame_stratum": "none", "inclusion_probability": [0.5, 0.5, 0.25],
                           "split": "test", "n_tokens": [10, 12, 8]})
    zeros = dict.fromkeys(THEMES[1:], 0)
    coding = pd.DataFrame([{"doc_id": "d", "turn_id": 1, "coder": "A", "coder_type": "model", "compute_scarcity": 1},
                           {"doc_id": "d", "turn_id": 2, "coder": "A", "coder_type": "model", "compute_scarcity": 1},
                           {"doc_id": "d", "turn_id": 2, "coder": "B", "coder_type": "model", "compute_scarcity": 0},
                           {"doc_id": "e", "turn_id": 1, "coder": "C", "coder_type": "model", "compute_scarcity": 0}]
                          ).assign(**zeros, note="")
    coding.attrs["themes"] = THEMES
    pending = coded_sample(turns, sample=sample, coding=coding, themes=THEMES,
                           adjudication=pd.DataFrame(columns=ADJUDICATION_COLUMNS))
    assert pending["compute_scarcity"].tolist() == [1, 1, 0] and pending.attrs["pending"] == 1
    decided = coded_sample(turns, sample=sample, coding=coding, themes=THEMES, adjudication=pd.DataFrame(
        [{"doc_id": "d", "turn_id": 2, "theme": "compute_scarcity", "adjudicator": "D", "adjudicator_type": "model",
          "code": 0, "rule": "CS-2"}]))
    assert decided["compute_scarcity"].tolist() == [1, 0, 0] and decided.attrs["pending"] == 0
    # weights: 1/pi in each frame; random strata N_f / n_f (F1: 4 / 2, F2: 4 / 1)
    assert decided["weight"].tolist() == [2, 2, 4] and decided["random_weight"].tolist() == [2, 2, 4]
    assert decided["coder"].tolist() == ["A", "A + B", "C"]


def test_a_coded_turn_outside_the_sample_is_an_error():
    from analysis.measures.validation import coded_sample
    turns = pd.DataFrame({"doc_id": ["d", "d"], "turn_id": [1, 2], "speaker": "s", "role": "interviewee",
                          "segment": "interview", "lang": "en", "text": "", "n_tokens": [10, 12],
                          "text_availability": "features"})
    sample = pd.DataFrame({"doc_id": ["d"], "turn_id": [1], "frame": ["F1"], "stratum": "random",
                           "frame_stratum": "none", "inclusion_probability": [0.5], "split": "test", "n_tokens": [10]})
    coding = pd.DataFrame([{"doc_id": "d", "turn_id": t, "coder": "A", "coder_type": "model", **dict.fromkeys(THEMES, 0),
                            "note": ""} for t in (1, 2)])
    with pytest.raises(ValueError, match="in neither corpus/themes/sample.csv nor corpus/themes/training_sample.csv"):
        coded_sample(turns, sample=sample, coding=coding, themes=THEMES,
                     adjudication=pd.DataFrame(columns=ADJUDICATION_COLUMNS))
