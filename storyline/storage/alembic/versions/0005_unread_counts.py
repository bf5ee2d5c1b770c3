"""Unread counts kept by the database: articles per (feed, outlet) and each
user's read articles per (feed, outlet), so an unread count is a subtraction
over a few rows instead of a count over every article and read mark.

Key: feed_key is COALESCE(feed_id, 0) (0: no feed; no feed has id 0) and outlet_id.
Triggers keep both tables exact, whoever writes: articles inserted, deleted or
moved to another feed or outlet (the application never does it, tests and the
web benchmark's setup do), and article_state rows inserted with read = 1,
updated from or to read (also through INSERT ... ON CONFLICT DO UPDATE) and
deleted (also by ON DELETE CASCADE from users or articles: SQLite fires the
child's triggers for a cascade, with recursive_triggers off, but by then the
article row is gone, so deleting an article first deletes its state rows
itself, while the article's key can still be read). Rows may stay at n = 0.

SQLite: row triggers. PostgreSQL: statement triggers over transition tables
for inserts and state changes, so marking 100,000 articles read is one grouped
upsert, not 100,000 function calls; multi-row upserts go in key order, so two
writers take the counter rows' locks in one order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ARTICLE_KEY = "COALESCE(a.feed_id, 0) AS feed_key, a.outlet_id"
BACKFILL = [
    f"INSERT INTO article_counts (feed_key, outlet_id, n) SELECT {ARTICLE_KEY}, COUNT(*) FROM articles a "
    "GROUP BY COALESCE(a.feed_id, 0), a.outlet_id",
    f"INSERT INTO read_counts (user_id, feed_key, outlet_id, n) SELECT s.user_id, {ARTICLE_KEY}, COUNT(*) "
    "FROM article_state s JOIN articles a ON a.id = s.article_id WHERE s.read = 1 "
    "GROUP BY s.user_id, COALESCE(a.feed_id, 0), a.outlet_id",
]
ADD_ARTICLE = ("INSERT INTO article_counts (feed_key, outlet_id, n) "
               "VALUES (COALESCE({row}.feed_id, 0), {row}.outlet_id, 1) "
               "ON CONFLICT (feed_key, outlet_id) DO UPDATE SET n = article_counts.n + 1")
TAKE_ARTICLE = ("UPDATE article_counts SET n = n - 1 "
                "WHERE feed_key = COALESCE({row}.feed_id, 0) AND outlet_id = {row}.outlet_id")
UPSERT_READ = "ON CONFLICT (user_id, feed_key, outlet_id) DO UPDATE SET n = read_counts.n + excluded.n"


def upgrade() -> None:
    integer = sa.Integer()
    op.create_table(
        "article_counts",
        sa.Column("feed_key", integer, primary_key=True, autoincrement=False),
        sa.Column("outlet_id", integer, primary_key=True, autoincrement=False),
        sa.Column("n", integer, nullable=False),
    )
    op.create_table(
        "read_counts",
        sa.Column("user_id", integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),  # a removed user's counts go with them (SQLite reuses the highest id)
        sa.Column("feed_key", integer, primary_key=True, autoincrement=False),
        sa.Column("outlet_id", integer, primary_key=True, autoincrement=False),
        sa.Column("n", integer, nullable=False),
    )
    for statement in BACKFILL:
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


# -- SQLite --------------------------------------------------------------------------------------

# The state row's article key, for row `{row}` of article_state.
_SQLITE_KEY = ("feed_key = (SELECT COALESCE(feed_id, 0) FROM articles WHERE id = {row}.article_id) "
               "AND outlet_id = (SELECT outlet_id FROM articles WHERE id = {row}.article_id)")
_SQLITE_ADD_READ = ("INSERT INTO read_counts (user_id, feed_key, outlet_id, n) "
                    "SELECT {row}.user_id, COALESCE(a.feed_id, 0), a.outlet_id, 1 FROM articles a "
                    f"WHERE a.id = {{row}}.article_id AND {{row}}.read = 1 {UPSERT_READ}")
_SQLITE_TAKE_READ = ("UPDATE read_counts SET n = n - 1 WHERE {row}.read = 1 AND user_id = {row}.user_id AND "
                     + _SQLITE_KEY)

SQLITE_TRIGGERS = {
    "article_counts_insert": "AFTER INSERT ON articles BEGIN " + ADD_ARTICLE.format(row="new") + "; END",
    "article_counts_move": (
        "AFTER UPDATE OF feed_id, outlet_id ON articles "
        "WHEN COALESCE(old.feed_id, 0) <> COALESCE(new.feed_id, 0) OR old.outlet_id <> new.outlet_id BEGIN "
        + TAKE_ARTICLE.format(row="old") + "; " + ADD_ARTICLE.format(row="new") + "; "
        "UPDATE read_counts SET n = n - 1 WHERE feed_key = COALESCE(old.feed_id, 0) AND outlet_id = old.outlet_id "
        "AND user_id IN (SELECT user_id FROM article_state WHERE article_id = new.id AND read = 1); "
        "INSERT INTO read_counts (user_id, feed_key, outlet_id, n) "
        "SELECT user_id, COALESCE(new.feed_id, 0), new.outlet_id, 1 FROM article_state "
        f"WHERE article_id = new.id AND read = 1 {UPSERT_READ}; END"),
    "article_counts_delete": (
        "BEFORE DELETE ON articles BEGIN DELETE FROM article_state WHERE article_id = old.id; "
        + TAKE_ARTICLE.format(row="old") + "; END"),
    "read_counts_insert": ("AFTER INSERT ON article_state WHEN new.read = 1 BEGIN "
                           + _SQLITE_ADD_READ.format(row="new") + "; END"),
    "read_counts_update": (
        "AFTER UPDATE OF read, user_id, article_id ON article_state "
        "WHEN (old.read = 1) <> (new.read = 1) OR (old.read = 1 AND "
        "(old.user_id <> new.user_id OR old.article_id <> new.article_id)) BEGIN "
        + _SQLITE_TAKE_READ.format(row="old") + "; " + _SQLITE_ADD_READ.format(row="new") + "; END"),
    "read_counts_delete": ("AFTER DELETE ON article_state WHEN old.read = 1 BEGIN "
                           + _SQLITE_TAKE_READ.format(row="old") + "; END"),
}


def _sqlite_triggers() -> None:
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


# -- PostgreSQL ----------------------------------------------------------------------------------

def _read_by_key(rows: str, sign: int) -> str:
    """Read rows of transition table `rows`, counted per user and article key."""
    return (f"SELECT s.user_id, COALESCE(a.feed_id, 0) AS feed_key, a.outlet_id, {sign} AS n FROM {rows} s "
            "JOIN articles a ON a.id = s.article_id WHERE s.read = 1")


_ADD_READ_DELTAS = ("INSERT INTO read_counts (user_id, feed_key, outlet_id, n) "
                    "SELECT user_id, feed_key, outlet_id, SUM(n) FROM ({changes}) changes "
                    "GROUP BY user_id, feed_key, outlet_id HAVING SUM(n) <> 0 ORDER BY user_id, feed_key, outlet_id "
                    + UPSERT_READ)

# name: (function body, trigger clause). Every function returns NULL (AFTER
# triggers) except the BEFORE DELETE one, which must return OLD to go on.
POSTGRES_TRIGGERS = {
    "article_counts_insert": (
        "INSERT INTO article_counts (feed_key, outlet_id, n) SELECT COALESCE(feed_id, 0), outlet_id, COUNT(*) "
        "FROM inserted GROUP BY COALESCE(feed_id, 0), outlet_id ORDER BY 1, 2 "
        "ON CONFLICT (feed_key, outlet_id) DO UPDATE SET n = article_counts.n + excluded.n; RETURN NULL;",
        "AFTER INSERT ON articles REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"),
    "article_counts_move": (
        TAKE_ARTICLE.format(row="OLD") + "; " + ADD_ARTICLE.format(row="NEW") + "; "
        + _ADD_READ_DELTAS.format(changes=(
            "SELECT user_id, COALESCE(OLD.feed_id, 0) AS feed_key, OLD.outlet_id AS outlet_id, -1 AS n "
            "FROM article_state WHERE article_id = OLD.id AND read = 1 UNION ALL "
            "SELECT user_id, COALESCE(NEW.feed_id, 0), NEW.outlet_id, 1 "
            "FROM article_state WHERE article_id = NEW.id AND read = 1")) + "; RETURN NULL;",
        "AFTER UPDATE OF feed_id, outlet_id ON articles FOR EACH ROW "
        "WHEN (OLD.feed_id IS DISTINCT FROM NEW.feed_id OR OLD.outlet_id IS DISTINCT FROM NEW.outlet_id)"),
    "article_counts_delete": (
        "DELETE FROM article_state WHERE article_id = OLD.id; " + TAKE_ARTICLE.format(row="OLD") + "; RETURN OLD;",
        "BEFORE DELETE ON articles FOR EACH ROW"),
    "read_counts_insert": (
        _ADD_READ_DELTAS.format(changes=_read_by_key("inserted", 1)) + "; RETURN NULL;",
        "AFTER INSERT ON article_state REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"),
    "read_counts_update": (
        _ADD_READ_DELTAS.format(changes=_read_by_key("old_rows", -1) + " UNION ALL " + _read_by_key("new_rows", 1))
        + "; RETURN NULL;",
        "AFTER UPDATE ON article_state REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT"),
    "read_counts_delete": (
        "UPDATE read_counts r SET n = r.n - g.n FROM (SELECT user_id, feed_key, outlet_id, SUM(n) AS n "
        f"FROM ({_read_by_key('deleted', 1)}) d GROUP BY user_id, feed_key, outlet_id) g "
        "WHERE r.user_id = g.user_id AND r.feed_key = g.feed_key AND r.outlet_id = g.outlet_id; RETURN NULL;",
        "AFTER DELETE ON article_state REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT"),
}


def _postgres_triggers() -> None:
    for name, (body, clause) in POSTGRES_TRIGGERS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$")
        op.execute(f"CREATE TRIGGER {name} {clause} EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in POSTGRES_TRIGGERS:
        table = "articles" if name.startswith("article_counts") else "article_state"  # as the names say
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("read_counts")
    op.drop_table("article_counts")
