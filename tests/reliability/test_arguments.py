"""Command-line arguments that cannot be right: exit status 2, a message naming the
argument (and the close matches for unknown names), nothing run, nothing written."""
import datetime
import errno

import pytest

from .conftest import ADD_FLAGS, LABELLED, SEED, snapshot, write

DOC = "2025-03_lovelace_args"


@pytest.mark.parametrize("argv, fragment", [
    (["terms", "--doc", SEED, "--top", "-5"], "argument --top: -5 is out of range: --top must be at least 0"),
    (["terms", "--doc", SEED, "--top", "ten"], "argument --top: 'ten' is not a whole number"),
    (["terms", "--doc", SEED, "--min-count", "0"], "argument --min-count: 0 is out of range"),
    (["terms", "--doc", SEED, "--min-count", "1.5"], "argument --min-count: '1.5' is not a whole number"),
    (["themes", "--doc", SEED, "--rates", "--n-boot", "0"], "argument --n-boot: 0 is out of range"),
    (["themes", "--doc", SEED, "--rates", "--n-boot", "-3"], "must be from 100 to 100000"),
    (["themes", "--doc", SEED, "--rates", "--boot-seed", "-1"], "argument --boot-seed: -1 is out of range"),
    (["topics", "--k", "1"], "a topic model needs at least 2 topics"),
    (["topics", "--k", "0"], "argument --k: 0 is out of range"),
    (["topics", "--top", "0"], "argument --top: 0 is out of range"),
    (["topics", "--k", "nan"], "argument --k: 'nan' is not a whole number"),
    (["add", "x.txt", "--doc-id", DOC, *ADD_FLAGS, "--max-bytes", "0"], "argument --max-bytes: 0 is out of range"),
    (["add", "x.txt", "--doc-id", DOC, *ADD_FLAGS, "--deadline", "-1"], "argument --deadline: -1 is out of range"),
    (["add", "x.txt", "--doc-id", DOC, *ADD_FLAGS, "--timeout", "inf"], "argument --timeout: 'inf' is not a whole"),
    (["add", "x.txt", "--doc-id", DOC, *ADD_FLAGS[:-2], "--format", "radio"], "argument --format: invalid choice"),
    (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
])
def test_numbers_and_choices_are_checked_by_argparse(corpus, cli, argv, fragment):
    before = snapshot(corpus)
    status, out, err = cli(*argv)
    assert status == 2 and out == "" and fragment in err and "usage:" in err
    assert snapshot(corpus) == before


@pytest.mark.parametrize("argv, fragment", [
    (["corpus", "--doc", "2024-04_pineau_latribun"], "unknown doc_id(s): 2024-04_pineau_latribun "
                                                     "(did you mean 2024-04_pineau_latribune?)"),
    (["corpus", "--doc", "zzz"], "unknown doc_id(s): zzz; known: 2019-04_schmidt_lexfridman008"),
    (["terms", "--doc", "pineau"], "unknown doc_id(s): pineau"),
    (["themes", "--doc", SEED, "--doc", "2019-04_schmidt_lexfridman08"], "did you mean 2019-04_schmidt_lexfridman008"),
    (["notebooks", "02_term_frequency"], "unknown notebook(s): '02_term_frequency' (did you mean 02_term_frequencies"),
    (["figures", "corpus_size"], "unknown figure(s): 'corpus_size' (did you mean corpus_sizes"),
])
def test_unknown_ids_and_names_list_close_matches(corpus, cli, argv, fragment):
    status, out, err = cli(*argv)
    assert status == 2 and out == "" and err.startswith("error: unknown ") and fragment in err
    assert err.count("\n") == 1


def _tomorrow():
    return (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("flags, fragment", [
    (["--date", "2999-01"], "--date: '2999-01' is in the future"),
    (["--date", _tomorrow()], "is in the future"),
    (["--date", "1949-12-31"], "--date: '1949-12-31' is before 1950"),
    (["--date", "٢٠٢٤-٠٤"], "in ASCII digits"),
    (["--date", "２０２４"], "in ASCII digits"),
    (["--date", "2024-02-30"], "'2024-02-30' is not a calendar date"),
    (["--date", "2024-00"], "'2024-00' is not a calendar date"),
    (["--date", "April 2024"], "must be written YYYY-MM-DD"),
    (["--date", "2024-04", "--date-precision", "day"], "does not match precision 'day'"),
    (["--language", "de"], "language 'de' is not supported"),
    (["--doc-id", "Bad Id"], "must be lower-case letters"),
    (["--doc-id", "a" * 300], "--doc-id: is 300 characters long; at most 120"),
    (["--interviewee", "  "], "missing: --interviewee"),
    (["--title", "two\nlines"], "--title: metadata must be one line"),
])
def test_bad_metadata_is_a_usage_error(corpus, cli, tmp_path, flags, fragment):
    fields = {"--doc-id": DOC, **dict(zip(ADD_FLAGS[::2], ADD_FLAGS[1::2]))}
    fields.update(dict(zip(flags[::2], flags[1::2])))
    argv = ["add", write(tmp_path, "ada.txt", LABELLED)] + [x for pair in fields.items() for x in pair]
    before = snapshot(corpus)
    status, out, err = cli(*argv)
    assert status == 2 and out == "" and fragment in err and err.count("\n") == 1
    assert snapshot(corpus) == before


def test_no_space_left_is_one_line_and_the_corpus_is_unchanged(corpus, cli, tmp_path, monkeypatch):
    """A full disk while the catalog is written: exit 1, one line, the add undone."""
    def full_disk(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("analysis.corpus.store.atomic_write_text", full_disk)
    before = snapshot(corpus)
    status, out, err = cli("add", write(tmp_path, "ada.txt", LABELLED), "--doc-id", DOC, *ADD_FLAGS)
    assert status == 1 and err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err
    assert snapshot(corpus) == before


def test_a_real_bug_still_shows_its_traceback(corpus, cli, monkeypatch):
    """Only expected failures become one line: an unexpected exception propagates."""
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("analysis.corpus.load.load_corpus", broken)
    with pytest.raises(ZeroDivisionError):
        cli("corpus")
