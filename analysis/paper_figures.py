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
