"""A damaged corpus folder: truncated documents, catalogs missing columns or with typos,
features lines missing keys, orphans, leftovers. Loading and ``check`` say which file,
line and field; ``check --repair`` removes only leftovers of interrupted writes."""
import json

import pytest

from analysis.core.textio import InputError
from analysis.corpus.catalog import COLUMNS
from analysis.corpus.check import check_corpus
from analysis.corpus.load import load_catalog, load_corpus

from .conftest import ADD_FLAGS, FEATURES, LABELLED, SEED, snapshot, write

FEATURE = FEATURES[0]


def edit_lines(path, change):
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join(change(lines)), "utf-8")


def features_path(corpus, doc=FEATURE):
    return corpus / "features" / f"{doc}.jsonl"


def drop_key(key, line_index=3):
    def change(lines):
        record = json.loads(lines[line_index - 1])
        del record[key]
        lines[line_index - 1] = json.dumps(record)
        return lines
    return change


# --- documents damaged: loading refuses, naming file (and line) --------------------------------

@pytest.mark.parametrize("damage, target, fragment", [
    # the fragments name the document's own size: "{turns_left}" turns after a cut, the "{last_line}" cut
    (lambda lines: lines[:-2] + [""], "features", "has {turns_left} turns and"),         # cut at a line boundary
    (lambda lines: lines[:-2] + [lines[-2][:40]], "features", "line {last_line}: turn record is not JSON"),  # mid-line
    (drop_key("counts"), "features", "line 3: turn record lacks counts"),
    (drop_key("segment"), "features", "line 3: turn record lacks segment"),
    (drop_key("n_tokens", 5), "features", "line 5: turn record lacks n_tokens"),
    (lambda lines: lines[:3] + [lines[3].replace('"n_tokens":', '"n_tokens":"many","x":')] + lines[4:], "features",
     "line 4: turn record lacks a counts object or whole n_tokens"),
    (lambda lines: ["[1, 2]"] + lines[1:], "features", "line 1: header is not a JSON object"),
    (lambda lines: [json.dumps({**json.loads(lines[0]), "metadata": None})] + lines[1:], "features",
     "line 1: header lacks its metadata object"),
    (lambda lines: lines[:lines.index("## 12 | interviewer | Interviewer (La Tribune)")], "seed", "has 11 turns and"),
    (lambda lines: [line.replace("GPU", "GPU GPU") for line in lines], "seed", "tokens but the catalog says"),
])
def test_damaged_documents_are_errors_naming_the_file(corpus, cli, damage, target, fragment):
    path = features_path(corpus) if target == "features" else corpus / "interviews" / f"{SEED}.txt"
    if target == "features":  # the catalog's turn count less the one cut; the last line's number
        n_turns = int(load_catalog().set_index("doc_id").loc[FEATURE, "n_turns"])
        fragment = fragment.format(turns_left=n_turns - 1, last_line=len(path.read_text("utf-8").split("\n")) - 1)
    edit_lines(path, damage)
    with pytest.raises(InputError) as error:
        load_corpus()
    assert str(error.value).startswith(f"{path}") and fragment in str(error.value)
    status, out, err = cli("corpus")
    assert status == 1 and out == "" and err.count("\n") == 1 and fragment in err
    findings = check_corpus()
    assert [f.path for f in findings] == [str(path)] and findings[0].kind in ("size", "unreadable")
    assert cli("check")[0] == 1


# --- catalogs damaged -------------------------------------------------------------------------

def header_change(old, new):
    return lambda lines: [lines[0].replace(old, new)] + lines[1:]


