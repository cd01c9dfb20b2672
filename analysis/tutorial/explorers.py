"""Interactive explorers for the notebooks (ipywidgets), each a thin layer over one function.

* :func:`kwic_explorer`: keyword in context as you type (a word or a phrase, surface
  form or lemma), filtered by interview, role and language, with a window size; words
  of the theme dictionary in the context are highlighted. Only full-text documents have
  running text; the features-only interviews are listed as such, never shown.
* :func:`theme_explorer`: choose themes and interviews; the forest plot of theme rates
  (:func:`analysis.figures.comparison_plots.forest`) redraws.

Each call displays one output that carries both the live widget and a static HTML
version (a MIME bundle): JupyterLab with its widget manager shows the widget; a page
without a widget front-end (a headless run, nbconvert, the HTML book) shows the static
table or figure for the default choices. Every piece of text shown is HTML-escaped.
"""
from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from analysis.compare.comparisons import executive_profiles
from analysis.corpus.catalog import SEED_DOC_ID
from analysis.corpus.load import load_corpus
from analysis.figures.comparison_plots import forest
from analysis.figures.export import figure_style
from analysis.measures.concordance import kwic
from analysis.text.lemmas import lemma
from analysis.text.themes import load_dictionary

ALL = "(all)"
MAX_ROWS = 200


# --- keyword in context -------------------------------------------------------------------

def theme_terms(lang: str) -> dict[str, str]:
    """Dictionary terms of one language as they appear among tokens (phrases joined by '_'), with their theme."""
    table = load_dictionary()
    table = table[table["lang"] == lang]
    return {str(term).lower().replace(" ", "_"): theme for term, theme in zip(table["term"], table["theme"])}


def _mark(tokens: str, terms: dict[str, str], lang: str) -> str:
    """Escape a run of context tokens, wrapping dictionary words (token or lemma) in <mark>."""
    out = []
    for token in tokens.split():
        theme = terms.get(token.lower()) or terms.get(lemma(token, lang))
        text = html.escape(token)
        out.append(f'<mark title="{html.escape(theme)}" class="theme-hit">{text}</mark>' if theme else text)
    return " ".join(out)


def kwic_table(turns: pd.DataFrame, query: str, *, match: str = "token", window: int = 7, doc: str = ALL,
               role: str = ALL, lang: str = ALL) -> pd.DataFrame:
    """:func:`~analysis.measures.concordance.kwic` on the full-text turns that pass the filters."""
    part = turns[turns["text_availability"] == "full"]
    for column, value in (("doc_id", doc), ("role", role), ("lang", lang)):
        if value != ALL:
            part = part[part[column] == value]
    if part.empty or not query.strip():
        return pd.DataFrame(columns=["doc_id", "turn_id", "role", "left", "keyword", "right"])
    return kwic(part, query, window=window, match=match)


def kwic_html(turns: pd.DataFrame, query: str, *, match: str = "token", window: int = 7, doc: str = ALL,
              role: str = ALL, lang: str = ALL) -> str:
    """The concordance as an escaped HTML table, theme words highlighted, with a line on what it covers."""
    features_only = sorted(set(turns.loc[turns["text_availability"] != "full", "doc_id"]))
    note = (f"<p><small>Only full-text documents have running text; the {len(features_only)} features-only "
            "interviews (counts only, copyrighted transcripts) cannot be shown in context.</small></p>"
            if features_only else "")
    if doc in features_only:
        return (f"<p><b>{html.escape(doc)}</b> is stored as extracted features only (per-turn counts): it has no "
                "running text to show in context. Pick a full-text document.</p>" + note)
    if not query.strip():
        return "<p>Type a word or a phrase.</p>" + note
    try:
        table = kwic_table(turns, query, match=match, window=window, doc=doc, role=role, lang=lang)
    except ValueError as error:
        return f"<p>{html.escape(str(error))}</p>" + note
    head = (f"<p><b>{len(table)}</b> occurrence(s) of <b>{html.escape(query)}</b> "
            f"({'lemma' if match == 'lemma' else 'surface form'}).</p>")
    if table.empty:
        return head + note
    lang_of = dict(zip(turns["doc_id"], turns["lang"]))
    terms = {code: theme_terms(code) for code in set(lang_of.values())}
    rows = []
    for row in table.head(MAX_ROWS).itertuples(index=False):
        code = lang_of[row.doc_id]
        rows.append(f"<tr><td>{html.escape(row.doc_id)}</td><td>{int(row.turn_id)}</td><td>{html.escape(row.role)}</td>"
                    f'<td style="text-align:right">{_mark(row.left, terms[code], code)}</td>'
                    f"<td><b>{html.escape(row.keyword)}</b></td><td style=\"text-align:left\">"
                    f"{_mark(row.right, terms[code], code)}</td></tr>")
    more = f"<p>First {MAX_ROWS} shown.</p>" if len(table) > MAX_ROWS else ""
    return (head + '<table class="kwic"><thead><tr><th>doc_id</th><th>turn</th><th>role</th><th>left</th>'
            "<th>keyword</th><th>right</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>" + more
            + "<p><small><mark>highlighted</mark>: words of the theme dictionary (hover for the theme).</small></p>"
            + note)


def _show(box: widgets.Widget, static_html: str) -> None:
    """Display the widget with a static HTML version for pages that cannot run widgets."""
    bundle = box._repr_mimebundle_()
    bundle["text/html"] = static_html
    bundle["text/plain"] = "(interactive explorer: open the notebook in JupyterLab to use it)"
    display(bundle, raw=True)


