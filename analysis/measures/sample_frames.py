"""The sampling frames of the theme validation sample (``corpus/themes/sample.csv``), as data.

The sample was drawn in parts, one *frame* (a disjoint set of interviews) at a time, as the
corpus grew: each frame by :func:`analysis.measures.sampling.design_sample` with its own
sizes. This module says, for every frame, which interviews it covers, how many turns were
drawn and with which random state, so that :func:`draw_frame` on the committed corpus gives
back exactly the frame's rows of ``sample.csv`` (a test checks it). Because the frames cover
disjoint interviews and each turn's inclusion probability is computed within its own frame,
Horvitz-Thompson totals of the frames add (stratification by frame; Horvitz and Thompson
1952, *JASA* 47(260); Lohr 2022, *Sampling: Design and Analysis*, 3rd ed., ch. 3).

``corpus-v1`` cannot be redrawn any more: it was drawn on corpus v1, whose ten caption
documents were later re-segmented into host and guest turns by the speaker model
(issue 13). Their rows were dropped (their turn ids no longer exist); the rows of its
labelled interviews keep their inclusion probabilities, which stay valid for that domain.
The caption documents form a frame of their own, ``corpus-v2-captions``. It is redrawn (same
design, same random state) whenever a new speaker model re-cuts the caption documents, and
its turns are coded again: in session 10 (speaker model /2) and in session 11 (model /3,
the CRF), the earlier codes staying in the repository's history.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.corpus.catalog import LABELLED, MODEL_LABELS, SEED_DOC_ID
from analysis.corpus.load import load_catalog, load_corpus
from analysis.measures.sampling import DESIGN_SEED, design_sample

#: The eighteen interviews of corpus v1 (the seed and seventeen comparison interviews).
CORPUS_V1_DOC_IDS = (
    "2019-04_brockman_lexfridman017", "2019-04_schmidt_lexfridman008", "2019-08_scott_lexfridman030",
    "2020-05_sutskever_lexfridman094", "2022-01_lecun_lexfridman258", "2022-02_zuckerberg_lexfridman267",
    "2022-07_hassabis_lexfridman299", "2023-03-25_altman_lexfridman367", "2023-06-08_zuckerberg_lexfridman383",
    "2023-09-28_zuckerberg_lexfridman398", "2024-03-07_lecun_lexfridman416", "2024-03-17_altman_lexfridman419",
    SEED_DOC_ID, "2024-06-19_srinivas_lexfridman434", "2024-11-11_amodei_lexfridman452",
    "2025-02-03_patel-lambert_lexfridman459", "2025-07-23_hassabis_lexfridman475", "2025-11-12_nadella_dwarkesh",
)


@dataclass(frozen=True)
class Frame:
    """One frame of the validation sample: its interviews (``select`` on the catalog), the
    number of random turns and of seed-word turns per theme, the random state, and whether
    it can be redrawn on the current corpus."""
    name: str
    description: str
    n_random: int
    n_per_theme: int
    random_state: int = DESIGN_SEED
    redrawable: bool = True

    def doc_ids(self, catalog: pd.DataFrame) -> list[str]:
        labels = catalog["speaker_labels"]
        if self.name == "corpus-v1":
            # its caption documents now belong to corpus-v2-captions (module docstring)
            chosen = catalog["doc_id"].isin(CORPUS_V1_DOC_IDS) & ~labels.eq(MODEL_LABELS)
        elif self.name == "corpus-v2-labelled":
            chosen = labels.isin(LABELLED) & ~catalog["doc_id"].isin(CORPUS_V1_DOC_IDS)
        elif self.name == "corpus-v2-captions":
            chosen = labels.eq(MODEL_LABELS)
        else:  # pragma: no cover - FRAMES and this method are edited together
            raise KeyError(self.name)
        return sorted(catalog.loc[chosen, "doc_id"])


FRAMES = {frame.name: frame for frame in (
    Frame("corpus-v1", "the 18 interviews of corpus v1, drawn before its caption documents were re-segmented; "
          "only its labelled interviews keep rows",
          n_random=540, n_per_theme=50, redrawable=False),
    Frame("corpus-v2-labelled", "the labelled interviews added by corpus v2", n_random=150, n_per_theme=15),
    Frame("corpus-v2-captions", "every caption document, after the speaker model split it into host and guest "
          "turns", n_random=150, n_per_theme=15),
)}


def draw_frame(name: str, splits: dict[str, str], root=None) -> pd.DataFrame:
    """Draw frame ``name`` from the corpus at ``root`` (default: the project's): the rows
    that frame has in ``sample.csv`` (same turns, strata, probabilities and token counts)."""
    if name not in FRAMES:
        raise ValueError(f"unknown frame {name!r}; frames: {', '.join(FRAMES)}")
    frame = FRAMES[name]
    if not frame.redrawable:
        raise ValueError(f"frame {name} cannot be redrawn on the current corpus: {frame.description}")
    docs = frame.doc_ids(load_catalog(root))
    turns = load_corpus(root, docs=docs)
    return design_sample(turns, splits, seed=frame.random_state, n_random=frame.n_random,
                         n_per_theme=frame.n_per_theme, frame=name)
