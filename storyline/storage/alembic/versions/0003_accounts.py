"""Readers: accounts, sessions, API tokens, and each user's own state (read,
saved, feed titles and folders, hidden feeds, muted keywords and outlets).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _user(primary_key: bool = True) -> sa.Column:
    return sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                     primary_key=primary_key, nullable=False)


def upgrade() -> None:
    text, integer = sa.Text(), sa.Integer()
    op.create_table(
        "users",
        sa.Column("id", integer, primary_key=True),
        sa.Column("name", text, nullable=False, unique=True),
        sa.Column("password", text),  # argon2 hash; NULL: cannot log in (the implicit local user)
        sa.Column("role", text, nullable=False, server_default="reader"),
        sa.Column("created", text, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", text, primary_key=True),  # the cookie's SHA-256: a stolen table opens nothing
        _user(primary_key=False),
        sa.Column("csrf", text, nullable=False),
        sa.Column("created", text, nullable=False),
        sa.Column("expires", text, nullable=False),
    )
    op.create_index("sessions_user", "sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", integer, primary_key=True),
        _user(primary_key=False),
        sa.Column("token_hash", text, nullable=False, unique=True),
        sa.Column("label", text, nullable=False),
        sa.Column("created", text, nullable=False),
        sa.Column("last_used", text),
    )
    op.create_index("api_tokens_user", "api_tokens", ["user_id"])
    op.create_table(
        "user_feeds",
        _user(),
        sa.Column("feed_id", integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title", text),
        sa.Column("folder", text),
        sa.Column("hidden", integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "article_state",
        _user(),
        sa.Column("article_id", integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("read", integer, nullable=False, server_default="0"),
        sa.Column("read_at", text),
        sa.Column("saved_at", text),
    )
    op.create_index("article_state_saved", "article_state", ["user_id", "saved_at"])
    op.create_table(
        "story_state",
        _user(),
        sa.Column("story_id", integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("read_at", text, nullable=False),
    )
    op.create_index("articles_feed", "articles", ["feed_id", "fetched"])  # per-feed views
    op.create_index("articles_feed_outlet", "articles", ["feed_id", "outlet_id"])  # unread counts, from the index alone
    op.create_table(
        "mutes",
        _user(),
        sa.Column("kind", text, primary_key=True),  # "keyword" or "outlet"
        sa.Column("value", text, primary_key=True),
    )


def downgrade() -> None:
    op.drop_index("articles_feed_outlet", "articles")
    op.drop_index("articles_feed", "articles")
    for table in ("mutes", "story_state", "article_state", "user_feeds", "api_tokens", "sessions", "users"):
        op.drop_table(table)
