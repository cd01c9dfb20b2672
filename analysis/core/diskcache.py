"""Expensive derived tables cached on disk, shared by every process (notebooks, ``make run``, ``make test``).

A notebook kernel, ``python -m analysis figures`` and the test suite each start a fresh
process, so an in-process memo (``functools.lru_cache``) computes the same bootstrap
table once per process. :func:`disk_cached` stores the result with ``joblib.Memory``
under ``cache_dir()/<name>/`` (``.cache/`` by default, untracked; ``ANALYSIS_CACHE_DIR``
moves it), so the second process reads it back.

The key is the sha256 of everything the result depends on:

* the function (module and name) and its arguments, hashed by ``joblib.hash`` (tables
  by their values, not by identity);
* ``key()``, a callable the caller gives for inputs that are not arguments, e.g. the
  corpus version (:func:`analysis.corpus.version.corpus_version`, a hash of the corpus
  files' contents: ``analysis build`` rewrites the same bytes on every ``make run`` and
  must not invalidate the cache, which a key on modification times would);
* :func:`code_version`, the sha256 of the package's source files, so any change to the
  code that computes a table recomputes it (there is no version number to forget);
* the versions of numpy, pandas, scipy and scikit-learn.

The cached value is the pickled result, so a hit returns exactly the same numbers (and
the same ``DataFrame.attrs``) as the computation; a caller always gets a fresh copy (on a
miss as on a hit), so editing it cannot change what the next caller reads. ``ANALYSIS_DISK_CACHE=0`` turns the
disk cache off (every call computes; nothing is written). ``make clean`` removes it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import metadata
import pickle
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy
from scipy import sparse
from joblib import Memory

from analysis.core.paths import cache_dir

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DISABLE_ENV = "ANALYSIS_DISK_CACHE"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 (16 hex digits) of every ``*.py`` file of the ``analysis`` package (relative path + bytes)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def enabled() -> bool:
    """False when ``ANALYSIS_DISK_CACHE`` is ``0``, ``false``, ``no`` or ``off``."""
    return os.environ.get(DISABLE_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def _call(digest: str, func, args, kwargs) -> bytes:
    """Run ``func`` and pickle its result; ``digest`` alone is joblib's key (the rest is what it was computed from).

    joblib stores one ``bytes`` object, and :func:`cached_call` unpickles it with the C
    unpickler: joblib's own loader is written in Python and takes seconds on tables of
    strings (3 s for the 244,000 lemmas of wordfreq's French list; 0.2 s this way).
    """
    return pickle.dumps(func(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL)


def _pandas_digest(value) -> str:
    """sha256 of a DataFrame or Series by value: cells (pandas' vectorised row hashes), labels, dtypes, attrs.

    ``joblib.hash`` pickles object columns cell by cell, seconds for the turns table;
    :func:`pandas.util.hash_pandas_object` hashes each row (index included) in one pass.
    """
    digest = hashlib.sha256(type(value).__name__.encode())
    frame = value.to_frame() if isinstance(value, pd.Series) else value
    digest.update(repr(list(frame.columns)).encode() + repr(list(frame.dtypes.astype(str))).encode())
    digest.update(repr(frame.index.names).encode() + str(frame.index.dtype).encode() + repr(frame.shape).encode())
    for column in range(frame.shape[1]):  # column by column: a Series' own row hashes
        digest.update(pd.util.hash_pandas_object(frame.iloc[:, column], index=column == 0).to_numpy().tobytes())
    digest.update(joblib.hash(value.attrs).encode())
    return digest.hexdigest()


def _needs_own_hash(value) -> bool:
    if isinstance(value, (pd.DataFrame, pd.Series)) or sparse.issparse(value):
        return True
    if isinstance(value, (list, tuple)):
        return any(_needs_own_hash(v) for v in value)
    if isinstance(value, dict):
        return any(_needs_own_hash(v) for v in value.values())
    return False


def _sparse_digest(matrix) -> str:
    """A sparse matrix by its CSR arrays: ``joblib.hash`` would also see flags scipy sets lazily
    (sorted indices, canonical format), so one matrix read back from the cache and the same
    matrix just computed would get different keys."""
    csr = sparse.csr_matrix(matrix)
    return joblib.hash((csr.shape, str(csr.dtype), csr.data, csr.indices.astype(np.int64),
                        csr.indptr.astype(np.int64)))


def _is_feature_dicts(value) -> bool:
    """A list of flat ``{str: number}`` dicts (e.g. feature dicts for a ``DictVectorizer``)."""
    return (isinstance(value, list) and len(value) > 0 and all(type(v) is dict for v in value)
            and all(type(k) is str and type(x) in (int, float) for v in value[:50] for k, x in v.items()))


def _feature_dicts_digest(value: list) -> str:
    """Such a list by its JSON text (keys sorted): ``joblib.hash`` pickles it object by object in
    Python, about ten times slower on the corpus-wide feature lists of the theme model."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except TypeError:  # a later dict holds something else after all
        return joblib.hash(value)
    return hashlib.sha256(b"feature-dicts\0" + text.encode()).hexdigest()


def _value_digest(value) -> str:
    """Hash of an argument by value: pandas objects by :func:`_pandas_digest`, sparse matrices by
    :func:`_sparse_digest`, lists of flat feature dicts by :func:`_feature_dicts_digest`, the rest
    by ``joblib.hash``."""
    if _is_feature_dicts(value):
        return _feature_dicts_digest(value)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return _pandas_digest(value)
    if sparse.issparse(value):
        return _sparse_digest(value)
    if isinstance(value, (list, tuple)) and _needs_own_hash(value):
        return joblib.hash([type(value).__name__, [_value_digest(v) for v in value]])
    if isinstance(value, dict) and _needs_own_hash(value):
        return joblib.hash(sorted((repr(k), _value_digest(v)) for k, v in value.items()))
    return joblib.hash(value)


def cache_digest(func, args, kwargs, extra=None) -> str:
    """The key of one call (see the module docstring)."""
    described = json.dumps({"function": f"{func.__module__}.{func.__qualname__}", "extra": extra,
                            "code": code_version(), "numpy": np.__version__, "pandas": pd.__version__,
                            "scipy": scipy.__version__, "scikit-learn": _package_version("scikit-learn")},
                           sort_keys=True, default=repr)
    return hashlib.sha256(described.encode() + _value_digest((list(args), kwargs)).encode()).hexdigest()


def cached_call(name: str, func, args=(), kwargs=None, *, extra=None, ignore=()):
    """``func(*args, **kwargs)`` through the disk cache ``cache_dir()/name`` (computed when disabled).

    ``ignore``: keyword arguments that do not change the result (e.g. ``n_jobs``), left out of the key.
    """
    kwargs = kwargs or {}
    if not enabled():
        return func(*args, **kwargs)
    try:
        digest = cache_digest(func, args, {k: v for k, v in kwargs.items() if k not in ignore}, extra)
    except (pickle.PicklingError, TypeError, AttributeError):  # an argument that cannot be hashed: no cache
        return func(*args, **kwargs)
    memory = Memory(cache_dir() / name, verbose=0)
    # a miss returns the unpickled copy too, so a caller gets the same object whether it was computed or read
    return pickle.loads(memory.cache(_call, ignore=["func", "args", "kwargs"])(digest, func, args, kwargs))


def disk_cached(name: str, key=None, ignore=()):
    """Decorator: cache the function's results on disk in ``cache_dir()/name``.

    ``key``: a callable without arguments returning what else the result depends on
    (e.g. the corpus version); it is called at each call, so an edit takes effect at once.
    ``ignore``: keyword arguments left out of the key (they must not change the result).
    The undecorated function stays reachable as ``.uncached``.
    """
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return cached_call(name, func, args, kwargs, extra=key() if key else None, ignore=ignore)
        wrapper.uncached = func
        return wrapper
    return decorate
