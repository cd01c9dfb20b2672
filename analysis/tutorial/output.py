"""Where a notebook's own files go: ``output/`` (untracked), never the paper set in ``figures/``.

Running a notebook must not change the repository: the committed figures are written
only by ``make figures`` (``python -m analysis figures``). Each notebook calls
:func:`use_output_folder` in its first cell; from then on every export in that kernel
(:func:`analysis.figures.export.export_figure` and ``paper_figures.export_all`` without
an explicit folder) lands in ``output/figures/``. ``output/`` is in ``.gitignore``; set
``ANALYSIS_OUTPUT_DIR`` to put it elsewhere (the tests use a temporary folder).
"""
from __future__ import annotations

import os
from pathlib import Path

from analysis.core.paths import PROJECT_ROOT

OUTPUT_ENV = "ANALYSIS_OUTPUT_DIR"


def notebook_output_dir() -> Path:
    """The untracked folder for what notebooks write (``output/`` unless ``ANALYSIS_OUTPUT_DIR`` is set)."""
    return Path(os.environ.get(OUTPUT_ENV, PROJECT_ROOT / "output"))


def use_output_folder() -> Path:
    """Send this session's figure exports to ``<output>/figures`` and return that folder.

    Sets ``ANALYSIS_FIGURES_DIR`` for this process only (the kernel), which
    :func:`analysis.core.paths.figures_dir` reads.
    """
    folder = notebook_output_dir() / "figures"
    os.environ["ANALYSIS_FIGURES_DIR"] = str(folder)
    return folder
