"""The schema as milestone 1 left it (SQLite schema versions 1-6), on either database.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# PostgreSQL indexes at most this much of an article's text for search: a
# tsvector is capped at 1 MB, and no news article comes near it.
SEARCH_CHARS = 200_000


def upgrade() -> None:
    text, integer = sa.Text(), sa.Integer()
    op.create_table(
        "outlets",
        sa.Column("id", integer, primary_key=True),
        sa.Column("name", text, nullable=False, unique=True),
        sa.Column("domain", text),
        sa.Column("created", text, nullable=False),
    )
    op.create_table(
        "feeds",
        sa.Column("id", integer, primary_key=True),
        sa.Column("url", text, nullable=False, unique=True),
        sa.Column("title", text),
        sa.Column("site_url", text),
        sa.Column("outlet_id", integer, sa.ForeignKey("outlets.id")),
        sa.Column("etag", text),
        sa.Column("last_modified", text),
        sa.Column("last_fetched", text),
        sa.Column("last_status", text),
        sa.Column("last_error", text),
        sa.Column("errors", integer, nullable=False, server_default="0"),
        sa.Column("created", text, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("id", integer, primary_key=True),
        sa.Column("title", text),
        sa.Column("first_seen", text),
        sa.Column("last_seen", text),
        sa.Column("last_day", sa.Float()),
        sa.Column("size", integer, nullable=False, server_default="0"),
        sa.Column("centroid", text, nullable=False),
        sa.Column("members", text, nullable=False),
        sa.Column("updated", text, nullable=False),
    )
    op.create_index("stories_last_seen", "stories", ["last_seen"])
    op.create_table(
        "articles",
        sa.Column("id", integer, primary_key=True),
        sa.Column("url", text),
        sa.Column("canonical_url", text, unique=True),
        sa.Column("content_hash", text, nullable=False, unique=True),
        sa.Column("outlet_id", integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("feed_id", integer, sa.ForeignKey("feeds.id")),
        sa.Column("title", text, nullable=False),
        sa.Column("author", text),
        sa.Column("published", text),
        sa.Column("language", text),
        sa.Column("raw_text", text, nullable=False),
        sa.Column("text", text, nullable=False),
        sa.Column("words", integer, nullable=False),
        sa.Column("fetched", text, nullable=False),
        sa.Column("source", text),
        sa.Column("story_id", integer, sa.ForeignKey("stories.id")),
        sa.Column("duplicate_of", integer, sa.ForeignKey("articles.id")),
        sa.Column("not_article", text),
        sa.Column("placed", integer, nullable=False, server_default="0"),
    )
    op.create_index("articles_url", "articles", ["url"])
    op.create_index("articles_published", "articles", ["published"])
    op.create_index("articles_outlet", "articles", ["outlet_id"])
    op.create_index("articles_story", "articles", ["story_id"])
    op.create_index("articles_unplaced", "articles", ["placed"],
                    sqlite_where=sa.text("placed = 0"), postgresql_where=sa.text("placed = 0"))
    # Short lines seen on an outlet's pages: how many pages carry each (learned chrome).
    op.create_table(
        "outlet_lines",
        sa.Column("outlet_id", integer, sa.ForeignKey("outlets.id"), primary_key=True),
        sa.Column("fingerprint", text, primary_key=True),
        sa.Column("sentence", integer, nullable=False),
        sa.Column("sample", text, nullable=False),
        sa.Column("pages", integer, nullable=False),
    )
    op.create_index("outlet_lines_fingerprint", "outlet_lines", ["fingerprint"])
    op.create_table(
        "article_lines",
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", text, primary_key=True),
    )
    op.create_index("article_lines_fingerprint", "article_lines", ["fingerprint"])
    op.create_table(
        "failures",
        sa.Column("id", integer, primary_key=True),
        sa.Column("source", text, nullable=False),
        sa.Column("error", text, nullable=False),
        sa.Column("at", text, nullable=False),
        sa.Column("resolved", text),
    )
    op.create_index("failures_source", "failures", ["source"])
    op.create_table(
        "summaries",
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("length", text, primary_key=True),
        sa.Column("method", text, primary_key=True),
        sa.Column("language", text),
        sa.Column("note", text),
        sa.Column("sentences", text, nullable=False),
        sa.Column("created", text, nullable=False),
    )
    # Clustering state: an inverted index of story terms, document frequencies,
    # counters and the near-copy LSH bands of every article.
    op.create_table(
        "story_index",
        sa.Column("term", text, primary_key=True),
        sa.Column("story_id", integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "term_df",
        sa.Column("term", text, primary_key=True),
        sa.Column("df", integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "counters",
        sa.Column("name", text, primary_key=True),
        sa.Column("value", integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "article_bands",
        sa.Column("band", text, primary_key=True),
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    # Story briefs per story, length and part ("full", or "text" without the facts);
    # `sources` names the articles and text versions a brief was made from.
    op.create_table(
        "briefs",
        sa.Column("story_id", integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("words", integer, primary_key=True),
        sa.Column("part", text, primary_key=True),
        sa.Column("method", text, nullable=False),
        sa.Column("sources", text, nullable=False),
        sa.Column("body", text, nullable=False),
        sa.Column("created", text, nullable=False),
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("model", text, nullable=False),
        sa.Column("text_hash", text, nullable=False),
        sa.Column("entities", text, nullable=False),
    )
    op.create_table(
        "article_vectors",
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("model", text, nullable=False),
        sa.Column("text_hash", text, nullable=False),
        sa.Column("layout", text, nullable=False),
        sa.Column("vectors", sa.LargeBinary(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    else:
        _sqlite_search()


def _postgres_search() -> None:
    op.execute(
        "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('english', left(text, {SEARCH_CHARS})), 'B')) STORED")
    op.execute("CREATE INDEX articles_search ON articles USING GIN (search)")


def _sqlite_search() -> None:
    op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5("
               "title, text, content='articles', content_rowid='id', tokenize='porter unicode61')")
    op.execute("CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
               "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
               "VALUES ('delete', old.id, old.title, old.text); END")
    op.execute("CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
               "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
               "VALUES ('delete', old.id, old.title, old.text); "
               "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: remove the database instead")
