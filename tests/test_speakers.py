"""Speaker attribution in captions: conversion, decoder, a small fitted model, attribution,
the role switch in analyses, and the shipped model file. Synthetic data only (no ../shared)."""
import csv
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.compare import comparisons as C
from analysis.core.textio import InputError
from analysis.core.turns import Turn
from analysis.corpus.features import read_features
from analysis.cli import main
from analysis.corpus.load import load_catalog, load_corpus
from analysis.ingest.add import InterviewMetadata, add_interview
from analysis.ingest.build import rebuild_catalog
from analysis.ingest.extract import extract
from analysis.ingest.importers import parse_lexfridman
from analysis.ingest.speakers import attribute, convert, dataset, decoder, evaluate, features, model as M, train
from analysis.measures import dynamics

PAGE = """# Transcript for A Guest: Things | Lex Fridman Podcast #999

## Table of Contents

  * 0:00 – Introduction

## Introduction

Lex Fridman [(00:00:01)](https://x.test/&t=1) What did you think, in 2020, of the $5 million deal?

Ann Guest [(00:00:05)](https://x.test/&t=5) Honestly—it was 1,000 times better… About 10% of people [laughs] said “no”. I’m sure.

[(00:00:20)](https://x.test/&t=20) Second paragraph, same speaker.

Lex Fridman [(00:00:30)](https://x.test/&t=30) Mm-hmm. Why?
"""


# --- conversion ------------------------------------------------------------------------------

def test_conversion_round_trip_keeps_every_word_and_its_speaker():
    turns = parse_lexfridman(PAGE, hosts=("Lex Fridman",))
    stream = convert.turns_to_captions(turns, noise=False)
    runs, start = [], 0
    for i in range(1, len(stream.roles) + 1):
        if i == len(stream.roles) or stream.roles[i] != stream.roles[start]:
            runs.append((stream.roles[start], " ".join(stream.words[start:i])))
            start = i
    assert runs == [
        (convert.HOST, "what did you think in 2020 of the 5 million dollars deal"),
        (convert.GUEST, "honestly it was 1000 times better about 10 percent of people said no i'm sure "
                        "second paragraph same speaker"),
        (convert.HOST, "mm-hmm why"),
    ]
    assert all(w == w.lower() and not any(c in w for c in ".,?!$%…“”[]") for w in stream.words)


def test_conversion_noise_only_inserts_fillers_and_repeats_and_is_seeded():
    turns = [Turn("H", "interviewer", "so what do you think " * 50),
             Turn("G", "interviewee", "well i think that it works " * 200)]
    clean = convert.turns_to_captions(turns, noise=False)
    noisy = convert.turns_to_captions(turns)
    assert noisy == convert.turns_to_captions(turns)                       # same text, same seed
    assert noisy != convert.turns_to_captions(turns, random_state=1)
    assert len(noisy.words) > len(clean.words)
    kept, j = [], 0                                                       # clean is a subsequence
    for word, role in zip(noisy.words, noisy.roles):
        if j < len(clean.words) and word == clean.words[j] and role == clean.roles[j]:
            kept.append(j)
            j += 1
    assert j == len(clean.words)
    extra = [w for w in noisy.words if w not in clean.words]
    assert set(extra) <= set(convert.FILLERS)


def test_normalize_word():
    assert [convert.normalize_word(w) for w in ["I’m", "Hello,", "--", "(GPT-4)", "'quoted'"]] == \
        ["i'm", "hello", "", "gpt-4", "quoted"]


# --- decoder ----------------------------------------------------------------------------------

HAND = np.log([[0.9, 0.1], [0.4, 0.6], [0.9, 0.1]])
TRANS = np.log([[0.8, 0.2], [0.2, 0.8]])
START = np.log([0.5, 0.5])


def test_viterbi_matches_the_hand_worked_example():
    # delta_0 = (.45, .05); delta_1 = (.144, .054); delta_2 = (.10368, .00432): host wins, path 0,0,0
    # although the middle step alone favours the guest (0.6 > 0.4).
    assert decoder.viterbi(HAND, TRANS, START).tolist() == [0, 0, 0]
    assert decoder.viterbi(HAND, np.log([[0.5, 0.5], [0.5, 0.5]]), START).tolist() == [0, 1, 0]


