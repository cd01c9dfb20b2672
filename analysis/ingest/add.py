"""``python -m analysis add``: add a user's own interview to the corpus as full text.

The user's text is theirs, so it is stored in full in the curated format
(``corpus/interviews/<doc_id>.txt``, :mod:`analysis.corpus.fulltext`) and the catalog is
regenerated (:func:`analysis.ingest.build.rebuild_catalog`). The steps, in order:

1. **Metadata** from flags, checked before anything is read: required fields, the date's
   form against its precision (inferred from the form if not given: ``2024-04-18`` day,
   ``2024-04`` month, ``2024`` year), a real calendar date, language ``fr``/``en``, a
   format in :data:`FORMATS`, a doc_id not in use (``force`` replaces a full-text
   document, never a features document).
2. **Source**: a file, or an ``http``/``https`` URL (``urllib``, ``timeout`` seconds,
   redirects to other schemes refused). At most ``max_bytes + 1`` bytes are read; more
   than ``max_bytes`` is refused. ``source_sha256`` is the hash of the bytes read.
3. **HTML** (content type ``text/html``, a ``.html``/``.htm`` name, a page opening with
   ``<html``/``<!doctype html``, or ``shape='html'``) is reduced to its main text by
   ``trafilatura.extract(html, include_comments=False, include_tables=False,
   favor_recall=True)``, plain text with one paragraph per line (Barbaresi 2021,
   *Trafilatura*, ACL demos). Recall is favoured because interviews are made of short
   paragraphs ("Yes.", "Why?") that precision mode may drop as boilerplate; menus and
   footers still go. A first line equal to the page's title is dropped.
4. **Shape**: ``auto`` takes a lexfridman.com page or ``Name: text`` labels where
   :func:`analysis.ingest.importers.detect_shape` finds them, else a print interview like the
   seed (:func:`analysis.ingest.print_interview.parse_print_interview`: roles inferred from
   questions and grammatical person). ``captions`` (unlabelled chunks) only on request.
   With labels, some speaker must be an interviewer (``hosts``, or a label such as
   Interviewer, Q, Host) and some an interviewee.
5. **Write** last: the curated file atomically, then the catalog; if the catalog cannot
   be rebuilt the new file is removed (or the replaced one restored).
"""
from __future__ import annotations

import datetime
import hashlib
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from analysis.ingest.build import COMPUTED, rebuild_catalog
from analysis.corpus.catalog import CATALOG_FILE, COLUMNS, DATE_PRECISIONS, REQUIRED, check_metadata
from analysis.corpus.load import load_catalog
from analysis.corpus.fulltext import format_fulltext
from analysis.ingest.importers import detect_shape, parse_transcript
from analysis.ingest.print_interview import parse_print_interview
from analysis.core.paths import PROJECT_ROOT, corpus_dir
from analysis.core.textio import InputError, atomic_write_bytes, atomic_write_text, decode_bytes
import trafilatura

FORMATS = ("print", "podcast", "video", "testimony", "other")
SHAPES = ("auto", "print", "labelled", "lexfridman", "captions", "html")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


class SourceError(InputError):
    """An :class:`InputError` naming the source as typed (``Path`` would fold ``http://``)."""

    def __init__(self, source, error: InputError):
        super().__init__(None, error.message, line=error.line, hint=error.hint)
        where = str(source) + (f", line {error.line}" if error.line is not None else "")
        self.source = str(source)
        self.args = (f"{where}: {error.message}" + (f" ({error.hint})" if error.hint else ""),)


def _fail(message: str, hint: str | None = None):
    """An input error; :func:`add_interview` names the source in front of it."""
    raise InputError(None, message, hint=hint)


def infer_precision(date: str) -> str:
    """``day``, ``month`` or ``year`` from the form of ``date`` (YYYY-MM-DD, YYYY-MM, YYYY)."""
    for precision, pattern in DATE_PRECISIONS.items():
        if re.fullmatch(pattern, date or ""):
            return precision
    raise ValueError(f"date {date!r} must be written YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2024-04-18)")


