"""Tests for analysis.ingest.add (``python -m analysis add``).

Every interview here is invented for the test (no third-party text). URLs are served by a
real HTTP server on 127.0.0.1 that the test starts and stops.
"""
import hashlib
import inspect
import http.server
import threading
import time

import pytest

import analysis.ingest.add as analysis_add
from analysis.ingest.add import InterviewMetadata, add_interview, infer_precision
from analysis.ingest.build import rebuild_catalog
from analysis.ingest.importers import parse_transcript
from analysis.corpus.check import check_corpus
from analysis.cli import main
from analysis.corpus.load import load_catalog, load_corpus
from analysis.corpus.fulltext import read_fulltext
from analysis.core.textio import InputError, UsageError, atomic_write_text

LABELLED = """Talking chips with Ada Lovelace

Interviewer: Why does your lab need so many GPUs?
Ada Lovelace: We train large models, and every experiment needs compute.
We are always short of it.
Interviewer: Will you release the weights?
Ada Lovelace: Yes. We think open models make research safer.
"""

MARKDOWN = """# Ada Lovelace on open models

**Grace Host:** What changed this year?

**Ada Lovelace:** We doubled our *compute*, and we opened our smaller models.

**Grace Host:** Any regrets?

**Ada Lovelace:** None so far.
"""


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Talking chips with Ada Lovelace</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li>Subscribe: now</li></ul></nav>
<header><p>Menu: Politics Tech Culture</p></header>
<article>
<h1>Talking chips with Ada Lovelace</h1>
<p><strong>Interviewer:</strong> Why does your lab need so many GPUs?</p>
<p><strong>Ada Lovelace:</strong> We train large models, and every experiment needs compute. We are always short.</p>
<p><strong>Interviewer:</strong> Will you release the weights?</p>
<p><strong>Ada Lovelace:</strong> Yes. We think open models make research safer, and we will publish them.</p>
</article>
<footer><p>Copyright: 2025 The Example Review. All rights reserved.</p><p>Contact: info@example.org</p></footer>
</body></html>
"""

FIELDS = dict(doc_id="2025-03_lovelace_test", interviewee="Ada Lovelace", organization="Analytical Engines",
              date="2025-03", date_precision=None, language="en", format="print")


def meta(**change):
    return InterviewMetadata(**{**FIELDS, **change})


META = meta()


def snapshot(root):
    """Every file under the corpus folder with its bytes (to show nothing was written); the
    empty lock file that the first locked write creates is not corpus content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".corpus.lock"}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def roles(path):
    return [(t.role, t.speaker) for t in read_fulltext(path)[1]]


# --- inputs -----------------------------------------------------------------------------

def test_labelled_text(tmp_corpus, tmp_path):
    source = write(tmp_path, "ada.txt", LABELLED)
    out = add_interview(source, META)
    assert out == tmp_corpus / "interviews" / "2025-03_lovelace_test.txt"
    meta, turns = read_fulltext(out)
    assert [(t.role, t.speaker) for t in turns] == [("interviewer", "Interviewer"), ("interviewee", "Ada Lovelace")] * 2
    assert turns[1].text == "We train large models, and every experiment needs compute. We are always short of it."
    assert meta["date_precision"] == "month" and meta["speaker_labels"] == "yes" and meta["turn_unit"] == "turn"
    assert meta["text_availability"] == "full" and meta["source_file"] == str(source.resolve())
    assert meta["source_sha256"] == hashlib.sha256(LABELLED.encode()).hexdigest()
    catalog = load_catalog()
    assert catalog["doc_id"].tolist() == ["2025-03_lovelace_test"] and catalog["n_turns"].tolist() == [4]


def test_markdown_bold_labels_and_host(tmp_corpus, tmp_path):
    source = write(tmp_path, "ada.md", MARKDOWN)
    out = add_interview(source, META, hosts=["Grace Host"])
    assert roles(out) == [("interviewer", "Grace Host"), ("interviewee", "Ada Lovelace")] * 2
    assert read_fulltext(out)[1][1].text == "We doubled our *compute*, and we opened our smaller models."


