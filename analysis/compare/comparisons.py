"""Comparisons: the seed interview against the other executives, on one scale.

Everything here compares groups of turns (interviews, periods, companies) through the
theme dictionary or through lemma counts of one language, and every estimate comes with
an interval. Plots are in :mod:`analysis.figures.comparison_plots`.

* **Who is talking.** :func:`executive_turns` decides which turns are "the executive
  talking": the interviewee turns of the speakers the catalog names, in documents with
  speaker roles; *all* interview chunks of automatic captions without speaker names
  (``speaker_labels`` ``none``), which therefore mix in the host's questions.
  :func:`host_share` and :func:`mixing_effect` measure how much that matters on the
  labelled interviews.
* **Profiles and groups.** :func:`theme_profiles` (rates per 1,000 tokens per interview,
  moving-block bootstrap over turns, negative-binomial exact intervals with the measured
  between-turn bunching for the seed's few turns);
  :func:`group_rates` (a group's pooled rate or mean of interview rates, two-stage
  bootstrap: persons, then turns in blocks); :func:`group_difference` (two groups, with
  p-values and Benjamini-Hochberg q-values over the themes tested);
  :func:`leave_one_out` (the difference's range when each interview is dropped in
  turn); :func:`period_of` (before/after a date, honest about dates known to the month
  only). The seed's place in groups follows one rule, :data:`SEED_IN_GROUPS`. The
  design is documented once, in :mod:`analysis.stats`.
* **Keyness.** :func:`concept_keyness` compares a target and a reference through the
  concept space of the dictionary (never raw French against English words);
  :func:`general_usage_keyness` compares a document's content lemmas with general usage
  in its language, using ``wordfreq`` (Speer 2022) as the reference;
  :func:`term_scatter_table` gives the per-term rates and log-odds behind a scattertext-
  style plot (Kessler 2017) of two groups in one language.
* **Model-attributed roles.** :func:`model_roles_sensitivity`: the executives' key-theme
  rates and turn shares over labelled documents only, over caption documents whose roles
  the speaker model attributed, and over both.
* **Dynamics.** :func:`introducer_summary` summarises
  :func:`analysis.measures.dynamics.theme_introductions`: how often the interviewer rather than
  the executive brings each theme (back) into the conversation.

G2 and Log Ratio follow Dunning (1993) and Hardie (2014); the log-odds with an
informative Dirichlet prior follow Monroe, Colaresi and Quinn (2008), see
:mod:`analysis.stats.keyness`.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.stats.bootstrap import bootstrap_table, two_stage_difference, two_stage_table
from analysis.stats.keyness import turn_test
from analysis.stats.multiplicity import bh_adjust
from analysis.corpus.load import turn_counts
from analysis.measures.frequencies import term_frequencies
from analysis.stats.keyness import keyness_table, log_odds_dirichlet
from analysis.measures.theme_scores import theme_hits, theme_rates
from analysis.text.themes import ThemeMatcher
from analysis.corpus.load import load_corpus
from analysis.corpus.version import corpus_cache_key, corpus_version
from analysis.core.diskcache import disk_cached
from importlib.metadata import version as package_version
from analysis.text.lemmas import lemma
from analysis.corpus.catalog import LABELLED, SEED_DOC_ID, role_labels

#: ChatGPT's public release, the usual "late 2022" cut (OpenAI blog, 30 November 2022).
CHATGPT_RELEASE = "2022-11-30"
KEY_THEMES = ("compute_scarcity", "open_source_risk", "elections_misinformation")
OTHER = "\x00other tokens"  # bucket holding the tokens a filtered count table leaves out
META_COLUMNS = ["interviewee", "organization", "date", "date_precision", "lang", "format"]
#: The one rule for the seed in group comparisons (periods, companies, "the others"): it is
#: left out, because it is a print interview, in French, and a truncated excerpt, unlike
#: every podcast it would be averaged with. Each comparison shows the other choice
#: (seed included) as a sensitivity check. "The seed's rate" is always over its
#: interviewee's turns (:func:`executive_turns`).
SEED_IN_GROUPS = False
#: Weight of the Dirichlet prior of the log-odds, in multiples of the smaller side (log_odds_sized).
PRIOR_WEIGHT = 10
#: Repeated interviews of one person are clustered by this column in group comparisons.
PERSON = "interviewee"


def _require(table: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{what} must be a DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}; use the turns table from "
                         "analysis.corpus.load.load_corpus() (catalog metadata joined on)")


def _names(field: str) -> set[str]:
    return {name.strip() for name in str(field).split(";") if name.strip()}


# --- who is talking ---------------------------------------------------------------------

def executive_turns(turns: pd.DataFrame, *, speakers: str = "catalog", model_roles: bool = True) -> pd.DataFrame:
    """The turns that count as "the executive talking", with a ``speech`` column saying how.

    * Documents with speaker roles (``speaker_labels`` ``yes`` or ``inferred`` and at
      least one interviewee turn): interviewee turns only. With ``speakers="catalog"``
      (default) only the speakers named in the catalog's ``interviewee`` field (several
      separated by ``;``) are kept, so guests who are not the executive (Amanda Askell and
      Chris Olah beside Dario Amodei) are left out; ``speakers="interviewees"`` keeps every
      interviewee. ``speech`` = ``"executive"``.
    * Documents without speaker names (automatic captions cut into chunks, role ``other``):
      every interview chunk, host questions included, since they cannot be told apart.
      ``speech`` = ``"whole conversation"``. Measure the cost with :func:`host_share`.
    * Caption documents whose roles the speaker model attributed (``speaker_labels``
      ``model``, :mod:`analysis.ingest.speakers`): interviewee turns, as for labelled ones,
      with ``speech`` = ``"executive (model roles)"``; with ``model_roles=False`` they are
      read as whole conversations instead, the comparison that shows what the model changes.

    ``result.attrs['left_out']`` lists ``(doc_id, speaker, tokens)`` of interviewees dropped.
    """
    _require(turns, ["doc_id", "role", "speaker", "interviewee", "speaker_labels"], "turns")
    if speakers not in ("catalog", "interviewees"):
        raise ValueError(f"speakers must be 'catalog' or 'interviewees', not {speakers!r}")
    keep, speech, left_out = [], {}, []
    for doc, part in turns.groupby("doc_id", sort=True):
        labelled = set(part["speaker_labels"]) <= set(role_labels(model_roles)) and (part["role"] == "interviewee").any()
        if not labelled:
            keep.append(part.index)
            speech[doc] = "whole conversation"
            continue
        mask = part["role"] == "interviewee"
        if speakers == "catalog":
            named = mask & part["speaker"].isin(_names(part["interviewee"].iloc[0]))
            if named.any():
                dropped = part[mask & ~named].groupby("speaker")["n_tokens"].sum()
                left_out += [(doc, s, int(n)) for s, n in dropped.items()]
                mask = named
        keep.append(part.index[mask])
        speech[doc] = "executive" if set(part["speaker_labels"]) <= set(LABELLED) else "executive (model roles)"
    index = np.concatenate(keep) if keep else np.array([], dtype=int)
    out = turns.loc[np.sort(index)].copy()
    out["speech"] = out["doc_id"].map(speech)
    out.attrs.update(turns.attrs, left_out=left_out)
    return out


def host_share(turns: pd.DataFrame) -> pd.DataFrame:
    """Share of each labelled interview's tokens spoken by the interviewer.

    In words: interviewer tokens / all tokens of the interview proper, per document with
    speaker roles. This is what an unlabelled caption transcript of the same kind of
    conversation mixes into "the executive's" counts. Columns ``doc_id``,
    ``interviewer_tokens``, ``n_tokens``, ``host_share``.
    """
    _require(turns, ["doc_id", "role", "n_tokens", "speaker_labels"], "turns")
    labelled = turns[turns["speaker_labels"].isin(LABELLED)]
    rows = []
    for doc, part in labelled.groupby("doc_id", sort=True):
        total = int(part["n_tokens"].sum())
        host = int(part.loc[part["role"] == "interviewer", "n_tokens"].sum())
        if total and (part["role"] == "interviewee").any():
            rows.append((doc, host, total, host / total))
    return pd.DataFrame(rows, columns=["doc_id", "interviewer_tokens", "n_tokens", "host_share"])


def mixing_effect(turns: pd.DataFrame, hits: pd.DataFrame | None = None, *, themes=None) -> pd.DataFrame:
    """How much mixing the host in changes theme rates, measured on labelled interviews.

    For each labelled document and theme: the rate per 1,000 tokens over the executive's
    turns, over the whole conversation, and their ratio (whole / executive). A ratio
    below 1 means that counting the host's words too, as the caption transcripts must,
    dilutes the theme; above 1, the host raises it more than the guest. ``hits``: theme
    hits of ``turns`` (same rows, same order), computed if omitted.
    """
    _require(turns, ["doc_id", "role", "n_tokens", "speaker_labels"], "turns")
    turns = turns.reset_index(drop=True)
    hits = theme_hits(turns) if hits is None else hits.reset_index(drop=True)
    themes = list(themes or hits.attrs.get("themes") or [])
    execs = executive_turns(turns)
    execs = execs[execs["speech"] == "executive"]
    rows = []
    for doc, part in turns[turns["doc_id"].isin(set(execs["doc_id"]))].groupby("doc_id", sort=True):
        exec_index = execs.index[execs["doc_id"] == doc]
        for theme in themes:
            whole = 1000 * hits.loc[part.index, theme].sum() / part["n_tokens"].sum()
            own = 1000 * hits.loc[exec_index, theme].sum() / turns.loc[exec_index, "n_tokens"].sum()
            rows.append((doc, theme, own, whole, whole / own if own > 0 else np.nan))
    return pd.DataFrame(rows, columns=["doc_id", "theme", "executive_rate", "whole_rate", "ratio"])


_DATA_CACHE: dict = {}


def corpus_data(root=None) -> dict:
    """The corpus prepared for comparisons, memoised per corpus version (figures reuse it).

    Returns ``turns`` (every interview turn), ``hits`` (their theme hits, same rows),
    ``executive`` (:func:`executive_turns`) and ``executive_hits`` (their hits). Any
    edit under ``corpus/`` changes the version (:func:`analysis.corpus.version.corpus_version`)
    and triggers a fresh computation.
    """
    key = (str(root), corpus_version(root))
    if key not in _DATA_CACHE:
        _DATA_CACHE.clear()
        _DATA_CACHE[key] = _corpus_tables(root, key[1])
    return _DATA_CACHE[key]


@disk_cached("comparisons", key=corpus_cache_key)
def _corpus_tables(root, version: str) -> dict:
    """:func:`corpus_data`'s tables, cached on disk (``version``: the corpus version, part of the key)."""
    turns = load_corpus(root)
    hits = theme_hits(turns)
    execs = executive_turns(turns)
    exec_hits = hits.loc[execs.index].reset_index(drop=True)
    exec_hits.attrs.update(hits.attrs)
    return {"turns": turns, "hits": hits, "executive": execs.reset_index(drop=True), "executive_hits": exec_hits}


