"""Plots of the topic models, in the house style (:mod:`analysis.figures`).

Each function takes the tables of :mod:`analysis.models.topics` and :mod:`analysis.models.topic_results`
and returns ``(fig, axes)``; export with :func:`analysis.figures.export.export_figure`.
"""
from __future__ import annotations

import matplotlib.patches as mpatches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.figures.export import HIGHLIGHT_COLOUR, NEUTRAL_COLOUR, figure_style, highlight_style, new_figure, theme_style
from analysis.figures.theme_plots import theme_label

KIND_STYLE = {"nmf": {"color": "#0072B2", "marker": "o", "linestyle": "-", "label": "NMF (TF-IDF)"},
              "lda": {"color": "#E69F00", "marker": "s", "linestyle": "--", "label": "LDA (counts)"}}


def _grid(n: int, ncols: int = 5) -> tuple[int, int]:
    ncols = min(ncols, n)
    return int(np.ceil(n / ncols)), ncols


def selection(table: pd.DataFrame, chosen: dict, *, min_stability: float = 0.8):
    """NPMI (mean +- sd over random states), UMass and stability against k, one line per model kind.

    ``chosen``: ``{kind: k}``, drawn as an open ring around the chosen point. With a
    ``chance_95`` column, the stability panel also draws each kind's chance baseline
    (dotted, crosses): the 95th percentile of unmatched topic pairs' cosines.
    """
    held = "held-out " if table.attrs.get("heldout") else ""
    panels = [("npmi_mean", f"{held}NPMI coherence (higher is better)"), ("umass_mean", "UMass coherence (closer to 0 is better)"),
              ("stability", "stability across runs (matched cosine)")]
    with figure_style():
        fig, axes = new_figure("two", aspect=0.3, ncols=3)
        for ax, (column, title) in zip(axes, panels):
            for kind, part in table.groupby("kind", sort=False):
                part = part.sort_values("k")
                style = KIND_STYLE.get(kind, {"color": "black", "marker": "o", "linestyle": "-", "label": kind})
                kw = {k: style[k] for k in ("color", "marker", "linestyle")}
                if column == "npmi_mean":
                    ax.errorbar(part["k"], part[column], yerr=part["npmi_sd"], label=style["label"], capsize=1.5,
                                markersize=3, **kw)
                else:
                    ax.plot(part["k"], part[column], markersize=3, **kw)
                if column == "stability" and "chance_95" in part.columns:
                    ax.plot(part["k"], part["chance_95"], color=kw["color"], linestyle=":", linewidth=0.7,
                            marker="x", markersize=2.5)
                if kind in chosen:
                    row = part[part["k"] == chosen[kind]]
                    ax.plot(row["k"], row[column], marker="o", markersize=8, markerfacecolor="none",
                            markeredgecolor=style["color"], linestyle="none", markeredgewidth=0.9)
            if column == "stability":
                ax.axhline(min_stability, color=NEUTRAL_COLOUR, linestyle=":", linewidth=0.8)
                ax.annotate(f"threshold {min_stability:g}", (1.0, min_stability), xycoords=("axes fraction", "data"),
                            ha="right", va="bottom", fontsize=5.5, color=NEUTRAL_COLOUR)
            ax.set_xticks(sorted(table["k"].unique()))
            ax.set_xlabel("number of topics k")
            ax.set_title(title)
        n_random_states = int(table["n_random_states"].iloc[0])
        axes[0].plot([], [], marker="o", markersize=8, markerfacecolor="none", markeredgecolor="black",
                     linestyle="none", label="chosen k")
        if "chance_95" in table.columns:
            axes[0].plot([], [], color="black", linestyle=":", marker="x", markersize=2.5, linewidth=0.7,
                         label="chance (stability panel)")
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4,
                   title=f"{n_random_states} random states per k; error bars: sd of NPMI over runs")
    return fig, axes