def kwic_explorer(turns: pd.DataFrame | None = None, query: str = "open source", *, window: int = 7) -> None:
    """Keyword in context as you type: a text box, lemma/surface switch, filters, window size.

    ``turns``: the table to search (default: the whole corpus; only its full-text turns have
    running text). Displays the explorer (a static table where widgets cannot run).
    """
    explorer, static = build_kwic_explorer(turns, query, window=window)
    _show(explorer, static)


def build_kwic_explorer(turns: pd.DataFrame | None = None, query: str = "open source", *,
                        window: int = 7) -> tuple[widgets.VBox, str]:
    """The KWIC explorer's widget and its static HTML (see :func:`kwic_explorer`)."""
    turns = load_corpus() if turns is None else turns
    docs = sorted(set(turns["doc_id"]))
    box_query = widgets.Text(value=query, description="word", continuous_update=True,
                             placeholder="a word or a phrase, e.g. calcul, open source")
    box_match = widgets.ToggleButtons(options=[("surface form", "token"), ("lemma", "lemma")], value="token")
    box_doc = widgets.Dropdown(options=[ALL, *docs], value=ALL, description="interview")
    box_role = widgets.Dropdown(options=[ALL, *sorted(set(turns["role"]))], value=ALL, description="role")
    box_lang = widgets.Dropdown(options=[ALL, *sorted(set(turns["lang"]))], value=ALL, description="language")
    box_window = widgets.IntSlider(value=window, min=2, max=20, description="window")
    results = widgets.HTML()

    def update(_=None):
        results.value = kwic_html(turns, box_query.value, match=box_match.value, window=box_window.value,
                                  doc=box_doc.value, role=box_role.value, lang=box_lang.value)

    for control in (box_query, box_match, box_doc, box_role, box_lang, box_window):
        control.observe(update, names="value")
    update()
    explorer = widgets.VBox([widgets.HBox([box_query, box_match]), widgets.HBox([box_doc, box_role, box_lang]),
                             box_window, results])
    explorer.add_class("kwic-explorer")
    explorer.controls = {"query": box_query, "match": box_match, "doc": box_doc, "role": box_role,
                         "lang": box_lang, "window": box_window, "results": results}
    return explorer, "<p><i>Static view (no widget front-end): the default search.</i></p>" + results.value


# --- theme forest -----------------------------------------------------------------------------

def _labels(profiles: pd.DataFrame) -> dict[str, str]:
    whole = profiles.drop_duplicates("doc_id")
    return {f"{who} ({doc[:7]})": doc for doc, who in zip(whole["doc_id"], whole["interviewee"])}


def _png_html(fig) -> str:
    buffer = io.BytesIO()
    with figure_style():
        fig.savefig(buffer, format="png", dpi=110)
    return f'<img alt="theme forest" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"/>'


def theme_explorer(themes=("compute_scarcity", "open_source_risk"), *, n_boot: int = 2000, random_state: int = 0,
                   highlight: str = SEED_DOC_ID) -> None:
    """Choose themes and interviews; the forest plot of rates per 1,000 tokens redraws.

    Rates and 95% bootstrap intervals are :func:`analysis.compare.comparisons.executive_profiles`
    (``n_boot`` resamples, random state ``random_state``); the plot is
    :func:`analysis.figures.comparison_plots.forest`. Displays the explorer (the default
    figure where widgets cannot run).
    """
    explorer, static = build_theme_explorer(themes, n_boot=n_boot, random_state=random_state, highlight=highlight)
    _show(explorer, static)


def build_theme_explorer(themes=("compute_scarcity", "open_source_risk"), *, n_boot: int = 2000, random_state: int = 0,
                         highlight: str = SEED_DOC_ID) -> tuple[widgets.VBox, str]:
    """The theme explorer's widget and its static HTML (see :func:`theme_explorer`)."""
    profiles = executive_profiles(n_boot=n_boot, random_state=random_state)
    labels = _labels(profiles)
    all_themes = list(dict.fromkeys(load_dictionary()["theme"]))
    box_themes = widgets.SelectMultiple(options=all_themes, value=tuple(themes), rows=len(all_themes),
                                        description="themes")
    box_docs = widgets.SelectMultiple(options=list(labels), value=tuple(labels), rows=10, description="interviews",
                                      layout=widgets.Layout(width="420px"))
    plot = widgets.Output()
    message = widgets.HTML()

    def draw(selected_themes, selected_docs):
        part = profiles[profiles["doc_id"].isin([labels[d] for d in selected_docs])]
        if not selected_themes or part.empty:
            return None
        fig, _ = forest(part, list(selected_themes), highlight=highlight if highlight in set(part["doc_id"]) else None,
                        width="two")
        return fig

    def update(_=None):
        fig = draw(box_themes.value, box_docs.value)
        with plot:
            plot.clear_output(wait=True)
            if fig is not None:
                display(fig)
        if fig is not None:
            plt.close(fig)
        # the message last: once it names the new choice, the plot above has been redrawn
        message.value = (f"<p>Showing {html.escape(', '.join(box_themes.value))} for {len(box_docs.value)} "
                         "interview(s).</p>" if fig is not None else "<p>Choose at least one theme and one interview.</p>")

    box_themes.observe(update, names="value")
    box_docs.observe(update, names="value")
    update()
    explorer = widgets.VBox([widgets.HBox([box_themes, box_docs]), message, plot])
    explorer.add_class("theme-explorer")
    explorer.controls = {"themes": box_themes, "docs": box_docs, "plot": plot, "message": message}
    fig = draw(tuple(themes), tuple(labels))
    static = "<p><i>Static view (no widget front-end): the default choice.</i></p>" + _png_html(fig)
    plt.close(fig)
    return explorer, static
