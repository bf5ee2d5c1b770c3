"""The Google Reader API's names for things: item ids, stream ids and tags.

Articles and stories share one item id space: an article's item id is its own
id, a story's is STORY_BASE + its id (below 2**53, so clients that read ids as
JavaScript numbers keep them exact). Item ids come long
(`tag:google.com,2005:reader/item/` and 16 hex digits) or short (decimal).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
STORY_BASE = 1 << 48
MAX_ITEM_ID = (1 << 63) - 1
STATE = "user/-/state/com.google/"
READING_LIST = STATE + "reading-list"
READ = STATE + "read"
STARRED = STATE + "starred"
FRESH = STATE + "fresh"
LABEL = "user/-/label/"
STORIES_FEED = "feed/storyline:stories"
OUTLET_FEED = "feed/storyline:outlet:"
MAX_NAME = 200  # characters in a folder name
MAX_STREAM = 2048

_USER = re.compile(r"^user/(?:-|\d{1,19})/")
_HEX = re.compile(r"^[0-9a-fA-F]{1,16}$")
_DECIMAL = re.compile(r"^\d{1,19}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadRequest(ValueError):
    """A parameter the client got wrong (answered with 400)."""


@dataclass(frozen=True)
class ItemRef:
    kind: str  # "article" or "story"
    id: int


def item_number(ref: ItemRef) -> int:
    return ref.id + STORY_BASE if ref.kind == "story" else ref.id


def long_id(ref: ItemRef) -> str:
    return f"{ITEM_PREFIX}{item_number(ref):016x}"


def short_id(ref: ItemRef) -> str:
    return str(item_number(ref))


def parse_item_id(text: str) -> ItemRef:
    """An item id in either form; BadRequest for anything else."""
    value = (text or "").strip()
    if value.startswith(ITEM_PREFIX):
        digits = value[len(ITEM_PREFIX):]
        if not _HEX.match(digits):
            raise BadRequest(f"bad item id {text[:80]!r}")
        number = int(digits, 16)
    elif _DECIMAL.match(value):
        number = int(value)
    else:
        raise BadRequest(f"bad item id {text[:80]!r}")
    if not 0 < number <= MAX_ITEM_ID:
        raise BadRequest(f"item id out of range: {text[:80]!r}")
    if number >= STORY_BASE:
        return ItemRef("story", number - STORY_BASE)
    return ItemRef("article", number)


@dataclass(frozen=True)
class Stream:
    """What a stream id names. kind: reading-list, starred, read, feed (value:
    the feed URL), outlet (value: outlet id, its articles that came from no
    feed), stories, label (value: folder name), or empty (a state Storyline
    does not keep, such as kept-unread or broadcast)."""
    kind: str
    value: str | int | None = None
    id: str = ""


def _user_stream(stream: str, kind: str) -> str | None:
    """`user/-/KIND/NAME` (or `user/123/...`) -> NAME; KIND is "state/com.google/" or "label/"."""
    match = _USER.match(stream)
    if not match:
        return None
    rest = stream[match.end():]
    return rest[len(kind):] if rest.startswith(kind) else None


def folder_name(name: str) -> str:
    """A folder name as given in a label; BadRequest if empty, too long or with controls."""
    if not name or len(name) > MAX_NAME or _CONTROL.search(name) or name != name.strip():
        raise BadRequest(f"bad folder name {name[:80]!r}")
    return name


def parse_stream(text: str) -> Stream:
    """A stream id; BadRequest when it is none of the forms above."""
    stream = (text or "").strip()
    if not stream or len(stream) > MAX_STREAM or _CONTROL.search(stream):
        raise BadRequest("bad stream id")
    state = _user_stream(stream, "state/com.google/")
    if state is not None:
        kinds = {"reading-list": "reading-list", "starred": "starred", "read": "read"}
        if not state or "/" in state:
            raise BadRequest(f"bad stream id {stream[:80]!r}")
        return Stream(kinds.get(state, "empty"), None, STATE + state)
    label = _user_stream(stream, "label/")
    if label is not None:
        name = folder_name(label)
        return Stream("label", name, LABEL + name)
    if stream == STORIES_FEED:
        return Stream("stories", None, stream)
    if stream.startswith(OUTLET_FEED):
        number = stream[len(OUTLET_FEED):]
        if not _DECIMAL.match(number) or not 0 < int(number) <= MAX_ITEM_ID:
            raise BadRequest(f"bad stream id {stream[:80]!r}")
        return Stream("outlet", int(number), stream)
    if stream.startswith("feed/") and len(stream) > len("feed/"):
        return Stream("feed", stream[len("feed/"):], stream)
    raise BadRequest(f"bad stream id {stream[:80]!r}")


def feed_stream(url: str) -> str:
    return "feed/" + url


def outlet_stream(outlet_id: int) -> str:
    return f"{OUTLET_FEED}{outlet_id}"


def label_stream(folder: str) -> str:
    return LABEL + folder


def tag_state(tag: str) -> str | None:
    """The state a tag of edit-tag names ("read", "starred", "kept-unread"...),
    None for a label; BadRequest for something that is no tag."""
    value = (tag or "").strip()
    state = _user_stream(value, "state/com.google/")
    if state is not None:
        if not state or "/" in state or _CONTROL.search(state):
            raise BadRequest(f"bad tag {tag[:80]!r}")
        return state
    label = _user_stream(value, "label/")
    if label is not None:
        folder_name(label)
        return None
    raise BadRequest(f"bad tag {tag[:80]!r}")
