"""Story-clustering benchmark: python -m bench.stories (see bench/README.md)."""
