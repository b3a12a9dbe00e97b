"""The compliance join benchmark: events against zone-windows, five engines, one answer.

``benchmarks/compliance`` runs it; :mod:`.harness` explains the measurements.
"""