def executive_profiles(*, n_boot: int = 2000, random_state: int = 0, root=None) -> pd.DataFrame:
    """:func:`theme_profiles` of the executives' turns of the whole corpus (memoised)."""
    data = corpus_data(root)
    key = ("profiles", n_boot, random_state)
    if key not in data:
        data[key] = theme_profiles(data["executive"], hits=data["executive_hits"], n_boot=n_boot,
                                   random_state=random_state)
    return data[key].copy()


def group_units(*, include_seed: bool = SEED_IN_GROUPS, seed_doc: str | None = None, root=None) -> pd.DataFrame:
    """The executives' turns with their theme hits in one table, for group comparisons.

    One row per turn: ``doc_id``, ``n_tokens``, the catalog metadata, ``speech``, ``person``
    (the first name in ``interviewee``, the clustering unit) and one column per theme.
    The seed follows :data:`SEED_IN_GROUPS` unless ``include_seed`` says otherwise
    (the sensitivity check). ``attrs['themes']`` lists the theme columns.
    """
    data = corpus_data(root)
    execs, hits = data["executive"], data["executive_hits"]
    themes = list(hits.attrs["themes"])
    units = pd.concat([execs.drop(columns=[c for c in themes if c in execs.columns]), hits[themes]], axis=1)
    units["person"] = units["interviewee"].map(lambda names: sorted(_names(names))[0] if _names(names) else "")
    if not include_seed:
        units = units[units["doc_id"] != (seed_doc or SEED_DOC_ID)].reset_index(drop=True)
    units.attrs["themes"] = themes
    units.attrs["include_seed"] = include_seed
    return units


