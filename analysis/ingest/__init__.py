"""Raw text -> corpus: importers of transcript layouts, the print-interview parser, feature extraction, adding a user's interview, building the catalog."""
