"""Dating podcast episodes that carry no date: from anchors and the episode numbering.

The archive's files carry no dates, but its episode numbers are in release order (archive
README) and some episodes are dated by evidence: the posting date of a lexfridman.com
transcript page where it is the release date (:func:`analysis.ingest.importers.posting_evidence`),
or a date in an earlier manifest. :func:`date_from_numbering` places an undated episode
between the nearest anchors below and above it, interpolates linearly in days between
them, and returns the estimate at **year** precision with the whole reasoning as evidence
(the two anchors, their sources, and whether the year is certain: both anchors in one
year, or an estimate straddling a new year). Nothing is guessed silently: the evidence
sentence is stored in the catalog's ``date_evidence``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    """Episode ``episode`` was released on ``date`` (ISO, day or month), as ``source`` says."""

    episode: int
    date: str
    source: str

    @property
    def day(self) -> datetime.date:
        parts = (self.date.split("-") + ["15"])[:3]  # a month-precision anchor: mid-month
        return datetime.date(*map(int, parts))


def date_from_numbering(episode: int, anchors: list[Anchor]) -> tuple[str, str, str]:
    """``(date, precision, evidence)`` for an undated episode (rules in the module docstring)."""
    exact = [a for a in anchors if a.episode == episode]
    if exact:
        a = exact[0]
        return a.date, "day" if len(a.date) == 10 else "month", f"release date: {a.source}"
    below = max((a for a in anchors if a.episode < episode), key=lambda a: a.episode, default=None)
    above = min((a for a in anchors if a.episode > episode), key=lambda a: a.episode, default=None)
    if below is None and above is None:
        raise ValueError("no anchors to date an episode from")
    if below is None or above is None:
        only = below or above
        side = "after" if below else "before"
        return (str(only.day.year), "year",
                f"episode numbering: released {side} #{only.episode} ({only.date}; {only.source}); "
                f"year of that anchor, no anchor on the other side: an estimate")
    span = (above.day - below.day).days
    estimate = below.day + datetime.timedelta(days=round(span * (episode - below.episode)
                                                         / (above.episode - below.episode)))
    certain = below.day.year == above.day.year
    sure = (f"both anchors fall in {below.day.year}, so the year follows from them" if certain else
            f"linear interpolation in days gives {estimate.isoformat()}; the year is an estimate")
    return (str(estimate.year), "year",
            f"episode numbering: between #{below.episode} ({below.date}; {below.source}) and "
            f"#{above.episode} ({above.date}; {above.source}); {sure}")
