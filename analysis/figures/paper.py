"""The paper figure set: ``python -m analysis figures`` (``make figures``) regenerates it.

Each entry of :data:`FIGURES` is a function that builds one figure from the corpus and
returns ``(fig, caption)``; :func:`export_all` exports every one into ``figures/`` with
the same provenance, so one command rebuilds the set and an unchanged corpus gives
identical bytes. Notebooks call the same builders, so a figure in a notebook and in the
paper are the same figure.
"""
from __future__ import annotations

import functools
import hashlib
from importlib import metadata
import warnings
from collections import Counter
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable

import joblib
import matplotlib.pyplot as plt
import pandas as pd

from analysis.compare import comparisons
from analysis.core.progress import progress
from analysis.corpus.load import load_catalog, load_corpus, turn_counts
from analysis.corpus.overview import corpus_overview
from analysis.figures import comparison_plots, plots, topic_plots
from analysis.core.diskcache import disk_cached
from analysis.corpus.version import corpus_cache_key
from analysis.figures.export import STYLE_PATH, render_formats, write_rendered
from analysis.figures.theme_plots import introductions_by_role, rate_intervals, theme_label, upper_bound, uptake_heatmaps
from analysis.figures.topic_plots import prevalence_over_time, seed_in_space, selection
from analysis.measures import dynamics
from analysis.measures.dynamics import introduction_shares, left_out_documents
from analysis.measures.frequencies import normalised_bag, term_frequencies
from analysis.measures.reliability import instrument_reliability, reliable_map
from analysis.measures.theme_scores import theme_hits, theme_rates
from analysis.models import topic_corpus, topic_results
from analysis.models.topic_results import theme_check
from analysis.models.topic_results import (HOLDOUT_EVERY, default_corpus, default_model, document_topics,
                                           place_french, selection_table, split_chunks, term_themes,
                                           topic_theme_correlation, topic_theme_weights)
from analysis.models.topics import MIN_STABILITY, choose_k, select_k
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.stats.coverage import few_turns_coverage
from analysis.stats.dispersion import dispersion_table
from analysis.stats.resampling import FEW_TURNS, block_length

COMMAND = "python -m analysis figures"
FIGURES: dict[str, Callable] = {}

#: Worker processes are started fresh (spawn), not forked: a fork copies locks other threads hold
#: (joblib's, the progress bar's) and a worker that then starts joblib processes of its own can hang.
SPAWN = multiprocessing.get_context("spawn")


#: Said by every caption of a figure that tests nothing and draws no interval.
DESCRIPTIVE = " Descriptive: no comparison tested, no interval."


def figure(name: str):
    """Register a figure builder under its file name."""
    def register(builder):
        FIGURES[name] = builder
        return builder
    return register


@figure("corpus_sizes")
def corpus_sizes():
    fig, _ = plots.corpus_sizes(load_catalog(), highlight=SEED_DOC_ID)
    return fig, "Tokens per interview in the corpus (log scale); the Pineau interview highlighted." + DESCRIPTIVE


@figure("corpus_timeline")
def corpus_timeline():
    fig, _ = plots.corpus_timeline(corpus_overview(), highlight=SEED_DOC_ID)
    return fig, ("The corpus: each interview by date and size in tokens (log scale), coloured by organization; "
                 "the Pineau print interview (star) is one to two orders of magnitude shorter than the podcasts."
                 + DESCRIPTIVE)


@figure("seed_turn_lengths")
def seed_turn_lengths():
    fig, _ = plots.turn_lengths(load_corpus(docs=[SEED_DOC_ID]))
    return fig, "Tokens per turn in the Pineau interview (La Tribune, 2024), by speaker role." + DESCRIPTIVE


@figure("seed_top_lemmas")
def seed_top_lemmas(compute_terms=("gpu", "h100", "processeur", "datacenter", "puissance_de_calcul",
                                   "capacité", "calcul", "ressource", "nvidia"), n=20):
    fig, _ = plots.top_terms(term_frequencies(load_corpus(docs=[SEED_DOC_ID])), highlight=compute_terms, n=n)
    return fig, (f"The {n} most frequent content lemmas of the Pineau interview, per 1,000 tokens; "
                 "compute vocabulary highlighted." + DESCRIPTIVE)


def _worker_setup() -> None:
    """In a worker of ``export_all(jobs=...)``: joblib runs threads, not processes (same results).

    A pool worker waits at exit for the processes it started, and joblib keeps its worker
    processes alive for 300 s of idleness: the run would end five minutes late.
    """
    joblib.parallel_config(backend="threading")


def _render_inputs_key() -> dict:
    """What a rendered paper figure depends on besides the package's code (which the disk cache
    keys on itself, with numpy, pandas, scipy and scikit-learn): the corpus, the house style
    sheet, and the libraries that draw, encode and embed fonts (DejaVu Sans ships with matplotlib)."""
    return {"corpus": corpus_cache_key(), "style_sha256": hashlib.sha256(STYLE_PATH.read_bytes()).hexdigest(),
            **{name: _installed_version(name) for name in ("matplotlib", "fonttools", "pillow", "wordfreq", "simplemma")}}


