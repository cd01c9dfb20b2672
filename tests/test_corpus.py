"""Building the corpus from the seed and loading it as one table of turns."""
from collections import Counter

import pandas as pd
import pytest

from analysis.ingest.build import build, rebuild_catalog
from analysis.corpus.catalog import check_metadata
from analysis.measures.concordance import collocations, kwic
from analysis.corpus.load import load_corpus, turn_counts
from analysis.corpus.features import turn_features, write_features
from analysis.measures.frequencies import document_term_matrix, term_frequencies, tfidf
from analysis.core.paths import PROJECT_ROOT
from analysis.core.textio import InputError
from analysis.core.turns import Turn

SEED_ID = "2024-04_pineau_latribune"


@pytest.fixture
def seed_corpus(tmp_corpus):
    build(tmp_corpus)
    return tmp_corpus


def test_build_reproduces_the_committed_corpus_files(seed_corpus):
    for name in [f"interviews/{SEED_ID}.txt"]:
        assert (seed_corpus / name).read_bytes() == (PROJECT_ROOT / "corpus" / name).read_bytes()
    committed = pd.read_csv(PROJECT_ROOT / "corpus" / "catalog.csv", dtype=str)
    built = pd.read_csv(seed_corpus / "catalog.csv", dtype=str)
    assert built.iloc[0].equals(committed.set_index("doc_id").loc[[SEED_ID]].reset_index().iloc[0])


def test_seed_loads_as_labelled_turns_with_metadata(seed_corpus):
    turns = load_corpus()
    assert list(turns.columns[:9]) == ["doc_id", "turn_id", "speaker", "role", "segment", "timestamp",
                                       "lang", "text", "n_tokens"]
    assert set(turns["role"]) == {"interviewer", "interviewee"}
    assert turns["role"].iloc[0] == "interviewee" and turns["role"].iloc[-1] == "interviewer"
    assert (turns["role"].values[1:] != turns["role"].values[:-1]).all()   # questions and answers alternate
    assert turns["interviewee"].eq("Joelle Pineau").all() and turns["lang"].eq("fr").all()
    assert turns["truncated"].iloc[0] == "start+end"
    assert not turns["text"].str.contains("Newspapers in French|La Tribune Toulouse").any()
    assert turns["n_tokens"].sum() == sum(sum(c.values()) for c in turn_counts(turns))


def test_catalog_validation_says_what_to_fix():
    meta = {"doc_id": "x", "interviewee": "A", "organization": "B", "date": "2024-4",
            "date_precision": "month", "language": "fr", "format": "print"}
    with pytest.raises(InputError, match="2024-04"):
        check_metadata(meta, "x.txt")
    with pytest.raises(InputError, match="missing metadata: organization"):
        check_metadata({**meta, "organization": ""}, "x.txt")
    with pytest.raises(InputError, match="use fr or en"):
        check_metadata({**meta, "date": "2024-04", "language": "de"}, "x.txt")


def _features_doc(root, doc_id="2024-01_someone_podcast"):
    meta = {"doc_id": doc_id, "interviewee": "Some One", "organization": "Org", "date": "2024-01",
            "date_precision": "month", "language": "en", "format": "podcast", "text_availability": "features"}
    turns = [Turn("Host", "interviewer", "Do you have enough GPUs?"),
             Turn("Some One", "interviewee", "We never have enough GPUs. GPUs are scarce.")]
    write_features(root / "features" / f"{doc_id}.jsonl", meta, turn_features(turns, "en"),
                   root / "phrases.csv")
    return doc_id


def test_features_only_documents_load_with_counts_but_no_text(seed_corpus):
    doc_id = _features_doc(seed_corpus)
    rebuild_catalog(seed_corpus)
    turns = load_corpus()
    other = turns[turns["doc_id"] == doc_id]
    assert other["text"].eq("").all() and other["n_tokens"].tolist() == [5, 8]
    assert turn_counts(other)[1]["gpus"] == 2
    english = term_frequencies(other, by="role")
    assert english.set_index(["role", "term"]).loc[("interviewee", "gpu"), "count"] == 2
    with pytest.raises(ValueError, match="features-only"):
        kwic(other, "GPU")
    with pytest.raises(ValueError, match="mix languages"):
        document_term_matrix(turns)


def test_rates_are_per_thousand_running_tokens(seed_corpus):
    turns = load_corpus()
    table = term_frequencies(turns).set_index("term")
    assert table.loc["gpu", "count"] == 5
    assert table.loc["gpu", "rate"] == pytest.approx(1000 * 5 / turns["n_tokens"].sum())
    by_role = term_frequencies(turns, by="role")
    assert by_role.groupby("role")["n_tokens"].first().sum() == turns["n_tokens"].sum()


def test_dtm_tfidf_kwic_and_collocations_on_the_seed(seed_corpus):
    turns = load_corpus()
    dtm = document_term_matrix(turns)
    assert dtm.matrix.shape == (len(turns), len(dtm.terms))
    assert dtm.matrix[:, dtm.terms.index("gpu")].sum() == 5
    top = tfidf(turns, top=3)
    assert top.groupby("turn_id").size().max() == 3
    assert len(kwic(turns, "GPU")) == 5
    assert len(kwic(turns, "open source")) == 3
    pairs = collocations(turns, min_freq=2, content_only=False)
    assert (pairs["count"] >= 2).all() and len(pairs) > 0


def test_missing_document_is_reported_with_the_fix(seed_corpus):
    (seed_corpus / "interviews" / f"{SEED_ID}.txt").unlink()
    with pytest.raises(InputError, match="analysis build"):
        load_corpus()


def test_counts_are_plain_counters(seed_corpus):
    assert all(isinstance(c, Counter) for c in turn_counts(load_corpus()))
