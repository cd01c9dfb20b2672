"""Read-only bags of counts, for results that live in a cache.

Loaders memoise what they read (a notebook re-loads the corpus many times); a cached
``Counter`` handed to a caller could be mutated and silently change every later result.
:class:`FrozenCounter` reads like a ``Counter`` (lookups, ``most_common``, arithmetic that
returns a new ``Counter``) but refuses in-place changes. Copy it (``Counter(bag)``) to edit.
"""
from __future__ import annotations

from collections import Counter


class FrozenCounter(Counter):
    """A ``Counter`` whose contents cannot change after construction."""

    __slots__ = ()

    def __init__(self, iterable=None, /, **kwds):
        dict.update(self, Counter(iterable, **kwds))  # the one write: filling it at construction

    def _refuse(self, *args, **kwargs):
        raise TypeError("this bag of counts is shared by a cache and read-only; copy it first: Counter(bag)")

    __setitem__ = __delitem__ = _refuse
    update = subtract = clear = pop = popitem = setdefault = _refuse
    __iadd__ = __isub__ = __ior__ = __iand__ = _refuse

    def __reduce__(self):
        return (type(self), (dict(self),))
