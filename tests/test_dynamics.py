"""Interview dynamics (theme introductions, uptake) on hand-made turn tables, and the themes command.

The small tables below give the hits directly; every expected number was worked out by
hand from them (see the comments), not by running the code.
"""
import io
import math
import warnings

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus.load import load_corpus
from analysis.measures.dynamics import (introduction_shares, left_out_documents, question_answer_pairs,
                               theme_introductions, uptake_matrix, uptake_rates, wilson_interval)
from analysis.measures.theme_scores import theme_hits

SEED = "2024-04_pineau_latribune"
Q, A, O = "interviewer", "interviewee", "other"

# doc, labels, unit, [(role, X hits, Y hits, Z hits) per turn in reading order]
DOCS = {
    # d1: pairs (1,2) (3,4) (5,6) (7,8)
    "d1": ("yes", "turn", [(Q, 1, 0, 0), (A, 1, 0, 0), (Q, 0, 0, 0), (A, 0, 1, 0),
                           (Q, 0, 0, 0), (A, 2, 0, 0), (Q, 0, 0, 0), (A, 1, 0, 0)]),
    # d2: starts mid-answer, two answers in a row, two questions in a row: pairs (2,3) (6,7)
    "d2": ("inferred", "turn", [(A, 0, 0, 0), (Q, 1, 1, 0), (A, 1, 0, 0), (A, 0, 1, 0),
                                (Q, 0, 1, 0), (Q, 1, 0, 0), (A, 0, 1, 0)]),
    "chunked": ("none", "chunk", [(O, 3, 0, 0), (O, 0, 2, 0), (O, 1, 1, 0)]),
    "monologue": ("yes", "turn", [(A, 1, 0, 0), (A, 0, 0, 0)]),
}


@pytest.fixture
def tables():
    turns, hits = [], []
    for doc, (labels, unit, rows) in DOCS.items():
        for turn_id, (role, x, y, z) in enumerate(rows, start=1):
            turns.append({"doc_id": doc, "turn_id": turn_id, "speaker": f"{doc}-{role}", "role": role,
                          "speaker_labels": labels, "turn_unit": unit})
            hits.append({"doc_id": doc, "turn_id": turn_id, "X": x, "Y": y, "Z": z})
    # shuffled rows: the functions must put turns in reading order themselves
    return pd.DataFrame(turns).sample(frac=1, random_state=1), pd.DataFrame(hits)


def quiet(function, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kw)


def row(table, doc, theme):
    return table[(table["doc_id"] == doc) & (table["theme"] == theme)].iloc[0]


# --- which documents can be read -----------------------------------------------------------

def test_chunked_and_one_role_documents_are_left_out_with_the_reason(tables):
    turns, hits = tables
    reasons = left_out_documents(turns)
    assert set(reasons) == {"chunked", "monologue"}
    assert "no speaker roles" in reasons["chunked"] and "chunk" in reasons["chunked"]
    assert "no interviewer turn" in reasons["monologue"]
    with pytest.warns(UserWarning, match="left out 2 document"):
        result = theme_introductions(turns, hits)
    assert result.attrs["left_out"] == reasons and "chunked" in result.attrs["warning"]
    assert set(result["doc_id"]) == {"d1", "d2"}


def test_no_warning_when_every_document_has_roles(tables):
    turns, hits = tables
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = uptake_matrix(turns[turns["doc_id"].isin(["d1", "d2"])], hits)
    assert result.attrs["left_out"] == {} and result.attrs["warning"] == ""


# --- introductions -------------------------------------------------------------------------

def test_introductions_with_k_2(tables):
    turns, hits = tables
    table = quiet(theme_introductions, turns, hits)
    # d1 X touched in turns 1 2 6 8: turn 1 (first, Q) and turn 6 (turns 4, 5 untouched, A)
    # introduce it; turn 2 follows turn 1, turn 8 has turn 6 two turns back.
    x1 = row(table, "d1", "X")
    assert (x1["first_turn"], x1["first_role"], x1["first_speaker"]) == (1, Q, "d1-interviewer")
    assert (x1["turns_touching"], x1["introductions"], x1["by_interviewer"], x1["by_interviewee"]) == (4, 2, 1, 1)
    assert x1["share_interviewer"] == 0.5
    # d1 Y only in turn 4 (an answer)
    y1 = row(table, "d1", "Y")
    assert (y1["first_turn"], y1["first_role"], y1["introductions"], y1["by_interviewee"]) == (4, A, 1, 1)
    # d2 X touched in 2 3 6: turns 2 and 6 (Q, Q) introduce it (turns 4, 5 untouched)
    x2 = row(table, "d2", "X")
    assert (x2["first_turn"], x2["introductions"], x2["by_interviewer"], x2["share_interviewer"]) == (2, 2, 2, 1.0)
    # d2 Y touched in 2 4 5 7: only turn 2 introduces it (4 has 2, 5 has 4, 7 has 5 within two turns)
    y2 = row(table, "d2", "Y")
    assert (y2["introductions"], y2["by_interviewer"], y2["first_role"]) == (1, 1, Q)
    # Z never appears
    z1 = row(table, "d1", "Z")
    assert pd.isna(z1["first_turn"]) and pd.isna(z1["first_role"]) and z1["introductions"] == 0
    assert math.isnan(z1["share_interviewer"])


