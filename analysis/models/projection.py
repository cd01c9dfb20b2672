"""Projecting a French document into an English topic model, through a lemma glossary.

The topic models are fitted on the English interviews. The French seed cannot be fed
to them as it is: none of its lemmas are columns of the model. It is translated first,
word by word, with a curated glossary, ``corpus/glossary_fr_en.csv``:

* one row per French content lemma (as :func:`analysis.measures.frequencies.normalised_bag`
  makes them, ``fr``), columns ``fr_lemma, en_lemma, note``;
* ``en_lemma`` lists English lemmas **as the English pipeline makes them** (check with
  ``analysis.text.lemmas.lemma(word, "en")``: ``training`` is ``train``, ``gemini`` is
  ``geminus``), or the project's phrase tokens (``data_center``, ``open_source``);
* ``a|b`` gives alternatives (one French token, one meaning, two English words a
  transcript might use: ``processeur -> processor|chip``); ``a+b`` a compound whose
  English counterpart is two words (``ia_générative -> generative+ai``);
* an empty ``en_lemma`` means "deliberately not projected" and needs a note: false
  friends whose English token means something else in the English interviews
  (Meta's *Imagine* would become the verb *imagine*, the *FAIR* lab the adjective).

Translations give the word's general sense, as a bilingual dictionary would, not its
sense in one sentence of the seed, so that the glossary serves any French document;
notes flag idioms (*le jeu n'en vaut pas la chandelle*) whose words then carry a
literal meaning into the model. The glossary must cover every content lemma of the
French documents: :func:`check_coverage` raises an error listing what is missing, and
:func:`missing_lemmas` gives the same list as a table to fill in.

The projection of a bag of French content lemmas (:func:`project_bag`), per lemma with
count ``n``: keep the alternatives with at least one part in the model's vocabulary
(parts outside it are dropped); share ``n`` equally among them, each part of an
alternative receiving that share. So ``processeur -> processor|chip`` with both in the
vocabulary gives 0.5 to each, with only ``chip`` gives 1 to ``chip``; ``generative+ai``
gives 1 to each part. The counts can be fractions; the models accept them.

What reached the topic space: a French content token is **projected** when its lemma
has a glossary entry and at least one of its English lemmas is in the model's
vocabulary. The share projected is projected tokens / content tokens. The rest is
lost, for one of three reasons reported per lemma: not translated (false friends), the
English lemma is an English stopword (the English and French stopword lists differ:
*year*, *need*, *important* are stopwords in English, *année*, *besoin*, *important*
are not in French), or the English lemma is too rare in the English interviews to be
a column (fewer than ``min_df`` chunks).

Word-by-word translation loses word order, idiom and polysemy; it is the simplest
projection that can be checked line by line (cf. dictionary-based cross-lingual topic
models: Boyd-Graber & Blei 2009, "Multilingual topic models for unaligned text", UAI;
Hao & Paul 2018, "Learning multilingual topics from incomparable corpora", COLING).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.measures.frequencies import bags_matrix, normalised_bag
from analysis.core.paths import corpus_dir
from analysis.text.stopwords import is_content
from analysis.core.textio import InputError, read_csv_table
from analysis.models.topic_corpus import DEFAULT_CHUNK_TOKENS, chunk_turns
from analysis.corpus.load import load_corpus, turn_counts

GLOSSARY_FILE = "glossary_fr_en.csv"
COLUMNS = ("fr_lemma", "en_lemma", "note")
_LEMMA = re.compile(r"^[^\s|+,]+$")
STATUSES = ("projected", "not translated", "English stopword", "not in the model vocabulary")


# -- the glossary ------------------------------------------------------------------------

def _parse_english(text: str, path, line) -> tuple[tuple[str, ...], ...]:
    if not text:
        return ()
    alternatives = []
    for alternative in text.split("|"):
        parts = tuple(p.strip() for p in alternative.split("+"))
        for part in parts:
            if not part or not _LEMMA.match(part) or part != part.lower():
                raise InputError(path, f"bad English lemma {part!r} in {text!r}", line=line,
                                 hint="lower-case lemmas; a|b for alternatives, a+b for a compound, no spaces")
        alternatives.append(parts)
    return tuple(alternatives)


def load_glossary(path=None) -> pd.DataFrame:
    """The glossary as a table: ``fr_lemma, en_lemma, note, line, english``.

    ``english`` is the parsed ``en_lemma``: a tuple of alternatives, each a tuple of
    lemmas. Checked row by row; the first problem raises :class:`InputError` naming the
    line: a missing column, an empty or repeated ``fr_lemma``, a malformed
    ``en_lemma``, an empty ``en_lemma`` without a note.
    """
    path = Path(path) if path else corpus_dir() / GLOSSARY_FILE
    _, table = read_csv_table(path, COLUMNS, what="French-English glossary",
                              hint="it is part of the corpus: corpus/glossary_fr_en.csv")
    rows, seen = [], {}
    for line, row in table:
        fr = (row["fr_lemma"] or "").strip().lower().replace("’", "'")
        en = (row["en_lemma"] or "").strip()
        note = (row["note"] or "").strip()
        if not fr:
            raise InputError(path, "empty fr_lemma", line=line)
        if fr in seen:
            raise InputError(path, f"{fr!r} is listed twice", line=line, hint=f"first at line {seen[fr]}")
        seen[fr] = line
        if not en and not note:
            raise InputError(path, f"{fr!r} has no English lemma and no note", line=line,
                             hint="say why it is not projected (e.g. a false friend)")
        rows.append({"fr_lemma": fr, "en_lemma": en, "note": note, "line": line,
                     "english": _parse_english(en, path, line)})
    if not rows:
        raise InputError(path, "the glossary has no rows")
    return pd.DataFrame(rows, columns=[*COLUMNS, "line", "english"])


def _lookup(glossary) -> dict[str, tuple]:
    table = load_glossary(glossary) if glossary is None or isinstance(glossary, (str, Path)) else glossary
    if isinstance(table, dict):
        return table
    return dict(zip(table["fr_lemma"], table["english"]))


# -- coverage ----------------------------------------------------------------------------

def french_turns(turns: pd.DataFrame | None = None) -> pd.DataFrame:
    """The French turns of ``turns`` (default: every segment of every French document)."""
    turns = load_corpus(segments=None) if turns is None else turns
    french = turns[turns["lang"] == "fr"].reset_index(drop=True)
    french.attrs.update(turns.attrs)
    return french


def _lemma_bags(turns: pd.DataFrame) -> list[Counter]:
    return [normalised_bag(bag, "fr") for bag in turn_counts(turns)]


def missing_lemmas(turns: pd.DataFrame | None = None, glossary=None) -> pd.DataFrame:
    """French content lemmas with no glossary row: ``fr_lemma, count, doc_ids``.

    Default: the French documents of the corpus. An empty table means full coverage.
    """
    turns = french_turns(turns)
    lookup = _lookup(glossary)
    counts, docs = Counter(), {}
    for doc_id, bag in zip(turns["doc_id"], _lemma_bags(turns)):
        for term, n in bag.items():
            if term not in lookup:
                counts[term] += n
                docs.setdefault(term, set()).add(doc_id)
    rows = [(t, n, " ".join(sorted(docs[t]))) for t, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    return pd.DataFrame(rows, columns=["fr_lemma", "count", "doc_ids"])


def check_coverage(turns: pd.DataFrame | None = None, glossary=None) -> None:
    """Raise ValueError listing the French content lemmas the glossary lacks.

    This is what happens when a user adds a French document: add one row per listed
    lemma to ``corpus/glossary_fr_en.csv`` (``missing_lemmas()`` gives the list as a
    table), translating to English lemmas as ``analysis.text.lemmas.lemma(word, 'en')``
    makes them, or leave ``en_lemma`` empty with a note saying why.
    """
    missing = missing_lemmas(turns, glossary)
    if not missing.empty:
        shown = ", ".join(f"{t} ({d})" for t, d in zip(missing["fr_lemma"][:40], missing["doc_ids"][:40]))
        more = f" and {len(missing) - 40} more" if len(missing) > 40 else ""
        raise ValueError(f"the French-English glossary (corpus/{GLOSSARY_FILE}) lacks {len(missing)} content "
                         f"lemma(s) of the French documents: {shown}{more}. Add one row per lemma "
                         "(fr_lemma,en_lemma,note; English lemmas as analysis.text.lemmas.lemma(word, 'en') gives "
                         "them; empty en_lemma plus a note to leave one out); "
                         "analysis.models.projection.missing_lemmas() lists them as a table.")


# -- projecting --------------------------------------------------------------------------

def _status(alternatives, usable) -> str:
    if usable:
        return "projected"
    if not alternatives:
        return "not translated"
    parts = [p for alternative in alternatives for p in alternative]
    if all(not is_content(p, "en") for p in parts):
        return "English stopword"
    return "not in the model vocabulary"


def project_bag(bag, glossary, vocabulary) -> tuple[Counter, pd.DataFrame]:
    """A bag of French content lemmas as a bag of English lemmas of ``vocabulary``.

    Rule in the module docstring. Returns the English bag (counts may be fractions) and
    one row per French lemma: ``fr_lemma, count, en_lemma`` (the glossary's entry),
    ``status`` (one of :data:`STATUSES`), ``to`` (the vocabulary lemmas it went to),
    ``projected`` (its count if projected, else 0). A lemma without a glossary entry is
    an error: see :func:`check_coverage`.
    """
    lookup = _lookup(glossary)
    vocabulary = vocabulary if isinstance(vocabulary, (set, frozenset, dict)) else set(vocabulary)
    missing = sorted(t for t in bag if t not in lookup)
    if missing:
        raise ValueError(f"no glossary entry for {', '.join(missing)}; see analysis.models.projection.check_coverage")
    out, rows = Counter(), []
    for term, n in sorted(bag.items()):
        if n < 0:
            raise ValueError(f"negative count {n} for {term!r}")
        alternatives = lookup[term]
        usable = [kept for kept in (tuple(p for p in alt if p in vocabulary) for alt in alternatives) if kept]
        for kept in usable:
            for part in kept:
                out[part] += n / len(usable)
        rows.append({"fr_lemma": term, "count": n,
                     "en_lemma": "|".join("+".join(a) for a in alternatives),
                     "status": _status(alternatives, usable),
                     "to": " ".join(dict.fromkeys(p for kept in usable for p in kept)),
                     "projected": n if usable else 0})
    return out, pd.DataFrame(rows, columns=["fr_lemma", "count", "en_lemma", "status", "to", "projected"])


@dataclass
class Projection:
    """French units in the English model's space.

    ``units``: one row per unit (chunk or turn, :func:`analysis.models.topic_corpus.chunk_turns`
    columns, plus ``n_content``, ``n_projected``, ``share_projected``); ``matrix``: units
    x model terms (float counts, the input of ``analysis.models.topics.doc_topics``);
    ``report``: one row per French lemma over all units (see :func:`project_bag`);
    ``share_projected``: projected content tokens / content tokens, all units together.
    """

    units: pd.DataFrame
    matrix: sparse.csr_matrix
    report: pd.DataFrame
    share_projected: float

    def lost(self) -> pd.DataFrame:
        """The French lemmas that did not reach the model, most frequent first."""
        lost = self.report[self.report["status"] != "projected"]
        return lost.sort_values(["count", "fr_lemma"], ascending=[False, True], ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Content tokens and lemma types per status."""
        table = self.report.groupby("status").agg(tokens=("count", "sum"), lemmas=("fr_lemma", "size"))
        table = table.reindex([s for s in STATUSES if s in table.index]).reset_index()
        table["share_of_tokens"] = table["tokens"] / table["tokens"].sum()
        return table


def project_french(turns: pd.DataFrame, terms, *, glossary=None,
                   chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> Projection:
    """Chunk French turns exactly as the English ones and project each chunk.

    ``turns``: French turns (e.g. ``load_corpus(docs=[SEED])``); ``terms``: the model's
    vocabulary (``TopicCorpus.terms``). ``chunk_tokens=1`` gives one unit per turn (every
    turn closes its chunk); a very large value one unit per document. Coverage of the
    glossary is checked first (:func:`check_coverage`).
    """
    langs = set(turns["lang"])
    if langs != {"fr"}:
        raise ValueError(f"project_french needs French turns only, got languages {sorted(langs)}")
    lookup = _lookup(glossary)
    check_coverage(turns, lookup)
    units, bags = chunk_turns(turns, turn_counts(turns.reset_index(drop=True)), chunk_tokens=chunk_tokens)
    vocabulary = set(terms)
    english, reports = [], []
    for bag in bags:
        projected, report = project_bag(normalised_bag(bag, "fr"), lookup, vocabulary)
        english.append(projected)
        reports.append(report)
    units["n_content"] = [int(r["count"].sum()) for r in reports]
    units["n_projected"] = [int(r["projected"].sum()) for r in reports]
    units["share_projected"] = units["n_projected"] / units["n_content"].replace(0, np.nan)
    report = pd.concat(reports, ignore_index=True)
    report = (report.groupby(["fr_lemma", "en_lemma", "status", "to"], as_index=False, sort=True)
              [["count", "projected"]].sum())
    report = report[["fr_lemma", "count", "en_lemma", "status", "to", "projected"]]
    total = report["count"].sum()
    share = float(report["projected"].sum() / total) if total else float("nan")
    return Projection(units, bags_matrix(english, list(terms)), report, share)
