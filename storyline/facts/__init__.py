"""Facts of a story: who, which organisations, where, when, quotes, and where the
sources disagree (`find_conflicts`)."""
from storyline.facts.conflicts import find_conflicts
from storyline.facts.extract import extract_facts, find_entities
from storyline.facts.nlp import ModelMissing

__all__ = ["extract_facts", "find_conflicts", "find_entities", "ModelMissing"]