def company_groups(organizations: pd.Series, focus: str = "Meta", other: str = "other companies") -> pd.Series:
    """``focus`` where the organization is ``focus``, else ``other`` (for pooled comparisons)."""
    return organizations.eq(focus).map({True: focus, False: other})


# --- profiles, periods and groups -------------------------------------------------------

def document_table(turns: pd.DataFrame) -> pd.DataFrame:
    """One row per document: its catalog metadata, ``speech`` when present, tokens, turns."""
    _require(turns, ["doc_id", "n_tokens", *META_COLUMNS], "turns")
    extra = ["speech"] if "speech" in turns.columns else []
    meta = turns.groupby("doc_id", sort=True)[[*META_COLUMNS, *extra]].first()
    size = turns.groupby("doc_id", sort=True)["n_tokens"].agg(n_tokens="sum", n_turns="size")
    return meta.join(size).reset_index()


def date_midpoint(date: str, precision: str) -> pd.Timestamp:
    """A date known to the day, month or year as one point: the day, the 15th, or 1 July."""
    date = str(date)
    try:
        if precision == "day":
            return pd.Timestamp(date)
        if precision == "month":
            return pd.Timestamp(f"{date[:7]}-15")
        if precision == "year":
            return pd.Timestamp(f"{date[:4]}-07-01")
    except ValueError:
        raise ValueError(f"date {date!r} is not a valid {precision} date (YYYY-MM-DD, YYYY-MM or YYYY)") from None
    raise ValueError(f"unknown date precision {precision!r}: use day, month or year")


def period_of(date: str, precision: str, cut=CHATGPT_RELEASE) -> str:
    """``"before"`` or ``"after"`` the cut date (the cut day itself counts as after).

    A date known only to the month or year whose span contains the cut cannot be placed:
    that raises a ValueError naming it, instead of silently guessing.
    """
    cut = pd.Timestamp(cut)
    date = str(date)
    if precision == "day":
        start = end = pd.Timestamp(date)
    elif precision == "month":
        start = pd.Timestamp(f"{date[:7]}-01")
        end = start + pd.offsets.MonthEnd(0)
    elif precision == "year":
        start, end = pd.Timestamp(f"{date[:4]}-01-01"), pd.Timestamp(f"{date[:4]}-12-31")
    else:
        raise ValueError(f"unknown date precision {precision!r}: use day, month or year")
    if end < cut:
        return "before"
    if start >= cut:
        return "after"
    raise ValueError(f"date {date} (known to the {precision}) straddles the cut {cut.date()}: "
                     "find the exact date or move the cut")


@disk_cached("comparisons", key=corpus_cache_key)
def theme_profiles(turns: pd.DataFrame, *, hits: pd.DataFrame | None = None, n_boot: int = 2000,
                   level: float = 0.95, random_state: int = 0, design: str = "auto",
                   kappa="estimate") -> pd.DataFrame:
    """Theme rates per 1,000 tokens per document with intervals, plus metadata.

    :func:`analysis.measures.theme_scores.theme_rates` by document (moving blocks of
    consecutive turns; below 30 turns the negative-binomial exact interval with each theme's
    between-turn bunching ``kappa`` measured on the documents of 30+ turns, ``"estimate"``,
    :mod:`analysis.stats.dispersion`; ``kappa=None``: the exact Poisson / cluster-t union), joined with
    :func:`document_table` and with ``date_mid`` (:func:`date_midpoint`). Pass
    :func:`executive_turns` for the executives' profiles. Chunked documents resample
    chunks of about 250 tokens, labelled ones whole turns: their intervals differ in kind.
    """
    turns = turns.reset_index(drop=True)
    rates = theme_rates(turns, by="doc_id", hits=hits, n_boot=n_boot, level=level, random_state=random_state,
                        design=design, kappa=kappa)
    docs = document_table(turns).drop(columns=["n_tokens", "n_turns"])
    docs["date_mid"] = [date_midpoint(d, p) for d, p in zip(docs["date"], docs["date_precision"])]
    out = rates.merge(docs, on="doc_id", how="left", validate="many_to_one")
    out.attrs.update(rates.attrs)
    return out