def test_labelled_without_an_interviewer_is_refused(tmp_corpus, tmp_path):
    source = write(tmp_path, "ada.md", MARKDOWN)
    before = snapshot(tmp_corpus)
    with pytest.raises(InputError, match=r"ada\.md: no interviewer among the speakers .*--host"):
        add_interview(source, META)
    with pytest.raises(InputError, match="--host 'Grace' is not a speaker"):
        add_interview(source, META, hosts=["Grace"])
    assert snapshot(tmp_corpus) == before


def test_print_interview(tmp_corpus, print_interview):
    out = add_interview(print_interview, meta(outlet="The Example Gazette"))
    header, turns = read_fulltext(out)
    assert [(t.role, t.speaker) for t in turns] == [("interviewer", "Interviewer (The Example Gazette)"),
                                                    ("interviewee", "Ada Lovelace")] * 2
    assert header["speaker_labels"] == "inferred" and header["truncated"] == "no"
    assert header["title"] == "« Compute is the new oil »" and header["interviewee_role"] == "chief scientist"
    assert "Newspapers" not in " ".join(t.text for t in turns)


def test_html_file_boilerplate_is_not_turns(tmp_corpus, tmp_path):
    out = add_interview(write(tmp_path, "page.html", HTML), META)
    meta, turns = read_fulltext(out)
    assert [t.role for t in turns] == ["interviewer", "interviewee"] * 2
    text = " ".join(t.text for t in turns)
    for furniture in ("Home", "Subscribe", "Menu", "Copyright", "Contact", "Talking chips"):
        assert furniture not in text
    assert meta["title"] == "Talking chips with Ada Lovelace" and "trafilatura" in meta["notes"]


def test_infer_precision():
    assert [infer_precision(d) for d in ("2024-04-18", "2024-04", "2024")] == ["day", "month", "year"]
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        infer_precision("April 2024")


# --- bad inputs: clear errors, nothing written -------------------------------------------

@pytest.mark.parametrize("change, message", [
    (dict(interviewee="", organization=None), "metadata: missing: --interviewee, --organization"),
    (dict(date="18/04/2024"), "must be written YYYY-MM-DD"),
    (dict(date="2024-13"), "not a calendar date"),
    (dict(date="2024-02-30"), "not a calendar date"),
    (dict(date="2024-04", date_precision="day"), "does not match precision 'day'"),
    (dict(language="de"), "language 'de' is not supported"),
    (dict(format="radio"), "--format: 'radio' is not one of"),
    (dict(doc_id="Bad Id"), "must be lower-case letters"),
    (dict(title="two\nlines"), "--title: metadata must be one line"),
])
def test_bad_metadata(change, message):
    """Metadata is checked once, when it is made, before any source is read: a usage error."""
    with pytest.raises(UsageError, match=message):
        meta(**change)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"Just some notes about chips. Nothing else here at all.", "no question detected"),
])
def test_unparseable_input(tmp_corpus, tmp_path, content, message):
    source = write(tmp_path, "bad.txt", content)
    before = snapshot(tmp_corpus)
    with pytest.raises(InputError, match=message) as error:
        add_interview(source, META)
    assert str(error.value).startswith(str(source)) and "(" in str(error.value)  # a hint follows
    assert snapshot(tmp_corpus) == before


def test_missing_file_and_size_cap_for_files(tmp_corpus, tmp_path):
    with pytest.raises(InputError, match="nope.txt: file not found"):
        add_interview(tmp_path / "nope.txt", META)
    with pytest.raises(InputError, match="larger than the 100-byte limit"):
        add_interview(write(tmp_path, "ada.txt", LABELLED), META, max_bytes=100)
    assert not (tmp_corpus / "interviews").exists()


