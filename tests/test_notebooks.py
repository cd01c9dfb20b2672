"""Every notebook runs top to bottom in a fresh kernel, headless."""
import pytest

from analysis.tutorial.notebooks import execute_notebook, notebook_paths


@pytest.fixture(autouse=True)
def figures_elsewhere(tmp_path, monkeypatch):
    """Notebooks export figures; in tests they go to a temporary folder, not figures/."""
    monkeypatch.setenv("ANALYSIS_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(path, tmp_path):
    notebook = execute_notebook(path, save=False)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert list((tmp_path / "figures").glob("*.pdf")), f"{path.name} exported no figure"


def test_notebooks_are_in_reading_order_with_headers_and_parameters():
    import nbformat
    paths = notebook_paths()
    assert [p.name[:2] for p in paths] == [f"{i:02d}" for i in range(len(paths))]
    for path in paths:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and "**Question**" in cells[0].source, path.name
        assert "**Time to run**" in cells[0].source and "**Data**" in cells[0].source, path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in cells), path.name
        assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code"), \
            f"{path.name} is committed with outputs; clear them"
