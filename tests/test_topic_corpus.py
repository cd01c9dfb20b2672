"""Chunking turns into topic-model units: hand-made bags, the tail rule, one code path."""
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.ingest.build import rebuild_catalog
from analysis.corpus.load import load_corpus
from analysis.corpus.features import turn_features, write_features
from analysis.corpus.fulltext import write_fulltext
from analysis.measures.frequencies import bags_matrix
from analysis.models.topic_corpus import chunk_turns, topic_corpus
from analysis.core.turns import Turn


def turns_table(sizes, doc="d", roles=None):
    """A turns table of one document whose turn i has sizes[i] running tokens."""
    roles = roles or ["interviewer" if i % 2 == 0 else "interviewee" for i in range(len(sizes))]
    return pd.DataFrame({"doc_id": doc, "turn_id": range(1, len(sizes) + 1), "role": roles,
                         "n_tokens": sizes, "organization": "Org"})


def bags_of(sizes):
    return [Counter({f"w{i}": n}) for i, n in enumerate(sizes)]


def test_turns_are_summed_until_the_chunk_is_full():
    sizes = [3, 4, 2, 6, 1, 5]
    chunks, bags = chunk_turns(turns_table(sizes), bags_of(sizes), chunk_tokens=7)
    # 3+4 = 7 closes chunk 1; 2+6 = 8 closes chunk 2; 1+5 = 6 is left: 6 >= 7/2, its own chunk
    assert chunks["first_turn"].tolist() == [1, 3, 5] and chunks["last_turn"].tolist() == [2, 4, 6]
    assert chunks["n_tokens"].tolist() == [7, 8, 6] and chunks["n_turns"].tolist() == [2, 2, 2]
    assert bags[1] == Counter({"w2": 2, "w3": 6})
    assert chunks["roles"].tolist() == ["interviewee+interviewer"] * 3
    assert chunks["organization"].eq("Org").all() and chunks["chunk_id"].tolist() == [1, 2, 3]


def test_a_short_tail_joins_the_previous_chunk_and_long_turns_are_never_split():
    sizes = [10, 1, 2]
    chunks, bags = chunk_turns(turns_table(sizes), bags_of(sizes), chunk_tokens=5)
    # 10 alone fills chunk 1 (turns are not split); 1+2 = 3 >= 5/2 stays a chunk
    assert chunks["n_tokens"].tolist() == [10, 3]
    chunks, _ = chunk_turns(turns_table([10, 1, 1]), bags_of([10, 1, 1]), chunk_tokens=5)
    assert chunks["n_tokens"].tolist() == [12] and chunks["last_turn"].tolist() == [3]   # 2 < 2.5: joined
    chunks, _ = chunk_turns(turns_table([1, 1]), bags_of([1, 1]), chunk_tokens=100)
    assert chunks["n_tokens"].tolist() == [2]                                            # short document: one chunk


def test_chunks_follow_turn_order_and_never_cross_documents():
    table = pd.concat([turns_table([2, 2], doc="b"), turns_table([1, 3], doc="a")], ignore_index=True)
    table = table.iloc[[1, 0, 3, 2]]                           # rows out of turn order
    bags = [bags_of([2, 2])[1], bags_of([2, 2])[0], Counter({"x": 3}), Counter({"y": 1})]
    chunks, out = chunk_turns(table, bags, chunk_tokens=4)
    assert chunks["doc_id"].tolist() == ["b", "a"]             # documents in order of appearance
    assert chunks["n_tokens"].tolist() == [4, 4]
    assert out[1] == Counter({"x": 3, "y": 1})
    chunks, _ = chunk_turns(table, bags, chunk_tokens=1)       # chunk_tokens=1: one chunk per turn
    assert list(zip(chunks["doc_id"], chunks["first_turn"])) == [("b", 1), ("b", 2), ("a", 1), ("a", 2)]


def test_chunking_checks_its_input():
    with pytest.raises(ValueError, match="positive integer"):
        chunk_turns(turns_table([1]), bags_of([1]), chunk_tokens=0)
    with pytest.raises(ValueError, match="one bag per turn"):
        chunk_turns(turns_table([1, 2]), bags_of([1]))
    with pytest.raises(ValueError, match="lacks"):
        chunk_turns(pd.DataFrame({"doc_id": ["d"]}), [Counter()])
    with pytest.raises(ValueError, match="empty"):
        chunk_turns(turns_table([]), [])


