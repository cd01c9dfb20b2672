"""Archive hygiene (normalized-content hash, MinHash near duplicates, the intro's guest) and
dating episodes from their numbering; invented texts only."""
import csv

import pytest

from analysis.ingest.dating import Anchor, date_from_numbering
from analysis.ingest.dedupe import (audit_archive, content_hash, duplicate_groups, expected_guest, guest_match,
                                    intro_guest, near_duplicate_pairs)
from analysis.ingest.selection import read_candidates

WORDS = ("looms weave patterns from punched cards while engines add columns of numbers and the clerk "
         "writes every result into a ledger that nobody reads until the harvest ends in autumn").split()


def text_of(seed, n=400):
    return " ".join(WORDS[(i * seed + i // 7) % len(WORDS)] for i in range(n))


def test_content_hash_ignores_whitespace_and_case_only():
    a = "The following is\r\na conversation  with Ada."
    assert content_hash(a) == content_hash("the following is a conversation with ada.")
    assert content_hash(a) != content_hash("The following is a conversation with Ada!")


def test_duplicate_groups():
    assert duplicate_groups({"a": "1", "b": "2", "c": "1"}) == [["a", "c"]]


def test_near_duplicates_found_and_distinct_texts_not():
    base = text_of(3)
    edited = base.replace("ledger", "book", 1)
    pairs = near_duplicate_pairs({"x": base, "y": edited, "z": text_of(5)})
    assert [(a, b) for a, b, _ in pairs] == [("x", "y")] and pairs[0][2] > 0.8


def test_guest_check_tolerates_misspelling_and_flags_another_guest():
    intro = intro_guest("cold open the following is a conversation with ada lovelase a mathematician")
    assert intro == "ada lovelase a mathematician"
    assert guest_match(expected_guest("Ada Lovelace - Engines"), intro) > 0.8
    assert guest_match(expected_guest("Charles Babbage Difference Engines"), intro) < 0.45
    assert intro_guest("no intro here") is None and guest_match("Ada", None) is None


def test_audit_archive_reports_renamed_copies(tmp_path):
    (tmp_path / "transcripts").mkdir()
    ada = "the following is a conversation with ada lovelace " + text_of(3)
    files = {"001 - Ada Lovelace.txt": ada, "002 - Charles Babbage.txt": ada.replace(" ", "  "),
             "003 - Mary Somerville.txt": "the following is a conversation with mary somerville " + text_of(5)}
    for name, text in files.items():
        (tmp_path / "transcripts" / name).write_text(text, encoding="utf-8")
    with open(tmp_path / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title"])
        writer.writerows([[name, name[6:-4]] for name in files])
    found = audit_archive(tmp_path)
    assert found["byte_identical"] == []
    assert found["whitespace_only"] == [["001 - Ada Lovelace.txt", "002 - Charles Babbage.txt"]]
    assert found["mislabelled"] == [{"file": "002 - Charles Babbage.txt", "content_of": "001 - Ada Lovelace.txt"}]
    assert [g["file"] for g in found["guest_mismatch"]] == ["002 - Charles Babbage.txt"]


ANCHORS = [Anchor(10, "2019-04", "approx"), Anchor(30, "2019-10-01", "page"), Anchor(50, "2020-06-01", "page")]


def test_dating_between_anchors_in_one_year_and_across_a_year():
    date, precision, evidence = date_from_numbering(20, ANCHORS)
    assert (date, precision) == ("2019", "year") and "both anchors fall in 2019" in evidence
    date, _, evidence = date_from_numbering(40, ANCHORS)
    assert date == "2020" and "interpolation in days gives 2020-01-31" in evidence and "estimate" in evidence
    assert date_from_numbering(30, ANCHORS)[:2] == ("2019-10-01", "day")
    assert date_from_numbering(60, ANCHORS)[0] == "2020"
    with pytest.raises(ValueError):
        date_from_numbering(1, [])


def test_candidates_have_decisions_reasons_and_ids():
    rows = read_candidates()
    assert all(r["reason"].strip() for r in rows)
    included = [r for r in rows if r["decision"] in ("include", "kept")]
    assert all(r["doc_id"] for r in included) and len({r["doc_id"] for r in included}) == len(included)
    assert sum(r["candidate_id"].startswith("lex-") for r in rows) >= 45
