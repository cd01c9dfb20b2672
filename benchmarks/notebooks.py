"""Per-notebook execution time, cold (empty disk cache) and warm (cache filled by the cold run).

    python benchmarks/notebooks.py [NAME ...]

A script, not a test: it prints figures. Each notebook runs headless in a fresh kernel
(:func:`analysis.tutorial.notebooks.run_all`), so the only thing carried from the cold to
the warm run is the disk cache (fitted topic models and derived tables under
``ANALYSIS_CACHE_DIR``), here a temporary folder, so your own ``.cache/`` is left alone.
Notebook exports go to a temporary output folder. Times depend on what else the machine
is doing: read them side by side, from one run.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.tutorial.notebooks import run_all  # noqa: E402


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="nb-bench-") as scratch:
        os.environ["ANALYSIS_CACHE_DIR"] = str(Path(scratch) / "cache")
        os.environ["ANALYSIS_OUTPUT_DIR"] = str(Path(scratch) / "output")
        os.environ.setdefault("MPLBACKEND", "Agg")
        runs = {}
        for label in ("cold", "warm"):
            start = time.perf_counter()
            runs[label] = dict(run_all(names or None))
            runs[label]["total"] = time.perf_counter() - start
    print(f"\n{'notebook':<32}{'cold s':>9}{'warm s':>9}")
    for name in runs["cold"]:
        print(f"{name:<32}{runs['cold'][name]:>9.1f}{runs['warm'][name]:>9.1f}")
    print(f"cpu count {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main(sys.argv[1:])