@disk_cached("comparisons", key=corpus_cache_key)
def group_rates(units: pd.DataFrame, *, group: str, themes=None, statistic: str = "mean",
                cluster: str | None = "person", n_boot: int = 2000, level: float = 0.95, random_state: int = 0,
                within: str = "blocks") -> pd.DataFrame:
    """Each group's rate of each theme over its interviews, with a two-stage bootstrap interval.

    ``units``: :func:`group_units` (turns with theme columns) with a ``group`` column.
    ``statistic="mean"``: the mean of the interviews' rates, each interview once;
    ``"pooled"``: all hits / all tokens, long interviews weigh more. The interval
    resamples ``cluster`` (default ``person``: an executive interviewed three times is
    one draw), then turns in blocks within each interview
    (:func:`analysis.stats.bootstrap.two_stage_table`). Returns ``group, theme, rate,
    lo, hi, n`` (interviews), ``n_clusters``, ``n_tokens``.
    """
    themes = list(themes or units.attrs.get("themes") or [])
    _require(units, [group, "doc_id", "n_tokens", *themes], "units")
    out = two_stage_table(units, group=group, value_cols=themes, token_col="n_tokens", cluster=cluster,
                          statistic=statistic, n_boot=n_boot, level=level, random_state=random_state, within=within)
    return out.rename(columns={"feature": "theme"})


@disk_cached("comparisons", key=corpus_cache_key)
def group_difference(units: pd.DataFrame, *, group: str, a, b, themes=None, statistic: str = "mean",
                     cluster: str | None = "person", n_boot: int = 2000, level: float = 0.95,
                     random_state: int = 0, within: str = "blocks") -> pd.DataFrame:
    """rate(a) - rate(b) per theme, two-stage bootstrap interval, p-value and BH q-value.

    Same design as :func:`group_rates`; ``q_value`` adjusts over the themes tested
    (``attrs['n_tests']``). Returns ``theme, rate_a, rate_b, diff, lo, hi, p_value,
    q_value, n_a, n_b``.
    """
    themes = list(themes or units.attrs.get("themes") or [])
    _require(units, [group, "doc_id", "n_tokens", *themes], "units")
    out = two_stage_difference(units, group=group, a=a, b=b, value_cols=themes, token_col="n_tokens",
                               cluster=cluster, statistic=statistic, n_boot=n_boot, level=level,
                               random_state=random_state, within=within)
    out.attrs.update(units.attrs)
    return out.rename(columns={"feature": "theme"})


def _point_difference(units: pd.DataFrame, group: str, a, b, themes, statistic: str) -> pd.Series:
    rates = {}
    for name in (a, b):
        part = units[units[group] == name]
        by_doc = part.groupby("doc_id")[[*themes, "n_tokens"]].sum()
        if statistic == "pooled":
            rates[name] = by_doc[themes].sum() / by_doc["n_tokens"].sum() * 1000
        else:
            rates[name] = (by_doc[themes].div(by_doc["n_tokens"], axis=0) * 1000).mean()
    return rates[a] - rates[b]


@disk_cached("comparisons", key=corpus_cache_key)
def leave_one_out(units: pd.DataFrame, *, group: str, a, b, themes=None, statistic: str = "mean") -> pd.DataFrame:
    """The difference rate(a) - rate(b) with each interview left out in turn: its range.

    Returns one row per theme: ``theme``, ``diff`` (all interviews), ``loo_min``,
    ``loo_max`` (the smallest and largest difference over the leave-one-out runs) and
    the interviews whose removal gives them (``loo_min_without``, ``loo_max_without``).
    A difference whose range crosses 0 rests on one interview.
    """
    themes = list(themes or units.attrs.get("themes") or [])
    _require(units, [group, "doc_id", "n_tokens", *themes], "units")
    full = _point_difference(units, group, a, b, themes, statistic)
    runs = {}
    for doc in sorted(units.loc[units[group].isin([a, b]), "doc_id"].unique()):
        rest = units[units["doc_id"] != doc]
        if (rest[group] == a).any() and (rest[group] == b).any():
            runs[doc] = _point_difference(rest, group, a, b, themes, statistic)
    table = pd.DataFrame(runs)
    return pd.DataFrame({"theme": themes, "diff": full.to_numpy(), "loo_min": table.min(axis=1).to_numpy(),
                         "loo_max": table.max(axis=1).to_numpy(),
                         "loo_min_without": table.idxmin(axis=1).to_numpy(),
                         "loo_max_without": table.idxmax(axis=1).to_numpy()})


# --- keyness ----------------------------------------------------------------------------

