"""Per-notebook execution time, cold (empty disk cache) and warm (cache filled by the cold run).

    python benchmarks/notebooks.py [NAME ...]

A script, not a test: it prints figures. Each notebook runs headless in a fresh kernel
(:func:`analysis.tutorial.notebooks.execute_notebook`), so the only thing carried from the
cold to the warm run is the disk cache (fitted topic models and derived tables under
``ANALYSIS_CACHE_DIR``), here a temporary folder, so your own ``.cache/`` is left alone.
Notebook exports go to a temporary output folder.

Two times per notebook: wall-clock seconds, and CPU seconds of the kernel process and the
processes it waited for (``getrusage(RUSAGE_CHILDREN)``; joblib's worker processes are
counted only when the kernel reaps them). On a machine shared with other jobs the wall
time grows with the load while the CPU time hardly does: read both, from one run, beside
the load average printed at the start and the end.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.tutorial.notebooks import execute_notebook, notebook_paths  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(names) -> dict[str, tuple[float, float]]:
    """``{notebook: (wall s, cpu s)}`` for one pass over the notebooks."""
    times = {}
    for path in notebook_paths():
        if names and path.stem not in names and path.name not in names:
            continue
        wall, cpu = time.perf_counter(), _children_cpu()
        execute_notebook(path, save=False)
        times[path.name] = (time.perf_counter() - wall, _children_cpu() - cpu)
        print(f"  {path.name}: {times[path.name][0]:.1f} s wall, {times[path.name][1]:.1f} s cpu", flush=True)
    times["total"] = tuple(sum(v[i] for v in times.values()) for i in (0, 1))
    return times


def main(names: list[str]) -> None:
    print(f"cpu count {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory(prefix="nb-bench-") as scratch:
        os.environ["ANALYSIS_CACHE_DIR"] = str(Path(scratch) / "cache")
        os.environ["ANALYSIS_OUTPUT_DIR"] = str(Path(scratch) / "output")
        os.environ.setdefault("MPLBACKEND", "Agg")
        runs = {}
        for label in ("cold", "warm"):
            print(label, flush=True)
            runs[label] = run(names)
    print(f"\n{'notebook':<32}{'cold s':>9}{'(cpu)':>8}{'warm s':>9}{'(cpu)':>8}")
    for name in runs["cold"]:
        (cw, cc), (ww, wc) = runs["cold"][name], runs["warm"][name]
        print(f"{name:<32}{cw:>9.1f}{cc:>8.1f}{ww:>9.1f}{wc:>8.1f}")
    print(f"cpu count {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main(sys.argv[1:])
