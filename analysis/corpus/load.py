"""Loading the curated corpus into one tidy table of turns.

``load_corpus()`` reads ``corpus/catalog.csv`` and every document it lists, full-text
(``corpus/interviews/<doc_id>.txt``) and features-only (``corpus/features/<doc_id>.jsonl``),
and returns one pandas DataFrame, one row per turn, with the catalog's metadata joined
on. ``text`` is empty for features-only documents; :func:`turn_counts` gives the bag of
tokens of any turn, so everything built on counts works on both kinds.
"""
from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis.corpus.catalog import COLUMNS
from analysis.corpus.features import read_features
from analysis.corpus.fulltext import model_role_confidence, read_fulltext
from analysis.core.frozen import FrozenCounter
from analysis.core.paths import corpus_dir
from analysis.corpus.store import read_catalog_rows
from analysis.core.textio import InputError, UsageError
from analysis.text.tokenize import count_tokens

TURN_COLUMNS = ["doc_id", "turn_id", "speaker", "role", "segment", "timestamp", "lang", "text", "n_tokens",
                "role_source", "role_confidence"]
#: Where a turn's role came from, by the catalog's ``speaker_labels`` (a turn record's own
#: ``role_source``, written for model-attributed turns, takes precedence).
ROLE_SOURCES = {"yes": "labels", "inferred": "cues", "model": "model", "none": "none"}
_DOCUMENT_CACHE: dict[tuple, tuple[dict, list[dict]]] = {}


def document_path(doc_id: str, availability: str, root=None) -> Path:
    """Where a document of the given kind lives."""
    root = Path(root or corpus_dir())
    if availability == "full":
        return root / "interviews" / f"{doc_id}.txt"
    return root / "features" / f"{doc_id}.jsonl"


