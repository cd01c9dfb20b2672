"""Importers for third-party transcript shapes (lexfridman.com pages, captions, Name: text).

Each parser turns raw text into a list of :class:`analysis.turns.Turn`; the segment rules
(intro, sponsor reads, outro) they share are in :mod:`analysis.importers.rules`.
"""
from .captions import parse_captions
from .dispatch import SHAPES, detect_shape, parse_transcript, read_transcript, summarize
from .labelled import parse_labelled
from .lexfridman import parse_lexfridman
from .rules import segment_spans

__all__ = ["SHAPES", "detect_shape", "parse_captions", "parse_labelled", "parse_lexfridman",
           "parse_transcript", "read_transcript", "segment_spans", "summarize"]
