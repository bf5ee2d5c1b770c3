"""Reading: item ids and items of a stream (JSON, or Atom for FeedHQ-mode
clients), items by id, and the preference calls some clients make first."""
from __future__ import annotations

import time

from fastapi.responses import Response

from storyline.greader import ids, streams
from storyline.greader.atom import render as render_atom
from storyline.greader.call import NO_STORE, Call, as_json
from storyline.greader.ids import BadRequest
from storyline.greader.params import stream_query

MAX_IDS = 10_000  # item ids in one stream/items/ids answer
MAX_ITEMS = 1_000  # items with their content in one answer


def stream_param(call: Call, given: str | None, default: str | None = None) -> ids.Stream:
    value = given if given else call.params.get("s") or default
    if not value:
        raise BadRequest("s (the stream) is missing")
    return ids.parse_stream(value)


def item_ids(call: Call) -> Response:
    query = stream_query(call.params, stream_param(call, None), 20, MAX_IDS)
    result = streams.page(call.store, call.user.id, query, base=call.base)
    data: dict = {"itemRefs": [{"id": ids.short_id(i.ref), "directStreamIds": [i.origin.stream],
                                "timestampUsec": str(i.added * 1_000_000)} for i in result.items]}
    if result.continuation:
        data["continuation"] = result.continuation
    return as_json(data)


def stream_contents(call: Call, stream_path: str | None = None, atom: bool = False) -> Response:
    stream = stream_param(call, stream_path, ids.READING_LIST)
    query = stream_query(call.params, stream, 20, MAX_ITEMS)
    result = streams.page(call.store, call.user.id, query, base=call.base, contents=True, brief=call.brief)
    title, home = streams.stream_title(call.store, call.user.id, stream)
    if atom or (call.params.get("output") or "").lower() == "atom":
        body = render_atom(stream.id, title, home, result.items, result.continuation)
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=NO_STORE)
    data: dict = {"direction": "ltr", "id": stream.id, "title": title,
                  "self": [{"href": str(call.request.url)}],
                  "alternate": [{"href": home, "type": "text/html"}] if home else [],
                  "updated": int(time.time()), "items": [i.json() for i in result.items]}
    if result.continuation:
        data["continuation"] = result.continuation
    return as_json(data)


def atom_stream(call: Call, stream_path: str | None) -> Response:
    return stream_contents(call, stream_path, atom=True)


def refs(call: Call, limit: int) -> list[ids.ItemRef]:
    values = call.params.all("i")
    if not values:
        raise BadRequest("i (the items) is missing")
    if len(values) > limit:
        raise BadRequest(f"at most {limit} items at once")
    return [ids.parse_item_id(v) for v in values]


def items_contents(call: Call) -> Response:
    found = streams.by_refs(call.store, call.user.id, refs(call, MAX_ITEMS), base=call.base, brief=call.brief)
    return as_json({"direction": "ltr", "id": ids.READING_LIST, "updated": int(time.time()),
                    "items": [i.json() for i in found]})


def preference_list(call: Call) -> Response:
    return as_json({"prefs": []})


def stream_preferences(call: Call) -> Response:
    return as_json({"streamprefs": {}})
