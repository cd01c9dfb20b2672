"""Plots the notebooks show, in the house style (:mod:`analysis.figures`).

Each function takes a tidy table and returns ``(fig, ax)``; export with
:func:`analysis.figures.export.export_figure`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures.export import HIGHLIGHT_COLOUR, NEUTRAL_COLOUR, figure_style, new_figure, theme_style


def top_terms(table: pd.DataFrame, *, highlight=(), n: int = 20, title: str = "", width: str = "one"):
    """Horizontal bars of the ``n`` most frequent terms (per 1,000 tokens); ``highlight`` in colour."""
    top = table.nlargest(n, "count").iloc[::-1]
    highlight = set(highlight)
    with figure_style():
        fig, ax = new_figure(width, aspect=1.1)
        colours = [HIGHLIGHT_COLOUR if t in highlight else NEUTRAL_COLOUR for t in top["term"]]
        ax.barh(top["term"], top["rate"], color=colours)
        ax.set_xlabel("occurrences per 1,000 tokens")
        ax.set_title(title)
        if highlight & set(top["term"]):
            ax.text(0.98, 0.02, "coloured: compute vocabulary", transform=ax.transAxes, ha="right",
                    color=HIGHLIGHT_COLOUR)
    return fig, ax


def turn_lengths(turns: pd.DataFrame, *, title: str = ""):
    """Tokens per turn in reading order, coloured by speaker role."""
    with figure_style():
        fig, ax = new_figure("one", aspect=0.55)
        for role, part in turns.groupby("role"):
            style = theme_style(role)
            ax.bar(part["turn_id"], part["n_tokens"], color=style["color"], label=role)
        ax.set_xlabel("turn (reading order)")
        ax.set_ylabel("tokens")
        ax.set_xticks(turns["turn_id"])
        ax.legend(frameon=False)
        ax.set_title(title)
    return fig, ax


def corpus_sizes(catalog: pd.DataFrame, *, highlight: str | None = None):
    """Tokens per interview on a log scale, one bar per document, the seed highlighted."""
    data = catalog.sort_values(["n_tokens", "doc_id"])
    labels = data["interviewee"] + " (" + data["date"].str[:7] + ")"
    positions = np.arange(len(data))  # numeric rows: two interviews may share a label (same person, same year)
    with figure_style():
        fig, ax = new_figure("two", aspect=max(0.25, 0.028 * len(data)))
        colours = [HIGHLIGHT_COLOUR if d == highlight else theme_style(o)["color"]
                   for d, o in zip(data["doc_id"], data["organization"])]
        ax.barh(positions, data["n_tokens"], color=colours, height=0.75)
        ax.set_yticks(positions, labels)
        ax.set_ylim(-0.6, len(data) - 0.4)
        ax.set_xscale("log")
        ax.set_xlabel("tokens in the interview proper (log scale)")
        for y, n in enumerate(data["n_tokens"]):
            ax.text(n, y, f" {n:,}", va="center")
        ax.set_xlim(right=float(np.max(data["n_tokens"])) * 4)
    return fig, ax


def corpus_timeline(overview: pd.DataFrame, *, highlight: str | None = None, width: str = "two"):
    """Interviews by date (x) and size in tokens (y, log), coloured by organization."""
    data = overview.assign(when=pd.to_datetime(overview["date"].str.pad(10, "right", "-")
                                               .str.replace(r"-+$", "", regex=True), format="mixed"))
    with figure_style():
        fig, ax = new_figure(width, aspect=0.45)
        for organization, part in data.groupby("organization", sort=True):
            style = theme_style(organization)
            ax.scatter(part["when"], part["n_tokens"], color=style["color"], marker=style["marker"],
                       label=organization, s=18, zorder=2)
        if highlight is not None:
            seed = data[data["doc_id"] == highlight]
            ax.scatter(seed["when"], seed["n_tokens"], color=HIGHLIGHT_COLOUR, marker="*", s=70, zorder=3,
                       label=f"{seed['interviewee'].iloc[0]} (the seed)")
        ax.set_yscale("log")
        ax.set_ylabel("tokens in the interview (log scale)")
        ax.legend(frameon=False, fontsize=5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax
