"""The command line and the tutorial exercises."""
import io
import subprocess
import sys

import pandas as pd
import pytest

from analysis.ingest.build import build
from analysis.cli import main
from analysis.tutorial.exercises import REGISTRY, check, show_solution, solve


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
    assert (table["per_1000"] > 0).all()


def test_unknown_document_is_a_clear_error_with_status_2(seed_corpus, capsys):
    status, _, err = _run(["terms", "--doc", "nope"], capsys)
    assert status == 2 and "unknown doc_id(s): nope" in err and "2024-04_pineau_latribune" in err


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "build" in result.stdout and "corpus" in result.stdout


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_each_solution_passes_its_check(exercise_id, capsys):
    assert check(exercise_id, solve(exercise_id)) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", sorted(REGISTRY))
def test_wrong_and_missing_answers_get_feedback_not_errors(exercise_id, capsys):
    assert check(exercise_id, None) is False
    assert "Not answered yet" in capsys.readouterr().out
    assert check(exercise_id, "certainly wrong") is False
    out = capsys.readouterr().out
    assert "Not quite" in out and "show_solution" in out


def test_show_solution_prints_code(capsys):
    show_solution("02.1")
    assert "term_frequencies" in capsys.readouterr().out
