"""Archive hygiene: duplicate content under other names, and files whose intro names another guest.

Two checks, run before a transcript enters the corpus or a benchmark count:

1. **Duplicates.** :func:`content_hash` is the sha256 of the *normalized* text (Unicode
   NFKC, lower case, every run of whitespace one space, trimmed), so files that differ
   only in whitespace or line endings hash alike; byte-identical files share the raw
   sha256 as well. :func:`duplicate_groups` groups files by it. Near duplicates that are
   not identical after normalization (re-encoded punctuation, a trimmed sponsor read) are
   looked for with MinHash over word 5-shingles (Broder 1997, *On the resemblance and
   containment of documents*; ``datasketch`` MinHash LSH, 128 permutations, Jaccard
   threshold 0.8) by :func:`near_duplicate_pairs`; the estimated Jaccard similarity of each
   candidate pair is reported. ``python -m analysis add`` reuses :func:`content_hash` to
   refuse content already in the corpus under another id.
2. **Guest check.** :func:`intro_guest` reads the guest the host names in the intro
   ("the following is a conversation with NAME"; captions misspell names, so NAME is the
   next ``name_words`` words); :func:`guest_match` compares it with the name in the file
   name or manifest title by fuzzy matching: the best ``difflib.SequenceMatcher`` ratio
   (Ratcliff and Obershelp 1988) between the expected name and any window of as many
   words in the intro, after normalization. Below ``GUEST_THRESHOLD`` (0.45, chosen by
   reading the lowest-scoring files of the archive) the file is flagged. Misheard names
   ("convoked" for Kyle Vogt) make false alarms, so a flag means "read it": the flags that
   matter are those confirmed by a duplicate group (:func:`audit_archive`'s ``mislabelled``).

:func:`audit_archive` runs both over a folder with a ``manifest.csv`` (``file``, ``title``)
and returns the findings that ``corpus/README.md`` reports.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from analysis.core.textio import read_text, sha256_file
from analysis.ingest.importers.rules import INTRO_START

SHINGLE_WORDS = 5
NUM_PERM = 128
JACCARD_THRESHOLD = 0.8
GUEST_THRESHOLD = 0.45
_WORD = re.compile(r"[a-z0-9]+")


def normalize_content(text: str) -> str:
    """NFKC, lower case, whitespace runs collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def content_hash(text: str) -> str:
    """sha256 (hex) of :func:`normalize_content` of ``text``: equal for whitespace-only differences."""
    return hashlib.sha256(normalize_content(text).encode("utf-8")).hexdigest()


def duplicate_groups(hashes: dict[str, str]) -> list[list[str]]:
    """Groups (sorted) of names sharing a hash, from ``{name: hash}``; singletons left out."""
    by_hash = defaultdict(list)
    for name, digest in hashes.items():
        by_hash[digest].append(name)
    return sorted(sorted(names) for names in by_hash.values() if len(names) > 1)


def minhash(text: str, seed: int = 1) -> MinHash:
    """MinHash of the word 5-shingles of the normalized text (fixed seed: same signature every run)."""
    words = _WORD.findall(normalize_content(text))
    sig = MinHash(num_perm=NUM_PERM, seed=seed)
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    sig.update_batch([s.encode("utf-8") for s in shingles])
    return sig


def near_duplicate_pairs(texts: dict[str, str], threshold: float = JACCARD_THRESHOLD) -> list[tuple[str, str, float]]:
    """``[(name_a, name_b, estimated Jaccard)]`` for candidate pairs from MinHash LSH, sorted."""
    signatures = {name: minhash(text) for name, text in sorted(texts.items())}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for name, sig in signatures.items():
        lsh.insert(name, sig)
    pairs = set()
    for name, sig in signatures.items():
        for other in lsh.query(sig):
            if other != name:
                a, b = sorted((name, other))
                pairs.add((a, b, round(signatures[a].jaccard(signatures[b]), 3)))
    return sorted(pairs)


def intro_guest(text: str, name_words: int = 4) -> str | None:
    """The ``name_words`` words after the first "the following is a conversation with" (normalized), or None."""
    m = INTRO_START["following_is"].search(text[:40000])
    if m is None:
        return None
    return " ".join(_WORD.findall(normalize_content(text[m.end():m.end() + 300]))[:name_words])