def test_duplicate_id_needs_force(tmp_corpus, tmp_path):
    add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    before = snapshot(tmp_corpus)
    source = write(tmp_path, "ada.md", MARKDOWN)
    with pytest.raises(InputError, match="'2025-03_lovelace_test' already exists.*--force"):
        add_interview(source, META, hosts=["Grace Host"])
    assert snapshot(tmp_corpus) == before
    out = add_interview(source, META, hosts=["Grace Host"], force=True)
    assert roles(out)[0] == ("interviewer", "Grace Host")
    assert load_catalog()["source_file"].tolist() == [str(source.resolve())]


def test_features_document_id_is_never_replaced(tmp_corpus, tmp_path):
    write(tmp_corpus, "features/2025-03_lovelace_test.jsonl", "{}\n")
    with pytest.raises(InputError, match="features-only document"):
        add_interview(write(tmp_path, "ada.txt", LABELLED), META, force=True)


def test_add_is_incremental(tmp_corpus, tmp_path):
    """An unrelated broken file is neither read nor rewritten by an add (check reports it)."""
    write(tmp_corpus, "interviews/zz_broken.txt", "this is not a curated file\n")
    add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    assert load_catalog()["doc_id"].tolist() == ["2025-03_lovelace_test"]
    assert [(f.kind, f.path.endswith("zz_broken.txt")) for f in check_corpus()] == [("orphan", True)]


def test_catalog_failure_removes_the_new_file(tmp_corpus, tmp_path, monkeypatch):
    before = snapshot(tmp_corpus)

    def fail(path, text):
        raise OSError("disk full")

    monkeypatch.setattr("analysis.corpus.store.atomic_write_text", fail)
    with pytest.raises(OSError, match="disk full"):
        add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    assert snapshot(tmp_corpus) == before


def test_catalog_failure_restores_the_replaced_file(tmp_corpus, tmp_path, monkeypatch):
    add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    before = snapshot(tmp_corpus)

    def fail(path, text):
        if path.name == "catalog.csv":
            raise OSError("disk full")
        return atomic_write_text(path, text)

    monkeypatch.setattr("analysis.corpus.store.atomic_write_text", fail)
    with pytest.raises(OSError, match="disk full"):
        add_interview(write(tmp_path, "ada.md", MARKDOWN), META, hosts=["Grace Host"], force=True)
    assert snapshot(tmp_corpus) == before


# --- URLs ---------------------------------------------------------------------------------

class Handler(http.server.BaseHTTPRequestHandler):
    ROUTES = {"/page.html": ("text/html; charset=utf-8", HTML.encode()),
              "/ada.txt": ("text/plain; charset=utf-8", LABELLED.encode()),
              "/latin1.txt": ("text/plain; charset=iso-8859-1",
                            LABELLED.replace("Ada", "Adà").replace("of it.", "of it, déjà.").encode("latin-1")),
              "/paper.pdf": ("application/pdf", b"%PDF-1.4 not really"),
              "/declared-big": ("text/plain", b"Interviewer: Why?\n" * 200)}

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(1.0)
        if self.path == "/big":  # no Content-Length: the size cap must stop the read itself
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"Interviewer: Why?\n" * 200)
            return
        if self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/ada.txt")  # urllib itself refuses file://
            self.end_headers()
            return
        if self.path not in self.ROUTES:
            self.send_error(404, "Not Found")
            return
        ctype, body = self.ROUTES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_url_html(tmp_corpus, server):
    out = add_interview(f"{server}/page.html", META)
    meta, turns = read_fulltext(out)
    assert [t.role for t in turns] == ["interviewer", "interviewee"] * 2
    assert meta["source_file"] == meta["source_url"] == f"{server}/page.html"
    assert meta["source_sha256"] == hashlib.sha256(HTML.encode()).hexdigest()
    assert "Subscribe" not in " ".join(t.text for t in turns)


