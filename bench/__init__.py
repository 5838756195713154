"""Benchmarks for `make bench`: scripts, not tests. `bench/run.py` is the entry point."""
