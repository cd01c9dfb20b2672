"""Reading the topic models: the chosen model, topic prevalence with intervals, themes.

* :func:`choose_model` fits every random state at the chosen ``k`` (from the cache when
  :func:`analysis.models.topics.select_k` ran before) and keeps the **representative run**:
  the random state whose topics agree best with those of the other random states (highest mean matched
  cosine, :mod:`analysis.models.stability`; ties to the lowest random state). A single arbitrary random state
  could be an outlier; the representative run is the medoid of the runs.
* :func:`topic_prevalence`: a group's prevalence of topic ``t`` is the token-weighted
  mean of its chunks' topic proportions, sum(n_tokens x theta_t) / sum(n_tokens): the
  share of the group's running text the model attributes to ``t``. Intervals: the
  project's design (:mod:`analysis.stats`): chunks resampled in moving blocks of
  consecutive chunks **within each document** (a topic runs over several chunks), every
  document kept in every replicate, so the interval reflects variation inside
  interviews, not which interviews were sampled (a stratified block bootstrap).
* Topics against the themes of the dictionary (:mod:`analysis.text.themes`), two readings:
  :func:`topic_theme_weights`, the share of a topic's term weight that falls on the
  theme's terms (its English lemmas that the dictionary matches), which reads the
  topic's definition; and :func:`topic_theme_correlation`, Spearman's rank
  correlation across chunks between a topic's proportion and the theme's hits per
  1,000 tokens, which reads where the topic is used. A topic "carries" a theme when
  both are high.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.pipeline import Pipeline

from scipy import sparse

from analysis.core.diskcache import cached_call
from analysis.corpus.load import load_corpus, turn_counts
from analysis.corpus.version import corpus_cache_key, corpus_fingerprint
from analysis.models.projection import glossary_lookup, project_french
from analysis.models.stability import match_topics, topic_replication
from analysis.models.topic_corpus import DEFAULT_CHUNK_TOKENS, DEFAULT_MIN_DF, TopicCorpus, topic_corpus
from analysis.models.topics import KINDS, choose_k, components, doc_topics, fit_topic_model, select_k, top_terms
from analysis.stats.resampling import percentile, stream, within_weights
from analysis.text.themes import ThemeMatcher

DEFAULT_KS = (3, 5, 8, 10, 12)
FULL_KS = (3, 4, 5, 6, 7, 8, 10, 12, 15, 20)
DEFAULT_RANDOM_STATES = (0, 1, 2, 3, 4)


def default_corpus(chunk_tokens: int = DEFAULT_CHUNK_TOKENS, min_df: int = DEFAULT_MIN_DF,
                   roles: tuple | None = None) -> TopicCorpus:
    """:func:`analysis.models.topic_corpus.topic_corpus` of the whole corpus, memoised per session
    on the corpus's state (:func:`analysis.corpus.version.corpus_fingerprint`) and the parameters."""
    return _default_corpus(corpus_fingerprint(), chunk_tokens, min_df, roles)


@lru_cache(maxsize=4)
def _default_corpus(fingerprint: tuple, chunk_tokens: int, min_df: int, roles: tuple | None) -> TopicCorpus:
    # on disk too (analysis.core.diskcache), keyed on the corpus's contents: the next process reads it back
    return cached_call("topics-corpus", topic_corpus, (), {"chunk_tokens": chunk_tokens, "min_df": min_df,
                                                           "roles": roles}, extra=corpus_cache_key())


#: One chunk in this many, within each interview, is held out of the selection fits to score NPMI.
HOLDOUT_EVERY = 5


