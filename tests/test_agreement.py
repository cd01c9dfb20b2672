"""Agreement between two coders (analysis.measures.agreement, `python -m analysis agreement`).

Expected values are worked out by hand in the comments.
"""
import numpy as np
import pandas as pd
import pytest
import krippendorff

from analysis.cli import main
from analysis.measures.agreement import (TARGET_ALPHA, agreement, agreement_note, binary_alpha, coder_pairs,
                                         pooled_agreement)

THEMES = ["compute_scarcity", "open_source_risk", "elections_misinformation", "talent_war", "safety_guardrails",
          "bias_representation", "regulation_policy", "agi_future"]


def two_coders(a, b, docs=None, theme="X", types=("model", "model")):
    n = len(a)
    docs = docs or ["d"] * n
    return pd.DataFrame({"doc_id": docs * 2, "turn_id": list(range(1, n + 1)) * 2,
                         "coder": ["a"] * n + ["b"] * n, "coder_type": [types[0]] * n + [types[1]] * n,
                         theme: list(a) + list(b)})


def test_four_turns_by_hand():
    # a = 1 1 0 0, b = 1 0 0 0: observed 0.75, chance 0.5*0.25 + 0.5*0.75 = 0.5 -> kappa 0.5
    # alpha: 8 values (three 1s, five 0s); 1 - (2*4 - 1) * 1 / (5 * 3) = 8/15
    row = agreement(two_coders([1, 1, 0, 0], [1, 0, 0, 0]), "a", "b", themes=["X"], n_boot=0).iloc[0]
    assert row["kappa"] == pytest.approx(0.5) and row["agreement"] == 0.75
    assert row["alpha"] == pytest.approx(8 / 15)
    assert (row["n_turns"], row["positives_a"], row["positives_b"]) == (4, 2, 1)
    assert np.isnan(row["alpha_lo"]) and not row["reliable"]  # 0.53 < 0.67


def test_ten_turns_by_hand():
    # a = 1 1 1 0 0 0 0 0 0 0, b = 1 1 0 1 0 0 0 0 0 0: two disagreements
    # kappa: p_o = 0.8, p_e = 0.3*0.3 + 0.7*0.7 = 0.58 -> (0.8 - 0.58) / 0.42 = 11/21
    # alpha: N = 10, D = 2, n_1 = 6, n_0 = 14 -> 1 - 19 * 2 / 84 = 23/42
    a, b = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    row = agreement(two_coders(a, b), "a", "b", themes=["X"], n_boot=0).iloc[0]
    assert row["kappa"] == pytest.approx(11 / 21) and row["alpha"] == pytest.approx(23 / 42)
    assert binary_alpha(10, 2, 6) == pytest.approx(23 / 42)


def test_closed_form_alpha_equals_the_krippendorff_package():
    rng = np.random.default_rng(1)
    for _ in range(20):
        x, y = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
        expected = krippendorff.alpha(reliability_data=np.vstack([x, y]).astype(float), level_of_measurement="nominal")
        assert binary_alpha(30, (x != y).sum(), (x + y).sum()) == pytest.approx(expected)


def test_perfect_and_undefined_agreement():
    coding = two_coders([1, 0, 0, 1], [1, 0, 0, 1])
    coding["Y"] = 0  # neither coder ever codes Y: alpha and kappa undefined, never 0
    table = agreement(coding, "a", "b", themes=["X", "Y"], n_boot=200, random_state=3).set_index("theme")
    assert table.loc["X", "alpha"] == 1.0 and table.loc["X", "reliable"]
    assert table.loc["X", "alpha_lo"] <= 1.0 <= table.loc["X", "alpha_hi"]
    assert np.isnan(table.loc["Y", "alpha"]) and np.isnan(table.loc["Y", "kappa"]) and not table.loc["Y", "reliable"]


def test_interval_resamples_interviews_and_is_reproducible():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 60)
    b = np.where(rng.random(60) < 0.85, a, 1 - a)
    docs = [f"d{i // 10}" for i in range(60)]
    coding = two_coders(list(a), list(b), docs=docs)
    first = agreement(coding, "a", "b", themes=["X"], n_boot=300, random_state=7)
    again = agreement(coding, "a", "b", themes=["X"], n_boot=300, random_state=7)
    pd.testing.assert_frame_equal(first, again)
    row = first.iloc[0]
    assert row["n_interviews"] == 6 and row["alpha_lo"] < row["alpha"] < row["alpha_hi"]
    other = agreement(coding, "a", "b", themes=["X"], n_boot=300, random_state=8).iloc[0]
    assert (other["alpha_lo"], other["alpha_hi"]) != (row["alpha_lo"], row["alpha_hi"])