@pytest.mark.parametrize("damage, fragment", [
    (header_change(",n_turns", ""), "line 1: missing column(s): n_turns"),
    (header_change("n_tokens", "n_tokns"), "line 1: unknown column(s) in the header: 'n_tokns' "
                                           "(did you mean 'n_tokens'?)"),
    (header_change("doc_id", "docid"), "'docid' (did you mean 'doc_id'?)"),
    (header_change("licence", "doc_id"), "line 1: column(s) doc_id appear twice"),
    (lambda lines: lines[:2] + [lines[2] + ",extra"] + lines[3:],
     f"line 3: {len(COLUMNS) + 1} fields where the header has {len(COLUMNS)}"),
    (lambda lines: lines[:-2] + [lines[-2][:30], ""], "line 4: "),
    (lambda lines: lines[:2] + [lines[1]] + lines[2:], "line 3: doc_id '2019-04_schmidt_lexfridman008' already on line 2"),
    (lambda lines: [lines[0], lines[1].replace(",5321,", ",lots,")] + lines[2:], "line 2: n_tokens 'lots' is not a whole"),
    (lambda lines: [""], "empty catalog (no header line)"),
    (lambda lines: [lines[0], lines[1].replace("2019-04_schmidt_lexfridman008", "../../../etc/passwd", 1)] + lines[2:],
     "line 2: doc_id '../../../etc/passwd' must be lower-case letters"),
    (lambda lines: [lines[0], lines[1].replace(",features,", ",feature,")] + lines[2:],
     "line 2: text_availability 'feature' is not one of full, features"),
])
def test_damaged_catalog_is_an_error_naming_file_line_field(corpus, cli, tmp_path, damage, fragment):
    catalog = corpus / "catalog.csv"
    edit_lines(catalog, damage)
    with pytest.raises(InputError) as error:
        load_catalog()
    assert str(error.value).startswith(f"{catalog}, line") or "empty catalog" in str(error.value)
    assert fragment in str(error.value)
    before = snapshot(corpus)  # an add is refused too, naming the catalog, and writes nothing
    status, _, err = cli("add", write(tmp_path, "ada.txt", LABELLED), "--doc-id", "2025-03_x", *ADD_FLAGS)
    assert status == 1 and str(catalog) in err and fragment in err and err.count("\n") == 1
    assert snapshot(corpus) == before
    assert [f.kind for f in check_corpus()] == ["catalog"]


def test_catalog_saved_with_a_bom_and_crlf_is_read(corpus, cli):
    """A spreadsheet's UTF-8 byte-order mark and Windows line endings are not damage."""
    catalog = corpus / "catalog.csv"
    catalog.write_bytes(b"\xef\xbb\xbf" + catalog.read_bytes().replace(b"\n", b"\r\n"))
    assert load_catalog()["doc_id"].tolist() == [FEATURE, FEATURES[1], SEED]
    assert check_corpus() == []


def test_missing_catalog(corpus, cli):
    (corpus / "catalog.csv").unlink()
    status, _, err = cli("corpus")
    assert status == 1 and "catalog.csv: no catalog (run `make run` or `python -m analysis build` first)" in err


def test_catalog_row_pointing_at_a_missing_file(corpus, cli):
    features_path(corpus).unlink()
    status, _, err = cli("corpus")
    assert status == 1 and f"{FEATURE}.jsonl: listed in the catalog but missing" in err
    assert [(f.kind, f.path) for f in check_corpus()] == [("missing", str(features_path(corpus)))]


def test_edited_metadata_is_found_by_check(corpus, cli):
    path = features_path(corpus)
    edit_lines(path, lambda lines: [lines[0].replace('"Eric Schmidt"', '"E. Schmidt"')] + lines[1:])
    findings = check_corpus()
    assert [(f.kind, f.message) for f in findings] == [("metadata", "header differs from its catalog row in: "
                                                                    "interviewee")]


# --- check and repair --------------------------------------------------------------------------

def test_check_passes_on_a_clean_copy(corpus, cli):
    status, out, err = cli("check")
    assert (status, err) == (0, "") and out.startswith("corpus consistent")


@pytest.mark.parametrize("name", ["interviews/.x.txt.abc123.tmp", ".catalog.csv.q1w2.tmp", "features/.y.jsonl.zz.tmp",
                                  "interviews/.z.txt.staged", "interviews/.z.txt.backup"])
def test_repair_removes_leftovers_and_nothing_else(corpus, cli, name):
    before = snapshot(corpus)
    write(corpus, name, "half-written")
    status, _, err = cli("check")
    assert status == 1 and f"{corpus / name}: temporary file of an interrupted write [leftover]" in err
    status, out, err = cli("check", "--repair")
    assert status == 0 and f"repaired: removed temporary file {name}" in out and err == ""
    assert snapshot(corpus) == before


def test_repair_leaves_orphans_and_damage_to_a_person(corpus, cli):
    """An orphan document is not a leftover of an interrupted write: reported, never deleted."""
    write(corpus, "interviews/2030_orphan.txt", "doc_id: 2030_orphan\n---\n")
    edit_lines(features_path(corpus), lambda lines: lines[:-2] + [""])
    before = snapshot(corpus)
    status, out, err = cli("check", "--repair")
    assert status == 1 and "repaired:" not in out and "[orphan]" in err and "[size]" in err
    assert snapshot(corpus) == before
