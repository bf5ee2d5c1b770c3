"""Keeping stored articles in stories: near-copies, not-articles, clustering.

Every article is placed once, right after it is stored; articles a crash
left unplaced are placed on the next run (`placed = 0`). Placement of one
article is one transaction.
"""
from __future__ import annotations

from storyline import dedupe
from storyline.cluster import StoryClusterer, features
from storyline.storage import SQLiteStore
from storyline.storage.stories import SQLiteState


def place_article(store: SQLiteStore, article_id: int) -> None:
    row = store.db.execute(
        "SELECT id, title, text, COALESCE(published, fetched) AS seen, placed FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None or row["placed"]:
        return
    with store.transaction() as db:
        story_id = duplicate_of = not_article = None
        original = _original_of(store, article_id, row["text"])
        if original is not None:
            duplicate_of, story_id = original
            if (row["seen"] or "") < _seen(store, duplicate_of):
                # The copy stored first was published later: this one is the original.
                db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?",
                           (article_id, duplicate_of, duplicate_of))
                duplicate_of = None
        else:
            clusterer = StoryClusterer(SQLiteState(db))
            story_id, not_article = clusterer.place(str(article_id), row["text"], row["title"], row["seen"])
        db.execute("UPDATE articles SET story_id = ?, duplicate_of = ?, not_article = ?, placed = 1 "
                   "WHERE id = ?", (story_id, duplicate_of, not_article, article_id))
        if story_id is not None:
            _refresh_story(store, story_id)


def _seen(store: SQLiteStore, article_id: int) -> str:
    row = store.db.execute("SELECT COALESCE(published, fetched) FROM articles WHERE id = ?",
                           (article_id,)).fetchone()
    return row[0] or ""


def place_pending(store: SQLiteStore) -> int:
    ids = [r[0] for r in store.db.execute(
        "SELECT id FROM articles WHERE placed = 0 ORDER BY COALESCE(published, fetched), id")]
    for article_id in ids:
        place_article(store, article_id)
    return len(ids)


def _original_of(store: SQLiteStore, article_id: int, text: str) -> tuple[int, int | None] | None:
    """(original article, its story) if this text is a near-copy of a stored one.
    Also records the article's LSH band keys for those that come after it."""
    fp = dedupe.fingerprint(text)
    found = None
    if fp.bands:
        marks = ",".join("?" * len(fp.bands))
        candidates = store.db.execute(
            f"SELECT DISTINCT a.id, a.text, a.duplicate_of, a.story_id FROM article_bands b "
            f"JOIN articles a ON a.id = b.article_id WHERE b.band IN ({marks}) AND a.id != ? "
            f"ORDER BY a.id LIMIT 50",
            (*fp.bands, article_id),
        ).fetchall()
        for c in candidates:
            if dedupe.containment(fp.shingles, dedupe.shingles(c["text"])) >= dedupe.CONTAINMENT:
                original = c["duplicate_of"] or c["id"]
                story = store.db.execute("SELECT story_id FROM articles WHERE id = ?", (original,)).fetchone()
                found = (original, story[0] if story else c["story_id"])
                break
        store.db.executemany("INSERT OR IGNORE INTO article_bands VALUES (?, ?)",
                             [(band, article_id) for band in fp.bands])
    return found


def _refresh_story(store: SQLiteStore, story_id: int) -> None:
    """Title from the member nearest the centroid; first and last seen."""
    state = SQLiteState(store.db)
    representative = state.load(story_id).representative()
    title_row = store.db.execute("SELECT title FROM articles WHERE id = ?",
                                 (int(representative),)).fetchone() if representative else None
    store.db.execute(
        "UPDATE stories SET title = ?, first_seen = s.first, last_seen = s.last FROM "
        "(SELECT MIN(COALESCE(published, fetched)) AS first, MAX(COALESCE(published, fetched)) AS last "
        " FROM articles WHERE story_id = ?) AS s WHERE stories.id = ?",
        (title_row[0] if title_row else None, story_id, story_id),
    )


def recluster(store: SQLiteStore, since: str | None = None) -> int:
    """Rebuild stories, for all articles or for those seen since an ISO date
    (with every story they belong to). Returns how many articles were placed."""
    with store.transaction() as db:
        if since is None:
            for table in ("story_index", "term_df", "counters", "article_bands"):
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE articles SET story_id = NULL, duplicate_of = NULL, not_article = NULL, placed = 0")
            db.execute("DELETE FROM stories")
        else:
            stories = [r[0] for r in db.execute(
                "SELECT DISTINCT story_id FROM articles WHERE COALESCE(published, fetched) >= ? "
                "AND story_id IS NOT NULL", (since,))]
            db.execute("CREATE TEMP TABLE IF NOT EXISTS redo (id INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM redo")
            db.execute("INSERT OR IGNORE INTO redo SELECT id FROM articles WHERE COALESCE(published, fetched) >= ?",
                       (since,))
            db.executemany("INSERT OR IGNORE INTO redo SELECT id FROM articles WHERE story_id = ?",
                           [(s,) for s in stories])
            _uncount(db)
            db.execute("DELETE FROM article_bands WHERE article_id IN (SELECT id FROM redo)")
            db.execute("UPDATE articles SET story_id = NULL, duplicate_of = NULL, not_article = NULL, "
                       "placed = 0 WHERE id IN (SELECT id FROM redo)")
            db.executemany("DELETE FROM story_index WHERE story_id = ?", [(s,) for s in stories])
            db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in stories])
    return place_pending(store)


def _uncount(db) -> None:
    """Take the articles about to be placed again out of the document frequencies."""
    rows = db.execute("SELECT title, text FROM articles WHERE id IN (SELECT id FROM redo) "
                      "AND story_id IS NOT NULL AND duplicate_of IS NULL").fetchall()
    for row in rows:
        db.executemany("UPDATE term_df SET df = df - 1 WHERE term = ?",
                       [(t,) for t in features.article_terms(row[1], row[0])[0].tf])
    db.execute("UPDATE counters SET value = value - ? WHERE name = 'clustered'", (len(rows),))
    db.execute("DELETE FROM term_df WHERE df <= 0")
