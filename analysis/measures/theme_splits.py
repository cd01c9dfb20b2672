"""Development / test split of the interviews, for writing and testing theme rules.

Rules are written on development interviews only; test interviews are never read while
writing them and are only used to report (Grimmer and Stewart 2013, "Text as Data",
*Political Analysis* 21(3), on validating on held-out text). The split is grouped, so
that no speaker's way of talking leaks from development into test:

* **Group.** The interviewee key of the doc_id (``date_interviewee_outlet`` -> ``interviewee``):
  all interviews of one person fall on the same side.
* **Draw.** Each group gets ``u = int(sha256(f"{SPLIT_SEED}:{group}")[:16], 16) / 16**16``,
  a uniform number fixed by the seed and the group's name alone, so adding interviews
  never moves an existing one. ``u < TEST_SHARE`` -> test, else development.
* **The seed document** (:data:`analysis.corpus.catalog.SEED_DOC_ID`) is always test: the
  anchor is never used for tuning.
* **Coverage.** At least :data:`MIN_TEST_SHARE` of the interviews must be test;
  :func:`check_splits` raises otherwise (then the seed below would have to change, which is
  recorded in the file's history, never done to improve a score).

:data:`SPLIT_SEED` was fixed once, before any rule was written, and never changed to
tune anything. The assignment is recorded in ``corpus/themes/splits.csv``
(``doc_id, group, u, split``); :func:`assign_splits` adds new interviews to it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from analysis.corpus.catalog import SEED_DOC_ID
from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, atomic_write_text, read_csv_table

SPLITS_FILE = Path("themes") / "splits.csv"
SPLIT_SEED = 20261202
TEST_SHARE = 0.4
MIN_TEST_SHARE = 0.3
SPLIT_COLUMNS = ["doc_id", "group", "u", "split"]
SPLIT_NAMES = ("development", "test")


def interview_group(doc_id: str) -> str:
    """The interviewee key of a doc_id (``2024-04_pineau_latribune`` -> ``pineau``)."""
    parts = doc_id.split("_")
    return parts[1] if len(parts) >= 3 else doc_id


def group_draw(group: str, random_state: int = SPLIT_SEED) -> float:
    """The group's uniform number in [0, 1), from the seed and the group's name only."""
    return int(hashlib.sha256(f"{random_state}:{group}".encode("utf-8")).hexdigest()[:16], 16) / 16 ** 16


def split_of(doc_id: str, random_state: int = SPLIT_SEED, test_share: float = TEST_SHARE) -> str:
    """``'test'`` or ``'development'`` for one interview (module docstring)."""
    if doc_id == SEED_DOC_ID:
        return "test"
    return "test" if group_draw(interview_group(doc_id), random_state) < test_share else "development"


def splits_table(doc_ids, random_state: int = SPLIT_SEED, test_share: float = TEST_SHARE) -> pd.DataFrame:
    """The split of each interview, sorted by doc_id."""
    rows = [{"doc_id": d, "group": interview_group(d), "u": round(group_draw(interview_group(d), random_state), 6),
             "split": split_of(d, random_state, test_share)} for d in sorted(set(doc_ids))]
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)


def check_splits(table: pd.DataFrame, minimum: float = MIN_TEST_SHARE) -> None:
    """Raise ValueError when fewer than ``minimum`` of the interviews are test, or a group is split."""
    share = float((table["split"] == "test").mean()) if len(table) else 0.0
    if share < minimum:
        raise ValueError(f"only {share:.0%} of {len(table)} interviews are test, fewer than {minimum:.0%}")
    mixed = table.groupby("group")["split"].nunique()
    if (mixed > 1).any():
        raise ValueError(f"interviewee group(s) on both sides: {', '.join(mixed[mixed > 1].index)}")


def load_splits(path=None) -> pd.DataFrame:
    """The recorded split (``corpus/themes/splits.csv``); errors name the file and line."""
    path = Path(path) if path else corpus_dir() / SPLITS_FILE
    _, records = read_csv_table(path, SPLIT_COLUMNS, what="interview splits",
                                hint="run analysis.measures.theme_splits.assign_splits()")
    rows = []
    for line, row in records:
        if row["split"] not in SPLIT_NAMES:
            raise InputError(path, f"split {row['split']!r} is not one of {', '.join(SPLIT_NAMES)}", line=line)
        if row["split"] != split_of(row["doc_id"]):
            raise InputError(path, f"{row['doc_id']} is recorded as {row['split']} but the rule gives "
                             f"{split_of(row['doc_id'])}", line=line, hint="the split is never edited by hand")
        rows.append({**row, "u": float(row["u"])})
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)


def assign_splits(doc_ids, path=None) -> pd.DataFrame:
    """Record the split of ``doc_ids`` (and of those already recorded) in the splits file."""
    path = Path(path) if path else corpus_dir() / SPLITS_FILE
    known = set(load_splits(path)["doc_id"]) if path.exists() else set()
    table = splits_table(known | set(doc_ids))
    check_splits(table)
    atomic_write_text(path, table.to_csv(index=False, lineterminator="\n"))
    return table


def split_map(path=None) -> dict[str, str]:
    """``{doc_id: 'development' | 'test'}`` from the recorded file."""
    table = load_splits(path)
    return dict(zip(table["doc_id"], table["split"]))
