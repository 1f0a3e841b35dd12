"""Batch scoring: many responses in, one result per response plus summaries and a portfolio report out.

Sits above `reports/` (it writes reports) and below `cli.py`; the pool and the Dask runner are the
only places that know work runs in other processes.
"""
