"""Always-on polling: each feed's schedule, a job table the workers take work
from, the workers' heartbeats and a log of polls.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, integer = sa.Text(), sa.Integer()
    with op.batch_alter_table("feeds") as feeds:
        feeds.add_column(sa.Column("poll_every", integer))  # the operator's interval for this feed, seconds
        feeds.add_column(sa.Column("hint_every", integer))  # what the feed asks: ttl, sy:*, max-age
        feeds.add_column(sa.Column("next_poll", text))  # when it is due; NULL: now
        feeds.add_column(sa.Column("last_ok", text))
        feeds.add_column(sa.Column("last_new", integer))  # new articles at the last poll
        feeds.add_column(sa.Column("polls", integer, nullable=False, server_default="0"))
    op.create_index("feeds_next_poll", "feeds", ["next_poll"])
    op.create_index("articles_fetched", "articles", ["fetched"])  # "updated N minutes ago", recent work
    # Work for the workers. A job is queued, then running (locked_by a worker,
    # lease until locked_until), then done or failed; at most one queued or
    # running job per (kind, key).
    op.create_table(
        "jobs",
        sa.Column("id", integer, primary_key=True),
        sa.Column("kind", text, nullable=False),
        sa.Column("key", text, nullable=False),
        sa.Column("priority", integer, nullable=False, server_default="0"),
        sa.Column("state", text, nullable=False, server_default="queued"),
        sa.Column("not_before", text, nullable=False),
        sa.Column("attempts", integer, nullable=False, server_default="0"),
        sa.Column("locked_by", text),
        sa.Column("locked_until", text),
        sa.Column("error", text),
        sa.Column("created", text, nullable=False),
        sa.Column("finished", text),
    )
    op.create_index("jobs_open", "jobs", ["kind", "key"], unique=True,
                    sqlite_where=sa.text("state IN ('queued', 'running')"),
                    postgresql_where=sa.text("state IN ('queued', 'running')"))
    op.create_index("jobs_due", "jobs", ["state", "priority", "not_before"])
    op.create_table(
        "workers",
        sa.Column("name", text, primary_key=True),
        sa.Column("host", text, nullable=False),
        sa.Column("pid", integer, nullable=False),
        sa.Column("started", text, nullable=False),
        sa.Column("seen", text, nullable=False),
        sa.Column("jobs_done", integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "polls",
        sa.Column("id", integer, primary_key=True),
        sa.Column("feed_id", integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", text, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("status", text, nullable=False),
        sa.Column("new_items", integer, nullable=False, server_default="0"),
        sa.Column("error", text),
    )
    op.create_index("polls_at", "polls", ["at"])


def downgrade() -> None:
    op.drop_table("polls")
    op.drop_table("workers")
    op.drop_table("jobs")
    op.drop_index("articles_fetched", "articles")
    op.drop_index("feeds_next_poll", "feeds")
    with op.batch_alter_table("feeds") as feeds:
        for column in ("polls", "last_new", "last_ok", "next_poll", "hint_every", "poll_every"):
            feeds.drop_column(column)
