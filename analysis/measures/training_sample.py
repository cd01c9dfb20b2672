"""The training supplement: more coded development turns for the rare themes, used to
write rules and fit the learned model, never to estimate anything.

Why. The validation sample (``corpus/themes/sample.csv``) is a probability sample whose
development interviews hold very few positives of the themes the targets name: 3
compute_scarcity, 3 open_source_risk and 2 elections_misinformation turns in the random
stratum of the development split (``python -m analysis validate --split development``).
Rules and the model were written and fitted on that little. The supplement draws more
turns of the **development interviews only**, enriched for those three themes, so that
rule writers and the model see more of them. Test interviews are never drawn.

Design. Among the development turns (interview segment) not already in the validation
sample: for each theme of :data:`FOCUS_THEMES`, :data:`N_PER_THEME` turns drawn at random
among the turns containing one of its seed words
(:data:`analysis.measures.sampling.SEED_WORDS`, written for sampling and independent of the
rules), in theme order, without replacement across themes; then :data:`N_RANDOM` turns at
random among the rest. One generator, ``default_rng(TRAINING_SEED)``; the frame is sorted by
``(doc_id, turn_id)``, so the same corpus gives the same draw (:func:`draw_training_sample`;
a test checks the committed file against it).

Use. The supplement's turns overlap the validation sample's interviews, so they have no
inclusion probability in its design: they enter **no** estimate (no precision, recall,
threshold, method choice or corrected share). :func:`analysis.measures.validation.coded_sample`
keeps them apart (``training_only``); the model fits on them
(:func:`analysis.measures.theme_model.model_probabilities`), leaving out, as for every
development turn, those of the interview being predicted. Training data need not be a
probability sample; estimates must (Lohr 2022, *Sampling: Design and Analysis*, 3rd ed.,
ch. 6 on unequal-probability designs; Grimmer, Roberts and Stewart 2022, *Text as Data*,
ch. 19 on validation sets kept apart from training sets).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, atomic_write_text, read_csv_table
from analysis.measures.sampling import seed_word_themes, turn_counts

TRAINING_FILE = Path("themes") / "training_sample.csv"
TRAINING_COLUMNS = ["doc_id", "turn_id", "stratum", "split", "n_tokens"]
FOCUS_THEMES = ("compute_scarcity", "open_source_risk", "elections_misinformation")
N_PER_THEME = 60
N_RANDOM = 60
TRAINING_SEED = 20261202


def draw_training_sample(turns: pd.DataFrame, splits: dict[str, str], sample: pd.DataFrame, *,
                         n_per_theme: int = N_PER_THEME, n_random: int = N_RANDOM,
                         seed: int = TRAINING_SEED) -> pd.DataFrame:
    """The supplement drawn from ``turns`` (module docstring): development interviews only
    (``splits``), turns of ``sample`` left out. Columns :data:`TRAINING_COLUMNS`; ``stratum``
    is ``training:<theme>`` or ``training:random``."""
    frame = turns[turns["segment"] == "interview"].sort_values(["doc_id", "turn_id"]).reset_index(drop=True)
    drawn = set(zip(sample["doc_id"], sample["turn_id"].astype(int)))
    keep = np.array([splits.get(d) == "development" and (d, int(t)) not in drawn
                     for d, t in zip(frame["doc_id"], frame["turn_id"])], dtype=bool)
    frame = frame[keep].reset_index(drop=True)
    themes = [seed_word_themes(bag) for bag in turn_counts(frame)]
    rng = np.random.default_rng(seed)
    taken = np.zeros(len(frame), dtype=bool)
    strata = np.empty(len(frame), dtype=object)
    for theme in FOCUS_THEMES:
        pool = np.flatnonzero(np.array([theme in t for t in themes], dtype=bool) & ~taken)
        chosen = rng.choice(pool, size=min(n_per_theme, len(pool)), replace=False)
        taken[chosen], strata[chosen] = True, f"training:{theme}"
    pool = np.flatnonzero(~taken)
    chosen = rng.choice(pool, size=min(n_random, len(pool)), replace=False)
    taken[chosen], strata[chosen] = True, "training:random"
    out = frame.loc[taken, ["doc_id", "turn_id", "n_tokens"]].assign(stratum=strata[taken], split="development")
    return out[TRAINING_COLUMNS].sort_values(["doc_id", "turn_id"]).reset_index(drop=True)


def write_training_sample(table: pd.DataFrame, path=None) -> Path:
    """Write the supplement atomically (temporary file, then rename)."""
    path = Path(path) if path else corpus_dir() / TRAINING_FILE
    atomic_write_text(path, table[TRAINING_COLUMNS].to_csv(index=False))
    return path


def load_training_sample(path=None) -> pd.DataFrame:
    """The supplement's turns (ids, strata, token counts; no text). Missing file: empty table."""
    path = Path(path) if path else corpus_dir() / TRAINING_FILE
    if not path.exists():
        return pd.DataFrame(columns=TRAINING_COLUMNS)
    _, records = read_csv_table(path, TRAINING_COLUMNS, what="training supplement",
                                hint="draw it with analysis.measures.training_sample.draw_training_sample")
    rows = []
    for line, row in records:
        try:
            turn_id, n_tokens = int(row["turn_id"]), int(row["n_tokens"])
        except ValueError:
            raise InputError(path, "turn_id or n_tokens is not an integer", line=line) from None
        if row["split"] != "development":
            raise InputError(path, f"split {row['split']!r}: the supplement holds development turns only", line=line,
                             hint="test interviews are never drawn for training; remove the row")
        rows.append({**row, "turn_id": turn_id, "n_tokens": n_tokens})
    return pd.DataFrame(rows, columns=TRAINING_COLUMNS)
