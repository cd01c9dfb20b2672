"""The command line: ``python -m analysis <command>``.

Each command is a thin wrapper over a library function; tables go to standard output
as CSV so they can be piped (``python -m analysis corpus --format csv > turns.csv``).

Exit status: 0 done; 2 a usage error (an argument argparse refuses, a number out of its
range, an unknown doc_id or name: :class:`~analysis.core.textio.UsageError`); 1 a runtime
failure the user can act on (bad input file, damaged corpus, network, disk:
:class:`~analysis.core.textio.InputError`, ``OSError``, ``http.client`` errors), printed as
one line on standard error with control characters escaped. Anything else is a bug and
keeps its traceback. Every numeric argument is checked by argparse (:func:`int_in`).
"""
from __future__ import annotations

import argparse
import difflib
import http.client
import os
import sys
from pathlib import Path
from collections import Counter

import pandas as pd

from analysis.core.paths import corpus_dir
from analysis.core.progress import QUIET_ENV
from analysis.core.textio import InputError, UsageError, escape_control


def int_in(low: int, high: int | None = None, what: str = "a whole number"):
    """An argparse ``type``: an integer in ``[low, high]``, else a message saying what is expected."""
    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"{value} is out of range: {what} must be {bounds}")
        return value
    return parse


def check_names(given, known, what: str) -> None:
    """Refuse names not in ``known``, listing the close matches (``difflib``)."""
    unknown = [name for name in given or () if name not in known]
    if unknown:
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
            parts.append(f"{name!r} (did you mean {' or '.join(close)}?)" if close else repr(name))
        raise UsageError(None, f"unknown {what}: {', '.join(parts)}; known: {', '.join(known)}")


def _printable(table):
    """String cells with control characters escaped (a hostile value cannot drive the terminal)."""
    text_columns = [c for c in table.columns
                    if table[c].dtype == object or pd.api.types.is_string_dtype(table[c].dtype)]
    if not text_columns:
        return table
    table = table.copy()
    for column in text_columns:
        table[column] = table[column].map(lambda v: escape_control(v, keep_newlines=True) if isinstance(v, str) else v)
    return table


def _write_table(table, fmt: str) -> None:
    table = _printable(table)
    if fmt == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        with pd.option_context("display.width", 200, "display.max_rows", 200):
            print(table.to_string(index=False))