def concept_counts(turns: pd.DataFrame, *, by: str = "doc_id", matcher: ThemeMatcher | None = None) -> pd.DataFrame:
    """Concept hits and tokens per group: one row per group, one column per concept, ``n_tokens``.

    Each turn's bag is matched in its own language (:meth:`ThemeMatcher.concept_counts`),
    so a group may mix French and English: concepts are the shared scale.
    """
    _require(turns, [by, "lang", "n_tokens"], "turns")
    matcher = matcher or ThemeMatcher()
    turns = turns.reset_index(drop=True)
    bags: dict[tuple, Counter] = {}
    for key, lang, bag in zip(turns[by], turns["lang"], turn_counts(turns)):
        bags.setdefault((key, lang), Counter()).update(bag)
    rows = {}
    for (key, lang), bag in sorted(bags.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        counts = pd.Series(matcher.concept_counts(bag, lang), dtype="int64")
        rows[key] = rows[key] + counts if key in rows else counts
    out = pd.DataFrame.from_dict(rows, orient="index")[list(matcher.concepts_)]
    out["n_tokens"] = turns.groupby(by)["n_tokens"].sum().reindex(out.index)
    out.index.name = by
    out.attrs["themes"] = dict(matcher.concepts_)
    return out


def concept_turns(turns: pd.DataFrame, *, by: str = "doc_id", matcher: ThemeMatcher | None = None) -> pd.DataFrame:
    """Turns touching each concept per group: one row per group, one column per concept, ``n_turns``.

    The unit of :func:`analysis.stats.keyness.turn_test`: a concept said five times in
    one answer counts once.
    """
    _require(turns, [by, "lang"], "turns")
    matcher = matcher or ThemeMatcher()
    turns = turns.reset_index(drop=True)
    concepts = list(matcher.concepts_)
    flags = pd.DataFrame([matcher.concept_counts(bag, lang) for bag, lang in zip(turn_counts(turns), turns["lang"])],
                         columns=concepts).fillna(0).gt(0).astype(int)
    flags[by] = turns[by].to_numpy()
    out = flags.groupby(by, sort=True)[concepts].sum()
    out["n_turns"] = flags.groupby(by, sort=True).size()
    return out


def _with_rest(counts: pd.Series, size: float) -> pd.Series:
    """``counts`` plus one bucket holding the rest of the corpus, so that sums are true sizes."""
    rest = float(size) - float(counts.sum())
    if rest < 0:
        raise ValueError(f"corpus size {size:g} is smaller than the sum of its counts {counts.sum():g}")
    return pd.concat([counts, pd.Series({OTHER: rest})]) if rest > 0 else counts


def _series(values, name: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(dict(values), dtype=float)
    if series.empty:
        raise ValueError(f"{name} has no terms")
    return series.astype(float)


def log_odds_sized(counts_a, counts_b, *, size_a: float, size_b: float, prior=None,
                   prior_scale: float | None = None) -> pd.DataFrame:
    """Monroe-Colaresi-Quinn log-odds of filtered counts, with the true corpus sizes.

    :func:`analysis.stats.keyness.log_odds_dirichlet` takes each group's size to be the sum of
    its counts, which is wrong when the counts cover some terms only (content lemmas,
    dictionary concepts). Here each group gets one extra term holding its remaining
    tokens, size - sum(counts), so that each term's log-odds is log(p / (1 - p)) with p
    its share of *all* tokens; the extra term is dropped from the result.

    ``prior``: None for the pooled counts of both groups (rest included), or each term's
    share of all tokens in a reference (values summing to less than 1; the remainder goes
    to the extra term). Either is rescaled to a total of ``prior_scale`` pseudo-tokens
    (None: :data:`PRIOR_WEIGHT` times the smaller group's size).

    Why ten times: a prior as large as the smaller sample barely shrinks. For the seed
    (607 tokens) against the English interviews, a0 = 607 gives the concept
    ``elections`` a pseudo-count of about 0.015 and z = 5.6 from two hits in one answer,
    stronger than an exact binomial test of those hits (z about 3.9). With a0 ten times
    the smaller side, the pseudo-counts are of the order of the small side's own counts
    and the same two hits give z = 3.2 (shown in notebook 05): concepts seen once or
    twice are pulled toward 0, concepts seen in several turns keep their lead.
    """
    a = _with_rest(_series(counts_a, "counts_a"), size_a)
    b = _with_rest(_series(counts_b, "counts_b"), size_b)
    if prior is None:
        pseudo = a.add(b, fill_value=0)
        seen = pseudo.index[pseudo > 0]  # a term absent from both groups says nothing
        a, b, pseudo = a[a.index.isin(seen)], b[b.index.isin(seen)], pseudo[seen]
    else:
        shares = _series(prior, "prior")
        if not 0 < shares.sum() < 1 or (shares <= 0).any():
            raise ValueError("prior must give each term a share of all tokens > 0, summing to less than 1 "
                             "(relative frequencies); use prior=None for the pooled counts")
        pseudo = pd.concat([shares, pd.Series({OTHER: 1.0 - shares.sum()})])
    scale = PRIOR_WEIGHT * float(min(size_a, size_b)) if prior_scale is None else float(prior_scale)
    out = log_odds_dirichlet(a, b, pseudo, prior_scale=scale)
    out = out[out["term"] != OTHER].reset_index(drop=True)
    out.attrs.update(prior_total=scale, n_a=float(size_a), n_b=float(size_b))
    return out


def _keyness(target: pd.Series, reference: pd.Series, size_t: float, size_r: float, *, min_count: int,
             prior=None, prior_scale=None) -> pd.DataFrame:
    table = keyness_table(target, reference, min_count=min_count, target_size=size_t, reference_size=size_r)
    odds = log_odds_sized(target, reference, size_a=size_t, size_b=size_r, prior=prior, prior_scale=prior_scale)
    out = table.merge(odds[["term", "delta", "z"]], on="term", how="left")
    out = out.rename(columns={"delta": "log_odds", "z": "log_odds_z"})
    out.attrs.update(table.attrs, prior_total=odds.attrs["prior_total"])
    return out


def concept_keyness(target: pd.Series, reference: pd.Series, *, target_size: float, reference_size: float,
                    min_count: int = 1, prior_scale: float | None = None, themes: dict | None = None,
                    target_turns: pd.Series | None = None, reference_turns: pd.Series | None = None,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Keyness of dictionary concepts: G2, Log Ratio and Dirichlet log-odds, one row per concept.

    ``target``/``reference``: concept -> hits (e.g. a row of :func:`concept_counts`), with
    the true token totals of each side. French and English are compared only through
    concepts: a concept hit is one token whose lemma is one of the concept's terms in its
    language. G2 and Log Ratio: :func:`analysis.stats.keyness.keyness_table`; log-odds z:
    :func:`log_odds_sized`, pooled prior rescaled to ``prior_scale`` (default: the
    smaller side). Sorted by G2. ``themes``: ``{concept: theme}`` adds a ``theme`` column.

    Significance by turns: with ``target_turns``/``reference_turns`` (rows of
    :func:`concept_turns`: turns touching each concept, and ``n_turns``), each concept
    also gets Fisher's exact test on turns (``turns_target``, ``turns_reference``,
    ``p_turns``) and its Benjamini-Hochberg ``q_turns`` over all concepts tested;
    ``significant`` is then q_turns < ``alpha``. This is the significance to report: G2's
    p-value treats every token as independent.

    Caveat: French needs more tokens than English to say the same thing (articles,
    elisions), so a French rate per 1,000 tokens is slightly diluted against an English one.
    """
    target = _series(target, "target").drop(labels=["n_tokens"], errors="ignore")
    reference = _series(reference, "reference").drop(labels=["n_tokens"], errors="ignore")
    out = _keyness(target, reference, target_size, reference_size, min_count=min_count, prior_scale=prior_scale)
    if target_turns is not None and reference_turns is not None:
        tt, rt = _series(target_turns, "target_turns"), _series(reference_turns, "reference_turns")
        out["turns_target"] = out["term"].map(tt).fillna(0).astype(int)
        out["turns_reference"] = out["term"].map(rt).fillna(0).astype(int)
        out["p_turns"] = turn_test(out["turns_target"], int(tt["n_turns"]), out["turns_reference"], int(rt["n_turns"]))
        out["q_turns"] = bh_adjust(out["p_turns"].to_numpy())
        out["significant"] = out["q_turns"] < alpha
        out.attrs.update(n_turns_target=int(tt["n_turns"]), n_turns_reference=int(rt["n_turns"]), alpha=alpha,
                         significance="Fisher exact test on turns, Benjamini-Hochberg over concepts")
    if themes:
        out.insert(1, "theme", out["term"].map(themes))
    return out.rename(columns={"term": "concept"})


@lru_cache(maxsize=4)
@disk_cached("wordfreq", key=lambda: (package_version("wordfreq"), package_version("simplemma")))
def _lemma_frequencies(lang: str, wordlist: str) -> tuple[pd.Series, float]:

    import wordfreq   # here: its import takes a quarter of a second, and most callers never need it
    freqs = wordfreq.get_frequency_dict(lang, wordlist)
    by_lemma: dict[str, float] = {}
    for word, f in freqs.items():
        key = lemma(word, lang)
        by_lemma[key] = by_lemma.get(key, 0.0) + f
    return pd.Series(by_lemma, dtype=float), float(min(freqs.values()))


def reference_frequencies(terms, lang: str = "fr", *, wordlist: str = "large") -> pd.DataFrame:
    """Relative frequency of each lemma in general usage, from ``wordfreq`` (Speer 2022).

    wordfreq lists word *forms* with their share of all tokens in a mix of sources
    (Wikipedia, subtitles, news, web text, books, social media). A lemma's frequency is
    the sum over the listed forms whose lemma (:func:`analysis.text.lemmas.lemma`, the same
    function the corpus uses) is that lemma. A merged phrase (``open_source``) gets
    wordfreq's own estimate for the words in sequence (``source="phrase estimate"``);
    a lemma none of whose forms is listed gets half the list's smallest frequency
    (``source="absent (floor)"``), the analogue of Hardie's 0.5 for a zero count.
    The first call lemmatizes the whole list (a few seconds) and is then remembered.
    """
    import wordfreq  # lazy: 0.25 s of import that only the reference-frequency tables need
    by_lemma, smallest = _lemma_frequencies(lang, wordlist)
    rows = []
    for term in terms:
        if "_" in term:
            f, source = wordfreq.word_frequency(term.replace("_", " "), lang, wordlist), "phrase estimate"
        else:
            f, source = float(by_lemma.get(term, 0.0)), "wordlist lemma"
        if f <= 0:
            f, source = smallest / 2, "absent (floor)"
        rows.append((term, f, source))
    return pd.DataFrame(rows, columns=["term", "frequency", "source"])


def general_usage_keyness(counts, size: float, lang: str = "fr", *, reference_size: float = 1e9,
                          min_count: int = 2, prior_scale: float | None = None,
                          wordlist: str = "large") -> pd.DataFrame:
    """Keyness of a document's content lemmas against general usage in its language.

    ``counts``: content lemma -> count (e.g. :func:`analysis.measures.frequencies.normalised_bag`
    of a document); ``size``: the document's total tokens, stopwords included, because
    wordfreq's frequencies are shares of all tokens. Only lemmas seen at least
    ``min_count`` times are tested.

    The assumption: wordfreq gives relative frequencies, not counts, so G2 needs a
    nominal reference size. We take ``reference_size`` = 10^9 tokens by default: the
    rarest listed French form (about 10^-8) then stands for ten occurrences, and the
    reference frequencies are treated as known. G2 then approaches the one-sample test
    of the document's counts against the expected size x frequency; it ignores the
    reference's own sampling error and the mismatch of genres (the seed is an edited
    print interview), so read it as a ranking, not as exact p-values. Log Ratio does not
    depend on the nominal size (except for absent terms). The log-odds use the reference
    frequencies as the informative prior, rescaled to ``prior_scale`` (default: ``size``).
    Returns the keyness columns plus ``reference_frequency`` and ``source``.
    """
    counts = _series(counts, "counts")
    if not reference_size > size:
        raise ValueError(f"reference_size ({reference_size:g}) must be larger than the document ({size:g})")
    counts = counts[counts >= min_count]
    if counts.empty:
        raise ValueError(f"no lemma is seen {min_count} times or more: lower min_count")
    ref = reference_frequencies(counts.index, lang, wordlist=wordlist).set_index("term")
    reference = ref["frequency"] * reference_size
    out = _keyness(counts, reference, size, reference_size, min_count=0,
                   prior=ref["frequency"], prior_scale=size if prior_scale is None else prior_scale)
    out = out.join(ref.rename(columns={"frequency": "reference_frequency"}), on="term")
    out.attrs.update(reference=f"wordfreq {wordlist} {lang}", nominal_reference_size=reference_size)
    return out


@disk_cached("comparisons", key=corpus_cache_key)
def term_scatter_table(turns: pd.DataFrame, *, group: str, a, b, min_count: int = 5,
                       prior_scale: float | None = None) -> pd.DataFrame:
    """Per-lemma rates in two groups of one language, with Monroe-Colaresi-Quinn log-odds.

    ``group``: a column of ``turns`` whose values include ``a`` and ``b``. For each
    content lemma seen ``min_count`` times or more in the two groups together: counts,
    rates per 1,000 tokens of each group (all tokens in the denominator) and the
    log-odds z (:func:`log_odds_sized`, pooled prior rescaled to ``prior_scale``,
    default the smaller group's size). Positive z leans to ``a``. Raw counts of two
    languages are never compared: mixed languages raise an error.
    """
    _require(turns, [group, "lang", "n_tokens"], "turns")
    part = turns[turns[group].isin([a, b])]
    for name in (a, b):
        if not (part[group] == name).any():
            raise ValueError(f"group {name!r} has no turns in column {group!r}")
    freq = term_frequencies(part, by=group)
    sizes = part.groupby(group)["n_tokens"].sum()
    ca = freq[freq[group] == a].set_index("term")["count"]
    cb = freq[freq[group] == b].set_index("term")["count"]
    odds = log_odds_sized(ca, cb, size_a=sizes[a], size_b=sizes[b], prior_scale=prior_scale)
    odds = odds[odds["count_a"] + odds["count_b"] >= min_count].reset_index(drop=True)
    odds["rate_a"] = 1000 * odds["count_a"] / sizes[a]
    odds["rate_b"] = 1000 * odds["count_b"] / sizes[b]
    odds.attrs.update(a=a, b=b, size_a=int(sizes[a]), size_b=int(sizes[b]), lang=part["lang"].iloc[0])
    return odds


# --- dynamics ---------------------------------------------------------------------------

def introducer_summary(introductions: pd.DataFrame, *, n_boot: int = 2000, level: float = 0.95,
                       random_state: int = 0) -> pd.DataFrame:
    """How often the interviewer rather than the executive brings each theme (back) in, with intervals.

    ``introductions``: :func:`analysis.measures.dynamics.theme_introductions` (one row per
    document and theme). Per theme: ``n_documents`` where it comes up, in how many of
    them a question raised it first (``first_by_interviewer``), all ``introductions``,
    and the interviewer's ``share`` of them pooled over documents (interviewer
    introductions / all introductions, as :func:`analysis.measures.dynamics.introduction_shares`)
    with a percentile bootstrap interval from resampling *documents*: interviews differ
    in length and style, so they, not turns, are the independent units.
    """
    _require(introductions, ["doc_id", "theme", "first_role", "introductions", "by_interviewer"],
             "introductions")
    data = introductions[introductions["introductions"] > 0].copy()
    if data.empty:
        raise ValueError("no theme is introduced in these documents: nothing to summarise")
    data["first_by_interviewer"] = (data["first_role"] == "interviewer").astype(int)
    # documents are independent units here, not an ordered sequence: the plain bootstrap of units
    shares = bootstrap_table(data, group="theme", value_cols="by_interviewer", token_col="introductions", per=1,
                             n_boot=n_boot, level=level, random_state=random_state, design="turns")
    shares = shares.rename(columns={"rate": "share", "n": "n_documents", "n_tokens": "introductions"})
    first = data.groupby("theme")["first_by_interviewer"].sum()
    shares["first_by_interviewer"] = shares["theme"].map(first).astype(int)
    order = list(dict.fromkeys(introductions["theme"]))
    shares = shares.set_index("theme").loc[[t for t in order if t in set(shares["theme"])]].reset_index()
    return shares[["theme", "n_documents", "first_by_interviewer", "introductions", "share", "lo", "hi"]]


# --- documents whose roles the speaker model attributed -------------------------------------------

#: ``speech`` of the executives' turns in documents whose roles come from speaker labels or cues,
#: and in caption documents whose roles the speaker model attributed (:func:`executive_turns`).
LABELLED_SPEECH, MODEL_SPEECH = "executive", "executive (model roles)"
SENSITIVITY_SCOPES = {"labelled only": (LABELLED_SPEECH,), "model-attributed only": (MODEL_SPEECH,),
                      "with model-attributed": (LABELLED_SPEECH, MODEL_SPEECH)}


def model_roles_sensitivity(units: pd.DataFrame, *, themes=KEY_THEMES, n_boot: int = 2000, level: float = 0.95,
                            random_state: int = 0) -> pd.DataFrame:
    """The executives' key-theme figures with and without the model-attributed documents.

    ``units``: :func:`group_units` (executive turns with ``speech``, ``person`` and theme
    columns). Three scopes of documents (:data:`SENSITIVITY_SCOPES`): labelled only (roles
    from speaker names or print cues), model-attributed only (caption documents whose
    interviewee turns come from :mod:`analysis.ingest.speakers`), and both together. Two
    measures per theme, each the mean over interviews (each interview once) with a two-stage
    bootstrap interval, persons then turns in blocks (:func:`analysis.stats.bootstrap.two_stage_table`):

    * ``rate``: theme hits per 1,000 executive tokens;
    * ``turn share``: the share of executive turns with at least one hit (model turns are
      cut where the model places a change of speaker, so this share also moves with the
      segmentation; the rate does not depend on it).

    Returns ``scope, theme, measure, estimate, lo, hi, n`` (interviews), ``n_clusters``
    (persons) and ``shift``: the scope's estimate minus the labelled-only one (0 for
    labelled only; the scopes share documents, so no interval is given for the shift).
    A scope without documents is left out.
    """
    themes = list(themes)
    _require(units, ["doc_id", "n_tokens", "speech", "person", *themes], "units")
    flags = units[themes].gt(0).astype(int).add_suffix(" (turn)")
    data = pd.concat([units[["doc_id", "n_tokens", "speech", "person", *themes]], flags], axis=1).assign(turns=1)
    frames = []
    for scope, speech in SENSITIVITY_SCOPES.items():
        part = data[data["speech"].isin(speech)].assign(scope=scope)
        if part.empty:
            continue
        for measure, columns, token_col, per in (("rate", themes, "n_tokens", 1000),
                                                 ("turn share", list(flags.columns), "turns", 1)):
            table = two_stage_table(part, group="scope", value_cols=columns, token_col=token_col, cluster="person",
                                    statistic="mean", per=per, n_boot=n_boot, level=level,
                                    random_state=random_state)
            table["theme"] = table["feature"].str.replace(" (turn)", "", regex=False)
            frames.append(table.assign(measure=measure).rename(columns={"rate": "estimate"}))
    out = pd.concat(frames, ignore_index=True)[["scope", "theme", "measure", "estimate", "lo", "hi", "n", "n_clusters"]]
    base = out[out["scope"] == "labelled only"].set_index(["theme", "measure"])["estimate"]
    out["shift"] = [e - base.get((t, m), np.nan) for t, m, e in zip(out["theme"], out["measure"], out["estimate"])]
    out.attrs.update(n_boot=n_boot, level=level, random_state=random_state, statistic="mean of interviews",
                     interval="two-stage bootstrap (persons, then turns in blocks)")
    return out


# --- one host, many outlets -------------------------------------------------------------------

def outlet_name(outlet: str) -> str:
    """An outlet without its episode number or notes: ``'Lex Fridman Podcast #367'`` -> ``'Lex Fridman Podcast'``."""
    return re.sub(r"\s*(#\d+.*|\(.*)$", "", str(outlet)).strip()


def host_concentration(catalog: pd.DataFrame, *, seed_doc: str = SEED_DOC_ID) -> dict:
    """How many comparison interviews (the seed aside) come from the most frequent outlet.

    Returns ``outlet``, ``n`` (its interviews), ``total`` (all comparison interviews) and
    ``outlets`` (the number of distinct outlets): the host confound in numbers.
    """
    others = catalog[catalog["doc_id"] != seed_doc]
    counts = others["outlet"].map(outlet_name).value_counts()
    return {"outlet": counts.index[0], "n": int(counts.iloc[0]), "total": int(len(others)),
            "outlets": int(len(counts))}


def across_outlets(profiles: pd.DataFrame, catalog: pd.DataFrame, themes=None) -> pd.DataFrame:
    """Theme rates of the executives interviewed on more than one outlet, outlet by outlet.

    The same person on two outlets separates outlet (host, format, audience) from speaker as far
    as the corpus allows: a difference between the rows of one person is not that person's.
    ``profiles`` is :func:`executive_profiles` (rates with intervals per interview and theme);
    one row per (person, outlet, interview, theme) with ``rate``, ``lo``, ``hi``, ``n_tokens``.
    Interviews with several guests count for each of them (their turns are pooled).
    """
    outlets = catalog.set_index("doc_id")["outlet"].map(outlet_name)
    table = profiles.assign(outlet=profiles["doc_id"].map(outlets),
                            person=profiles["interviewee"].map(lambda names: sorted(_names(names))))
    table = table.explode("person")
    if themes is not None:
        table = table[table["theme"].isin(list(themes))]
    spread = table.groupby("person")["outlet"].nunique()
    keep = table[table["person"].isin(spread[spread > 1].index)]
    columns = ["person", "outlet", "doc_id", "date", "theme", "rate", "lo", "hi", "n_tokens", "speech"]
    return keep[columns].sort_values(["person", "theme", "date", "doc_id"]).reset_index(drop=True)
