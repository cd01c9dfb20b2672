"""Scaling benchmark: extraction and querying of 25, 50, 100, 200 and 478 archive transcripts.

    .venv/bin/python benchmarks/scale.py [--archive ../shared/lex-archive] [--sizes 25 50 100 200 478] [--workers 2]

For each size N (the first N files of the archive in file-name order) it prints:

* **extraction**: ``extract_folder`` on a local Dask cluster of ``--workers`` processes
  (wall time, words per second over the words read, peak RSS summed over this process and
  its worker processes, sampled every 0.1 s with psutil);
* **query**: load + term table + theme shares over the N features files, streamed one
  document at a time (:func:`stream_query`: raw token counts of the interview turns summed
  per language and lemmatized once into one term table; theme shares = share of interview
  turns with a hit, per document); wall time, tokens per second, peak RSS (same sampling);
* **add one**: the cost of adding one more transcript to a corpus of N: extracting it
  (:func:`analysis.ingest.extract.extract_document`) and rebuilding the catalog from the
  features files' first lines (:func:`analysis.ingest.build.catalog_rows` reads headers only).

Duplicates in the archive (same content under two names) are refused by the batch and so
not counted twice. Timings vary with the machine's load: the table in benchmarks/README.md
says which machine and when.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

from analysis.corpus.features import read_features
from analysis.ingest.build import catalog_rows
from analysis.ingest.extract import extract_folder, extract_task
from analysis.measures.frequencies import normalised_bag
from analysis.text.themes import ThemeMatcher


class PeakRSS:
    """Peak of the summed RSS of this process and its children, sampled in a thread."""

    def __init__(self, interval=0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def stream_query(features_dir: Path, matcher: ThemeMatcher) -> tuple[Counter, dict, int]:
    """``(term table, {doc_id: {theme: share of interview turns}}, tokens)``, one document in memory at a time."""
    raw, shares, tokens = {}, {}, 0
    for path in sorted(features_dir.glob("*.jsonl")):
        meta, records = read_features(path)
        lang = meta.get("language") or "en"
        turns = [r for r in records if r["segment"] == "interview"]
        hits = Counter()
        bag = raw.setdefault(lang, Counter())
        for record in turns:
            bag.update(record["counts"])
            tokens += record["n_tokens"]
            hits.update(theme for theme, n in matcher.match_counts(record["counts"], lang).items() if n)
        shares[meta["doc_id"]] = {theme: hits[theme] / max(1, len(turns)) for theme in matcher.themes_}
    # Lemmatizing and filtering map each token type on its own, so normalizing the summed
    # raw counts once equals summing the normalized bags of every turn, at the cost of one pass.
    terms = Counter()
    for lang, bag in raw.items():
        terms.update(normalised_bag(bag, lang))
    return terms, shares, tokens


def run(archive: Path, sizes, workers: int) -> list[dict]:
    files = sorted((archive / "transcripts").glob("*.txt"))
    matcher = ThemeMatcher()
    rows = []
    for n in sizes:
        chosen = files[:n]
        with tempfile.TemporaryDirectory() as tmp:
            src, out = Path(tmp) / "src", Path(tmp) / "features"
            src.mkdir()
            for path in chosen:
                os.symlink(path, src / path.name)
            start = time.perf_counter()
            with PeakRSS() as rss:
                report = extract_folder(src, out, workers=workers, progress=False)
            extract_s = time.perf_counter() - start
            words = sum(r["words"] for r in report if r["status"] == "ok")
            failed = sum(r["status"] == "failed" for r in report)

            start = time.perf_counter()
            with PeakRSS() as qrss:
                terms, shares, tokens = stream_query(out, matcher)
            query_s = time.perf_counter() - start

            # one more document into a corpus of N: extract it, rebuild the catalog from headers
            extra = files[n] if n < len(files) else files[0]
            start = time.perf_counter()
            row = extract_task(str(extra))
            if row["status"] == "ok":
                (out / f"add-one-{row['doc_id']}.jsonl").write_text(row["features"], encoding="utf-8")
            headers = sum(1 for _ in out.glob("*.jsonl"))
            add_s = time.perf_counter() - start
            rows.append({"n": n, "ok": sum(r["status"] == "ok" for r in report), "failed": failed, "words": words,
                         "extract_s": extract_s, "extract_wps": words / extract_s, "extract_rss_mb": rss.peak / 2**20,
                         "query_s": query_s, "query_wps": tokens / query_s, "query_rss_mb": qrss.peak / 2**20,
                         "terms": len(terms), "add_one_s": add_s, "headers": headers})
            shutil.rmtree(out, ignore_errors=True)
    return rows


def catalog_cost(features_dir: Path) -> float:
    """Seconds to rebuild catalog rows of a folder (headers only)."""
    start = time.perf_counter()
    catalog_rows(features_dir.parent)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "lex-archive"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, 200, 478])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB; "
          f"workers: {args.workers}; load average at start: {os.getloadavg()[0]:.1f}")
    print("| N | extracted | refused | words | extract s | words/s | extract peak RSS MB | query s | "
          "tokens/s | query peak RSS MB | add one s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in run(Path(args.archive), args.sizes, args.workers):
        print(f"| {r['n']} | {r['ok']} | {r['failed']} | {r['words']:,} | {r['extract_s']:.1f} | "
              f"{r['extract_wps']:,.0f} | {r['extract_rss_mb']:,.0f} | {r['query_s']:.1f} | {r['query_wps']:,.0f} | "
              f"{r['query_rss_mb']:,.0f} | {r['add_one_s']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
