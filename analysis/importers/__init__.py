"""Importers for third-party transcript shapes (lexfridman.com pages, captions, Name: text)."""
