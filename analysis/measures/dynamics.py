"""Interview dynamics: who brings up each theme, and whether answers take up the question's theme.

Word counts say *what* an interview talks about; the order of turns says *who steers*.
An interviewer can put a theme on the table that the interviewee would not have raised,
and an interviewee can answer a question on one theme by talking about another (bridging,
in media-training terms; Clayman and Heritage 2002, *The News Interview*, on
answers and evasions). Two measures, both computed from the theme hits of each turn
(:func:`analysis.measures.theme_scores.theme_hits`); a turn *touches* a theme when it has at
least one hit of it.

* **Introductions.** A theme is *introduced* (or re-introduced) in a turn when the turn
  touches it and none of the ``k`` turns just before it (of either speaker) did. The
  first turn that touches a theme is always an introduction. Counting introductions by
  the role of the turn's speaker says whether the interviewer's questions or the
  interviewee's answers bring a theme (back) into the conversation; ``k`` (default 2,
  i.e. the last question-and-answer exchange) sets how long a theme stays "on the table".
* **Uptake.** Over every interviewer turn immediately followed by an interviewee turn
  (a question-answer pair), the *uptake matrix* counts the pairs whose question touches
  theme A and whose answer touches theme B. Divided by the number of questions touching
  A (row-normalized), it estimates P(answer touches B | question touches A); rows need not
  sum to one, since an answer touches zero, one or several themes. The diagonal is the
  *uptake rate* of A, P(answer touches A | question touches A), read against its
  *baseline* P(answer touches A) over all pairs: uptake well above the baseline means
  answers follow the question's theme; near it, the interviewee talks about A whatever
  is asked.

Only documents with speaker roles can be read this way: those whose catalog entry has
``speaker_labels`` ``yes`` or ``inferred`` (or ``model``: caption documents whose roles the
speaker model of :mod:`analysis.ingest.speakers` attributed; ``model_roles=False`` leaves
them out) and that have both interviewer and interviewee turns. Automatic transcripts cut into fixed-size chunks (role ``other``) have no
questions and answers; they are left out explicitly, and every result says which were
left out and why (``result.attrs['left_out']``, ``{doc_id: reason}``, and
``result.attrs['warning']``, also issued as a :class:`UserWarning`).

Caveats: pairs are adjacent turns, so with two interviewees (a panel) only the first
answer after a question is paired; the dictionary's misses and false positives
(:mod:`analysis.measures.validation`) pass straight into both measures; the seed has six
questions, so its numbers describe that interview, not a population.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from analysis.measures.theme_scores import KEY_COLUMNS, theme_hits
from analysis.corpus.catalog import role_labels
from analysis.stats.intervals import wilson as wilson_interval  # Wilson (1927) via scipy, one implementation

INTERVIEWER, INTERVIEWEE = "interviewer", "interviewee"
REQUIRED = ("doc_id", "turn_id", "role", "speaker_labels")
POOLED = "pooled"


def left_out_documents(turns: pd.DataFrame, *, model_roles: bool = True) -> dict[str, str]:
    """``{doc_id: reason}`` for the documents the dynamics cannot read (see the module docstring).

    ``model_roles=False`` also leaves out caption documents whose roles the speaker model
    attributed (``speaker_labels`` ``model``, see :mod:`analysis.ingest.speakers`).
    """
    _check_turns(turns)
    reasons = {}
    for doc, part in turns.groupby("doc_id", sort=True):
        labels = set(part["speaker_labels"])
        roles = set(part["role"])
        if not labels <= set(role_labels(model_roles)):
            unit = part["turn_unit"].iloc[0] if "turn_unit" in part else "?"
            reasons[doc] = (f"no speaker roles (speaker_labels={'/'.join(sorted(map(str, labels)))!r}, "
                            f"turn_unit={unit!r}): {len(part)} turns with role "
                            f"{'/'.join(sorted(roles))}, no questions and answers to follow")
        elif INTERVIEWER not in roles or INTERVIEWEE not in roles:
            missing = INTERVIEWER if INTERVIEWER not in roles else INTERVIEWEE
            reasons[doc] = f"no {missing} turn among its {len(part)} turns"
    return reasons


def _check_turns(turns) -> None:
    if not isinstance(turns, pd.DataFrame):
        raise ValueError(f"turns must be a DataFrame of turns (load_corpus()), got {type(turns).__name__}")
    missing = [c for c in REQUIRED if c not in turns.columns]
    if missing:
        raise ValueError(f"turns lacks column(s) {', '.join(missing)}: use the table from load_corpus() "
                         "(speaker_labels comes from the catalog: 'yes', 'inferred' or 'none')")
    if turns.duplicated(["doc_id", "turn_id"]).any():
        dup = turns.loc[turns.duplicated(["doc_id", "turn_id"]), ["doc_id", "turn_id"]].iloc[0].tolist()
        raise ValueError(f"turn {dup[1]} of {dup[0]} appears twice; give each (doc_id, turn_id) once")


def _theme_columns(hits: pd.DataFrame, themes) -> list[str]:
    found = hits.attrs.get("themes") or [c for c in hits.columns if c not in (*KEY_COLUMNS, "text")]
    if themes is None:
        return list(found)
    themes = [themes] if isinstance(themes, str) else list(themes)
    unknown = [t for t in themes if t not in hits.columns]
    if unknown or not themes:
        raise ValueError(f"unknown or no theme(s) {unknown or themes}: choose among {', '.join(found)}")
    return themes


def _prepare(turns, hits, themes, model_roles=True) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """Turns of the readable documents in reading order, one boolean column per theme."""
    left_out = left_out_documents(turns, model_roles=model_roles)
    kept = turns[~turns["doc_id"].isin(left_out)]
    if hits is None:
        hits = theme_hits(kept) if len(kept) else pd.DataFrame(columns=["doc_id", "turn_id"])
    elif not isinstance(hits, pd.DataFrame) or not {"doc_id", "turn_id"} <= set(hits.columns):
        raise ValueError("hits must be a DataFrame with doc_id, turn_id and one column per theme "
                         "(analysis.measures.theme_scores.theme_hits)")
    names = _theme_columns(hits, themes)
    bad = [t for t in names if not pd.api.types.is_numeric_dtype(hits[t]) or (hits[t] < 0).any()]
    if bad:
        raise ValueError(f"theme column(s) {bad} must hold non-negative hit counts")
    cols = ["doc_id", "turn_id", "role"] + (["speaker"] if "speaker" in kept.columns else [])
    table = kept[cols].merge(hits[["doc_id", "turn_id", *names]], on=["doc_id", "turn_id"], how="left",
                             validate="one_to_one", indicator=True)
    absent = table[table["_merge"] != "both"]
    if len(absent):
        raise ValueError(f"hits has no row for {len(absent)} turn(s), e.g. turn {absent['turn_id'].iloc[0]} "
                         f"of {absent['doc_id'].iloc[0]}: compute hits on the same turns table")
    table = table.drop(columns="_merge").sort_values(["doc_id", "turn_id"], kind="stable")
    table[names] = table[names].gt(0)
    return table.reset_index(drop=True), names, left_out


def _report(result: pd.DataFrame, left_out: dict[str, str]) -> pd.DataFrame:
    result.attrs["left_out"] = dict(left_out)
    message = ""
    if left_out:
        message = (f"left out {len(left_out)} document(s) without question/answer roles: "
                   f"{', '.join(left_out)} (reasons in .attrs['left_out'])")
        warnings.warn(message, UserWarning, stacklevel=3)
    result.attrs["warning"] = message
    return result


def theme_introductions(turns: pd.DataFrame, hits: pd.DataFrame | None = None, *, k: int = 2,
                        themes=None, model_roles: bool = True) -> pd.DataFrame:
    """Who brings each theme into each interview: first appearance and (re)introductions by role.

    A turn introduces a theme when it touches it (at least one hit) and none of the ``k``
    turns before it in the same interview did; the first touching turn always does.
    ``hits``: a table from :func:`analysis.measures.theme_scores.theme_hits` (computed when None).

    Returns one row per document x theme: ``doc_id``, ``theme``, ``n_turns``,
    ``turns_touching``, ``first_turn`` (turn_id; missing if the theme never appears),
    ``first_role``, ``first_speaker``, ``introductions`` and their split ``by_interviewer``,
    ``by_interviewee``, ``by_other``, and ``share_interviewer`` = by_interviewer /
    introductions (NaN with no introduction). Documents without speaker roles are left out
    (``.attrs['left_out']``).
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive whole number of turns (e.g. 2), not {k!r}")
    table, names, left_out = _prepare(turns, hits, themes, model_roles)
    rows = []
    for doc, part in table.groupby("doc_id", sort=False):
        roles = part["role"].to_numpy()
        speakers = part["speaker"].to_numpy() if "speaker" in part else roles
        ids = part["turn_id"].to_numpy()
        for theme in names:
            touched = part[theme].to_numpy()
            before = np.concatenate([[0], np.cumsum(touched)])      # touching turns before position i
            i = np.arange(len(touched))
            recent = before[i] - before[np.maximum(i - k, 0)]         # ... among the k turns before i
            intro = touched & (recent == 0)
            first = int(np.argmax(touched)) if touched.any() else None
            n = int(intro.sum())
            by = {role: int((intro & (roles == role)).sum()) for role in (INTERVIEWER, INTERVIEWEE)}
            rows.append({"doc_id": doc, "theme": theme, "n_turns": len(part), "turns_touching": int(touched.sum()),
                         "first_turn": ids[first] if first is not None else pd.NA,
                         "first_role": roles[first] if first is not None else None,
                         "first_speaker": speakers[first] if first is not None else None,
                         "introductions": n, "by_interviewer": by[INTERVIEWER],
                         "by_interviewee": by[INTERVIEWEE], "by_other": n - sum(by.values()),
                         "share_interviewer": by[INTERVIEWER] / n if n else math.nan})
    result = pd.DataFrame(rows, columns=["doc_id", "theme", "n_turns", "turns_touching", "first_turn",
                                         "first_role", "first_speaker", "introductions", "by_interviewer",
                                         "by_interviewee", "by_other", "share_interviewer"])
    result["first_turn"] = result["first_turn"].astype("Int64")
    result.attrs["k"] = int(k)
    return _report(result, left_out)


