"""Statistics with no knowledge of the corpus: resampling and intervals (bootstrap), keyness formulas (keyness)."""
