"""analysis: the computations behind the AI-discourse notebooks.

Pipeline (the quanteda order): corpus (:mod:`analysis.corpus`) -> tokens
(:mod:`analysis.tokenize`, :mod:`analysis.lemmas`, :mod:`analysis.stopwords`) -> counts and
document-term matrices (:mod:`analysis.frequencies`) -> statistics and plots.
"""
__version__ = "0.1.0"
