"""Summaries of stored articles: computed once per length and method, then kept."""
from __future__ import annotations

from storyline.model import Summary
from storyline.storage import Store
from storyline.summary import METHOD, summarize


def length_key(sentences: int | None, words: int | None) -> str:
    parts = ([f"s{sentences}"] if sentences else []) + ([f"w{words}"] if words else [])
    return "-".join(parts) or "default"


def article_summary(store: Store, article_id: int, *, sentences: int | None = None,
                    words: int | None = None) -> Summary | None:
    """The article's summary (None if there is no such article)."""
    key = length_key(sentences, words)
    cached = store.get_summary(article_id, key, METHOD)
    if cached is not None:
        return cached
    article = store.get_article(article_id)
    if article is None:
        return None
    summary = summarize(article["text"], title=article["title"], sentences=sentences, words=words,
                        language=article["language"])
    store.put_summary(article_id, key, summary)
    return summary
