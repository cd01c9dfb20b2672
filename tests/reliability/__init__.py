"""The reliability battery (issue 14): bad inputs, damaged corpora, faults, as parametrized cases."""
