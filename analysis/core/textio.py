"""Reading raw text robustly and writing files atomically.

Raw documents arrive with a UTF-8 byte-order mark, Windows line endings or Latin-1
bytes. :func:`read_text` turns all of these into one clean ``str`` with ``\\n`` line
endings. :func:`atomic_write_text` writes to a temporary file in the target folder and
renames it into place, so a crash never leaves a half-written file behind.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import secrets
import stat
from pathlib import Path



class InputError(ValueError):
    """Bad input: says which file (and line, where there is one), what is wrong, what to do."""

    def __init__(self, path, message: str, *, line: int | None = None, hint: str | None = None):
        # A URL stays a string: Path() would fold "http://host" into "http:/host".
        self.path = path if path is None or "://" in str(path) else Path(path)
        self.line = line
        self.message = message
        self.hint = hint
        where = str(self.path) if self.path is not None else "<input>"
        if line is not None:
            where += f", line {line}"
        text = f"{where}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class UsageError(InputError):
    """A command-line argument that cannot be right (an unknown id, an impossible value): exit status 2.

    ``what`` names the argument (``--date``) or is ``None`` when the message says it all."""

    def __init__(self, what, message: str, *, hint: str | None = None):
        super().__init__(what, message, hint=hint)
        if what is None:
            self.args = (message + (f" ({hint})" if hint else ""),)


def sha256_file(path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: Byte-order marks, longest first (UTF-32's LE mark begins with UTF-16's).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: Signatures of common binary formats, to say what a refused file is.
MAGIC = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
         (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or a .docx/.odt/.xlsx document)"),
         (b"\x1f\x8b", "a gzip archive"), (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.doc/.xls)"),
         (b"\x7fELF", "an executable (ELF)"), (b"{\\rtf", "an RTF document"), (b"ID3", "an MP3 audio file"),
         (b"RIFF", "a RIFF media file (WAV/AVI/WebP)"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: ANSI/VT100 escape sequences: CSI (colours, cursor moves), OSC (titles, links), two-byte escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
_ESCAPE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cp1252_fallback(error: UnicodeDecodeError):
    """Codec error handler: a byte that is not UTF-8 is read as Windows-1252 (mixed files)."""
    bad = error.object[error.start:error.start + 1]
    return bad.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error("analysis-cp1252", _cp1252_fallback)


def binary_kind(data: bytes) -> str | None:
    """What a byte string looks like if it is not text (``None`` if it may be text)."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even):
            return "UTF-16 text without a byte-order mark"
        return "binary data (it contains NUL bytes)"
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    if head and controls > 0.05 * len(head):
        return f"binary data ({controls} control bytes in its first {len(head)})"
    return None


def decode_bytes(data: bytes, path=None) -> tuple[str, str]:
    """Decode raw bytes; return ``(text, encoding_used)``.

    A byte-order mark decides first (UTF-8, UTF-16 or UTF-32, little or big endian). Else
    UTF-8 is tried; a byte that is not UTF-8 is read as Windows-1252 (a superset of
    Latin-1's printable range that French press exports use), so that a UTF-8 file with a
    few Latin-1 bytes pasted in loses nothing (``utf-8+cp1252``). Line endings become
    ``\\n``. Binary data (a known signature such as ``%PDF``, NUL bytes, many control
    bytes) is refused with a message saying what it looks like.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(path, f"starts with a {encoding.upper()} byte-order mark but byte {error.start} "
                                       f"is not {encoding.upper()}", hint="re-save the file as UTF-8") from None
            if "\x00" in text:
                raise InputError(path, "is a binary file, not text: NUL characters after decoding",
                                 hint="give a plain-text, Markdown or HTML file")
            encoding = "utf-8-sig" if encoding == "utf-8" else encoding
            break
    else:
        kind = binary_kind(data)
        if kind:
            if kind.startswith("UTF-16"):
                raise InputError(path, f"cannot be decoded: it looks like {kind}",
                                 hint="re-save it as UTF-8 (or as UTF-16 with a byte-order mark)")
            raise InputError(path, f"is a binary file, not text: it looks like {kind}",
                             hint="give a plain-text, Markdown or HTML file (a PDF's text saved as .txt)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="analysis-cp1252")
            ascii_or_cp1252 = data.decode("cp1252", errors="replace")
            encoding = "cp1252" if text == ascii_or_cp1252 else "utf-8+cp1252"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


def strip_control(text: str) -> tuple[str, int]:
    """``(text, number of characters removed)``: ANSI escape sequences, control characters
    (C0 but tab and newline, DEL, C1), bidirectional overrides and stray byte-order marks
    removed, so that stored text can neither recolour a terminal nor hide what it says."""
    cleaned = _CONTROL.sub("", _ANSI.sub("", text))
    return cleaned, len(text) - len(cleaned)


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), for printing to a terminal."""
    def escape(match):
        char = match.group()
        return char if keep_newlines and char == "\n" else char.encode("unicode_escape").decode("ascii")
    pattern = _ESCAPE_CONTROL if keep_newlines else re.compile(_ESCAPE_CONTROL.pattern[:-1] + r"\n\t]")
    return pattern.sub(escape, text)


def describe_non_regular(mode: int) -> str | None:
    """What a file mode is if it is not a regular file (``None`` for a regular file)."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_regular_file(path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file (at most ``max_bytes + 1``); a folder, named pipe, device or
    socket is refused without blocking (opened non-blocking, checked with ``fstat``)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(path, "file not found", hint="check the path") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as error:
        raise InputError(path, f"cannot be read: {error.strerror}") from None
    kind = describe_non_regular(os.fstat(fd).st_mode)
    if kind:
        os.close(fd)
        raise InputError(path, f"is {kind}, not a regular file", hint="give the path of a saved text file")
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read() if max_bytes is None else handle.read(max_bytes + 1)
        except OSError as error:
            raise InputError(path, f"cannot be read: {error.strerror}") from None


def read_text(path) -> str:
    """Read a text file whatever its encoding and line endings (see :func:`decode_bytes`)."""
    return decode_bytes(read_regular_file(path), Path(path))[0]


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name opened with mode 0o666, so the process umask gives the usual permissions
    # (tempfile.mkstemp would make the file 0600).
    tmp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write UTF-8 text with ``\\n`` line endings atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def read_csv_table(path, columns, *, what: str, hint: str | None = None,
                   header_hint: str | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """``(header, [(line number, row), ...])`` of a hand-edited CSV table.

    Checks first that the file exists (``what`` names it in the error, ``hint`` says
    where it belongs) and that its header has every one of ``columns``, so that each
    loader reports a bad table the same way, with the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, f"{what} not found", hint=hint)
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(path, f"missing column(s): {', '.join(missing)}", line=1,
                             hint=header_hint or f"the header must be {','.join(columns)}")
        rows = [(reader.line_num, row) for row in reader]
    return header, rows
