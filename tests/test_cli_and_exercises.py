"""The command line and the tutorial exercises."""
import io
import subprocess
import sys

import pandas as pd
import pytest

from analysis.ingest.build import build
from analysis.cli import main
import numpy as np

from analysis.tutorial.exercise_registry import exercise, number
from analysis.tutorial.exercises import REGISTRY, check, show_solution, solution_source, solve


@pytest.fixture
def seed_corpus(tmp_corpus):
    build(tmp_corpus)
    return tmp_corpus


def _run(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_corpus_command_prints_the_turns_as_csv(seed_corpus, capsys):
    status, out, _ = _run(["corpus", "--format", "csv"], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert status == 0 and len(table) == 12 and {"doc_id", "turn_id", "role", "text"} <= set(table.columns)


def test_terms_command_gives_rates_by_role(seed_corpus, capsys):
    status, out, _ = _run(["terms", "--doc", "2024-04_pineau_latribune", "--by", "role", "--format", "csv"], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert status == 0 and set(table["role"]) == {"interviewer", "interviewee"}
    assert (table["rate"] > 0).all()


def test_unknown_document_is_a_clear_error_with_status_2(seed_corpus, capsys):
    status, _, err = _run(["terms", "--doc", "nope"], capsys)
    assert status == 2 and "unknown doc_id(s): nope" in err and "2024-04_pineau_latribune" in err


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "build" in result.stdout and "corpus" in result.stdout


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_each_solution_passes_its_check_and_the_printed_solution_gives_the_same_answer(exercise_id, capsys):
    answer = solve(exercise_id)
    assert check(exercise_id, answer) is True
    assert "Correct" in capsys.readouterr().out
    scope = {}
    exec(solution_source(exercise_id), scope)  # the text show_solution prints, run as a student would paste it
    assert scope["answer"] == answer


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_wrong_and_missing_answers_get_feedback_not_errors(exercise_id, capsys):
    assert check(exercise_id, None) is False
    assert "Not answered yet" in capsys.readouterr().out
    assert check(exercise_id, "certainly wrong") is False
    out = capsys.readouterr().out
    assert "Not quite" in out and "show_solution" in out


def test_show_solution_prints_the_function_the_check_uses(capsys):
    show_solution("02.1")
    out = capsys.readouterr().out
    assert "from analysis import" in out and "def gpu_rate():" in out and "answer = gpu_rate()" in out
    assert "@exercise" not in out and '"""' in out  # the docstring, not the registering decorator


def test_values_read_off_a_rounded_table_are_accepted_and_printed_plainly(capsys):
    exact = solve("01.2")
    assert check("01.2", np.float64(round(exact, 2))) is True
    out = capsys.readouterr().out
    assert "np.float64" not in out and f"{round(exact, 2):g}" in out
    assert check("01.2", round(exact, 1) + 0.1) is False
    ratio = solve("05.1")
    assert check("05.1", ratio * 0.985) is True  # a ratio of rounded table values
    capsys.readouterr()


def test_harmless_forms_are_normalised(capsys):
    for form in ("seeds", "seeds/", " ./seeds/ ", "Seeds"):
        assert check("00.2", form) is True, form
    assert check("00.2", "corpus") is False
    capsys.readouterr()


def test_a_percentage_for_a_share_gets_a_hint_that_says_so(capsys):
    check("01.2", solve("01.2") * 100)
    assert "percentage" in capsys.readouterr().out


def test_number_comparison_uses_half_a_unit_of_the_last_decimal():
    two = number(decimals=2)
    assert two(0.53, 0.5312) and two(0.535, 0.5312) and not two(0.54, 0.5312) and not two("0.53", 0.5312)


def test_a_solution_needs_a_docstring_and_a_unique_id():
    with pytest.raises(ValueError, match="docstring"):
        exercise("99.9", "q", "h")(lambda: 1)
    with pytest.raises(ValueError, match="registered twice"):
        exercise("02.1", "q", "h")(REGISTRY["02.1"].solution)
