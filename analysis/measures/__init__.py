"""Measures on the corpus: term frequencies, concordances, theme scores, interview dynamics, validation of the theme dictionary and its coding sample."""
