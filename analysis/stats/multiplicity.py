"""Multiplicity control: Benjamini-Hochberg false-discovery-rate adjustment.

When m items are tested (concepts, themes, terms), about m x alpha of them look
"significant" by chance alone. The Benjamini & Hochberg (1995) step-up procedure keeps
the expected share of false discoveries among the items called significant below
alpha; its adjusted p-values (q-values) come from ``statsmodels.stats.multitest.
multipletests(method="fdr_bh")``. It is on by default wherever more than one item is
tested, and captions report m.
"""
from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN p-values stay NaN and are not counted."""
    p = np.asarray(p_values, dtype=float)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    q = np.full(p.shape, np.nan)
    valid = np.isfinite(p)
    if valid.any():
        q[valid] = multipletests(p[valid], method="fdr_bh")[1]
    return q