def split_chunks(corpus: TopicCorpus, every: int = HOLDOUT_EVERY) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(fitting rows, held-out rows) of the corpus matrix: every ``every``-th chunk of each interview held out.

    Deterministic and spread over every interview and over each interview's length, so
    the held-out chunks speak of the same subjects as the fitting ones without being them.
    """
    position = corpus.chunks.groupby("doc_id", sort=False).cumcount().to_numpy()
    held = position % every == every - 1
    return corpus.matrix[~held], corpus.matrix[held]


def selection_table(corpus: TopicCorpus, ks=DEFAULT_KS, *, kinds=KINDS, random_states=DEFAULT_RANDOM_STATES,
                    n_jobs: int = 2) -> pd.DataFrame:
    """:func:`analysis.models.topics.select_k` on the corpus's chunks, NPMI on held-out chunks.

    Models are fitted on four chunks in five (:func:`split_chunks`) and their NPMI is
    computed on the fifth; stability and the chance baseline come from the fitting runs.
    The model read afterwards (:func:`choose_model`) is fitted on all chunks at the chosen k.
    The table is cached on disk (:mod:`analysis.core.diskcache`) on the matrices, terms and
    settings (``n_jobs`` aside: it does not change the numbers), so the notebook, the
    figures and the next process read it back instead of rescoring 50 runs.
    """
    fitting, heldout = split_chunks(corpus)
    return cached_call("topics-selection", select_k, (fitting, list(corpus.terms), tuple(ks)),
                       {"kinds": tuple(kinds), "random_states": tuple(random_states), "n_jobs": n_jobs,
                        "heldout": heldout},
                       ignore=("n_jobs",))


def representative_run(runs) -> tuple[int, np.ndarray]:
    """Index of the run whose topics agree best with all others, and each run's mean agreement.

    ``runs``: topics x terms matrices of the same ``k``. Agreement of two runs is the
    mean cosine of their optimally matched topics (:func:`analysis.models.stability.match_topics`).
    """
    runs = list(runs)
    if len(runs) < 2:
        return 0, np.ones(len(runs))
    agreement = np.zeros((len(runs), len(runs)))
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            agreement[i, j] = agreement[j, i] = match_topics(runs[i], runs[j])[1].mean()
    mean = agreement.sum(axis=1) / (len(runs) - 1)
    return int(np.argmax(mean)), mean


@dataclass
class ChosenModel:
    """The model the results are read from, and why."""

    kind: str
    k: int
    random_state: int
    reason: str
    model: Pipeline
    terms: list[str]
    table: pd.DataFrame | None = None
    replication: pd.DataFrame | None = None  # analysis.models.stability.topic_replication of this run

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        return top_terms(self.model, self.terms, n=n)

    def labels(self, n: int = 3) -> list[str]:
        """``"T0 gpu, chip, data_center"``: topic number and its ``n`` heaviest terms."""
        table = self.top_terms(n)
        return [f"T{t} " + ", ".join(g["term"]) for t, g in table.groupby("topic", sort=True)]


def choose_model(corpus: TopicCorpus, kind: str = "nmf", *, k: int | None = None, ks=DEFAULT_KS,
                 random_states=DEFAULT_RANDOM_STATES, n_jobs: int = 2, table: pd.DataFrame | None = None) -> ChosenModel:
    """The ``kind`` model at ``k`` (default: :func:`analysis.models.topics.choose_k` over ``ks``).

    ``table``: a :func:`selection_table` already computed (rows of other kinds are
    ignored). Of the random states' runs at that k, the representative one is returned.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if k is None:
        if table is None or kind not in set(table["kind"]):
            table = selection_table(corpus, ks, kinds=(kind,), random_states=random_states, n_jobs=n_jobs)
        k, reason = choose_k(table, kind=kind)
    else:
        reason = f"{kind}: k = {k} set by the user"
    models = [fit_topic_model(corpus.matrix, k, kind=kind, random_state=s, vocabulary=corpus.terms) for s in random_states]
    best, agreement = representative_run([components(m) for m in models])
    reason += (f"; representative run: random state {random_states[best]} (mean matched cosine {agreement[best]:.3f} "
               f"with the other {len(random_states) - 1} random states)")
    replication = topic_replication([components(m) for m in models], reference=best)
    return ChosenModel(kind, int(k), int(random_states[best]), reason, models[best], list(corpus.terms), table, replication)