def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@disk_cached("figures", key=_render_inputs_key)
def rendered_figure(name: str) -> dict:
    """Paper figure ``name`` built and rendered: ``{"caption", "size_inches", "files": {format: bytes}}``.

    Kept in the disk cache (:mod:`analysis.core.diskcache`): a second ``make figures`` or
    ``make run`` with the same corpus, code and libraries writes the bytes the first one
    rendered instead of drawing every figure again in three formats.
    """
    fig, caption = FIGURES[name]()
    try:
        # numpy floats kept: the sidecar rounds the size in mm with numpy's rounding, as export_figure does
        return {"caption": caption, "size_inches": tuple(fig.get_size_inches()),
                "files": render_formats(fig)}
    finally:
        plt.close(fig)


def _export_one(name: str, outdir, use_cache: bool = True) -> list:
    figure_files = rendered_figure(name) if use_cache else rendered_figure.uncached(name)
    return write_rendered(name, figure_files["files"], caption=figure_files["caption"],
                          size_inches=figure_files["size_inches"], outdir=outdir, provenance={"command": COMMAND})


def export_all(names=None, outdir=None, *, jobs: int = 1, use_cache: bool = True) -> list:
    """Build and export every registered figure (or those named); return the written paths.

    A figure already rendered with the same corpus, code and libraries is written from the
    disk cache (:func:`rendered_figure`); ``use_cache=False`` draws and renders every one again.

    ``jobs`` > 1 builds and renders that many figures at once in worker processes (the
    tables they share come from the disk cache, :mod:`analysis.core.diskcache`). Each
    figure's files depend on that figure alone, so the bytes are the same whatever ``jobs``;
    the figure index is rebuilt from every sidecar at each export, so the last one lists
    them all. Paths are returned in the registry's order.
    """
    unknown = set(names or []) - set(FIGURES)
    if unknown:
        raise ValueError(f"unknown figure(s) {', '.join(sorted(unknown))}; known: {', '.join(FIGURES)}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number >= 1, got {jobs!r}")
    selected = [name for name in FIGURES if not names or name in names]
    written = {}
    with progress(total=len(selected), desc="figures", unit="fig", leave=False) as bar:
        if jobs == 1 or len(selected) < 2:
            for name in selected:
                written[name] = _export_one(name, outdir, use_cache)
                bar.update(1)
        else:
            with ProcessPoolExecutor(min(jobs, len(selected)), mp_context=SPAWN,
                                     initializer=_worker_setup) as pool:
                futures = {pool.submit(_export_one, name, outdir, use_cache): name for name in selected}
                for future in as_completed(futures):
                    written[futures[future]] = future.result()
                    bar.update(1)
    return [path for name in selected for path in written[name]]


# --- themes and interview dynamics (notebook 03) -------------------------------------------

def _roles_split(turns, seed_doc, k=None):
    """Theme hits of the documents with speaker roles; the seed and the comparison ids; the left-out ids."""

    left_out = left_out_documents(turns)
    kept = turns[~turns["doc_id"].isin(left_out)]
    others = sorted(set(kept["doc_id"]) - {seed_doc})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # the left-out documents are named in the caption
        return kept, theme_hits(kept), others, left_out


@figure("seed_theme_rates")
def seed_theme_rates(doc=SEED_DOC_ID, n_boot=2000, random_state=0):
    data = comparisons.corpus_data()
    own = data["executive"]["doc_id"] == doc   # the seed's rate: its interviewee's turns, as in every figure
    turns, hits = data["executive"][own].reset_index(drop=True), data["executive_hits"][own].reset_index(drop=True)
    hits.attrs.update(data["executive_hits"].attrs)
    themes = hits.attrs["themes"]
    measured = dispersion_table(pd.concat([data["executive"][["doc_id", "n_tokens"]],
                                           data["executive_hits"][themes]], axis=1)[~own],
                                value_cols=themes, min_turns=FEW_TURNS)
    kappa = dict(zip(measured["feature"], measured["kappa"]))
    rates = theme_rates(turns, hits=hits, n_boot=n_boot, random_state=random_state, kappa=kappa)
    touching = (hits[themes] > 0).sum().to_dict()
    fig, _ = rate_intervals(rates, touching=touching)
    bounded = rates[rates["lo"] > 0]
    bunched = float(measured["kappa"].min())
    check = {method: few_turns_coverage(10.0, n_turns=len(turns), mean_tokens=int(turns["n_tokens"].mean()),
                                        kappa=bunched, method=method, random_state=random_state)["coverage"]
             for method in ("negative binomial", "union")}
    floors = "; ".join(f"{theme_label(r.theme)} {r.rate:.1f} [{r.lo:.2f}, {upper_bound(r.hi)}]"
                       for r in bounded.itertuples()) or "none"
    return fig, (f"Theme rates in {doc}, over the interviewee's {int(rates['n'].iloc[0])} turns "
                 f"({int(rates['n_tokens'].iloc[0]):,} tokens): dictionary hits per 1,000 tokens with 95% "
                 "negative-binomial exact intervals (with so few turns no bootstrap is used). The bunching of each "
                 "theme's hits from turn to turn, the gamma shape kappa, is measured on the other executives' "
                 f"{int(measured['n'].iat[0]):,} turns in {int(measured['n_interviews'].iat[0])} interviews of "
                 f"{FEW_TURNS}+ turns (maximum likelihood; kappa {measured['kappa'].min():.2f} to "
                 f"{measured['kappa'].max():.2f}: hits come in bursts). Simulated coverage at the strongest bunching "
                 f"(kappa {bunched:.2f}, 10 hits per 1,000 tokens, {len(turns)} turns; analysis.stats.coverage): "
                 f"{check['negative binomial']:.1%}, against {check['union']:.1%} for the earlier rule (exact Poisson "
                 "or cluster-robust t). Upper bounds are therefore far out (arrows; "
                 "the bound is written, >1,000 meaning none): six answers cannot show how often a bursty theme comes up, only that it "
                 f"does. Themes whose lower bound is above 0: {floors}. At the right, the turns with at least one "
                 f"hit. {len(rates)} themes, no comparison tested.")


