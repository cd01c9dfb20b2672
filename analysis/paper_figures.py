"""The paper figure set: ``python -m analysis figures`` (``make figures``) regenerates it.

Each entry of :data:`FIGURES` is a function that builds one figure from the corpus and
returns ``(fig, caption)``; :func:`export_all` exports every one into ``figures/`` with
the same provenance, so one command rebuilds the set and an unchanged corpus gives
identical bytes. Notebooks call the same builders, so a figure in a notebook and in the
paper are the same figure.
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt

from . import plots
from .corpus import load_catalog, load_corpus
from .figures import export_figure

SEED = "2024-04_pineau_latribune"
COMMAND = "python -m analysis figures"
FIGURES: dict[str, Callable] = {}


def figure(name: str):
    """Register a figure builder under its file name."""
    def register(builder):
        FIGURES[name] = builder
        return builder
    return register


@figure("corpus_sizes")
def corpus_sizes():
    fig, _ = plots.corpus_sizes(load_catalog(), highlight=SEED)
    return fig, "Tokens per interview in the corpus (log scale); the Pineau interview highlighted."


@figure("corpus_timeline")
def corpus_timeline():
    from .overview import corpus_overview
    fig, _ = plots.corpus_timeline(corpus_overview(), highlight=SEED)
    return fig, ("The corpus: each interview by date and size in tokens (log scale), coloured by organization; "
                 "the Pineau print interview (star) is one to two orders of magnitude shorter than the podcasts.")


@figure("seed_turn_lengths")
def seed_turn_lengths():
    fig, _ = plots.turn_lengths(load_corpus(docs=[SEED]))
    return fig, "Tokens per turn in the Pineau interview (La Tribune, 2024), by speaker role."


@figure("seed_top_lemmas")
def seed_top_lemmas(compute_terms=("gpu", "h100", "processeur", "datacenter", "puissance_de_calcul",
                                   "capacité", "calcul", "ressource", "nvidia"), n=20):
    from .frequencies import term_frequencies
    fig, _ = plots.top_terms(term_frequencies(load_corpus(docs=[SEED])), highlight=compute_terms, n=n)
    return fig, (f"The {n} most frequent content lemmas of the Pineau interview, per 1,000 tokens; "
                 "compute vocabulary highlighted.")


def export_all(names=None, outdir=None) -> list:
    """Build and export every registered figure (or those named); return the written paths."""
    unknown = set(names or []) - set(FIGURES)
    if unknown:
        raise ValueError(f"unknown figure(s) {', '.join(sorted(unknown))}; known: {', '.join(FIGURES)}")
    written = []
    for name, builder in FIGURES.items():
        if names and name not in names:
            continue
        fig, caption = builder()
        written += export_figure(fig, name, caption=caption, outdir=outdir, provenance={"command": COMMAND})
        plt.close(fig)
    return written


# --- themes and interview dynamics (notebook 03) -------------------------------------------

def _roles_split(turns, seed_doc, k=None):
    """Theme hits of the documents with speaker roles; the seed and the comparison ids; the left-out ids."""
    import warnings

    from .dynamics import left_out_documents
    from .theme_scores import theme_hits
    left_out = left_out_documents(turns)
    kept = turns[~turns["doc_id"].isin(left_out)]
    others = sorted(set(kept["doc_id"]) - {seed_doc})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # the left-out documents are named in the caption
        return kept, theme_hits(kept), others, left_out


@figure("seed_theme_rates")
def seed_theme_rates(doc=SEED, n_boot=2000, seed=0):
    from .theme_plots import rate_intervals
    from .theme_scores import theme_hits, theme_rates
    turns = load_corpus(docs=[doc])
    hits = theme_hits(turns)
    rates = theme_rates(turns, hits=hits, n_boot=n_boot, seed=seed)
    touching = (hits[hits.attrs["themes"]] > 0).sum().to_dict()
    fig, _ = rate_intervals(rates, touching=touching)
    widest = rates.assign(width=rates["high"] - rates["low"]).nlargest(1, "width").iloc[0]
    return fig, (f"Theme rates in {doc} ({int(rates['n_turns'].iloc[0])} turns, "
                 f"{int(rates['n_tokens'].iloc[0]):,} tokens): dictionary hits per 1,000 tokens with 95% "
                 f"percentile bootstrap intervals over turns ({n_boot:,} resamples); at the right, the turns with "
                 f"at least one hit. The widest interval ({widest['theme']}) runs from {widest['low']:.1f} to "
                 f"{widest['high']:.1f}: with so few turns, only large differences between themes mean anything.")


@figure("theme_introductions")
def theme_introductions(seed_doc=SEED, k=2):
    from .dynamics import introduction_shares, theme_introductions as introductions
    from .theme_plots import introductions_by_role
    turns, hits, others, left_out = _roles_split(load_corpus(), seed_doc)
    intro = introductions(turns, hits, k=k)
    comparison = intro[intro["doc_id"].isin(others)]
    panels = {"Pineau interview (La Tribune)": introduction_shares(intro[intro["doc_id"] == seed_doc]),
              f"{len(others)} comparison interviews, pooled": introduction_shares(comparison)}
    fig, _ = introductions_by_role(panels, per_document=comparison)
    return fig, (f"Who brings each theme into the conversation: share of introductions made by the interviewer's "
                 f"questions (a turn touches the theme and none of the {k} turns before it did). Left: the Pineau "
                 f"interview; right: the {len(others)} comparison interviews with speaker roles, pooled (dots: one "
                 f"interview each); n = introductions. {len(left_out)} transcripts without speaker roles are left "
                 "out. Dashed line: an even split.")


@figure("uptake_matrix")
def uptake_matrix(seed_doc=SEED):
    from .dynamics import uptake_matrix as matrix
    from .theme_plots import uptake_heatmaps
    turns, hits, others, left_out = _roles_split(load_corpus(), seed_doc)
    panels = {"Pineau interview": matrix(turns, hits, doc=seed_doc, normalize=True),
              f"{len(others)} comparison interviews, pooled": matrix(turns, hits, doc=others, normalize=True)}
    fig, _ = uptake_heatmaps(panels)
    return fig, ("Uptake: over every interviewer turn followed by an interviewee turn, the share of answers touching "
                 "theme B (columns) when the question touched theme A (rows); n = questions touching A, blank rows "
                 "have none. The outlined diagonal is each theme's uptake rate. Left: the Pineau interview; right: "
                 f"the {len(others)} comparison interviews with speaker roles, pooled; {len(left_out)} transcripts "
                 "without speaker roles are left out.")
