"""Training and test episodes from the labelled transcripts of the archive, split by episode.

The maintainers' archive (``../shared/lex-archive``; ``ANALYSIS_LEX_ARCHIVE`` overrides)
lists its files in ``manifest.csv``; the ``lexfridman``-layout ones name their speakers.
Each is parsed with :func:`analysis.ingest.importers.parse_lexfridman` (host: Lex Fridman)
and converted by :func:`analysis.ingest.speakers.convert.turns_to_captions`.

**Duplicates.** The archive holds some transcripts twice under other names. Episodes
whose content overlaps are put into one *group*, and a split never separates a group:

* same content: equal sha256 of the normalised word stream (no noise);
* near copies: containment of hashed 8-word shingles, ``|A & B| / min(|A|, |B|)``, of at
  least ``NEAR_COPY`` (0.5), as in Broder (1997) "On the resemblance and containment of
  documents". Groups are the connected components of these links.

A group is named by its smallest episode number (:func:`episode_key` order), not by a
content hash, so that a change in the caption conversion, which changes every hash, does
not rename the groups and with them redraw a seeded split.

**Split.** Groups are ordered by a seeded permutation and the first ones, up to
``test_share`` of the episodes, are held out for testing; nothing about a test episode is
used in training, window-size selection or the fitting of the decoder's settings.

**The pinned split** (``speaker_split.json`` beside this module; :func:`pinned_split`) is
the one the shipped model is trained and tested on: the held-out episodes of the first
shipped model (kept, so that every later model is scored on the same episodes, which
none of them ever saw) and the validation episodes inside the training ones.
:func:`data_version` (the sha256 of the sorted ``episode:content_hash`` lines of *all*
labelled episodes) is recorded with it and with the model; training from another
archive or another conversion refuses to pass as the shipped model's reproduction.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.core.paths import PROJECT_ROOT
from analysis.core.textio import InputError, atomic_write_text, read_text
from analysis.ingest.importers import parse_lexfridman
from analysis.ingest.speakers.convert import CaptionStream, turns_to_captions

HOST_NAMES = ("Lex Fridman",)
SPLIT_FILE = Path(__file__).with_name("speaker_split.json")
NEAR_COPY = 0.5
SHINGLE = 8


def archive_dir() -> Path:
    """The maintainers' lex-archive folder (absent on a user's clone)."""
    return Path(os.environ.get("ANALYSIS_LEX_ARCHIVE", PROJECT_ROOT.parent / "shared" / "lex-archive"))


@dataclass
class Episode:
    """One labelled episode in caption form."""

    episode: str
    file: str
    stream: CaptionStream
    content_hash: str
    group: str = ""


def manifest_rows(root: Path | None = None, shape: str = "lexfridman") -> list[dict]:
    """Rows of the archive's manifest with the given ``shape``, in file order."""
    root = Path(root or archive_dir())
    path = root / "manifest.csv"
    if not path.exists():
        raise InputError(path, "the archive's manifest.csv is missing",
                         hint="training needs the maintainers' ../shared/lex-archive (or set ANALYSIS_LEX_ARCHIVE)")
    with open(path, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["shape"] == shape]


def content_hash(words: list[str]) -> str:
    """sha256 of the normalised word stream."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def load_episodes(root: Path | None = None, limit: int | None = None, only=None) -> list[Episode]:
    """Every labelled episode of the archive in caption form, with its duplicate group.

    ``only``: just these episode numbers (as the manifest writes them); ``limit``: the first ``limit``.
    """
    root = Path(root or archive_dir())
    episodes = []
    rows = [row for row in manifest_rows(root) if only is None or row["episode"] in set(only)]
    if only is not None and len(rows) != len(set(only)):
        missing = sorted(set(only) - {row["episode"] for row in rows})
        raise InputError(root / "manifest.csv", f"episode(s) {', '.join(missing)} are not labelled episodes here",
                         hint="the model was trained on another archive; retrain with `python -m analysis speakers --train`")
    for row in rows[:limit]:
        path = root / "transcripts" / row["file"]
        turns = parse_lexfridman(read_text(path), hosts=HOST_NAMES, path=path)
        clean = turns_to_captions(turns, noise=False)
        episodes.append(Episode(row["episode"], row["file"], turns_to_captions(turns), content_hash(clean.words)))
    assign_groups(episodes)
    return episodes


def _shingles(words: list[str]) -> set[bytes]:
    """8-byte BLAKE2 digests of the stream's 8-word shingles (stable across runs, unlike ``hash``)."""
    return {hashlib.blake2b(" ".join(words[i:i + SHINGLE]).encode("utf-8"), digest_size=8).digest()
            for i in range(max(1, len(words) - SHINGLE + 1))}


