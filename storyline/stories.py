"""Keeping stored articles in stories: near-copies, not-articles, clustering.

Every article is placed once, right after it is stored; articles a crash
left unplaced are placed on the next run (`placed = 0`). Placement of one
article is one transaction (storyline.storage.stories holds its queries).
"""
from __future__ import annotations

from storyline import dedupe
from storyline.cluster import StoryClusterer, features
from storyline.storage import Store


def place_article(store: Store, article_id: int) -> None:
    if store.to_place(article_id) is None:
        return
    with store.placing():
        row = store.to_place(article_id)  # again, inside the transaction: another process may have placed it
        if row is None:
            return
        story_id = duplicate_of = not_article = None
        original = _original_of(store, article_id, row["text"])
        if original is not None:
            duplicate_of, story_id = original
            if (row["seen"] or "") < store.seen(duplicate_of):
                # The copy stored first was published later: this one is the original.
                store.make_original(article_id, duplicate_of)
                duplicate_of = None
        else:
            clusterer = StoryClusterer(store.cluster_state())
            story_id, not_article = clusterer.place(str(article_id), row["text"], row["title"], row["seen"])
        store.set_placement(article_id, story_id, duplicate_of, not_article)
        if story_id is not None:
            representative = store.cluster_state().load(story_id).representative()
            store.refresh_story(story_id, int(representative) if representative else None)


def place_pending(store: Store) -> int:
    ids = store.unplaced()
    for article_id in ids:
        place_article(store, article_id)
    return len(ids)


def _original_of(store: Store, article_id: int, text: str) -> tuple[int, int | None] | None:
    """(original article, its story) if this text is a near-copy of a stored one.
    Also records the article's LSH band keys for those that come after it."""
    fp = dedupe.fingerprint(text)
    found = None
    if fp.bands:
        for c in store.near_copy_candidates(list(fp.bands), article_id):
            if dedupe.containment(fp.shingles, dedupe.shingles(c["text"])) >= dedupe.CONTAINMENT:
                original = c["duplicate_of"] or c["id"]
                found = (original, store.article_story(original) if c["duplicate_of"] else c["story_id"])
                break
        store.add_bands(article_id, list(fp.bands))
    return found


def recluster(store: Store, since: str | None = None) -> int:
    """Rebuild stories, for all articles or for those seen since an ISO date
    (with every story they belong to). Returns how many articles were placed."""
    store.unplace(since, lambda text, title: list(features.article_terms(text, title)[0].tf))
    return place_pending(store)