@figure("theme_introductions")
def theme_introductions(seed_doc=SEED_DOC_ID, k=2):
    turns, hits, others, left_out = _roles_split(load_corpus(), seed_doc)
    intro = dynamics.theme_introductions(turns, hits, k=k)
    comparison = intro[intro["doc_id"].isin(others)]
    panels = {"Pineau interview (La Tribune)": introduction_shares(intro[intro["doc_id"] == seed_doc]),
              f"{len(others)} comparison interviews, pooled": introduction_shares(comparison)}
    fig, _ = introductions_by_role(panels, per_document=comparison)
    return fig, (f"Who brings each theme into the conversation: share of introductions made by the interviewer's "
                 f"questions (a turn touches the theme and none of the {k} turns before it did). Left: the Pineau "
                 f"interview; right: the {len(others)} comparison interviews with speaker roles, pooled (dots: one "
                 f"interview each); n = introductions. {len(left_out)} transcripts without speaker roles are left "
                 "out. Dashed line: an even split." + DESCRIPTIVE)


@figure("uptake_matrix")
def uptake_matrix(seed_doc=SEED_DOC_ID):
    turns, hits, others, left_out = _roles_split(load_corpus(), seed_doc)
    panels = {"Pineau interview": dynamics.uptake_matrix(turns, hits, doc=seed_doc, normalize=True),
              f"{len(others)} comparison interviews, pooled": dynamics.uptake_matrix(turns, hits, doc=others, normalize=True)}
    fig, _ = uptake_heatmaps(panels)
    return fig, ("Uptake: over every interviewer turn followed by an interviewee turn, the share of answers touching "
                 "theme B (columns) when the question touched theme A (rows); n = questions touching A, blank rows "
                 "have none. The outlined diagonal is each theme's uptake rate. Left: the Pineau interview; right: "
                 f"the {len(others)} comparison interviews with speaker roles, pooled; {len(left_out)} transcripts "
                 "without speaker roles are left out." + DESCRIPTIVE)


# --- topic models (notebook 04) ------------------------------------------------------------
# Data from analysis.models.topic_results (chosen model, prevalence, seed projection), plots from
# analysis.figures.topic_plots. Fitted models come from the disk cache after the first run. Every
# builder takes the notebook's parameters: kind, ks (k range), random_states, chunk_tokens, min_df
# (None: the defaults of analysis.models.topic_results and analysis.models.topic_corpus).

def _topic_params(ks, random_states, chunk_tokens, min_df):
    return (tuple(ks or topic_results.DEFAULT_KS), tuple(random_states or topic_results.DEFAULT_RANDOM_STATES),
            chunk_tokens or topic_corpus.DEFAULT_CHUNK_TOKENS, min_df or topic_corpus.DEFAULT_MIN_DF)


def _topic_setup(kind, ks, random_states, chunk_tokens, min_df):
    ks, random_states, chunk_tokens, min_df = _topic_params(ks, random_states, chunk_tokens, min_df)
    return default_corpus(chunk_tokens, min_df), default_model(kind, ks, random_states, chunk_tokens, min_df)


@figure("topic_model_selection")
def topic_model_selection(ks=None, random_states=None, chunk_tokens=None, min_df=None, n_jobs=1):
    ks, random_states, chunk_tokens, min_df = _topic_params(ks, random_states, chunk_tokens, min_df)
    corpus = default_corpus(chunk_tokens, min_df)
    table = selection_table(corpus, ks, random_states=random_states, n_jobs=n_jobs)
    chosen = {kind: choose_k(table, kind=kind)[0] for kind in table["kind"].unique()}
    on_fitting = select_k(corpus.matrix, corpus.terms, ks, random_states=random_states, n_jobs=n_jobs)
    naive = {kind: choose_k(on_fitting, kind=kind)[0] for kind in on_fitting["kind"].unique()}
    fig, _ = selection(table, chosen, min_stability=MIN_STABILITY)
    rows = table.set_index(["kind", "k"])
    picks = "; ".join(f"{kind.upper()} k = {k} (held-out NPMI {rows.loc[(kind, k), 'npmi_mean']:.3f}, stability "
                      f"{rows.loc[(kind, k), 'stability']:.2f}, chance {rows.loc[(kind, k), 'chance_95']:.2f})"
                      for kind, k in chosen.items())
    fitting, heldout = split_chunks(corpus)
    return fig, (f"Choosing the number of topics over the stated range k = {', '.join(map(str, ks))}: NMF and LDA "
                 f"fitted with {len(random_states)} random states at each k on {fitting.shape[0]:,} of the {len(corpus.chunks):,} "
                 f"chunks of the English interviews (at least {corpus.chunk_tokens} running tokens each; "
                 f"{len(corpus.terms):,} lemmas in at least {corpus.min_df} chunks); one chunk in "
                 f"{HOLDOUT_EVERY} of each interview ({heldout.shape[0]:,}) held out. NPMI of each topic's 10 top "
                 "terms over the held-out chunks' co-occurrence (UMass over the fitting chunks), averaged over topics "
                 "and runs; stability: mean cosine of optimally matched topics over all pairs of runs; dotted: chance, "
                 "the 95th percentile of the cosines of unmatched topic pairs. Rule: the smallest k whose NPMI is within "
                 f"one standard error of the best among the k with stability >= {MIN_STABILITY} and above chance. "
                 f"Chosen (rings): {picks}. Sensitivity: with NPMI on the fitting chunks instead, the rule picks "
                 f"{'; '.join(f'{kind.upper()} k = {k}' for kind, k in naive.items())}. {len(ks)} values of k "
                 f"compared per kind by that rule, no significance test; error bars: standard deviation of NPMI over "
                 f"the {len(random_states)} runs.")


