"""Benchmarks and evaluations: each module prints figures and writes bench/results/<name>.md.

Run one with `python -m bench.<name>`; none of them is part of the test suite.
"""
