"""A request's parameters as Google Reader clients send them: in the query
string, in a form body, or both, often repeated (`i=1&i=2`); the stream
options (n, r, c, xt, it, ot, nt); continuations; times."""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from storyline.greader.ids import MAX_ITEM_ID, BadRequest, Stream, parse_stream
from storyline.storage.derived import moment

MAX_FORM = 1024 * 1024  # bytes of form body
MAX_FIELDS = 20_000
MAX_VALUE = 4096  # characters in one value
MAX_CONTINUATION = 512
LAST_SECOND = 253_402_300_799  # 9999-12-31T23:59:59Z
_NUMBER = re.compile(r"^\d{1,19}$")
_STAMP = re.compile(r"^[0-9T:.+\- Z]{1,40}$")  # a stored time, as a cursor carries it


class Params:
    """Query and form fields, in order; repeated names keep every value."""

    def __init__(self, pairs: list[tuple[str, str]]):
        for name, value in pairs:
            if len(value) > MAX_VALUE or "\x00" in value or "\x00" in name:
                raise BadRequest(f"bad value for {name[:40]!r}")
        self.pairs = pairs

    @classmethod
    def parse(cls, query: list[tuple[str, str]], body: bytes) -> "Params":
        pairs = list(query)
        if body:
            try:
                pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                                   max_num_fields=MAX_FIELDS)
            except ValueError:
                raise BadRequest(f"more than {MAX_FIELDS} form fields") from None
        return cls(pairs)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The last value given for `name` (a form field wins over the query)."""
        found = default
        for key, value in self.pairs:
            if key == name:
                found = value
        return found

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


def integer(params: Params, name: str, default: int, low: int, high: int, *, clamp: bool = False) -> int:
    """A whole number parameter; BadRequest when it is not one or (unless
    `clamp`) out of [low, high]."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip()
    if value.startswith("-") and _NUMBER.match(value[1:]):
        number = -int(value[1:])
    elif _NUMBER.match(value):
        number = int(value)
    else:
        raise BadRequest(f"{name} must be a whole number, not {raw[:40]!r}")
    if clamp:
        return max(low, min(high, number))
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return number


def iso(seconds: int) -> str:
    """Epoch seconds as a stored timestamp (UTC, to the second)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(stamp: str | None) -> int | None:
    """A stored or published ISO 8601 time as epoch seconds (None if unreadable)."""
    when = moment(stamp)
    return int(when.timestamp()) if when else None


def moment_param(params: Params, name: str) -> str | None:
    """`ts`-style times: seconds, milliseconds or microseconds since the epoch
    (by size, as clients differ), as a stored timestamp."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip()
    if not _NUMBER.match(value):
        raise BadRequest(f"{name} must be a time in microseconds, not {raw[:40]!r}")
    number = int(value)
    if number >= 10 ** 14:
        number //= 1_000_000
    elif number >= 10 ** 11:
        number //= 1000
    if number > LAST_SECOND:
        raise BadRequest(f"{name} is too far in the future")
    return iso(number)


@dataclass
class Cursor:
    """Where the previous page ended, in each of the two kinds of items
    (articles by added time and id, stories by id), paged apart."""
    article: tuple[str, int] | None = None
    story: int | None = None

    def encode(self) -> str:
        data = {"a": list(self.article) if self.article else None, "s": self.story}
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> "Cursor":
        if not text:
            return cls()
        if len(text) > MAX_CONTINUATION:
            raise BadRequest("bad continuation")
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not isinstance(data, dict) or set(data) != {"a", "s"}:
                raise ValueError
            article, story = data["a"], data["s"]
            if article is not None:
                if not (isinstance(article, list) and len(article) == 2 and isinstance(article[0], str)
                        and _STAMP.match(article[0]) and type(article[1]) is int and 0 <= article[1] <= MAX_ITEM_ID):
                    raise ValueError
                article = (article[0], article[1])
            if story is not None and not (type(story) is int and 0 <= story <= MAX_ITEM_ID):
                raise ValueError
            return cls(article, story)
        except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
            raise BadRequest("bad continuation: pass back the one the previous page gave") from None


@dataclass
class StreamQuery:
    """What a stream request asks for: n items, oldest or newest first, after a
    continuation, without the items of `exclude` states, only those of `include`,
    added between `oldest` and `newest`."""
    stream: Stream
    count: int
    ascending: bool = False
    cursor: Cursor = field(default_factory=Cursor)
    exclude: set[str] = field(default_factory=set)  # "read", "starred", "unread"
    include: set[str] = field(default_factory=set)
    oldest: str | None = None
    newest: str | None = None


FILTER_STATES = {"read", "starred", "unread"}


def _states(params: Params, name: str) -> set[str]:
    """The states of xt / it. Filters Storyline cannot apply (another feed, a
    label, kept-unread) are ignored, as other servers do; garbage is a 400."""
    found = set()
    for value in params.all(name):
        if not value:
            continue
        stream = parse_stream(value)
        if stream.kind in ("read", "starred"):
            found.add(stream.kind)
        elif stream.kind == "empty" and stream.id.endswith("/unread"):
            found.add("unread")
    return found


def stream_query(params: Params, stream: Stream, default: int, limit: int) -> StreamQuery:
    order = (params.get("r") or "d").strip()
    if order not in ("d", "n", "o"):
        raise BadRequest("r must be d, n or o")
    oldest = integer(params, "ot", 0, 0, LAST_SECOND)
    newest = integer(params, "nt", 0, 0, LAST_SECOND)
    return StreamQuery(
        stream=stream, count=integer(params, "n", default, 1, limit, clamp=True), ascending=order == "o",
        cursor=Cursor.decode((params.get("c") or "").strip()), exclude=_states(params, "xt"),
        include=_states(params, "it"), oldest=iso(oldest) if oldest else None, newest=iso(newest) if newest else None)
