"""What ``python -m analysis speakers`` does: evaluate, train, or describe caption style."""
from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.textio import read_text
from analysis.ingest.importers.captions import CUE, DASHES, clean_captions
from analysis.ingest.importers.rules import segment_spans
from analysis.ingest.speakers.attribute import word_roles
from analysis.ingest.speakers.convert import HOST, caption_style
from analysis.ingest.speakers.dataset import archive_dir, manifest_rows
from analysis.ingest.speakers.evaluate import boundaries, held_out_evaluation, match_boundaries
from analysis.ingest.speakers.model import MODEL_FILE, load_model
from analysis.ingest.speakers.train import train


def caption_style_table(root=None) -> pd.DataFrame:
    """Median per-1,000-word rates of fillers, repeats and % signs, caption vs labelled files."""
    root = root or archive_dir()
    rows = []
    for shape in ("captions", "lexfridman"):
        styles = [caption_style(read_text(root / "transcripts" / row["file"])) for row in manifest_rows(root, shape)]
        for key in ("fillers_per_1000", "repeats_per_1000", "percent_signs_per_1000"):
            rows.append({"shape": shape, "files": len(styles), "feature": key,
                         "median": round(statistics.median(s[key] for s in styles), 2)})
    return pd.DataFrame(rows)


def marker_check(path, model=None) -> pd.DataFrame:
    """The model against the speaker-change marks a few real caption files carry.

    Some caption files mark a change of speaker with a lone dash and the host's turns with a
    ``[Lex]`` cue (the comparison corpus's Schmidt episode, for one). In the interview segment,
    this compares the model's turn boundaries with the dash positions (hits within 10 words,
    one to one, as in :mod:`analysis.ingest.speakers.evaluate`) and counts how many words
    from a ``[Lex]`` cue to the next dash the model gives to the host. Reads the file, prints
    no text.
    """
    text = read_text(path)
    model = model or load_model()
    words, dashes, _ = clean_captions(text)
    stream = " ".join(words)
    starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]])
    spans = [s for s in segment_spans(stream) if s.segment == "interview"]
    host_cues = [len([t for t in CUE.sub(" ", text[:m.start()]).split() if t not in DASHES])
                 for m in re.finditer(r"\[Lex\]", text)]
    rows = []
    for span in spans:
        a, b = int(np.searchsorted(starts, span.start)), int(np.searchsorted(starts, span.end))
        roles, _ = word_roles(words[a:b], model)
        true = sorted(j - a for j in dashes if a < j < b)
        predicted = boundaries(roles)
        cue_words = []
        for cue in (c - a for c in host_cues if a <= c < b):
            end = min([d for d in true if d > cue] or [b - a])
            cue_words += list(roles[cue:end])
        rows.append({"file": Path(path).name, "interview_words": b - a, "dash_markers": len(true),
                     "model_boundaries": len(predicted), "hits_within_10": match_boundaries(true, predicted),
                     "lex_cue_words": len(cue_words),
                     "lex_cue_words_given_to_host": int(np.sum(np.asarray(cue_words) == HOST))})
    return pd.DataFrame(rows)


def run_speakers(args, write_table) -> int:
    """Dispatch the ``speakers`` flags (see ``python -m analysis speakers --help``)."""
    if not (args.train or args.evaluate or args.caption_style or args.marker_check):
        model = load_model()
        print(f"{MODEL_FILE}: training episodes sha256 {model.version.get('training_episodes_sha256', '?')}, "
              f"window {model.featurizer.window_words} words; use --evaluate, --train or --caption-style")
        return 0
    if args.marker_check:
        write_table(pd.concat([marker_check(path) for path in args.marker_check], ignore_index=True), args.format)
    if args.caption_style:
        write_table(caption_style_table(), args.format)
    if args.train:
        model = train(log=lambda message: print(message, file=sys.stderr), new_split=args.new_split)
        print(f"wrote {model.save()}", file=sys.stderr)
    if args.evaluate:
        summary, per_episode = held_out_evaluation(load_model(), n_boot=args.n_boot)
        table = per_episode if args.per_episode else summary
        write_table(table.round(4), args.format)
    return 0
