"""Foundations every stage uses: where things live (paths), input errors and atomic file I/O (textio), the Turn record (turns)."""
