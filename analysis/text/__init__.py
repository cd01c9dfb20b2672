"""Language processing, French and English, offline: tokens, phrases, lemmas, stopwords, and the theme dictionary matcher."""
