"""``python -m analysis add``: add a user's own interview to the corpus as full text.

The user's text is theirs, so it is stored in full in the curated format
(``corpus/interviews/<doc_id>.txt``, :mod:`analysis.corpus.fulltext`) and one catalog row
is added incrementally (no features document is read, no other document rewritten; only the
duplicate check reads the other full-text documents' text). The steps, in order:

1. **Metadata** (:class:`InterviewMetadata`), checked once, before anything is read:
   required fields, one-line values without control characters, the date's form against
   its precision (inferred from the form if not given: ``2024-04-18`` day, ``2024-04``
   month, ``2024`` year) in ASCII digits, a real calendar date from :data:`EARLIEST_YEAR`
   to today, language ``fr``/``en``, a format in :data:`FORMATS`, a doc_id of at most
   :data:`MAX_DOC_ID` characters not in use (``force`` replaces a full-text document,
   never a features document).
2. **Source**: a regular file or an http(s) URL, read within bounds
   (:func:`analysis.ingest.fetch.fetch`: time per read, a deadline for the whole download,
   a size cap, complete bodies only, deliberate redirects; the final address of a
   redirect is recorded in the notes). ``source_sha256`` is the hash of the bytes read. Decoding:
   :func:`analysis.core.textio.decode_bytes` (BOMs for UTF-8/16/32, mixed UTF-8 and
   Windows-1252, binary refused saying what it looks like); ANSI escape sequences and
   control characters are then removed (:func:`analysis.core.textio.strip_control`) and
   counted in the notes.
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
   questions and grammatical person). ``captions`` (automatic captions, no speaker names)
   only on request: interviewer and interviewee turns from the speaker model
   (:mod:`analysis.ingest.speakers`; each turn's confidence kept in its notes,
   ``speaker_labels=model``), or unlabelled chunks with role ``other`` with
   ``speaker_roles=False`` (``--no-speaker-roles``).
   With labels, some speaker must be an interviewer (``hosts``, or a label such as
   Interviewer, Q, Host) and some an interviewee. ``guests`` name the interviewees
   exactly; with guests, a speaker who is neither host nor guest is ``other``.
5. **Duplicates**: content already in the corpus under another id is refused, even with
   ``force``: the same raw bytes as any catalog row (``source_sha256``), or the same text
   as a full-text document once case-folded, punctuation-stripped and whitespace-collapsed
   (:func:`content_fingerprint`).
6. **Write**, under the corpus lock, atomically as a whole
   (:func:`analysis.corpus.store.commit_document`: staged file, journal, rename, catalog
   row); ``python -m analysis check --repair`` finishes or rolls back an add that was killed.
"""
from __future__ import annotations

import datetime
import hashlib
import inspect
import re
import unicodedata
import urllib.parse
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import trafilatura

from analysis.corpus.catalog import CATALOG_FILE, COLUMNS, DATE_PRECISIONS, REQUIRED, check_metadata
from analysis.corpus.fulltext import format_fulltext, parse_fulltext, read_fulltext
from analysis.corpus.load import document_path
from analysis.corpus.store import commit_document, journals, leftovers, locked, read_catalog_rows
from analysis.core.paths import PROJECT_ROOT, corpus_dir
from analysis.core.textio import InputError, UsageError, decode_bytes, strip_control
from analysis.ingest.build import COMPUTED
from analysis.ingest.extract import document_turns
from analysis.ingest.fetch import URL, fetch
from analysis.ingest.importers import detect_shape, parse_transcript
from analysis.ingest.print_interview import parse_print_interview
from analysis.text.tokenize import count_tokens

FORMATS = ("print", "podcast", "video", "testimony", "other")
SHAPES = ("auto", "print", "labelled", "lexfridman", "captions", "html")
HTML_TYPES = ("text/html", "application/xhtml+xml")
EARLIEST_YEAR = 1950
MAX_DOC_ID = 120          # a file name is at most 255 bytes; ids stay well below
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_METADATA_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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


def _bad_flag(flag: str, message: str, hint: str | None = None):
    raise UsageError(flag, message, hint=hint)


