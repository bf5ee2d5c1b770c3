"""Storyline: self-hosted news briefings. No time to read? Get a summary."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported on first use, so that `import storyline.config` stays light.
    if name == "summarize":
        from storyline.summary import summarize

        return summarize
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
