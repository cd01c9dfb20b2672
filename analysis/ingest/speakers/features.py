"""Features of a caption word stream: blocks of words and the context windows around them.

The stream is cut into *blocks* of ``BLOCK`` (5) consecutive words, the unit that is
classified and decoded (so a turn boundary is placed to within 5 words). Each block is
described by its context window of ``2 * half + 1`` blocks, in three parts with their own
columns, so that a linear model can learn that a question *before* a block and an
answer-like stream *after* it mean different things:

* ``here``: the block and its two neighbours (15 words): word unigrams and bigrams,
  character 3-4-grams within word boundaries (robust to misspellings), cue counts;
* ``left``: blocks ``i - half .. i - 2``, and ``right``: blocks ``i + 2 .. i + half``:
  word unigrams and bigrams, cue counts;
* position: relative position in the episode and its square, and closeness to its start
  and end (within 50 blocks), since the host opens and closes a conversation.

Question cues (:data:`CUES`) count second-person words, first-person words, question
words, and auxiliary-plus-"you"/"it"/"there" openings ("do you", "is there"): the
punctuation-free remains of a question, the signs print transcripts are read by (see
:mod:`analysis.ingest.print_interview`). Counts are damped with ``log1p`` and each part
is scaled to unit length (l2), so long and short contexts weigh alike.

Window parts are sums of block counts (a banded sparse matrix times the block-by-feature
matrix), so a window costs no new tokenisation; bigrams spanning two blocks are not
counted. The vocabulary is fitted on training blocks only (:func:`fit_vocabularies`) and
stored with the model; :class:`Featurizer` with a given vocabulary never re-fits.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

BLOCK = 5
HERE = 1                                   # neighbours on each side in the ``here`` part
EDGE_BLOCKS = 50
SECOND_PERSON = frozenset("you your you're yours yourself you've you'd you'll".split())
FIRST_PERSON = frozenset("i i'm me my mine myself i've i'd i'll we we're our us".split())
QUESTION_WORDS = frozenset("what why how when where who whom whose which".split())
AUXILIARIES = frozenset("do did does would could can are were is was have has will should".split())
OPENING_OBJECTS = frozenset("you it there they we".split())
CUES = ("second_person", "first_person", "question_word", "aux_opening")
WORD_OPTIONS = {"ngram_range": (1, 2), "token_pattern": r"\S+", "lowercase": False}
CHAR_OPTIONS = {"analyzer": "char_wb", "ngram_range": (3, 4), "lowercase": False}


def block_texts(words: list[str]) -> list[str]:
    """The stream cut into blocks of ``BLOCK`` words (the last one may be shorter)."""
    return [" ".join(words[i:i + BLOCK]) for i in range(0, len(words), BLOCK)]


def block_labels(roles) -> np.ndarray:
    """Majority role code per block (ties: guest, code 1)."""
    roles = np.asarray(roles, dtype=float)
    n_blocks = -(-len(roles) // BLOCK)
    sums = np.add.reduceat(roles, np.arange(0, len(roles), BLOCK)) if len(roles) else np.zeros(0)
    sizes = np.diff(np.append(np.arange(0, len(roles), BLOCK), len(roles)))
    return (sums * 2 >= sizes).astype(int)[:n_blocks]


def cue_counts(words: list[str]) -> np.ndarray:
    """``(n_blocks, len(CUES))`` counts of the question cues per block."""
    out = np.zeros((-(-len(words) // BLOCK), len(CUES)))
    for i, word in enumerate(words):
        row = out[i // BLOCK]
        row[0] += word in SECOND_PERSON
        row[1] += word in FIRST_PERSON
        row[2] += word in QUESTION_WORDS
        if word in AUXILIARIES and i + 1 < len(words) and words[i + 1] in OPENING_OBJECTS:
            row[3] += 1
    return out


def band(n: int, lo: int, hi: int) -> sp.csr_matrix:
    """``n x n`` matrix with ones where ``lo <= j - i <= hi`` (sums blocks i+lo .. i+hi)."""
    offsets = [k for k in range(lo, hi + 1) if abs(k) < n]
    if not offsets:
        return sp.csr_matrix((n, n))
    return sp.diags([np.ones(n - abs(k)) for k in offsets], offsets, shape=(n, n), format="csr")


def position_features(n: int) -> np.ndarray:
    """Relative position, its square, closeness to the start and to the end (rules above)."""
    i = np.arange(n, dtype=float)
    rel = i / max(1, n - 1)
    start = np.clip(1 - i / EDGE_BLOCKS, 0, 1)
    end = np.clip(1 - (n - 1 - i) / EDGE_BLOCKS, 0, 1)
    return np.column_stack([rel, rel ** 2, start, end])


def fit_vocabularies(block_lists, *, max_words: int = 20000, max_chars: int = 10000, min_df: int = 3):
    """``(word_vocabulary, char_vocabulary)``: the most frequent n-grams of the training blocks, sorted."""
    texts = [text for blocks in block_lists for text in blocks]
    words = CountVectorizer(max_features=max_words, min_df=min_df, **WORD_OPTIONS).fit(texts)
    chars = CountVectorizer(max_features=max_chars, min_df=min_df, **CHAR_OPTIONS).fit(texts)
    return sorted(words.vocabulary_), sorted(chars.vocabulary_)


class Featurizer:
    """Block-by-feature matrices of an episode for a fixed vocabulary and window size."""

    def __init__(self, word_vocabulary, char_vocabulary, half: int):
        if half < HERE + 1:
            raise ValueError(f"half must be at least {HERE + 1} blocks, not {half}")
        self.half = half
        self.word_vocabulary = list(word_vocabulary)
        self.char_vocabulary = list(char_vocabulary)
        self._words = CountVectorizer(vocabulary=self.word_vocabulary, **WORD_OPTIONS)
        self._chars = CountVectorizer(vocabulary=self.char_vocabulary, **CHAR_OPTIONS)

    @property
    def window_words(self) -> int:
        return (2 * self.half + 1) * BLOCK

    @property
    def n_features(self) -> int:
        n_words, n_chars, n_cues = len(self.word_vocabulary), len(self.char_vocabulary), len(CUES)
        return (n_words + n_chars + n_cues) + 2 * (n_words + n_cues) + 4

    def transform(self, words: list[str]) -> sp.csr_matrix:
        """One row per block of ``words`` (column layout: here, left, right, position)."""
        texts = block_texts(words)
        n = len(texts)
        if n == 0:
            return sp.csr_matrix((0, self.n_features))
        word_counts = self._words.transform(texts).astype(float)
        char_counts = self._chars.transform(texts).astype(float)
        cues = sp.csr_matrix(cue_counts(words))
        here = band(n, -HERE, HERE)
        left, right = band(n, -self.half, -HERE - 1), band(n, HERE + 1, self.half)
        word_cues = sp.hstack([word_counts, cues], format="csr")
        parts = [sp.hstack([here @ word_counts, here @ char_counts, here @ cues], format="csr"),
                 left @ word_cues, right @ word_cues]
        parts = [normalize(part.log1p()) for part in parts]
        return sp.hstack([*parts, sp.csr_matrix(position_features(n))], format="csr")


# --- word gaps: is there a change of speaker before this word? ---------------------------------

#: Padding outside the stream (so that the first and last gaps have their own features).
GAP_PAD = ("<s>", "</s>")


def gap_tokens(words: list[str]) -> list[str]:
    """One feature string per word ``t``, describing the gap *before* it (space-separated tokens).

    The words on each side of the gap, alone and as conjunctions: the last one, two and
    three words before it (``L1``, ``L2``, ``L3``: a question's end, "do you think"), the
    first one, two and three after it (``R1``, ``R2``, ``R3``: a turn's opening, "yeah",
    "so", "i mean"), and pairs across the gap (``LR``, ``L2R``, ``LR2``: "right | yeah").
    Captions have no punctuation, so these words are what is left of a turn's edges.
    """
    pad = [GAP_PAD[0]] * 3 + list(words) + [GAP_PAD[1]] * 3
    out = []
    for t in range(len(words)):
        i = t + 3
        l1, l2, l3, r1, r2, r3 = pad[i - 1], pad[i - 2], pad[i - 3], pad[i], pad[i + 1], pad[i + 2]
        out.append(f"L1={l1} L2={l2}_{l1} L3={l3}_{l2}_{l1} R1={r1} R2={r1}_{r2} R3={r1}_{r2}_{r3} "
                   f"LR={l1}|{r1} L2R={l2}_{l1}|{r1} LR2={l1}|{r1}_{r2}")
    return out


def fit_gap_vocabulary(word_lists, *, max_features: int = 40000, min_df: int = 3) -> list[str]:
    """The most frequent gap tokens of the training streams, sorted."""
    texts = [text for words in word_lists for text in gap_tokens(words)]
    return sorted(CountVectorizer(analyzer=str.split, binary=True, max_features=max_features,
                                  min_df=min_df).fit(texts).vocabulary_)


class GapFeaturizer:
    """Word-by-gap-token binary matrix of a stream (row ``t``: the gap before word ``t``)."""

    def __init__(self, vocabulary):
        self.vocabulary = list(vocabulary)
        self._vectorizer = CountVectorizer(analyzer=str.split, binary=True, vocabulary=self.vocabulary)

    def transform(self, words: list[str]) -> sp.csr_matrix:
        if not words:
            return sp.csr_matrix((0, len(self.vocabulary)))
        return self._vectorizer.transform(gap_tokens(words)).astype(float).tocsr()


def gap_labels(roles) -> np.ndarray:
    """1 where the role changes before word ``t`` (never before the first word)."""
    roles = np.asarray(roles, dtype=int)
    return np.r_[0, (roles[1:] != roles[:-1]).astype(int)] if len(roles) else np.zeros(0, dtype=int)


# --- word tokens of the linear-chain CRF (analysis.ingest.speakers.crf) ----------------------------

def sequence_tokens(words: list[str]) -> list[str]:
    """One feature string per word ``t`` for the CRF: the gap tokens before it plus the word itself (``W``).

    The gap tokens (:func:`gap_tokens`) say whether a turn starts at ``t``; ``W=word`` lets the
    CRF weigh each word for each role and turn position. Padding markers never collide with words.
    """
    return [f"{gaps} W={word}" for gaps, word in zip(gap_tokens(words), words)]
