"""The Fever API's per-user key: users.fever_key holds the SHA-256 of the md5
api key ("NAME:FEVER PASSWORD") a Fever client sends, never the key itself;
NULL while the user has not turned Fever on (`storyline user fever NAME`).

A column rather than a table of its own: it goes with its user (removed with
them, copied by `storyline copy` with the users table).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE on both databases: a batch (table rebuilt) on SQLite
    # would drop `users` under its ON DELETE CASCADE children.
    op.add_column("users", sa.Column("fever_key", sa.Text()))
    op.create_index("users_fever_key", "users", ["fever_key"], unique=True)


def downgrade() -> None:
    op.drop_index("users_fever_key", "users")
    op.drop_column("users", "fever_key")
