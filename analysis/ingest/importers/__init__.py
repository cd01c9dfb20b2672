"""Importers for third-party transcript shapes (lexfridman.com pages, captions, Name: text).

Each parser turns raw text into a list of :class:`analysis.core.turns.Turn`; the segment rules
(intro, sponsor reads, outro) they share are in :mod:`analysis.ingest.importers.rules`.
"""
from analysis.ingest.importers.captions import parse_captions
from analysis.ingest.importers.dispatch import SHAPES, detect_shape, parse_transcript, read_transcript, summarize
from analysis.ingest.importers.labelled import parse_labelled
from analysis.ingest.importers.lexfridman import page_metadata, parse_lexfridman, posting_evidence
from analysis.ingest.importers.rules import segment_spans
from analysis.ingest.importers.testimony import parse_testimony

__all__ = ["SHAPES", "detect_shape", "parse_captions", "page_metadata", "parse_labelled", "parse_lexfridman", "parse_testimony", "posting_evidence",
           "parse_transcript", "read_transcript", "segment_spans", "summarize"]
