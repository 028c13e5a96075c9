"""Benchmarks: speed and accuracy figures, measured against a floor (see each module)."""
