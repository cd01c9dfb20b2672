"""Reading a source within bounds: a regular file, or an http(s) URL.

A file must be a regular file (a folder, named pipe, device or socket is refused without
blocking: :func:`analysis.core.textio.read_regular_file`). A URL is fetched with ``urllib``
and bounded four ways:

* ``timeout`` seconds per read (the socket timeout);
* ``deadline`` seconds for the whole download, connection and headers included: a watchdog
  thread shuts the sockets down when it passes, so a server dripping one byte a second
  (body or headers) is cut off, and the cut is reported as such, never taken for the end;
* ``max_bytes``: a larger ``Content-Length`` is refused before reading, and a body is read
  up to ``max_bytes + 1`` bytes, so one without a length is cut too;
* completeness: a body shorter than its ``Content-Length`` (a server that lies, or a
  connection that breaks) is refused; an invalid ``Content-Length`` too.

Redirects, deliberately: followed up to :data:`MAX_REDIRECTS` hops, to http or https only,
never from https down to http (a downgrade would expose the page to tampering); the final
address is returned so that the caller records it. Other schemes (``file:``, ``ftp:``...)
are refused. ``http.client`` failures (BadStatusLine, RemoteDisconnected, IncompleteRead)
and network errors become :class:`~analysis.core.textio.InputError` saying what happened.
"""
from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from analysis.core.textio import InputError, read_regular_file

MAX_REDIRECTS = 5
#: What makes a source a URL rather than a path: ``scheme://``.
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _fail(message: str, hint: str | None = None):
    """An input error; the caller names the source in front of it."""
    raise InputError(None, message, hint=hint)


class _RedirectPolicy(urllib.request.HTTPRedirectHandler):
    """Follow at most :data:`MAX_REDIRECTS` redirects, to http(s) only, never https -> http."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            _fail(f"redirect to {newurl} refused (http and https only)")
        if urllib.parse.urlsplit(req.full_url).scheme.lower() == "https" and scheme == "http":
            _fail(f"redirect from https down to {newurl} refused", "give the http address yourself if you trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watchdog:
    """Shuts down every socket the download opens once the deadline has passed, so that a
    server dripping its status line or headers cannot outlast it either (urllib's
    ``timeout`` bounds each read, not the whole)."""

    def __init__(self, deadline: float):
        self.expires = time.monotonic() + deadline
        self.sockets = []
        self.timer = threading.Timer(deadline, self.fire)
        self.timer.daemon = True
        self.fired = False

    def fire(self):
        self.fired = True
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handlers(self):
        watchdog = self

        def watched(base):
            class Connection(base):
                def connect(self):
                    super().connect()
                    watchdog.sockets.append(self.sock)
                    if watchdog.fired:
                        watchdog.fire()
            return Connection

        class HTTP(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(watched(http.client.HTTPConnection), req)

        class HTTPS(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(watched(http.client.HTTPSConnection), req, context=self._context)

        return HTTP(), HTTPS()


def _too_big(max_bytes: int):
    _fail(f"larger than the {max_bytes:,}-byte limit", "save only the interview's text, or raise max_bytes")


def fetch_url(source: str, *, timeout: float, deadline: float, max_bytes: int):
    """``(bytes, content type, charset, final URL)`` of an http(s) URL (bounds: module docstring)."""
    request = urllib.request.Request(source, headers={"User-Agent": "analysis-add/1 (research corpus)"})
    start = time.monotonic()
    watchdog = _Watchdog(deadline)
    watchdog.timer.start()
    try:
        with urllib.request.build_opener(_RedirectPolicy, *watchdog.handlers()).open(request,
                                                                                     timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None:
                if not declared.strip().isdigit():
                    _fail(f"the server sent an invalid Content-Length {declared!r}")
                declared = int(declared)
                if declared > max_bytes:
                    _too_big(max_bytes)  # refused before reading
            chunks, size = [], 0
            while True:
                if time.monotonic() - start > deadline:
                    _fail(f"download not finished within {deadline:g} s ({size:,} bytes received)",
                          "the server is too slow: save the page and give the file")
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    _too_big(max_bytes)
            if watchdog.fired:  # the watchdog's shutdown looks like the end of the body: it is not
                _fail(f"download not finished within {deadline:g} s ({size:,} bytes received)",
                      "the server is too slow: save the page and give the file")
            if declared is not None and size != declared:
                _fail(f"incomplete download: {size:,} of the {declared:,} bytes the server announced",
                      "the connection broke: try again, or save the page and give the file")
            ctype = response.headers.get_content_type() if response.headers.get("Content-Type") else None
            return b"".join(chunks), ctype, response.headers.get_content_charset(), response.geturl()
    except InputError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if watchdog.fired:
            _fail(f"download not finished within {deadline:g} s (cut off while waiting for the server)",
                  "the server is too slow: save the page and give the file")
        _describe_url_error(error, timeout)
    finally:
        watchdog.timer.cancel()


def _describe_url_error(error, timeout):
    """Raise the :class:`InputError` saying what went wrong with a download."""
    if isinstance(error, urllib.error.HTTPError):
        _fail(f"the server answered HTTP {error.code} {error.reason}",
              "check the URL in a browser; or save the page and give the file")
    if isinstance(error, http.client.HTTPException):  # BadStatusLine, RemoteDisconnected, IncompleteRead...
        _fail(f"the server's answer is broken ({type(error).__name__}: {error})",
              "try again later, or save the page and give the file")
    if isinstance(error, OSError):  # URLError, timeouts, refused connections
        reason = getattr(error, "reason", error)
        timed_out = isinstance(reason, TimeoutError) or isinstance(error, TimeoutError)
        _fail(f"no answer within {timeout:g} s" if timed_out else f"cannot be fetched: {reason}",
              "check the URL and your connection, or save the page and give the file")
    _fail(f"not a valid URL: {error}")  # ValueError: bad port, bad IPv6 brackets, non-ASCII host


def fetch(source: str, *, timeout: float = 10, deadline: float = 60, max_bytes: int = 5_000_000):
    """``(bytes, content type or None, charset or None, final URL or None)`` of a file or an http(s) URL."""
    if not URL.match(source):
        data = read_regular_file(source, max_bytes)
        if len(data) > max_bytes:
            _too_big(max_bytes)
        return data, None, None, None
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme not in ("http", "https"):
        _fail(f"URL scheme {scheme!r} refused: only http and https are fetched",
              "for a local file give its path, not a file:// URL")
    return fetch_url(source, timeout=timeout, deadline=deadline, max_bytes=max_bytes)