def document_topics(chosen: ChosenModel, corpus: TopicCorpus) -> pd.DataFrame:
    """The chunks table with one column per topic (``T0``, ``T1``...): topic proportions."""
    theta = doc_topics(chosen.model, corpus.matrix)
    columns = [f"T{t}" for t in range(theta.shape[1])]
    return pd.concat([corpus.chunks.reset_index(drop=True), pd.DataFrame(theta, columns=columns)], axis=1)


def topic_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if len(c) > 1 and c[0] == "T" and c[1:].isdigit()]


def topic_prevalence(table: pd.DataFrame, *, by="doc_id", n_boot: int = 2000, level: float = 0.95,
                     random_state: int = 0) -> pd.DataFrame:
    """Prevalence of each topic per group, with stratified block-bootstrap intervals (module docstring).

    ``table``: :func:`document_topics` (chunks in order, with ``doc_id``, ``n_tokens`` and
    the topic columns). ``by``: a column (``doc_id``, ``interviewee``, ``organization``...).
    Chunks with no topic proportions (no term of the vocabulary) are left out.
    Returns ``by, topic, share, lo, hi, n`` (chunks), ``n_documents``.
    """
    topics = topic_columns(table)
    if not topics:
        raise ValueError("the table has no topic columns (T0, T1...); make it with document_topics")
    for column in (by, "doc_id", "n_tokens"):
        if column not in table.columns:
            raise ValueError(f"the table lacks the column {column!r}")
    if not 0 < level < 1 or isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError("level must be in (0, 1) and n_boot a positive integer")
    table = table[table[topics].notna().all(axis=1)]
    rows = []
    for key, group in table.groupby(by, sort=True):
        weights = group["n_tokens"].to_numpy(float)
        theta = group[topics].to_numpy(float)
        estimate = (weights[:, None] * theta).sum(axis=0) / weights.sum()
        draws = within_weights(group["doc_id"].astype(str).to_numpy(), n_boot, stream(random_state, key))
        replicates = (draws @ (weights[:, None] * theta)) / (draws @ weights)[:, None]
        lo, hi = percentile(replicates, level)
        for j, topic in enumerate(topics):
            rows.append({by: key, "topic": topic, "share": estimate[j], "lo": lo[j], "hi": hi[j],
                         "n": len(group), "n_documents": group["doc_id"].nunique()})
    out = pd.DataFrame(rows)
    out.attrs.update(method="token-weighted mean of chunk topic proportions; moving-block bootstrap of chunks "
                     "within each document", n_boot=n_boot, level=level, random_state=random_state)
    return out


def term_themes(terms, matcher=None, lang: str = "en") -> pd.DataFrame:
    """Terms x themes, 1 where the dictionary's theme matches the term (a lemma)."""
    matcher = matcher or ThemeMatcher()
    rows = [matcher.match_counts({term: 1}, lang) for term in terms]
    return pd.DataFrame(rows, index=list(terms), columns=matcher.themes_).astype(int)


def topic_theme_weights(chosen: ChosenModel, matcher=None) -> pd.DataFrame:
    """Topics x themes: share of each topic's term weight on the theme's terms (0-1)."""
    weights = np.asarray(components(chosen.model), dtype=float)
    weights = weights / weights.sum(axis=1, keepdims=True)
    membership = term_themes(chosen.terms, matcher)
    table = pd.DataFrame(weights @ membership.to_numpy(float), columns=membership.columns,
                         index=[f"T{t}" for t in range(weights.shape[0])])
    table.index.name = "topic"
    return table


