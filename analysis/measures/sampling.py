"""How the hand-coded validation sample was drawn, so that anyone can redraw it.

The theme dictionary (:mod:`analysis.text.themes`) is validated against turns coded by hand
(``corpus/themes/hand_coding.csv``; :mod:`analysis.measures.validation`). This module records the
sampling rule; :func:`draw_sample` run on the committed corpus gives back exactly the
turn ids of that file. The rule (Grimmer and Stewart 2013, "Text as Data", *Political
Analysis* 21(3): validate on a sample, keep a part that is never used to tune):

1. **Census of the anchor.** Every interview turn of the documents in ``census`` (the
   seed, by default) is coded, and all of them go to the held-out part.
2. **Stratified by document.** From every other document, ``n_random`` turns are drawn
   uniformly at random, without replacement, among its interview-segment turns.
3. **Oversampling of rare themes, without the dictionary.** Then ``n_keyword`` more turns
   are drawn among the turns that contain a *seed word* of a theme (:data:`SEED_WORDS`:
   broad English words written for sampling, independent of the dictionary being
   validated). Themes take turns across documents: document ``i`` (0-based, in sorted
   ``doc_id`` order) starts at theme ``(i * n_keyword) mod 8`` of :data:`THEMES` and
   moves one theme forward per draw, so each theme gets about the same number of
   draws; a theme with no untaken seed-word turn in that document is skipped for the
   next one. A seed word ending in ``*`` is a prefix; a turn contains a seed word when a
   token of its bag, or a part of a merged token (``open_source`` -> ``open``, ``source``),
   equals it (or starts with its prefix). Only the committed bags of tokens are used, so
   the rule works for features-only documents.
4. **Development / held-out split, stratified by document.** Each document's drawn
   turns are shuffled and the first ``round(dev_share * n)`` become ``dev`` (used while
   fixing the dictionary), the rest ``heldout`` (only ever used to report).

Randomness: one generator per document, ``numpy.random.default_rng([seed, crc32(doc_id)])``,
so a document's draws do not depend on the other documents' random numbers. The sample is
*enriched*: precision and recall computed on it describe the sample's turns, not the
corpus at large (the ``stratum`` column says which turns were drawn at random).
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.corpus.load import turn_counts
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.stats.measurement import design_weights

#: The seed used for the committed sample.
SEED = 20240401
SEED_DOCS = (SEED_DOC_ID,)
N_RANDOM = 5
N_KEYWORD = 7
DEV_SHARE = 0.4

#: Broad words per theme, used only to find candidate turns (never to score them).
SEED_WORDS: dict[str, tuple[str, ...]] = {
    "compute_scarcity": ("gpu*", "chip*", "compute", "data_center*", "datacenter*", "nvidia", "cluster*",
                         "hardware", "electricity", "energy", "power", "gigawatt*", "megawatt*", "tpu*",
                         "semiconductor*", "tsmc", "fab", "fabs", "flops", "supercomputer*"),
    "open_source_risk": ("open", "weights", "release*", "closed", "proprietary", "llama*", "misuse"),
    "elections_misinformation": ("election*", "vote", "votes", "voter*", "voting", "misinformation",
                                 "disinformation", "propaganda", "deepfake*", "fake*", "watermark*",
                                 "synthetic", "democra*", "ballot*", "manipulat*"),
    "talent_war": ("hire", "hires", "hired", "hiring", "recruit*", "talent*", "salar*", "compensation",
                   "poach*", "retain", "retention", "researchers"),
    "safety_guardrails": ("safety", "safe", "guardrail*", "alignment", "aligned", "jailbreak*", "misuse",
                          "harm", "harms", "harmful", "censor*", "bioweapon*", "weapon*", "dangerous",
                          "refus*", "filter*", "moderation"),
    "bias_representation": ("bias*", "woke", "diverse", "diversity", "stereotyp*", "racis*", "gender*",
                            "representation*", "fairness", "discriminat*", "culture*", "cultural",
                            "minorit*", "ideolog*", "liberal", "conservative*"),
    "regulation_policy": ("regulat*", "law", "laws", "legislat*", "government*", "congress*", "senate",
                          "policy", "policies", "copyright*", "eu", "ban", "banned", "export*",
                          "lawmaker*", "governance"),
    "agi_future": ("agi", "asi", "superintelligen*", "superhuman", "existential", "doom*", "takeoff",
                   "singularity", "extinction"),
}
THEMES = tuple(SEED_WORDS)
SAMPLE_COLUMNS = ["doc_id", "turn_id", "stratum", "split"]


@lru_cache(maxsize=None)
def _token_themes(token: str) -> frozenset:
    """Themes with a seed word equal to (or, for ``word*``, a prefix of) the token or one of its parts."""
    parts = {token, *(p for p in token.replace("-", "_").split("_") if p)}
    return frozenset(theme for theme, words in SEED_WORDS.items()
                     if any(p.startswith(w[:-1]) if w.endswith("*") else p == w for p in parts for w in words))


def seed_word_themes(counts: Mapping) -> set[str]:
    """The themes with at least one seed word in a bag of tokens (see step 3 above)."""
    found = set()
    for token in counts:
        found |= _token_themes(token)
    return found


def _rng(seed: int, doc_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(doc_id.encode("utf-8"))])


def draw_sample(turns: pd.DataFrame, seed: int = SEED, *, n_random: int = N_RANDOM, n_keyword: int = N_KEYWORD,
                dev_share: float = DEV_SHARE, census=SEED_DOCS) -> pd.DataFrame:
    """The validation sample: ``doc_id, turn_id, stratum, split``, one row per drawn turn.

    ``turns`` is the corpus turns table (:func:`analysis.corpus.load.load_corpus`); only its
    ``segment == 'interview'`` turns are eligible. ``stratum`` is ``census`` (documents
    coded whole), ``random`` or ``seedword:<theme>``; ``split`` is ``dev`` or ``heldout``.
    The procedure is in the module docstring; the same turns and seed give the same sample.
    """
    needed = {"doc_id", "turn_id", "segment", "lang", "text", "text_availability"}
    missing = needed - set(turns.columns)
    if missing:
        raise ValueError(f"turns lacks column(s) {', '.join(sorted(missing))}: pass load_corpus()'s table")
    if n_random < 0 or n_keyword < 0:
        raise ValueError("n_random and n_keyword must be >= 0")
    if not 0 <= dev_share <= 1:
        raise ValueError(f"dev_share must be between 0 and 1, got {dev_share}")
    unknown = set(census) - set(turns["doc_id"])
    if unknown:
        raise ValueError(f"census document(s) not in turns: {', '.join(sorted(unknown))}")
    eligible = turns[turns["segment"] == "interview"].sort_values(["doc_id", "turn_id"]).reset_index(drop=True)
    eligible.attrs = turns.attrs
    rows = [(d, int(t), "census", "heldout")
            for d, t in eligible.loc[eligible["doc_id"].isin(census), ["doc_id", "turn_id"]].itertuples(index=False)]
    others = eligible[~eligible["doc_id"].isin(census)]
    bags = dict(zip(zip(others["doc_id"], others["turn_id"]), turn_counts(others)))
    for i, (doc_id, part) in enumerate(others.groupby("doc_id", sort=True)):
        rng = _rng(seed, doc_id)
        ids = part["turn_id"].to_numpy()
        if n_random > len(ids):
            raise ValueError(f"{doc_id} has {len(ids)} interview turns, fewer than n_random={n_random}")
        drawn = [(int(t), "random") for t in rng.choice(ids, size=n_random, replace=False)]
        taken = {t for t, _ in drawn}
        themes_of = {int(t): seed_word_themes(bags[(doc_id, t)]) for t in ids}
        position = (i * n_keyword) % len(THEMES)
        for _ in range(n_keyword):
            for step in range(len(THEMES)):
                theme = THEMES[(position + step) % len(THEMES)]
                pool = [t for t in ids if t not in taken and theme in themes_of[int(t)]]
                if pool:
                    pick = int(rng.choice(pool))
                    drawn.append((pick, f"seedword:{theme}"))
                    taken.add(pick)
                    position = (position + step + 1) % len(THEMES)
                    break
            else:
                break  # no theme has an untaken seed-word turn left in this document
        order = rng.permutation(len(drawn))
        n_dev = int(round(dev_share * len(drawn)))
        for rank, k in enumerate(order):
            turn_id, stratum = drawn[k]
            rows.append((doc_id, turn_id, stratum, "dev" if rank < n_dev else "heldout"))
    sample = pd.DataFrame(rows, columns=SAMPLE_COLUMNS)
    return sample.sort_values(["doc_id", "turn_id"], ignore_index=True)


# --- the v2 sample design (issue 11): a random stratum plus seed-word strata ---------------

#: Seed of the v2 validation sample (fixed once, never changed to tune anything).
DESIGN_SEED = 20261203
N_DESIGN_RANDOM = 540
N_DESIGN_PER_THEME = 50
DESIGN_FILE = "themes/sample.csv"
DESIGN_COLUMNS = ["doc_id", "turn_id", "frame", "stratum", "frame_stratum", "inclusion_probability", "split",
                  "n_tokens"]


def frame_strata(turns: pd.DataFrame) -> pd.Series:
    """Each turn's seed-word stratum: the first theme, rarest first, whose seed words
    (:data:`SEED_WORDS`, chosen independently of the dictionary and the rules) occur in the
    turn's bag of tokens; ``none`` when no seed word occurs. The strata are disjoint. The
    bags come from a ``counts`` column when ``turns`` has one, else from :func:`turn_counts`."""
    bags = turns["counts"] if "counts" in turns.columns else turn_counts(turns)
    found = [seed_word_themes(bag) for bag in bags]
    frequency = {t: sum(t in f for f in found) for t in THEMES}
    priority = sorted(THEMES, key=lambda t: (frequency[t], THEMES.index(t)))
    return pd.Series([next((f"seedword:{t}" for t in priority if t in f), "none") for f in found],
                     index=turns.index, name="frame_stratum")


def design_sample(turns: pd.DataFrame, splits: dict[str, str], seed: int = DESIGN_SEED, *,
                  n_random: int = N_DESIGN_RANDOM, n_per_theme: int = N_DESIGN_PER_THEME,
                  frame: str = "corpus-v1") -> pd.DataFrame:
    """The v2 validation sample over the whole corpus, with inclusion probabilities.

    Frame: every interview-segment turn of ``turns``. Each turn belongs to one frame
    stratum (:func:`frame_strata`).

    1. **Random stratum**: a simple random sample of ``n_random`` turns of the whole frame.
    2. **Seed-word strata**: for each theme, ``n_per_theme`` more turns (or all that are
       left) drawn at random among the turns of its frame stratum not drawn in step 1.

    Conditional on the number r_h of step-1 turns that fell in frame stratum h (size M_h),
    the turns of h drawn in steps 1 and 2 together are a simple random sample of
    r_h + m_h of its M_h turns, so every turn of h has inclusion probability
    pi = (r_h + m_h) / M_h (for the ``none`` stratum, r_0 / M_0): a stratified design with
    known probabilities (Sarndal, Swensson and Wretman 1992, ch. 3). Estimates over all
    strata weight turns by 1/pi; estimates on the random stratum alone are a simple random
    sample (equal weights). ``stratum`` says how a turn was drawn (``random`` or
    ``seedword:<theme>``); ``split`` is its interview's split (``splits``:
    :func:`analysis.measures.theme_splits.split_map`). One generator,
    ``default_rng(seed)``; the frame is sorted by (doc_id, turn_id), so the same corpus
    and seed give the same sample.

    ``frame`` names the set of interviews drawn from. Interviews added later are sampled as
    a new, disjoint frame with the same sampling fraction (``n_random`` = round(540 / N_v1
    x N_new), ``n_per_theme`` likewise), so the random strata of all frames together stay
    self-weighting and 1/pi remains valid across frames (stratification by frame). ``n_tokens``
    is recorded so that a re-extraction that changes a turn is detected
    (:func:`analysis.measures.validation.coded_sample`).
    """
    frame_name = frame
    frame = turns[turns["segment"] == "interview"].sort_values(["doc_id", "turn_id"]).reset_index(drop=True)
    frame.attrs = turns.attrs
    missing = sorted(set(frame["doc_id"]) - set(splits))
    if missing:
        raise ValueError(f"no split for interview(s) {', '.join(missing)}: run "
                         "analysis.measures.theme_splits.assign_splits(doc_ids) first")
    if not 0 < n_random <= len(frame):
        raise ValueError(f"n_random must be between 1 and the {len(frame)} turns of the frame, got {n_random}")
    if n_per_theme < 0:
        raise ValueError("n_per_theme must be >= 0")
    strata = frame_strata(frame).to_numpy()
    rng = np.random.default_rng(seed)
    drawn = {int(i): "random" for i in rng.choice(len(frame), size=n_random, replace=False)}
    for theme in THEMES:
        label = f"seedword:{theme}"
        pool = [i for i in np.flatnonzero(strata == label) if int(i) not in drawn]
        for i in rng.choice(pool, size=min(n_per_theme, len(pool)), replace=False) if pool else []:
            drawn[int(i)] = label
    chosen = np.array(sorted(drawn))
    size = pd.Series(strata).value_counts()
    taken = pd.Series(strata[chosen]).value_counts()
    sample = frame.loc[chosen, ["doc_id", "turn_id"]].reset_index(drop=True)
    sample["turn_id"] = sample["turn_id"].astype(int)
    sample["stratum"] = [drawn[int(i)] for i in chosen]
    sample["frame_stratum"] = strata[chosen]
    sample["inclusion_probability"] = [round(taken[s] / size[s], 10) for s in strata[chosen]]
    sample["split"] = sample["doc_id"].map(splits)
    sample["frame"] = frame_name
    sample["n_tokens"] = frame.loc[chosen, "n_tokens"].astype(int).to_numpy()
    sample.attrs.update(seed=seed, n_frame=len(frame), frame_sizes=size.to_dict())
    return sample[DESIGN_COLUMNS]


# --- the second coder's subsample (issue 11: agreement between two independent coders) -------

#: Fixed once for the double-coded subsample (never changed to tune anything).
SECOND_CODER_RANDOM_STATE = 20261204
N_SECOND_CODER = 320


def second_coder_subsample(sample: pd.DataFrame, eligible_docs, n: int = N_SECOND_CODER,
                           random_state: int = SECOND_CODER_RANDOM_STATE) -> pd.DataFrame:
    """The turns a second coder codes blind: a simple random subsample, without replacement,
    of ``n`` of the ``sample`` turns whose document is in ``eligible_docs`` (all strata, so
    that rare themes have positives for agreement), sorted by (doc_id, turn_id).

    Agreement measured on it (Krippendorff's alpha, Cohen's kappa) estimates agreement on the
    sample's turns, enriched strata included, not on a random turn of the corpus
    (Krippendorff 2018, *Content Analysis*, 4th ed., ch. 12, on sampling for reliability).
    """
    pool = sample[sample["doc_id"].isin(set(eligible_docs))].sort_values(["doc_id", "turn_id"])
    if not 0 < n <= len(pool):
        raise ValueError(f"n must be between 1 and the {len(pool)} eligible turns, got {n}")
    rng = np.random.default_rng(random_state)
    chosen = np.sort(rng.choice(len(pool), size=n, replace=False))
    return pool.iloc[chosen].reset_index(drop=True)


# --- design weights across frames (issue 11) -------------------------------------------------

def frame_design(sample: pd.DataFrame) -> pd.DataFrame:
    """Each sampled turn's design weights when several frames are combined.

    The sample's frames (``frame``: ``corpus-v1``, ``corpus-v2-labelled``, ...) cover
    disjoint sets of documents and were drawn independently, each with its own inclusion
    probabilities, so the combined sample is stratified by frame and the Horvitz-Thompson
    estimator of a total over the union of the frames is the sum of the frames' estimators
    (Horvitz and Thompson 1952, *JASA* 47; Lohr 2019, *Sampling: Design and Analysis*, 2nd
    ed., ch. 3 on stratification and ch. 6 on unequal probabilities). A ratio (precision,
    recall) is a ratio of two such totals. Two weights per turn:

    * ``weight``: 1 / ``inclusion_probability`` of the turn in its own frame, for estimates
      over every stratum of every frame;
    * ``random_weight``: for turns of a frame's simple random stratum, 1 / (n_f / N_f), with
      n_f the random-stratum size of frame f and N_f its number of turns; NaN for the other
      turns. Within one frame these weights are equal (a simple random sample), across frames
      they undo the frames' different sampling fractions. N_f is the sum of ``weight`` over
      the frame's sampled turns: for a stratified design with pi = (r_h + m_h) / M_h this sum
      is exactly sum_h M_h, the frame size (and, if turns are later dropped from the sample,
      the Horvitz-Thompson estimate of the size of what remains).

    Returns ``sample`` with the columns ``weight``, ``frame_size``, ``random_probability``
    (n_f / N_f on random-stratum rows) and ``random_weight`` added.
    """
    if "frame" not in sample.columns:
        raise ValueError("the sample has no 'frame' column: load it with analysis.measures.coding.load_sample")
    out = sample.copy()
    out["weight"] = design_weights(out["inclusion_probability"])
    size = out.groupby("frame")["weight"].transform("sum")
    n_random = out.groupby("frame")["stratum"].transform(lambda s: int((s == "random").sum()))
    random = (out["stratum"] == "random").to_numpy()
    out["frame_size"] = size
    out["random_probability"] = np.where(random, n_random / size, np.nan)
    out["random_weight"] = np.where(random, size / n_random.clip(lower=1), np.nan)
    return out
