"""The curated corpus on disk: its formats (full text, extracted features), the catalog, loading it into one table of turns, and its overview."""