def topic_theme_correlation(doc_table: pd.DataFrame, corpus: TopicCorpus, matcher=None) -> pd.DataFrame:
    """Topics x themes: Spearman correlation across chunks of topic proportion and theme hits per 1,000 tokens."""
    matcher = matcher or ThemeMatcher()
    hits = matcher.score_turns(corpus.token_bags, corpus.lang)
    rates = hits.to_numpy(float) / corpus.chunks["n_tokens"].to_numpy(float)[:, None] * 1000
    topics = topic_columns(doc_table)
    keep = doc_table[topics].notna().all(axis=1).to_numpy()
    out = pd.DataFrame(index=topics, columns=hits.columns, dtype=float)
    for topic in topics:
        for j, theme in enumerate(hits.columns):
            x, y = doc_table.loc[keep, topic].to_numpy(), rates[keep, j]
            out.loc[topic, theme] = spearmanr(x, y).statistic if np.ptp(y) > 0 and np.ptp(x) > 0 else np.nan
    out.index.name = "topic"
    return out


def theme_topic(weights: pd.DataFrame, theme: str) -> str:
    """The topic with the largest share of its weight on ``theme``'s terms."""
    if theme not in weights.columns:
        raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(weights.columns)}")
    return str(weights[theme].idxmax())


@dataclass
class SeedPlacement:
    """A French document in the English model's space (see :func:`place_french`)."""

    projection: object          # analysis.models.projection.Projection of its chunks
    chunks: pd.DataFrame        # its chunks with topic proportions (T0, T1...)
    prevalence: pd.DataFrame    # topic_prevalence by doc_id, interval with glossary uncertainty
    per_turn: pd.DataFrame      # one row per turn: turn_id, role, n_tokens, topic proportions
    glossary: dict | None = None  # glossary resampling: draws, drop, median TV distance, dominant changes


def _mix(chosen: ChosenModel, projection) -> tuple[np.ndarray, np.ndarray]:
    """Chunk topic proportions and chunk token weights of a projection (empty chunks dropped)."""
    theta = doc_topics(chosen.model, projection.matrix)
    weights = projection.units["n_tokens"].to_numpy(float)
    keep = np.isfinite(theta).all(axis=1)
    return theta[keep], weights[keep]


