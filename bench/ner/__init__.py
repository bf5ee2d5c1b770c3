"""NER benchmark: spaCy's entities against CoNLL-2003 dev (PER, ORG, LOC)."""
