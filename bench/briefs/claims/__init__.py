"""FactCC-style claims bench for the support check: `python -m bench.briefs.claims` (see __main__.py)."""
