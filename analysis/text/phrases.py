"""Merging multiword terms ("open source", "puissance de calcul") into single tokens.

The phrase list lives in ``corpus/phrases.csv``: one row per canonical term with its
spelled variants (``|``-separated). Each variant is tokenized with the project's own
tokenizer, so a phrase matches exactly the token sequences the tokenizer produces. Words
of a variant may be written with spaces or hyphens ("open source", "open-source"), and
the last word may take a plural ``s`` or ``x``: all these spellings are generated. Merging
is greedy, longest match first, left to right (the usual rule for multiword expressions,
e.g. quanteda's ``tokens_compound``). Punctuation is not a token, so a phrase can span
it ("open. Source" matches): rare in practice, and the price of one code path.
"""
from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

from analysis.core.textio import InputError
from analysis.core.paths import corpus_dir

PHRASES_FILE = "phrases.csv"


def load_phrase_table(path) -> list[dict]:
    """Rows of the phrase list: ``lang``, ``canonical``, ``variants`` (list), ``note``."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            if not row.get("canonical") or not row.get("variants"):
                raise InputError(path, "a row needs 'canonical' and 'variants'", line=line_no,
                                 hint="see the header: lang,canonical,variants,note")
            rows.append({"lang": (row.get("lang") or "*").strip(), "canonical": row["canonical"].strip().lower(),
                         "variants": [v.strip() for v in row["variants"].split("|") if v.strip()],
                         "note": row.get("note", ""), "line": line_no})
    return rows


def spellings(words: list[str]) -> list[str]:
    """Every way to write ``words`` with spaces or hyphens, with and without a plural s/x."""
    forms = []
    for joints in itertools.product((" ", "-"), repeat=len(words) - 1):
        text = words[0] + "".join(j + w for j, w in zip(joints, words[1:]))
        forms.append(text)
        if text[-1:].isalpha() and text[-1] not in "sx":
            forms += [text + "s", text + "x"]
    return forms


class PhraseMatcher:
    """Finds the phrase list's token sequences in a token list (greedy, longest first)."""

    def __init__(self, sequences: dict[tuple[str, ...], str]):
        self.sequences = sequences
        self.single = {seq[0]: canonical for seq, canonical in sequences.items() if len(seq) == 1}
        lengths, seconds = defaultdict(set), defaultdict(set)
        for seq in sequences:
            if len(seq) > 1:
                lengths[seq[0]].add(len(seq))
                seconds[seq[0]].add(seq[1])
        #: for each token that starts a multiword sequence, the tokens that can follow it
        self.seconds = dict(seconds)
        #: for each token that starts a multiword sequence, the sequence lengths, longest first
        self.lengths = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}
        self.firsts = set(self.lengths) | set(self.single)
        #: the tokens that start a multiword sequence (one object, so memos can key on it)
        self.starts = frozenset(self.lengths)
        #: for each such token, the set of tokens of each of its sequences
        self.term_words = {first: [frozenset(seq) for seq in sequences if len(seq) > 1 and seq[0] == first]
                           for first in self.starts}

    @classmethod
    def from_table(cls, rows: list[dict], lang: str, raw_tokens: Callable[[str], list[str]], path=None):
        """Build from phrase-list rows for ``lang``, tokenizing each spelling with ``raw_tokens``."""
        sequences: dict[tuple[str, ...], str] = {}
        for row in rows:
            if row["lang"] not in ("*", lang):
                continue
            for variant in row["variants"]:
                words = variant.lower().replace("’", "'").replace("-", " ").split()
                for form in spellings(words):
                    tokens = tuple(raw_tokens(form))
                    if len(tokens) == 1 and tokens[0] == row["canonical"]:
                        continue
                    if not tokens:
                        raise InputError(path, f"variant {variant!r} has no tokens", line=row["line"])
                    sequences.setdefault(tokens, row["canonical"])
        return cls(sequences)

    def matches(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """``(start, length, canonical)`` of every match, left to right, not overlapping."""
        found, sequences, lengths, single = [], self.sequences, self.lengths, self.single
        i = 0
        for start in itertools.compress(itertools.count(), map(self.firsts.__contains__, tokens)):
            if start < i:
                continue
            first = tokens[start]
            for length in lengths.get(first, ()):
                canonical = sequences.get(tuple(tokens[start:start + length]))
                if canonical is not None:
                    found.append((start, length, canonical))
                    i = start + length
                    break
            else:
                if first in single:
                    found.append((start, 1, single[first]))
                    i = start + 1
        return found

    def merge(self, tokens: list[str]) -> list[str]:
        """The token list with each matched sequence replaced by its canonical token."""
        out, last = [], 0
        for start, length, canonical in self.matches(tokens):
            out.extend(tokens[last:start])
            out.append(canonical)
            last = start + length
        out.extend(tokens[last:])
        return out

    def count_chunks(self, chunks: list[str], memo) -> Counter:
        """Counts of the merged tokens of a text given as whitespace-separated chunks.

        Equal to ``Counter(self.merge(tokens))`` but much faster on long texts: ``memo``
        (a :class:`analysis.text.tokenize.ChunkMemo`) tokenizes each distinct chunk once,
        counting runs over chunk types, and only the chunks holding the first token of a
        multiword term that can occur in this text (all its tokens are in it) are visited
        in order. Tokens never span whitespace, so this is exact. Keys: token types in order
        of first occurrence, then multiword terms in the order they are matched, then
        one-token spellings re-keyed to their canonical form.
        """
        chunk_counts = Counter(chunks)
        memo.ensure(chunk_counts.keys())
        counts = Counter(memo.token_totals(chunk_counts))
        viable = self._viable_starts(counts.keys())
        if viable:
            flagged = memo.chunks_with(self.starts) & chunk_counts.keys()
            if len(viable) < len(self.starts):
                flagged = {c for c in flagged if not viable.isdisjoint(memo.tokens(c))}
            if flagged:
                self._merge_multiword(chunks, memo, flagged, viable, counts)
        for token in self.single.keys() & counts.keys():
            counts[self.single[token]] += counts.pop(token)
        return counts

    def _viable_starts(self, types) -> set[str]:
        """First tokens of the multiword terms whose tokens all occur among ``types`` (a set-like):
        no other term can match, so no other first token needs visiting."""
        return {first for first in self.starts & types
                if any(types >= words for words in self.term_words[first])}

    def _merge_multiword(self, chunks, memo, flagged, viable, counts) -> None:
        """Greedy, longest-first, left-to-right matching (as :meth:`matches`), visiting only the
        chunks in ``flagged``; adjusts ``counts`` in place."""
        single, other = memo.single, memo.other

        def tokens_at(ci):
            token = single.get(chunks[ci])
            return (token,) if token is not None else other[chunks[ci]]

        sequences, lengths, seconds, n_chunks = self.sequences, self.lengths, self.seconds, len(chunks)
        end_ci, end_ti = -1, 0           # the first token after the last match: (chunk, token)
        used = set()
        single_get, last = single.get, n_chunks - 1
        for ci in itertools.compress(itertools.count(), map(flagged.__contains__, chunks)):
            if ci < end_ci:
                continue
            first = single_get(chunks[ci])
            if first is not None and ci < last and ci != end_ci:
                # the usual case, a one-token chunk followed by one: rejected without a call
                second = single_get(chunks[ci + 1])
                if second is not None and second not in seconds[first]:
                    continue
            tokens = tokens_at(ci)
            ti = end_ti if ci == end_ci else 0
            while ti < len(tokens):
                first = tokens[ti]
                if first not in viable:
                    ti += 1
                    continue
                if ti + 1 < len(tokens):
                    second = tokens[ti + 1]
                else:                    # the first token of the next chunk that has one
                    second, cj = None, ci + 1
                    while cj < n_chunks:
                        after = tokens_at(cj)
                        if after:
                            second = after[0]
                            break
                        cj += 1
                if second not in seconds[first]:
                    ti += 1
                    continue
                longest = lengths[first][0]
                words = list(tokens[ti:ti + longest])
                ends = [(ci, k + 1) for k in range(ti, ti + len(words))]
                cj = ci + 1
                while len(words) < longest and cj < n_chunks:
                    for k, token in enumerate(tokens_at(cj)):
                        words.append(token)
                        ends.append((cj, k + 1))
                        if len(words) == longest:
                            break
                    cj += 1
                words = tuple(words)
                for length in lengths[first]:
                    canonical = sequences.get(words[:length]) if length <= len(words) else None
                    if canonical is not None:
                        counts[canonical] += 1
                        for token in words[:length]:
                            counts[token] -= 1
                        used.update(words[:length])
                        end_ci, end_ti = ends[length - 1]
                        break
                else:
                    ti += 1
                    continue
                if end_ci > ci:          # the match runs into later chunks: this one is done
                    break
                ti = end_ti
        for token in used:               # only a matched term's tokens can have run out
            if counts[token] <= 0:
                del counts[token]

    def count(self, tokens: list[str]) -> Counter:
        """Counts of the merged token list, without building it (the fast path for bags)."""
        counts = Counter(tokens)
        if self.lengths.keys().isdisjoint(counts):
            for token in self.single.keys() & counts.keys():      # one-token spellings: re-key
                counts[self.single[token]] += counts.pop(token)
            return counts
        for start, length, canonical in self.matches(tokens):
            counts[canonical] += 1
            for token in tokens[start:start + length]:
                counts[token] -= 1
        for token in [t for t, n in counts.items() if n <= 0]:
            del counts[token]
        return counts


def phrase_file(path=None) -> Path:
    """The phrase list in use (``corpus/phrases.csv`` of the current corpus folder)."""
    return Path(path) if path else corpus_dir() / PHRASES_FILE