@figure("topic_terms")
def topic_terms(kind="nmf", n=8, ks=None, random_states=None, chunk_tokens=None, min_df=None):
    corpus, chosen = _topic_setup(kind, ks, random_states, chunk_tokens, min_df)
    overall = topic_results.topic_prevalence(document_topics(chosen, corpus).assign(all="all"), by="all", n_boot=1)
    shares = dict(zip(range(chosen.k), overall["share"]))
    fig, _ = topic_plots.topic_terms(chosen.top_terms(n), membership=term_themes(chosen.terms), prevalence=shares, n=n)
    rep = chosen.replication
    unreplicated = ", ".join(rep.loc[~rep["replicated"], "topic"]) or "none"
    return fig, (f"The {chosen.k} topics of the chosen {kind.upper()} model (random state {chosen.random_state}, the run "
                 f"closest to the other runs): each topic's {n} heaviest lemmas and their share of the topic's weight; "
                 "in brackets, the topic's share of the English interviews' text. Coloured: lemmas the theme "
                 f"dictionary matches. Replication: a topic is replicated when its matched cosine in each of the other "
                 f"{int(rep['n_other'].iloc[0])} runs exceeds {rep['threshold'].iloc[0]:.2f}, the 95th percentile of "
                 f"unmatched topic pairs (chance); not replicated: {unreplicated}." + DESCRIPTIVE)


@figure("topic_prevalence")
def topic_prevalence(kind="nmf", n_boot=2000, ks=None, random_states=None, chunk_tokens=None,
                     min_df=None):
    corpus, chosen = _topic_setup(kind, ks, random_states, chunk_tokens, min_df)
    table = document_topics(chosen, corpus)
    fig, _ = prevalence_over_time(topic_results.topic_prevalence(table, by="doc_id", n_boot=n_boot), corpus.chunks, chosen.labels())
    sizes = corpus.chunks.groupby("doc_id").size()
    return fig, (f"Topic prevalence per English interview against its date ({kind.upper()}, k = {chosen.k}): the "
                 "token-weighted mean of the interview's chunk topic proportions, with 95% moving-block bootstrap "
                 f"intervals over its consecutive chunks ({n_boot:,} resamples; {sizes.min()} to {sizes.max()} chunks per "
                 "interview). Colour and marker: organization. All speakers are counted: ten caption transcripts "
                 "cannot separate host and guest. No comparison tested.")


@figure("topic_themes")
def topic_themes(kind="nmf", ks=None, random_states=None, chunk_tokens=None, min_df=None):
    corpus, chosen = _topic_setup(kind, ks, random_states, chunk_tokens, min_df)
    weights = topic_theme_weights(chosen)
    correlation = topic_theme_correlation(document_topics(chosen, corpus), corpus)
    fig, _ = topic_plots.topic_themes(weights, correlation, chosen.labels())
    return fig, (f"Topics of the {kind.upper()} model (k = {chosen.k}) read against the theme dictionary. Left: share "
                 "of each topic's term weight on lemmas the theme's English terms match (what the topic is made of). "
                 f"Right: Spearman correlation across the {len(corpus.chunks):,} chunks between the topic's proportion "
                 "and the theme's hits per 1,000 tokens (where the topic is used)." + DESCRIPTIVE)


@figure("seed_in_topic_space")
def seed_in_topic_space(kind="nmf", seed_doc=SEED_DOC_ID, n_boot=2000, ks=None, random_states=None,
                        chunk_tokens=None, min_df=None):
    corpus, chosen = _topic_setup(kind, ks, random_states, chunk_tokens, min_df)
    turns = load_corpus(docs=[seed_doc])
    placed = place_french(chosen, corpus, turns, n_boot=n_boot)
    check = theme_check(chosen, turns)
    english = topic_results.topic_prevalence(document_topics(chosen, corpus), by="doc_id", n_boot=1)
    fig, _ = seed_in_space(english, placed.prevalence, placed.per_turn, chosen.labels(),
                           theme_turns=check["turns"], theme_topic=check["topic"])
    g = placed.glossary
    return fig, (f"The Pineau interview (French) projected into the English {kind.upper()} model (k = {chosen.k}) "
                 f"through the French-English lemma glossary: {placed.projection.share_projected:.0%} of its content "
                 "tokens reached the model's vocabulary. Left: topic shares of each English interview (grey) and of "
                 f"the seed (star; 95% bootstrap interval over {g['draws']} draws that each resample its {len(placed.chunks)} "
                 f"chunks and drop {g['drop']:.0%} of the glossary entries at random; the glossary alone moves the mix "
                 f"by a median total-variation distance of {g['tv_median']:.2f} (95th percentile {g['tv_95']:.2f}) and "
                 f"changes the dominant topic in {g['dominant_changed']:.0%} of draws). Right: each seed turn projected on its own; outlined: the turns the dictionary finds about "
                 f"compute scarcity ({', '.join(map(str, check['turns']))}); dashed: the compute topic "
                 f"{check['label']}, the topic with most weight on compute terms. Pooled, those turns give it "
                 f"{check['share_in_theme_turns']:.0%}, the other turns {check['share_in_other_turns']:.0%}. "
                 "No comparison tested.")


