"""Accounts and each reader's own state in the database (storyline.accounts,
storyline.web, storyline.greader). Articles and feeds are shared by everyone on
a server; what is read, saved, renamed, filed, hidden or muted belongs to one
user, and every query here takes that user's id. A mixin of the store."""
from __future__ import annotations

from storyline.storage.database import Database
from storyline.storage.derived import now

CHUNK = 500


class AccountQueries:
    db: Database

    # -- users ---------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str | None, role: str) -> int | None:
        """The new user's id, or None if the name is taken."""
        return self.db.scalar("INSERT INTO users (name, password, role, created) VALUES (:name, :password, :role, :now) "
                              "ON CONFLICT (name) DO NOTHING RETURNING id",
                              {"name": name, "password": password_hash, "role": role, "now": now()})

    def user(self, *, name: str | None = None, user_id: int | None = None) -> dict | None:
        if name is not None:
            return self.db.row("SELECT id, name, password, role, created FROM users WHERE name = :name", {"name": name})
        return self.db.row("SELECT id, name, password, role, created FROM users WHERE id = :id", {"id": user_id})

    def users(self) -> list[dict]:
        return self.db.rows("SELECT id, name, role, created, password IS NOT NULL AS can_log_in FROM users ORDER BY id")

    def count_login_users(self) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM users WHERE password IS NOT NULL")

    def set_password(self, user_id: int, password_hash: str) -> None:
        with self.db.transaction() as db:
            db.execute("UPDATE users SET password = :password WHERE id = :id", {"password": password_hash, "id": user_id})
            db.execute("DELETE FROM sessions WHERE user_id = :id", {"id": user_id})  # a new password ends old sessions

    def remove_user(self, user_id: int) -> bool:
        return self.db.execute("DELETE FROM users WHERE id = :id", {"id": user_id}) > 0

    # -- sessions and tokens ------------------------------------------------------------------

    def add_session(self, token_hash: str, user_id: int, csrf: str, expires: str) -> None:
        self.db.execute("INSERT INTO sessions (token_hash, user_id, csrf, created, expires) "
                        "VALUES (:hash, :user, :csrf, :now, :expires)",
                        {"hash": token_hash, "user": user_id, "csrf": csrf, "now": now(), "expires": expires})

    def session(self, token_hash: str) -> dict | None:
        """The session's user and CSRF token, unless it has expired."""
        return self.db.row("SELECT u.id, u.name, u.role, s.csrf, s.expires FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE s.token_hash = :hash AND s.expires > :now", {"hash": token_hash, "now": now()})

    def drop_session(self, token_hash: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE token_hash = :hash", {"hash": token_hash})

    def drop_expired_sessions(self) -> int:
        return self.db.execute("DELETE FROM sessions WHERE expires <= :now", {"now": now()})

    def add_token(self, user_id: int, token_hash: str, label: str) -> int:
        return self.db.scalar("INSERT INTO api_tokens (user_id, token_hash, label, created) "
                              "VALUES (:user, :hash, :label, :now) RETURNING id",
                              {"user": user_id, "hash": token_hash, "label": label, "now": now()})

    def token_user(self, token_hash: str) -> dict | None:
        row = self.db.row("SELECT u.id, u.name, u.role, t.id AS token_id, t.last_used FROM api_tokens t "
                          "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash", {"hash": token_hash})
        if row and (row["last_used"] or "")[:16] != now()[:16]:  # at most one write a minute per token
            self.db.execute("UPDATE api_tokens SET last_used = :now WHERE id = :id", {"now": now(), "id": row["token_id"]})
        return row

    def tokens(self, user_id: int) -> list[dict]:
        return self.db.rows("SELECT id, label, created, last_used FROM api_tokens WHERE user_id = :user ORDER BY id",
                            {"user": user_id})

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        return self.db.execute("DELETE FROM api_tokens WHERE id = :id AND user_id = :user",
                               {"id": token_id, "user": user_id}) > 0

    # -- read and saved ------------------------------------------------------------------------

    def set_read(self, user_id: int, article_ids: list[int], read: bool = True) -> None:
        ids = sorted(set(article_ids))
        with self.db.transaction() as db:
            db.executemany(
                "INSERT INTO article_state (user_id, article_id, read, read_at) VALUES (:user, :id, :read, :at) "
                "ON CONFLICT (user_id, article_id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at",
                [{"user": user_id, "id": i, "read": int(read), "at": now() if read else None} for i in ids])

    def set_saved(self, user_id: int, article_ids: list[int], saved: bool = True) -> None:
        ids = sorted(set(article_ids))
        with self.db.transaction() as db:
            db.executemany(
                "INSERT INTO article_state (user_id, article_id, saved_at) VALUES (:user, :id, :at) "
                "ON CONFLICT (user_id, article_id) DO UPDATE SET saved_at = excluded.saved_at",
                [{"user": user_id, "id": i, "at": now() if saved else None} for i in ids])

    def mark_all_read(self, user_id: int, before: str | None = None, *, feed_id: int | None = None,
                      outlet: str | None = None, story_id: int | None = None) -> int:
        """Mark read every article stored up to `before` (default: now), of one feed,
        outlet or story if given; how many were unread."""
        where, params = ["a.fetched <= :before"], {"user": user_id, "before": before or now(), "at": now()}
        if feed_id is not None:
            where.append("a.feed_id = :feed")
            params["feed"] = feed_id
        if outlet is not None:
            where.append("a.outlet_id = (SELECT id FROM outlets WHERE name = :outlet)")
            params["outlet"] = outlet
        if story_id is not None:
            where.append("a.story_id = :story")
            params["story"] = story_id
        return self.db.execute(
            "INSERT INTO article_state (user_id, article_id, read, read_at) "
            f"SELECT :user, a.id, 1, :at FROM articles a WHERE {' AND '.join(where)} AND NOT EXISTS "
            "(SELECT 1 FROM article_state s WHERE s.user_id = :user AND s.article_id = a.id AND s.read = 1) "
            "ON CONFLICT (user_id, article_id) DO UPDATE SET read = 1, read_at = excluded.read_at", params)

    def read_story(self, user_id: int, story_id: int) -> None:
        """Opening a story marks it and its articles read. A story already read with
        no unread article is left as it is: opening it again writes nothing (readers
        reopen stories often, and on SQLite every write waits for the one writer)."""
        settled = self.db.row(
            "SELECT EXISTS (SELECT 1 FROM story_state WHERE user_id = :user AND story_id = :story) AS opened, "
            "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = :story AND NOT EXISTS (SELECT 1 FROM "
            "article_state s WHERE s.user_id = :user AND s.article_id = a.id AND s.read = 1)) AS unread",
            {"user": user_id, "story": story_id})
        if settled["opened"] and not settled["unread"]:
            return
        with self.db.transaction() as db:
            db.execute("INSERT INTO story_state (user_id, story_id, read_at) VALUES (:user, :story, :now) "
                       "ON CONFLICT (user_id, story_id) DO UPDATE SET read_at = excluded.read_at",
                       {"user": user_id, "story": story_id, "now": now()})
            self.mark_all_read(user_id, story_id=story_id)

    def unread_story(self, user_id: int, story_id: int) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM story_state WHERE user_id = :user AND story_id = :story",
                       {"user": user_id, "story": story_id})
            db.execute("UPDATE article_state SET read = 0, read_at = NULL WHERE user_id = :user AND article_id IN "
                       "(SELECT id FROM articles WHERE story_id = :story)", {"user": user_id, "story": story_id})

    def article_flags(self, user_id: int, article_ids: list[int]) -> dict[int, dict]:
        """{article id: {"read": bool, "saved": bool}} (articles without state: unread, not saved)."""
        flags = {i: {"read": False, "saved": False} for i in article_ids}
        ids = sorted(set(article_ids))
        for i in range(0, len(ids), CHUNK):
            for row in self.db.rows("SELECT article_id, read, saved_at FROM article_state WHERE user_id = :user "
                                    "AND article_id IN :ids", {"user": user_id, "ids": ids[i:i + CHUNK]}):
                flags[row["article_id"]] = {"read": bool(row["read"]), "saved": row["saved_at"] is not None}
        return flags

    def stories_read(self, user_id: int, story_ids: list[int]) -> set[int]:
        found: set[int] = set()
        ids = sorted(set(story_ids))
        for i in range(0, len(ids), CHUNK):
            found.update(self.db.column("SELECT story_id FROM story_state WHERE user_id = :user AND story_id IN :ids",
                                        {"user": user_id, "ids": ids[i:i + CHUNK]}))
        return found

    def unread_counts(self, user_id: int) -> dict:
        """Unread articles: in all, per feed id and per outlet (hidden feeds and muted
        outlets left out)."""
        names = {r["id"]: r["name"] for r in self.db.rows("SELECT id, name FROM outlets")}
        hidden = set(self.db.column("SELECT feed_id FROM user_feeds WHERE user_id = :user AND hidden = 1",
                                    {"user": user_id}))
        muted = set(self.mutes(user_id).get("outlet", []))
        feeds: dict[int, int] = {}
        outlets: dict[str, int] = {}
        for row in self.unread_by_key(user_id):
            outlet = names.get(row["outlet_id"])
            if row["feed_id"] in hidden or outlet in muted:
                continue
            if row["feed_id"] is not None:
                feeds[row["feed_id"]] = feeds.get(row["feed_id"], 0) + row["unread"]
            outlets[outlet] = outlets.get(outlet, 0) + row["unread"]
        return {"total": sum(outlets.values()), "feeds": feeds, "outlets": outlets}

    def unread_by_key(self, user_id: int) -> list[dict]:
        """[{feed_id (None: no feed), outlet_id, unread}] for every (feed, outlet) that
        has articles, hidden or muted or not: the article counts the database keeps
        (tables article_counts and read_counts, kept by triggers: migration 0005)
        less the user's read counts, a few rows however many articles there are."""
        return [{"feed_id": r["feed_key"] or None, "outlet_id": r["outlet_id"], "unread": r["unread"]}
                for r in self.db.rows(
                    "SELECT c.feed_key, c.outlet_id, c.n - COALESCE(r.n, 0) AS unread FROM article_counts c "
                    "LEFT JOIN read_counts r ON r.user_id = :user AND r.feed_key = c.feed_key "
                    "AND r.outlet_id = c.outlet_id WHERE c.n > 0", {"user": user_id})]

    def unread_count_drift(self) -> dict[str, list]:
        """Where the kept counts differ from counting the rows afresh, per table:
        [(key, kept, counted)]; empty lists unless a trigger missed a write."""
        kept_and_counted = {
            "article_counts": ("SELECT 0 AS user_id, feed_key, outlet_id, n FROM article_counts WHERE n <> 0",
                               "SELECT 0 AS user_id, COALESCE(feed_id, 0) AS feed_key, outlet_id, COUNT(*) AS n "
                               "FROM articles GROUP BY COALESCE(feed_id, 0), outlet_id"),
            "read_counts": ("SELECT user_id, feed_key, outlet_id, n FROM read_counts WHERE n <> 0",
                            "SELECT s.user_id, COALESCE(a.feed_id, 0) AS feed_key, a.outlet_id, COUNT(*) AS n "
                            "FROM article_state s JOIN articles a ON a.id = s.article_id WHERE s.read = 1 "
                            "GROUP BY s.user_id, COALESCE(a.feed_id, 0), a.outlet_id"),
        }
        drift = {}
        for table, (kept_sql, counted_sql) in kept_and_counted.items():
            kept, counted = ({(r["user_id"], r["feed_key"], r["outlet_id"]): r["n"] for r in self.db.rows(sql)}
                             for sql in (kept_sql, counted_sql))
            drift[table] = [(key, kept.get(key, 0), counted.get(key, 0))
                            for key in sorted(kept.keys() | counted.keys()) if kept.get(key, 0) != counted.get(key, 0)]
        return drift

    def saved(self, user_id: int, limit: int = 50, offset: int = 0) -> list[int]:
        return self.db.column("SELECT article_id FROM article_state WHERE user_id = :user AND saved_at IS NOT NULL "
                              "ORDER BY saved_at DESC, article_id DESC LIMIT :limit OFFSET :offset",
                              {"user": user_id, "limit": limit, "offset": offset})

    # -- feeds, folders, mutes ----------------------------------------------------------------

    def user_feeds(self, user_id: int, include_hidden: bool = False) -> list[dict]:
        """Every feed, with this user's title, folder and whether they hid it."""
        return self.db.rows(
            "SELECT f.id, f.url, COALESCE(u.title, f.title) AS title, f.site_url, u.folder, "
            "COALESCE(u.hidden, 0) AS hidden, o.name AS outlet, f.created FROM feeds f "
            "LEFT JOIN user_feeds u ON u.feed_id = f.id AND u.user_id = :user "
            "LEFT JOIN outlets o ON o.id = f.outlet_id "
            "WHERE (:all = 1 OR COALESCE(u.hidden, 0) = 0) ORDER BY f.id",
            {"user": user_id, "all": int(include_hidden)})

    def set_feed_prefs(self, user_id: int, feed_id: int, *, title: str | None = ..., folder: str | None = ...,
                       hidden: bool | None = None) -> None:
        """Change what is given (... leaves a field as it is; None clears a title or folder)."""
        current = self.db.row("SELECT title, folder, hidden FROM user_feeds WHERE user_id = :user AND feed_id = :feed",
                              {"user": user_id, "feed": feed_id}) or {"title": None, "folder": None, "hidden": 0}
        values = {"user": user_id, "feed": feed_id,
                  "title": current["title"] if title is ... else title,
                  "folder": current["folder"] if folder is ... else folder,
                  "hidden": current["hidden"] if hidden is None else int(hidden)}
        self.db.execute("INSERT INTO user_feeds (user_id, feed_id, title, folder, hidden) "
                        "VALUES (:user, :feed, :title, :folder, :hidden) ON CONFLICT (user_id, feed_id) DO UPDATE "
                        "SET title = excluded.title, folder = excluded.folder, hidden = excluded.hidden", values)

    def folders(self, user_id: int) -> list[str]:
        return self.db.column("SELECT DISTINCT folder FROM user_feeds WHERE user_id = :user AND folder IS NOT NULL "
                              "AND hidden = 0 ORDER BY folder", {"user": user_id})

    def mutes(self, user_id: int) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {"keyword": [], "outlet": []}
        for row in self.db.rows("SELECT kind, value FROM mutes WHERE user_id = :user ORDER BY kind, value",
                                {"user": user_id}):
            found.setdefault(row["kind"], []).append(row["value"])
        return found

    def mute(self, user_id: int, kind: str, value: str, muted: bool = True) -> None:
        if muted:
            self.db.execute("INSERT INTO mutes (user_id, kind, value) VALUES (:user, :kind, :value) ON CONFLICT DO NOTHING",
                            {"user": user_id, "kind": kind, "value": value})
        else:
            self.db.execute("DELETE FROM mutes WHERE user_id = :user AND kind = :kind AND value = :value",
                            {"user": user_id, "kind": kind, "value": value})
