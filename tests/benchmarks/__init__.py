"""Smoke test of the benchmarks (request counts only)."""
