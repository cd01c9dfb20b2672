"""``extract SOURCE_DIR --out DIR`` on Dask: same features as the synchronous path on a real
two-process LocalCluster, failures reported per file, resumable; invented transcripts only."""
from pathlib import Path

import pytest
from dask.distributed import LocalCluster

from analysis.core.textio import InputError, read_text
from analysis.ingest.extract import doc_id_for, extract_folder, extract_task

LABELLED = ("# {who} on looms\n\nHost: Why do looms matter, {who}?\n{who}: Because punched cards carry patterns "
            "and patterns carry numbers.\nHost: And engines?\n{who}: Engines add the numbers the cards {verb}.\n")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for i, (who, verb) in enumerate([("Ada Byron", "hold"), ("Mary Somerville", "keep"), ("Charles Babbage", "store")]):
        (raw / f"{i:02d}_{who.split()[0].lower()}.txt").write_text(LABELLED.format(who=who, verb=verb), encoding="utf-8")
    (raw / "03_copy.txt").write_bytes((raw / "00_ada.txt").read_bytes())           # same bytes, new name
    (raw / "04_binary.txt").write_bytes(b"\x00\x01\x02 not text")                    # unreadable
    (raw / "05_empty.txt").write_text("   \n", encoding="utf-8")                      # nothing to place
    (raw / "06_intro_only.txt").write_text(                                          # no interview segment
        "Host: The following is a conversation with Ada. This show is brought to you by Acme. "
        "And now, dear friends, here's Ada.\nAda: Thank you for listening, and hope to see you next time.\n",
        encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def cluster():
    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    try:
        yield cluster
    finally:
        cluster.close()


def test_distributed_output_equals_the_synchronous_path_and_failures_are_reported(folder, cluster, tmp_path):
    out = tmp_path / "features"
    report = extract_folder(folder, out, scheduler=cluster.scheduler_address, progress=False)
    status = {r["file"]: (r["status"], r["message"]) for r in report}
    assert {f for f, (s, _) in status.items() if s == "ok"} == {"00_ada.txt", "01_mary.txt", "02_charles.txt"}
    assert "same content" in status["03_copy.txt"][1] and "00_ada" in status["03_copy.txt"][1]
    for name, why in (("04_binary.txt", "04_binary.txt"), ("05_empty.txt", "empty"),
                      ("06_intro_only.txt", "no interview segment")):
        assert status[name][0] == "failed" and why in status[name][1], status[name]
    for name in ("00_ada.txt", "01_mary.txt", "02_charles.txt"):
        expected = extract_task(str(folder / name))["features"]
        assert read_text(out / f"{doc_id_for(Path(name))}.jsonl") == expected
    assert sorted(p.name for p in out.glob("*.jsonl")) == ["00_ada.jsonl", "01_mary.jsonl", "02_charles.jsonl"]
    assert (out / "extract_report.csv").read_text(encoding="utf-8").count("\n") == 1 + 7

    # a re-run resumes: nothing is extracted again, the files stay as they were
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.jsonl")}
    again = extract_folder(folder, out, scheduler=cluster.scheduler_address, progress=False)
    assert {r["file"] for r in again if r["status"] == "skipped"} == {"00_ada.txt", "01_mary.txt", "02_charles.txt"}
    assert "already extracted as '00_ada'" in {r["file"]: r["message"] for r in again}["03_copy.txt"]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.jsonl")} == before


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        extract_folder(tmp_path / "nope", tmp_path / "out", progress=False)
