"""Topic models: chunking the corpus, fitting NMF and LDA, coherence, stability, and projecting the French seed into the English topic space."""
