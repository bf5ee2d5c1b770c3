"""Briefs of stored stories: made on first request, kept until the story changes."""
from __future__ import annotations

import hashlib

from storyline.brief import DEFAULT_WORDS, METHOD, brief, brief_json
from storyline.model import Source
from storyline.storage import SQLiteStore


def story_brief(store: SQLiteStore, story_id: int, *, words: int = DEFAULT_WORDS) -> dict | None:
    """The story's brief as JSON (None if there is no such story). A brief is
    made again when the story gained an article or one of its texts changed."""
    if store.get_story(story_id) is None:
        return None
    rows = store.story_sources(story_id)
    digest = hashlib.sha256()
    for r in rows:  # the text, not the stored content hash: chrome learning may clean it again
        digest.update(f"{r['id']}:{r['duplicate_of']}:{r['published']}\n{r['text']}\0".encode())
    signature = digest.hexdigest()[:32]
    cached = store.get_brief(story_id, words, METHOD, signature)
    if cached is not None:
        return cached
    sources = [Source(r["id"], r["text"], r["title"], r["outlet"], r["published"], r["duplicate_of"])
               for r in rows]
    body = brief_json(brief(sources, words=words, story=story_id))
    store.put_brief(story_id, words, METHOD, signature, body)
    return body
