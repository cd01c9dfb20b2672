"""Reading raw text robustly and writing files atomically.

Raw documents arrive with a UTF-8 byte-order mark, Windows line endings or Latin-1
bytes. :func:`read_text` turns all of these into one clean ``str`` with ``\\n`` line
endings. :func:`atomic_write_text` writes to a temporary file in the target folder and
renames it into place, so a crash never leaves a half-written file behind.
"""
from __future__ import annotations

import csv
import hashlib
import os
import secrets
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


def sha256_file(path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_bytes(data: bytes, path=None) -> tuple[str, str]:
    """Decode raw bytes; return ``(text, encoding_used)``.

    UTF-8 (with or without BOM) is tried first; bytes that are not UTF-8 are read as
    Windows-1252, a superset of Latin-1's printable range that French press exports use.
    Line endings are normalised to ``\\n`` and a NUL byte is refused (binary file).
    """
    if b"\x00" in data:
        raise InputError(path, "looks like a binary file (it contains NUL bytes)",
                         hint="give a plain-text, Markdown or HTML file")
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


def read_text(path) -> str:
    """Read a text file whatever its encoding and line endings (see :func:`decode_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found", hint="check the path") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    return decode_bytes(data, path)[0]


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
