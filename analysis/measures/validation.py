"""Validation of the theme instrument against coded turns.

Grimmer and Stewart (2013, "Text as Data", *Political Analysis* 21(3)) ask that a
dictionary be checked against coded text before its counts are trusted. Two codings exist:

* ``corpus/themes/hand_coding.csv`` (v1, :func:`evaluate`, :func:`errors`): 215 turns coded
  by **one model coder** (``ai-helper-1``, an AI assistant coding from the written codebook
  ``corpus/themes/codebook.md``; ``coder_type = model``), with no transcript text. It is not
  human judgement: it measures agreement between the dictionary and a model's reading of
  the codebook. How its turns were drawn and split (per turn, ``dev``/``heldout``) is in
  :mod:`analysis.measures.sampling` (:func:`~analysis.measures.sampling.draw_sample`).
* The v2 sample (:func:`validation_report`, ``python -m analysis validate``): turns drawn by
  design over the whole corpus (``corpus/themes/sample.csv``), coded in
  ``corpus/themes/coding.csv`` with the coder's type; splits by interview
  (:mod:`analysis.measures.theme_splits`); metrics design-weighted
  (:mod:`analysis.stats.measurement`).

* **Prediction.** An instrument predicts that a turn touches a theme when it has at
  least one hit for the theme (dictionary or rules), or, for the learned model, a
  probability at the theme's threshold (:mod:`analysis.measures.theme_model`).
* **Counts.** Per theme, over the turns of one split: ``tp`` (coded 1, predicted 1),
  ``fp`` (coded 0, predicted 1), ``fn`` (coded 1, predicted 0), ``tn`` (coded 0, predicted 0).
* **Precision** = tp / (tp + fp): of the turns the instrument flags, the share the coder
  coded as the theme. **Recall** = tp / (tp + fn): of the turns the coder coded as the
  theme, the share the instrument flags. **F1** = 2 tp / (2 tp + fp + fn), the harmonic
  mean of precision and recall (van Rijsbergen 1979).
* **Undefined values are NaN, never 0.** Precision is NaN when the instrument flags no
  turn (tp + fp = 0), recall when no turn is coded positive (tp + fn = 0), F1 when both
  happen (tp + fp + fn = 0). A 0 means "measured, and wrong", NaN means "not measurable on
  this sample".
* **Intervals.** Wilson (1927) score intervals for precision and recall, treating them as
  binomial proportions of tp out of tp + fp (resp. tp + fn):
  centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) x sqrt(p(1-p)/n + z²/4n²),
  with z the normal quantile of the level (1.96 for 95%). Unlike the Wald interval it stays
  inside [0, 1] and behaves at p = 0 or 1 with small n (Brown, Cai and DasGupta 2001).
  No interval is given for F1. Turns of one interview are not independent, so read the
  intervals as a lower bound on the uncertainty.
* **Micro total.** The ``micro`` row pools the turn x theme decisions of all themes
  (its counts are sums over themes; its ``n_turns`` is the number of turns).

The v1 sample over-represents turns containing broad theme words (see :mod:`analysis.measures.sampling`),
so its figures describe the coded turns, which are richer in themes than the corpus.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.measures.concordance import kwic
from analysis.corpus.load import load_corpus, turn_counts
from analysis.stats.intervals import wilson as wilson_interval  # Wilson (1927) via scipy, one implementation
from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, read_csv_table
from analysis.measures.theme_scores import theme_hits
from analysis.measures.adjudication import load_adjudication, reference_table
from analysis.measures.coding import load_coding, load_quote_coding, load_sample
from analysis.measures.rule_hits import rule_theme_hits
from analysis.measures.sampling import frame_design
from analysis.measures.theme_model import choose_method, model_probabilities, model_table, predictions
from analysis.measures.theme_splits import split_map
from analysis.measures.training_sample import load_training_sample
from analysis.stats.measurement import design_weights, weighted_metrics
from analysis.text.themes import ThemeMatcher

HAND_CODING_FILE = Path("themes") / "hand_coding.csv"
ID_COLUMNS = ("doc_id", "turn_id", "split", "coder", "coder_type")
SPLITS = ("dev", "heldout")
KINDS = ("fp", "fn")
METRIC_COLUMNS = ["theme", "n_turns", "tp", "fp", "fn", "tn", "precision", "precision_lo", "precision_hi",
                  "recall", "recall_lo", "recall_hi", "f1"]
ERROR_COLUMNS = ["doc_id", "turn_id", "role", "text_availability", "hits", "matched_terms", "kwic", "text", "note"]


# --- the v1 coding (one model coder) ----------------------------------------------------------------------

def load_hand_coding(path=None, *, turns: pd.DataFrame | None = None, themes=None) -> pd.DataFrame:
    """The v1 coded turns: ``doc_id, turn_id, split, coder, coder_type, <one 0/1 column per theme>, note``.

    Checked row by row; the first problem raises :class:`InputError` naming the file and
    line: a missing column, a theme column the dictionary does not know (or a dictionary
    theme with no column), an unknown document or turn (checked against ``turns``, by
    default :func:`analysis.corpus.load.load_corpus`), a turn coded twice, a split other than
    ``dev``/``heldout``, an empty coder, a code other than 0 or 1. ``themes`` defaults to
    the project dictionary's themes. The theme names are in ``attrs["themes"]``.
    """
    path = Path(path) if path else corpus_dir() / HAND_CODING_FILE
    header, records = read_csv_table(path, (*ID_COLUMNS, "note"), what="v1 theme coding (model coder)",
                                     hint="see the sampling section of corpus/themes/codebook.md",
                                     header_hint=f"the header is {','.join(ID_COLUMNS)},<one column per theme>,note")
    themes = list(themes) if themes is not None else ThemeMatcher().themes_
    turns = load_corpus() if turns is None else turns
    known = {d: set(map(int, g)) for d, g in turns.groupby("doc_id")["turn_id"]}
    coded = [c for c in header if c not in (*ID_COLUMNS, "note")]
    unknown = [c for c in coded if c not in themes]
    if unknown:
        raise InputError(path, f"unknown theme column(s): {', '.join(unknown)}", line=1,
                         hint=f"the dictionary's themes are {', '.join(themes)}")
    absent = [t for t in themes if t not in coded]
    if absent:
        raise InputError(path, f"no column for theme(s) {', '.join(absent)}", line=1,
                         hint="code every theme of the dictionary (0 or 1) or validate a dictionary without it")
    rows, seen = [], {}
    for line, row in records:
        rows.append(_check_row(row, path, line, themes, known, seen))
    if not rows:
        raise InputError(path, "the v1 coding has no rows")
    table = pd.DataFrame(rows, columns=[*ID_COLUMNS, *themes, "note"])
    table[themes] = table[themes].astype("int64")
    table.attrs["themes"] = themes
    return table


def _check_row(row: dict, path: Path, line: int, themes, known, seen) -> dict:
    def fail(message, hint=None):
        raise InputError(path, message, line=line, hint=hint)

    rec = {k: (row.get(k) or "").strip() for k in (*ID_COLUMNS, "note")}
    doc_id = rec["doc_id"]
    if doc_id not in known:
        fail(f"unknown doc_id {doc_id!r}", "use a doc_id of corpus/catalog.csv")
    try:
        turn_id = int(rec["turn_id"])
    except ValueError:
        fail(f"turn_id {rec['turn_id']!r} is not an integer")
    if turn_id not in known[doc_id]:
        fail(f"{doc_id} has no interview turn {turn_id}",
             "turn ids are 1-based positions in the document; only interview-segment turns are coded")
    if (doc_id, turn_id) in seen:
        fail(f"turn {doc_id} #{turn_id} is coded twice", f"first at line {seen[(doc_id, turn_id)]}")
    seen[(doc_id, turn_id)] = line
    if rec["split"] not in SPLITS:
        fail(f"split {rec['split']!r} is not one of {', '.join(SPLITS)}")
    if not rec["coder"]:
        fail("empty coder", "write who coded the turn")
    if rec["coder_type"] not in ("human", "model", "program"):
        fail(f"coder_type {rec['coder_type']!r} is not human, model or program",
             "a language model is 'model', a script 'program'; only a person is 'human'")
    for theme in themes:
        value = (row.get(theme) or "").strip()
        if value not in ("0", "1"):
            fail(f"code {value!r} for {theme} is not 0 or 1", "code 1 if the turn talks about the theme, else 0")
        rec[theme] = int(value)
    return {**rec, "turn_id": turn_id}


# --- metrics ------------------------------------------------------------------------------

def _ratio(num: int, den: int) -> float:
    return num / den if den else np.nan


def confusion_metrics(tp: int, fp: int, fn: int, tn: int, level: float = 0.95) -> dict:
    """Precision, recall and F1 with Wilson intervals from the four counts (module docstring)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    p_low, p_high = wilson_interval(tp, tp + fp, level)
    r_low, r_high = wilson_interval(tp, tp + fn, level)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": _ratio(tp, tp + fp), "precision_lo": p_low, "precision_hi": p_high,
            "recall": _ratio(tp, tp + fn), "recall_lo": r_low, "recall_hi": r_high,
            "f1": _ratio(2 * tp, 2 * tp + fp + fn)}


