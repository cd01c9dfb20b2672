"""Theme scores per turn and per interview, with bootstrap intervals over turns.

* Per turn: hits of each theme of the concept dictionary (:mod:`analysis.text.themes`) in
  the turn's bag of tokens. Works for full-text and features-only documents alike.
* Per group of ordered turns (an interview): hits per 1,000 tokens, the ratio of summed
  hits to summed tokens, and the share of turns touching each theme, each with the
  interval of the project's one design (:mod:`analysis.stats`): a moving-block bootstrap
  over consecutive turns, or closed-form intervals for an interview of few turns (for
  rates, negative-binomial exact with the corpus's measured bunching when ``kappa`` is given).
  Groups pooled over interviews: :func:`analysis.compare.comparisons.group_rates`.

Rates are comparable across languages because French and English terms map to the same
concepts; raw word counts never are. Documents cut into fixed-size chunks (captions with
no speaker names) resample chunks instead of turns: their intervals describe chunk-level
variation and are not strictly comparable with turn-level ones.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats.bootstrap import bootstrap_table
from analysis.corpus.load import turn_counts
from analysis.text.themes import ThemeMatcher

KEY_COLUMNS = ["doc_id", "turn_id", "speaker", "role", "lang", "n_tokens"]


def theme_hits(turns: pd.DataFrame, matcher: ThemeMatcher | None = None) -> pd.DataFrame:
    """One row per turn (the turns' key columns) and one integer column per theme."""
    matcher = matcher or ThemeMatcher()
    turns = turns.reset_index(drop=True)
    scores = matcher.score_turns(turn_counts(turns), turns["lang"].tolist())
    table = pd.concat([turns[KEY_COLUMNS], scores.reset_index(drop=True)], axis=1)
    table.attrs["themes"] = list(scores.columns)
    return table


def _with_group(hits: pd.DataFrame, turns: pd.DataFrame, by) -> tuple[pd.DataFrame, list[str]]:
    groups = [by] if isinstance(by, str) else list(by or [])
    extra = [g for g in groups if g not in hits.columns]
    if extra:
        missing = [g for g in extra if g not in turns.columns]
        if missing:
            raise ValueError(f"cannot group by {missing}: not a column of the turns table")
        hits = pd.concat([hits, turns.reset_index(drop=True)[extra]], axis=1)
    return hits, groups


def theme_rates(turns: pd.DataFrame, *, by="doc_id", hits: pd.DataFrame | None = None, n_boot: int = 2000,
                level: float = 0.95, random_state: int = 0, design: str = "auto", kappa=None) -> pd.DataFrame:
    """Hits per 1,000 tokens of each theme per group of ordered turns, with intervals.

    ``by`` should name one interview per group (``doc_id``, or ``doc_id`` and ``role``):
    the block bootstrap follows the order of turns. ``design``: see
    :mod:`analysis.stats.bootstrap`. ``kappa``: the between-turn bunching for groups of
    few turns (a number, ``{theme: kappa}``, or ``"estimate"`` to measure it on this
    table's interviews of 30+ turns; :mod:`analysis.stats.dispersion`); None keeps the
    union rule. Returns the group column(s), ``theme``, ``rate``, ``lo``, ``hi``, ``n``
    (turns), ``n_tokens``, (``kappa``,) ``interval`` (one row per group x theme).
    """
    hits = theme_hits(turns) if hits is None else hits
    themes = hits.attrs.get("themes") or [c for c in hits.columns if c not in KEY_COLUMNS]
    data, groups = _with_group(hits, turns, by)
    table = bootstrap_table(data, group=groups or None, value_cols=themes, token_col="n_tokens",
                            n_boot=n_boot, level=level, random_state=random_state, design=design, kappa=kappa)
    return table.rename(columns={"feature": "theme"})


def theme_shares(turns: pd.DataFrame, *, by="doc_id", hits: pd.DataFrame | None = None, n_boot: int = 2000,
                 level: float = 0.95, random_state: int = 0, design: str = "auto") -> pd.DataFrame:
    """Share of turns (0-1) touching each theme per group, with intervals (Wilson for few turns).

    Returns the group column(s), ``theme``, ``share``, ``lo``, ``hi``, ``n``, ``interval``.
    """
    hits = theme_hits(turns) if hits is None else hits
    themes = hits.attrs.get("themes") or [c for c in hits.columns if c not in KEY_COLUMNS]
    flags = hits.copy()
    flags[themes] = (flags[themes] > 0).astype(int)
    data, groups = _with_group(flags, turns, by)
    table = bootstrap_table(data, group=groups or None, value_cols=themes, statistic="share",
                            n_boot=n_boot, level=level, random_state=random_state, design=design)
    return table.rename(columns={"feature": "theme"})


def rate_matrix(rates: pd.DataFrame, *, index="doc_id") -> pd.DataFrame:
    """Group x theme matrix of rate estimates (for heatmaps)."""
    return rates.pivot(index=index, columns="theme", values="rate")


def seed_standing(rates: pd.DataFrame, seed_doc: str, theme: str) -> dict:
    """Where one document's rate on ``theme`` ranks among all documents, with its interval."""
    part = rates[rates["theme"] == theme].set_index("doc_id")
    if seed_doc not in part.index:
        raise ValueError(f"{seed_doc!r} is not among the rated documents")
    row = part.loc[seed_doc]
    others = part.drop(index=seed_doc)
    return {"theme": theme, "rate": float(row["rate"]), "lo": float(row["lo"]),
            "hi": float(row["hi"]), "rank": int((part["rate"] > row["rate"]).sum() + 1),
            "n_documents": len(part), "others_median": float(np.median(others["rate"])),
            "others_above_interval": int((others["rate"] > row["hi"]).sum()),
            "others_below_interval": int((others["rate"] < row["lo"]).sum())}
