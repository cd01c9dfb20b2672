"""URLs given to ``python -m analysis add``, served by a local server (127.0.0.1, started
and stopped by the ``server`` fixture) that misbehaves on purpose: redirects, drips,
lies about its length, hangs up, speaks garbage."""
import pytest

from analysis.core.textio import InputError
from analysis.corpus.fulltext import read_fulltext
from analysis.corpus.load import load_catalog
from analysis.ingest.add import InterviewMetadata, add_interview

from .conftest import ADD_FLAGS, snapshot

DOC = "2025-03_lovelace_url"
META = InterviewMetadata(doc_id=DOC, interviewee="Ada Lovelace", organization="Analytical Engines",
                         date="2025-03", language="en", format="print")


@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/ok.txt", "gopher://127.0.0.1/x",
                                 "FILE:///etc/passwd", "javascript://alert(1)"])
def test_non_http_schemes_are_refused(corpus, cli, url):
    before = snapshot(corpus)
    status, out, err = cli("add", url, "--doc-id", DOC, *ADD_FLAGS)
    scheme = url.split(":")[0].lower()
    assert status == 1 and f"{url}: URL scheme '{scheme}' refused: only http and https" in err
    assert snapshot(corpus) == before


def test_redirect_within_http_is_followed_and_recorded(corpus, cli, server):
    status, _, err = cli("add", f"{server}/to-ok", "--doc-id", DOC, *ADD_FLAGS)
    assert (status, err) == (0, "")
    row = load_catalog().set_index("doc_id").loc[DOC]
    assert row["source_url"] == f"{server}/to-ok" and f"redirected to {server}/ok.txt" in row["notes"]


def test_five_redirects_are_followed(corpus, server):
    out = add_interview(f"{server}/hop/4", META)
    assert [t.role for t in read_fulltext(out)[1]] == ["interviewer", "interviewee"] * 2


@pytest.mark.parametrize("path, fragment", [
    ("/to-ftp", "redirect to ftp://127.0.0.1/ok.txt refused (http and https only)"),
    ("/to-file", "Redirection to url 'file:///etc/passwd' is not allowed"),  # urllib refuses it first
    ("/loop", "HTTP 302"),
    ("/hop/6", "HTTP 302"),   # more than MAX_REDIRECTS hops
    ("/drip", "download not finished within 1 s"),
    ("/drip-headers", "download not finished within 1 s"),
    ("/short", "incomplete download: 40 of the"),
    ("/bad-length", "invalid Content-Length 'lots'"),
    ("/declared-huge", "larger than the 5,000,000-byte limit"),
    ("/garbage", "the server's answer is broken (BadStatusLine"),
    ("/hang-up", "the server's answer is broken (RemoteDisconnected"),
    ("/chunked-cut", "the server's answer is broken (IncompleteRead"),
    ("/slow-headers", "no answer within 0.5 s"),
    ("/pdf", "content type application/pdf is not supported"),
    ("/error", "HTTP 500"),
    ("/missing", "HTTP 404"),
])
def test_misbehaving_servers_are_refused(corpus, server, path, fragment):
    before = snapshot(corpus)
    with pytest.raises(InputError) as error:
        add_interview(f"{server}{path}", META, timeout=0.5, deadline=1)
    message = str(error.value)
    assert message.startswith(f"{server}{path}: ") and fragment in message
    assert "<input>" not in message and message.count(f"{server}{path}") == 1
    assert snapshot(corpus) == before


def test_no_content_length_and_too_big_is_cut_at_the_cap(corpus, server):
    with pytest.raises(InputError, match="larger than the 10,000-byte limit"):
        add_interview(f"{server}/no-length-huge", META, max_bytes=10_000)


def test_url_errors_through_the_cli_are_one_line(corpus, cli, server):
    before = snapshot(corpus)
    status, out, err = cli("add", f"{server}/drip", "--doc-id", DOC, *ADD_FLAGS, "--deadline", "1", "--timeout", "1")
    assert status == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {server}/drip: download not finished within 1 s")
    assert snapshot(corpus) == before


def test_hostile_html_page_over_http(corpus, server):
    out = add_interview(f"{server}/page.html", META)
    text = " ".join(t.text for t in read_fulltext(out)[1])
    assert "alert" not in text and "<" not in text and "We train large models" in text


def test_deadline_also_bounds_a_silent_server(corpus, server):
    """The per-read timeout is longer than the deadline: the deadline still cuts the wait."""
    with pytest.raises(InputError, match=r"/slow-headers: download not finished within 1 s \(cut off while waiting"):
        add_interview(f"{server}/slow-headers", META, timeout=5, deadline=1)