def test_only_the_overlapping_turns_count_and_errors_name_the_coder():
    coding = two_coders([1, 0, 1], [1, 0, 0])
    extra = pd.DataFrame({"doc_id": ["d"], "turn_id": [9], "coder": ["a"], "coder_type": ["model"], "X": [1]})
    coding = pd.concat([coding, extra], ignore_index=True)
    assert agreement(coding, "a", "b", themes=["X"], n_boot=0)["n_turns"].iat[0] == 3
    assert coder_pairs(coding) == [("a", "b")]
    with pytest.raises(ValueError, match="no coder 'c'"):
        agreement(coding, "a", "c", themes=["X"])


def test_the_note_says_two_model_coders_are_an_upper_bound():
    table = agreement(two_coders([1, 1, 0, 0], [1, 0, 0, 0]), "a", "b", themes=["X"], n_boot=0)
    note = agreement_note(table)
    assert "language models" in note and "upper bound" in note and "X" in note
    mixed = agreement(two_coders([1, 0], [1, 0], types=("human", "model")), "a", "b", themes=["X"], n_boot=0)
    assert "upper bound" not in agreement_note(mixed) and "not a person" in agreement_note(mixed)
    assert TARGET_ALPHA == 0.67


def test_agreement_command_prints_the_table_and_the_note(tmp_corpus, capsys):
    header = "doc_id,turn_id,coder,coder_type," + ",".join(THEMES) + ",note\n"
    rows = []
    for coder in ("m1", "m2"):
        for turn, code in zip(range(1, 5), ([1, 1, 0, 0] if coder == "m1" else [1, 0, 0, 0])):
            rows.append(f"d,{turn},{coder},model,{code},0,0,0,0,0,0,0,\n")
    (tmp_corpus / "themes" / "coding.csv").write_text(header + "".join(rows), encoding="utf-8")
    assert main(["agreement", "--format", "csv", "--n-boot", "50"]) == 0
    out = capsys.readouterr()
    table = pd.read_csv(pd.io.common.StringIO(out.out))
    compute = table[table["theme"] == "compute_scarcity"].iloc[0]
    assert compute["alpha"] == pytest.approx(8 / 15, abs=1e-4) and compute["kappa"] == pytest.approx(0.5)
    assert "upper bound" in out.err
    assert main(["agreement", "--coders", "m1", "nobody"]) == 2


def test_pooled_agreement_over_two_pairs_by_hand():
    # pair a-b on doc d: a = 1 1 0 0, b = 1 0 0 0; pair c-e on doc f: c = 1 0 0, e = 1 0 1
    # pooled units N = 7, disagreements D = 2, ones n_1 = 3 + 3 = 6, n_0 = 8
    # alpha = 1 - (2*7 - 1) * 2 / (8 * 6) = 1 - 26/48 = 11/24
    first = two_coders([1, 1, 0, 0], [1, 0, 0, 0])
    second = two_coders([1, 0, 0], [1, 0, 1], docs=["f"] * 3).replace({"coder": {"a": "c", "b": "e"}})
    coding = pd.concat([first, second], ignore_index=True)
    assert coder_pairs(coding) == [("a", "b"), ("c", "e")]
    row = pooled_agreement(coding, themes=["X"], n_boot=0).iloc[0]
    assert row["alpha"] == pytest.approx(11 / 24)
    assert (row["n_turns"], row["n_interviews"], row["positives_a"] + row["positives_b"]) == (7, 2, 6)
    table = pooled_agreement(coding, themes=["X"], n_boot=0)
    assert [p["n_turns"] for p in table.attrs["pairs"]] == [4, 3]
    note = agreement_note(table)
    assert "pairs pooled" in note and "a (coder_type model) with b" in note and "upper bound" in note


def test_pooled_agreement_counts_a_turn_of_three_coders_once_and_none_without_pairs():
    coding = two_coders([1, 0], [1, 1])
    third = coding[coding["coder"] == "a"].assign(coder="c")
    both = pd.concat([coding, third], ignore_index=True)
    assert pooled_agreement(both, themes=["X"], n_boot=0)["n_turns"].iat[0] == 2
    assert pooled_agreement(coding[coding["coder"] == "a"], themes=["X"], n_boot=0) is None