def check_flags(meta: dict) -> dict:
    """Required fields, date (precision inferred if absent), language, format, one-line values."""
    missing = [f"--{key.replace('_', '-')}" for key in REQUIRED
               if key != "date_precision" and not str(meta.get(key) or "").strip()]
    if missing:
        _fail(f"missing metadata: {', '.join(missing)}", "give each as a flag, e.g. --date 2024-04 --language fr")
    if meta["format"] not in FORMATS:
        _fail(f"format {meta['format']!r} is not one of {', '.join(FORMATS)}")
    multiline = [key for key, value in meta.items() if "\n" in str(value or "")]
    if multiline:
        _fail(f"metadata must be one line: {', '.join(multiline)}")
    try:
        meta["date_precision"] = meta["date_precision"] or infer_precision(meta["date"])
    except ValueError as error:
        _fail(str(error))
    check_metadata(meta)
    year, month, day = (meta["date"].split("-") + ["01", "01"])[:3]
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        _fail(f"date {meta['date']!r} is not a calendar date", "write it like 2024-04-18, 2024-04 or 2024")
    return meta


def check_free(doc_id: str, root: Path, force: bool) -> None:
    """Refuse a doc_id already in use (a features document even with ``force``)."""
    if (root / "features" / f"{doc_id}.jsonl").exists():
        _fail(f"doc_id {doc_id!r} is a features-only document of the corpus", "choose another --doc-id")
    ids = set(load_catalog(root)["doc_id"]) if (root / CATALOG_FILE).exists() else set()
    if not force and ((root / "interviews" / f"{doc_id}.txt").exists() or doc_id in ids):
        _fail(f"doc_id {doc_id!r} already exists in {root}", "choose another --doc-id, or pass --force to replace it")


