"""The SQLite schema scripts used before Alembic (versions 1-6). Only files made
then are upgraded with them, up to the Alembic baseline; never edit or extend."""
from __future__ import annotations

import sqlite3

SQLITE: list[str] = [
    # 1: outlets, feeds, articles with full-text index, learned chrome, failures
    """
    CREATE TABLE outlets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        domain TEXT,
        created TEXT NOT NULL
    );
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        site_url TEXT,
        outlet_id INTEGER REFERENCES outlets(id),
        etag TEXT,
        last_modified TEXT,
        last_fetched TEXT,
        last_status TEXT,
        last_error TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT,
        canonical_url TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        outlet_id INTEGER NOT NULL REFERENCES outlets(id),
        feed_id INTEGER REFERENCES feeds(id),
        title TEXT NOT NULL,
        author TEXT,
        published TEXT,
        language TEXT,
        raw_text TEXT NOT NULL,
        text TEXT NOT NULL,
        words INTEGER NOT NULL,
        fetched TEXT NOT NULL,
        source TEXT
    );
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet_id);
    -- Short lines seen on an outlet's pages: how many pages carry each.
    CREATE TABLE outlet_lines (
        outlet_id INTEGER NOT NULL REFERENCES outlets(id),
        fingerprint TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        sample TEXT NOT NULL,
        pages INTEGER NOT NULL,
        PRIMARY KEY (outlet_id, fingerprint)
    );
    CREATE INDEX outlet_lines_fingerprint ON outlet_lines(fingerprint);
    CREATE TABLE article_lines (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (article_id, fingerprint)
    );
    CREATE INDEX article_lines_fingerprint ON article_lines(fingerprint);
    CREATE TABLE failures (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        error TEXT NOT NULL,
        at TEXT NOT NULL,
        resolved TEXT
    );
    CREATE INDEX failures_source ON failures(source);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='porter unicode61'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # 2: article summaries, computed on demand and kept per length and method version
    """
    CREATE TABLE summaries (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        length TEXT NOT NULL,
        method TEXT NOT NULL,
        language TEXT,
        note TEXT,
        sentences TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (article_id, length, method)
    );
    """,
    # 3: stories, near-duplicates and not-articles
    """
    ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories(id);
    ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles(id);
    ALTER TABLE articles ADD COLUMN not_article TEXT;
    ALTER TABLE articles ADD COLUMN placed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_unplaced ON articles(placed) WHERE placed = 0;
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT,
        first_seen TEXT,
        last_seen TEXT,
        last_day REAL,
        size INTEGER NOT NULL DEFAULT 0,
        centroid TEXT NOT NULL,
        members TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX stories_last_seen ON stories(last_seen);
    CREATE TABLE story_index (
        term TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        PRIMARY KEY (term, story_id)
    ) WITHOUT ROWID;
    CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE article_bands (
        band TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (band, article_id)
    ) WITHOUT ROWID;
    """,
    # 4: story briefs, kept per story, length and part ("full", or "text" without the
    # facts); `sources` names the articles (and their text versions) a brief was made
    # from, so a story that gained or changed an article gets a new one
    """
    CREATE TABLE briefs (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        words INTEGER NOT NULL,
        part TEXT NOT NULL,
        method TEXT NOT NULL,
        sources TEXT NOT NULL,
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (story_id, words, part)
    );
    """,
    # 5: what the entity recognizer found in each article (per model and text version),
    # so a story's facts are recognized once per article, not again when it grows
    """
    CREATE TABLE article_entities (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        entities TEXT NOT NULL
    );
    """,
    # 6: each article's sentence and clause vectors (storyline.embed; per model and text
    # version, float16), computed once, when the article first joins a story of several
    """
    CREATE TABLE article_vectors (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        layout TEXT NOT NULL,
        vectors BLOB NOT NULL
    );
    """,
]


def statements(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
