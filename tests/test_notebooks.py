"""Every notebook runs top to bottom in a fresh kernel, headless."""
import nbformat
import pytest

from analysis.tutorial.notebooks import execute_notebook, notebook_paths


@pytest.fixture(autouse=True)
def figures_elsewhere(tmp_path, monkeypatch):
    """Notebooks export figures; in tests they go to a temporary folder, not figures/."""
    monkeypatch.setenv("ANALYSIS_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(path, tmp_path):
    notebook = execute_notebook(path, save=False)  # raises on the first cell that fails
    code = [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{path.name}: a code cell did not run"
    assert list((tmp_path / "figures").glob("*.pdf")), f"{path.name} exported no figure"


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
        assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code"), \
            f"{path.name} is committed with outputs; clear them"