def topic_terms(terms_table: pd.DataFrame, *, membership: pd.DataFrame | None = None, prevalence=None,
                n: int = 8):
    """One small bar chart per topic: its ``n`` heaviest terms and their share of the topic's weight.

    ``membership``: terms x themes 0/1 table (:func:`analysis.models.topic_results.term_themes`);
    a term the theme dictionary matches is drawn in its theme's colour. ``prevalence``:
    ``{topic: share of the corpus}`` written in each title.
    """
    topics = sorted(terms_table["topic"].unique())
    nrows, ncols = _grid(len(topics))
    used = set()
    with figure_style():
        fig, axes = new_figure("two", aspect=0.24 * nrows + 0.06, nrows=nrows, ncols=ncols, squeeze=False)
        for ax in axes.flat[len(topics):]:
            ax.set_visible(False)
        for ax, topic in zip(axes.flat, topics):
            part = terms_table[terms_table["topic"] == topic].sort_values("rank").head(n).iloc[::-1]
            colours = []
            for term in part["term"]:
                themes = [] if membership is None or term not in membership.index else \
                    [t for t in membership.columns if membership.at[term, t]]
                colours.append(theme_style(themes[0])["color"] if themes else NEUTRAL_COLOUR)
                used.update(themes[:1])
            ax.barh(range(len(part)), part["weight"], color=colours, height=0.75)
            ax.set_yticks(range(len(part)), [t.replace("_", " ") for t in part["term"]])
            ax.tick_params(axis="y", length=0, pad=1)
            share = f" ({prevalence[topic]:.0%} of text)" if prevalence is not None else ""
            ax.set_title(f"T{topic}{share}", fontsize=6)
            ax.locator_params(axis="x", nbins=3)
        for ax in axes[-1]:
            ax.set_xlabel("share of topic weight", fontsize=5.5)
        if used:
            handles = [mpatches.Patch(color=theme_style(t)["color"], label=theme_label(t)) for t in sorted(used)]
            handles.append(mpatches.Patch(color=NEUTRAL_COLOUR, label="no theme"))
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                       title="term in the theme dictionary")
    return fig, axes


def _dates(dates, precision) -> pd.Series:
    """Dates as timestamps; month precision drawn mid-month, year precision mid-year."""
    out = []
    for d, p in zip(dates, precision):
        d = str(d)
        out.append(pd.Timestamp(d + "-15") if p == "month" or len(d) == 7 else
                   pd.Timestamp(d + "-07-01") if p == "year" or len(d) == 4 else pd.Timestamp(d))
    return pd.Series(out)


def prevalence_over_time(prevalence: pd.DataFrame, documents: pd.DataFrame, labels: list[str]):
    """Small multiples, one per topic: each interview's prevalence (dot, interval) against its date.

    ``prevalence``: :func:`analysis.models.topic_results.topic_prevalence` by ``doc_id``;
    ``documents``: one row per doc_id with ``date``, ``date_precision``, ``organization``.
    """
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    data = prevalence.join(docs[["date", "date_precision", "organization"]], on="doc_id")
    data["when"] = _dates(data["date"], data["date_precision"]).to_numpy()
    topics = list(dict.fromkeys(prevalence["topic"]))
    nrows, ncols = _grid(len(topics))
    with figure_style():
        fig, axes = new_figure("two", aspect=0.22 * nrows + 0.08, nrows=nrows, ncols=ncols, squeeze=False,
                               sharex=True, sharey=True)
        for ax in axes.flat[len(topics):]:
            ax.set_visible(False)
        top = float(data["hi"].max()) * 1.05
        for ax, topic, label in zip(axes.flat, topics, labels):
            part = data[data["topic"] == topic]
            for org, rows in part.groupby("organization", sort=True):
                style = theme_style(org)
                ax.vlines(rows["when"], rows["lo"], rows["hi"], color=style["color"], linewidth=0.7)
                ax.plot(rows["when"], rows["share"], linestyle="none", marker=style["marker"],
                        color=style["color"], markersize=2.6, label=org)
            ax.set_title(label, fontsize=5)
            ax.set_ylim(0, top)
        for ax in axes[:, 0]:
            ax.set_ylabel("share of text")
        for ax in axes[-1]:
            ax.tick_params(axis="x", labelrotation=90)
        handles = {}
        for ax in axes.flat:
            for h, n in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(n, h)
        fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=5)
    return fig, axes


