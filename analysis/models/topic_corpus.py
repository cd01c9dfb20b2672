"""The units topic models are fitted on: fixed-size chunks of consecutive turns.

Why chunks and not turns. Turn lengths vary about a hundred-fold across the corpus: a
podcast turn can be one word ("Yeah.") or 1,500 tokens, a print answer a hundred, and
the ten automatic-caption transcripts have no turns at all, only caption blocks of
about 250 tokens (218-280). A topic model treats every row as one document, so a
one-word turn and a long answer would count the same, and short rows give the
co-occurrence statistics behind coherence almost nothing to work with (a turn has
about 26 content tokens on median). Chunks make the rows comparable.

The rule (:func:`chunk_turns`), per document, in turn order: add whole turns to the
current chunk until it holds at least ``chunk_tokens`` running tokens (every token,
stopwords included, as in the catalog's ``n_tokens``), then start a new one. Turns are
never split, so a chunk can be longer than ``chunk_tokens`` when one turn is. What is
left at the end of a document, if shorter than ``chunk_tokens``, joins the previous
chunk when it has fewer than half of ``chunk_tokens`` tokens and stays a chunk of its
own otherwise; a document shorter than ``chunk_tokens`` is one chunk. Chunks never
cross documents. The default, 200, is chosen so that every caption block (the smallest
has 218 tokens) stays one chunk while short podcast turns are pooled to a similar size;
with 250, caption blocks of 249 tokens or fewer would be joined in pairs.

One code path. A chunk's bag is the sum of its turns' bags of tokens
(:func:`analysis.corpus.load.turn_counts`), which full-text and features-only documents
give in the same way; the bag is then re-keyed by lemma and filtered to content words
(:func:`analysis.measures.frequencies.normalised_bag`).

Speakers. By default every speaker is kept: the caption transcripts cannot separate
host from guest (their only role is ``other``), so keeping the interviewer in the
labelled transcripts too makes a chunk the same kind of thing everywhere, a stretch
of conversation. ``roles=("interviewee", "other")`` keeps the executives' own turns
plus the caption transcripts whole; ``roles=("interviewee",)`` drops the caption
transcripts altogether.

Vocabulary. Terms (content lemmas) found in fewer than ``min_df`` chunks are dropped
(default 5). A term in one to four chunks of more than a thousand cannot define a
topic shared across chunks, its co-occurrence counts are too small for NPMI to mean
anything, and such terms are about half the vocabulary (names, typos of the captions,
one-off words).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.measures.frequencies import bags_matrix, normalised_bag
from analysis.corpus.load import load_corpus, turn_counts

DEFAULT_CHUNK_TOKENS = 200
DEFAULT_MIN_DF = 5
#: Columns that describe one turn; every other column of a turns table is document metadata.
TURN_ONLY = ("turn_id", "speaker", "role", "segment", "timestamp", "text", "n_tokens")
CHUNK_COLUMNS = ["doc_id", "chunk_id", "first_turn", "last_turn", "n_turns", "roles", "n_tokens"]


def _check_positive(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def chunk_turns(turns: pd.DataFrame, bags=None, *,
                chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> tuple[pd.DataFrame, list[Counter]]:
    """Group consecutive turns of each document into chunks (rule in the module docstring).

    ``turns``: a turns table (columns ``doc_id``, ``turn_id``, ``role`` at least; any
    other column constant within a document, e.g. the catalog's, is carried over).
    ``bags``: one bag of tokens per row of ``turns`` (default
    :func:`analysis.corpus.load.turn_counts`); running tokens are the sum of a bag's counts.

    Returns the chunks table, one row per chunk (``doc_id, chunk_id`` counted from 1
    within the document, ``first_turn, last_turn, n_turns``, ``roles`` present joined
    by ``+``, ``n_tokens``, then the document metadata), and the chunks' summed bags.
    """
    chunk_tokens = _check_positive(chunk_tokens, "chunk_tokens")
    missing = {"doc_id", "turn_id", "role"} - set(turns.columns)
    if missing:
        raise ValueError(f"the turns table lacks {sorted(missing)}; make it with analysis.corpus.load.load_corpus")
    if turns.empty:
        raise ValueError("the turns table is empty: there is nothing to chunk")
    turns = turns.reset_index(drop=True)
    if bags is None:
        bags = turn_counts(turns)
    bags = list(bags)
    if len(bags) != len(turns):
        raise ValueError(f"got {len(bags)} bags for {len(turns)} turns: give one bag per turn")
    meta_columns = [c for c in turns.columns if c not in TURN_ONLY and c != "doc_id"]
    rows, chunk_bags = [], []
    for doc_id in dict.fromkeys(turns["doc_id"]):
        part = turns[turns["doc_id"] == doc_id].sort_values("turn_id", kind="stable")
        meta = part.iloc[0][meta_columns].to_dict()
        groups, current, size = [], [], 0
        for i in part.index:
            current.append(i)
            size += sum(bags[i].values())
            if size >= chunk_tokens:
                groups.append(current)
                current, size = [], 0
        if current:
            if groups and size < chunk_tokens / 2:
                groups[-1].extend(current)
            else:
                groups.append(current)
        for chunk_id, members in enumerate(groups, start=1):
            bag: Counter = Counter()
            for i in members:
                bag.update(bags[i])
            roles = "+".join(sorted(set(turns.loc[members, "role"])))
            rows.append({"doc_id": doc_id, "chunk_id": chunk_id, "first_turn": int(turns.at[members[0], "turn_id"]),
                         "last_turn": int(turns.at[members[-1], "turn_id"]), "n_turns": len(members),
                         "roles": roles, "n_tokens": int(sum(bag.values())), **meta})
            chunk_bags.append(bag)
    return pd.DataFrame(rows, columns=[*CHUNK_COLUMNS, *meta_columns]), chunk_bags


@dataclass
class TopicCorpus:
    """Chunks x content-lemma counts, the chunks' metadata, and how they were made.

    ``matrix`` (CSR, counts), ``terms`` (its columns, sorted), ``chunks`` (one row per
    matrix row: see :func:`chunk_turns`, plus ``n_content``, the chunk's content-lemma
    tokens, and ``n_in_vocabulary``, those whose lemma kept its column), ``token_bags``
    (each chunk's bag of tokens, for the theme dictionary) and ``lemma_bags`` (its
    content lemmas before the ``min_df`` cut).
    """

    matrix: sparse.csr_matrix
    terms: list[str]
    chunks: pd.DataFrame
    token_bags: list[Counter] = field(repr=False)
    lemma_bags: list[Counter] = field(repr=False)
    lang: str = "en"
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS
    min_df: int = DEFAULT_MIN_DF
    roles: tuple | None = None

    def describe(self) -> pd.DataFrame:
        """Chunks, documents, vocabulary and tokens, as a small table for a notebook."""
        c = self.chunks
        rows = [("documents", c["doc_id"].nunique()), ("chunks", len(c)),
                ("running tokens", int(c["n_tokens"].sum())),
                ("running tokens per chunk, median", float(c["n_tokens"].median())),
                ("content-lemma tokens", int(c["n_content"].sum())),
                (f"terms in at least {self.min_df} chunks (the vocabulary)", len(self.terms)),
                ("content-lemma tokens kept by the vocabulary", int(c["n_in_vocabulary"].sum())),
                ("share of content-lemma tokens kept", float(c["n_in_vocabulary"].sum() / c["n_content"].sum()))]
        return pd.DataFrame(rows, columns=["quantity", "value"])


def topic_corpus(turns: pd.DataFrame | None = None, *, lang: str = "en",
                 chunk_tokens: int = DEFAULT_CHUNK_TOKENS, min_df: int = DEFAULT_MIN_DF,
                 roles=None) -> TopicCorpus:
    """The chunked document-term matrix of the ``lang`` interviews (default: the English ones).

    ``turns``: a turns table (default: :func:`analysis.corpus.load.load_corpus`, the
    interview segments); only its ``lang`` rows are used. ``roles``: speaker roles to
    keep (default all; see the module docstring). ``min_df``: minimum number of chunks
    a term must occur in.
    """
    min_df = _check_positive(min_df, "min_df")
    turns = load_corpus() if turns is None else turns
    selected = turns[turns["lang"] == lang]
    if selected.empty:
        raise ValueError(f"no turns in language {lang!r} (languages present: {sorted(set(turns['lang']))})")
    if roles is not None:
        roles = tuple([roles] if isinstance(roles, str) else roles)
        selected = selected[selected["role"].isin(roles)]
        if selected.empty:
            raise ValueError(f"no {lang} turns with the role(s) {roles}; roles present: "
                             f"{sorted(set(turns.loc[turns['lang'] == lang, 'role']))}")
    selected = selected.reset_index(drop=True)
    selected.attrs.update(turns.attrs)
    chunks, bags = chunk_turns(selected, turn_counts(selected), chunk_tokens=chunk_tokens)
    lemma_bags = [normalised_bag(bag, lang) for bag in bags]
    df = Counter()
    for bag in lemma_bags:
        df.update(bag.keys())
    terms = sorted(t for t, n in df.items() if n >= min_df)
    if not terms:
        raise ValueError(f"no term occurs in {min_df} or more chunks; lower min_df or add documents")
    matrix = bags_matrix(lemma_bags, terms, dtype=np.int64)
    chunks["n_content"] = [int(sum(b.values())) for b in lemma_bags]
    chunks["n_in_vocabulary"] = np.asarray(matrix.sum(axis=1)).ravel().astype(int)
    return TopicCorpus(matrix.tocsr(), terms, chunks, bags, lemma_bags, lang, chunk_tokens, min_df, roles)
