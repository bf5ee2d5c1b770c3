"""Storyline: self-hosted news briefings. No time to read? Get a summary."""

__version__ = "0.1.0"
