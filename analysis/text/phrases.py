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

    def count_chunks(self, chunks: list[str], tokens_of: Callable[[str], tuple[str, ...]]) -> Counter:
        """Counts of the merged tokens of a text given as whitespace-separated chunks.

        Equal to ``Counter(self.merge(tokens))`` but much faster on long texts: each
        distinct chunk is tokenized once (``tokens_of`` memoises), counting runs over
        chunk types, and only chunks that can start a multiword term are visited in order.
        Tokens never span whitespace, so this is exact.
        """
        totals: dict[str, int] = {}          # a plain dict: Counter's += on a new key runs Python code
        get = totals.get
        starts = self.lengths.keys()
        flagged = set()
        memo = getattr(tokens_of, "cache", {})   # read the tokenizer's memo directly: no call per chunk
        learn = getattr(tokens_of, "learn", tokens_of)
        for chunk, n in Counter(chunks).items():
            tokens = memo.get(chunk)
            if tokens is None:
                tokens = learn(chunk)
            for token in tokens:
                totals[token] = get(token, 0) + n
            if not starts.isdisjoint(tokens):
                flagged.add(chunk)
        counts = Counter(totals)
        if flagged:
            self._merge_multiword(chunks, tokens_of, flagged, counts)
        for token in self.single.keys() & counts.keys():
            counts[self.single[token]] += counts.pop(token)
        return counts

    def _merge_multiword(self, chunks, tokens_of, flagged, counts) -> None:
        def following(ci, ti):
            tokens = tokens_of(chunks[ci])
            for tj in range(ti, len(tokens)):
                yield ci, tj, tokens[tj]
            for cj in range(ci + 1, len(chunks)):
                for tj, token in enumerate(tokens_of(chunks[cj])):
                    yield cj, tj, token

        lengths, seconds, n_chunks = self.lengths, self.seconds, len(chunks)
        end_ci, end_ti = -1, 0           # the first token after the last match: (chunk, token)
        for ci in itertools.compress(itertools.count(), map(flagged.__contains__, chunks)):
            if ci < end_ci:
                continue
            tokens = tokens_of(chunks[ci])
            for ti, first in enumerate(tokens):
                if (ci == end_ci and ti < end_ti) or first not in lengths:
                    continue
                if ti + 1 < len(tokens):
                    second = tokens[ti + 1]
                else:                    # the first token of the next chunk that has one
                    second, cj = None, ci + 1
                    while cj < n_chunks:
                        after = tokens_of(chunks[cj])
                        if after:
                            second = after[0]
                            break
                        cj += 1
                if second not in seconds[first]:
                    continue
                window = list(itertools.islice(following(ci, ti), self.lengths[first][0]))
                words = tuple(token for _, _, token in window)
                for length in self.lengths[first]:
                    canonical = self.sequences.get(words[:length]) if length <= len(words) else None
                    if canonical is not None:
                        counts[canonical] += 1
                        for token in words[:length]:
                            counts[token] -= 1
                        end_ci, end_ti = window[length - 1][0], window[length - 1][1] + 1
                        break
        for token in [t for t, n in counts.items() if n <= 0]:
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
