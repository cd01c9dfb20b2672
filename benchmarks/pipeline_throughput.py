"""Throughput of the project's tokenize -> lemmatize -> count pipeline beside scikit-learn's
CountVectorizer, on the same text, in one run. A script, not a test: it prints figures.

    python benchmarks/pipeline_throughput.py [--raw DIR] [--repeat 5]

Text: the raw transcripts in ../shared/interviews when present (read now, never stored),
else generated English text. Both sides get the same list of documents; each side is
timed over ``--repeat`` interleaved runs; the ratios are taken run by run (a project run and
the CountVectorizer run next to it meet about the same load) and their median is printed
with their range, beside the ratio of the best times (the run least disturbed by other work).
The load average is printed at the start and the end: on a shared machine read the figures
beside it. Every project run starts
with its per-type memos cleared (chunk tokens, lemmas, simplemma's own cache), so no run
profits from an earlier one; loading simplemma's dictionary and building the phrase
matcher happen once per process and are printed apart.

What each side does:
* project: normalise apostrophes, lower-case, merge multiword terms (one regex pass),
  tokenize (one regex), count types, then lemmatize each distinct type once and
  re-key the counts by lemma;
* CountVectorizer(): its default analyzer (lower-case, token_pattern ``\\b\\w\\w+\\b``)
  and the sparse document-term matrix, no lemmas, no phrases.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.text import lemmas
from analysis.text import tokenize  # noqa: E402  (the module: its clear_cache)
from analysis.text.lemmas import lemmatize_counts  # noqa: E402
from analysis.core.paths import shared_interviews_dir  # noqa: E402
from analysis.core.textio import read_text  # noqa: E402
from analysis.text.tokenize import count_tokens  # noqa: E402


def load_documents(raw: Path | None) -> tuple[list[str], str]:
    if raw and raw.is_dir() and list(raw.glob("*.txt")):
        files = sorted(raw.glob("*.txt"))
        return [read_text(f) for f in files], f"{len(files)} raw transcripts in {raw}"
    rng = random.Random(0)
    words = ("the model compute gpus data centers open source weights we think really people training "
             "scale power chips elections deepfakes talent researchers safety guardrails bias").split()
    docs = [" ".join(rng.choice(words) for _ in range(30_000)) for _ in range(17)]
    return docs, "17 generated documents of 30,000 words"


def forget_memoised_work() -> None:
    """Clear every per-type memo (ours and simplemma's), so no run profits from an earlier one."""
    lemmas.clear_cache()
    tokenize.clear_cache()
    try:
        from simplemma.lemmatizer import _legacy_lemmatizer_for
        _legacy_lemmatizer_for(False, False)._cached_lemmatize.cache_clear()
    except (ImportError, AttributeError):  # another simplemma version: its cache stays warm
        pass


def project_pipeline_warm(documents: list[str]):
    return [lemmatize_counts(count_tokens(text, "en"), "en") for text in documents]


def project_pipeline(documents: list[str]):
    forget_memoised_work()
    return project_pipeline_warm(documents)


def sklearn_pipeline(documents: list[str]):
    return CountVectorizer().fit_transform(documents)


def _warm_up_worker() -> None:
    """Per-process set-up (lemma dictionary, phrase matcher), done once when a worker starts."""
    project_pipeline(["load the lemma dictionary and build the phrase matcher"])


def _project_chunk(documents: list[str]):
    """One worker's share, cold: its memos are cleared first, as in a sequential cold run."""
    return project_pipeline(documents)


def balanced_halves(documents: list[str], n: int) -> list[list[str]]:
    """``n`` groups of documents with about the same number of characters (largest first, greedy)."""
    groups, sizes = [[] for _ in range(n)], [0] * n
    for text in sorted(documents, key=len, reverse=True):
        k = sizes.index(min(sizes))
        groups[k].append(text)
        sizes[k] += len(text)
    return groups


def parallel_pipeline(pool: ProcessPoolExecutor, n: int):
    """The project pipeline over documents in ``n`` worker processes (results gathered back)."""
    def run(documents):
        return [bag for part in pool.map(_project_chunk, balanced_halves(documents, n)) for bag in part]
    return run


def run_times(functions, documents, repeat: int) -> list[list[float]]:
    """``repeat`` timed runs of each function, the runs interleaved so drift hits all alike."""
    times = [[] for _ in functions]
    for _ in range(repeat):
        for k, function in enumerate(functions):
            start = time.perf_counter()
            function(documents)
            times[k].append(time.perf_counter() - start)
    return times


def ratios(baseline: list[float], ours: list[float]) -> tuple[float, float, float]:
    """Per-repeat ratios baseline / ours (runs paired in time): median, min, max."""
    paired = [b / o for b, o in zip(baseline, ours)]
    return statistics.median(paired), min(paired), max(paired)


def best_times(functions, documents, repeat: int) -> list[float]:
    """Best of ``repeat`` runs of each function (see :func:`run_times`)."""
    return [min(t) for t in run_times(functions, documents, repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, default=shared_interviews_dir())
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    documents, source = load_documents(args.raw)
    megabytes = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    start = time.perf_counter()
    project_pipeline(["load the lemma dictionary and build the phrase matcher"])
    setup = time.perf_counter() - start
    load = os.getloadavg()
    ours, theirs, warm = run_times([project_pipeline, sklearn_pipeline, project_pipeline_warm], documents,
                                   args.repeat)
    med = statistics.median
    tokens = sum(sum(c.values()) for c in project_pipeline(documents))
    print(f"text: {source}, {megabytes:.1f} MB, {tokens:,} tokens (project tokenizer)")
    print(f"cpu count {os.cpu_count()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start; "
          f"{args.repeat} repeats, medians (best in brackets)")
    print(f"project one-off set-up (lemma dictionary, phrase matcher): {setup:.3f} s, not counted below")
    print(f"project tokenize -> lemmatize -> count: {med(ours):.3f} s [{min(ours):.3f}]  "
          f"({megabytes / med(ours):.1f} MB/s)")
    print(f"scikit-learn CountVectorizer():         {med(theirs):.3f} s [{min(theirs):.3f}]  "
          f"({megabytes / med(theirs):.1f} MB/s)")
    cold = ratios(theirs, ours)
    print(f"throughput ratio cold, one core (CountVectorizer / project, paired runs): median {cold[0]:.2f} "
          f"(range {cold[1]:.2f}-{cold[2]:.2f}); of best times {min(theirs) / min(ours):.2f}  (target >= 1.0)")
    hot = ratios(theirs, warm)
    print(f"with the memos kept from earlier runs, as in a notebook session: {med(warm):.3f} s, "
          f"ratio median {hot[0]:.2f} (range {hot[1]:.2f}-{hot[2]:.2f})")
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, initializer=_warm_up_worker) as pool:
        list(pool.map(_project_chunk, [["start the workers"]] * workers))
        parallel, theirs_again = run_times([parallel_pipeline(pool, workers), sklearn_pipeline], documents,
                                           args.repeat)
    both = ratios(theirs_again, parallel)
    print(f"project, cold, {workers} processes in parallel over documents: {med(parallel):.3f} s "
          f"[{min(parallel):.3f}]; CountVectorizer (one core) in the same runs: {med(theirs_again):.3f} s; "
          f"ratio median {both[0]:.2f} (range {both[1]:.2f}-{both[2]:.2f}); of best times "
          f"{min(theirs_again) / min(parallel):.2f}  (target >= 1.8)")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")

if __name__ == "__main__":
    main()
