"""Shared plumbing of the benchmarks: machine facts, timing and result files.

It lives in a sub-package so that `nox -s bench`, which runs every
`bench/*.py` as a script, does not run it.
"""