def test_url_text_and_charset(tmp_corpus, server):
    assert roles(add_interview(f"{server}/ada.txt", META))[1] == ("interviewee", "Ada Lovelace")
    out = add_interview(f"{server}/latin1.txt", meta(doc_id="latin1"))
    assert roles(out)[1] == ("interviewee", "Adà Lovelace") and "déjà" in read_fulltext(out)[1][1].text


@pytest.mark.parametrize("path, options, message", [
    ("/big", dict(max_bytes=1000), "larger than the 1,000-byte limit"),
    ("/declared-big", dict(max_bytes=1000), "larger than the 1,000-byte limit"),
    ("/slow", dict(timeout=0.2), r"no answer within 0\.2 s"),
    ("/missing", {}, "HTTP 404 Not Found"),
    ("/paper.pdf", {}, "content type application/pdf is not supported"),
    ("/to-ftp", {}, "redirect to ftp://127.0.0.1/ada.txt refused"),
])
def test_url_errors(tmp_corpus, server, path, options, message):
    before = snapshot(tmp_corpus)
    with pytest.raises(InputError, match=message) as error:
        add_interview(f"{server}{path}", META, **options)
    assert f"{server}{path}" in str(error.value)  # the URL as typed, not folded by Path
    assert snapshot(tmp_corpus) == before


@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/ada.txt"])
def test_non_http_scheme_refused(tmp_corpus, url):
    with pytest.raises(InputError, match=f"{url}: URL scheme .* refused: only http and https"):
        add_interview(url, META)
    assert not (tmp_corpus / "interviews").exists()


# --- command line -------------------------------------------------------------------------

def test_cli_end_to_end(tmp_corpus, tmp_path, capsys):
    source = write(tmp_path, "ada.md", MARKDOWN)
    argv = ["add", str(source), "--doc-id", "2025-03-02_lovelace_cli", "--interviewee", "Ada Lovelace",
            "--organization", "Analytical Engines", "--date", "2025-03-02", "--language", "en",
            "--format", "podcast", "--host", "Grace Host", "--outlet", "Example Podcast"]
    assert main(argv) == 0
    assert "2 interviewee, 2 interviewer" in capsys.readouterr().out
    turns = load_corpus()
    doc = turns[turns["doc_id"] == "2025-03-02_lovelace_cli"]
    assert doc["role"].tolist() == ["interviewer", "interviewee"] * 2
    assert doc["speaker"].tolist()[:2] == ["Grace Host", "Ada Lovelace"]
    assert set(doc["date_precision"]) == {"day"} and set(doc["format"]) == {"podcast"}
    assert main(argv) == 2  # the same id again, without --force: a usage error
    assert "already exists" in capsys.readouterr().err


# --- guests, duplicates, incremental catalog ----------------------------------------------

PANEL = """Grace Host: Welcome both. Ada, why so many GPUs?
Ada Lovelace: Every experiment needs compute.
Charles Babbage: And I built the engine she programs.
Grace Host: Will you open the weights?
Ada Lovelace: Yes, the smaller models.
"""


def test_guest_flags_make_other_speakers_other(tmp_corpus, tmp_path):
    out = add_interview(write(tmp_path, "panel.txt", PANEL), META, hosts=["Grace Host"], guests=["Ada Lovelace"])
    assert roles(out) == [("interviewer", "Grace Host"), ("interviewee", "Ada Lovelace"),
                          ("other", "Charles Babbage"), ("interviewer", "Grace Host"), ("interviewee", "Ada Lovelace")]


def test_without_guests_every_non_host_is_an_interviewee(tmp_corpus, tmp_path):
    out = add_interview(write(tmp_path, "panel.txt", PANEL), META, hosts=["Grace Host"])
    assert roles(out)[2] == ("interviewee", "Charles Babbage")


