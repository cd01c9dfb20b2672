"""Plots of theme scores and interview dynamics, in the house style (:mod:`analysis.figures`).

Each function takes the tidy tables of :mod:`analysis.measures.theme_scores` or
:mod:`analysis.measures.dynamics` and returns ``(fig, ax)`` (or ``(fig, axes)``); export with
:func:`analysis.figures.export.export_figure`. Themes keep their fixed colour and marker
(:func:`analysis.figures.export.theme_style`); speaker roles keep the colours of
:func:`analysis.figures.plots.turn_lengths`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.export import HIGHLIGHT_COLOUR, NEUTRAL_COLOUR, figure_style, new_figure, theme_style

THEME_LABELS = {
    "compute_scarcity": "compute scarcity", "open_source_risk": "open-source risk",
    "elections_misinformation": "elections & misinformation", "talent_war": "talent war",
    "safety_guardrails": "safety & guardrails", "bias_representation": "bias & representation",
    "regulation_policy": "regulation & policy", "agi_future": "AGI & the future",
}


def theme_label(theme: str) -> str:
    """Readable name of a theme key (``talent_war`` -> ``talent war``)."""
    return THEME_LABELS.get(theme, theme.replace("_", " "))


#: Rates above this (hits per 1,000 tokens: one hit in ten tokens) are off the axis: an interval
#: reaching beyond it is drawn to the edge with an arrow and its upper bound written there.
#: The negative-binomial interval of a few turns with bunched hits can reach thousands.
RATE_CAP = 100.0

_METHOD_SHORT = (("moving-block bootstrap", "moving-block bootstrap over turns"),
                 ("two-stage bootstrap", "two-stage bootstrap"),
                 ("percentile bootstrap of independent turns", "bootstrap of independent turns"),
                 ("negative-binomial exact", "negative-binomial exact"),
                 ("exact Poisson and cluster-robust t", "exact Poisson with cluster-robust t"),
                 ("exact Poisson", "exact Poisson"),
                 ("Wilson", "Wilson score"))


def upper_bound(hi: float, per: float = 1000) -> str:
    """An interval's upper bound for a label: ``"175"``, or ``">1,000"`` when it is at or
    beyond ``per`` per ``per`` tokens (every token a hit), i.e. no bound at all."""
    return f">{per:,.0f}" if hi >= per else f"{hi:,.0f}" if hi >= 10 else f"{hi:.1f}"


def interval_methods(table: pd.DataFrame) -> str:
    """The interval methods of a rates table in a few words, from its ``interval`` column
    (e.g. ``"moving-block bootstrap over turns; negative-binomial exact"``), for axis labels."""
    if "interval" not in table.columns:
        return "interval"
    found = []
    for method in table["interval"].dropna().astype(str):
        short = next((label for prefix, label in _METHOD_SHORT if method.startswith(prefix)), method)
        if short not in found:
            found.append(short)
    return "; ".join(found) or "interval"


def _check(table: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {', '.join(missing)}; got {list(table.columns)}")
    if table.empty:
        raise ValueError(f"{what}: the table is empty")


def rate_intervals(rates: pd.DataFrame, *, touching: dict | None = None, title: str = "",
                   xmax: float | None = None):
    """Dot-and-interval plot of one document's theme rates (a :func:`theme_rates` table).

    One row per theme: the rate per 1,000 tokens (marker) and its interval (line), whose
    method (the table's ``interval`` column) is named on the axis; the title says how many
    resamples only when a bootstrap was used. ``touching``: ``{theme: turns with a hit}``,
    written at the right so the reader sees how few turns an interval rests on. A theme
    with no hit is marked as such. ``xmax``: the axis end (default: the largest upper
    bound, at most :data:`RATE_CAP`); an interval reaching beyond it ends in an arrow with
    its upper bound written.
    """
    _check(rates, ["theme", "rate", "lo", "hi", "n", "n_tokens"], "rate_intervals")
    if rates.get("doc_id", pd.Series(["x"])).nunique() > 1:
        raise ValueError("rate_intervals draws one document: filter the rates table to one doc_id first")
    data = rates.reset_index(drop=True)
    y = np.arange(len(data))[::-1]
    right = float(xmax) if xmax is not None else min(float(data["hi"].max()), RATE_CAP) * 1.12 or 1.0
    with figure_style():
        fig, ax = new_figure("one", aspect=0.62)
        for yi, row in zip(y, data.itertuples(index=False)):
            style = theme_style(row.theme)
            clipped = row.hi > right
            end = right if clipped else row.hi
            ax.plot([row.lo, end], [yi, yi], color=style["color"], linewidth=1.6, solid_capstyle="butt")
            if clipped:
                ax.plot(right, yi, marker=">", color=style["color"], markersize=3.5, clip_on=False)
                ax.annotate(f"to {upper_bound(row.hi)}", (right, yi), xytext=(-2, 3.5), textcoords="offset points",
                            ha="right", va="bottom", fontsize=5, color=NEUTRAL_COLOUR)
            empty = row.rate == 0
            ax.plot(row.rate, yi, marker=style["marker"], color=style["color"], markersize=4.5,
                    markerfacecolor="white" if empty else style["color"], markeredgewidth=0.8, zorder=3)
            if empty:
                ax.annotate("no hit", (0, yi), xytext=(4, 3.5), textcoords="offset points", va="bottom",
                            color=NEUTRAL_COLOUR, fontsize=5)
        ax.set_yticks(y, [theme_label(t) for t in data["theme"]])
        ax.set_xlim(-right * 0.02, right)
        if touching is not None:
            for yi, theme in zip(y, data["theme"]):
                ax.annotate(f"{touching.get(theme, 0)}/{int(data['n'].iloc[0])}", (1.0, yi),
                            xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=5.5)
            # right-aligned over the counts, so the header ends where they do (it was clipped at the edge)
            ax.annotate("turns\nwith a hit", (1.0, 1.0), xycoords="axes fraction", xytext=(20, 2),
                        textcoords="offset points", va="bottom", ha="right", multialignment="right", fontsize=5,
                        color=NEUTRAL_COLOUR)
        level = rates.attrs.get("level", 0.95)
        methods = interval_methods(data)
        ax.set_xlabel(f"hits per 1,000 tokens\n({level:.0%} interval: {methods})")
        n_boot = rates.attrs.get("n_boot")
        resampled = n_boot and "bootstrap" in methods
        ax.set_title(title or f"{int(data['n'].iloc[0])} turns, {int(data['n_tokens'].iloc[0]):,} tokens"
                     + (f"; {n_boot:,} resamples" if resampled else ""))
        ax.tick_params(axis="y", length=0)
    return fig, ax


def introductions_by_role(panels: dict[str, pd.DataFrame], *, per_document: pd.DataFrame | None = None):
    """Share of theme introductions made by the interviewer versus the interviewee.

    ``panels``: ``{title: table}`` of :func:`analysis.measures.dynamics.introduction_shares` tables,
    one panel each (e.g. the seed and the pooled comparison interviews). Each theme is a
    bar split at the interviewer's share; ``n`` = introductions behind it.
    ``per_document``: an optional :func:`theme_introductions` table whose per-interview
    interviewer shares are drawn as small grey dots on the last panel.
    """
    if not panels:
        raise ValueError("give at least one panel: {'title': introduction_shares(...)}")
    for title, table in panels.items():
        _check(table, ["theme", "introductions", "by_interviewer", "by_interviewee"], f"panel {title!r}")
    themes = list(next(iter(panels.values()))["theme"])
    y = np.arange(len(themes))[::-1]
    colours = {role: theme_style(role)["color"] for role in ("interviewer", "interviewee")}
    with figure_style():
        fig, axes = new_figure("two", aspect=0.3, ncols=len(panels), sharey=True, squeeze=False)
        axes = axes[0]
        for i, (ax, (title, table)) in enumerate(zip(axes, panels.items())):
            data = table.set_index("theme").reindex(themes)
            n = data["introductions"].fillna(0).to_numpy()
            share_q = np.divide(data["by_interviewer"].to_numpy(float), n, out=np.zeros(len(n)), where=n > 0)
            share_a = np.divide(data["by_interviewee"].to_numpy(float), n, out=np.zeros(len(n)), where=n > 0)
            ax.barh(y, share_q, color=colours["interviewer"], height=0.7,
                    label="interviewer (question)" if i == 0 else None)
            ax.barh(y, share_a, left=share_q, color=colours["interviewee"], height=0.7,
                    label="interviewee (answer)" if i == 0 else None)
            for yi, k in zip(y, n):
                ax.annotate(f"n={int(k)}", (1.0, yi), xycoords=("axes fraction", "data"), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=5.5)
            if per_document is not None and i == len(panels) - 1:
                dots = per_document[per_document["introductions"] > 0]
                for yi, theme in zip(y, themes):
                    shares = dots.loc[dots["theme"] == theme, "share_interviewer"].to_numpy()
                    ax.plot(shares, np.full(len(shares), yi), linestyle="none", marker="o", markersize=2.2,
                            clip_on=False, markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.5,
                            label="one interview" if yi == y[0] else None, zorder=3)
            ax.axvline(0.5, color=NEUTRAL_COLOUR, linewidth=0.5, linestyle="--")
            ax.set_xlim(0, 1)
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "", "0.5", "", "1"])
            ax.set_xlabel("share of introductions by the interviewer")
            ax.set_title(title)
            ax.tick_params(axis="y", length=0)
        axes[0].set_yticks(y, [theme_label(t) for t in themes])
        handles = [h for ax in axes for h in ax.get_legend_handles_labels()[0]]
        labels = [lab for ax in axes for lab in ax.get_legend_handles_labels()[1]]
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return fig, axes


def uptake_heatmaps(panels: dict[str, pd.DataFrame]):
    """Heatmaps of P(answer touches B | question touches A), one panel per matrix.

    ``panels``: ``{title: uptake_matrix(..., normalize=True)}``. Each cell is written as a
    percentage; each row label carries the number of questions behind the row (from the
    matrix's ``.attrs['n_questions']``); rows no question touches are left blank. All
    panels must have the same themes in the same order (theme names are written once).
    """
    if not panels:
        raise ValueError("give at least one panel: {'title': uptake_matrix(..., normalize=True)}")
    first = next(iter(panels.values()))
    if any(list(m.index) != list(first.index) for m in panels.values()):
        raise ValueError("every uptake matrix must have the same themes in the same order")
    cmap = plt.get_cmap("cividis").copy()
    cmap.set_bad("white")
    with figure_style():
        fig, axes = new_figure("two", aspect=0.5, ncols=len(panels), squeeze=False)
        axes = axes[0]
        for ax, (title, matrix) in zip(axes, panels.items()):
            if not matrix.attrs.get("normalize", True):
                raise ValueError(f"panel {title!r}: pass uptake_matrix(..., normalize=True)")
            values = matrix.to_numpy(float)
            image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=1, aspect="auto")
            for (r, c), v in np.ndenumerate(values):
                if not np.isnan(v):
                    ax.text(c, r, f"{v:.0%}", ha="center", va="center", fontsize=4.8,
                            color="black" if v > 0.55 else "white")
            n_q = matrix.attrs.get("n_questions", {})
            ax.set_yticks(range(len(matrix.index)),   # theme names on the first panel only
                          [(f"{theme_label(t)} " if ax is axes[0] else "") + f"(n={n_q.get(t, '?')})"
                           for t in matrix.index])
            ax.set_xticks(range(len(matrix.columns)), [theme_label(t) for t in matrix.columns],
                          rotation=40, ha="right", rotation_mode="anchor")
            for r, t in enumerate(matrix.index):
                ax.add_patch(plt.Rectangle((r - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=HIGHLIGHT_COLOUR,
                                           linewidth=0.9))
            ax.set_xlabel("theme touched by the answer")
            ax.set_title(f"{title} ({matrix.attrs.get('n_pairs', '?'):,} pairs)")
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[0].set_ylabel("theme touched by the question")
        fig.colorbar(image, ax=list(axes), shrink=0.8, label="P(answer touches B | question touches A)")
    return fig, axes