def assign_groups(episodes: list[Episode]) -> None:
    """Set each episode's ``group``: connected components of same-content and near-copy links."""
    parent = list(range(len(episodes)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    shingles = [_shingles(e.stream.words) for e in episodes]
    for i in range(len(episodes)):
        for j in range(i + 1, len(episodes)):
            same = episodes[i].content_hash == episodes[j].content_hash
            overlap = len(shingles[i] & shingles[j]) / max(1, min(len(shingles[i]), len(shingles[j])))
            if same or overlap >= NEAR_COPY:
                parent[find(j)] = find(i)
    members: dict[int, list[str]] = {}
    for i, episode in enumerate(episodes):
        members.setdefault(find(i), []).append(episode.episode)
    for i, episode in enumerate(episodes):
        episode.group = min(members[find(i)], key=episode_key)


def episode_key(episode: str):
    """Sort key of episode numbers: numeric ones by value, then the rest by text."""
    return (0, int(episode), "") if episode.isdigit() else (1, 0, episode)


def split_episodes(episodes: list[Episode], *, test_share: float = 0.3, random_state: int = 13):
    """``(train, test)`` lists of episodes, whole groups on one side (rules in the module docstring)."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be between 0 and 1, not {test_share}")
    groups = sorted({e.group for e in episodes})
    order = np.random.default_rng(random_state).permutation(len(groups))
    test_groups, n_test = set(), 0
    for k in order:
        if n_test >= test_share * len(episodes):
            break
        members = [e for e in episodes if e.group == groups[k]]
        test_groups.add(groups[k])
        n_test += len(members)
    train = [e for e in episodes if e.group not in test_groups]
    test = [e for e in episodes if e.group in test_groups]
    return train, test


def episode_list_hash(episodes: list[Episode]) -> str:
    """sha256 of the sorted ``episode:content_hash`` lines: the training data's version."""
    lines = sorted(f"{e.episode}:{e.content_hash}" for e in episodes)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def data_version(episodes: list[Episode]) -> str:
    """The labelled data's version: :func:`episode_list_hash` of all episodes."""
    return episode_list_hash(episodes)


def pinned_split(episodes: list[Episode], path: Path | None = None):
    """``(train, validation, test)`` episodes as ``speaker_split.json`` lists them (rules above).

    Refuses (naming the file) an episode the file lists that is not in ``episodes``, an
    episode in neither list of the file, and a duplicate group split across training and test.
    """
    path = Path(path or SPLIT_FILE)
    split = json.loads(read_text(path))
    test, validation = set(split["test_episodes"]), set(split["validation_episodes"])
    known = {e.episode for e in episodes}
    unknown = sorted((test | validation | set(split["training_episodes"])) - known, key=episode_key)
    if unknown:
        raise InputError(path, f"episode(s) {', '.join(unknown)} are not labelled episodes of this archive",
                         hint="another archive: write a new split (`python -m analysis speakers --train --new-split`)")
    unlisted = sorted(known - test - set(split["training_episodes"]), key=episode_key)
    if unlisted:
        raise InputError(path, f"episode(s) {', '.join(unlisted)} are in neither the training nor the test list",
                         hint="the archive has new episodes: write a new split (`--train --new-split`)")
    train = [e for e in episodes if e.episode not in test]
    held_out = [e for e in episodes if e.episode in test]
    crossing = {e.group for e in train} & {e.group for e in held_out}
    if crossing:
        raise InputError(path, f"duplicate group(s) {', '.join(sorted(crossing))} lie on both sides of the split",
                         hint="write a new split (`--train --new-split`)")
    return [e for e in train if e.episode not in validation], [e for e in train if e.episode in validation], held_out


def write_split(train, validation, test, path: Path | None = None) -> Path:
    """Write ``speaker_split.json`` (sorted lists and the data version; atomic)."""
    path = Path(path or SPLIT_FILE)
    everything = [*train, *validation, *test]
    split = {"data_version": data_version(everything),
             "training_episodes": sorted((e.episode for e in [*train, *validation]), key=episode_key),
             "validation_episodes": sorted((e.episode for e in validation), key=episode_key),
             "test_episodes": sorted((e.episode for e in test), key=episode_key)}
    atomic_write_text(path, json.dumps(split, indent=1) + "\n")
    return path