def test_posteriors_match_the_hand_worked_example():
    # alpha_1 = (.148, .078), beta_1 = (.74, .26): P(guest at 1) = .02028 / .1298
    post = decoder.posteriors(HAND, TRANS, START)
    assert post[1, 1] == pytest.approx(0.02028 / 0.1298, rel=1e-9)
    assert np.allclose(post.sum(axis=1), 1)


def test_transitions_and_switching_costs():
    trans = decoder.fit_transitions([[0, 0, 0, 1, 1], [1, 1]])
    # counts + 1: host->host 2+1, host->guest 1+1, guest->guest 2+1, guest->host 0+1
    assert np.allclose(trans, [[3 / 5, 2 / 5], [1 / 4, 3 / 4]])
    assert np.allclose(decoder.switching_costs(trans), [np.log(1.5), np.log(3)])
    assert np.allclose(decoder.scaled_transitions(trans, 1.0), trans)
    with pytest.raises(ValueError, match="shape"):
        decoder.viterbi(np.zeros((3, 3)), TRANS, START)


# Word-level decoding with a switching score per gap (decode_words), worked by hand.
# Role evidence (host, guest) per word and log_switch[t] for a change before word t:
WORD_EVIDENCE = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 1.0], [2.0, 0.0]])


def test_word_decoder_matches_the_hand_worked_example():
    # all host: 2+0+0+2 = 4; host,guest,guest,host: 2+1+1+2 plus two switches.
    # switches at -1.5 each: 6 - 3 = 3 < 4, all host; at -0.5 each: 6 - 1 = 5 > 4 (and
    # host,guest,host,host: 2+1+0+2 - 0.5 - 3 = 1.5): the two-word guest turn is found.
    dear, cheap = np.array([0, -1.5, -3, -1.5]), np.array([0, -0.5, -3, -0.5])
    assert decoder.decode_words(WORD_EVIDENCE, dear, confidence=False)[0].tolist() == [0, 0, 0, 0]
    assert decoder.decode_words(WORD_EVIDENCE, cheap, confidence=False)[0].tolist() == [0, 1, 1, 0]
    # a minimum of 2 words allows the inner guest turn; 3 words forbid it: the best is all host
    # (4) against host,guest,guest,guest (2+1+1+0 - 0.5 = 3.5; the last turn may be short)
    assert decoder.decode_words(WORD_EVIDENCE, cheap, min_words=2, confidence=False)[0].tolist() == [0, 1, 1, 0]
    assert decoder.decode_words(WORD_EVIDENCE, cheap, min_words=3, confidence=False)[0].tolist() == [0, 0, 0, 0]


def test_word_decoder_posteriors_match_the_hand_worked_example():
    # two words, potentials: host,host .8*.5 = .4; host,guest .8*.5*.25 = .1;
    # guest,host .2*.5*.25 = .025; guest,guest .2*.5 = .1; Z = .625
    evidence = np.log([[0.8, 0.2], [0.5, 0.5]])
    roles, confidence = decoder.decode_words(evidence, np.log([1.0, 0.25]))
    assert roles.tolist() == [0, 0]
    assert confidence == pytest.approx([0.5 / 0.625, 0.425 / 0.625])


def test_duration_states_forbid_short_inner_turns():
    trans = np.log([[0.5, 0.5], [0.5, 0.5]])
    expanded, role = decoder.duration_states(trans, 3)
    assert role.tolist() == [0, 0, 0, 1, 1, 1]
    assert np.isfinite(expanded).sum() == 2 * (2 + 2)          # two counting steps, then stay or switch
    assert decoder.switch_mask(3).sum() == 2 and decoder.switch_mask(3)[2, 3] and decoder.switch_mask(3)[5, 0]
    # one guest block between host blocks: allowed by the plain chain, not with 2-block turns
    evidence = np.log([[0.9, 0.1], [0.2, 0.8], [0.9, 0.1]])
    plain, _ = decoder.decode(np.exp(evidence[:, 1]), np.exp(trans), 0.5, prior_weight=0)
    longer, _ = decoder.decode(np.exp(evidence[:, 1]), np.exp(trans), 0.5, prior_weight=0, min_blocks=2)
    assert plain.tolist() == [0, 1, 0] and longer.tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="min_blocks"):
        decoder.duration_states(trans, 0)