def place_french(chosen: ChosenModel, corpus: TopicCorpus, turns: pd.DataFrame, *, glossary=None,
                 n_boot: int = 2000, random_state: int = 0, glossary_draws: int = 200,
                 glossary_drop: float = 0.1) -> SeedPlacement:
    """Project French turns into the chosen model, chunked exactly as the English corpus.

    The document's prevalence is the token-weighted mean over its chunks, as for an
    English interview. Its interval carries two uncertainties at once: which chunks
    (block bootstrap over the chunks) and which glossary entries. For each of
    ``glossary_draws`` draws, every glossary entry is dropped with probability
    ``glossary_drop`` (the dropped lemmas are then "not translated"), the turns are
    projected again, and one block-bootstrap replicate of the chunks is taken; the
    interval is the percentile interval over draws. ``glossary`` in the result reports
    the glossary's own effect: the median and 95th percentile of the total-variation
    distance between a draw's mix and the full glossary's mix, and the share of draws
    whose dominant topic differs. ``glossary_draws=0`` gives the chunk bootstrap alone
    with ``n_boot`` resamples. Each turn is also projected on its own.
    """
    lookup = glossary_lookup(glossary)
    projection = project_french(turns, chosen.terms, glossary=lookup, chunk_tokens=corpus.chunk_tokens)
    columns = [f"T{t}" for t in range(chosen.k)]
    chunks = pd.concat([projection.units, pd.DataFrame(doc_topics(chosen.model, projection.matrix),
                                                       columns=columns)], axis=1)
    by_turn = project_french(turns, chosen.terms, glossary=lookup, chunk_tokens=1)
    per_turn = pd.concat([by_turn.units[["first_turn", "roles", "n_tokens"]]
                          .rename(columns={"first_turn": "turn_id", "roles": "role"}),
                          pd.DataFrame(doc_topics(chosen.model, by_turn.matrix), columns=columns)], axis=1)
    prevalence = topic_prevalence(chunks, by="doc_id", n_boot=n_boot, random_state=random_state)
    report = None
    if glossary_draws:
        theta, weights = _mix(chosen, projection)
        full = (weights[:, None] * theta).sum(axis=0) / weights.sum()
        rng = stream(random_state, ("glossary", *sorted(set(chunks["doc_id"]))))
        entries = sorted(lookup)
        draws, glossary_only = [], []
        for _ in range(glossary_draws):
            dropped = set(np.asarray(entries)[rng.random(len(entries)) < glossary_drop])
            lookup_r = {fr: (() if fr in dropped else en) for fr, en in lookup.items()}
            theta_r, weights_r = _mix(chosen, project_french(turns, chosen.terms, glossary=lookup_r,
                                                             chunk_tokens=corpus.chunk_tokens))
            mix_r = (weights_r[:, None] * theta_r).sum(axis=0) / weights_r.sum()
            glossary_only.append(mix_r)
            w = within_weights(np.zeros(len(weights_r)), 1, rng)[0] * weights_r
            draws.append((w[:, None] * theta_r).sum(axis=0) / w.sum())
        lo, hi = percentile(np.array(draws), prevalence.attrs["level"])
        prevalence = prevalence.assign(lo=np.tile(lo, len(prevalence) // len(lo)),
                                       hi=np.tile(hi, len(prevalence) // len(hi)))
        tv = 0.5 * np.abs(np.array(glossary_only) - full).sum(axis=1)
        report = {"draws": glossary_draws, "drop": glossary_drop, "tv_median": float(np.median(tv)),
                  "tv_95": float(np.quantile(tv, 0.95)),
                  "dominant_changed": float(np.mean(np.argmax(glossary_only, axis=1) != np.argmax(full)))}
        prevalence.attrs["method"] = ("chunks in moving blocks and glossary entries dropped at random "
                                      f"({glossary_drop:.0%} per draw, {glossary_draws} draws)")
    return SeedPlacement(projection, chunks, prevalence, per_turn, report)


def default_model(kind: str = "nmf", ks: tuple = DEFAULT_KS, random_states: tuple = DEFAULT_RANDOM_STATES,
                  chunk_tokens: int = DEFAULT_CHUNK_TOKENS, min_df: int = DEFAULT_MIN_DF) -> ChosenModel:
    """:func:`choose_model` on :func:`default_corpus`, memoised per session on the corpus's
    state and the parameters (pass tuples)."""
    return _default_model(corpus_fingerprint(), kind, tuple(ks), tuple(random_states), chunk_tokens, min_df)


@lru_cache(maxsize=8)
def _default_model(fingerprint: tuple, kind: str, ks: tuple, random_states: tuple, chunk_tokens: int,
                   min_df: int) -> ChosenModel:
    # on disk too, keyed on the corpus's contents and the parameters (analysis.core.diskcache)
    return cached_call("topics-model", _choose_default_model, (kind, ks, random_states, chunk_tokens, min_df),
                       extra=corpus_cache_key())


def _choose_default_model(kind: str, ks: tuple, random_states: tuple, chunk_tokens: int, min_df: int) -> ChosenModel:
    return choose_model(default_corpus(chunk_tokens, min_df), kind, ks=ks, random_states=random_states)


DOCUMENT_COLUMNS = ["doc_id", "chunk_id", "first_turn", "last_turn", "n_turns", "roles", "n_tokens", "lang",
                    "interviewee", "organization", "date"]


def documents_table(chosen: ChosenModel, corpus: TopicCorpus, *, french: bool = True) -> pd.DataFrame:
    """Chunk x topic proportions of the English interviews and, projected, of the French ones.

    Columns :data:`DOCUMENT_COLUMNS`, ``projected`` (True for French chunks, translated
    through the glossary) and one column per topic.
    """
    tables = [document_topics(chosen, corpus).assign(projected=False)]
    if french:
        turns = load_corpus()
        for doc_id in dict.fromkeys(turns.loc[turns["lang"] == "fr", "doc_id"]):
            placed = place_french(chosen, corpus, turns[turns["doc_id"] == doc_id], n_boot=1, glossary_draws=0)
            tables.append(placed.chunks.assign(projected=True))
    table = pd.concat(tables, ignore_index=True)
    return table[[*DOCUMENT_COLUMNS, "projected", *topic_columns(table)]]


# -- sanity check ------------------------------------------------------------------------

def theme_check(chosen, turns: pd.DataFrame, *, theme: str = "compute_scarcity", glossary=None,
                matcher=None) -> dict:
    """Do the French turns about ``theme`` land in the model's ``theme`` topic?

    Both sides are computed, not typed: the theme's turns are those where the theme
    dictionary (:class:`analysis.text.themes.ThemeMatcher`, French terms) has at least one
    hit; the theme's topic is the topic with the largest share of its term weight on
    the theme's English terms (:func:`topic_theme_weights`).
    The theme's turns are pooled into one bag, projected and transformed; they *land*
    when the theme's topic is their largest topic. ``chosen``: a
    :class:`ChosenModel`.

    Landing is not enough when a topic is everywhere (a broad topic of a small model
    can be every turn's largest): the check also reports whether the topic is more
    present in the theme's turns than in the others (``discriminates``).

    Returns a dict: ``theme``, ``topic``, ``label``, ``theme_weight`` (share of the
    topic's weight on the theme's terms), ``turns`` (ids), ``share_in_theme_turns`` and
    ``share_in_other_turns`` (the topic's proportion in each pooled bag),
    ``dominant_topic`` of the theme's turns, ``lands``, ``discriminates``, and
    ``per_turn`` (a table: each turn's hits, its proportion of the theme's topic and its
    own largest topic).
    """
    matcher = matcher or ThemeMatcher()
    turns = turns.reset_index(drop=True)
    hits = matcher.score_turns(turn_counts(turns), turns["lang"].tolist())
    if theme not in hits.columns:
        raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(hits.columns)}")
    weights = topic_theme_weights(chosen, matcher)
    topic = theme_topic(weights, theme)
    column = int(topic[1:])
    projection = project_french(turns, chosen.terms, glossary=glossary, chunk_tokens=1)
    by_turn = dict(zip(projection.units["first_turn"], range(len(projection.units))))
    rows = [by_turn[t] for t in turns["turn_id"] if t in by_turn]
    touching = hits[theme].to_numpy() > 0
    theme_rows = [by_turn[t] for t, hit in zip(turns["turn_id"], touching) if hit and t in by_turn]
    other_rows = [r for r in rows if r not in theme_rows]
    if not theme_rows:
        raise ValueError(f"no turn of these documents touches {theme!r}; nothing to check")
    pooled = np.vstack([np.asarray(projection.matrix[r].sum(axis=0)).ravel() for r in (theme_rows, other_rows)])
    theta = doc_topics(chosen.model, sparse.csr_matrix(pooled))
    per_turn_theta = doc_topics(chosen.model, projection.matrix)
    labels = chosen.labels()
    per_turn = pd.DataFrame({"turn_id": projection.units["first_turn"], "role": projection.units["roles"],
                             "hits": [int(hits[theme].iloc[int(np.flatnonzero(turns["turn_id"] == t)[0])])
                                      for t in projection.units["first_turn"]],
                             "share_of_topic": per_turn_theta[:, column],
                             "largest_topic": [f"T{int(np.argmax(r))}" if np.isfinite(r).all() else None
                                               for r in per_turn_theta]})
    dominant = int(np.argmax(theta[0]))
    return {"theme": theme, "topic": topic, "label": labels[column], "theme_weight": float(weights.loc[topic, theme]),
            "turns": [int(t) for t, hit in zip(turns["turn_id"], touching) if hit],
            "share_in_theme_turns": float(theta[0, column]), "share_in_other_turns": float(theta[1, column]),
            "dominant_topic": f"T{dominant}", "lands": dominant == column,
            "discriminates": bool(theta[0, column] > theta[1, column]), "per_turn": per_turn}