# --- comparisons with the other executives (notebook 05) ----------------------------------
# Each builder takes ``width`` ("one" or "two" journal columns) and is registered once per
# size that suits it, as <name>_1col and/or <name>_2col: panels of interviews, dates and
# terms come in both; bar and dot charts of a few rows only in one column (stretched to two
# they only get emptier); the interview x theme grid of introductions only in two (eight
# theme columns need the width). Other parameters are what notebook 05 lets a researcher
# change. Data come from analysis.compare.comparisons, plots from analysis.figures.comparison_plots.

SIZE_SUFFIX = {"one": "1col", "two": "2col"}


def sized_figure(name: str, widths=("one", "two")):
    """Register a builder that takes ``width`` once per size: ``<name>_1col``, ``<name>_2col``."""

    def register(builder):
        for width in widths:
            FIGURES[f"{name}_{SIZE_SUFFIX[width]}"] = functools.partial(builder, width=width)
        return builder
    return register


def _interval(row) -> str:
    return f"{row['rate']:.1f} [{row['lo']:.1f}, {upper_bound(row['hi'])}]"


def _short_name(prof, doc) -> str:
    """'the Pineau interview' for a document of a profiles table."""
    rows = prof.loc[prof["doc_id"] == doc, "interviewee"]
    return f"the {rows.iloc[0].split(';')[0].split()[-1]} interview" if len(rows) else doc


def _differences(diff, loo, sensitivity, *, digits=2) -> str:
    """'compute +2.32 [0.17, 5.49], q 0.04, leave-one-out -0.06 to 2.32, seed in: +2.1' per theme."""
    loo, sens = loo.set_index("theme"), sensitivity.set_index("theme")
    f = f"+.{digits}f"
    return "; ".join(
        f"{comparison_plots.theme_label(r.theme)} {r.diff:{f}} [{r.lo:{f}}, {r.hi:{f}}], q = {r.q_value:.2f}, "
        f"leave-one-interview-out {loo.loc[r.theme, 'loo_min']:{f}} to {loo.loc[r.theme, 'loo_max']:{f}}, "
        f"seed included {sens.loc[r.theme, 'diff']:{f}}"
        for r in diff.itertuples())


def _host_note() -> str:
    """The host confound in one sentence, counted from the catalog."""
    host = comparisons.host_concentration(load_catalog())
    return (f" {host['n']} of the {host['total']} comparison interviews come from one host ({host['outlet']}; "
            f"{host['outlets']} outlets in all): host and outlet are confounded with every comparison here; the "
            "executives' own turns leave the host's questions out wherever speakers are labelled.")


def _caption_speech_note(whole: pd.DataFrame) -> str:
    """What the forest shows for automatic-caption transcripts: the speaker model's executive
    turns, and (open dots) any still counted whole."""
    n_model = int((whole["speech"] == "executive (model roles)").sum())
    n_chunked = int((whole["speech"] == "whole conversation").sum())
    note = ""
    if n_model:
        note += (f"{n_model} automatic caption transcripts have no speaker names: their executive turns are the "
                 "speaker model's attribution (`python -m analysis speakers --evaluate` prints its held-out "
                 "accuracy; host speech the model leaves inside guest turns counts as the executive's). ")
    if n_chunked:
        note += (f"Open dots: the {n_chunked} automatic caption transcripts without speaker names, counted whole "
                 "(host included), resampled in blocks of ~250-token chunks. ")
    return note


