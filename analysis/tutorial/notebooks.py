"""Executing the notebooks headless in a fresh kernel (``python -m analysis notebooks``).

Used by ``make run`` and by the test suite. Each notebook runs top to bottom in a new
``python3`` kernel with the notebooks folder as working directory; an error in any cell
stops it and is reported with the notebook's name and the cell. Executed copies go to
``.cache/executed/`` (the committed notebooks are left as they are; what the notebooks
export goes to ``output/``, see :mod:`analysis.tutorial.output`).

Kernels are reached over local IPC sockets (in a private temporary folder), not TCP:
nothing listens on a network port, and the kernel's "running over TCP without
encryption" warning has nothing to warn about.
"""
from __future__ import annotations

import os
import tempfile
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from analysis.core.paths import PROJECT_ROOT, cache_dir
from analysis.core.progress import note, progress
from analysis.core.textio import atomic_write_text

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

#: Worker processes are started fresh (spawn), not forked: a fork copies locks other threads hold
#: (joblib's, the progress bar's) and a worker that then starts joblib processes of its own can hang.
SPAWN = multiprocessing.get_context("spawn")


def notebook_paths() -> list[Path]:
    """The notebooks in reading order (``NN_name.ipynb``)."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def inject_parameters(notebook, parameters: dict) -> None:
    """Insert a cell after the one tagged ``parameters`` that overrides its values (papermill style)."""
    for index, cell in enumerate(notebook.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
            notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(
                "# injected parameters\n" + source, metadata={"tags": ["injected-parameters"]}))
            return
    raise ValueError("the notebook has no cell tagged 'parameters' to override")


def execute_notebook(path, *, timeout: int = 900, parameters: dict | None = None, save: bool = True):
    """Run one notebook in a fresh kernel; return the executed notebook."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    if parameters:
        inject_parameters(notebook, parameters)
    ipython_dir = os.environ.get("IPYTHONDIR")
    if ipython_dir:  # IPython warns on first use when the folder's parent does not exist yet
        Path(ipython_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="analysis-kernel-") as sockets:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", config=config,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as error:
            raise RuntimeError(f"{path.name} failed:\n{error}") from None
    if save:
        out = cache_dir() / "executed" / path.name
        atomic_write_text(out, nbformat.writes(notebook))
    return notebook


def _execute_timed(path) -> float:
    start = time.perf_counter()
    execute_notebook(path)
    return time.perf_counter() - start


def run_all(names=None, *, jobs: int = 1) -> list[tuple[str, float]]:
    """Execute every notebook (or those named); return ``(name, seconds)`` pairs in reading order.

    One line per notebook with its time on standard output as each one finishes (always:
    it is the command's report), and a bar on standard error while they run (on a
    terminal, unless quiet: :mod:`analysis.core.progress`), erased at the end so only the
    lines remain. ``jobs`` > 1 runs that many notebooks at once, each in its own process
    and kernel (the notebooks are independent: each writes its own files under
    ``output/``, and the figure index there is rebuilt from all sidecars at every export,
    so the last one written lists every figure); the first error stops the run.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number >= 1, got {jobs!r}")
    paths = [p for p in notebook_paths() if not names or p.stem in names or p.name in names]
    seconds: dict[str, float] = {}
    with progress(total=len(paths), desc="notebooks", unit="nb", leave=False) as bar:
        if jobs == 1 or len(paths) < 2:
            for path in paths:
                bar.set_postfix_str(path.name)
                seconds[path.name] = _execute_timed(path)
                note(f"executed {path.name} in {seconds[path.name]:.1f} s")
                bar.update(1)
        else:
            with ProcessPoolExecutor(min(jobs, len(paths)), mp_context=SPAWN) as pool:
                futures = {pool.submit(_execute_timed, path): path for path in paths}
                try:
                    for future in as_completed(futures):
                        name = futures[future].name
                        seconds[name] = future.result()
                        note(f"executed {name} in {seconds[name]:.1f} s")
                        bar.update(1)
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
    return [(path.name, seconds[path.name]) for path in paths]
