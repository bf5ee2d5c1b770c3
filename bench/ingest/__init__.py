"""End-to-end ingest throughput: `python -m bench.ingest` (see __main__.py)."""
