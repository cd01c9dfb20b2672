"""Who is speaking in captions: host and guest turns for transcripts without speaker names.

Automatic captions give one stream of words. A model trained on the archive's labelled
Lex Fridman pages, rewritten to look like captions, says for every word whether the host
(interviewer) or the guest (interviewee) speaks, so caption documents get turns with
roles instead of anonymous chunks. One module per job:

* :mod:`~analysis.ingest.speakers.convert`: labelled turns -> caption-form words with true roles;
* :mod:`~analysis.ingest.speakers.dataset`: the archive's labelled episodes, duplicate groups, the pinned split
  by episode (``speaker_split.json``);
* :mod:`~analysis.ingest.speakers.features`: blocks of 5 words and their context windows; the words around each gap;
* :mod:`~analysis.ingest.speakers.classifier`: calibrated linear block classifier and gap classifier (scikit-learn);
* :mod:`~analysis.ingest.speakers.crf`: the linear-chain CRF over words (host/guest, inside/turn start) that the
  shipped model decodes with, fed by the block classifier's score and the words around each gap;
* :mod:`~analysis.ingest.speakers.decoder`: Viterbi and forward-backward (any number of states), with switching
  scores per gap and an optional minimum turn length (expanded states);
* :mod:`~analysis.ingest.speakers.model`: the shipped model as plain JSON (``speaker_model.json``);
* :mod:`~analysis.ingest.speakers.evaluate`: accuracy, macro F1, boundary scores, baselines;
* :mod:`~analysis.ingest.speakers.train`: training with validation (maintainers);
* :mod:`~analysis.ingest.speakers.attribute`: applying the model to a caption transcript
  (called by :func:`analysis.ingest.extract.document_turns` for every caption transcript,
  at extraction and in ``python -m analysis add --shape captions``, unless ``--no-speaker-roles``).

``python -m analysis speakers --evaluate`` prints the held-out scores; ``--train``
retrains (both need the maintainers' ``../shared/lex-archive``).

**Limits.** (1) The test episodes are human-cleaned transcripts rewritten as captions;
real captions are ASR output with misheard words, dropped words and no guarantee that a
speaker change falls between words, so held-out scores are an optimistic estimate for
real captions. (2) The host is always Lex Fridman in training: applied to another show
(the Dwarkesh Podcast's caption document, with two interviewers) the model meets a host
it has never seen. (3) Two roles only: a second guest or a second host is folded into
guest or host. (4) Short interjections ("right", "yeah" from the host inside an answer)
are found less often than long turns (``--evaluate`` prints boundary scores split by turn
length): the role classifier sees blocks of 5 words, and only the CRF's gap tokens (the
words on both sides of each gap) can place a 1-3-word turn.

**Real captions read again with the second model (gap classifier, word-level decoder).** The same
four documents were read with the new boundaries marked (notebook 05, section 8, shows their turn
structure and what the reading found): boundaries are much finer, often exact or a few words off,
and short interjections are separate turns now; where a boundary is off it is usually by a phrase,
some long host questions are still cut by a short guest turn or given to the guest, and a few wrong
pieces carry high confidence. The Dwarkesh Podcast document (two hosts never seen in training) still
fails: its host turns are almost only acknowledgements and the hosts' questions sit inside the
guest's turns. Across the caption documents the interviewer's share of tokens is mostly below that
of labelled Lex Fridman episodes: host speech still leaks into the guest's turns. (With the first
model, block decoding, boundaries were typically 5-20 words off and interjections were absorbed.)

**The third model (CRF over words, ``crf``)** has been scored on the converted held-out episodes and on
the one caption file with speaker-change marks (``speakers --marker-check``, ``train.py``'s docstring),
applied to every caption document (session 11), and the same four documents were read with its
boundaries (notebook 05, section 8): the rhythm of questions and answers is kept and there are far
fewer stray one-word host turns (and a higher interviewer share), but the same kinds of errors
remain (edges a phrase off, host passages inside answers, confident wrong turns), and the Dwarkesh
Podcast document is still not attributed.
"""