def test_bags_matrix_keeps_vocabulary_columns_and_fractions():
    matrix = bags_matrix([Counter({"b": 2, "zzz": 5}), Counter({"a": 0.5})], ["a", "b"])
    assert matrix.toarray().tolist() == [[0, 2], [0.5, 0]]
    with pytest.raises(ValueError, match="twice"):
        bags_matrix([], ["a", "a"])


TEXT = ["Do you have enough GPUs for the data centers?",
        "We never have enough GPUs. GPUs are scarce and data centers take two years to build.",
        "What about open source models?",
        "Open source models help researchers, and researchers want GPUs."]
META = {"interviewee": "Some One", "organization": "Org", "date": "2024-01", "date_precision": "month",
        "language": "en", "format": "podcast"}


def _same_interview_twice(root):
    turns = [Turn("Host", "interviewer", TEXT[0]), Turn("Some One", "interviewee", TEXT[1]),
             Turn("Host", "interviewer", TEXT[2]), Turn("Some One", "interviewee", TEXT[3])]
    write_fulltext(root / "interviews" / "2024-01_full.txt", {**META, "doc_id": "2024-01_full",
                                                              "text_availability": "full"}, turns)
    write_features(root / "features" / "2024-01_feat.jsonl", {**META, "doc_id": "2024-01_feat",
                                                              "text_availability": "features"},
                   turn_features(turns, "en"), root / "phrases.csv")
    rebuild_catalog(root)


def test_full_text_and_features_only_documents_give_the_same_chunks(tmp_corpus):
    _same_interview_twice(tmp_corpus)
    corpus = topic_corpus(load_corpus(), chunk_tokens=12, min_df=1)
    full = corpus.chunks["doc_id"] == "2024-01_full"
    assert full.sum() == (~full).sum() >= 2
    assert np.array_equal(corpus.matrix[full.to_numpy()].toarray(), corpus.matrix[~full.to_numpy()].toarray())
    assert corpus.chunks.loc[full, "n_tokens"].tolist() == corpus.chunks.loc[~full, "n_tokens"].tolist()
    assert {"gpu", "data_center", "open_source", "researcher"} <= set(corpus.terms)
    assert "the" not in corpus.terms                                     # content lemmas only
    assert corpus.chunks["text_availability"].tolist().count("features") == (~full).sum()


def test_min_df_and_roles(tmp_corpus):
    _same_interview_twice(tmp_corpus)
    turns = load_corpus()
    chunks = topic_corpus(turns, chunk_tokens=12, min_df=1).chunks
    every = topic_corpus(turns, chunk_tokens=12, min_df=len(chunks))
    df = (every.matrix > 0).sum(axis=0)
    assert np.all(np.asarray(df) == len(chunks))                         # terms in every chunk only
    answers = topic_corpus(turns, chunk_tokens=12, min_df=1, roles=("interviewee",))
    assert set(answers.chunks["roles"]) == {"interviewee"}
    with pytest.raises(ValueError, match="no en turns with the role"):
        topic_corpus(turns, roles=("other",))
    with pytest.raises(ValueError, match="no turns in language 'fr'"):
        topic_corpus(turns, lang="fr")
    with pytest.raises(ValueError, match="lower min_df"):
        topic_corpus(turns, min_df=1000)


def test_topics_command_prints_the_chosen_model_as_csv(capsys):
    from analysis.cli import main
    assert main(["topics", "--k", "4", "--top", "3"]) == 0
    out = capsys.readouterr()
    table = pd.read_csv(pd.io.common.StringIO(out.out))
    assert list(table.columns) == ["topic", "rank", "term", "weight"] and len(table) == 12
    assert "k = 4 set by the user" in out.err
    assert main(["topics", "--k", "4", "--table", "documents"]) == 0
    documents = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    topics = ["T0", "T1", "T2", "T3"]
    assert list(documents.columns[-4:]) == topics
    assert np.allclose(documents[topics].sum(axis=1), 1)
    assert set(documents.loc[documents["projected"], "lang"]) == {"fr"}        # the seed, projected
    assert main(["topics", "--k", "1"]) == 2 and "at least 2 topics" in capsys.readouterr().err