def test_k_sets_how_long_a_theme_stays_on_the_table(tables):
    turns, hits = tables
    # k=1: d1 X also re-introduced in turn 8 (turn 7 untouched): 1, 6, 8
    one = quiet(theme_introductions, turns, hits, k=1)
    assert (row(one, "d1", "X")["introductions"], row(one, "d1", "X")["by_interviewee"]) == (3, 2)
    # k=5: turn 6 sees turns 1-5, which include 1 and 2: only the first appearance counts
    five = quiet(theme_introductions, turns, hits, k=5)
    assert row(five, "d1", "X")["introductions"] == 1 and five.attrs["k"] == 5


def test_introduction_shares_pool_documents(tables):
    turns, hits = tables
    shares = introduction_shares(quiet(theme_introductions, turns, hits)).set_index("theme")
    # X: d1 1 Q + 1 A, d2 2 Q -> 3 of 4 by the interviewer; first turn is a question in both
    assert (shares.loc["X", "introductions"], shares.loc["X", "by_interviewer"]) == (4, 3)
    assert shares.loc["X", "share_interviewer"] == 0.75 and shares.loc["X", "docs_interviewer_first"] == 2
    # Y: d1 1 A, d2 1 Q -> 1 of 2; Z: nothing -> NaN, in no document
    assert shares.loc["Y", "share_interviewer"] == 0.5 and shares.loc["Y", "n_docs"] == 2
    assert math.isnan(shares.loc["Z", "share_interviewer"]) and shares.loc["Z", "n_docs"] == 0


# --- uptake -------------------------------------------------------------------------------

def test_question_answer_pairs_are_adjacent_interviewer_then_interviewee(tables):
    turns, hits = tables
    pairs = quiet(question_answer_pairs, turns, hits)
    assert list(zip(pairs["doc_id"], pairs["question_turn"], pairs["answer_turn"])) == [
        ("d1", 1, 2), ("d1", 3, 4), ("d1", 5, 6), ("d1", 7, 8), ("d2", 2, 3), ("d2", 6, 7)]
    assert pairs["q:X"].tolist() == [True, False, False, False, True, True]
    assert pairs["a:Y"].tolist() == [False, True, False, False, False, True]


def test_uptake_matrix_counts_and_row_proportions(tables):
    turns, hits = tables
    # d2: pair (2,3) question X+Y, answer X; pair (6,7) question X, answer Y
    d2 = quiet(uptake_matrix, turns, hits, doc="d2")
    assert d2.loc[["X", "Y"], ["X", "Y"]].to_numpy().tolist() == [[1, 1], [1, 0]]
    assert d2.attrs["n_pairs"] == 2 and d2.attrs["n_questions"] == {"X": 2, "Y": 1, "Z": 0}
    # pooled: d1 adds pair (1,2), question X, answer X -> X row 2, 1 over 3 questions
    pooled = quiet(uptake_matrix, turns, hits, normalize=True)
    assert pooled.loc["X", "X"] == pytest.approx(2 / 3) and pooled.loc["X", "Y"] == pytest.approx(1 / 3)
    assert pooled.loc["Y", "X"] == 1.0 and pooled.loc["Y", "Y"] == 0.0
    assert pooled.loc["Z"].isna().all()               # no question touches Z
    assert pooled.attrs["n_pairs"] == 6 and pooled.attrs["docs"] == ["d1", "d2"]
    assert pooled.index.name == "question_theme" and pooled.columns.name == "answer_theme"


def test_uptake_rates_against_their_baseline(tables):
    turns, hits = tables
    rates = quiet(uptake_rates, turns, hits)
    # pooled X: 3 questions, 2 answered with X; answers with X: turns d1 2, 6, 8 and d2 3 = 4 of 6
    x = row(rates, "pooled", "X")
    assert (x["n_pairs"], x["n_questions"], x["n_uptake"], x["n_answers"]) == (6, 3, 2, 4)
    assert x["uptake"] == pytest.approx(2 / 3) and x["baseline"] == pytest.approx(4 / 6)
    assert x["lo"] < x["uptake"] < x["hi"]
    # d2 X: 2 questions, 1 uptake; answers 3 (X) and 7 (no X): baseline 1/2
    assert (row(rates, "d2", "X")["uptake"], row(rates, "d2", "X")["baseline"]) == (0.5, 0.5)
    # pooled Y: 1 question, its answer (d2 turn 3) has no Y; answers with Y: d1 4, d2 7
    y = row(rates, "pooled", "Y")
    assert (y["uptake"], y["baseline"]) == (0.0, pytest.approx(2 / 6))
    assert math.isnan(row(rates, "d1", "Y")["uptake"])   # no question touches Y in d1


def test_wilson_interval_hand_values():
    # 0 of 4 at 95 %: upper bound z^2 / (n + z^2) = 3.8415 / 7.8415
    low, high = wilson_interval(0, 4)
    assert low == 0 and high == pytest.approx(3.841459 / 7.841459, rel=1e-5)
    low, high = wilson_interval(4, 4)
    assert high == 1 and low == pytest.approx(1 - 3.841459 / 7.841459, rel=1e-5)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="successes <= n"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="level"):
        wilson_interval(1, 4, level=95)