class _HttpOnlyRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            _fail(f"redirect to {newurl} refused (http and https only)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(source: str, *, timeout: float = 10, max_bytes: int = 5_000_000) -> tuple[bytes, str | None, str | None]:
    """``(bytes, content type or None, charset or None)`` of a file or an http(s) URL."""
    ctype = charset = None
    too_big = (f"larger than the {max_bytes:,}-byte limit", "save only the interview's text, or raise max_bytes")
    if not _URL.match(source):
        try:
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            _fail("file not found", "check the path")
        except OSError as error:
            _fail(f"cannot be read: {error.strerror}")
    elif urllib.parse.urlsplit(source).scheme.lower() not in ("http", "https"):
        _fail(f"URL scheme {urllib.parse.urlsplit(source).scheme!r} refused: only http and https are fetched",
              "for a local file give its path, not a file:// URL")
    else:
        request = urllib.request.Request(source, headers={"User-Agent": "analysis-add/1 (research corpus)"})
        try:
            with urllib.request.build_opener(_HttpOnlyRedirect).open(request, timeout=timeout) as response:
                if int(response.headers.get("Content-Length") or 0) > max_bytes:
                    _fail(*too_big)  # refused before reading
                data = response.read(max_bytes + 1)
                ctype = response.headers.get_content_type() if response.headers.get("Content-Type") else None
                charset = response.headers.get_content_charset()
        except urllib.error.HTTPError as error:
            _fail(f"the server answered HTTP {error.code} {error.reason}",
                  "check the URL in a browser; or save the page and give the file")
        except OSError as error:  # URLError, timeouts, refused connections
            reason = getattr(error, "reason", error)
            what = f"no answer within {timeout} s" if isinstance(reason, TimeoutError) else f"cannot be fetched: {reason}"
            _fail(what, "check the URL and your connection, or save the page and give the file")
    if len(data) > max_bytes:
        _fail(*too_big)
    return data, ctype, charset


def html_to_text(html: str) -> tuple[str, str | None]:
    """Main text of a page (one paragraph per line) and its title (options: module docstring)."""
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        _fail("no main text found in the HTML page", "copy the interview into a .txt file with 'Name: text' labels")
    title = trafilatura.extract_metadata(html).title if "<title" in html.lower() else None
    lines = text.split("\n")
    if title and lines[0].strip() == title.strip():
        lines = lines[1:]
    return "\n".join(lines), title


def read_source(source: str, shape: str, *, timeout: float, max_bytes: int):
    """``(bytes, text, page title or None, notes)``: fetched, decoded, HTML reduced to its main text."""
    data, ctype, charset = fetch(source, timeout=timeout, max_bytes=max_bytes)
    if ctype and ctype not in HTML_TYPES and not ctype.startswith("text/"):
        _fail(f"content type {ctype} is not supported", "give an HTML page or a plain-text file (a PDF's text as .txt)")
    text, encoding = decode_bytes(data)  # refuses NUL bytes (binary); UTF-8, else cp1252
    if charset and encoding == "cp1252":  # not UTF-8: trust the charset the server names
        try:
            text = data.decode(charset).replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    suffix = Path(urllib.parse.urlsplit(source).path).suffix.lower()
    if shape == "html" or ctype in HTML_TYPES or suffix in (".html", ".htm", ".xhtml") or _HTML_START.match(text):
        text, title = html_to_text(text)
        return data, text, title, [f"main text extracted from HTML with trafilatura {trafilatura.__version__}"]
    return data, text, None, []


def parse_source(text: str, shape: str, *, lang: str, interviewee: str, hosts: tuple, interviewer: str):
    """``(turns, shape used, facts)``: ``facts`` are catalog fields (and notes) the text gives."""
    if not text.strip():
        _fail("the file is empty", "check that the right file was saved completely")
    if shape == "auto":
        shape = detect_shape(text) if detect_shape(text) != "captions" else "print"
    facts = {"speaker_labels": "none" if shape == "captions" else "yes", "truncated": "no", "notes": [],
             "turn_unit": "chunk" if shape == "captions" else "turn"}
    if shape != "print":
        turns = parse_transcript(text, hosts=hosts or (("Lex Fridman",) if shape == "lexfridman" else ()), shape=shape)
        if shape != "captions":
            check_roles(turns, hosts)
        return turns, shape, facts
    try:
        parsed = parse_print_interview(text, lang=lang, interviewee=interviewee, interviewer=interviewer)
    except InputError as error:
        if "no question" in error.message:
            error.hint = "label the speakers ('Name: text', one per turn), or pass --shape captions"
        raise
    truncated = [side for side, flag in (("start", parsed.truncated_start), ("end", parsed.truncated_end)) if flag]
    facts.update(speaker_labels="inferred", truncated="+".join(truncated) or "no", notes=parsed.notes,
                 title=parsed.headline, interviewee_role=parsed.role_as_printed, outlet=parsed.masthead)
    return parsed.turns, shape, facts


def check_roles(turns, hosts) -> None:
    """A labelled transcript needs an interviewer and an interviewee; given hosts must speak."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    unknown = [h for h in hosts if h.lower() not in {s.lower() for s in speakers}]
    if unknown:
        _fail(f"--host {unknown[0]!r} is not a speaker (speakers: {', '.join(speakers)})",
              "give the label exactly as written before the colon")
    for role, hint in (("interviewer", "pass --host LABEL for the interviewer (Interviewer, Q, Host are known)"),
                       ("interviewee", "a speaker who is not a --host is an interviewee: check the --host flags")):
        if role not in {t.role for t in turns}:
            _fail(f"no {role} among the speakers ({', '.join(speakers)})", hint)


def prepare_interview(source, *, doc_id, interviewee, organization, date, date_precision, language, format,
                      shape=None, hosts=(), role=None, outlet=None, title=None, notes=None, source_url=None,
                      force=False, root=None, timeout=10, max_bytes=5_000_000) -> tuple[dict, list]:
    """``(metadata, turns)`` of the document :func:`add_interview` would write (same
    arguments); reads the source, writes nothing: a dry run."""
    source, root = str(source), Path(root or corpus_dir())
    hosts = (hosts,) if isinstance(hosts, str) else tuple(hosts or ())
    if (shape or "auto") not in SHAPES:
        _fail(f"shape {shape!r} is not one of {', '.join(SHAPES)}")
    if timeout <= 0 or max_bytes <= 0:
        raise ValueError("timeout and max_bytes must be positive")
    given = check_flags({"doc_id": doc_id, "interviewee": interviewee, "organization": organization, "date": date,
                         "date_precision": date_precision, "language": language, "format": format,
                         "interviewee_role": role, "outlet": outlet, "title": title, "notes": notes,
                         "source_url": source_url})
    check_free(doc_id, root, force)
    data, text, page_title, read_notes = read_source(source, shape, timeout=timeout, max_bytes=max_bytes)
    interviewer = hosts[0] if hosts else (f"Interviewer ({outlet})" if outlet else "Interviewer")
    turns, used, facts = parse_source(text, "auto" if shape in (None, "html") else shape, lang=language,
                                      interviewee=interviewee, hosts=hosts, interviewer=interviewer)
    is_url, local = bool(_URL.match(source)), Path(source).resolve()
    meta = {**facts, **{k: v for k, v in given.items() if v}, "title": title or page_title or facts.get("title"),
            "date_evidence": "as given to `python -m analysis add`", "text_availability": "full",
            "source_file": source if is_url else (local.relative_to(PROJECT_ROOT).as_posix()
                                                  if local.is_relative_to(PROJECT_ROOT) else str(local)),
            "source_sha256": hashlib.sha256(data).hexdigest(), "source_url": source_url or (source if is_url else ""),
            "notes": "; ".join(n.strip().rstrip(".") for n in [notes, f"shape: {used}", *read_notes, *facts["notes"]]
                               if n)}
    meta = check_metadata({key: meta.get(key) or "" for key in COLUMNS if key not in COMPUTED})
    return meta, turns


def add_interview(source, *, doc_id, interviewee, organization, date, date_precision, language, format,
                  shape=None, hosts=(), role=None, outlet=None, title=None, notes=None, source_url=None,
                  force=False, root=None, timeout=10, max_bytes=5_000_000) -> Path:
    """Add one interview (a path or an http(s) URL) to the corpus; return the curated file's path.

    ``doc_id ... format`` are required (``date_precision=None`` infers it from the date).
    ``shape`` is one of :data:`SHAPES` (``None`` = auto). ``hosts`` are the interviewers'
    speaker labels; the print parser names its interviewer ``hosts[0]``, else
    ``Interviewer (<outlet>)``. ``source_url`` records where a saved file came from;
    ``force`` replaces a full-text document with the same id; ``root`` is the corpus folder
    (default :func:`analysis.core.paths.corpus_dir`); ``timeout`` (seconds) and ``max_bytes``
    bound the read. Input errors are :class:`~analysis.core.textio.InputError` naming the
    source and what to do, and nothing is written then. Rules: the module docstring.
    """
    options = {key: value for key, value in locals().items() if key != "source"}  # the arguments above
    try:
        meta, turns = prepare_interview(source, **options)
    except SourceError:
        raise
    except InputError as error:
        raise SourceError(source, error) from None
    rendered = format_fulltext(meta, turns)
    out = Path(root or corpus_dir()) / "interviews" / f"{doc_id}.txt"
    old = out.read_bytes() if out.exists() else None
    atomic_write_text(out, rendered)
    try:  # the catalog comes last; if it cannot be rebuilt, undo the file
        rebuild_catalog(root)
    except BaseException:
        if old is None:
            out.unlink(missing_ok=True)
        else:
            atomic_write_bytes(out, old)
        raise
    return out
