"""Plots of the comparisons (:mod:`analysis.compare.comparisons`), in the house style.

Each function takes a tidy table and returns ``(fig, ax)`` or ``(fig, axes)``; ``width``
is ``"one"`` or ``"two"`` journal columns (:func:`analysis.figures.export.new_figure`) and the
layout adapts to it. The seed is drawn in the highlight colour with a star; other
interviews in neutral grey; interviews whose "executive" turns are whole caption
transcripts (host included) get open markers, so the distinction survives grayscale.

:func:`place_labels` puts text labels next to points without overlaps: a greedy,
deterministic placement (in the spirit of Imhof 1975 and of the label layout of
scattertext, Kessler 2017) that tries a few positions around each point in order of
priority and skips a label when every position collides.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import SymLogNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from analysis.figures.export import (HIGHLIGHT_COLOUR, NEUTRAL_COLOUR, figure_style, new_figure, text_colour,
                                     theme_style)
from analysis.figures.theme_plots import RATE_CAP, interval_methods, theme_label
from analysis.measures.reliability import unreliable_label


#: Label positions tried around a point, in order: (dx, dy) in points, horizontal and
#: vertical alignment of the text at that offset.
POSITIONS = ((3, 0, "left", "center"), (-3, 0, "right", "center"), (0, 3, "center", "bottom"),
             (0, -3, "center", "top"), (3, 3, "left", "bottom"), (-3, 3, "right", "bottom"),
             (3, -3, "left", "top"), (-3, -3, "right", "top"))
RATE_TICKS = (0, 0.5, 1, 2, 5, 10, 20, 50)
#: Theme names short enough for a one-column panel title.
SHORT_LABELS = {"compute_scarcity": "compute", "open_source_risk": "open source",
                "elections_misinformation": "elections", "talent_war": "talent", "safety_guardrails": "safety",
                "bias_representation": "bias", "regulation_policy": "regulation", "agi_future": "AGI"}


# --- label placement --------------------------------------------------------------------

def _box(anchor, size, position, scale):
    """(x0, y0, x1, y1) of a label of ``size`` placed at ``position`` around ``anchor``."""
    dx, dy, ha, va = position
    x = anchor[0] + dx * scale
    y = anchor[1] + dy * scale
    w, h = size
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[ha]
    y0 = {"bottom": y, "top": y - h, "center": y - h / 2}[va]
    return (x0, y0, x0 + w, y0 + h)


def boxes_overlap(a, b, margin: float = 0.0) -> bool:
    """True when rectangles ``(x0, y0, x1, y1)`` overlap, or come closer than ``margin``."""
    return not (a[2] + margin <= b[0] or b[2] + margin <= a[0] or a[3] + margin <= b[1] or b[3] + margin <= a[1])


def greedy_placement(anchors, sizes, *, bounds=None, obstacles=(), positions=POSITIONS, scale: float = 1.0,
                     margin: float = 1.0) -> list:
    """Choose a position for each label so that no two labels overlap; None where none fits.

    ``anchors``: (x, y) of each point, in display units, already in priority order;
    ``sizes``: (width, height) of each label; ``bounds``: (x0, y0, x1, y1) the labels must
    stay inside; ``obstacles``: boxes labels must not cover (e.g. the labelled markers);
    ``positions``: offsets and alignments tried in order (offsets times ``scale``, e.g.
    points to pixels). Greedy and deterministic: each label takes the first position that
    stays inside the bounds and clears every box placed so far (by ``margin``); a label
    with no free position is skipped. Returns a list of ``(box, position)`` or None.
    """
    placed, out = list(obstacles), []
    for anchor, size in zip(anchors, sizes):
        choice = None
        for position in positions:
            box = _box(anchor, size, position, scale)
            if bounds is not None and (box[0] < bounds[0] or box[1] < bounds[1]
                                       or box[2] > bounds[2] or box[3] > bounds[3]):
                continue
            if any(boxes_overlap(box, other, margin) for other in placed):
                continue
            choice = (box, position)
            break
        if choice is not None:
            placed.append(choice[0])
        out.append(choice)
    return out


def place_labels(ax, x, y, labels, *, colors=None, fontsize: float = 5.5, marker_pt: float = 2.0,
                 margin_pt: float = 1.0, positions=POSITIONS, avoid=()):
    """Label points ``(x, y)`` (data units, in priority order) without overlapping labels.

    The figure is drawn once to fix its layout; each label's size is measured, and
    :func:`greedy_placement` picks its position in display units. Labels are
    annotations offset in points, excluded from the layout engine, so the layout, and
    therefore the geometry, stays the same when the figure is saved at any dpi. ``avoid``:
    artists (e.g. texts already on the axes) that labels must not cover. Returns
    ``(texts, skipped)``: the placed annotations and the labels that did not fit.
    """
    fig = ax.figure
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72.0
    anchors = ax.transData.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    sizes = []
    for label in labels:
        probe = ax.text(0, 0, str(label), fontsize=fontsize)
        extent = probe.get_window_extent(renderer)
        sizes.append((extent.width, extent.height))
        probe.remove()
    half = marker_pt * scale
    obstacles = [(ax_, ay - half, ax_ + half, ay + half) for ax_, ay in anchors]
    obstacles = [(x0 - half, y0, x1, y1) for x0, y0, x1, y1 in obstacles]
    obstacles += [tuple(artist.get_window_extent(renderer).extents) for artist in avoid]
    bbox = ax.get_window_extent(renderer)
    choices = greedy_placement(anchors, sizes, bounds=(bbox.x0, bbox.y0, bbox.x1, bbox.y1), obstacles=obstacles,
                               positions=positions, scale=scale, margin=margin_pt * scale)
    colors = list(colors) if colors is not None else ["black"] * len(labels)
    texts, skipped = [], []
    for xi, yi, label, colour, choice in zip(x, y, labels, colors, choices):
        if choice is None:
            skipped.append(label)
            continue
        dx, dy, ha, va = choice[1]
        text = ax.annotate(str(label), (xi, yi), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                           fontsize=fontsize, color=colour, annotation_clip=False)
        text.set_in_layout(False)
        texts.append(text)
    return texts, skipped


# --- helpers ----------------------------------------------------------------------------

def doc_label(interviewee: str, date: str, lang: str = "en") -> str:
    """Short label of an interview: surnames and year-month, ``FR`` for French."""
    names = [n.strip().split()[-1] for n in str(interviewee).split(";") if n.strip()]
    label = f"{' & '.join(names)} {str(date)[:7]}"
    return label + (" (FR)" if lang == "fr" else "")


def _doc_rows(profiles: pd.DataFrame) -> pd.DataFrame:
    docs = profiles.drop_duplicates("doc_id").sort_values(["date_mid", "doc_id"]).reset_index(drop=True)
    docs["label"] = [doc_label(i, d, l) for i, d, l in zip(docs["interviewee"], docs["date"], docs["lang"])]
    return docs


def _rate_axis(axis, top: float, ticks=RATE_TICKS) -> None:
    """Ticks of a symmetric-log rate axis (linear below 1): small and large rates both readable."""
    ticks = [t for t in ticks if t <= top * 1.05] or [0, 1]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _check(table, columns, what):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {', '.join(missing)}; got {list(table.columns)}")
    if table.empty:
        raise ValueError(f"{what}: the table is empty")


def _marker_face(speech: str, colour: str) -> str:
    return "white" if speech == "whole conversation" else colour


# --- plots ------------------------------------------------------------------------------

def forest(profiles: pd.DataFrame, themes, *, highlight: str | None = None, width: str = "two",
           reliable: dict | None = None):
    """Each interview's rate per theme with its interval (one panel per theme), the seed highlighted.

    Rows are interviews in date order, the same in every panel; the x axis is
    symmetric-log (linear up to 1 per 1,000 tokens). The dashed line is the median of
    the other interviews. Filled dots: the executive's own turns; open dots: whole
    caption transcripts (host included). In two-column size the tokens behind each row
    are written at the right. The axis ends at the largest upper bound, at most
    :data:`~analysis.figures.theme_plots.RATE_CAP`; intervals beyond end in an arrow. The
    x label names the interval methods of the table's ``interval`` column. ``reliable``:
    ``{theme: bool}`` (:func:`analysis.measures.reliability.reliable_map`); an unreliable
    theme is drawn like the others but its panel title is greyed and says "(unreliable)"
    (a dagger in one-column size): marked, not hidden.
    """
    _check(profiles, ["doc_id", "theme", "rate", "lo", "hi", "interviewee", "date", "lang", "date_mid"],
           "forest")
    themes = list(themes)
    docs = _doc_rows(profiles)
    y = np.arange(len(docs))[::-1]
    ypos = dict(zip(docs["doc_id"], y))
    wide = width == "two"
    aspect = 0.032 * len(docs) + 0.12 if wide else 0.058 * len(docs) + 0.22
    ticks = RATE_TICKS if wide else (0, 1, 5, 20, 50)
    with figure_style():
        fig, axes = new_figure(width, aspect=aspect, ncols=len(themes), squeeze=False, sharey=True)
        axes = axes.ravel()
        top = min(float(profiles.loc[profiles["theme"].isin(themes), "hi"].max()), RATE_CAP)
        for k, (ax, theme) in enumerate(zip(axes, themes)):
            part = profiles[profiles["theme"] == theme].set_index("doc_id")
            others = part.drop(index=[highlight], errors="ignore")
            ax.axvline(float(np.median(others["rate"])), color=NEUTRAL_COLOUR, linestyle="--", linewidth=0.6)
            for doc, row in part.iterrows():
                yi = ypos[doc]
                end = min(row.hi, top * 1.15)
                colour = HIGHLIGHT_COLOUR if doc == highlight else NEUTRAL_COLOUR
                if row.hi > top * 1.15:
                    ax.plot(end, yi, marker=">", color=colour, markersize=2.5, clip_on=False, zorder=3)
                if doc == highlight:
                    ax.plot([row.lo, end], [yi, yi], color=HIGHLIGHT_COLOUR, linewidth=1.2, zorder=3)
                    ax.plot(row.rate, yi, marker="*", color=HIGHLIGHT_COLOUR, markersize=6, zorder=4)
                else:
                    ax.plot([row.lo, end], [yi, yi], color=NEUTRAL_COLOUR, linewidth=0.8)
                    ax.plot(row.rate, yi, marker="o", markersize=3, color="black", markeredgewidth=0.6,
                            markerfacecolor=_marker_face(row.get("speech", ""), "black"))
            ax.set_xscale("symlog", linthresh=1, linscale=0.6)
            ax.set_xlim(-0.05, top * 1.15)
            _rate_axis(ax.xaxis, top, ticks)
            title = theme_label(theme) if wide else SHORT_LABELS.get(theme, theme_label(theme))
            ok = True if reliable is None else bool(reliable.get(theme, False))
            # wide: "(unreliable)" on a second line; one column is too narrow for it: a dagger
            marked = unreliable_label(title, ok, sep="\n") if wide else (title if ok else f"{title} \u2020")
            ax.set_title(marked, loc="left", **({} if ok else {"color": NEUTRAL_COLOUR}))
            ax.tick_params(axis="y", length=0)
        axes[0].set_ylim(-0.7, len(docs) - 0.3)
        axes[0].set_yticks(y, docs["label"])
        for tick, doc in zip(axes[0].get_yticklabels(), docs["doc_id"]):
            if doc == highlight:
                tick.set_color(HIGHLIGHT_COLOUR)
                tick.set_fontweight("bold")
        if wide and "n_tokens" in docs:
            for yi, n in zip(y, docs["n_tokens"]):
                axes[-1].annotate(f"{int(n):,}", (1.0, yi), xycoords=("axes fraction", "data"), xytext=(3, 0),
                                  textcoords="offset points", va="center", fontsize=5, color=NEUTRAL_COLOUR)
            axes[-1].annotate("tokens", (1.0, 1.0), xycoords="axes fraction", xytext=(3, 1),
                              textcoords="offset points", va="bottom", fontsize=5, color=NEUTRAL_COLOUR)
        fig.supxlabel(f"hits per 1,000 tokens, 95% interval ({interval_methods(profiles)}); symmetric-log axis"
                      + ("; arrow: interval beyond the axis" if (profiles["hi"] > top * 1.15).any() else ""),
                      fontsize=6 if wide else 5.5)
        handles = _point_handles(profiles, highlight) + [
            (Line2D([], [], color=NEUTRAL_COLOUR, linestyle="--", linewidth=0.6), "median of the others")]
        fig.legend(*zip(*handles), loc="outside upper center", ncols=4 if wide else 2,
                   fontsize=5.5 if wide else 5, handletextpad=0.3, columnspacing=1.0)
    return fig, axes


def heatmap(profiles: pd.DataFrame, themes=None, *, highlight: str | None = None, width: str = "two"):
    """Theme x interview matrix of rates per 1,000 tokens, values written in the cells.

    Colour follows a symmetric-log scale (linear below 0.5), so that rates of 0.1 and of
    10 can both be told apart; the numbers in the cells are the exact estimates.
    """
    _check(profiles, ["doc_id", "theme", "rate", "interviewee", "date", "lang", "date_mid"], "heatmap")
    themes = list(themes or dict.fromkeys(profiles["theme"]))
    docs = _doc_rows(profiles)
    matrix = profiles.pivot(index="doc_id", columns="theme", values="rate").loc[docs["doc_id"], themes]
    values = matrix.to_numpy(float)
    norm = SymLogNorm(linthresh=0.5, linscale=0.5, vmin=0, vmax=max(float(values.max()), 1.0))
    wide = width == "two"
    aspect = 0.028 * len(docs) + 0.18 if wide else 0.06 * len(docs) + 0.3
    with figure_style():
        fig, ax = new_figure(width, aspect=aspect)
        image = ax.imshow(values, aspect="auto", cmap="viridis", norm=norm)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                colour = "white" if norm(v) < 0.6 else "black"
                text = "0" if v == 0 else f"{v:.1f}" if v < 10 else f"{v:.0f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=4.8, color=colour)
        names = [theme_label(t) if wide else SHORT_LABELS.get(t, theme_label(t)) for t in themes]
        ax.set_xticks(range(len(themes)), names, rotation=35 if wide else 45, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(docs)), docs["label"])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for tick, doc in zip(ax.get_yticklabels(), docs["doc_id"]):
            if doc == highlight:
                tick.set_color(HIGHLIGHT_COLOUR)
                tick.set_fontweight("bold")
        if highlight in list(docs["doc_id"]):
            i = list(docs["doc_id"]).index(highlight)
            ax.add_patch(Rectangle((-0.5, i - 0.5), len(themes), 1, fill=False, edgecolor=HIGHLIGHT_COLOUR,
                                   linewidth=1.2))
        bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02, location="right" if wide else "top",
                           aspect=25 if wide else 30)
        bar.set_label("hits per 1,000 tokens")
        _rate_axis(bar.ax.yaxis if wide else bar.ax.xaxis, float(values.max()))
    return fig, ax


def over_time(profiles: pd.DataFrame, themes, *, cut=None, means: pd.DataFrame | None = None,
              highlight: str | None = None, width: str = "two", cut_label: str = "ChatGPT"):
    """Rates per interview against its date, one panel per theme, with period means.

    Each interview: its rate and interval (open markers: whole caption transcripts,
    host included). ``means``: :func:`analysis.compare.comparisons.group_rates` by
    ``period`` (``before``/``after``), drawn as a line across each period with its
    interval shaded. The dotted vertical line marks ``cut``.
    """
    _check(profiles, ["doc_id", "theme", "rate", "lo", "hi", "date_mid"], "over_time")
    themes = list(themes)
    across = width == "two"
    nrows, ncols = (1, len(themes)) if across else (len(themes), 1)
    aspect = 0.34 if across else 0.42 * len(themes)
    start, end = profiles["date_mid"].min(), profiles["date_mid"].max()
    pad = pd.Timedelta(days=90)
    with figure_style():
        fig, axes = new_figure(width, aspect=aspect, nrows=nrows, ncols=ncols, squeeze=False, sharex=True)
        axes = axes.ravel()
        top = min(float(profiles.loc[profiles["theme"].isin(themes), "hi"].max()), RATE_CAP)
        for ax, theme in zip(axes, themes):
            part = profiles[profiles["theme"] == theme]
            if cut is not None:
                cut_ts = pd.Timestamp(cut)
                ax.axvline(cut_ts, color="black", linestyle=":", linewidth=0.7)
                ax.annotate(cut_label, (cut_ts, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2),
                            textcoords="offset points", va="top", fontsize=5)
                if means is not None:
                    m = means[means["theme"] == theme].set_index("period")
                    for period, (x0, x1) in {"before": (start - pad, cut_ts), "after": (cut_ts, end + pad)}.items():
                        if period in m.index:
                            row = m.loc[period]
                            ax.fill_between([x0, x1], row["lo"], row["hi"], color=NEUTRAL_COLOUR, alpha=0.25,
                                            linewidth=0)
                            ax.plot([x0, x1], [row["rate"]] * 2, color="black", linewidth=0.9,
                                    linestyle="--")
            for row in part.itertuples(index=False):
                if row.doc_id == highlight:
                    ax.plot([row.date_mid] * 2, [row.lo, row.hi], color=HIGHLIGHT_COLOUR, linewidth=1.0)
                    ax.plot(row.date_mid, row.rate, marker="*", color=HIGHLIGHT_COLOUR, markersize=6, zorder=4)
                else:
                    ax.plot([row.date_mid] * 2, [row.lo, row.hi], color=NEUTRAL_COLOUR, linewidth=0.7)
                    ax.plot(row.date_mid, row.rate, marker="o", markersize=3, color="black",
                            markeredgewidth=0.6, markerfacecolor=_marker_face(getattr(row, "speech", ""), "black"))
            ax.set_yscale("symlog", linthresh=1, linscale=0.6)
            ax.set_ylim(-0.05, top * 1.15)
            _rate_axis(ax.yaxis, top)
            ax.set_xlim(start - pad, end + pad)
            ax.set_title(theme_label(theme), loc="left")
        axes[0].set_ylabel("hits per 1,000 tokens")
        if not across:
            for ax in axes[1:]:
                ax.set_ylabel("hits per 1,000 tokens")
        handles = _point_handles(profiles, highlight)
        if means is not None:
            handles.append((Line2D([], [], color="black", linestyle="--", linewidth=0.9),
                            "period mean of interviews (95% two-stage CI)"))
        fig.legend(*zip(*handles), loc="outside upper center", ncols=len(handles) if across else 2)
    return fig, axes


def _point_handles(profiles: pd.DataFrame, highlight) -> list:
    """Legend entries shared by the per-interview plots: seed, executive turns, whole transcripts."""
    handles = []
    if highlight is not None and highlight in set(profiles["doc_id"]):
        row = profiles[profiles["doc_id"] == highlight].iloc[0]
        handles.append((Line2D([], [], marker="*", color=HIGHLIGHT_COLOUR, linestyle="", markersize=6),
                        doc_label(row["interviewee"], row["date"], row["lang"])))
    handles.append((Line2D([], [], marker="o", color="black", linestyle="", markersize=3), "executive's turns"))
    handles.append((Line2D([], [], marker="o", color="black", markerfacecolor="white", linestyle="", markersize=3),
                    "whole transcript (host included)"))
    return handles


def group_rates(panels: dict, *, group: str, order=None, themes=None, width: str = "one",
                colours: dict | None = None, xlabel: str = "hits per 1,000 tokens (95% two-stage interval)"):
    """Rates of two or more groups per theme, with intervals: a dot plot, one panel per table.

    ``panels``: ``{title: table}``, each table with columns ``group``, ``theme``,
    ``rate``, ``lo``, ``hi`` (e.g. :func:`analysis.measures.theme_scores.theme_rates` by
    group for pooled rates, :func:`analysis.compare.comparisons.group_rates` for means of
    interviews). One row per theme; groups are offset vertically and keep their colour
    and marker (``colours``: ``{group: colour}``, default
    :func:`analysis.figures.export.theme_style`).
    """
    if isinstance(panels, pd.DataFrame):
        panels = {"": panels}
    for title, table in panels.items():
        _check(table, [group, "theme", "rate", "lo", "hi"], f"group_rates panel {title!r}")
    first = next(iter(panels.values()))
    order = list(order or dict.fromkeys(first[group]))
    themes = list(themes or dict.fromkeys(first["theme"]))
    y = np.arange(len(themes))[::-1]
    offsets = np.linspace(0.18, -0.18, len(order)) if len(order) > 1 else [0.0]
    markers = ("o", "s", "^", "D", "v")
    wide = width == "two"
    with figure_style():
        fig, axes = new_figure(width, aspect=(0.12 + 0.06 * len(themes)) * (0.55 if wide else 1), ncols=len(panels),
                               sharey=True, squeeze=False)
        axes = axes.ravel()
        for ax, (title, table) in zip(axes, panels.items()):
            for k, (name, offset) in enumerate(zip(order, offsets)):
                part = table[table[group] == name].set_index("theme").reindex(themes)
                colour = (colours or {}).get(name) or theme_style(str(name))["color"]
                ax.errorbar(part["rate"], y + offset,
                            xerr=[part["rate"] - part["lo"], part["hi"] - part["rate"]],
                            fmt=markers[k % len(markers)], color=colour, markersize=3, elinewidth=0.9, capsize=0,
                            label=str(name))
            ax.set_xlim(left=0)
            ax.set_title(title, loc="left")
            ax.tick_params(axis="y", length=0)
        axes[0].set_yticks(y, [theme_label(t) if wide else SHORT_LABELS.get(t, theme_label(t)) for t in themes])
        fig.supxlabel(xlabel, fontsize=6 if wide else 5.5)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=len(order))
    return fig, axes


def keyness_bars(table: pd.DataFrame, *, label: str = "term", n: int = 15, colour_by: str | None = None,
                 hatch_by: str | None = None, hatch_value=None, width: str = "one", target_name: str = "target",
                 reference_name: str = "reference"):
    """Two panels per key term: Hardie's Log Ratio (effect size) and the log-odds z (with prior).

    ``table``: a keyness table (:func:`analysis.compare.comparisons.concept_keyness` or
    :func:`~analysis.compare.comparisons.general_usage_keyness`); the ``n`` rows with the largest
    absolute log-odds z are drawn, in that order. Bars take the colour of their
    ``colour_by`` value (a theme, with a legend) or grey. Rows whose ``hatch_by`` equals
    ``hatch_value`` are hatched ``////``; rows with a zero count on one side are white
    and dotted ("absent in" one side: their Log Ratio's size comes from the smoothing of
    :func:`analysis.stats.keyness.log_ratio`, only its sign from data). The number at each
    Log Ratio bar is the Benjamini-Hochberg q-value of the turn test (``q_turns``) when
    the table has it, else G2. No |z| = 1.96 line: with many concepts tested and tokens
    that are not independent, it marks nothing.
    """
    _check(table, [label, "log_ratio", "log_odds_z", "g2", "target_count", "reference_count"], "keyness_bars")
    top = table.reindex(table["log_odds_z"].abs().sort_values(ascending=False, kind="mergesort").index).head(n)
    top = top.iloc[::-1]
    y = np.arange(len(top))
    groups = list(top[colour_by]) if colour_by else [None] * len(top)
    colours = [theme_style(g)["color"] if isinstance(g, str) else NEUTRAL_COLOUR for g in groups]
    zero = (top["target_count"] == 0) | (top["reference_count"] == 0)
    marked = (top[hatch_by] == hatch_value) if hatch_by else pd.Series(False, index=top.index)
    hatches = ["/////" if m else "...." if z else "" for m, z in zip(marked, zero)]
    colours = ["white" if z else c for c, z in zip(colours, zero)]
    by_turns = "q_turns" in top.columns
    wide = width == "two"
    with figure_style():
        fig, axes = new_figure(width, aspect=(0.16 + 0.042 * len(top)) * (0.5 if wide else 1), ncols=2, sharey=True)
        for ax, column, xlabel in zip(axes, ["log_ratio", "log_odds_z"], ["Log Ratio", "log-odds z"]):
            bars = ax.barh(y, top[column], color=colours, edgecolor="black", linewidth=0.3)
            for bar, hatch in zip(bars, hatches):
                bar.set_hatch(hatch)
            ax.axvline(0, color="black", linewidth=0.5)
            ax.set_xlabel(xlabel)
        notes = [f"q {q:.2f}" for q in top["q_turns"]] if by_turns else [f"{g2:.1f}" for g2 in top["g2"]]
        for yi, (lr, note) in enumerate(zip(top["log_ratio"], notes)):
            axes[0].annotate(note, (lr, yi), xytext=(2 if lr >= 0 else -2, 0), textcoords="offset points",
                             ha="left" if lr >= 0 else "right", va="center", fontsize=4.8, color="#444444")
        lo, hi = axes[0].get_xlim()
        axes[0].set_xlim(lo - 0.1 * (hi - lo) if lo < 0 else lo, hi + 0.14 * (hi - lo))
        axes[0].set_yticks(y, [str(t).replace("_", " ") for t in top[label]])
        axes[0].tick_params(axis="y", length=0)
        numbers = "BH q of the turn test" if by_turns else "G2"
        fig.suptitle(f"> 0: key for {target_name}; < 0: for {reference_name}. Numbers: {numbers}", fontsize=5.5,
                     x=0.02, ha="left")
        handles = []
        if colour_by:
            for g in dict.fromkeys(g for g in reversed(groups) if isinstance(g, str)):
                handles.append(Rectangle((0, 0), 1, 1, facecolor=theme_style(g)["color"], edgecolor="black",
                                         linewidth=0.3, label=SHORT_LABELS.get(g, theme_label(g))))
        if marked.any():
            handles.append(Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="black", linewidth=0.3,
                                     hatch="/////", label=str(hatch_value)))
        if zero.any():
            handles.append(Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="black", linewidth=0.3,
                                     hatch="....", label="zero count on one side"))
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4 if not wide else 8),
                       fontsize=5, handlelength=1.2, columnspacing=0.8)
    return fig, axes


def term_scatter(table: pd.DataFrame, *, n_labels: int = 12, width: str = "one", colours=None):
    """Scattertext-style plot: each lemma's rate in group b (x) against group a (y), log axes.

    ``table``: :func:`analysis.compare.comparisons.term_scatter_table`. A lemma absent from a
    group sits on that group's "0" line at the edge. The ``n_labels`` lemmas with the
    largest log-odds z towards each group are coloured and labelled (labels that would
    overlap are skipped; see :func:`place_labels`). Returns ``(fig, ax)``; the labels
    placed and skipped are in ``ax.placed_labels`` and ``ax.skipped_labels``.
    """
    _check(table, ["term", "rate_a", "rate_b", "z"], "term_scatter")
    a, b = table.attrs.get("a", "group a"), table.attrs.get("b", "group b")
    colours = colours or {a: theme_style(str(a))["color"], b: theme_style(str(b))["color"]}
    text_colours = {group: text_colour(colour) for group, colour in colours.items()}  # readable on white
    rates = table[["rate_a", "rate_b"]].to_numpy(float)
    floor = rates[rates > 0].min() / 2
    x = table["rate_b"].where(table["rate_b"] > 0, floor).to_numpy()
    yv = table["rate_a"].where(table["rate_a"] > 0, floor).to_numpy()
    order = table["z"].to_numpy()
    top_a = np.argsort(-order, kind="stable")[:n_labels]
    top_b = np.argsort(order, kind="stable")[:n_labels]
    with figure_style():
        fig, ax = new_figure(width, aspect=0.9 if width == "one" else 0.55)
        ax.scatter(x, yv, s=2, color=NEUTRAL_COLOUR, alpha=0.5, linewidths=0, rasterized=False)
        ax.scatter(x[top_a], yv[top_a], s=6, color=colours[a], marker="o", linewidths=0, zorder=3)
        ax.scatter(x[top_b], yv[top_b], s=6, color=colours[b], marker="s", linewidths=0, zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        lo, hi = floor * 0.8, max(x.max(), yv.max()) * 1.6
        ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.5, linestyle="--")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(f"{b}: occurrences per 1,000 tokens ({table.attrs.get('size_b', 0):,} tokens)")
        ax.set_ylabel(f"{a}: per 1,000 tokens ({table.attrs.get('size_a', 0):,} tokens)")
        for line in ("x", "y"):
            (ax.axvline if line == "x" else ax.axhline)(floor, color=NEUTRAL_COLOUR, linestyle=":", linewidth=0.5)
        static = [ax.annotate(f"absent from {b}", (floor, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -10),
                    textcoords="offset points", rotation=90, va="top", ha="left", fontsize=5, color=NEUTRAL_COLOUR),
                  ax.annotate(f"absent from {a}", (1.0, floor), xycoords=("axes fraction", "data"), xytext=(-2, 2),
                    textcoords="offset points", va="bottom", ha="right", fontsize=5, color=NEUTRAL_COLOUR),
                  ax.text(0.06, 0.98, f"more {a}", transform=ax.transAxes, va="top", color=text_colours[a], fontsize=6),
                  ax.text(0.98, 0.1, f"more {b}", transform=ax.transAxes, ha="right", color=text_colours[b], fontsize=6)]
        # Interleave the two sides so that each gets its strongest terms labelled first.
        picks = [i for pair in zip(top_a, top_b) for i in pair]
        labels = [str(table["term"].iloc[i]).replace("_", " ") for i in picks]
        label_colours = [text_colours[a] if i in set(top_a) else text_colours[b] for i in picks]
        texts, skipped = place_labels(ax, x[picks], yv[picks], labels, colors=label_colours, avoid=static)
        ax.placed_labels, ax.skipped_labels = texts, skipped
    return fig, ax


def introducer_grid(introductions: pd.DataFrame, *, labels: dict | None = None, themes=None,
                    highlight: str | None = None, width: str = "two"):
    """Interview x theme grid: the interviewer's share of the theme's (re)introductions.

    ``introductions``: :func:`analysis.measures.dynamics.theme_introductions`. Each cell is
    coloured by the share (0: only the executive brings the theme up; 1: only the
    interviewer) and shows ``interviewer/all`` introductions; a ``Q`` marks a theme first
    raised by a question; hatched cells: the theme never comes up.
    """
    _check(introductions, ["doc_id", "theme", "introductions", "by_interviewer", "first_role"], "introducer_grid")
    themes = list(themes or dict.fromkeys(introductions["theme"]))
    docs = list(dict.fromkeys(introductions["doc_id"]))
    labels = labels or {d: d for d in docs}
    table = introductions.set_index(["doc_id", "theme"])
    share = np.full((len(docs), len(themes)), np.nan)
    with figure_style():
        fig, ax = new_figure(width, aspect=0.12 + 0.05 * len(docs) if width == "two" else 0.35 + 0.08 * len(docs))
        for i, doc in enumerate(docs):
            for j, theme in enumerate(themes):
                row = table.loc[(doc, theme)]
                if row["introductions"] > 0:
                    share[i, j] = row["by_interviewer"] / row["introductions"]
                    text = f"{int(row['by_interviewer'])}/{int(row['introductions'])}"
                    if row["first_role"] == "interviewer":
                        text += " Q"
                    ax.text(j, i, text, ha="center", va="center", fontsize=4.8,
                            color="white" if share[i, j] > 0.55 else "black")
                else:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="////", edgecolor="#cccccc",
                                           linewidth=0))
        image = ax.imshow(np.ma.masked_invalid(share), cmap="Greys", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(themes)), [theme_label(t) for t in themes], rotation=35, ha="right",
                      rotation_mode="anchor")
        ax.set_yticks(range(len(docs)), [labels.get(d, d) for d in docs])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for tick, doc in zip(ax.get_yticklabels(), docs):
            if doc == highlight:
                tick.set_color(HIGHLIGHT_COLOUR)
                tick.set_fontweight("bold")
        bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02)
        bar.set_label("interviewer's share of introductions")
    return fig, ax
