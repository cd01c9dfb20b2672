"""Throughput of the project's tokenize -> lemmatize -> count pipeline beside scikit-learn's
CountVectorizer, on the same text, in one run. A script, not a test: it prints figures.

    python benchmarks/pipeline_throughput.py [--raw DIR] [--repeat 5] [--documents-per-task 1]

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
* project (``count_tokens`` then ``lemmatize_counts``, per document): unify apostrophes and
  lower-case, split at whitespace and count the chunks, tokenize the chunks not met before
  (one regex pass over them), sum chunk counts into token counts, merge multiword terms
  (only the chunks that can start one are visited in order), then lemmatize each type not
  met before and re-key the counts by lemma;
* CountVectorizer(): its default analyzer (lower-case, token_pattern ``\\b\\w\\w+\\b``)
  and the sparse document-term matrix, no lemmas, no phrases.

In parallel, the documents go one per task (``--documents-per-task``), largest first, to two
worker processes (each takes the next when it is done); each worker clears its memos at its first document of a run, so
each process's run is cold, as the one-core run is. The workers are given the texts once, when
they start (as extraction workers read their own files), and a task names its documents by
index, so a run does not pickle 2.5 MB of text through a pipe to the workers. The bags come
back through it packed, each as its terms in one string and its counts in one integer array
(:func:`pack_bag`; CountVectorizer's result is likewise a vocabulary and one sparse matrix,
not a dict per document): unpickling thousands of small strings and integers in the parent,
which shares the two cores with the workers, cost about 3% of a parallel run. They are
unpacked once, for the check against the one-process bags. The bags come back in document order and
are checked once against the one-process bags (counts and key order). The CPU seconds of the
busiest process are printed beside the wall time: on a machine where other jobs take the
cores, the wall ratio measures them, not the pipeline (CPU seconds leave out the waiting for
a core, not the slowing down of sharing one: they too grow with the load).
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
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


_DOCUMENTS: list[str] = []
_RUN_SEEN = None


def _start_worker(documents: list[str]) -> None:
    """Per-process set-up, done once when a worker starts: keep the texts; load the lemma
    dictionary and build the phrase matcher."""
    global _DOCUMENTS
    _DOCUMENTS = documents
    project_pipeline(["load the lemma dictionary and build the phrase matcher"])


def _project_documents(run: int, indices: list[int]):
    """A task of a worker process during parallel run ``run``: the worker forgets its memos at
    its first task of each run (every run is cold in every process, as a sequential cold run
    is) and keeps them for its next tasks of the same run (as a sequential run does).
    Returns the packed bags (:func:`pack_bag`), the worker's pid and the CPU seconds it spent."""
    global _RUN_SEEN
    start = time.process_time()
    if run != _RUN_SEEN:
        forget_memoised_work()
        _RUN_SEEN = run
    bags = [pack_bag(lemmatize_counts(count_tokens(_DOCUMENTS[i], "en"), "en")) for i in indices]
    return bags, os.getpid(), time.process_time() - start


def pack_bag(bag: dict) -> tuple[str, np.ndarray]:
    """A bag of counts as (terms joined by newlines, counts in bag order): a term never holds a
    newline (tokens come from text split at whitespace)."""
    return "\n".join(bag), np.fromiter(bag.values(), np.int64, len(bag))


def unpack_bag(packed: tuple[str, np.ndarray]) -> dict:
    """The bag :func:`pack_bag` packed, keys in the same order."""
    terms, counts = packed
    return dict(zip(terms.split("\n"), counts.tolist())) if terms else {}


def tasks_of(n_documents: int, sizes, per_task: int) -> list[list[int]]:
    """Document indices in tasks of about ``per_task`` documents and equal characters (the largest
    document to the lightest task), heaviest task first."""
    n_tasks = max(1, -(-n_documents // per_task))
    tasks, loads = [[] for _ in range(n_tasks)], [0] * n_tasks
    for i in sorted(range(n_documents), key=lambda i: sizes[i], reverse=True):
        k = loads.index(min(loads))
        tasks[k].append(i)
        loads[k] += sizes[i]
    return sorted((t for t in tasks if t), key=lambda t: -sum(sizes[i] for i in t))


def parallel_pipeline(pool: ProcessPoolExecutor, per_task: int = 1):
    """The project pipeline over documents in the pool's worker processes, ``per_task`` documents
    per task, heaviest first (each worker takes the next task when it is done: the load balances
    itself whatever a document costs), packed bags gathered back in document order. The workers hold the
    texts (:func:`_start_worker`); ``run`` must be given the same list. ``run.cpu`` records, per
    run, the CPU seconds of the busiest worker."""
    runs = itertools.count(1)

    def run(documents):
        tasks = tasks_of(len(documents), [len(d) for d in documents], per_task)
        bags, cpu = [None] * len(documents), {}
        results = pool.map(_project_documents, itertools.repeat(next(runs)), tasks)
        for task, (task_bags, pid, seconds) in zip(tasks, results):
            for i, bag in zip(task, task_bags):
                bags[i] = bag
            cpu[pid] = cpu.get(pid, 0.0) + seconds
        run.cpu.append(max(cpu.values()))
        return bags
    run.cpu = []
    return run


def cpu_timed(function, record: list):
    """``function``, recording the CPU seconds of each call in ``record``."""
    def timed(documents):
        start = time.process_time()
        result = function(documents)
        record.append(time.process_time() - start)
        return result
    return timed


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
    parser.add_argument("--documents-per-task", type=int, default=1, metavar="N",
                        help="documents per task in the parallel runs (default 1; 9 for the 17 transcripts "
                             "gives two halves, the design before issue 16)")
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
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(documents,)) as pool:
        run_parallel = parallel_pipeline(pool, args.documents_per_task)
        same = ([list(unpack_bag(bag).items()) for bag in run_parallel(documents)]
                == [list(bag.items()) for bag in project_pipeline(documents)])
        run_parallel.cpu.clear()
        theirs_cpu = []
        parallel, theirs_again = run_times([run_parallel, cpu_timed(sklearn_pipeline, theirs_cpu)], documents,
                                           args.repeat)
    both = ratios(theirs_again, parallel)
    print(f"project, cold, {workers} processes in parallel over documents ({args.documents_per_task} per task): "
          f"{med(parallel):.3f} s "
          f"[{min(parallel):.3f}]; CountVectorizer (one core) in the same runs: {med(theirs_again):.3f} s; "
          f"ratio median {both[0]:.2f} (range {both[1]:.2f}-{both[2]:.2f}); of best times "
          f"{min(theirs_again) / min(parallel):.2f}  (target >= 1.8); bags equal to one process's: "
          f"{'yes' if same else 'NO'}")
    busiest = run_parallel.cpu
    print(f"  CPU seconds, not wall (time spent waiting for a core does not count; sharing one with other "
          f"jobs still slows them): busiest process {med(busiest):.3f} s, "
          f"CountVectorizer {med(theirs_cpu):.3f} s, ratio median {med(t / b for t, b in zip(theirs_cpu, busiest)):.2f}: "
          f"the wall ratio two free cores would give, less the inter-process overhead")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")

if __name__ == "__main__":
    main()