def infer_precision(date: str) -> str:
    """``day``, ``month`` or ``year`` from the form of ``date`` (YYYY-MM-DD, YYYY-MM, YYYY)."""
    for precision, pattern in DATE_PRECISIONS.items():
        if (date or "").isascii() and re.fullmatch(pattern, date or ""):
            return precision
    raise ValueError(f"date {date!r} must be written YYYY-MM-DD, YYYY-MM or YYYY in ASCII digits (e.g. 2024-04-18)")


def check_date(date: str, precision: str | None, today: datetime.date | None = None) -> str:
    """The date's precision (inferred if ``None``); refuses forms that are not ASCII
    ``YYYY[-MM[-DD]]``, impossible dates, years before :data:`EARLIEST_YEAR` and dates after today."""
    try:
        precision = precision or infer_precision(date)
    except ValueError as error:
        _bad_flag("--date", str(error))
    if precision not in DATE_PRECISIONS:
        _bad_flag("--date-precision", f"{precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    if not date.isascii() or not re.fullmatch(DATE_PRECISIONS[precision], date):
        example = {"day": "2024-04-18", "month": "2024-04", "year": "2024"}[precision]
        _bad_flag("--date", f"{date!r} does not match precision {precision!r}", f"write it like {example}")
    year, month, day = (int(part) for part in (date.split("-") + ["1", "1"])[:3])
    try:
        first_day = datetime.date(year, month, day)
    except ValueError:
        _bad_flag("--date", f"{date!r} is not a calendar date", "write it like 2024-04-18, 2024-04 or 2024")
    if year < EARLIEST_YEAR:
        _bad_flag("--date", f"{date!r} is before {EARLIEST_YEAR}", "the corpus covers AI executives' interviews")
    if first_day > (today or datetime.date.today()):
        _bad_flag("--date", f"{date!r} is in the future", "give the date the interview took place or was published")
    return precision


@dataclass
class InterviewMetadata:
    """What the user states about an interview (``python -m analysis add`` flags), checked once
    when created (rules: the module docstring, step 1). Errors are :class:`UsageError` naming the flag."""

    doc_id: str
    interviewee: str
    organization: str
    date: str
    language: str
    format: str
    date_precision: str | None = None
    role: str | None = None
    outlet: str | None = None
    title: str | None = None
    notes: str | None = None
    source_url: str | None = None

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and not isinstance(value, str):
                _bad_flag(f"--{field.name.replace('_', '-')}", f"must be text, not {type(value).__name__}")
            if value is not None:
                if "\n" in value or "\r" in value:
                    _bad_flag(f"--{field.name.replace('_', '-')}", "metadata must be one line")
                if _METADATA_CONTROL.search(value):
                    _bad_flag(f"--{field.name.replace('_', '-')}", f"contains control characters: {value!r}",
                              "type the value plainly (no escape sequences)")
                setattr(self, field.name, value.strip() or None)
        missing = [f"--{key.replace('_', '-')}" for key in REQUIRED if key != "date_precision" and not getattr(self, key)]
        if missing:
            _bad_flag("metadata", f"missing: {', '.join(missing)}",
                      "give each as a flag, e.g. --date 2024-04 --language fr")
        if self.format not in FORMATS:
            _bad_flag("--format", f"{self.format!r} is not one of {', '.join(FORMATS)}")
        if len(self.doc_id) > MAX_DOC_ID:
            _bad_flag("--doc-id", f"is {len(self.doc_id)} characters long; at most {MAX_DOC_ID}")
        self.date_precision = check_date(self.date, self.date_precision)
        try:
            check_metadata(self.catalog_fields())
        except InputError as error:
            raise UsageError("metadata", error.message, hint=error.hint) from None

    def catalog_fields(self) -> dict:
        """The catalog columns these flags fill (``role`` is ``interviewee_role``)."""
        given = asdict(self)
        given["interviewee_role"] = given.pop("role")
        return {key: value for key, value in given.items() if value}


# --- source ---------------------------------------------------------------------------------

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


def read_source(source: str, shape: str, *, timeout: float, deadline: float = 60, max_bytes: int):
    """``(bytes, text, page title or None, notes)``: fetched, decoded, cleaned, HTML reduced to its main text."""
    data, ctype, charset, final_url = fetch(source, timeout=timeout, deadline=deadline, max_bytes=max_bytes)
    if ctype and ctype not in HTML_TYPES and not ctype.startswith("text/"):
        _fail(f"content type {ctype} is not supported", "give an HTML page or a plain-text file (a PDF's text as .txt)")
    text, encoding = decode_bytes(data)
    if charset and encoding in ("cp1252", "utf-8+cp1252"):  # not UTF-8: trust the charset the server names
        try:
            text = data.decode(charset).replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    notes = [f"decoded as {encoding}"] if encoding not in ("utf-8", "utf-8-sig") else []
    if final_url and final_url != source:
        notes.append(f"redirected to {final_url}")
    text, removed = strip_control(text)
    if removed:
        notes.append(f"{removed} control characters or escape-sequence characters removed")
    suffix = Path(urllib.parse.urlsplit(source).path).suffix.lower()
    if shape == "html" or ctype in HTML_TYPES or suffix in (".html", ".htm", ".xhtml") or _HTML_START.match(text):
        text, title = html_to_text(text)
        return data, text, title, notes + [f"main text extracted from HTML with trafilatura {trafilatura.__version__}"]
    return data, text, None, notes


# --- turns ----------------------------------------------------------------------------------

def _importer_takes_guests() -> bool:
    """True once the importers accept ``guests=`` (issue 12); until then :func:`assign_guests` does it."""
    parameters = inspect.signature(parse_transcript).parameters.values()
    return any(p.name == "guests" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def parse_source(text: str, shape: str, *, lang: str, interviewee: str, hosts: tuple, interviewer: str,
                 guests: tuple = (), speaker_roles: bool = True):
    """``(turns, shape used, facts)``: ``facts`` are catalog fields (and notes) the text gives."""
    if not text.strip():
        _fail("the file is empty", "check that the right file was saved completely")
    if shape == "auto":
        shape = detect_shape(text) if detect_shape(text) != "captions" else "print"
    if guests and shape in ("print", "captions"):
        _fail(f"--guest applies to transcripts with speaker labels, not to the {shape!r} shape",
              "a print interview's interviewee is --interviewee; drop --guest or label the speakers")
    facts = {"speaker_labels": "none" if shape == "captions" else "yes", "truncated": "no", "notes": [],
             "turn_unit": "chunk" if shape == "captions" else "turn"}
    if shape == "captions":
        turns, _, updates = document_turns(text, shape, hosts=(interviewer,), guests=(interviewee,),
                                           speaker_roles=speaker_roles)
        facts.update(updates)
        if updates:
            facts["notes"] = ["roles from the speaker model (analysis.ingest.speakers)"]
        return turns, shape, facts
    if shape != "print":
        hosts = hosts or (("Lex Fridman",) if shape == "lexfridman" else ())
        extra = {"guests": guests} if guests and _importer_takes_guests() else {}
        turns = parse_transcript(text, hosts=hosts, shape=shape, **extra)
        check_speakers(turns, hosts, guests)
        assign_guests(turns, hosts, guests)
        check_roles(turns)
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


def check_speakers(turns, hosts, guests) -> None:
    """Every ``--host`` and ``--guest`` must be a speaker of the transcript, and none both."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    known = {s.lower() for s in speakers}
    for flag, names in (("--host", hosts), ("--guest", guests)):
        unknown = [name for name in names if name.lower() not in known]
        if unknown:
            _fail(f"{flag} {unknown[0]!r} is not a speaker (speakers: {', '.join(speakers)})",
                  "give the label exactly as written before the colon")
    both = {h.lower() for h in hosts} & {g.lower() for g in guests}
    if both:
        _fail(f"{sorted(both)[0]!r} is given as both --host and --guest")


def assign_guests(turns, hosts, guests) -> None:
    """With ``guests``: their turns are ``interviewee``, other non-host speakers ``other``
    (what the importers do themselves once they take ``guests``; harmless then)."""
    if not guests:
        return
    guest_keys, host_keys = {g.lower() for g in guests}, {h.lower() for h in hosts}
    for turn in turns:
        key = turn.speaker.lower()
        if key in guest_keys:
            turn.role = "interviewee"
        elif turn.role == "interviewee" and key not in host_keys:
            turn.role = "other"


def check_roles(turns) -> None:
    """A labelled transcript needs an interviewer and an interviewee."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    for role, hint in (("interviewer", "pass --host LABEL for the interviewer (Interviewer, Q, Host are known)"),
                       ("interviewee", "a speaker who is not a --host is an interviewee: check the --host flags")):
        if role not in {t.role for t in turns}:
            _fail(f"no {role} among the speakers ({', '.join(speakers)})", hint)


# --- duplicates and the catalog row ---------------------------------------------------------

def content_fingerprint(texts) -> str:
    """sha256 of the turns' text case-folded, with punctuation removed (Unicode category P)
    and whitespace collapsed: the same interview re-typed, re-cased or re-punctuated matches."""
    joined = " ".join(texts).casefold()
    stripped = "".join(" " if unicodedata.category(char).startswith("P") else char for char in joined)
    return hashlib.sha256(" ".join(stripped.split()).encode("utf-8")).hexdigest()


def check_not_duplicate(root: Path, doc_id: str, source_sha256: str, fingerprint: str, rows: list[dict]) -> None:
    """Refuse content already in the corpus under another id (rules: module docstring, step 5)."""
    for row in rows:
        if row["doc_id"] != doc_id and row["source_sha256"] == source_sha256:
            _fail(f"the same source is already in the corpus as {row['doc_id']!r} (same sha256)",
                  "one interview, one doc_id: it is not added twice (--force does not change that)")
    for row in rows:
        if row["doc_id"] == doc_id or row["text_availability"] != "full":
            continue
        path = document_path(row["doc_id"], "full", root)
        if path.is_file() and content_fingerprint(t.text for t in read_fulltext(path)[1]) == fingerprint:
            _fail(f"the same text is already in the corpus as {row['doc_id']!r} "
                  "(equal once case, punctuation and spacing are ignored)",
                  "one interview, one doc_id: it is not added twice (--force does not change that)")


def check_free(doc_id: str, root: Path, force: bool, rows: list[dict] | None = None) -> None:
    """Refuse a doc_id already in use (a features document even with ``force``)."""
    if rows is None:
        rows = read_catalog_rows(root) if (root / CATALOG_FILE).exists() else []
    kinds = {row["doc_id"]: row["text_availability"] for row in rows}
    if (root / "features" / f"{doc_id}.jsonl").exists() or kinds.get(doc_id) == "features":
        _bad_flag("--doc-id", f"{doc_id!r} is a features-only document of the corpus", "choose another --doc-id")
    if not force and ((root / "interviews" / f"{doc_id}.txt").exists() or doc_id in kinds):
        _bad_flag("--doc-id", f"{doc_id!r} already exists in {root}",
                  "choose another --doc-id, or pass --force to replace it")


def catalog_row(meta: dict, rendered: str) -> dict:
    """The catalog row of a rendered document, sizes counted on the text as it will be read back."""
    _, turns = parse_fulltext(rendered)
    interview = [t for t in turns if t.segment == "interview"]
    n_tokens = sum(sum(count_tokens(t.text, meta["language"]).values()) for t in interview)
    return {**meta, "n_tokens": n_tokens, "n_turns": len(interview)}


# --- the command ----------------------------------------------------------------------------

def prepare_interview(source, metadata: InterviewMetadata, *, shape=None, hosts=(), guests=(), force=False,
                      root=None, timeout=10, deadline=60, max_bytes=5_000_000,
                      speaker_roles: bool = True) -> tuple[dict, list]:
    """``(catalog metadata, turns)`` of the document :func:`add_interview` would write (same
    arguments); reads the source, writes nothing: a dry run."""
    source, root = str(source), Path(root or corpus_dir())
    hosts = (hosts,) if isinstance(hosts, str) else tuple(hosts or ())
    guests = (guests,) if isinstance(guests, str) else tuple(guests or ())
    if (shape or "auto") not in SHAPES:
        _bad_flag("--shape", f"{shape!r} is not one of {', '.join(SHAPES)}")
    if not (timeout > 0 and deadline > 0 and max_bytes > 0):
        raise ValueError("timeout, deadline and max_bytes must be positive")
    if not isinstance(metadata, InterviewMetadata):
        raise TypeError("metadata must be an InterviewMetadata")
    check_free(metadata.doc_id, root, force)
    data, text, page_title, read_notes = read_source(source, shape, timeout=timeout, deadline=deadline,
                                                     max_bytes=max_bytes)
    outlet = metadata.outlet
    interviewer = hosts[0] if hosts else (f"Interviewer ({outlet})" if outlet else "Interviewer")
    turns, used, facts = parse_source(text, "auto" if shape in (None, "html") else shape, lang=metadata.language,
                                      interviewee=metadata.interviewee, hosts=hosts, interviewer=interviewer,
                                      guests=guests, speaker_roles=speaker_roles)
    is_url, local = bool(URL.match(source)), Path(source).resolve()
    given = metadata.catalog_fields()
    meta = {**facts, **given, "title": metadata.title or page_title or facts.get("title"),
            "date_evidence": "as given to `python -m analysis add`", "text_availability": "full",
            "source_file": source if is_url else (local.relative_to(PROJECT_ROOT).as_posix()
                                                  if local.is_relative_to(PROJECT_ROOT) else str(local)),
            "source_sha256": hashlib.sha256(data).hexdigest(),
            "source_url": metadata.source_url or (source if is_url else ""),
            "notes": "; ".join(n.strip().rstrip(".") for n in [metadata.notes, f"shape: {used}", *read_notes,
                                                                 *facts["notes"]] if n)}
    meta = check_metadata({key: meta.get(key) or "" for key in COLUMNS if key not in COMPUTED})
    return meta, turns


def add_interview(source, metadata: InterviewMetadata, *, shape=None, hosts=(), guests=(), force=False, root=None,
                  timeout=10, deadline=60, max_bytes=5_000_000, speaker_roles: bool = True) -> Path:
    """Add one interview (a path or an http(s) URL) to the corpus; return the curated file's path.

    ``metadata`` is what the user states (:class:`InterviewMetadata`, already checked).
    ``shape`` is one of :data:`SHAPES` (``None`` = auto). ``hosts`` are the interviewers'
    speaker labels (the print parser names its interviewer ``hosts[0]``, else
    ``Interviewer (<outlet>)``); ``guests`` the interviewees' labels. ``force`` replaces a
    full-text document with the same id (never other content under another id); ``root``
    is the corpus folder (default :func:`analysis.core.paths.corpus_dir`); ``timeout``
    (seconds per read), ``deadline`` (seconds for a whole download) and ``max_bytes``
    bound the read; ``speaker_roles`` (default) gives a ``captions`` transcript the speaker
    model's roles, ``False`` unattributed chunks. Input errors are :class:`~analysis.core.textio.InputError` naming the
    source and what to do, and nothing is written then. Rules: the module docstring.
    """
    root = Path(root or corpus_dir())
    try:
        meta, turns = prepare_interview(source, metadata, shape=shape, hosts=hosts, guests=guests, force=force,
                                        root=root, timeout=timeout, deadline=deadline, max_bytes=max_bytes,
                                        speaker_roles=speaker_roles)
        rendered = format_fulltext(meta, turns)
        fingerprint = content_fingerprint(t.text for t in turns)
    except (SourceError, UsageError):
        raise
    except InputError as error:
        if error.path is not None:  # about another file (the source by its path, the catalog): as it is
            raise
        raise SourceError(source, error) from None
    row = catalog_row(meta, rendered)
    with locked(root):
        if journals(root) or leftovers(root):
            raise InputError(root, "an earlier write to the corpus did not finish",
                             hint="run `python -m analysis check --repair`, then add again")
        rows = read_catalog_rows(root) if (root / CATALOG_FILE).exists() else []
        check_free(metadata.doc_id, root, force, rows)  # again: another add may have taken the id meanwhile
        try:
            check_not_duplicate(root, metadata.doc_id, meta["source_sha256"], fingerprint, rows)
        except InputError as error:
            raise SourceError(source, error) from None
        return commit_document(root, metadata.doc_id, rendered, row)
