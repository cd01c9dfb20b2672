"""The unit of every interview: a turn (one speaker's uninterrupted contribution)."""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("interviewer", "interviewee", "other")
#: What part of a recording a turn belongs to; only ``interview`` is analysed by default.
SEGMENTS = ("interview", "intro", "sponsor", "outro")


@dataclass
class Turn:
    """One turn: who speaks, in what role, and what they say.

    ``timestamp`` is ``hh:mm:ss`` where the source has one. ``segment`` marks the host's
    scripted intro/outro and sponsor reads, which are kept but left out of analyses.
    """

    speaker: str
    role: str
    text: str = ""
    timestamp: str | None = None
    segment: str = "interview"
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")
        if self.segment not in SEGMENTS:
            raise ValueError(f"segment must be one of {SEGMENTS}, not {self.segment!r}")
