"""Fever's groups and feeds, as one user sees them.

Feeds are the user's feeds (the ones they did not hide), under their own ids,
and, as in the Google Reader API, one feed for each outlet whose articles came
from no feed (files, article URLs, imports), under OUTLET_BASE + the outlet's
id: Fever ids are positive integers, and these two kinds must not meet.
Groups are the user's folders. Folders are names, not rows, so a group's id is
derived from its name (the same name always gives the same id, so a client's
"mark this group read" never lands on another folder after a folder is added).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from storyline.greader import queries
from storyline.greader.items import feed_title, outlet_home
from storyline.greader.params import epoch
from storyline.storage import Store
from storyline.web.sanitize import safe_http_url

OUTLET_BASE = 1_000_000_000  # feed ids of outlets; still a 32-bit signed integer for clients that want one
GROUP_SPACE = 2**31 - 1  # group ids: 1 .. GROUP_SPACE (0 is Fever's "all", -1 its "Sparks")


def outlet_feed_id(outlet_id: int) -> int:
    return OUTLET_BASE + outlet_id


def item_feed_id(row: dict) -> int:
    """The Fever feed of an article row (feed_id, outlet_id)."""
    return row["feed_id"] if row["feed_id"] is not None else outlet_feed_id(row["outlet_id"])


def group_ids(folders: list[str]) -> dict[int, str]:
    """{group id: folder} for one user's folders. A clash of two names (about one
    in two billion) moves the later name, in sorted order, to the next free id."""
    found: dict[int, str] = {}
    for folder in sorted(folders):
        number = int.from_bytes(hashlib.sha256(folder.encode()).digest()[:8], "big") % GROUP_SPACE + 1
        while number in found:
            number = number % GROUP_SPACE + 1
        found[number] = folder
    return found


@dataclass
class Sources:
    """One user's feeds (visible ones), outlets offered as feeds, and groups."""
    feeds: list[dict]
    outlets: list[dict]
    groups: dict[int, str]

    def groups_json(self) -> list[dict]:
        return [{"id": number, "title": folder} for number, folder in self.groups.items()]

    def feeds_groups(self) -> list[dict]:
        """Each group with its feeds' ids (feeds in no folder belong to no group)."""
        by_folder: dict[str, list[str]] = {}
        for feed in self.feeds:
            if feed["folder"]:
                by_folder.setdefault(feed["folder"], []).append(str(feed["id"]))
        return [{"group_id": number, "feed_ids": ",".join(by_folder.get(folder, []))}
                for number, folder in self.groups.items()]

    def feeds_json(self, base: str) -> list[dict]:
        found = [{"id": f["id"], "favicon_id": 0, "title": feed_title(f), "url": f["url"],
                  "site_url": safe_http_url(f["site_url"]) or "", "is_spark": 0,
                  "last_updated_on_time": epoch(f["last_fetched"]) or 0} for f in self.feeds]
        found += [{"id": outlet_feed_id(o["id"]), "favicon_id": 0, "title": o["name"],
                   "url": f"{base}/outlets/{quote(o['name'], safe='')}", "site_url": outlet_home(o["domain"]),
                   "is_spark": 0, "last_updated_on_time": epoch(o["newest"]) or 0} for o in self.outlets]
        return found

    def folder_feeds(self, group_id: int) -> list[int]:
        folder = self.groups.get(group_id)
        return [f["id"] for f in self.feeds if folder is not None and f["folder"] == folder]


def sources(store: Store, user_id: int, *, outlets: bool = True) -> Sources:
    feeds = store.user_feeds(user_id)
    fetched = {r["id"]: r["last_fetched"] for r in store.rows("SELECT id, last_fetched FROM feeds")}
    for feed in feeds:
        feed["last_fetched"] = fetched.get(feed["id"])
    found = queries.feedless_outlets(store, user_id) if outlets else []
    if found:
        newest = {r["outlet_id"]: r["newest"] for r in store.rows(
            "SELECT outlet_id, MAX(fetched) AS newest FROM articles WHERE feed_id IS NULL GROUP BY outlet_id")}
        for outlet in found:
            outlet["newest"] = newest.get(outlet["id"])
    return Sources(feeds, found, group_ids(store.folders(user_id)))


def last_refreshed(store: Store) -> int:
    """When a feed was last fetched or an article last came in (files have no feed)."""
    row = store.rows("SELECT (SELECT MAX(last_fetched) FROM feeds) AS feeds, "
                     "(SELECT MAX(fetched) FROM articles) AS articles")[0]
    return max(epoch(row["feeds"]) or 0, epoch(row["articles"]) or 0)
