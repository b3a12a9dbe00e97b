"""Benchmarks for Respite; run them with ``benchmarks/run`` (see ``benchmarks/coverage.py``)."""
