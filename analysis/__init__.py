"""analysis: the computations behind the AI-discourse notebooks.

The folders are the stages the data flows through, each importing only those below it
(an import-linter contract in ``pyproject.toml``, checked by the tests)::

    ingest/    raw transcripts and the seed -> corpus/ files (importers, extraction, add, build)
    corpus/    the corpus on disk: formats, catalog, loading one table of turns
    measures/  term frequencies, concordances, theme scores, dynamics, validation
    models/    topic models, coherence, stability, the French seed projected
    compare/   comparisons between interviews and groups
    figures/   one style, deterministic export, the paper figure set
    tutorial/  exercises, the environment report, the notebook runner

and beneath them all ``text/`` (tokens, lemmas, stopwords, the theme dictionary),
``stats/`` (resampling, intervals, keyness formulas) and ``core/`` (paths, errors,
atomic file I/O).

What the notebooks call is importable from here (``from analysis import load_corpus``);
the names load on first use, so ``import analysis`` stays cheap.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> the module that defines it (a module itself when the name is a module)
_PUBLIC = {
    # core
    "InputError": "analysis.core.textio",
    "corpus_dir": "analysis.core.paths",
    "figures_dir": "analysis.core.paths",
    "paper_figures_dir": "analysis.core.paths",
    # corpus
    "SEED_DOC_ID": "analysis.corpus.catalog",
    "load_corpus": "analysis.corpus.load",
    "load_catalog": "analysis.corpus.load",
    "turn_counts": "analysis.corpus.load",
    "document_path": "analysis.corpus.load",
    "read_document": "analysis.corpus.load",
    "corpus_overview": "analysis.corpus.overview",
    "counts_by": "analysis.corpus.overview",
    "size_contrast": "analysis.corpus.overview",
    "corpus_version": "analysis.corpus.version",
    # text
    "tokenize": "analysis.text.tokenize",
    "count_tokens": "analysis.text.tokenize",
    "lemmas_and_stems": "analysis.text.lemmas",
    "domain_stopwords": "analysis.text.stopwords",
    "ThemeMatcher": "analysis.text.themes",
    "load_dictionary": "analysis.text.themes",
    # ingest
    "load_speaker_model": "analysis.ingest.speakers.model",
    # measures
    "term_frequencies": "analysis.measures.frequencies",
    "tfidf": "analysis.measures.frequencies",
    "vocabulary_summary": "analysis.measures.frequencies",
    "normalised_bag": "analysis.measures.frequencies",
    "kwic": "analysis.measures.concordance",
    "collocations": "analysis.measures.concordance",
    "theme_hits": "analysis.measures.theme_scores",
    "theme_rates": "analysis.measures.theme_scores",
    "theme_shares": "analysis.measures.theme_scores",
    "seed_standing": "analysis.measures.theme_scores",
    "few_turns_coverage": "analysis.stats.coverage",
    "few_turns_table": "analysis.stats.coverage",
    "nb_shape": "analysis.stats.dispersion",
    "dispersion_table": "analysis.stats.dispersion",
    "negative_binomial_exact": "analysis.stats.intervals",
    "introduction_shares": "analysis.measures.dynamics",
    "left_out_documents": "analysis.measures.dynamics",
    "question_answer_pairs": "analysis.measures.dynamics",
    "theme_introductions": "analysis.measures.dynamics",
    "uptake_matrix": "analysis.measures.dynamics",
    "uptake_rates": "analysis.measures.dynamics",
    "evaluate": "analysis.measures.validation",
    "errors": "analysis.measures.validation",
    "load_hand_coding": "analysis.measures.validation",
    "coded_sample": "analysis.measures.validation",
    "coded_training": "analysis.measures.validation",
    "chosen_instrument": "analysis.measures.validation",
    "validation_report": "analysis.measures.validation",
    "load_sample": "analysis.measures.coding",
    "load_coding": "analysis.measures.coding",
    "agreement": "analysis.measures.agreement",
    "agreement_note": "analysis.measures.agreement",
    "load_splits": "analysis.measures.theme_splits",
    "rule_theme_hits": "analysis.measures.rule_hits",
    "instrument_shares": "analysis.measures.corrected_shares",
    "theme_reliability": "analysis.measures.reliability",
    "instrument_reliability": "analysis.measures.reliability",
    "disagreements": "analysis.measures.adjudication",
    "load_adjudication": "analysis.measures.adjudication",
    "coder_pairs": "analysis.measures.agreement",
    "pooled_agreement": "analysis.measures.agreement",
    "reference_table": "analysis.measures.adjudication",
    "frame_design": "analysis.measures.sampling",
    "ThemeRules": "analysis.text.theme_rules",
    "load_rules": "analysis.text.theme_rules",
    # models
    "FULL_KS": "analysis.models.topic_results",
    "DEFAULT_KS": "analysis.models.topic_results",
    "default_corpus": "analysis.models.topic_results",
    "default_model": "analysis.models.topic_results",
    "document_topics": "analysis.models.topic_results",
    "place_french": "analysis.models.topic_results",
    "selection_table": "analysis.models.topic_results",
    "theme_topic": "analysis.models.topic_results",
    "topic_prevalence": "analysis.models.topic_results",
    "topic_theme_correlation": "analysis.models.topic_results",
    "topic_theme_weights": "analysis.models.topic_results",
    "theme_check": "analysis.models.topic_results",
    "choose_k": "analysis.models.topics",
    "load_glossary": "analysis.models.projection",
    "missing_lemmas": "analysis.models.projection",
    # compare
    "comparisons": "analysis.compare.comparisons",
    # figures
    "paper_figures": "analysis.figures.paper",
    "export_figure": "analysis.figures.export",
    "figure_style": "analysis.figures.export",
    "new_figure": "analysis.figures.export",
    "theme_style": "analysis.figures.export",
    "FORMATS": "analysis.figures.export",
    "ORG_COLOURS": "analysis.figures.export",
    "STYLE_PATH": "analysis.figures.export",
    "THEME_COLOURS": "analysis.figures.export",
    "WIDTHS_MM": "analysis.figures.export",
    # tutorial
    "check": "analysis.tutorial.exercises",
    "show_solution": "analysis.tutorial.exercises",
    "use_output_folder": "analysis.tutorial.output",
    "check_parameters": "analysis.tutorial.parameters",
    "notebook_output_dir": "analysis.tutorial.output",
    "kwic_explorer": "analysis.tutorial.explorers",
    "theme_explorer": "analysis.tutorial.explorers",
    "folder_tour": "analysis.tutorial.environment",
    "offline_check": "analysis.tutorial.environment",
    "package_report": "analysis.tutorial.environment",
}

_MODULES = {"comparisons", "paper_figures"}  # names that are modules, not functions

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Load a public name on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    module = importlib.import_module(_PUBLIC[name])
    value = module if name in _MODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *__all__])
