"""Story clustering state in SQLite: the same State the in-memory clusterer
uses, so one algorithm serves both (storyline.cluster)."""
from __future__ import annotations

import heapq
import json
import sqlite3
from collections import defaultdict

from storyline import cluster
from storyline.cluster import Story


class SQLiteState:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def n_docs(self) -> int:
        row = self.db.execute("SELECT value FROM counters WHERE name = 'clustered'").fetchone()
        return row[0] if row else 0

    def df(self, terms: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(terms), 500):
            chunk = terms[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT term, df FROM term_df WHERE term IN ({marks})", chunk))
        return found

    def count(self, terms: list[str]) -> None:
        self.db.execute("INSERT INTO counters VALUES ('clustered', 1) "
                        "ON CONFLICT (name) DO UPDATE SET value = value + 1")
        self.db.executemany("INSERT INTO term_df VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET df = df + 1",
                            [(t,) for t in terms])

    def candidates(self, query: list[tuple[str, float]]) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        for term, weight in query:
            for (sid,) in self.db.execute(
                    "SELECT story_id FROM story_index WHERE term = ? ORDER BY story_id DESC LIMIT ?",
                    (term, cluster.POSTING_CAP)):
                acc[sid] += weight
        return [sid for sid, _ in heapq.nlargest(cluster.CANDIDATES, acc.items(), key=lambda kv: kv[1])]

    def load(self, story_id: int) -> Story:
        row = self.db.execute("SELECT id, centroid, members, size, last_day FROM stories WHERE id = ?",
                              (story_id,)).fetchone()
        members = [(str(key), vec) for key, vec in json.loads(row[2])]
        return Story(row[0], json.loads(row[1]), members, row[3], row[4])

    def save(self, story: Story) -> int:
        centroid = json.dumps({k: round(v, 5) for k, v in story.centroid.items()})
        members = json.dumps([[k, {t: round(v, 5) for t, v in vec.items()}] for k, vec in story.members])
        if story.id is None:
            story.id = self.db.execute(
                "INSERT INTO stories (size, last_day, centroid, members, updated) "
                "VALUES (?, ?, ?, ?, datetime('now')) RETURNING id",
                (story.size, story.last_day, centroid, members)).fetchone()[0]
        else:
            self.db.execute("UPDATE stories SET size = ?, last_day = ?, centroid = ?, members = ?, "
                            "updated = datetime('now') WHERE id = ?",
                            (story.size, story.last_day, centroid, members, story.id))
        return story.id

    def index(self, story_id: int, terms: list[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO story_index VALUES (?, ?)", [(t, story_id) for t in terms])
