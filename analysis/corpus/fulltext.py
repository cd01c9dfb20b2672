"""The curated full-text interview file: a metadata header, then speaker-labelled turns.

A student can open one in any editor. Example::

    doc_id: 2024-04_pineau_latribune
    interviewee: Joelle Pineau
    ...
    ---

    ## 1 | interviewee | Joelle Pineau
    > opens mid-answer: the export starts inside an answer
    dont nous allons garder une seule version. ...

    ## 2 | interviewer | Interviewer (La Tribune)
    Mark Zuckerberg a lui-même annoncé ...

A turn heading is ``## <n> | <role> | <speaker>``, optionally followed by
``| time=hh:mm:ss`` and ``| segment=<segment>``. Lines starting with ``> `` right after
the heading are notes about the turn (how it was labelled). A text line that would look
like a heading or a note is written with a leading backslash.
"""
from __future__ import annotations

import re
from pathlib import Path

from analysis.core.textio import InputError, atomic_write_text, read_text
from analysis.core.turns import Turn

#: The note a model-attributed turn carries (``role: model, confidence 0.873``): how a
#: full-text document keeps ``role_source`` and ``role_confidence`` (features files keep
#: them as fields of the turn record).
MODEL_ROLE_NOTE = "role: model, confidence {:.3f}"
_MODEL_ROLE = re.compile(r"^role: model, confidence (0(?:\.\d+)?|1(?:\.0+)?)$")
_HEADING = re.compile(r"^## (\d+) \| (\w+) \| (.+?)((?: \| \w+=\S+)*)$")
_OPTION = re.compile(r" \| (\w+)=(\S+)")
_ESCAPE = re.compile(r"^(## |> |\\)")


def format_fulltext(meta: dict, turns: list[Turn]) -> str:
    """Render metadata and turns in the curated format (deterministic)."""
    lines = []
    for key, value in meta.items():
        value = "" if value is None else str(value)
        if "\n" in value:
            raise ValueError(f"metadata value for {key!r} must be one line")
        lines.append(f"{key}: {value}")
    lines += ["---", ""]
    for number, turn in enumerate(turns, start=1):
        heading = f"## {number} | {turn.role} | {turn.speaker}"
        if turn.timestamp:
            heading += f" | time={turn.timestamp}"
        if turn.segment != "interview":
            heading += f" | segment={turn.segment}"
        lines.append(heading)
        lines += [f"> {note}" for note in turn.notes]
        for text_line in turn.text.strip().split("\n"):
            lines.append(_ESCAPE.sub(r"\\\1", text_line))
        lines.append("")
    return "\n".join(lines)


def model_role_confidence(notes) -> float | None:
    """The speaker model's confidence recorded in a turn's notes (:data:`MODEL_ROLE_NOTE`), else None."""
    for note in notes:
        match = _MODEL_ROLE.match(note)
        if match:
            return float(match.group(1))
    return None


def write_fulltext(path, meta: dict, turns: list[Turn]) -> None:
    """Write the curated file atomically."""
    atomic_write_text(path, format_fulltext(meta, turns))


def parse_fulltext(text: str, path=None) -> tuple[dict, list[Turn]]:
    """Parse the curated format back into ``(metadata, turns)``; errors name the line."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    line_no = 0
    for line_no, line in enumerate(lines, start=1):
        if line.strip() == "---":
            break
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            raise InputError(path, f"header line is not 'key: value': {line[:60]!r}", line=line_no,
                             hint="the header ends with a line '---'")
        meta[key.strip()] = value.strip()
    else:
        raise InputError(path, "no '---' line ends the metadata header", line=len(lines))
    turns: list[Turn] = []
    body: list[str] = []

    def close_turn():
        if turns:
            turns[-1].text = "\n".join(body).strip()
        body.clear()

    for line_no, line in enumerate(lines[line_no:], start=line_no + 1):
        heading = _HEADING.match(line)
        if heading:
            close_turn()
            number, role, speaker, options = heading.groups()
            if int(number) != len(turns) + 1:
                raise InputError(path, f"turn number {number} out of sequence (expected {len(turns) + 1})",
                                 line=line_no)
            opts = dict(_OPTION.findall(options))
            try:
                turns.append(Turn(speaker=speaker, role=role, timestamp=opts.get("time"),
                                  segment=opts.get("segment", "interview")))
            except ValueError as error:
                raise InputError(path, str(error), line=line_no) from None
        elif line.startswith("## "):
            raise InputError(path, "a turn heading must be '## <n> | <role> | <speaker>'", line=line_no)
        elif not turns:
            if line.strip():
                raise InputError(path, "text before the first turn heading", line=line_no,
                                 hint="start each turn with '## 1 | interviewee | Name'")
        elif line.startswith("> ") and not body:
            turns[-1].notes.append(line[2:])
        else:
            body.append(line[1:] if line.startswith("\\") else line)
    close_turn()
    if not turns:
        raise InputError(path, "no turns found", hint="turns start with '## 1 | interviewee | Name'")
    return meta, turns


def read_fulltext(path) -> tuple[dict, list[Turn]]:
    """Read a curated full-text interview file."""
    return parse_fulltext(read_text(path), Path(path))