# --- evaluation -----------------------------------------------------------------------------

def test_boundary_matching_is_one_to_one_within_tolerance():
    assert evaluate.boundaries([0, 0, 1, 1, 0]).tolist() == [2, 4]
    assert evaluate.match_boundaries([10, 50], [12, 13, 70], tolerance=5) == 1
    counts = evaluate.episode_counts([0] * 10 + [1] * 30, [0] * 14 + [1] * 26)
    s = evaluate.scores(counts)
    assert s["accuracy"] == pytest.approx(36 / 40) and s["boundary_f1"] == 1.0
    assert s["macro_f1"] == pytest.approx(np.mean([2 * 10 / (2 * 10 + 4), 2 * 26 / (2 * 26 + 4)]))


def test_short_runs_are_merged_for_the_long_turn_scores():
    roles = [0] * 12 + [1] * 30 + [0] * 2 + [1] * 20 + [0] * 15 + [1] * 3
    merged = evaluate.merge_short_runs(roles)
    assert merged.tolist() == [0] * 12 + [1] * 52 + [0] * 15 + [1] * 3     # the last run is at the edge: kept
    counts = evaluate.episode_counts(roles, merged)
    assert counts["long_true_boundaries"] == counts["long_boundary_hits"] == 3 and counts["true_boundaries"] == 5


# --- a small fitted model ---------------------------------------------------------------------

HOST_WORDS = "what do you think about why would you say how did you feel is it possible that".split()
GUEST_WORDS = "i we our system was built because the data and models really work well in practice".split()


def synthetic_episode(seed, n_turns=16):
    rng = np.random.default_rng(seed)
    words, roles = [], []
    for k in range(n_turns):
        role = k % 2
        length = rng.integers(15, 30) if role == 0 else rng.integers(60, 120)
        vocab = HOST_WORDS if role == 0 else GUEST_WORDS
        words += list(rng.choice(vocab, length))
        roles += [role] * int(length)
    stream = convert.CaptionStream(words, roles)
    return dataset.Episode(str(seed), f"{seed}.txt", stream, dataset.content_hash(words), group=str(seed))


@pytest.fixture(scope="module")
def small_model():
    return train.fit_on([synthetic_episode(s) for s in range(6)], half=4, log=lambda *_: None)


def test_a_small_model_recovers_the_turn_boundaries(small_model):
    test = synthetic_episode(99)
    roles, confidence = small_model.predict(test.stream.words)
    s = evaluate.scores(evaluate.episode_counts(test.stream.roles, roles))
    assert s["accuracy"] > 0.95 and s["boundary_precision"] > 0.9 and s["boundary_recall"] > 0.9
    # the role marginal of the Viterbi path's role: below 0.5 only where path and marginal disagree (crf.decode)
    assert ((confidence >= 0) & (confidence <= 1)).all() and (confidence >= 0.5).mean() > 0.99


def test_training_is_seeded_same_data_same_model_file(small_model):
    again = train.fit_on([synthetic_episode(s) for s in range(6)], half=4, log=lambda *_: None)
    assert again.to_json() == small_model.to_json()


def test_model_file_round_trip_and_tamper_check(small_model, tmp_path):
    path = small_model.save(tmp_path / "m.json")
    loaded = M.load_model(path)
    words = synthetic_episode(98).stream.words
    assert (loaded.predict(words)[0] == small_model.predict(words)[0]).all()
    assert loaded.to_json() == path.read_text(encoding="utf-8")           # same model, same bytes
    data = json.loads(path.read_text(encoding="utf-8"))
    data["classifier"]["a"] = 0.0
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="weights_sha256"):
        M.load_model(tmp_path / "bad.json")


