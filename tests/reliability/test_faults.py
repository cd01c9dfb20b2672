"""Faults while the corpus is written: concurrent adds (separate processes) and SIGKILL at
each step of an add (``ANALYSIS_KILL_AT``, :data:`analysis.corpus.store.KILL_POINTS`).

After a kill, ``check`` reports the unfinished add and no catalog row ever points at a
missing file; ``check --repair`` then leaves a consistent corpus: byte-identical to before
when the kill came before the commit point (the catalog's rename), with the new document
when it came after."""
import multiprocessing
import os

import pytest

from analysis.corpus.check import check_corpus, repair
from analysis.corpus.fulltext import read_fulltext
from analysis.corpus.load import load_catalog, load_corpus
from analysis.corpus.store import KILL_ENV, KILL_POINTS
from analysis.ingest.add import InterviewMetadata, add_interview

from .conftest import ADD_FLAGS, labelled, run_subprocess, snapshot, write

DOC = "2025-03_lovelace_fault"
N_PARALLEL = 8


def finish(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_eight_parallel_adds_keep_every_row(corpus, tmp_path):
    before = set(load_catalog()["doc_id"])
    ids = [f"2025-03_parallel_{i}" for i in range(N_PARALLEL)]
    processes = [run_subprocess(["add", write(tmp_path, f"p{i}.txt", labelled(i)), "--doc-id", doc, *ADD_FLAGS],
                                corpus) for i, doc in enumerate(ids)]
    results = [finish(p) for p in processes]
    assert [(status, err) for status, _, err in results] == [(0, "")] * N_PARALLEL
    assert set(load_catalog()["doc_id"]) == before | set(ids)
    assert all((corpus / "interviews" / f"{doc}.txt").is_file() for doc in ids)
    assert check_corpus() == [] and set(load_corpus()["doc_id"]) >= set(ids)


def test_parallel_adds_of_one_id_or_one_text_one_wins(corpus, tmp_path):
    """Two adds of one id and two adds of one text, all four at once: of each pair exactly one
    succeeds, the other is refused (the id: usage error 2; the text: 1), as without concurrency."""
    same_text = write(tmp_path, "same.txt", labelled(3))
    argvs = [["add", write(tmp_path, f"s{i}.txt", labelled(i + 1)), "--doc-id", DOC, *ADD_FLAGS] for i in range(2)]
    argvs += [["add", same_text, "--doc-id", f"{DOC}_{i}", *ADD_FLAGS] for i in range(2)]
    results = [finish(p)[::2] for p in [run_subprocess(argv, corpus) for argv in argvs]]
    by_id, by_text = sorted(results[:2]), sorted(results[2:])
    assert by_id[0] == (0, "") and by_id[1][0] == 2 and f"'{DOC}' already exists" in by_id[1][1]
    assert by_text[0] == (0, "") and by_text[1][0] == 1
    assert f"is already in the corpus as '{DOC}_" in by_text[1][1]
    assert list(load_catalog()["doc_id"]).count(DOC) == 1 and check_corpus() == []


CASES = [(False, point) for point in KILL_POINTS if point != "backed-up"] + [(True, point) for point in KILL_POINTS]
METADATA = InterviewMetadata(doc_id=DOC, interviewee="Ada Lovelace", organization="Analytical Engines",
                             date="2025-03", language="en", format="print")


def _add_in_child(source, point, force):
    os.environ[KILL_ENV] = point
    add_interview(source, METADATA, force=force)


def killed_add(corpus, source, point, force, *, subprocess_cli):
    """Exit status of an add told to SIGKILL itself at ``point``: through the real CLI in a new
    process, or (faster: no imports to repeat) in a forked copy of this process."""
    if subprocess_cli:
        argv = ["add", source, "--doc-id", DOC, *ADD_FLAGS, *(["--force"] * force)]
        return finish(run_subprocess(argv, corpus, env={KILL_ENV: point}))[0]
    child = multiprocessing.get_context("fork").Process(target=_add_in_child, args=(source, point, force))
    child.start()
    child.join(60)
    return child.exitcode


@pytest.mark.parametrize("replace, point", CASES, ids=[f"{'replace' if r else 'new'}-{p}" for r, p in CASES])
def test_kill_during_add_then_repair(corpus, cli, tmp_path, replace, point):
    if replace:
        add_interview(write(tmp_path, "old.txt", labelled(0)), METADATA)
    before = snapshot(corpus)
    source = write(tmp_path, "new.txt", labelled(5))
    assert killed_add(corpus, source, point, replace, subprocess_cli=point in ("renamed", "committed")) == -9
    findings = check_corpus()
    assert findings and {f.kind for f in findings} <= {"interrupted", "leftover"}  # no missing file, no orphan
    assert cli("check")[0] == 1
    # an add meanwhile is refused until the repair
    status, _, err = cli("add", write(tmp_path, "other.txt", labelled(7)), "--doc-id", "2025-03_other", *ADD_FLAGS)
    assert status == 1 and "an earlier write to the corpus did not finish" in err
    done, remaining = repair()
    assert done and remaining == [] and check_corpus() == []
    if point == "committed":
        assert "6 thousand GPUs" in read_fulltext(corpus / "interviews" / f"{DOC}.txt")[1][0].text
        assert list(load_catalog()["doc_id"]).count(DOC) == 1
    else:
        assert snapshot(corpus) == before
    assert cli("check")[0] == 0