def seed_in_space(english: pd.DataFrame, seed: pd.DataFrame, per_turn: pd.DataFrame, labels: list[str], *,
                  theme_turns=(), theme_topic: str | None = None, seed_name: str = "Pineau (projected)"):
    """Left: each topic's prevalence in every English interview (grey dots) and in the seed (star,
    interval). Right: the seed's turns x topics proportions, the theme's turns and topic outlined.

    ``english``: prevalence by doc_id; ``seed``: the seed's prevalence (one row per topic);
    ``per_turn``: one row per seed turn with ``turn_id``, ``role`` and the topic columns.
    """
    topics = list(dict.fromkeys(seed["topic"]))
    y = np.arange(len(topics))[::-1]
    with figure_style():
        fig, (left, right) = new_figure("two", aspect=0.42, ncols=2, gridspec_kw={"width_ratios": [1.1, 1]})
        rng = np.random.default_rng(0)
        for yi, topic in zip(y, topics):
            values = english.loc[english["topic"] == topic, "share"].to_numpy()
            left.plot(values, yi + rng.uniform(-0.18, 0.18, len(values)), linestyle="none", marker="o",
                      markersize=2.2, color=NEUTRAL_COLOUR, label="English interview" if yi == y[0] else None)
            row = seed[seed["topic"] == topic].iloc[0]
            hs = highlight_style()
            left.plot([row["lo"], row["hi"]], [yi, yi], color=hs["color"], linewidth=1.2)
            left.plot(row["share"], yi, marker="*", color=hs["color"], markersize=6, linestyle="none",
                      label=seed_name if yi == y[0] else None, zorder=3)
        left.set_yticks(y, labels)
        left.tick_params(axis="y", length=0)
        if theme_topic is not None:
            for tick, topic in zip(left.get_yticklabels(), topics):
                if topic == theme_topic:
                    tick.set_color(HIGHLIGHT_COLOUR)
        left.set_xlabel("share of text (seed: 95% bootstrap interval over its chunks)")
        left.set_xlim(left=0)
        left.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
        columns = [t for t in topics]
        values = per_turn[columns].to_numpy(float)
        image = right.imshow(np.ma.masked_invalid(values), cmap="cividis", vmin=0, vmax=1, aspect="auto")
        right.set_xticks(range(len(columns)), columns)
        right.set_yticks(range(len(per_turn)),
                         [f"{t} {r[:11]}" for t, r in zip(per_turn["turn_id"], per_turn["role"])])
        right.tick_params(length=0)
        for r, turn in enumerate(per_turn["turn_id"]):
            if turn in set(theme_turns):
                right.add_patch(plt.Rectangle((-0.5, r - 0.5), len(columns), 1, fill=False,
                                              edgecolor=HIGHLIGHT_COLOUR, linewidth=0.9))
        if theme_topic in columns:
            c = columns.index(theme_topic)
            right.add_patch(plt.Rectangle((c - 0.5, -0.5), 1, len(per_turn), fill=False, edgecolor="white",
                                          linewidth=0.9, linestyle="--"))
        right.set_xlabel("topic")
        right.set_ylabel("seed turn")
        right.set_title("the seed's turns, projected one by one")
        fig.colorbar(image, ax=right, shrink=0.8, label="topic proportion")
    return fig, (left, right)


def topic_themes(weights: pd.DataFrame, correlation: pd.DataFrame, labels: list[str]):
    """Two heatmaps, topics x themes: share of topic weight on the theme's terms, and the
    Spearman correlation across chunks of topic proportion and theme rate."""
    with figure_style():
        fig, axes = new_figure("two", aspect=0.42, ncols=2, sharey=True)
        panels = [(weights.to_numpy(float), "share of topic weight on the theme's terms", "viridis", 0, None, "{:.1%}"),
                  (correlation.to_numpy(float), "Spearman correlation across chunks", "RdBu_r",
                   -1, 1, "{:+.2f}")]
        for ax, (values, title, cmap, vmin, vmax, fmt) in zip(axes, panels):
            vmax = vmax if vmax is not None else max(float(np.nanmax(values)), 1e-9)
            image = ax.imshow(values, cmap=plt.get_cmap(cmap), vmin=vmin, vmax=vmax, aspect="auto")
            for (r, c), v in np.ndenumerate(values):
                if np.isfinite(v):
                    strong = abs(v - (vmin + vmax) / 2) > (vmax - vmin) * 0.3
                    ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=4.5,
                            color=("white" if cmap == "viridis" and v < vmax * 0.6 else
                                   "white" if strong and cmap != "viridis" else "black"))
            ax.set_xticks(range(values.shape[1]), [theme_label(t) for t in weights.columns], rotation=40,
                          ha="right", rotation_mode="anchor")
            ax.set_title(title)
            ax.tick_params(length=0)
            fig.colorbar(image, ax=ax, shrink=0.7)
        axes[0].set_yticks(range(len(labels)), labels)
    return fig, axes