def test_attribution_is_deterministic_and_gives_role_runs(small_model):
    episode = synthetic_episode(97)
    text = " ".join(w.capitalize() + ("?" if i % 40 == 39 else "") for i, w in enumerate(episode.stream.words))
    turns, conf = attribute.attribute_captions(text, small_model, host="Lex Fridman", guest="Ann Guest")
    again = attribute.attribute_captions(text, small_model, host="Lex Fridman", guest="Ann Guest")
    assert [(t.role, t.text) for t in turns] == [(t.role, t.text) for t in again[0]] and conf == again[1]
    assert {t.role for t in turns} == {"interviewer", "interviewee"}
    assert all(a.role != b.role for a, b in zip(turns, turns[1:]))
    assert sum(len(t.text.split()) for t in turns) == len(episode.stream.words)
    records = attribute.with_role_source([{"turn_id": i} for i in range(len(turns))], conf)
    assert all(r["role_source"] == "model" and 0.5 <= r["role_confidence"] <= 1 for r in records)


def test_duplicates_stay_on_one_side_of_the_split():
    episodes = [synthetic_episode(s) for s in range(10)]
    copy = synthetic_episode(3)
    copy.episode = "copy-of-3"
    episodes.append(copy)
    dataset.assign_groups(episodes)
    assert copy.group == episodes[3].group and len({e.group for e in episodes}) == 10
    for seed in range(5):
        tr, te = dataset.split_episodes(episodes, test_share=0.3, random_state=seed)
        assert not {e.group for e in tr} & {e.group for e in te}
        assert ("3" in {e.episode for e in te}) == ("copy-of-3" in {e.episode for e in te})


# --- the role switch in analyses --------------------------------------------------------------

ROLE_TURNS = pd.DataFrame(
    [("a", 1, "Host", "interviewer", 20, "Ann Boss", "yes"), ("a", 2, "Ann Boss", "interviewee", 60, "Ann Boss", "yes"),
     ("m", 1, "Lex Fridman", "interviewer", 15, "Bo Chief", "model"),
     ("m", 2, "Bo Chief", "interviewee", 90, "Bo Chief", "model")],
    columns=["doc_id", "turn_id", "speaker", "role", "n_tokens", "interviewee", "speaker_labels"])


def test_role_switch_in_executive_turns():
    with_model = C.executive_turns(ROLE_TURNS)
    assert list(zip(with_model["doc_id"], with_model["turn_id"])) == [("a", 2), ("m", 2)]
    assert with_model.set_index("doc_id")["speech"].to_dict() == {"a": "executive", "m": "executive (model roles)"}
    without = C.executive_turns(ROLE_TURNS, model_roles=False)
    assert list(zip(without["doc_id"], without["turn_id"])) == [("a", 2), ("m", 1), ("m", 2)]
    assert without.set_index("doc_id")["speech"].to_dict() == {"a": "executive", "m": "whole conversation"}


