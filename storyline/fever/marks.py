"""Fever's writes: an item read, unread, saved or unsaved; a feed or a group
(0: everything) read up to `before`, the time of the client's last items call,
so what came in since stays unread; recently read items unread again.

`before` is compared with when Storyline stored an article (as Google Reader's
mark-all-as-read is), not with the article's own date. A missing or unreadable
`before` means now. Ids that name nothing change nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storyline.fever.sources import OUTLET_BASE, sources
from storyline.greader import queries
from storyline.greader.params import LAST_SECOND, iso
from storyline.storage import Store

RECENTLY = timedelta(hours=1)  # what `unread_recently_read` takes back


def mark_item(store: Store, user_id: int, article_id: int, state: str) -> None:
    if state not in ("read", "unread", "saved", "unsaved") or not queries.existing(store, "articles", [article_id]):
        return
    if state in ("read", "unread"):
        store.set_read(user_id, [article_id], state == "read")
    else:
        store.set_saved(user_id, [article_id], state == "saved")


def mark_feed_read(store: Store, user_id: int, feed_id: int, before: str) -> None:
    if feed_id > OUTLET_BASE:
        store.set_read(user_id, queries.unread_feedless(store, user_id, feed_id - OUTLET_BASE, before))
    elif feed_id > 0:
        store.mark_all_read(user_id, before, feed_id=feed_id)


def mark_group_read(store: Store, user_id: int, group_id: int, before: str) -> None:
    """Group 0 is every article; -1 (Fever's "Sparks") holds no feed here."""
    if group_id == 0:
        store.mark_all_read(user_id, before)
    elif group_id > 0:
        for feed_id in sources(store, user_id, outlets=False).folder_feeds(group_id):
            store.mark_all_read(user_id, before, feed_id=feed_id)


def unread_recently_read(store: Store, user_id: int) -> None:
    since = (datetime.now(timezone.utc) - RECENTLY).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.execute("UPDATE article_state SET read = 0, read_at = NULL WHERE user_id = :user AND read = 1 "
                  "AND read_at >= :since", {"user": user_id, "since": since})


def before_time(seconds: int | None) -> str | None:
    """A Unix time as a stored one (None for 0 or none); milliseconds are taken
    as clients mean them, and what lies outside 1970..9999 is brought to its edge."""
    if not seconds:
        return None
    if seconds >= 10 ** 11:
        seconds //= 1000
    return iso(max(0, min(seconds, LAST_SECOND)))
