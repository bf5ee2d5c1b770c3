"""Where the time goes: wall time inside a store's database calls, and percentiles."""
from __future__ import annotations

import time
from contextlib import contextmanager
from functools import wraps

from sqlalchemy import event

from storyline.ingest import Ingestor
from storyline.storage import Store

# Every query of the store goes through these methods of its Database (storyline/storage/database.py).
QUERY_METHODS = ("rows", "row", "scalar", "column", "execute", "executemany")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


class DatabaseTime:
    """Seconds spent in one store's database calls while `measuring()`: each
    query from the call to its last row fetched (timing the driver's execute
    alone would miss the rows SQLite steps through while they are fetched),
    plus the BEGIN and COMMIT statements transactions send themselves (COMMIT
    is where SQLite writes its pages to the WAL)."""

    def __init__(self, store: Store):
        self.seconds = 0.0
        self._db = store.db
        self._control_started: float | None = None

    @contextmanager
    def measuring(self):
        db = self._db
        for name in QUERY_METHODS:
            setattr(db, name, self._timed(getattr(db, name)))
        event.listen(db.conn, "before_cursor_execute", self._before)
        event.listen(db.conn, "after_cursor_execute", self._after)
        try:
            yield self
        finally:
            event.remove(db.conn, "before_cursor_execute", self._before)
            event.remove(db.conn, "after_cursor_execute", self._after)
            for name in QUERY_METHODS:
                delattr(db, name)  # back to the class's own methods

    def _timed(self, method):
        @wraps(method)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
        return timed

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self._control_started = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self._control_started is not None:
            self.seconds += time.perf_counter() - self._control_started
            self._control_started = None


class BriefTimedIngestor(Ingestor):
    """The ingestor, counting the seconds it spends re-briefing the stories a
    batch touched (CPU work, the same on every database, and by far the largest
    part of adding one article to a big story)."""

    brief_seconds = 0.0

    def _refresh_briefs(self, report):
        started = time.perf_counter()
        try:
            return super()._refresh_briefs(report)
        finally:
            self.brief_seconds += time.perf_counter() - started


if not callable(getattr(Ingestor, "_refresh_briefs", None)):  # fail loudly, not with silent zeros
    raise ImportError("Ingestor._refresh_briefs is gone: update bench/storage/timing.py")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank (q = 0.95 for p95)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