def guest_match(expected: str, intro: str | None) -> float | None:
    """How well the intro's first words match the name that opens ``expected`` (0-1).

    A manifest title starts with the guest's name but does not say where the name ends
    ("Ada Byron Looms and Cards"), so the name is taken as its first 2 and first 3 words,
    each compared with the intro's first words of the same count; the better
    ``difflib.SequenceMatcher`` ratio wins.
    """
    if not intro:
        return None
    want, words = _WORD.findall(normalize_content(expected)), intro.split()
    scores = [difflib.SequenceMatcher(None, " ".join(want[:k]), " ".join(words[:k])).ratio()
              for k in (2, 3) if len(want) >= min(k, 2)]
    return round(max(scores), 3) if scores else None


def expected_guest(title: str) -> str:
    """The part of a manifest title before " - " (the guest's name, maybe followed by topics)."""
    return re.split(r"\s+[-–:]\s+|:", title)[0].strip()


def audit_archive(folder, *, files_dir: str = "transcripts") -> dict:
    """Both checks over ``folder/manifest.csv`` (``file``, ``title``): the findings as a dict."""
    folder = Path(folder)
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts, raw, normalized, guests = {}, {}, {}, []
    for row in rows:
        path = folder / files_dir / row["file"]
        texts[row["file"]] = text = read_text(path)
        raw[row["file"]] = sha256_file(path)
        normalized[row["file"]] = content_hash(text)
        intro = intro_guest(text)
        expected = expected_guest(row["title"])
        score = guest_match(expected, intro)
        # A name of several words may be a group ("Cursor Team"): compare its first word too.
        guests.append({"file": row["file"], "expected": expected, "intro": intro or "", "score": score})
    byte_groups = duplicate_groups(raw)
    norm_groups = duplicate_groups(normalized)
    in_norm = {tuple(g) for g in norm_groups}
    near = [p for p in near_duplicate_pairs(texts)
            if not any(p[0] in g and p[1] in g for g in in_norm)]
    flagged = [g for g in guests if g["score"] is not None and g["score"] < GUEST_THRESHOLD]
    # In a group of identical content, the file whose title best matches the intro holds
    # its own episode; the others carry that content under a wrong name.
    score = {g["file"]: g["score"] if g["score"] is not None else -1 for g in guests}
    mislabelled = []
    for group in norm_groups:
        keeper = max(group, key=lambda name: (score[name], name))
        mislabelled += [{"file": name, "content_of": keeper} for name in group
                        if name != keeper and score[name] < GUEST_THRESHOLD]
    return {"files": len(rows), "byte_identical": byte_groups,
            "whitespace_only": [g for g in norm_groups if g not in byte_groups],
            "near_duplicates": near, "guest_mismatch": flagged, "mislabelled": mislabelled,
            "no_intro_name": sorted(g["file"] for g in guests if g["score"] is None)}


def format_findings(found: dict) -> str:
    """The findings of :func:`audit_archive` as Markdown (what ``corpus/README.md`` reports)."""
    lines = [f"Files checked: {found['files']}.", "",
             f"* byte-identical groups: {len(found['byte_identical'])}",
             f"* identical after whitespace/case normalization only: {len(found['whitespace_only'])}",
             f"* near duplicates by MinHash (Jaccard >= {JACCARD_THRESHOLD}, not identical): "
             f"{len(found['near_duplicates'])}",
             f"* intro names another guest (fuzzy score < {GUEST_THRESHOLD}): {len(found['guest_mismatch'])}, "
             f"of which confirmed by a duplicate group: {len(found['mislabelled'])}",
             f"* no 'the following is a conversation with' intro to check: {len(found['no_intro_name'])}", ""]
    for key, title in (("byte_identical", "Byte-identical"), ("whitespace_only", "Whitespace-only differences")):
        lines += [f"{title}:", ""] + [f"* {' = '.join(group)}" for group in found[key]] + [""]
    lines += ["Near duplicates (estimated Jaccard):", ""]
    lines += [f"* {a} ~ {b} ({j})" for a, b, j in found["near_duplicates"]] + [""]
    lines += ["Files holding another episode's content (in a duplicate group, intro names the other file's guest):", ""]
    lines += [f"* {m['file']} holds {m['content_of']}" for m in found["mislabelled"]] + [""]
    lines += ["Other guest-check flags (to read; misheard names make false alarms):", ""]
    confirmed = {m["file"] for m in found["mislabelled"]}
    lines += [f"* {g['file']} (score {g['score']})" for g in found["guest_mismatch"] if g["file"] not in confirmed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys  # noqa: PLC0415 (only when run as a script: python -m analysis.ingest.dedupe FOLDER)
    print(format_findings(audit_archive(sys.argv[1] if len(sys.argv) > 1 else "../shared/lex-archive")))
