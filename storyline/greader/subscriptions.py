"""Subscriptions and folders: the list (the user's feeds, an outlet feed for
each outlet whose articles came from no feed, the stories), quickadd, edit
(rename, file in a folder, unsubscribe: this user hides the feed), labels."""
from __future__ import annotations

import re

from fastapi.responses import Response

from storyline.greader import ids, queries, streams
from storyline.greader.call import Call, RateLimited, as_json, ok
from storyline.greader.ids import BadRequest
from storyline.greader.items import STORIES_TITLE, feed_title, outlet_home
from storyline.web.sanitize import safe_http_url

MAX_TITLE = 1000
MAX_URL = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def tag_list(call: Call) -> Response:
    tags = [{"id": ids.STARRED}] + [{"id": ids.label_stream(f), "type": "folder"}
                                    for f in call.store.folders(call.user.id)]
    return as_json({"tags": tags})


def _subscription(stream: str, title: str, url: str, home: str, folder: str | None = None) -> dict:
    return {"id": stream, "title": title,
            "categories": [{"id": ids.label_stream(folder), "label": folder}] if folder else [],
            "url": url, "htmlUrl": home, "iconUrl": ""}


def subscriptions(call: Call) -> list[dict]:
    """The user's feeds (the ones they did not unsubscribe from), then an outlet
    feed for each outlet whose articles came from no feed, then the stories."""
    found = [_subscription(ids.feed_stream(f["url"]), feed_title(f), f["url"], safe_http_url(f["site_url"]) or "",
                           f["folder"]) for f in call.store.user_feeds(call.user.id)]
    found += [_subscription(ids.outlet_stream(o["id"]), o["name"], "", outlet_home(o["domain"]))
              for o in queries.feedless_outlets(call.store, call.user.id)]
    found.append(_subscription(ids.STORIES_FEED, STORIES_TITLE, "", call.base + "/"))
    return found


def subscription_list(call: Call) -> Response:
    return as_json({"subscriptions": subscriptions(call)})


def _feed_url(value: str) -> str:
    from storyline.api import check_url  # here: storyline.api and storyline.web import each other

    url = value.strip()
    url = url[len("feed/"):] if url.startswith("feed/") else url
    try:
        check_url(url)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    if len(url) > MAX_URL:
        raise BadRequest(f"url has more than {MAX_URL} characters")
    return url


def _add_feed(call: Call, url: str) -> int:
    """Register the feed (the worker polls it: a new feed is due at once); as
    the JSON API's writes, at most the write rate per client."""
    limiter = call.request.app.state.limits.get("write")
    wait = limiter.allow(call.request.client.host if call.request.client else "unknown") if limiter else 0
    if wait:
        raise RateLimited(max(1, int(wait + 0.999)))
    feed_id, _ = call.store.add_feed(url)
    return feed_id


def quickadd(call: Call) -> Response:
    url = _feed_url(call.params.get("quickadd") or "")
    feed_id = _add_feed(call, url)
    call.store.set_feed_prefs(call.user.id, feed_id, hidden=False)
    feed = streams.feed_of(call.store, call.user.id, ids.Stream("feed", url))
    return as_json({"numResults": 1, "query": url, "streamId": ids.feed_stream(url),
                    "streamName": feed_title(feed) if feed else url})


def _title(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    if len(value) > MAX_TITLE or _CONTROL.search(value):
        raise BadRequest("bad title")
    return value.strip()


def _folder(tag: str | None) -> str | None:
    if not tag:
        return None
    stream = ids.parse_stream(tag)
    if stream.kind != "label":
        raise BadRequest(f"not a label: {tag[:80]!r}")
    return stream.value


def subscription_edit(call: Call) -> Response:
    action = call.params.get("ac") or ""
    if action not in ("subscribe", "unsubscribe", "edit"):
        raise BadRequest("ac must be subscribe, unsubscribe or edit")
    targets, titles = call.params.all("s"), call.params.all("t")
    if not targets:
        raise BadRequest("s (the feed) is missing")
    add, remove = _folder(call.params.get("a")), _folder(call.params.get("r"))
    user_id = call.user.id
    for k, target in enumerate(targets):
        stream = ids.parse_stream(target)
        title = _title(titles[k] if k < len(titles) else None)
        if stream.kind in ("stories", "outlet"):
            if action == "subscribe":
                continue  # always there
            raise BadRequest("Storyline's own feeds (stories, outlets without a feed) cannot be changed: "
                             "mute an outlet in the reader instead")
        if stream.kind != "feed":
            raise BadRequest(f"not a feed: {target[:80]!r}")
        if action == "subscribe":
            feed_id = _add_feed(call, _feed_url(stream.value))
            current = None
        else:
            current = streams.feed_of(call.store, user_id, stream)
            if current is None:
                raise BadRequest(f"no such feed: {stream.value[:80]!r}")
            feed_id = current["id"]
        changes: dict = {}
        if action == "unsubscribe":
            changes["hidden"] = True
        else:
            if action == "subscribe":
                changes["hidden"] = False
            if title is not None:
                changes["title"] = title
            if add is not None:
                changes["folder"] = add
            elif remove is not None and (current is None or current["folder"] == remove):
                changes["folder"] = None
        call.store.set_feed_prefs(user_id, feed_id, **changes)
    return ok()


def rename_tag(call: Call) -> Response:
    old, new = _folder(call.params.get("s")), _folder(call.params.get("dest"))
    if old is None or new is None:
        raise BadRequest("give s and dest, both labels")
    for feed in call.store.user_feeds(call.user.id, include_hidden=True):
        if feed["folder"] == old:
            call.store.set_feed_prefs(call.user.id, feed["id"], folder=new)
    return ok()


def disable_tag(call: Call) -> Response:
    old = _folder(call.params.get("s"))
    if old is None:
        raise BadRequest("give s, a label")
    for feed in call.store.user_feeds(call.user.id, include_hidden=True):
        if feed["folder"] == old:
            call.store.set_feed_prefs(call.user.id, feed["id"], folder=None)
    return ok()
