"""Chrome benchmark: the edge rule on the trafilatura eval set and ScrapingHub, and
per-outlet learning on the demo outlets and on ScrapingHub pages grouped by domain.
Run ``python -m bench.chrome``; see bench/README.md."""