@sized_figure("theme_forest")
def theme_forest(width="two", themes=("compute_scarcity", "open_source_risk", "elections_misinformation"),
                 seed_doc=SEED_DOC_ID, n_boot=2000, random_state=0):
    prof = comparisons.executive_profiles(n_boot=n_boot, random_state=random_state)
    reliability = instrument_reliability()
    reliable = reliable_map(reliability)
    fig, _ = comparison_plots.forest(prof, themes, highlight=seed_doc, width=width, reliable=reliable)
    flagged = reliability[reliability["theme"].isin(themes) & ~reliability["reliable"]]
    marks = ("; ".join(f"{comparison_plots.theme_label(t)}: {r}" for t, r in zip(flagged["theme"], flagged["reason"]))
             or "none")
    own = prof[prof["doc_id"] == seed_doc].set_index("theme")
    whole = prof.drop_duplicates("doc_id")
    n_themes = prof["theme"].nunique()
    rates = "; ".join(f"{comparison_plots.theme_label(t)} {_interval(own.loc[t])}" for t in themes)
    kappas = ", ".join(f"{own.loc[t, 'kappa']:.2f}" for t in themes)
    sizes = whole.loc[whole["doc_id"] != seed_doc, "n"]
    few = int((sizes < FEW_TURNS).sum())
    lengths = [block_length(int(k)) for k in sizes[sizes >= FEW_TURNS]]
    return fig, (f"Theme rates per interview: dictionary hits per 1,000 tokens of the executive's own turns, with "
                 f"95% intervals from a moving-block bootstrap over consecutive turns ({n_boot:,} resamples; blocks of "
                 f"the cube root of the number of turns, {min(lengths)} to {max(lengths)} turns; {few} other interview"
                 f"{'s' if few != 1 else ''} with fewer than {FEW_TURNS} turns get the negative-binomial exact interval "
                 f"of the seed, each theme's between-turn bunching measured on the interviews of {FEW_TURNS}+ turns). "
                 + _caption_speech_note(whole) +
                 f"Star: the Pineau interview ({int(own['n'].iloc[0])} interviewee turns, "
                 f"{int(own['n_tokens'].iloc[0]):,} tokens; "
                 f"{own['interval'].iloc[0].split(',')[0]}, kappa {kappas}): "
                 f"{rates}. Dashed: median of "
                 f"the other interviews. {len(themes)} of the dictionary's {n_themes} themes shown; no difference "
                 "is tested in this figure. Symmetric-log axis (linear below 1); arrows: intervals beyond the axis."
                 + _host_note() + " Themes marked (unreliable) (a dagger in one-column size) miss the theme "
                 "instrument's targets (Krippendorff's alpha >= 0.67 over every double-coded turn, the pairs of model coders pooled, an upper bound on "
                 "agreement with people; test-interview F1 of the instrument each theme uses, context rules or learned model, "
                 f"chosen on development interviews; `python -m analysis validate`): {marks}.")


@sized_figure("theme_heatmap")
def theme_heatmap(width="two", seed_doc=SEED_DOC_ID, n_boot=2000, random_state=0):
    prof = comparisons.executive_profiles(n_boot=n_boot, random_state=random_state)
    fig, _ = comparison_plots.heatmap(prof, highlight=seed_doc, width=width)
    docs = prof.drop_duplicates("doc_id").set_index("doc_id")["n_tokens"]
    others = docs.drop(index=[seed_doc], errors="ignore")
    return fig, (f"Theme x interview: hits per 1,000 tokens of each of the dictionary's themes in each of the "
                 f"{len(docs)} interviews (executive's turns; whole transcript where speakers are not named), in date "
                 f"order; {_short_name(prof, seed_doc)} outlined. Colour on a symmetric-log scale; the numbers are the "
                 "estimates (0: no hit; 0.0: below 0.05). Descriptive: no comparison tested, no interval (intervals "
                 f"are in the forest plot): the outlined row rests on {int(docs.get(seed_doc, 0)):,} tokens, the others "
                 f"on {int(others.min()):,} to {int(others.max()):,}.")


def _period_units(cut, include_seed):
    units = comparisons.group_units(include_seed=include_seed)
    units["period"] = [comparisons.period_of(d, p, cut) for d, p in zip(units["date"], units["date_precision"])]
    return units


@sized_figure("themes_over_time")
def themes_over_time(width="two", themes=("compute_scarcity", "open_source_risk", "elections_misinformation"),
                     cut="2022-11-30", seed_doc=SEED_DOC_ID, include_seed=comparisons.SEED_IN_GROUPS, n_boot=2000,
                     random_state=0):
    prof = comparisons.executive_profiles(n_boot=n_boot, random_state=random_state)
    units = _period_units(cut, include_seed)
    all_themes = units.attrs["themes"]
    means = comparisons.group_rates(units, group="period", themes=themes, n_boot=n_boot, random_state=random_state)
    chatgpt = str(cut) == comparisons.CHATGPT_RELEASE
    fig, _ = comparison_plots.over_time(prof, themes, cut=cut, means=means, highlight=seed_doc, width=width,
                                        cut_label="ChatGPT" if chatgpt else str(cut))
    diff = comparisons.group_difference(units, group="period", a="after", b="before", themes=all_themes,
                                        n_boot=n_boot, random_state=random_state)
    loo = comparisons.leave_one_out(units, group="period", a="after", b="before", themes=all_themes)
    other = _period_units(cut, not include_seed)
    sens = comparisons.leave_one_out(other, group="period", a="after", b="before", themes=all_themes)
    shown = diff[diff["theme"].isin(themes)]
    n = units.drop_duplicates("doc_id")["period"].value_counts()
    persons = units.groupby("period")["person"].nunique()
    release = " (ChatGPT's release)" if chatgpt else ""
    per_doc = units.drop_duplicates("doc_id")
    captions = per_doc[per_doc["speech"].isin(["whole conversation", "executive (model roles)"])]
    captions = captions["period"].value_counts()
    rule = "the Pineau print interview (star) left out of the means by the project's rule" if not include_seed \
        else "the Pineau interview (star) included"
    return fig, (f"Theme rates per interview against its date (month-precision dates drawn mid-month), 95% "
                 f"intervals as in the forest plot (moving-block bootstrap over turns; below {FEW_TURNS} turns, the "
                 "negative-binomial exact interval with the measured between-turn bunching, cut at the top of the "
                 "axis). Dashed lines and bands: mean of the interviews' rates before and "
                 f"after {cut}{release}, 95% two-stage bootstrap intervals (persons, then turns in blocks; "
                 f"{n.get('before', 0)} interviews of {persons.get('before', 0)} people before, {n.get('after', 0)} of "
                 f"{persons.get('after', 0)} after; {rule}). Change after minus before, per 1,000 tokens, with its "
                 f"Benjamini-Hochberg q over the {len(all_themes)} themes tested ({len(themes)} shown): "
                 f"{_differences(shown, loo, sens)}. "
                 f"Automatic caption transcripts (speaker turns from the speaker model, or counted whole where "
                 f"it was not applied): {captions.get('before', 0)} of {n.get('before', 0)} before the cut, "
                 f"{captions.get('after', 0)} of {n.get('after', 0)} after: format and period are confounded."
                 + _host_note())


