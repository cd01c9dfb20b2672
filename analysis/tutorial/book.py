"""The executed tutorial as a static HTML book (``make book``, ``python -m analysis book``).

Jupyter Book 1 (Sphinx and MyST-NB; version 2 is built on the MyST Node tool, which fetches
its site template from the network on first use, so it is not used here) builds
``output/book/_build/html/`` offline from executed copies of the notebooks: one page per
notebook in reading order, the figures embedded, and the interactive explorers shown as
their static version (the widget view is dropped from what the pages render).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from analysis.core.paths import PROJECT_ROOT
from analysis.core.textio import atomic_write_text
from analysis.tutorial.notebooks import execute_notebook, notebook_paths
from analysis.tutorial.output import notebook_output_dir

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CONFIG = """\
title: How AI executives talk, a tutorial
author: AI-discourse notebooks
only_build_toc_files: true
execute:
  execute_notebooks: "off"
sphinx:
  config:
    html_show_copyright: false
    html_last_updated_fmt: null
    nb_mime_priority_overrides:
      - ["html", "application/vnd.jupyter.widget-view+json", null]
    suppress_warnings: ["mystnb.unknown_mime_type", "myst.header"]
"""


def tutorial_map() -> str:
    """The README's tutorial map (its table), for the book's first page."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Tutorial map\n(.*?)\n## ", readme, flags=re.S)
    return match.group(1).strip() if match else ""


def _static(notebook) -> None:
    """Keep only the static version of widget outputs (no widget state to replay offline)."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") in ("display_data", "execute_result"):
                output.get("data", {}).pop(WIDGET_VIEW, None)


def build_book(executed: dict | None = None, outdir: Path | None = None) -> Path:
    """Write the book's sources into ``outdir`` (default ``output/book``) and build it; return the HTML folder.

    ``executed``: ``{notebook file name: executed notebook}`` to use instead of running
    the notebooks again (the test suite passes the ones it ran). A notebook whose run
    fails stops the build with its error (see :func:`execute_notebook`).
    """
    outdir = Path(outdir) if outdir is not None else notebook_output_dir() / "book"
    executed = dict(executed or {})
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    chapters = []
    for path in notebook_paths():
        notebook = executed.get(path.name) or execute_notebook(path, save=False)
        notebook = nbformat.from_dict(notebook)
        _static(notebook)
        atomic_write_text(outdir / path.name, nbformat.writes(notebook))
        chapters.append(path.stem)
    atomic_write_text(outdir / "intro.md", "# How AI executives talk: the tutorial\n\n"
                      "The notebooks in reading order, executed. Interactive explorers appear as their static "
                      "version; open the notebooks in JupyterLab (`make lab`) to use them.\n\n" + tutorial_map() + "\n")
    atomic_write_text(outdir / "_config.yml", CONFIG)
    atomic_write_text(outdir / "_toc.yml", "format: jb-book\nroot: intro\nchapters:\n"
                      + "".join(f"  - file: {stem}\n" for stem in chapters))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(outdir), "--builder", "html", "--quiet"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return outdir / "_build" / "html"