@pytest.mark.parametrize("guests, hosts, message", [
    (["Ada"], ["Grace Host"], "--guest 'Ada' is not a speaker"),
    (["Grace Host"], ["Grace Host"], "'grace host' is given as both --host and --guest"),
])
def test_bad_guest_flags(tmp_corpus, tmp_path, guests, hosts, message):
    with pytest.raises(InputError, match=message):
        add_interview(write(tmp_path, "panel.txt", PANEL), META, hosts=hosts, guests=guests)
    assert not (tmp_corpus / "catalog.csv").exists()


def test_guest_with_a_print_interview_is_refused(tmp_corpus, print_interview):
    with pytest.raises(InputError, match="--guest applies to transcripts with speaker labels, not to the 'print'"):
        add_interview(print_interview, META, guests=["Ada Lovelace"])


@pytest.mark.skipif("guests" not in inspect.signature(parse_transcript).parameters,
    reason="parse_transcript has no guests= parameter yet (issue 12 adds it on branch issue-12); "
           "add.py passes guests= through as soon as it exists")
def test_guests_are_passed_to_the_importer(tmp_corpus, tmp_path, monkeypatch):
    seen = {}
    real = analysis_add.parse_transcript

    def spy(text, **options):
        seen.update(options)
        return real(text, **options)

    monkeypatch.setattr(analysis_add, "parse_transcript", spy)
    add_interview(write(tmp_path, "panel.txt", PANEL), META, hosts=["Grace Host"], guests=["Ada Lovelace"])
    assert seen["guests"] == ("Ada Lovelace",)


def test_cli_guest_flag(tmp_corpus, tmp_path, capsys):
    argv = ["add", str(write(tmp_path, "panel.txt", PANEL)), "--doc-id", "2025-03_panel", "--interviewee",
            "Ada Lovelace", "--organization", "Analytical Engines", "--date", "2025-03", "--language", "en",
            "--format", "podcast", "--host", "Grace Host", "--guest", "Ada Lovelace", "--role", "chief scientist"]
    assert main(argv) == 0
    assert "1 other" in capsys.readouterr().out
    assert load_catalog()["interviewee_role"].tolist() == ["chief scientist"]  # --role stays the job title


@pytest.mark.parametrize("variant", [
    lambda text: text,
    lambda text: text.upper(),
    lambda text: text.replace(".", " ;").replace(",", "").replace(" ", "   "),
])
def test_same_content_under_another_id_is_refused_even_with_force(tmp_corpus, tmp_path, variant):
    add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    before = snapshot(tmp_corpus)
    copy = write(tmp_path, "copy.txt", variant(LABELLED).replace("INTERVIEWER", "Interviewer")
                 .replace("ADA LOVELACE", "Ada Lovelace"))
    with pytest.raises(InputError, match="already in the corpus as '2025-03_lovelace_test'"):
        add_interview(copy, meta(doc_id="2025-03_copy"), force=True)
    assert snapshot(tmp_corpus) == before


def test_add_reads_and_rewrites_no_other_document(tmp_corpus, tmp_path, monkeypatch):
    """The catalog row is added incrementally: features files are never opened, other
    documents never rewritten, and the catalog equals a full rebuild."""
    add_interview(write(tmp_path, "ada.txt", LABELLED), META)
    first = tmp_corpus / "interviews" / "2025-03_lovelace_test.txt"
    stamp = first.stat().st_mtime_ns

    def forbidden(*args, **kwargs):
        raise AssertionError("an add must not read features documents")

    monkeypatch.setattr("analysis.corpus.load.read_features", forbidden)
    add_interview(write(tmp_path, "ada.md", MARKDOWN), meta(doc_id="2025-03_second"), hosts=["Grace Host"])
    assert first.stat().st_mtime_ns == stamp
    incremental = (tmp_corpus / "catalog.csv").read_bytes()
    monkeypatch.undo()
    rebuild_catalog(tmp_corpus)
    assert (tmp_corpus / "catalog.csv").read_bytes() == incremental