def cmd_build(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.ingest.build import build
    from analysis.corpus.store import locked
    with locked(corpus_dir()):
        written = build()
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_corpus(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.corpus.load import load_corpus
    turns = load_corpus(segments=None if args.all_segments else ("interview",), docs=args.doc)
    _write_table(turns, args.format)
    return 0


def cmd_terms(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.corpus.load import load_corpus
    from analysis.measures.frequencies import term_frequencies
    turns = load_corpus(docs=[args.doc])
    table = term_frequencies(turns, by=args.by, level=args.level, min_count=args.min_count)
    _write_table(table.head(args.top) if args.top else table, args.format)
    return 0


def cmd_themes(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.corpus.load import load_corpus
    from analysis.measures.theme_scores import theme_hits, theme_rates, theme_shares
    turns = load_corpus(docs=args.doc)
    if args.rates or args.shares:
        table = (theme_rates if args.rates else theme_shares)(turns, n_boot=args.n_boot, random_state=args.random_state)
    else:
        table = theme_hits(turns).drop(columns="lang")
    _write_table(table, args.format)
    return 0


def cmd_extract(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.ingest.build import rebuild_catalog
    from analysis.ingest.extract import default_workers, extract, extract_folder, extract_selection
    from analysis.corpus.store import locked
    if args.source:
        if not args.out:
            raise UsageError(None, "extract SOURCE_DIR needs --out FEATURES_DIR")
        report = extract_folder(args.source, args.out, scheduler=args.scheduler,
                                workers=args.workers or default_workers(), speaker_roles=args.speaker_roles)
        counts = {s: sum(r["status"] == s for r in report) for s in ("ok", "skipped", "failed")}
        for row in report:
            if row["status"] == "failed":
                print(f"failed: {escape_control(row['message'])}", file=sys.stderr)
        print(f"{counts['ok']} extracted, {counts['skipped']} already there, {counts['failed']} failed; "
              f"report: {Path(args.out) / 'extract_report.csv'}")
        return 1 if counts["failed"] else 0
    if not (args.raw or args.corpus):
        raise UsageError(None, "give SOURCE_DIR --out FEATURES_DIR, or --raw DIR, or --corpus SHARED_DIR")
    with locked(corpus_dir()):
        written = ((extract(args.raw, speaker_roles=args.speaker_roles) if args.raw else [])
                   + (extract_selection(args.corpus, speaker_roles=args.speaker_roles) if args.corpus else []))
        for path in written:
            print(f"wrote {path}")
        print(f"wrote {rebuild_catalog()}")
    return 0


def cmd_add(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.ingest.add import InterviewMetadata, add_interview
    from analysis.corpus.fulltext import read_fulltext
    metadata = InterviewMetadata(doc_id=args.doc_id, interviewee=args.interviewee, organization=args.organization,
                                 date=args.date, date_precision=args.date_precision, language=args.language,
                                 format=args.format, role=args.role, outlet=args.outlet, title=args.title,
                                 notes=args.notes, source_url=args.source_url)
    path = add_interview(args.source, metadata, shape=args.shape, hosts=args.host or (), guests=args.guest or (),
                         force=args.force, timeout=args.timeout, deadline=args.deadline, max_bytes=args.max_bytes,
                         speaker_roles=args.speaker_roles)
    roles = Counter(turn.role for turn in read_fulltext(path)[1])
    print(f"wrote {path} (turns: {', '.join(f'{n} {role}' for role, n in sorted(roles.items()))})")
    print(f"wrote {path.parent.parent / 'catalog.csv'}")
    return 0


def cmd_validate(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.corpus.load import load_corpus
    from analysis.measures.validation import coded_quotes, coded_sample, coded_training, validation_report
    turns = load_corpus()
    if args.reliability:
        from analysis.measures.reliability import instrument_reliability  # lazy, as above
        _write_table(instrument_reliability(turns), args.format)
        return 0
    coded = coded_quotes(args.coding, turns) if args.coding else coded_sample(turns)
    table = validation_report(coded, model=not args.rules_only, level=args.level,
                              training=None if args.coding else coded_training(turns))
    if coded.attrs.get("pending"):
        print(f"note: {coded.attrs['pending']} (turn, theme) disagreement(s) between coders are not adjudicated yet; "
              "the first coder's code stands in for them (`python -m analysis adjudicate` lists them)",
              file=sys.stderr)
    if args.split:
        table = table[table["split"] == args.split]
    _write_table(table, args.format)
    return 0


def cmd_agreement(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.measures.agreement import agreement, agreement_note, coder_pairs, pooled_agreement
    from analysis.measures.coding import load_coding
    from analysis.text.themes import ThemeMatcher
    if not 0 < args.level < 1:
        raise UsageError(None, f"--level must be between 0 and 1, got {args.level}")
    coding = load_coding(themes=ThemeMatcher().themes_)
    if args.coders:
        check_names(args.coders, list(dict.fromkeys(coding["coder"])), "coder")
        pairs = [tuple(args.coders)]
    else:
        pairs = coder_pairs(coding)
        if not pairs:
            raise InputError(corpus_dir() / "themes" / "coding.csv", "no two coders coded a turn in common",
                             hint="agreement needs turns coded by two coders (see corpus/themes/codebook.md)")
    tables = [agreement(coding, a, b, n_boot=args.n_boot, level=args.level, random_state=args.random_state)
              for a, b in pairs]
    if not args.coders and len(pairs) > 1:  # the reliability flags read the pooled table
        tables.append(pooled_agreement(coding, n_boot=args.n_boot, level=args.level, random_state=args.random_state))
    for table in tables:
        _write_table(table.round(4) if args.format == "csv" else table.round(3), args.format)
        # the note travels with the table: on stdout after it, or on stderr when stdout is a CSV
        print(agreement_note(table), file=sys.stderr if args.format == "csv" else sys.stdout)
    return 0


def cmd_adjudicate(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.measures.adjudication import disagreements, load_adjudication
    from analysis.measures.coding import load_coding
    from analysis.text.themes import ThemeMatcher
    themes = ThemeMatcher().themes_
    coding = load_coding(themes=themes)
    table = disagreements(coding, themes, load_adjudication(themes=themes), include_done=args.all)
    _write_table(table, args.format)
    return 0


def cmd_packet(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.core.paths import shared_interviews_dir
    from analysis.ingest.coding_packet import coding_packet
    ids = pd.read_csv(args.ids, dtype={"doc_id": str, "turn_id": int})
    missing = {"doc_id", "turn_id"} - set(ids.columns)
    if missing:
        raise InputError(args.ids, f"missing column(s) {', '.join(sorted(missing))}", line=1,
                         hint="a CSV with doc_id,turn_id (e.g. corpus/themes/sample.csv)")
    raw = args.raw or [shared_interviews_dir()]
    sys.stdout.write(coding_packet(zip(ids["doc_id"], ids["turn_id"]), raw, shared=args.corpus))
    return 0
def cmd_check(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.corpus.check import check, repair
    if args.repair:
        done, findings = repair()
        for step in done:
            print(f"repaired: {escape_control(step)}")
    else:
        findings = check()
    for finding in findings:
        print(escape_control(str(finding)), file=sys.stderr)
    print(f"{len(findings)} problem(s) in {corpus_dir()}" if findings else f"corpus consistent: {corpus_dir()}")
    return 1 if findings else 0


def cmd_speakers(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.ingest.speakers.cli import run_speakers
    return run_speakers(args, _write_table)


def cmd_notebooks(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.tutorial.notebooks import notebook_paths, run_all
    paths = notebook_paths()
    check_names(args.name, [p.stem for p in paths] + [p.name for p in paths], "notebook(s)")
    timings = run_all(args.name, jobs=args.jobs)
    print(f"{len(timings)} notebook(s) in {sum(seconds for _, seconds in timings):.1f} s")
    return 0


def cmd_book(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.tutorial.book import build_book
    print(f"wrote {build_book() / 'index.html'}")
    return 0


def cmd_topics(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.models.topic_results import DEFAULT_KS, FULL_KS, choose_model, default_corpus, documents_table
    corpus = default_corpus()
    chosen = choose_model(corpus, args.kind, k=args.k, ks=FULL_KS if args.full_sweep else DEFAULT_KS)
    print(chosen.reason, file=sys.stderr)
    table = chosen.top_terms(args.top) if args.table == "topics" else documents_table(chosen, corpus)
    _write_table(table, args.format)
    return 0


def cmd_figures(args) -> int:
    # lazy: each command imports only its own stage, so `--help` and small commands start fast
    from analysis.figures.paper import FIGURES, export_all
    check_names(args.name, list(FIGURES), "figure(s)")
    for path in export_all(args.name or None, jobs=args.jobs):
        print(f"wrote {path}")
    return 0


MIN_BOOT = 100  # below this a 95% percentile interval rests on two or three draws per tail


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="AI-discourse corpus: build it, query it, export figures.")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help=f"no progress bars (the same as setting {QUIET_ENV}=1); bars show only on a terminal")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, handler, help_text):
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def with_format(command):
        command.add_argument("--format", choices=("csv", "table"), default="table")
        return command

    add("build", cmd_build, "ingest seeds/ into corpus/ and regenerate corpus/catalog.csv")
    corpus = with_format(add("corpus", cmd_corpus, "the table of turns (catalog metadata joined on)"))
    corpus.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    corpus.add_argument("--all-segments", action="store_true", help="include intros, outros, sponsor reads")
    terms = with_format(add("terms", cmd_terms, "term frequencies of one document"))
    terms.add_argument("--doc", required=True, help="doc_id (see `python -m analysis corpus`)")
    terms.add_argument("--by", choices=("role", "speaker"), help="one table per speaker role or speaker")
    terms.add_argument("--level", choices=("lemma", "token"), default="lemma")
    terms.add_argument("--min-count", type=int_in(1, what="--min-count"), default=1,
                       help="only terms seen at least this often (default 1)")
    terms.add_argument("--top", type=int_in(0, what="--top"), default=0, help="first N rows only (0 = all)")
    themes = with_format(add("themes", cmd_themes, "theme hits per turn (one column per theme), or per-interview "
                                                   "rates or shares with bootstrap intervals over turns"))
    themes.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    scores = themes.add_mutually_exclusive_group()
    scores.add_argument("--rates", action="store_true", help="hits per 1,000 tokens per interview, with intervals")
    scores.add_argument("--shares", action="store_true", help="share of turns touching each theme, with intervals")
    themes.add_argument("--n-boot", type=int_in(MIN_BOOT, 100_000, "the number of bootstrap resamples"),
                        default=2000, help=f"bootstrap resamples ({MIN_BOOT}-100000, default 2000)")
    themes.add_argument("--random-state", type=int_in(0, 2**32 - 1, "the random state"), default=0,
                        help="random state of the bootstrap (default 0)")
    extract = add("extract", cmd_extract, "extract features of third-party transcripts: a whole folder on Dask "
                                          "(SOURCE_DIR --out DIR), or the corpus's documents (--raw, --corpus)")
    extract.add_argument("source", nargs="?", metavar="SOURCE_DIR", help="folder of *.txt transcripts to extract")
    extract.add_argument("--out", metavar="FEATURES_DIR", help="where SOURCE_DIR's features go (resumable)")
    extract.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                         help="an existing dask.distributed scheduler (default: local worker processes)")
    extract.add_argument("--workers", type=int_in(0, 64, "the number of workers"), default=0,
                         help="local worker processes (default: cores, at most 2)")
    extract.add_argument("--raw", help="corpus v1: folder of raw transcripts with manifest.csv (../shared/interviews)")
    extract.add_argument("--corpus", metavar="SHARED_DIR",
                         help="corpus v2: the interviews corpus/candidates.csv includes, from SHARED_DIR/lex-archive "
                              "and SHARED_DIR/interviews-extra")
    extract.add_argument("--no-speaker-roles", dest="speaker_roles", action="store_false",
                         help="caption transcripts as fixed-size chunks with role 'other' (default: interviewer and "
                              "interviewee turns from the speaker model, role_source=model)")
    add_cmd = add("add", cmd_add, "add your own interview (text, Markdown, HTML file or http(s) URL) as full text")
    add_cmd.add_argument("source", metavar="SOURCE", help="path or http(s) URL of the interview")
    add_cmd.add_argument("--doc-id", help="new id: lower-case letters, digits, _ - . (e.g. 2024-04_pineau_latribune)")
    for flag, help_text in (("--interviewee", "who is interviewed"), ("--organization", "their organization"),
                            ("--date", "YYYY-MM-DD, YYYY-MM or YYYY"), ("--language", "fr or en"),
                            ("--role", "the interviewee's role"), ("--outlet", "newspaper, podcast or venue"),
                            ("--title", "title (default: the headline or page title)"), ("--notes", "free notes")):
        add_cmd.add_argument(flag, help=help_text)
    add_cmd.add_argument("--date-precision", choices=("day", "month", "year"),
                         help="default: from the date's form")
    add_cmd.add_argument("--format", choices=("print", "podcast", "video", "testimony", "other"))
    add_cmd.add_argument("--shape", choices=("auto", "print", "labelled", "lexfridman", "captions", "html"),
                         default="auto", help="how the text is laid out (default: detected)")
    add_cmd.add_argument("--no-speaker-roles", dest="speaker_roles", action="store_false",
                         help="with --shape captions: fixed-size chunks with role 'other' (default: interviewer and "
                              "interviewee turns from the speaker model)")
    add_cmd.add_argument("--source-url", help="where a saved file came from (recorded in the catalog)")
    add_cmd.add_argument("--host", action="append", help="an interviewer's speaker label (repeatable)")
    add_cmd.add_argument("--guest", action="append",
                         help="an interviewee's speaker label (repeatable); other speakers become 'other'")
    add_cmd.add_argument("--timeout", type=int_in(1, 600, "--timeout (seconds per read)"), default=10,
                         help="seconds a URL may stay silent (default 10)")
    add_cmd.add_argument("--deadline", type=int_in(1, 3600, "--deadline (seconds)"), default=60,
                         help="seconds a whole download may take (default 60)")
    add_cmd.add_argument("--max-bytes", type=int_in(1, 100_000_000, "--max-bytes"), default=5_000_000,
                         help="largest source accepted (default 5000000)")
    add_cmd.add_argument("--force", action="store_true", help="replace an existing document with this id")
    validate = with_format(add("validate", cmd_validate, "precision, recall and F1 of the theme rules and the "
                                                           "learned model per theme, with Wilson intervals, on "
                                                           "development and test interviews (design-weighted)"))
    validate.add_argument("--coding", help="your own coding: CSV doc_id,quote,<one 0/1 column per theme>[,coder,note]")
    validate.add_argument("--split", choices=("development", "test", "user"), help="only this split")
    validate.add_argument("--rules-only", action="store_true", help="skip the learned model")
    validate.add_argument("--reliability", action="store_true",
                          help="per theme: reliable or not (alpha between coders >= 0.67 and test F1 at its target)")
    validate.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
    agree = with_format(add("agreement", cmd_agreement, "agreement between two coders of the theme sample per "
                                                         "theme: Krippendorff's alpha with a bootstrap interval, "
                                                         "Cohen's kappa, positives per coder"))
    agree.add_argument("--coders", nargs=2, metavar=("A", "B"),
                       help="the two coders (default: every pair of coders with turns in common, then all pairs pooled, the table the reliability flags read)")
    agree.add_argument("--n-boot", type=int_in(0, 100_000, "--n-boot"), default=1000,
                       help="bootstrap replicates for alpha's interval (default 1000; 0: none)")
    agree.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
    agree.add_argument("--random-state", type=int_in(0, what="--random-state"), default=0)
    adjudicate = with_format(add("adjudicate", cmd_adjudicate, "the (turn, theme) pairs on which coders disagree "
                                                                "and no adjudication exists yet, with the columns "
                                                                "of corpus/themes/adjudication.csv to fill"))
    adjudicate.add_argument("--all", action="store_true", help="also the pairs already adjudicated")
    packet = add("packet", cmd_packet, "maintainers: print the text of sampled turns for blind coding "
                                       "(from the raw transcripts; never commit it)")
    packet.add_argument("ids", help="CSV with doc_id,turn_id columns")
    packet.add_argument("--raw", action="append", help="raw transcript folder(s) (default ../shared/interviews)")
    packet.add_argument("--corpus", metavar="SHARED_DIR",
                        help="also the corpus-v2 selection under SHARED_DIR (../shared: lex-archive, interviews-extra)")
    speakers = with_format(add("speakers", cmd_speakers, "who speaks in captions: evaluate the shipped speaker model on "
                                                          "held-out labelled episodes, or train it (maintainers)"))
    speakers.add_argument("--evaluate", action="store_true",
                          help="scores on held-out episodes beside baselines (needs ../shared/lex-archive)")
    speakers.add_argument("--per-episode", action="store_true", help="with --evaluate: one row per episode")
    speakers.add_argument("--train", action="store_true",
                          help="maintainers: retrain and rewrite the shipped model (needs ../shared/lex-archive)")
    speakers.add_argument("--new-split", action="store_true",
                          help="with --train: draw and write a new split (speaker_split.json) instead of the pinned one")
    speakers.add_argument("--caption-style", action="store_true",
                          help="fillers and repeats per 1,000 words in caption vs labelled files (the conversion's rates)")
    speakers.add_argument("--marker-check", nargs="+", metavar="FILE",
                          help="compare the model with the dash and [Lex] speaker marks of real caption files")
    speakers.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples of episodes (default 2000)")
    notebooks = add("notebooks", cmd_notebooks, "execute the notebooks headless in fresh kernels")
    notebooks.add_argument("name", nargs="*", help="only these notebooks (e.g. 02_term_frequencies)")
    notebooks.add_argument("--jobs", type=int_in(1, 8, "--jobs (notebooks at once)"), default=1,
                           help="notebooks executed at once, each in its own kernel (default 1; `make run` uses 2)")
    add("book", cmd_book, "execute the notebooks and build them into a static HTML book in output/book/")
    topics = add("topics", cmd_topics, "the chosen topic model (k by NPMI and stability over random states): its topics' "
                                       "top terms, or the chunk x topic table (French documents projected)")
    topics.add_argument("--kind", choices=("nmf", "lda"), default="nmf")
    topics.add_argument("--k", type=int_in(2, 100, "a topic model needs at least 2 topics: --k"),
                        help="number of topics, 2-100 (default: chosen, see notebook 04)")
    topics.add_argument("--table", choices=("topics", "documents"), default="topics")
    topics.add_argument("--top", type=int_in(1, what="--top"), default=10, help="top terms per topic (default 10)")
    topics.add_argument("--full-sweep", action="store_true", help="choose k over the full range (slower)")
    topics.add_argument("--format", choices=("csv", "table"), default="csv")
    check_cmd = add("check", cmd_check, "check the corpus: catalog against files (sha256, turns, tokens), "
                                        "orphans, unfinished adds; exit status 1 on any problem")
    check_cmd.add_argument("--repair", action="store_true",
                           help="finish or roll back unfinished adds and delete their temporary files (only those)")
    figures = add("figures", cmd_figures, "re-export the paper figure set into figures/")
    figures.add_argument("name", nargs="*", help="only these figures (default: all)")
    figures.add_argument("--jobs", type=int_in(1, 8, "--jobs (figures at once)"), default=1,
                         help="figures built and rendered at once in worker processes (default 1; `make run` "
                              "uses 2); the files are the same bytes whatever the number")
    return parser


def _error(error) -> None:
    print(f"error: {escape_control(str(error))}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2), already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.quiet:  # in the environment, so notebook kernels and Dask workers started from here inherit it
        os.environ[QUIET_ENV] = "1"
    try:
        return args.handler(args)
    except UsageError as error:
        _error(error)
        return 2
    except BrokenPipeError:
        return 0
    except InputError as error:
        _error(error)
        return 1
    except http.client.HTTPException as error:
        _error(f"the server's answer is broken ({type(error).__name__}: {error})")
        return 1
    except OSError as error:  # no space left, file name too long, permission denied...
        where = f"{error.filename}: " if error.filename else ""
        _error(f"{where}{error.strerror or error}")
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