@sized_figure("meta_vs_others", widths=("one",))
def meta_vs_others(width="one", organization="Meta", include_seed=comparisons.SEED_IN_GROUPS, n_boot=2000,
                   random_state=0):
    units = comparisons.group_units(include_seed=include_seed)
    units["company"] = comparisons.company_groups(units["organization"], organization)
    themes = units.attrs["themes"]
    other = "other companies"
    panels = {label: comparisons.group_rates(units, group="company", statistic=stat, n_boot=n_boot,
                                             random_state=random_state)
              for label, stat in (("pooled over turns", "pooled"), ("mean of interviews", "mean"))}
    colours = {organization: comparison_plots.theme_style(organization)["color"],
               other: comparison_plots.NEUTRAL_COLOUR}
    fig, _ = comparison_plots.group_rates(panels, group="company", order=[organization, other], width=width,
                                          colours=colours)
    diff = comparisons.group_difference(units, group="company", a=organization, b=other, n_boot=n_boot,
                                        random_state=random_state)
    loo = comparisons.leave_one_out(units, group="company", a=organization, b=other)
    flipped = comparisons.group_units(include_seed=not include_seed)
    flipped["company"] = comparisons.company_groups(flipped["organization"], organization)
    sens = comparisons.leave_one_out(flipped, group="company", a=organization, b=other)
    docs = units.drop_duplicates("doc_id")
    voices = sorted(set(docs.loc[docs["company"] == organization, "person"]))
    n_docs = docs["company"].value_counts()
    people = units.groupby("company")["person"].nunique()
    tokens = units.groupby("company")["n_tokens"].sum()
    best = diff.loc[diff["q_value"].idxmin()]
    rule = "the Pineau print interview left out by the project's rule" if not include_seed else "the Pineau interview included"
    return fig, (f"{organization} voices ({', '.join(voices)}; {n_docs.get(organization, 0)} interviews, "
                 f"{int(tokens.get(organization, 0)):,} tokens) against {n_docs.get(other, 0)} interviews of "
                 f"{people.get(other, 0)} people at other companies ({int(tokens.get(other, 0)):,} tokens); {rule}. "
                 "Left: rates pooled over all turns of each group (long interviews weigh more); right: mean of the "
                 "interviews' rates (each interview once). 95% two-stage bootstrap intervals: persons (repeated "
                 f"interviews of one person are one draw, so {organization} rests on {people.get(organization, 0)} "
                 "draws), then turns in blocks. Difference of means, "
                 f"{len(themes)} themes tested: the smallest Benjamini-Hochberg q is {best['q_value']:.2f} "
                 f"({comparison_plots.theme_label(best['theme'])}); "
                 f"{_differences(diff[diff['theme'] == best['theme']], loo, sens)}." + _host_note())


def _seed_and_english(seed_doc):
    data = comparisons.corpus_data()
    execs = data["executive"]
    side = execs.assign(side=execs["doc_id"].eq(seed_doc).map({True: "seed", False: "reference"}))
    english = side[(side["side"] == "seed") | (side["lang"] == "en")]
    return english, comparisons.concept_counts(english, by="side"), comparisons.concept_turns(english, by="side")


@sized_figure("concept_keyness", widths=("one",))
def concept_keyness(width="one", seed_doc=SEED_DOC_ID, n=15):
    turns, counts, by_turns = _seed_and_english(seed_doc)
    table = comparisons.concept_keyness(counts.loc["seed"], counts.loc["reference"],
                                        target_size=counts.loc["seed", "n_tokens"],
                                        reference_size=counts.loc["reference", "n_tokens"],
                                        themes=counts.attrs["themes"], target_turns=by_turns.loc["seed"],
                                        reference_turns=by_turns.loc["reference"])
    name = turns.loc[turns["side"] == "seed", "interviewee"].iloc[0]
    fig, _ = comparison_plots.keyness_bars(table, label="concept", n=n, colour_by="theme", width=width,
                                           target_name=name.split()[-1], reference_name="English interviews")
    kept = table[table["significant"]]
    survivors = ", ".join(kept["concept"]) or "none"
    return fig, (f"Keyness of the dictionary's concepts, {name} in {seed_doc} "
                 f"({int(counts.loc['seed', 'n_tokens']):,} tokens in {table.attrs['n_turns_target']} interviewee turns) "
                 f"against the other English interviews ({int(counts.loc['reference', 'n_tokens']):,} tokens, "
                 f"{table.attrs['n_turns_reference']:,} turns or chunks), compared through the concept space, never "
                 f"French words against English ones. {len(table)} concepts tested. Significance by turns: Fisher's "
                 "exact test on the turns touching each concept (five hits in one answer count once), "
                 f"Benjamini-Hochberg over the {len(table)} concepts; q < {table.attrs['alpha']} for {len(kept)}: "
                 f"{survivors} (number at each bar: q). Left: Hardie's Log Ratio (log2 of the ratio of rates); white "
                 "dotted bars: a concept absent on one side, whose sign is data but whose length comes from the "
                 "smoothing (0.5 / smaller side added to both rates). Right: Monroe, Colaresi and Quinn's log-odds z "
                 f"with an informative Dirichlet prior (pooled counts, weight {comparisons.PRIOR_WEIGHT} times the "
                 f"smaller side's size, so that rare concepts shrink). The {n} concepts with the largest |z|; colour: "
                 "theme. No intervals: the bars are effect sizes, the q-values the test.")


