"""Comparisons between interviews and groups: theme profiles, group differences, keyness through the concept space."""