def _select(coding: pd.DataFrame, split: str) -> pd.DataFrame:
    if split not in (*SPLITS, "all"):
        raise ValueError(f"split must be one of {', '.join(SPLITS)} or 'all', got {split!r}")
    part = coding if split == "all" else coding[coding["split"] == split]
    if part.empty:
        raise ValueError(f"the v1 coding has no {split!r} turns")
    return part


def _coded_turns(turns: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
    keys = set(zip(part["doc_id"], part["turn_id"]))
    mask = [k in keys for k in zip(turns["doc_id"], turns["turn_id"])]
    sub = turns[mask].reset_index(drop=True)
    sub.attrs = dict(turns.attrs)
    return sub


def _joined(turns, split, hits, coding) -> tuple[pd.DataFrame, list[str]]:
    """Coded turns of ``split`` with their hits (suffix ``_hits``) and the turn table columns."""
    turns = load_corpus() if turns is None else turns
    coding = load_hand_coding(turns=turns) if coding is None else coding
    themes = coding.attrs.get("themes") or [c for c in coding.columns if c not in (*ID_COLUMNS, "note")]
    part = _select(coding, split)
    sub = _coded_turns(turns, part)
    hits = theme_hits(sub) if hits is None else hits
    lacking = [t for t in themes if t not in hits.columns]
    if lacking:
        raise ValueError(f"hits has no column for theme(s) {', '.join(lacking)}: pass theme_hits(turns)")
    merged = part.merge(hits[["doc_id", "turn_id", *themes]], on=["doc_id", "turn_id"], how="left",
                        suffixes=("", "_hits"), indicator=True)
    unmatched = merged[merged["_merge"] == "left_only"]
    if len(unmatched):
        first = unmatched.iloc[0]
        raise ValueError(f"{len(unmatched)} coded turn(s) have no hits (e.g. {first.doc_id} #{first.turn_id}): "
                         "pass hits computed on turns that include the coded turns")
    extra = [c for c in ("role", "text", "lang", "text_availability") if c in sub.columns]
    merged = merged.drop(columns="_merge").merge(sub[["doc_id", "turn_id", *extra]], on=["doc_id", "turn_id"],
                                                 how="left")
    merged.attrs = dict(sub.attrs)
    return merged, themes


def evaluate(turns: pd.DataFrame | None = None, *, split: str = "heldout", hits: pd.DataFrame | None = None,
             coding: pd.DataFrame | None = None, level: float = 0.95) -> pd.DataFrame:
    """Precision, recall and F1 of the dictionary per theme on one split of the v1 model coding.

    ``split`` is ``'heldout'`` (the default: report on these), ``'dev'`` or ``'all'``.
    ``turns`` defaults to :func:`analysis.corpus.load.load_corpus`, ``hits`` to
    :func:`analysis.measures.theme_scores.theme_hits` on the coded turns, ``coding`` to
    :func:`load_hand_coding`. A turn is predicted positive for a theme when it has >= 1 hit.
    Returns one row per theme and a final ``micro`` row with the columns ``theme, n_turns,
    tp, fp, fn, tn, precision, precision_lo, precision_hi, recall, recall_lo,
    recall_hi, f1``; undefined values are NaN (see the module docstring).
    """
    merged, themes = _joined(turns, split, hits, coding)
    rows = []
    for theme in themes:
        truth = merged[theme].to_numpy() == 1
        pred = merged[f"{theme}_hits"].to_numpy() >= 1
        counts = [int(np.sum(truth & pred)), int(np.sum(~truth & pred)), int(np.sum(truth & ~pred)),
                  int(np.sum(~truth & ~pred))]
        rows.append({"theme": theme, "n_turns": len(merged), **confusion_metrics(*counts, level=level)})
    totals = [sum(r[k] for r in rows) for k in ("tp", "fp", "fn", "tn")]
    rows.append({"theme": "micro", "n_turns": len(merged), **confusion_metrics(*totals, level=level)})
    table = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    table.attrs.update(split=split, level=level, themes=themes)
    return table


# --- errors in context --------------------------------------------------------------------

def _format_terms(terms: Mapping) -> str:
    return ", ".join(f"{t} x{n}" if n > 1 else t for t, n in terms.items())


def _kwic_lines(turn: pd.DataFrame, terms, window: int) -> str:
    lines = []
    for term in terms:
        try:
            found = kwic(turn, term, window=window, match="lemma")
            if found.empty:
                found = kwic(turn, term, window=window, match="token")
        except ValueError:
            continue
        lines += [f"{r.left} [{r.keyword}] {r.right}".strip() for r in found.itertuples(index=False)]
    return " | ".join(dict.fromkeys(lines))


def errors(theme: str, kind: str = "fp", split: str = "heldout", *, turns: pd.DataFrame | None = None,
           hits: pd.DataFrame | None = None, coding: pd.DataFrame | None = None,
           matcher: ThemeMatcher | None = None, window: int = 7) -> pd.DataFrame:
    """The false positives (``kind='fp'``: flagged by the dictionary, coded 0) or misses
    (``kind='fn'``: coded 1, no hit) of one theme in one split, for reading.

    Columns: ``doc_id, turn_id, role, text_availability, hits, matched_terms`` (the lemmas
    that hit, from :meth:`analysis.text.themes.ThemeMatcher.matched_terms`), ``kwic`` (each
    matched term in context, ``window`` tokens either side, for full-text documents),
    ``text`` (the whole turn, full-text documents only; useful to read a miss) and the
    coder's ``note``. Features-only documents have no running text in the project: their
    rows give ids and matched terms only, with ``kwic`` and ``text`` empty.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'fp' (false positives) or 'fn' (misses), got {kind!r}")
    matcher = matcher or ThemeMatcher()
    merged, themes = _joined(turns, split, hits, coding)
    if theme not in themes:
        raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(themes)}")
    truth, pred = merged[theme] == 1, merged[f"{theme}_hits"] >= 1
    wrong = merged[(~truth & pred) if kind == "fp" else (truth & ~pred)].reset_index(drop=True)
    wrong.attrs = merged.attrs
    rows = []
    for i, bag in enumerate(turn_counts(wrong)):
        turn = wrong.iloc[[i]]
        terms = matcher.matched_terms(bag, turn["lang"].iat[0], theme)
        full = turn["text_availability"].iat[0] == "full"
        rows.append({"doc_id": turn["doc_id"].iat[0], "turn_id": int(turn["turn_id"].iat[0]),
                     "role": turn["role"].iat[0], "text_availability": turn["text_availability"].iat[0],
                     "hits": int(turn[f"{theme}_hits"].iat[0]), "matched_terms": _format_terms(terms),
                     "kwic": _kwic_lines(turn, terms, window) if full and terms else "",
                     "text": turn["text"].iat[0] if full else "", "note": turn["note"].iat[0]})
    table = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    table.attrs.update(theme=theme, kind=kind, split=split)
    return table


# --- v2: the instrument on the designed sample (python -m analysis validate) ----------------

REPORT_COLUMNS = ["method", "split", "scope", "theme", "n_turns", "support", "precision", "precision_lo",
                  "precision_hi", "recall", "recall_lo", "recall_hi", "f1", "chosen"]
SCOPES = ("random", "all")


def coded_sample(turns: pd.DataFrame | None = None, *, sample: pd.DataFrame | None = None,
                 coding: pd.DataFrame | None = None, themes=None,
                 adjudication: pd.DataFrame | None = None) -> pd.DataFrame:
    """The v2 sample joined to its reference codes and to the corpus turns.

    One row per coded turn: the sample's columns (stratum, inclusion probability, split),
    the reference codes (:func:`analysis.measures.adjudication.reference_table`: one coder's,
    the coders' agreed or the adjudicated code; ``adjudication`` defaults to
    ``corpus/themes/adjudication.csv``), and the turn's ``lang``, ``text``,
    ``text_availability``. Turns not yet coded are left out. ``attrs["pending"]``: the
    disagreements not adjudicated yet (their first coder's code is used).
    """
    turns = load_corpus() if turns is None else turns
    themes = list(themes or ThemeMatcher().themes_)
    sample = frame_design(load_sample() if sample is None else sample)
    coding = load_coding(themes=themes) if coding is None else coding
    adjudication = load_adjudication(themes=themes) if adjudication is None else adjudication
    codes = reference_table(coding, adjudication, themes)
    drawn = set(zip(sample["doc_id"], sample["turn_id"]))
    training = load_training_sample()
    drawn_for_training = set(zip(training["doc_id"], training["turn_id"]))
    stray = [k for k in zip(codes["doc_id"], codes["turn_id"]) if k not in drawn and k not in drawn_for_training]
    if stray:
        raise ValueError(f"{len(stray)} coded turn(s) of corpus/themes/coding.csv are in neither "
                         f"corpus/themes/sample.csv nor corpus/themes/training_sample.csv (e.g. {stray[0][0]} "
                         f"#{stray[0][1]}): their inclusion probability is unknown; add them to the sample with "
                         "their frame, or remove their coding")
    merged = sample.merge(codes[["doc_id", "turn_id", "coder", "coder_type", *themes, "adjudicated", "pending"]],
                          on=["doc_id", "turn_id"], how="inner")
    if merged.empty:
        raise ValueError("no turn of corpus/themes/sample.csv is coded yet in corpus/themes/coding.csv")
    _check_turns_unchanged(merged, turns)
    out = _attach_turns(merged.drop(columns="n_tokens"), turns, themes)
    out.attrs.update(pending=int(merged["pending"].sum()), adjudicated=int(merged["adjudicated"].sum()))
    return out


def coded_training(turns: pd.DataFrame | None = None, *, training: pd.DataFrame | None = None,
                   coding: pd.DataFrame | None = None, themes=None,
                   adjudication: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coded turns of the training supplement (:mod:`analysis.measures.training_sample`),
    joined to the corpus turns like :func:`coded_sample`: development turns the model fits
    on, which enter no estimate. Empty when nothing of the supplement is coded yet."""
    turns = load_corpus() if turns is None else turns
    themes = list(themes or ThemeMatcher().themes_)
    training = load_training_sample() if training is None else training
    coding = load_coding(themes=themes) if coding is None else coding
    adjudication = load_adjudication(themes=themes) if adjudication is None else adjudication
    codes = reference_table(coding, adjudication, themes)
    merged = training.merge(codes[["doc_id", "turn_id", "coder", "coder_type", *themes, "adjudicated", "pending"]],
                            on=["doc_id", "turn_id"], how="inner")
    _check_turns_unchanged(merged, turns)
    return _attach_turns(merged.drop(columns="n_tokens"), turns, themes)


def _check_turns_unchanged(merged: pd.DataFrame, turns: pd.DataFrame) -> None:
    keyed = turns.set_index(["doc_id", "turn_id"])["n_tokens"]
    missing = [k for k in zip(merged["doc_id"], merged["turn_id"]) if k not in keyed.index]
    if missing:
        raise ValueError(f"{len(missing)} coded turn(s) are not in the corpus (e.g. {missing[0][0]} #{missing[0][1]}): "
                         "redraw the sample or re-load the corpus it was drawn from")
    changed = [k for k, n in zip(zip(merged["doc_id"], merged["turn_id"]), merged["n_tokens"]) if keyed[k] != n]
    if changed:
        raise ValueError(f"{len(changed)} coded turn(s) changed since the sample was drawn (token counts differ; e.g. "
                         f"{changed[0][0]} #{changed[0][1]}): the turns were re-segmented, so their codes may belong "
                         "to other text; re-code them or restore the extraction they were coded on")


def _attach_turns(coded: pd.DataFrame, turns: pd.DataFrame, themes) -> pd.DataFrame:
    columns = ["doc_id", "turn_id", "speaker", "role", "segment", "lang", "text", "n_tokens", "text_availability"]
    out = coded.merge(turns[columns], on=["doc_id", "turn_id"], how="left", validate="many_to_one")
    out.attrs = dict(turns.attrs)
    out.attrs["themes"] = list(themes)
    return out


def coded_quotes(path, turns: pd.DataFrame | None = None, themes=None) -> pd.DataFrame:
    """A researcher's quote-located coding (:func:`analysis.measures.coding.load_quote_coding`)
    as a coded table: every turn weight 1, stratum ``researcher``, split from the interview
    split (``user`` for interviews the split file does not know)."""
    turns = load_corpus() if turns is None else turns
    themes = list(themes or ThemeMatcher().themes_)
    coding = load_quote_coding(path, turns, themes=themes)
    splits = split_map()
    coded = coding.assign(stratum="researcher", inclusion_probability=1.0,
                          split=[splits.get(d, "user") for d in coding["doc_id"]])
    return _attach_turns(coded, turns, themes)


def instrument_predictions(coded: pd.DataFrame, *, model: bool = True, random_state: int = 0,
                           training: pd.DataFrame | None = None):
    """``(rules 0/1, model 0/1 or None, model probabilities or None)``, aligned with ``coded``.

    ``training``: coded turns the model also fits on but that are not predicted or scored
    (the training supplement, :func:`coded_training`)."""
    themes = coded.attrs["themes"]
    coded = coded.reset_index(drop=True)
    hits = rule_theme_hits(coded)
    rules = (hits[themes] > 0).astype(int).reset_index(drop=True)
    if not model or not (coded["split"] == "development").any():
        return rules, None, None
    probabilities, _ = _model_probabilities_with(coded, hits, training, None, random_state)
    return rules, predictions(probabilities), probabilities


class ChosenInstrument(NamedTuple):
    """:func:`chosen_instrument`'s result: 0/1 flags per theme on every corpus turn and on the
    coded turns, the method per theme, and both methods' flags on the coded turns (what
    :func:`validation_report` scores; ``coded_model`` is None when there is no model)."""
    turn_flags: pd.DataFrame
    coded_flags: pd.DataFrame
    chosen: dict
    coded_rules: pd.DataFrame
    coded_model: pd.DataFrame | None


def chosen_instrument(turns: pd.DataFrame, coded: pd.DataFrame, training: pd.DataFrame | None = None, *,
                      random_state: int = 0) -> ChosenInstrument:
    """The instrument ``validate`` chooses per theme, applied (:class:`ChosenInstrument`).

    The method per theme is :func:`choose_method`'s (design-weighted F1 on development turns
    only). Model flags on the coded turns are those :func:`validation_report` scores
    (development interviews predicted without their own interview); on the corpus turns
    they come from the same fit: turns of a development interview are predicted by the fit
    without that interview, so no coded turn is flagged by a model that saw its code, and the
    flags of the corpus and of the coded turns from which Se and Sp are estimated are the
    same instrument (the condition of the Rogan-Gladen correction; Rogan and Gladen 1978,
    *Am. J. Epidemiol.* 107(1))."""
    themes = coded.attrs["themes"]
    coded = coded.reset_index(drop=True)
    turns = turns.reset_index(drop=True)
    coded_hits = rule_theme_hits(coded)
    coded_flags = (coded_hits[themes] > 0).astype(int)
    turn_hits = rule_theme_hits(turns)
    turn_flags = (turn_hits[themes] > 0).astype(int).reset_index(drop=True)
    if not (coded["split"] == "development").any():
        return ChosenInstrument(turn_flags, coded_flags.copy(), dict.fromkeys(themes, "rules"), coded_flags, None)
    splits = split_map()
    apply = turns.assign(split=[splits.get(doc, "user") for doc in turns["doc_id"]])
    coded_probability, turn_probability = _model_probabilities_with(coded, coded_hits, training, apply,
                                                                    random_state, apply_hits=turn_hits)
    coded_model, turn_model = predictions(coded_probability), predictions(turn_probability)
    weights = (coded["weight"].to_numpy() if "weight" in coded.columns
               else design_weights(coded["inclusion_probability"]))
    coded_rules = coded_flags.copy()
    chosen = choose_method(coded, coded_rules, coded_model, themes, weights)
    for theme in themes:
        if chosen[theme] == "model":
            coded_flags[theme] = coded_model[theme].to_numpy()
            turn_flags[theme] = turn_model[theme].to_numpy()
    return ChosenInstrument(turn_flags, coded_flags, chosen, coded_rules, coded_model)


def _model_probabilities_with(coded, coded_hits, training, apply, random_state, apply_hits=None):
    """The model's probabilities for ``coded`` and for the ``apply`` turns (or None), from one
    fit that also uses the coded ``training`` turns (:func:`model_probabilities`, ``use``).
    ``apply_hits``: the apply turns' rule hits when already computed."""
    themes = coded.attrs["themes"]
    training_hits = rule_theme_hits(training) if training is not None and len(training) else None
    if apply is not None and apply_hits is None:
        apply_hits = rule_theme_hits(apply)
    frame, features = model_table([(coded, coded_hits, "sample"), (training, training_hits, "training"),
                                   (apply, apply_hits, "apply")], themes)
    probabilities = model_probabilities(frame, features, themes, random_state=random_state)

    def rows(start, stop):
        part = probabilities.iloc[start:stop].reset_index(drop=True)
        part.attrs = dict(probabilities.attrs)
        return part
    n_apply = 0 if apply is None else len(apply)
    return rows(0, len(coded)), (rows(len(frame) - n_apply, len(frame)) if apply is not None else None)


def _metric_rows(truth: pd.DataFrame, pred: pd.DataFrame, weights, themes, level) -> list[dict]:
    rows = []
    for theme in themes:
        rows.append({"theme": theme, "n_turns": len(truth),
                     **weighted_metrics(truth[theme].to_numpy(), pred[theme].to_numpy(), weights, level)})
    stacked_w = None if weights is None else np.tile(np.asarray(weights), len(themes))
    rows.append({"theme": "micro", "n_turns": len(truth),
                 **weighted_metrics(truth[themes].to_numpy().T.ravel(), pred[themes].to_numpy().T.ravel(),
                             stacked_w, level)})
    return rows


def validation_report(coded: pd.DataFrame, *, model: bool = True, level: float = 0.95,
                      random_state: int = 0, training: pd.DataFrame | None = None,
                      predicted: tuple | None = None) -> pd.DataFrame:
    """Per method (rules, model), split (development, test) and scope, per theme and micro:
    support, precision and recall with Wilson intervals, F1 (see the module docstring).

    Scopes: ``random`` is the simple random strata of the frames alone (the targets' scope),
    each turn weighted by N_f / n_f of its frame (equal weights within a frame; across frames
    they undo the different sampling fractions); ``all`` is every coded turn weighted by
    1 / its inclusion probability in its own frame (Horvitz-Thompson; the frames cover
    disjoint documents, so their totals add: :func:`analysis.measures.sampling.frame_design`);
    a researcher's coding has the single scope ``researcher`` (weights 1). ``chosen`` says which method is used
    for each theme, decided on development turns only (:func:`choose_method`); the method
    ``chosen`` (when there is a model) scores that combination, each theme by its chosen
    method: the instrument the corrected shares use, whose micro row is the one the micro
    targets are about. ``training``:
    the coded training supplement (:func:`coded_training`), which the model fits on and
    which enters no row of the report. ``predicted``: ``(rules, model or None)`` flags on
    ``coded`` already computed (e.g. by :func:`chosen_instrument`), instead of computing them.
    """
    themes = coded.attrs["themes"]
    coded = coded.reset_index(drop=True)
    if predicted is None:
        rules, model_pred, _ = instrument_predictions(coded, model=model, random_state=random_state,
                                                      training=training)
    else:
        rules, model_pred = predicted
    weights = (coded["weight"].to_numpy() if "weight" in coded.columns
               else design_weights(coded["inclusion_probability"]))
    random_weights = coded["random_weight"].to_numpy() if "random_weight" in coded.columns else None
    methods = {"rules": rules, **({"model": model_pred} if model_pred is not None else {})}
    chosen = (choose_method(coded, rules, model_pred, themes, weights) if model_pred is not None
              else dict.fromkeys(themes, "rules"))
    if model_pred is not None:  # the instrument as used: each theme by its chosen method
        methods["chosen"] = pd.DataFrame({t: methods[chosen[t]][t].to_numpy() for t in themes})
    scopes = ("researcher",) if set(coded["stratum"]) == {"researcher"} else SCOPES
    rows = []
    for method, pred in methods.items():
        for split in sorted(set(coded["split"])):
            for scope in scopes:
                mask = (coded["split"] == split).to_numpy()
                if scope == "random":
                    mask = mask & (coded["stratum"] == "random").to_numpy()
                if not mask.any():
                    continue
                w = (weights[mask] if scope == "all" else
                     random_weights[mask] if scope == "random" and random_weights is not None else None)
                for row in _metric_rows(coded[mask], pred[mask], w, themes, level):
                    rows.append({"method": method, "split": split, "scope": scope, **row,
                                 "chosen": "" if row["theme"] == "micro" or method == "chosen" else
                                 ("yes" if chosen[row["theme"]] == method else "no")})
    table = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    table.attrs.update(level=level, chosen=chosen, themes=themes)
    return table
