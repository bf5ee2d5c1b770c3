"""Each user's state: edit-tag (read, starred), mark-all-as-read, unread counts."""
from __future__ import annotations

from fastapi.responses import Response

from storyline.greader import ids, queries, streams
from storyline.greader.call import Call, as_json, ok
from storyline.greader.ids import BadRequest
from storyline.greader.params import epoch, moment_param
from storyline.greader.reading import refs, stream_param
from storyline.storage.derived import now

MAX_EDIT = 10_000  # item ids in one edit-tag


def _usec(stamp: str | None) -> str:
    return str((epoch(stamp) or 0) * 1_000_000)


def edit_tag(call: Call) -> Response:
    wanted = refs(call, MAX_EDIT)
    adds = {ids.tag_state(t) for t in call.params.all("a") if t}
    removes = {ids.tag_state(t) for t in call.params.all("r") if t}
    if adds & removes & {"read", "starred"}:
        raise BadRequest("the same state added and removed")
    store, user_id = call.store, call.user.id
    articles = queries.existing(store, "articles", [r.id for r in wanted if r.kind == "article"])
    stories = queries.existing(store, "stories", [r.id for r in wanted if r.kind == "story"])
    if articles and ("read" in adds or "read" in removes):
        store.set_read(user_id, articles, "read" in adds)
    if articles and ("starred" in adds or "starred" in removes):
        store.set_saved(user_id, articles, "starred" in adds)
    if "read" in adds and stories:
        queries.mark_stories_read(store, user_id, stories)
    if "read" in removes:
        for story_id in stories:
            store.unread_story(user_id, story_id)
    return ok()  # other states (kept-unread, broadcast, like) and labels on items are not kept


def mark_all_as_read(call: Call) -> Response:
    stream = stream_param(call, None)
    before = moment_param(call.params, "ts") or now()
    store, user_id = call.store, call.user.id
    if stream.kind in ("reading-list", "stories"):
        if stream.kind == "reading-list":
            store.mark_all_read(user_id, before)
        queries.mark_stories_read(store, user_id, queries.unread_stories(store, user_id, before))
    elif stream.kind == "feed":
        feed = streams.feed_of(store, user_id, stream)
        if feed is not None:
            store.mark_all_read(user_id, before, feed_id=feed["id"])
    elif stream.kind == "label":
        for feed in store.user_feeds(user_id):
            if feed["folder"] == stream.value:
                store.mark_all_read(user_id, before, feed_id=feed["id"])
    elif stream.kind == "outlet":
        store.set_read(user_id, queries.unread_feedless(store, user_id, stream.value, before))
    return ok()


def unread_count(call: Call) -> Response:
    store, user_id = call.store, call.user.id
    feeds = {f["id"]: f for f in store.user_feeds(user_id)}
    counts: dict[str, list] = {}  # stream id -> [count, newest added]

    def add(stream: str, n: int, newest: str | None) -> None:
        entry = counts.setdefault(stream, [0, None])
        entry[0] += n
        entry[1] = max(filter(None, (entry[1], newest)), default=None)

    for row in queries.unread_counts(store, user_id):
        if row["feed_id"] is not None:
            feed = feeds.get(row["feed_id"])
            if feed is None:
                continue
            add(ids.feed_stream(feed["url"]), row["n"], row["newest"])
            if feed["folder"]:
                add(ids.label_stream(feed["folder"]), row["n"], row["newest"])
        else:
            add(ids.outlet_stream(row["outlet_id"]), row["n"], row["newest"])
        add(ids.READING_LIST, row["n"], row["newest"])
    stories, newest = queries.unread_story_count(store, user_id)
    if stories:
        add(ids.STORIES_FEED, stories, newest)
        add(ids.READING_LIST, stories, newest)
    entries = [{"id": stream, "count": n, "newestItemTimestampUsec": _usec(newest)}
               for stream, (n, newest) in counts.items()]
    return as_json({"max": max((e["count"] for e in entries), default=0), "unreadcounts": entries})
