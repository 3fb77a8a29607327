"""Benchmarks of the local Durable host (`python -m bench.run`); never run as timed tests."""
