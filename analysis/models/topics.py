"""Topic models (NMF and LDA) and the choice of the number of topics.

Input: a documents x terms count matrix (rows are turns or fixed-size chunks, columns
lemmas; scipy CSR as built by :mod:`analysis.measures.frequencies`) and its vocabulary.

* **NMF** (Lee & Seung 1999) factorises the TF-IDF-weighted matrix into document-topic
  and topic-term weights. The weighting is scikit-learn's ``TfidfTransformer`` with its
  defaults: term count x smoothed idf, ``idf = ln((1 + N) / (1 + df)) + 1``, each
  document row scaled to unit length, so that long turns do not dominate and words that
  are everywhere weigh little. Solver: coordinate descent on the squared (Frobenius)
  error. Initialisation: ``init='random'`` seeded by ``random_state``. NNDSVD (``'nndsvd'``,
  ``'nndsvda'``) is deterministic, so every random state would give the same model and
  stability across random states would be 1 by construction; ``'nndsvdar'`` randomises only
  the entries NNDSVD leaves at zero. Random starts make the random state matter, which is what
  the stability check needs.
* **LDA** (Blei, Ng & Jordan 2003) on the raw counts, fitted by batch variational Bayes
  (Hoffman, Blei & Bach 2010) with ``random_state=random_state``. Priors are scikit-learn's
  symmetric defaults: document-topic ``alpha = 1 / k`` (each short turn is expected to
  mix few topics) and topic-word ``eta = 1 / k``; change them with
  ``doc_topic_prior=`` / ``topic_word_prior=``.

Speed. NMF stops at ``max_iter=400`` or at a relative tolerance of ``5e-4``; tighter
tolerances changed the reconstruction error by less than 0.01% on test matrices.
scikit-learn's LDA updates each document in a Python loop, so its E-step is truncated:
at most ``max_doc_update_iter=20`` inner updates per document per pass (default 100),
stopping when the mean change is below ``mean_change_tol=1e-2`` (default 1e-3), and
``max_iter=10`` passes. On the English corpus (3,762 turns x 5,065 lemmas) 20 or 40
passes, or the full default E-step, moved mean NPMI and stability by about 0.01 or
less at k = 5 and 8 (within the spread over random states), for 2-4 times the time. The sweep ``select_k(dtm, vocab, (5, 8, 12))``
(5 random states, both kinds) takes about 90 s there with ``n_jobs=1`` and 45 s with
``n_jobs=2``; on a 5,000 x 8,000 matrix of 600k tokens, about 2 minutes with 2 jobs.
Every value can be overridden through ``**params``.

Choosing k (:func:`select_k`, :func:`choose_k`): each k is fitted with several random states,
scored with NPMI coherence (:mod:`analysis.models.coherence`) and with stability across random states
(:mod:`analysis.models.stability`).

Fitted models are cached on disk in ``cache_dir()/topics`` with ``joblib.Memory``, keyed on
(matrix, vocabulary, kind, k, random_state, parameters, scikit-learn version); any change to one of
these fits anew, and the cache is shared by notebooks, ``make run`` and the tests.

References
----------
Blei, D. M., Ng, A. Y., & Jordan, M. I. (2003). Latent Dirichlet allocation. JMLR 3.
Hoffman, M., Blei, D. M., & Bach, F. (2010). Online learning for latent Dirichlet
    allocation. NIPS 23.
Lee, D. D., & Seung, H. S. (1999). Learning the parts of objects by non-negative
    matrix factorization. Nature 401, 788-791.
"""
from __future__ import annotations

import hashlib
import json
from itertools import product

import numpy as np
import pandas as pd
import sklearn
from joblib import Memory, Parallel, delayed
from scipy import sparse
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline

from analysis.core.paths import cache_dir
from analysis.core.progress import progress
from analysis.models.coherence import as_doc_term, npmi_coherence, umass_coherence
from analysis.models.stability import chance_similarities, stability

