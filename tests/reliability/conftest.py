"""Fixtures of the reliability battery: a small copy of the real corpus, the CLI run in
process or as a subprocess, a local HTTP server with misbehaving routes, snapshots.

Every test works on a temporary copy (``ANALYSIS_CORPUS_DIR``); the real ``corpus/`` is
never written. Every interview text here is invented for the tests.
"""
import csv
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from analysis.cli import main
from analysis.core.paths import PROJECT_ROOT

SEED = "2024-04_pineau_latribune"
FEATURES = ("2019-04_schmidt_lexfridman008", "2024-03-17_altman_lexfridman419")
LABELLED = """Talking chips with Ada Lovelace

Interviewer: Why does your lab need so many GPUs?
Ada Lovelace: We train large models, and every experiment needs compute.
We are always short of it.
Interviewer: Will you release the weights?
Ada Lovelace: Yes. We think open models make research safer.
"""
ADD_FLAGS = ["--interviewee", "Ada Lovelace", "--organization", "Analytical Engines", "--date", "2025-03",
             "--language", "en", "--format", "print"]


def labelled(n: int = 0) -> str:
    """A distinct invented transcript (the n-th variant), so adds are not duplicates."""
    return LABELLED if n == 0 else LABELLED.replace("so many GPUs", f"{n + 1} thousand GPUs").replace(
        "safer.", f"safer, in {n + 1} ways.")


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory):
    """The real corpus cut down to the seed and two features documents (configuration files kept)."""
    root = tmp_path_factory.mktemp("template") / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", root,
                    ignore=lambda folder, names: [n for n in names if n.startswith(".")
                                                  or (n.endswith(".jsonl") and n[:-6] not in FEATURES)])
    with open(root / "catalog.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [rows[0]] + [row for row in rows[1:] if row[0] in (SEED, *FEATURES)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept)
    (root / "catalog.csv").write_text(out.getvalue(), encoding="utf-8")
    assert len(kept) == 4
    return root


@pytest.fixture
def corpus(corpus_template, tmp_path, monkeypatch):
    """A fresh copy of the small corpus, made current through ANALYSIS_CORPUS_DIR."""
    root = tmp_path / "corpus"
    shutil.copytree(corpus_template, root)
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(root))
    return root


def snapshot(root):
    """Every file under the corpus folder with its bytes; the empty lock file the first
    locked write creates is not corpus content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".corpus.lock"}


@pytest.fixture
def cli(capsys):
    """Run ``python -m analysis`` in this process: ``(exit status, stdout, stderr)``."""
    def run(*argv):
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run


def run_subprocess(args, root, env=None, **options):
    """``python -m analysis ARGS`` in a new process on the corpus at ``root``."""
    full_env = {**os.environ, "ANALYSIS_CORPUS_DIR": str(root), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "analysis", *map(str, args)], env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def write(folder, name, content):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --- a local server that misbehaves on purpose ---------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Talking chips</title>
<script>document.write('<img src=x onerror=alert(1)>')</script></head>
<body><nav><a href="/">Home</a></nav>
<article><h1>Talking chips</h1>
<p><strong>Interviewer:</strong> Why does your lab need so many GPUs?<script>alert('xss')</script></p>
<p><strong>Ada Lovelace:</strong> We train large models, and every experiment needs compute. We are short.</p>
<p><strong>Interviewer:</strong> Will you release the weights?</p>
<p><strong>Ada Lovelace:</strong> Yes. We think open models make research safer, and we will publish them.</p>
</article><iframe src="javascript:alert(2)"></iframe></body></html>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, body: bytes, ctype="text/plain; charset=utf-8", length=None, status=200, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)) if length is None else length)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _redirect(self, location, status=302):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def do_GET(self):  # noqa: C901 - one branch per misbehaviour, on purpose
        path = self.path
        body = LABELLED.encode()
        if path == "/ok.txt":
            self._send(body)
        elif path == "/page.html":
            self._send(HTML.encode(), "text/html; charset=utf-8")
        elif path == "/to-ok":
            self._redirect("/ok.txt")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hop/{n - 1}" if n > 0 else "/ok.txt")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/ok.txt")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/drip":  # announces the whole body, sends one byte every 0.1 s
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/short":  # lies: announces more than it sends, then closes
            self._send(body[:40], length=str(len(body)))
            self.close_connection = True
        elif path == "/bad-length":
            self._send(body, length="lots")
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(10 ** 9))
            self.end_headers()
        elif path == "/no-length-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(200):
                    self.wfile.write(b"Interviewer: Why?\n" * 100)
            except OSError:
                pass
        elif path == "/garbage":
            self.wfile.write(b"HELLO THERE\r\n\r\n")
            self.close_connection = True
        elif path == "/hang-up":
            self.close_connection = True
        elif path == "/chunked-cut":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"10\r\nInterviewer: Why\r\n400\r\nonly a little")
            self.close_connection = True
        elif path == "/drip-headers":  # the status line, then one header byte every 0.1 s
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Padding: " + b"a" * 60 + b"\r\n":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/slow-headers":
            time.sleep(1.5)
            self._send(body)
        elif path == "/pdf":
            self._send(b"%PDF-1.4\n%binary", "application/pdf")
        elif path == "/error":
            self._send(b"oops", status=500)
        else:
            self._send(b"not found", status=404)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client giving up on a dripping route is expected here


@pytest.fixture(scope="module")
def server():
    """A ThreadingHTTPServer on 127.0.0.1 (a free port), stopped after the module."""
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)