def read_document(path, lang: str | None = None) -> tuple[dict, list[dict]]:
    """``(metadata, turn records)`` of one document, each record with its ``counts``.

    Results are memoised by path, size and modification time, so re-loading an
    unchanged corpus in a notebook session costs nothing; the memoised bags are
    read-only (:class:`analysis.core.frozen.FrozenCounter`), so no caller can change them.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError(path, "listed in the catalog but missing",
                         hint="run `python -m analysis build` to regenerate the catalog") from None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _DOCUMENT_CACHE:
        if path.suffix == ".jsonl":
            meta, records = read_features(path)
            for record in records:
                record["text"] = ""
        else:
            meta, turns = read_fulltext(path)
            lang = meta.get("language") or lang
            records = []
            for turn_id, turn in enumerate(turns, start=1):
                counts = FrozenCounter(count_tokens(turn.text, lang))
                records.append({"turn_id": turn_id, "speaker": turn.speaker, "role": turn.role,
                                "timestamp": turn.timestamp, "segment": turn.segment, "text": turn.text,
                                "n_tokens": sum(counts.values()), "counts": counts, "notes": turn.notes})
                confidence = model_role_confidence(turn.notes)
                if confidence is not None:  # a caption document added with the speaker model's roles
                    records[-1].update(role_source="model", role_confidence=confidence)
        _DOCUMENT_CACHE[key] = (meta, records)
    return _DOCUMENT_CACHE[key]


def load_catalog(root=None) -> pd.DataFrame:
    """The catalog as a DataFrame (one row per interview); a damaged catalog is an
    :class:`InputError` naming the file, line and field (:func:`analysis.corpus.store.read_catalog_rows`)."""
    rows = read_catalog_rows(Path(root or corpus_dir()))
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str).assign(
        n_tokens=lambda d: pd.to_numeric(d["n_tokens"]), n_turns=lambda d: pd.to_numeric(d["n_turns"]))


def unknown_ids_error(unknown, known, what: str = "doc_id") -> UsageError:
    """The error for ids that do not exist, with the close matches (``difflib``) or the known ones."""
    parts = []
    for name in sorted(unknown):
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
        parts.append(f"{name} (did you mean {' or '.join(close)}?)" if close else name)
    listing = ", ".join(sorted(known)) if len(known) <= 30 else f"{len(known)} ids, see `python -m analysis corpus`"
    return UsageError(None, f"unknown {what}(s): {', '.join(parts)}; known: {listing}")


def verify_sizes(path, entry, records: list[dict]) -> None:
    """Compare a loaded document's interview turns and tokens with its catalog row (cheap:
    sums over the records already read); a mismatch means a truncated or edited file."""
    interview = [r for r in records if r["segment"] == "interview"]
    n_turns, n_tokens = len(interview), sum(r["n_tokens"] for r in interview)
    if (n_turns, n_tokens) != (int(entry.n_turns), int(entry.n_tokens)):
        raise InputError(path, f"has {n_turns} turns and {n_tokens} tokens but the catalog says "
                               f"{int(entry.n_turns)} and {int(entry.n_tokens)}: the file is truncated or was edited",
                         hint="run `python -m analysis check`; restore the file (git checkout) or rebuild the catalog")


def load_corpus(root=None, *, segments=("interview",), docs=None) -> pd.DataFrame:
    """One row per turn, catalog metadata joined on.

    ``role_source`` says where each turn's role came from: ``labels`` (speaker names in the
    source), ``cues`` (inferred by the print-interview rules), ``model`` (the caption
    speaker model of :mod:`analysis.ingest.speakers`, with its ``role_confidence``) or
    ``none`` (role ``other``). Analyses by role take ``model_roles=False`` to leave the
    model-attributed documents out.

    Parameters
    ----------
    segments : tuple of str or None
        Which segments to keep. The default keeps the interview proper and leaves out
        hosts' scripted intros, outros and sponsor reads; ``None`` keeps everything.
    docs : list of str, optional
        Only these doc_ids (one id as a string is accepted); an unknown id is a
        :class:`~analysis.core.textio.UsageError` listing the close matches.
    """
    root = Path(root or corpus_dir())
    catalog = load_catalog(root)
    if docs is not None:
        docs = [docs] if isinstance(docs, str) else list(docs)
        unknown = set(docs) - set(catalog["doc_id"])
        if unknown:
            raise unknown_ids_error(unknown, catalog["doc_id"])
        catalog = catalog[catalog["doc_id"].isin(docs)]
    rows = []
    for entry in catalog.itertuples(index=False):
        path = document_path(entry.doc_id, entry.text_availability, root)
        _, records = read_document(path, entry.language)
        verify_sizes(path, entry, records)
        for record in records:
            if segments is None or record["segment"] in segments:
                source = record.get("role_source") or ROLE_SOURCES.get(entry.speaker_labels, "none")
                rows.append({"doc_id": entry.doc_id, "turn_id": record["turn_id"], "speaker": record["speaker"],
                             "role": record["role"], "role_source": "none" if record["role"] == "other" else source,
                             "role_confidence": record.get("role_confidence", float("nan")),
                             "segment": record["segment"],
                             "timestamp": record["timestamp"], "lang": entry.language, "text": record["text"],
                             "n_tokens": record["n_tokens"]})
    turns = pd.DataFrame(rows, columns=TURN_COLUMNS)
    meta = catalog.drop(columns=["n_tokens", "n_turns"]).rename(columns={"language": "doc_language"})
    turns = turns.merge(meta, on="doc_id", how="left", validate="many_to_one")
    turns.attrs["corpus_dir"] = str(root)
    return turns


def turn_counts(turns: pd.DataFrame) -> list[Counter]:
    """The bag of tokens of each row of a turns table (same order as the rows).

    The bags are shared with the loader's memo and read-only; ``Counter(bag)`` gives an editable copy.
    """
    root = Path(turns.attrs.get("corpus_dir") or corpus_dir())
    by_doc: dict[str, dict[int, Counter]] = {}
    bags = []
    for doc_id, turn_id, text, lang, availability in zip(turns["doc_id"], turns["turn_id"], turns["text"],
                                                        turns["lang"], turns["text_availability"]):
        if doc_id not in by_doc:
            _, records = read_document(document_path(doc_id, availability, root), lang)
            by_doc[doc_id] = {r["turn_id"]: r["counts"] for r in records}
        counts = by_doc[doc_id].get(turn_id)
        bags.append(counts if counts is not None else count_tokens(text, lang))
    return bags


def require_full_text(turns: pd.DataFrame, what: str) -> None:
    """Raise a clear error when a function that needs running text meets features-only documents."""
    features_only = sorted(set(turns.loc[turns["text_availability"] != "full", "doc_id"]))
    if features_only:
        raise ValueError(f"{what} needs running text, but these documents are features-only "
                         f"(their text is not in the project): {', '.join(features_only)}. "
                         "Select full-text documents, e.g. turns[turns.text_availability == 'full'].")
