"""Benchmarks: our TR-064 client and integration against fritzconnection, on one simulated box.

Run them with ``scripts/bench`` (``python -m benchmarks``); results go to ``BENCHMARKS.md``.
The simulated boxes run in a child process (``benchmarks.simserver``) so that the CPU time and
memory measured here belong to the clients alone.
"""
