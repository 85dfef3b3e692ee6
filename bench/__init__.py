"""Benchmarks of Tanggap (issue: throughput, latency, memory, fan-out, search, monitoring).

``python -m bench`` runs them all and prints a table; ``--size tiny`` is what the test suite runs once.
Figures are written as JSON to ``bench/results.json`` (or ``--out``); docs/benchmarks.md explains them.
"""