@sized_figure("french_keyness", widths=("one",))
def french_keyness(width="one", seed_doc=SEED_DOC_ID, n=15, reference_size=1e9, min_count=2):

    execs = comparisons.corpus_data()["executive"]
    own = execs[execs["doc_id"] == seed_doc]
    bag = Counter()
    for counts in turn_counts(own):
        bag.update(counts)
    lang = own["lang"].iloc[0]
    table = comparisons.general_usage_keyness(normalised_bag(bag, lang), int(own["n_tokens"].sum()), lang,
                                              reference_size=reference_size, min_count=min_count)
    language = {"fr": "French", "en": "English"}.get(lang, lang)
    name = own["interviewee"].iloc[0]
    fig, _ = comparison_plots.keyness_bars(table, n=n, hatch_by="source", hatch_value="phrase estimate", width=width,
                                           target_name=name.split()[-1], reference_name=f"general {language}")
    return fig, (f"Content lemmas of {name}'s turns in {seed_doc} ({int(own['n_tokens'].sum()):,} tokens; lemmas seen "
                 f"at least {min_count} times) against general {language} usage (wordfreq's large {language} list, "
                 "lemma frequency = sum "
                 f"of its forms; nominal reference size {reference_size:.0e} tokens). {len(table)} lemmas tested; G2 "
                 "treats every token as independent and the reference as exact, so it is a ranking, not a test (its "
                 f"Benjamini-Hochberg q is below 0.05 for {int(table['significant'].sum())} of them, an upper bound). "
                 "Left: Log Ratio with G2 at each bar; right: log-odds z with the reference frequencies as the "
                 "Dirichlet prior. Hatched: multiword terms, whose reference frequency is wordfreq's estimate for the "
                 "words in sequence, an upper bound, so their keyness is understated. No intervals.")


@sized_figure("term_scatter")
def term_scatter(width="one", a="Meta", b="OpenAI", group="organization", lang="en", min_count=5, n_labels=None):
    execs = comparisons.corpus_data()["executive"]
    table = comparisons.term_scatter_table(execs[execs["lang"] == lang], group=group, a=a, b=b, min_count=min_count)
    n_labels = n_labels or (12 if width == "one" else 20)
    fig, ax = comparison_plots.term_scatter(table, n_labels=n_labels, width=width)
    docs = execs[execs[group].isin([a, b])].drop_duplicates("doc_id")[group].value_counts()
    return fig, (f"Lemma rates per 1,000 tokens in the {lang.upper()} interviews of {a} ({docs.get(a, 0)} interviews, "
                 f"{table.attrs['size_a']:,} tokens) and {b} ({docs.get(b, 0)}, {table.attrs['size_b']:,} tokens), "
                 f"log axes, in the spirit of scattertext (Kessler 2017); {len(table):,} content lemmas seen at least "
                 f"{min_count} times. Coloured and labelled: the lemmas with the largest log-odds z (Monroe, Colaresi "
                 f"and Quinn, pooled Dirichlet prior) towards each side ({len(ax.placed_labels)} labels placed, "
                 f"{len(ax.skipped_labels)} skipped to avoid overlaps). Dotted lines: lemmas absent from one group. "
                 f"Descriptive: z ranks the {len(table):,} lemmas, it is not a test here (tokens are not independent "
                 "and no multiplicity correction is applied); no interval.")


@sized_figure("introducers_by_interview", widths=("two",))
def introducers_by_interview(width="two", seed_doc=SEED_DOC_ID, k=2):

    data = comparisons.corpus_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # the left-out documents are counted in the caption
        intro = dynamics.theme_introductions(data["turns"], data["hits"], k=k)
    docs = comparisons.document_table(data["turns"]).set_index("doc_id")
    order = docs.loc[intro["doc_id"].unique()].sort_values("date").index
    intro = intro.set_index("doc_id").loc[order].reset_index()
    labels = {d: comparison_plots.doc_label(docs.loc[d, "interviewee"], docs.loc[d, "date"], docs.loc[d, "lang"])
              for d in order}
    fig, _ = comparison_plots.introducer_grid(intro, labels=labels, highlight=seed_doc, width=width)
    return fig, (f"Who brings each theme into the conversation, per interview with speaker roles ({len(order)}; "
                 f"{len(intro.attrs['left_out'])} caption transcripts have none): interviewer (re)introductions / all "
                 f"(re)introductions, a turn introducing a theme when it touches it and none of the {k} turns before "
                 "it did. Grey level: the interviewer's share (white: the executive alone brings it up); Q: the theme "
                 "first came up in a question; hatched: never came up." + DESCRIPTIVE)