# --- bad input ----------------------------------------------------------------------------

def test_clear_errors(tables):
    turns, hits = tables
    with pytest.raises(ValueError, match="k must be a positive"):
        theme_introductions(turns, hits, k=0)
    with pytest.raises(ValueError, match="speaker_labels"):
        theme_introductions(turns.drop(columns="speaker_labels"), hits)
    with pytest.raises(ValueError, match="no row for 1 turn"):
        quiet(theme_introductions, turns, hits[~((hits["doc_id"] == "d1") & (hits["turn_id"] == 3))])
    with pytest.raises(ValueError, match="appears twice"):
        theme_introductions(pd.concat([turns, turns.head(1)]), hits)
    with pytest.raises(ValueError, match="chunked has no question/answer structure: no speaker roles"):
        quiet(uptake_matrix, turns, hits, doc="chunked")
    with pytest.raises(ValueError, match="unknown doc_id 'nope'"):
        quiet(uptake_matrix, turns, hits, doc="nope")
    with pytest.raises(ValueError, match="unknown or no theme"):
        quiet(uptake_rates, turns, hits, themes=["W"])
    with pytest.raises(ValueError, match="non-negative"):
        quiet(uptake_rates, turns, hits.assign(X=-1))


# --- the committed corpus -----------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_the_seed_has_an_interviewer_introduced_theme(corpus):
    seed = corpus[corpus["doc_id"] == SEED]
    table = theme_introductions(seed)
    assert table.attrs["left_out"] == {} and len(table) == theme_hits(seed).attrs["themes"].__len__()
    by_journalist = table[table["first_role"] == "interviewer"]
    assert len(by_journalist) >= 1 and (by_journalist["first_turn"] % 2 == 0).all()  # even turns are questions


def test_the_corpus_caption_transcripts_are_left_out_unless_they_have_model_roles(corpus):
    model_docs = set(corpus.loc[corpus["speaker_labels"] == "model", "doc_id"])
    chunked = set(corpus.loc[corpus["turn_unit"] == "chunk", "doc_id"])
    assert model_docs or chunked
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rates = uptake_rates(corpus)
        labelled_only = uptake_rates(corpus, model_roles=False)
    assert chunked <= set(rates.attrs["left_out"]) and not chunked & set(rates["doc_id"])
    assert model_docs <= set(rates["doc_id"]) and SEED in set(rates["doc_id"])
    assert (chunked | model_docs) <= set(labelled_only.attrs["left_out"]) and SEED in set(labelled_only["doc_id"])


# --- python -m analysis themes ------------------------------------------------------------

def _run(argv, capsys):
    status = main(argv)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_themes_command_prints_one_row_per_turn(capsys):
    status, out, _ = _run(["themes", "--format", "csv", "--doc", SEED], capsys)
    table = pd.read_csv(io.StringIO(out))
    expected = theme_hits(load_corpus(docs=[SEED]))
    themes = expected.attrs["themes"]
    assert status == 0 and list(table.columns) == ["doc_id", "turn_id", "speaker", "role", "n_tokens", *themes]
    assert table[themes].to_numpy().tolist() == expected[themes].to_numpy().tolist()


def test_themes_command_rates_and_shares_with_intervals(capsys):
    status, out, _ = _run(["themes", "--format", "csv", "--doc", SEED, "--rates", "--n-boot", "200"], capsys)
    rates = pd.read_csv(io.StringIO(out))
    assert status == 0 and set(rates["doc_id"]) == {SEED} and rates["theme"].is_unique
    assert ((rates["lo"] <= rates["rate"]) & (rates["rate"] <= rates["hi"])).all()
    status, out, _ = _run(["themes", "--format", "csv", "--doc", SEED, "--shares", "--n-boot", "200"], capsys)
    shares = pd.read_csv(io.StringIO(out))
    assert status == 0 and shares["share"].between(0, 1).all() and (shares["n"] == 12).all()


def test_themes_command_errors(capsys):
    status, _, err = _run(["themes", "--doc", "nope"], capsys)
    assert status == 2 and "unknown doc_id(s): nope" in err
    assert main(["themes", "--rates", "--shares"]) == 2  # argparse's usage error, returned by main


# --- paper figures ------------------------------------------------------------------------

def test_theme_figures_are_registered_and_captioned_from_the_data():
    import matplotlib.pyplot as plt

    from analysis.figures.paper import FIGURES
    assert {"seed_theme_rates", "theme_introductions", "uptake_matrix"} <= set(FIGURES)
    fig, caption = FIGURES["seed_theme_rates"](n_boot=200)
    plt.close(fig)
    seed = load_corpus(docs=[SEED])
    n_tokens = int(seed.loc[seed["role"] == "interviewee", "n_tokens"].sum())   # the seed's rate: interviewee turns
    assert f"interviewee's 6 turns ({n_tokens:,} tokens)" in caption and "no bootstrap" in caption