def test_role_switch_in_dynamics():
    turns = ROLE_TURNS.assign(turn_unit="turn")
    hits = turns[["doc_id", "turn_id"]].assign(X=[1, 1, 1, 1])
    assert dynamics.left_out_documents(turns) == {}
    assert list(dynamics.left_out_documents(turns, model_roles=False)) == ["m"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        both = dynamics.theme_introductions(turns, hits)
        labelled = dynamics.theme_introductions(turns, hits, model_roles=False)
    assert set(both["doc_id"]) == {"a", "m"} and set(labelled["doc_id"]) == {"a"}


def test_model_roles_sensitivity_with_and_without_model_documents():
    units = pd.DataFrame(
        [("a", 100, "executive", "A", 1), ("a", 100, "executive", "A", 0), ("b", 200, "executive", "B", 2),
         ("m", 100, "executive (model roles)", "C", 0), ("m", 300, "executive (model roles)", "C", 0)],
        columns=["doc_id", "n_tokens", "speech", "person", "compute_scarcity"])
    table = C.model_roles_sensitivity(units, themes=["compute_scarcity"], n_boot=200, random_state=0)
    got = table.set_index(["scope", "measure"])
    # rates per 1,000 tokens, mean of interviews: a 5, b 10, m 0; turn shares: a 0.5, b 1, m 0
    assert got.loc[("labelled only", "rate"), "estimate"] == pytest.approx(7.5)
    assert got.loc[("model-attributed only", "rate"), "estimate"] == pytest.approx(0)
    assert got.loc[("with model-attributed", "rate"), "estimate"] == pytest.approx(5)
    assert got.loc[("with model-attributed", "rate"), "shift"] == pytest.approx(-2.5)
    assert got.loc[("labelled only", "turn share"), "estimate"] == pytest.approx(0.75)
    assert got.loc[("with model-attributed", "turn share"), "shift"] == pytest.approx(-0.25)
    assert got.loc[("labelled only", "rate"), "shift"] == 0
    assert got["n"].to_dict()[("with model-attributed", "rate")] == 3
    assert (table["lo"] <= table["estimate"] + 1e-9).all() and (table["estimate"] <= table["hi"] + 1e-9).all()
    assert table.equals(C.model_roles_sensitivity(units, themes=["compute_scarcity"], n_boot=200, random_state=0))
    only_labelled = C.model_roles_sensitivity(units[units["speech"] == "executive"], themes=["compute_scarcity"],
                                              n_boot=50)
    assert set(only_labelled["scope"]) == {"labelled only", "with model-attributed"}


# --- the shipped model ----------------------------------------------------------------------

def test_shipped_model_loads_and_matches_its_recorded_version():
    assert M.MODEL_FILE.stat().st_size < 5_000_000
    shipped = M.load_model()                       # checks format, code version and weights_sha256
    version = shipped.version
    assert len(version["training_episodes_sha256"]) == 64
    assert not set(version["training_episodes"]) & set(version["test_episodes"])
    assert shipped.featurizer.n_features == len(shipped.coef)
    text = M.MODEL_FILE.read_text(encoding="utf-8")
    assert "pickle" not in text
    assert json.loads(text)["format"] in (M.FORMAT, M.FORMAT_GAPS, M.FORMAT_BLOCKS)


def test_features_layout():
    f = features.Featurizer(["you", "i think"], ["you"], half=3)
    X = f.transform("so what do you think i think it works".split())
    assert X.shape == (2, f.n_features)
    assert features.block_labels([0, 0, 0, 1, 1, 1, 1]).tolist() == [0, 1]


# --- the extraction hook ------------------------------------------------------------------------

def caption_raw_folder(tmp_path, text, name="raw", file="2024-01-01_byron_lexfridman001.txt"):
    raw = tmp_path / name
    raw.mkdir()
    (raw / file).write_text(text, encoding="utf-8")
    row = {"file": file, "speaker": "Ada Byron", "organization": "Analytical",
           "role": "CEO", "date": "2024-01-01", "date_precision": "day", "outlet_or_venue": "Lex Fridman Podcast #1",
           "format": "podcast", "language": "en", "source_repo": "", "source_path": "", "source_commit": "",
           "original_url": "", "notes": ""}
    with open(raw / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return raw


def test_extraction_gives_caption_turns_model_roles_by_default(tmp_path, monkeypatch, small_model):
    monkeypatch.setitem(attribute._MODEL_CACHE, "model", small_model)  # knows the synthetic vocabulary
    episode = synthetic_episode(96)
    raw = caption_raw_folder(tmp_path, " ".join(episode.stream.words))
    (chunked,) = extract(raw, tmp_path / "plain", speaker_roles=False)   # --no-speaker-roles
    (attributed,) = extract(raw, tmp_path / "roles")                    # the default
    meta, records = read_features(chunked)
    assert meta["speaker_labels"] == "none" and meta["turn_unit"] == "chunk"
    assert {r["role"] for r in records} == {"other"} and not any("role_source" in r for r in records)
    meta, records = read_features(attributed)
    assert meta["speaker_labels"] == "model" and meta["turn_unit"] == "turn"
    interview = [r for r in records if r["segment"] == "interview"]
    assert {r["role"] for r in interview} == {"interviewer", "interviewee"}
    assert all(r["role_source"] == "model" and 0.5 <= r["role_confidence"] <= 1 for r in interview)
    assert {r["speaker"] for r in interview} <= {"Lex Fridman", "Ada Byron"}
    # deterministic: the same bytes twice, and the same as the features text computed in memory
    assert attributed.read_bytes() == extract(raw, tmp_path / "again")[0].read_bytes()
    text = (raw / "2024-01-01_byron_lexfridman001.txt").read_text(encoding="utf-8")
    assert len(attribute.attribute_captions(text)[0]) == len(records)


def test_the_cli_flag_no_speaker_roles_gives_chunks(tmp_corpus, tmp_path):
    episode = synthetic_episode(97)
    raw = caption_raw_folder(tmp_path, " ".join(episode.stream.words))
    assert main(["extract", "--raw", str(raw), "--no-speaker-roles"]) == 0
    assert set(load_catalog()["speaker_labels"]) == {"none"}
    assert main(["extract", "--raw", str(raw)]) == 0
    catalog = load_catalog()
    assert catalog[["speaker_labels", "turn_unit"]].values.tolist() == [["model", "turn"]]
    turns = load_corpus()
    assert set(turns["role"]) <= {"interviewer", "interviewee"} and set(turns["role_source"]) == {"model"}


def test_role_source_per_document_type(tmp_corpus, tmp_path, monkeypatch, small_model):
    """labels for speaker-labelled transcripts (features and full text), cues for a print
    interview, model (with a confidence) for captions by default, none for chunks."""
    monkeypatch.setitem(attribute._MODEL_CACHE, "model", small_model)  # knows the synthetic vocabulary
    captions = " ".join(synthetic_episode(98).stream.words)
    extract(caption_raw_folder(tmp_path, captions, "raw_captions"), tmp_corpus / "features")
    extract(caption_raw_folder(tmp_path, PAGE, "raw_page", "2024-01-02_guest_lexfridman999.txt"),
            tmp_corpus / "features")
    (tmp_path / "labelled.txt").write_text("Interviewer: Why so many GPUs?\nAda Lovelace: Every experiment "
                                           "needs compute.\n", encoding="utf-8")
    (tmp_path / "captions.txt").write_text(captions, encoding="utf-8")
    (tmp_path / "captions2.txt").write_text(captions + " and that is all", encoding="utf-8")
    base = dict(interviewee="Ada Lovelace", organization="Analytical Engines", date="2025-03", language="en",
                format="podcast")
    add_interview(tmp_path / "labelled.txt", InterviewMetadata(doc_id="full_labels", **base))
    add_interview(tmp_path / "captions.txt", InterviewMetadata(doc_id="full_model", **base), shape="captions",
                  hosts=["Grace Host"])
    add_interview(tmp_path / "captions2.txt", InterviewMetadata(doc_id="full_chunks", **base), shape="captions",
                  speaker_roles=False)
    rebuild_catalog()
    turns = load_corpus()
    by_doc = turns.groupby("doc_id")
    sources = by_doc["role_source"].agg(lambda s: sorted(set(s))).to_dict()
    assert sources == {"2024-01-01_byron_lexfridman001": ["model"], "2024-01-02_guest_lexfridman999": ["labels"],
                       "full_labels": ["labels"], "full_model": ["model"], "full_chunks": ["none"]}
    labels = load_catalog().set_index("doc_id")["speaker_labels"].to_dict()
    assert labels == {"2024-01-01_byron_lexfridman001": "model", "2024-01-02_guest_lexfridman999": "yes",
                      "full_labels": "yes", "full_model": "model", "full_chunks": "none"}
    model = turns[turns["role_source"] == "model"]
    assert model["role_confidence"].between(0.5, 1).all()
    assert turns[turns["role_source"] != "model"]["role_confidence"].isna().all()
    # the full-text document keeps the same turns and confidences as the features document of the same captions
    full, feat = (turns[turns["doc_id"] == d] for d in ("full_model", "2024-01-01_byron_lexfridman001"))
    assert full["role"].tolist() == feat["role"].tolist()
    assert full["role_confidence"].tolist() == feat["role_confidence"].tolist()
    assert set(full["speaker"]) == {"Grace Host", "Ada Lovelace"}


def test_print_interviews_carry_role_source_cues(tmp_corpus, print_interview):
    add_interview(print_interview, InterviewMetadata(
        doc_id="print_doc", interviewee="Ada Lovelace", organization="Analytical Engines", date="2025-03",
        language="en", format="print", outlet="The Example Gazette"))
    turns = load_corpus()
    assert set(turns["role_source"]) == {"cues"} and turns["role_confidence"].isna().all()


def test_boundary_scores_split_by_turn_length():
    # truth: host 20, guest 3 (an interjection), host 20, guest 30: boundaries 20, 23 (short), 43 (10+)
    true = [0] * 20 + [1] * 3 + [0] * 20 + [1] * 30
    # prediction misses the interjection and puts the long boundary 4 words late
    predicted = [0] * 47 + [1] * 26
    counts = evaluate.episode_counts(true, predicted)
    assert evaluate.short_boundaries(true).tolist() == [True, True, False]
    assert (counts["true_short_turns"], counts["true_hit_short_turns"]) == (2, 0)
    assert (counts["true_turns_10plus"], counts["true_hit_turns_10plus"]) == (1, 1)
    assert (counts["predicted_turns_10plus"], counts["predicted_hit_turns_10plus"]) == (1, 1)
    s = evaluate.scores(counts)
    assert s["boundary_recall_short_turns"] == 0 and s["boundary_f1_turns_10plus"] == 1.0
    assert s["boundary_f1"] == pytest.approx(2 * 1 / (3 + 1))            # the headline metric is unchanged
    assert evaluate.match_pairs([10, 50], [12, 13, 70], tolerance=5) == [(0, 0)]


# --- the pinned split and reproducible training -----------------------------------------------

def synthetic_page(seed: int, n_turns: int = 14) -> str:
    """A ``lexfridman``-layout page of a synthetic two-speaker episode."""
    episode = synthetic_episode(seed, n_turns)
    lines = [f"# Transcript for Guest {seed}: Things | Lex Fridman Podcast #{seed}", "", "## Introduction", ""]
    roles, words = episode.stream.roles, episode.stream.words
    start = 0
    for i in range(1, len(roles) + 1):
        if i == len(roles) or roles[i] != roles[start]:
            name = "Lex Fridman" if roles[start] == 0 else f"Guest Number{seed}"
            lines += [f"{name} [(00:00:{start % 60:02d})](https://x.test/&t={start}) {' '.join(words[start:i])}", ""]
            start = i
    return "\n".join(lines)


def synthetic_archive(tmp_path, seeds=range(10, 22)):
    root = tmp_path / "archive"
    (root / "transcripts").mkdir(parents=True)
    with open(root / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "episode", "title", "shape"])
        for seed in seeds:
            (root / "transcripts" / f"{seed}.txt").write_text(synthetic_page(seed), encoding="utf-8")
            writer.writerow([f"{seed}.txt", str(seed), f"Guest {seed}", "lexfridman"])
    return root


def test_the_pinned_split_is_read_back_and_checked(tmp_path):
    episodes = [synthetic_episode(s) for s in range(10)]
    dataset.assign_groups(episodes)
    path = dataset.write_split(episodes[:6], episodes[6:8], episodes[8:], tmp_path / "split.json")
    train_eps, val, test = dataset.pinned_split(episodes, path)
    assert [e.episode for e in train_eps] == [str(s) for s in range(6)]
    assert [e.episode for e in val] == ["6", "7"] and [e.episode for e in test] == ["8", "9"]
    assert json.loads(path.read_text())["data_version"] == dataset.data_version(episodes)
    with pytest.raises(InputError, match="neither"):
        dataset.pinned_split(episodes + [synthetic_episode(42)], path)
    copy = synthetic_episode(9)                                   # a copy of a test episode in training
    copy.episode = "copy-of-9"
    with_copy = episodes + [copy]
    dataset.write_split(episodes[:6] + [copy], episodes[6:8], episodes[8:], tmp_path / "split2.json")
    dataset.assign_groups(with_copy)
    assert copy.group == "9"                                      # groups are named by their smallest episode
    with pytest.raises(InputError, match="both sides"):
        dataset.pinned_split(with_copy, tmp_path / "split2.json")


def test_training_on_an_archive_is_reproducible_byte_for_byte(tmp_path, monkeypatch):
    root = synthetic_archive(tmp_path)
    episodes = dataset.load_episodes(root)
    dataset.write_split(episodes[:6], episodes[6:9], episodes[9:], tmp_path / "split.json")
    quiet = {"log": lambda *_: None, "split_path": tmp_path / "split.json"}
    monkeypatch.setattr(train, "START_OFFSETS", (0.0, 1.0))     # a small grid: the test is about reproduction
    first, second = train.train(root, **quiet), train.train(root, **quiet)
    assert first.to_json() == second.to_json()
    assert first.version["test_episodes"] == ["19", "20", "21"]
    assert first.version["validation_episodes"] == ["16", "17", "18"]
    assert first.version["data_version"] == dataset.data_version(episodes)


def test_shipped_model_records_the_pinned_split():
    shipped = M.load_model()
    split = json.loads(dataset.SPLIT_FILE.read_text(encoding="utf-8"))
    version = shipped.version
    # the pinned test episodes are the first model's: every model is scored on the same held-out episodes
    assert version["test_episodes"] == sorted(split["test_episodes"])
    assert version["training_episodes"] == sorted(split["training_episodes"])
    if shipped.format != M.FORMAT_BLOCKS:          # trained from the pinned split (the first model predates it)
        assert version["data_version"] == split["data_version"]
        assert version["validation_episodes"] == sorted(split["validation_episodes"])
        assert set(version["validation_episodes"]) <= set(version["training_episodes"])


def test_the_first_models_format_is_still_read_and_written(tmp_path, small_model):
    blocks = M.SpeakerModel(half=4, word_vocabulary=small_model.word_vocabulary,
                            char_vocabulary=small_model.char_vocabulary, coef=small_model.coef,
                            intercept=small_model.intercept, a=small_model.a, b=small_model.b,
                            prior_guest=small_model.prior_guest, transitions=[[0.9, 0.1], [0.05, 0.95]])
    assert blocks.format == M.FORMAT_BLOCKS and small_model.format == M.FORMAT
    path = blocks.save(tmp_path / "blocks.json")
    loaded = M.load_model(path)
    assert loaded.format == M.FORMAT_BLOCKS and loaded.to_json() == path.read_text(encoding="utf-8")
    words = synthetic_episode(95).stream.words
    roles, confidence = loaded.predict(words)
    assert len(roles) == len(words) and ((confidence >= 0.5) & (confidence <= 1)).all()
    assert all(len(set(roles[i:i + features.BLOCK].tolist())) == 1 for i in range(0, len(roles), features.BLOCK))


def test_the_second_models_format_is_still_read_and_written(tmp_path, small_model):
    """The gap-classifier model (format /2) attributed the corpus before the CRF: it must still load and decode."""
    gaps = M.SpeakerModel(half=4, word_vocabulary=small_model.word_vocabulary,
                          char_vocabulary=small_model.char_vocabulary, coef=small_model.coef,
                          intercept=small_model.intercept, a=small_model.a, b=small_model.b,
                          prior_guest=small_model.prior_guest, gap_vocabulary=["R1=h0", "L1=g0"],
                          gap_coef=[1.0, -1.0], gap_intercept=-3.0, prior_weight=0.5, emission_scale=0.1,
                          switch_offset=-1.5)
    assert gaps.format == M.FORMAT_GAPS
    path = gaps.save(tmp_path / "gaps.json")
    loaded = M.load_model(path)
    assert loaded.format == M.FORMAT_GAPS and loaded.to_json() == path.read_text(encoding="utf-8")
    words = synthetic_episode(94).stream.words
    assert (loaded.predict(words)[0] == gaps.predict(words)[0]).all()


def test_crf_labels_mark_turn_starts():
    from analysis.ingest.speakers import crf
    assert crf.crf_labels([0, 0, 1, 1, 1, 0]) == ["Hs", "H", "Gs", "G", "G", "Hs"]
    assert crf.roles_of([0, 1, 2, 3]).tolist() == [0, 1, 0, 1]


@pytest.mark.skipif(not (dataset.archive_dir() / "manifest.csv").exists(), reason="needs ../shared/lex-archive")
def test_the_archive_gives_back_the_shipped_model_data_version():
    """The labelled archive, converted by today's code, is the data the shipped model was trained on."""
    shipped = M.load_model()
    if shipped.format == M.FORMAT_BLOCKS:
        pytest.skip("the first shipped model (block decoding) predates the recorded data version")
    episodes = dataset.load_episodes()
    assert dataset.data_version(episodes) == shipped.version["data_version"]
    train_eps, val, test = dataset.pinned_split(episodes)
    assert dataset.episode_list_hash(train_eps + val) == shipped.version["training_episodes_sha256"]
