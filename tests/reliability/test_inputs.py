"""Bad and unusual source files given to ``python -m analysis add``: encodings, empty,
binary, huge, no turns, control characters, hostile HTML, things that are not files.

Each case states its outcome: accepted (and what is stored) or refused (exit status,
message fragment, corpus byte-identical)."""
import os

import pandas as pd
import pytest

from analysis.corpus.check import check_corpus
from analysis.corpus.fulltext import read_fulltext
from analysis.corpus.load import load_catalog, load_corpus

from .conftest import ADD_FLAGS, HTML, LABELLED, snapshot, write

DOC = "2025-03_lovelace_battery"
TEXT = "We train large models, and every experiment needs compute. We are always short of it."


def add(cli, source, *extra, doc_id=DOC):
    return cli("add", source, "--doc-id", doc_id, *ADD_FLAGS, *extra)


def stored_turns(corpus, doc_id=DOC):
    return read_fulltext(corpus / "interviews" / f"{doc_id}.txt")[1]


# --- encodings that must be read correctly ----------------------------------------------------

ACCENTED = LABELLED.replace("short of it", "short of it, déjà vu, naïve")
ACCENTED_TEXT = TEXT.replace("short of it", "short of it, déjà vu, naïve")


@pytest.mark.parametrize("name, data, encoding_note", [
    ("utf8-bom", b"\xef\xbb\xbf" + ACCENTED.encode(), None),
    ("utf16-le-bom", ACCENTED.encode("utf-16"), "decoded as utf-16-le"),
    ("utf16-be-bom", b"\xfe\xff" + ACCENTED.encode("utf-16-be"), "decoded as utf-16-be"),
    ("utf32-le-bom", b"\xff\xfe\x00\x00" + ACCENTED.encode("utf-32-le"), "decoded as utf-32-le"),
    ("crlf", ACCENTED.replace("\n", "\r\n").encode(), None),
    ("cr-only", ACCENTED.replace("\n", "\r").encode(), None),
    ("cp1252", ACCENTED.encode("cp1252"), "decoded as cp1252"),
    ("mixed-utf8-latin1", ACCENTED.replace("naïve", "NAIVE").encode().replace(b"NAIVE", "naïve".encode("latin-1")),
     "decoded as utf-8+cp1252"),
])
def test_encodings_are_decoded(corpus, cli, tmp_path, name, data, encoding_note):
    status, out, err = add(cli, write(tmp_path, f"{name}.txt", data))
    assert (status, err) == (0, "")
    turns = stored_turns(corpus)
    assert turns[1].text == ACCENTED_TEXT and turns[1].speaker == "Ada Lovelace"
    raw = (corpus / "interviews" / f"{DOC}.txt").read_bytes()
    assert b"\r" not in raw and b"\xef\xbb\xbf" not in raw
    notes = load_catalog().set_index("doc_id").loc[DOC, "notes"]
    assert (encoding_note in notes) if encoding_note else ("decoded as" not in notes)
    assert check_corpus() == []


def test_invalid_utf8_sequence_is_kept_readable(corpus, cli, tmp_path):
    """A lone continuation byte and a cut multi-byte sequence: read as Windows-1252, never lost."""
    data = LABELLED.encode().replace(b"short of it", b"short of it \x80 \xe2\x82")
    status, _, err = add(cli, write(tmp_path, "bad-utf8.txt", data))
    assert (status, err) == (0, "")
    assert "short of it € â‚" in stored_turns(corpus)[1].text


# --- refused: nothing written ------------------------------------------------------------------

