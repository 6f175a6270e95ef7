"""Baton's benchmarks (``make bench``): figures to watch, never pass/fail tests."""