KINDS = ("nmf", "lda")
DEFAULTS = {
    "nmf": {"init": "random", "max_iter": 400, "tol": 5e-4},
    "lda": {"learning_method": "batch", "max_iter": 10, "max_doc_update_iter": 20,
            "mean_change_tol": 1e-2},
}
MIN_STABILITY = 0.8
PIPELINE_VERSION = 1  # part of the cache key: raise it whenever _build changes


# -- fitting -------------------------------------------------------------------------

def _check_k(k, n_docs: int, n_terms: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k (number of topics) must be an integer, got {k!r}")
    if k < 2:
        raise ValueError(f"k = {k}: a topic model needs at least 2 topics")
    if k > n_terms or k > n_docs:
        raise ValueError(f"k = {k} is larger than the matrix allows ({n_docs} documents, {n_terms} terms); "
                         "use fewer topics or a larger corpus")
    return int(k)


def _check_kind(kind) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind


def _check_random_state(random_state) -> int:
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or not 0 <= random_state < 2**32:
        raise ValueError(f"random_state must be an integer from 0 to 2**32 - 1, got {random_state!r}")
    return int(random_state)


def _settings(kind: str, params: dict) -> dict:
    """The estimator's parameters: the module defaults, overridden by ``params``."""
    reserved = {"n_components": "k", "random_state": "random_state (fit_topic_model) or random_states (select_k)"}
    for name, instead in reserved.items():
        if name in params:
            raise ValueError(f"set the parameter {instead!r}, not {name!r}")
    return {**DEFAULTS[kind], **params}


def _build(kind: str, k: int, random_state: int, settings: dict) -> Pipeline:
    if kind == "nmf":
        return Pipeline([("tfidf", TfidfTransformer()),
                         ("nmf", NMF(n_components=k, random_state=random_state, **settings))])
    return Pipeline([("lda", LatentDirichletAllocation(n_components=k, random_state=random_state, **settings))])


def cache_key(doc_term, *, vocabulary, kind: str, k: int, random_state: int, settings: dict) -> str:
    """sha256 of everything the fitted model depends on.

    The matrix enters in canonical form (CSR, duplicates summed, indices sorted, float64
    values, int64 indices, no stored zeros), so the same counts give the same key
    whatever their storage.
    """
    matrix = sparse.csr_matrix(doc_term, dtype=np.float64, copy=True)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    described = json.dumps({"vocabulary": None if vocabulary is None else list(vocabulary),
                            "kind": kind, "k": int(k), "random_state": int(random_state), "settings": settings,
                            "sklearn": sklearn.__version__,
                            "pipeline": PIPELINE_VERSION}, sort_keys=True, default=repr)
    digest = hashlib.sha256()
    for part in (matrix.data.tobytes(), matrix.indices.astype(np.int64).tobytes(),
                 matrix.indptr.astype(np.int64).tobytes(), np.asarray(matrix.shape, np.int64).tobytes(),
                 described.encode("utf-8")):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _fit_model(key: str, matrix, kind: str, k: int, random_state: int, settings: dict) -> Pipeline:
    """Fit one model; ``key`` (:func:`cache_key`) stands for all the arguments in the disk cache."""
    return _build(kind, k, random_state, settings).fit(matrix)


def _fit(matrix, k, kind, random_state, vocabulary, settings, folder):
    """Fit one model, through a ``joblib.Memory`` cache in ``folder`` (None: no cache).

    joblib stores the fitted pipeline under a hash of :func:`cache_key` alone (the other
    arguments are what the key is computed from), so the same counts in another storage
    format reuse the stored fit, and any change of data, vocabulary, kind, k, random_state,
    settings, scikit-learn or pipeline version fits anew.
    """
    if folder is None:
        return _fit_model("", matrix, kind, k, random_state, settings)
    key = cache_key(matrix, vocabulary=vocabulary, kind=kind, k=k, random_state=random_state, settings=settings)
    cached = Memory(folder, verbose=0).cache(_fit_model, ignore=["matrix", "kind", "k", "random_state", "settings"])
    return cached(key, matrix, kind, k, random_state, settings)


def fit_topic_model(doc_term, k: int, *, kind: str = "nmf", random_state: int = 0, vocabulary=None,
                    use_cache: bool = True, **params) -> Pipeline:
    """Fit an NMF (on TF-IDF) or LDA (on counts) model with ``k`` topics.

    Returns a fitted scikit-learn ``Pipeline``: ``tfidf -> nmf`` or ``lda``. Its last
    step is the topic model (``model[-1].components_`` are the topic-term weights) and
    ``model.transform(counts)`` applies the training TF-IDF weighting where there is one.
    ``params`` go to the estimator (see the module docstring for the defaults);
    ``vocabulary`` (the column labels) only enters the cache key. With ``use_cache`` the
    model is read from / written to ``cache_dir()/'topics'``.
    """
    matrix = as_doc_term(doc_term)
    kind = _check_kind(kind)
    k = _check_k(k, *matrix.shape)
    random_state = _check_random_state(random_state)
    if vocabulary is not None and len(vocabulary) != matrix.shape[1]:
        raise ValueError(f"the vocabulary has {len(vocabulary)} terms but the matrix has {matrix.shape[1]} columns")
    settings = _settings(kind, params)
    return _fit(matrix, k, kind, random_state, vocabulary, settings, cache_dir() / "topics" if use_cache else None)


# -- reading a fitted model ------------------------------------------------------------

def components(model) -> np.ndarray:
    """Topic-term weights (topics x terms) of a fitted pipeline or bare NMF/LDA model."""
    estimator = model[-1] if isinstance(model, Pipeline) else model
    if not hasattr(estimator, "components_"):
        raise ValueError("the model is not fitted (no components_); use fit_topic_model first")
    return estimator.components_


def _top_indices(weights: np.ndarray, n: int) -> np.ndarray:
    """Column indices of the ``n`` largest weights per row; ties go to the lower index."""
    return np.argsort(-weights, axis=1, kind="stable")[:, :n]


def top_terms(model, vocabulary, n: int = 10) -> pd.DataFrame:
    """The ``n`` heaviest terms of each topic: columns ``topic, rank, term, weight``.

    ``topic`` counts from 0, ``rank`` from 1. ``weight`` is the term's share of its
    topic's total weight (for LDA, the estimated P(term | topic)); a topic whose weights
    are all zero shows weight 0.
    """
    weights = np.asarray(components(model), dtype=float)
    if len(vocabulary) != weights.shape[1]:
        raise ValueError(f"the vocabulary has {len(vocabulary)} terms but the model has {weights.shape[1]}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    totals = weights.sum(axis=1, keepdims=True)
    shares = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    top = _top_indices(weights, min(int(n), weights.shape[1]))
    rows = [{"topic": t, "rank": r + 1, "term": vocabulary[c], "weight": float(shares[t, c])}
            for t in range(top.shape[0]) for r, c in enumerate(top[t])]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def doc_topics(model, doc_term) -> np.ndarray:
    """Topic proportions of each document (documents x topics, rows sum to 1).

    ``doc_term`` holds raw counts over the model's vocabulary (the pipeline applies the
    training TF-IDF weighting for NMF). NMF weights are divided by their row sum; LDA
    already returns proportions. A document with no term of the vocabulary (or, for
    NMF, all-zero weights) has no proportions: its row is NaN, not a made-up uniform mix.
    """
    matrix = sparse.csr_matrix(doc_term)
    n_terms = components(model).shape[1]
    if matrix.ndim != 2 or matrix.shape[1] != n_terms:
        raise ValueError(f"the matrix has {matrix.shape[1]} columns but the model has {n_terms} terms; "
                         "build it with the model's vocabulary")
    if matrix.shape[0] == 0:
        return np.zeros((0, components(model).shape[0]))
    if matrix.nnz and (np.any(matrix.data < 0) or not np.all(np.isfinite(matrix.data))):
        raise ValueError("the document-term matrix must hold finite, non-negative counts")
    weights = np.asarray(model.transform(matrix), dtype=float)
    totals = weights.sum(axis=1, keepdims=True)
    empty = (np.asarray(matrix.sum(axis=1)) == 0) | (totals == 0)
    return np.divide(weights, totals, out=np.full_like(weights, np.nan), where=~empty)


# -- choosing k ------------------------------------------------------------------------

def select_k(doc_term, vocabulary, ks, *, kinds=KINDS, random_states=(0, 1, 2, 3, 4), top_n: int = 10,
             params: dict | None = None, use_cache: bool = True, n_jobs: int = 1, heldout=None) -> pd.DataFrame:
    """Fit every (kind, k, random_state) and score each (kind, k); one row per (kind, k).

    Columns: ``kind, k, n_random_states``; ``npmi_mean`` and ``npmi_sd``, the mean and standard
    deviation over random states of a run's mean NPMI of its topics' ``top_n`` terms;
    ``umass_mean``, the same mean for UMass; ``stability``, the mean matched cosine
    over all pairs of random states; ``chance_95``, the 95th percentile of the cosines of
    unmatched topic pairs (:func:`analysis.models.stability.chance_similarities`), the
    level a matched pair must beat to mean anything. ``heldout``: documents x the same
    terms that the models were not fitted on; NPMI is then computed on them (a topic
    that only describes its own fitting chunks scores low there), UMass on ``doc_term``
    (its ratio is undefined for a top term absent from the held-out chunks). Without
    ``heldout`` both are computed on ``doc_term`` itself.

    ``params`` maps a kind to extra estimator parameters, e.g. ``{"lda": {"max_iter": 20}}``.
    ``n_jobs`` fits in parallel processes (joblib); results do not depend on it.
    """
    matrix = as_doc_term(doc_term)
    if len(vocabulary) != matrix.shape[1]:
        raise ValueError(f"the vocabulary has {len(vocabulary)} terms but the matrix has {matrix.shape[1]} columns")
    scoring = matrix if heldout is None else as_doc_term(heldout)
    if scoring.shape[1] != matrix.shape[1]:
        raise ValueError(f"the held-out matrix has {scoring.shape[1]} columns, the fitting one {matrix.shape[1]}: "
                         "give both the same terms")
    kinds = [_check_kind(kind) for kind in kinds]
    ks = sorted({_check_k(k, *matrix.shape) for k in ks})
    random_states = [_check_random_state(random_state) for random_state in random_states]
    if not kinds or not ks:
        raise ValueError("give at least one kind and one k")
    if len(set(random_states)) < 2:
        raise ValueError(f"stability needs at least 2 different random states, got {random_states}")
    if isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or not 2 <= top_n <= matrix.shape[1]:
        raise ValueError(f"top_n must be an integer from 2 to the number of terms, got {top_n!r}")
    params = params or {}
    unknown = set(params) - set(KINDS)
    if unknown:
        raise ValueError(f"params keys must be model kinds {KINDS}, got {sorted(unknown)}")
    settings = {kind: _settings(kind, params.get(kind, {})) for kind in kinds}
    folder = cache_dir() / "topics" if use_cache else None
    jobs = list(product(kinds, ks, random_states))
    bar = progress(desc="select k", total=len(jobs), unit="fit")  # kinds x k x random starts (cached ones are quick)
    with bar:
        if n_jobs == 1:
            models = []
            for kind, k, random_state in jobs:
                bar.set_postfix_str(f"{kind} k={k} random_state={random_state}", refresh=False)
                models.append(_fit(matrix, k, kind, random_state, vocabulary, settings[kind], folder))
                bar.update(1)
        else:  # results come back in the order of the jobs (joblib's ordered generator)
            models = []
            for model in Parallel(n_jobs=n_jobs, return_as="generator")(
                    delayed(_fit)(matrix, k, kind, random_state, vocabulary, settings[kind], folder)
                    for kind, k, random_state in jobs):
                models.append(model)
                bar.update(1)
    fitted = dict(zip(jobs, models))
    rows = []
    for kind, k in product(kinds, ks):
        runs = [components(fitted[kind, k, random_state]) for random_state in random_states]
        npmi = [npmi_coherence(_top_indices(run, top_n), scoring).mean for run in runs]
        umass = [umass_coherence(_top_indices(run, top_n), matrix).mean for run in runs]
        rows.append({"kind": kind, "k": k, "n_random_states": len(random_states), "npmi_mean": float(np.mean(npmi)),
                     "npmi_sd": float(np.std(npmi, ddof=1)), "umass_mean": float(np.mean(umass)),
                     "stability": stability(runs).mean,
                     "chance_95": float(np.quantile(chance_similarities(runs), 0.95)) if k > 1 else np.nan})
    table = pd.DataFrame(rows)
    table.attrs["heldout"] = heldout is not None
    return table


def choose_k(table: pd.DataFrame, *, kind: str | None = None,
             min_stability: float = MIN_STABILITY) -> tuple[int, str]:
    """Pick k from a :func:`select_k` table; return ``(k, reason)``.

    Rule: keep the k whose stability is at least ``min_stability`` (default 0.8: matched
    topics across random states share most of their weight) and, when the table has it, above
    ``chance_95`` (unmatched topics of LDA already reach cosines near 0.8, so the
    threshold alone does not say that topics replicate). Among them take the highest mean
    NPMI; any k whose mean NPMI is within one standard error of that best value
    (``npmi_sd / sqrt(n_random_states)`` of the best row) counts as a tie, and ties go to the
    smallest k, the model with fewer, broader topics that is easier to read (the
    one-standard-error rule; Hastie, Tibshirani & Friedman 2009, sec. 7.10). If no k is
    stable enough, take the most stable one (ties to the smaller k) and say so.
    """
    needed = {"kind", "k", "n_random_states", "npmi_mean", "npmi_sd", "stability"}
    if missing := needed - set(table.columns):
        raise ValueError(f"the table lacks {sorted(missing)}; make it with select_k")
    kinds = sorted(table["kind"].unique())
    if kind is None:
        if len(kinds) != 1:
            raise ValueError(f"the table has the kinds {kinds}: pass kind=")
        kind = kinds[0]
    rows = table[table["kind"] == kind].sort_values("k")
    if rows.empty:
        raise ValueError(f"the table has no rows for kind {kind!r} (it has {kinds})")
    stable = rows[rows["stability"] >= min_stability]
    if "chance_95" in stable.columns:
        stable = stable[~(stable["stability"] <= stable["chance_95"])]
    if stable.empty:
        best = rows.loc[rows["stability"].idxmax()]  # idxmax returns the first, i.e. smallest k
        return int(best["k"]), (
            f"{kind}: no k reached stability {min_stability:.2f} (the highest, {best['stability']:.3f}, is "
            f"at k = {int(best['k'])}); chose the most stable k; its topics change with the random_state, "
            "so read them with caution")
    best = stable.loc[stable["npmi_mean"].idxmax()]
    se = best["npmi_sd"] / np.sqrt(best["n_random_states"]) if np.isfinite(best["npmi_sd"]) else 0.0
    tied = stable[stable["npmi_mean"] >= best["npmi_mean"] - se]
    chosen = tied.iloc[0]
    listed = ", ".join(str(int(k)) for k in stable["k"])
    beyond = " and above chance" if "chance_95" in rows.columns else ""
    reason = (f"{kind}: k = {int(chosen['k'])}; among the k with stability >= {min_stability:.2f}{beyond} ({listed}), "
              f"the highest mean NPMI is {best['npmi_mean']:.3f} at k = {int(best['k'])}")
    if int(chosen["k"]) != int(best["k"]):
        reason += (f"; k = {int(chosen['k'])} (NPMI {chosen['npmi_mean']:.3f}) is within one standard error "
                   f"({se:.3f}) of it and smaller")
    return int(chosen["k"]), reason + f" (stability {chosen['stability']:.3f})"