def introduction_shares(introductions: pd.DataFrame) -> pd.DataFrame:
    """Pool a :func:`theme_introductions` table over its documents, one row per theme.

    Sums the introductions by role over the documents and gives ``share_interviewer`` =
    interviewer introductions / all introductions, ``n_docs`` (documents where the theme
    appears at all) and ``docs_interviewer_first`` (documents where the interviewer's turn
    is the first to touch it). Pooling weights long interviews more: look at the
    per-document rows too.
    """
    needed = {"theme", "introductions", "by_interviewer", "by_interviewee", "by_other", "first_role"}
    if not needed <= set(introductions.columns):
        raise ValueError(f"expected a theme_introductions() table with columns {sorted(needed)}")
    grouped = introductions.assign(appears=introductions["first_role"].notna(),
                                   interviewer_first=introductions["first_role"].eq(INTERVIEWER))
    out = grouped.groupby("theme", sort=False).agg(
        introductions=("introductions", "sum"), by_interviewer=("by_interviewer", "sum"),
        by_interviewee=("by_interviewee", "sum"), by_other=("by_other", "sum"),
        n_docs=("appears", "sum"), docs_interviewer_first=("interviewer_first", "sum")).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_interviewer"] = out["by_interviewer"] / out["introductions"].where(out["introductions"] > 0)
    return out


