"""Every notebook runs top to bottom in a fresh kernel, headless, and leaves the repository as it was."""
import hashlib
import shutil
import subprocess

import nbformat
import pytest

import re

from analysis.core.paths import PROJECT_ROOT
from analysis.tutorial.book import build_book
from analysis.tutorial.notebooks import execute_notebook, notebook_paths

#: Notebooks executed by the tests below, reused by the book test (which runs after them).
EXECUTED = {}


def repository_state() -> str | None:
    """A digest of what git sees: tracked changes (with content) and untracked files; None outside git."""
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        return None
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=PROJECT_ROOT,
                            capture_output=True, check=True).stdout
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=PROJECT_ROOT, capture_output=True,
                          check=True).stdout
    return hashlib.sha256(status + b"\0" + diff).hexdigest() + "\n" + status.decode()


@pytest.fixture(autouse=True)
def output_elsewhere(tmp_path, monkeypatch):
    """Notebooks write into their output folder (here a temporary one); figures/ is not redirected,
    so a notebook that wrote the paper set would change tracked files and fail the test."""
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.delenv("ANALYSIS_FIGURES_DIR", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel_and_changes_no_tracked_file(path, tmp_path):
    before = repository_state()
    notebook = execute_notebook(path, save=False)  # raises on the first cell that fails
    EXECUTED[path.name] = notebook
    code = [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{path.name}: a code cell did not run"
    assert list((tmp_path / "output" / "figures").glob("*.pdf")), f"{path.name} exported no figure"
    if before is None:
        pytest.skip("not a git checkout: cannot check that tracked files are unchanged")
    after = repository_state()
    assert after == before, f"{path.name} changed the repository (git status --porcelain):\n{after}"


def test_a_failing_cell_stops_the_run_and_names_the_notebook(tmp_path):
    broken = tmp_path / "99_broken.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                               nbformat.v4.new_code_cell("1 / 0"),
                                               nbformat.v4.new_code_cell("y = 2")])
    nbformat.write(notebook, broken)
    with pytest.raises(RuntimeError, match="99_broken.ipynb failed") as error:
        execute_notebook(broken, save=False, timeout=120)
    assert "ZeroDivisionError" in str(error.value)


def test_notebooks_are_in_reading_order_with_headers_and_parameters():
    paths = notebook_paths()
    assert [p.name[:2] for p in paths] == [f"{i:02d}" for i in range(len(paths))]
    for path in paths:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and "**Question**" in cells[0].source, path.name
        assert "**Time to run**" in cells[0].source and "**Data**" in cells[0].source, path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in cells), path.name


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_tracked_notebooks_carry_no_outputs(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, \
                f"{path.name} is committed with outputs; clear them (nbstripout, see README)"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebooks_use_the_output_folder(path):
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "use_output_folder()" in first.source, f"{path.name}: call use_output_folder() in the first code cell"


def test_the_book_has_every_notebook_page_with_its_figures_and_no_error(tmp_path):
    html = build_book(EXECUTED, outdir=tmp_path / "book")  # notebooks not run above are executed here
    toc = (tmp_path / "book" / "_toc.yml").read_text()
    assert [line.split()[-1] for line in toc.splitlines() if "file:" in line] == [p.stem for p in notebook_paths()]
    for path in notebook_paths():
        page = (html / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in page and 'class="output traceback' not in page, path.name
        images = re.findall(r'<img[^>]+src="([^"]+)"', page)
        assert images, f"{path.name}: no figure in the book page"
        for src in images:
            assert src.startswith("data:") or (html / src).exists(), f"{path.name}: missing image {src}"
    explorer_page = (html / "02_term_frequencies.html").read_text(encoding="utf-8")
    assert "Static view (no widget front-end)" in explorer_page
