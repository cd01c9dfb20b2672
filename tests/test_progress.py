"""Progress bars (analysis.core.progress): shown on a terminal, absent when quiet or piped, never changing results."""
import io
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest

from planted_topics import VOCAB, planted

from analysis.cli import main
from analysis.core.paths import corpus_dir
from analysis.core.progress import QUIET_ENV, progress, quiet_requested, shown
from analysis.ingest.build import catalog_rows
from analysis.models.topics import select_k
from analysis.stats.bootstrap import bootstrap_table
from analysis.stats.coverage import few_turns_coverage, two_stage_coverage
from analysis.tutorial import notebooks as notebooks_module


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a user's stderr does."""

    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def not_quiet(monkeypatch, tmp_path):
    monkeypatch.delenv(QUIET_ENV, raising=False)
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))


def use_terminal(monkeypatch):
    """Standard error replaced by a terminal-like stream; returns it.

    Called in the test body: pytest's own capture puts its stream back between a
    fixture's set-up and the test.
    """
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_the_bar_is_drawn_on_a_terminal_with_the_step_name():
    stream = Terminal()
    assert sum(progress(range(50), desc="build", unit="doc", file=stream)) == sum(range(50))
    text = stream.getvalue()
    assert "build" in text and "50/50" in text and "doc" in text


def test_no_bar_when_quiet_or_not_a_terminal(monkeypatch):
    plain = io.StringIO()  # a pipe or a log file
    list(progress(range(50), desc="build", file=plain))
    assert plain.getvalue() == ""
    stream = Terminal()
    list(progress(range(50), desc="build", file=stream, quiet=True))
    assert stream.getvalue() == ""
    monkeypatch.setenv(QUIET_ENV, "1")
    assert quiet_requested() and not shown(Terminal())
    list(progress(range(50), desc="build", file=stream))
    assert stream.getvalue() == ""
    list(progress(range(50), desc="build", file=stream, quiet=False))  # an explicit call wins
    assert "50/50" in stream.getvalue()
    for off in ("", "0", "false", "no"):
        monkeypatch.setenv(QUIET_ENV, off)
        assert not quiet_requested()


def test_the_bar_goes_to_standard_error_not_to_standard_output(monkeypatch):
    terminal = use_terminal(monkeypatch)
    out = Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    list(progress(range(5), desc="step"))
    assert "5/5" in terminal.getvalue() and out.getvalue() == ""


def test_cli_quiet_flag_sets_the_environment_for_child_processes(monkeypatch, capsys):
    monkeypatch.setenv(QUIET_ENV, "")  # restored after the test
    assert main(["--quiet", "figures", "no-such-figure"]) == 2  # refused after the flag is read
    assert quiet_requested()


def test_select_k_shows_one_step_per_fit_and_the_same_table(monkeypatch):
    terminal = use_terminal(monkeypatch)
    matrix, vocabulary = planted(n_docs=40), VOCAB
    shown_table = select_k(matrix, vocabulary, [2, 3], kinds=("nmf",), random_states=(0, 1), use_cache=False)
    assert "select k" in terminal.getvalue() and "4/4" in terminal.getvalue()
    monkeypatch.setenv(QUIET_ENV, "1")
    before = terminal.getvalue()
    quiet_table = select_k(matrix, vocabulary, [2, 3], kinds=("nmf",), random_states=(0, 1), use_cache=False)
    assert terminal.getvalue() == before
    pd.testing.assert_frame_equal(shown_table, quiet_table)
    monkeypatch.delenv(QUIET_ENV)
    parallel = select_k(matrix, vocabulary, [2, 3], kinds=("nmf",), random_states=(0, 1), use_cache=False, n_jobs=2)
    pd.testing.assert_frame_equal(shown_table, parallel)


def test_bootstrap_and_coverage_results_do_not_depend_on_the_bar(monkeypatch):
    terminal = use_terminal(monkeypatch)
    rng = np.random.default_rng(1)
    turns = pd.DataFrame({"doc_id": np.repeat(["a", "b", "c"], 40), "n_tokens": rng.integers(20, 200, 120),
                          "x": rng.poisson(0.5, 120)})
    with_bar = bootstrap_table(turns, group="doc_id", value_cols="x", token_col="n_tokens", n_boot=300)
    cov_bar = few_turns_coverage(5.0, n_sim=200), two_stage_coverage(5.0, n_sim=20, n_boot=100)
    assert "bootstrap" in terminal.getvalue() and "coverage" in terminal.getvalue()
    monkeypatch.setenv(QUIET_ENV, "1")
    pd.testing.assert_frame_equal(
        with_bar, bootstrap_table(turns, group="doc_id", value_cols="x", token_col="n_tokens", n_boot=300))
    assert cov_bar == (few_turns_coverage(5.0, n_sim=200), two_stage_coverage(5.0, n_sim=20, n_boot=100))


def test_catalog_rebuild_shows_its_bar_and_the_same_rows(monkeypatch):
    terminal = use_terminal(monkeypatch)
    rows = catalog_rows(corpus_dir())
    assert "catalog" in terminal.getvalue() and f"{len(rows)}/{len(rows)}" in terminal.getvalue()
    monkeypatch.setenv(QUIET_ENV, "1")
    assert catalog_rows(corpus_dir()) == rows


def test_run_all_prints_one_line_per_notebook_with_its_time(monkeypatch, tmp_path, capsys):
    terminal = use_terminal(monkeypatch)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("01_one.ipynb", "02_two.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 6 * 7")]), folder / name)
    monkeypatch.setattr(notebooks_module, "NOTEBOOKS_DIR", folder)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    timings = notebooks_module.run_all()
    lines = sys.stdout.getvalue().splitlines()
    assert [name for name, _ in timings] == ["01_one.ipynb", "02_two.ipynb"]
    assert [line.split(" in ")[0] for line in lines] == ["executed 01_one.ipynb", "executed 02_two.ipynb"]
    assert all(line.endswith(" s") for line in lines)
    assert "notebooks" in terminal.getvalue()  # the bar, on standard error


def test_run_all_in_two_processes_reports_in_reading_order_and_stops_on_an_error(monkeypatch, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, source in (("01_one.ipynb", "x = 1"), ("02_two.ipynb", "y = 2"), ("03_three.ipynb", "z = 3")):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), folder / name)
    monkeypatch.setattr(notebooks_module, "NOTEBOOKS_DIR", folder)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    timings = notebooks_module.run_all(jobs=2)
    assert [name for name, _ in timings] == ["01_one.ipynb", "02_two.ipynb", "03_three.ipynb"]
    assert sorted(line.split(" in ")[0] for line in sys.stdout.getvalue().splitlines()) == [
        "executed 01_one.ipynb", "executed 02_two.ipynb", "executed 03_three.ipynb"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), folder / "02_two.ipynb")
    with pytest.raises(RuntimeError, match="02_two.ipynb failed"):
        notebooks_module.run_all(jobs=2)
    with pytest.raises(ValueError, match="jobs"):
        notebooks_module.run_all(jobs=0)