def question_answer_pairs(turns: pd.DataFrame, hits: pd.DataFrame | None = None, *, themes=None,
                          model_roles: bool = True) -> pd.DataFrame:
    """Every interviewer turn immediately followed by an interviewee turn, with what each touches.

    Returns ``doc_id``, ``question_turn``, ``answer_turn`` and, per theme, boolean columns
    ``q:<theme>`` (the question touches it) and ``a:<theme>`` (the answer does).
    """
    table, names, left_out = _prepare(turns, hits, themes, model_roles)
    return _report(_pairs(table, names), left_out)


def _pairs(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    nxt = table.groupby("doc_id", sort=False).shift(-1)
    is_pair = table["role"].eq(INTERVIEWER) & nxt["role"].eq(INTERVIEWEE)
    q, a = table[is_pair], nxt[is_pair]
    out = pd.DataFrame({"doc_id": q["doc_id"].to_numpy(), "question_turn": q["turn_id"].to_numpy(),
                        "answer_turn": a["turn_id"].astype(int).to_numpy()})
    for theme in names:
        out[f"q:{theme}"] = q[theme].to_numpy(dtype=bool)
        out[f"a:{theme}"] = a[theme].to_numpy(dtype=bool)
    out.attrs["themes"] = list(names)
    return out


def _select_docs(table: pd.DataFrame, doc, left_out: dict[str, str], turns: pd.DataFrame) -> pd.DataFrame:
    if doc is None:
        return table
    docs = [doc] if isinstance(doc, str) else list(doc)
    for d in docs:
        if d in left_out:
            raise ValueError(f"{d} has no question/answer structure: {left_out[d]}")
        if d not in set(turns["doc_id"]):
            raise ValueError(f"unknown doc_id {d!r}; the turns table has {', '.join(sorted(set(turns['doc_id'])))}")
    return table[table["doc_id"].isin(docs)]


def uptake_matrix(turns: pd.DataFrame, hits: pd.DataFrame | None = None, *, doc=None, normalize: bool = False,
                  themes=None, model_roles: bool = True) -> pd.DataFrame:
    """Question theme x answer theme over the question-answer pairs (see the module docstring).

    Cell (A, B) counts the pairs whose question touches A and whose answer touches B; with
    ``normalize=True`` it is divided by the number of questions touching A, estimating
    P(answer touches B | question touches A) (NaN for a theme no question touches). ``doc``:
    one doc_id or a list (pooled over them); None pools every document with roles. The
    diagonal is each theme's uptake rate; :func:`uptake_rates` puts it beside its baseline.
    ``.attrs``: ``n_pairs``, ``n_questions`` ({theme: questions touching it}), ``docs``,
    ``left_out``.
    """
    table, names, left_out = _prepare(turns, hits, themes, model_roles)
    pairs = _pairs(_select_docs(table, doc, left_out, turns), names)
    q = pairs[[f"q:{t}" for t in names]].to_numpy(dtype=int)
    a = pairs[[f"a:{t}" for t in names]].to_numpy(dtype=int)
    counts = q.T @ a
    n_questions = q.sum(axis=0)
    values = counts.astype(float)
    if normalize:
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(n_questions[:, None] > 0, counts / n_questions[:, None], np.nan)
    result = pd.DataFrame(values if normalize else counts, index=pd.Index(names, name="question_theme"),
                          columns=pd.Index(names, name="answer_theme"))
    result.attrs.update(n_pairs=len(pairs), n_questions=dict(zip(names, n_questions.tolist())),
                        docs=sorted(set(pairs["doc_id"])), normalize=bool(normalize))
    return _report(result, left_out)


def uptake_rates(turns: pd.DataFrame, hits: pd.DataFrame | None = None, *, themes=None,
                 level: float = 0.95, model_roles: bool = True) -> pd.DataFrame:
    """Uptake rate of each theme against its baseline, per document and pooled.

    For theme A over the question-answer pairs: ``uptake`` = n_uptake / n_questions =
    P(answer touches A | question touches A), and ``baseline`` = n_answers / n_pairs =
    P(answer touches A). ``lo``/``hi``: Wilson (1927) score interval of the
    uptake, treating the pairs as independent (pairs from one interview are not quite: read it
    as a lower bound on the uncertainty).
    One row per document x theme plus rows with doc_id ``'pooled'`` summing the pairs of
    all documents.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    table, names, left_out = _prepare(turns, hits, themes, model_roles)
    pairs = _pairs(table, names)
    rows = []
    groups = [*pairs.groupby("doc_id", sort=True), (POOLED, pairs)] if len(pairs) else []
    for doc, part in groups:
        for theme in names:
            q, a = part[f"q:{theme}"], part[f"a:{theme}"]
            n_q, n_up, n_a = int(q.sum()), int((q & a).sum()), int(a.sum())
            low, high = wilson_interval(n_up, n_q, level)
            rows.append({"doc_id": doc, "theme": theme, "n_pairs": len(part), "n_questions": n_q,
                         "n_uptake": n_up, "uptake": n_up / n_q if n_q else math.nan,
                         "lo": low, "hi": high, "n_answers": n_a,
                         "baseline": n_a / len(part)})
    result = pd.DataFrame(rows, columns=["doc_id", "theme", "n_pairs", "n_questions", "n_uptake", "uptake",
                                         "lo", "hi", "n_answers", "baseline"])
    result.attrs["level"] = level
    return _report(result, left_out)
