"""Figures: one style and deterministic export (export), the plots, and the paper figure set (paper)."""