@pytest.mark.parametrize("name, data, fragment", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b" \n\n\t \r\n", "the file is empty"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text: it looks like a PNG image"),
    ("paper.pdf", b"%PDF-1.7\n1 0 obj\n", "it looks like a PDF document"),
    ("doc.docx", b"PK\x03\x04\x14\x00\x06\x00", "it looks like a ZIP archive"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    ("program", b"\x7fELF\x02\x01\x01\x00", "an executable (ELF)"),
    ("noise.bin", bytes(range(256)) * 4, "binary data (it contains NUL bytes)"),
    ("controls.bin", b"\x01\x02\x03\x04\x05\x06 hello " * 20, "binary data (120 control bytes"),
    ("utf16-no-bom.txt", LABELLED.encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ("utf16-broken.txt", b"\xff\xfe" + b"\x00\xd8" + b"a\x00", "byte-order mark but byte"),
    ("notes.txt", b"Just some notes about chips. Nothing else here at all.", "no question detected"),
    ("only-host.txt", b"Interviewer: Why?\nInterviewer: And then?\n", "no interviewee among the speakers"),
    ("no-host.md", b"**Ada Lovelace:** Hello.\n\n**Grace Hopper:** Hi.\n", "no interviewer among the speakers"),
])
def test_bad_files_are_refused(corpus, cli, tmp_path, name, data, fragment):
    source = write(tmp_path, name, data)
    before = snapshot(corpus)
    status, out, err = add(cli, source)
    assert status == 1 and out == ""
    assert err.startswith(f"error: {source}") and fragment in err and err.count("\n") == 1
    assert snapshot(corpus) == before


def test_huge_file_over_the_cap(corpus, cli, tmp_path):
    source = write(tmp_path, "huge.txt", LABELLED.encode() * 2000)  # ~ 470 kB
    before = snapshot(corpus)
    status, _, err = add(cli, source, "--max-bytes", "100000")
    assert status == 1 and "larger than the 100,000-byte limit" in err
    assert snapshot(corpus) == before


def test_huge_file_under_the_default_cap_is_accepted(corpus, cli, tmp_path):
    """Two thousand turns (~ 0.3 MB): accepted, sizes in the catalog match the stored file."""
    lines = [f"Interviewer: Question {i} about chips?\nAda Lovelace: Answer {i}, compute and models.\n"
             for i in range(1000)]
    status, _, err = add(cli, write(tmp_path, "long.txt", "".join(lines)))
    assert (status, err) == (0, "")
    assert load_catalog().set_index("doc_id").loc[DOC, "n_turns"] == 2000 and check_corpus() == []


# --- not regular files ---------------------------------------------------------------------------

def test_named_pipe_is_refused_without_hanging(corpus, cli, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    status, _, err = add(cli, fifo)
    assert status == 1 and "is a named pipe (FIFO), not a regular file" in err


@pytest.mark.parametrize("source, fragment", [
    ("/dev/zero", "is a character device, not a regular file"),
    (".", "is a folder"),
    ("missing-file.txt", "file not found"),
    ("x" * 300 + ".txt", "File name too long"),
])
def test_other_non_files(corpus, cli, source, fragment):
    before = snapshot(corpus)
    status, out, err = add(cli, source)
    assert status == 1 and fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(corpus) == before


# --- control characters and hostile markup --------------------------------------------------------

def test_ansi_and_control_characters_are_stripped_at_ingestion(corpus, cli, tmp_path):
    hostile = LABELLED.replace("short of it", "short \x1b[31mof\x1b[0m it\x07\u202e\x1b]0;pwned\x07")
    status, _, err = add(cli, write(tmp_path, "ansi.txt", hostile))
    assert (status, err) == (0, "")
    raw = (corpus / "interviews" / f"{DOC}.txt").read_text("utf-8")
    assert not any(c in raw for c in "\x1b\x07\u202e") and stored_turns(corpus)[1].text == TEXT
    assert "21 control characters or escape-sequence characters removed" in load_catalog()["notes"].iloc[-1]


@pytest.mark.parametrize("flag", ["--interviewee", "--title", "--outlet"])
def test_control_characters_in_metadata_are_refused(corpus, cli, tmp_path, flag):
    args = ["add", write(tmp_path, "ada.txt", LABELLED), "--doc-id", DOC, *ADD_FLAGS, flag, "Ada\x1b[2J Lovelace"]
    before = snapshot(corpus)
    status, _, err = cli(*args)
    assert status == 2 and f"{flag}: contains control characters" in err
    assert "\x1b" not in err and "\\x1b[2J" in err  # escaped in the terminal
    assert snapshot(corpus) == before


def test_table_output_escapes_control_characters(corpus, cli):
    """A hand-edited catalog value with an escape sequence is shown escaped, not executed."""
    catalog = corpus / "catalog.csv"
    catalog.write_text(catalog.read_text("utf-8").replace("Joelle Pineau", "Joelle \x1b[31mPineau"), "utf-8")
    status, out, _ = cli("corpus", "--doc", "2024-04_pineau_latribune", "--format", "table")
    assert status == 0 and "\x1b" not in out and "Joelle \\x1b[31mPineau" in out


def test_error_messages_escape_control_characters(corpus, cli):
    status, _, err = add(cli, "missing-\x1b[31mred.txt")
    assert status == 1 and "\x1b" not in err and "missing-\\x1b[31mred.txt: file not found" in err


def test_hostile_html_file_scripts_do_not_reach_the_text(corpus, cli, tmp_path):
    status, _, err = add(cli, write(tmp_path, "page.html", HTML))
    assert (status, err) == (0, "")
    text = " ".join(t.text for t in stored_turns(corpus))
    assert "alert" not in text and "<script" not in text and "onerror" not in text
    assert [t.role for t in stored_turns(corpus)] == ["interviewer", "interviewee"] * 2


def test_markup_in_text_and_metadata_is_escaped_in_notebook_output(corpus, cli, tmp_path):
    """Notebooks show tables through pandas' HTML repr: markup in a value must come out escaped."""
    hostile = LABELLED.replace("short of it.", "short of it <script>alert(1)</script> <img src=x onerror=alert(2)>.")
    status, _, err = add(cli, write(tmp_path, "tags.txt", hostile), "--title", "<b onmouseover=alert(3)>Hi</b>")
    assert (status, err) == (0, "")
    turns = load_corpus()
    with pd.option_context("display.max_colwidth", None):
        html = turns.loc[turns["doc_id"] == DOC, ["speaker", "text", "title"]]._repr_html_()
    assert "<script>" not in html and "<img src" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b onmouseover=alert(3)&gt;" in html
