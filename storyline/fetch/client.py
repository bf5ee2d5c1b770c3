"""HTTP fetching with the limits a long-running reader needs.

Redirects are followed by hand so that every hop passes the address policy.
Connections go through `GuardedBackend`, which connects only to vetted
addresses and ends every network step by the fetch's overall deadline. Bodies
are read raw and decompressed here, a bounded step at a time, so the size cap
holds across every compression layer and whatever Content-Length claims.
`Fetcher.get` raises nothing but FetchError, whatever string it is given.
"""
from __future__ import annotations

import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator

import httpcore
import httpx

from storyline.config import FetchSettings
from storyline.fetch.guard import (
    AddressPolicy,
    FetchError,
    FetchScope,
    GuardedBackend,
    Resolver,
    current_fetch,
    for_message,
)
from storyline.model import Fetched

_REDIRECTS = {301, 302, 303, 307, 308}
_TEXT_TYPES = (
    "text/",
    "application/xhtml+xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/x-rss+xml",
    "text/x-opml",
)
# Magic numbers of common binary payloads served with a wrong Content-Type.
_BINARY_MAGIC = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "gzip-compressed data",
}
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/feed+json,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
)
ACCEPT_ENCODING = "gzip, deflate"
_ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
MAX_ENCODINGS = 3  # compression layers one response may stack
_DECODE_STEP = 64 * 1024  # most bytes one layer turns out per call, whatever its input
_DEADLINE_SLACK = 0.05  # seconds: a timeout this close to the deadline is the deadline


class _Retryable(FetchError):
    pass


def describe_binary(body: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC.items():
        if body.startswith(magic):
            return what
    return None


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool that connects through the guard.

    HTTPTransport accepts no network backend, so its pool is replaced; `_pool` is
    all its handle_request uses (httpx is pinned in requirements.txt)."""

    def __init__(self, backend: httpcore.NetworkBackend, limits: httpx.Limits):
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, resolver: Resolver | None = None):
        self.settings = settings or FetchSettings()
        self.policy = AddressPolicy(self.settings, resolver)
        limits = httpx.Limits(max_connections=self.settings.workers * 2)
        self.client = httpx.Client(
            transport=_GuardedTransport(GuardedBackend(self.policy), limits),
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT,
                     "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,  # a proxy from the environment would bypass the address policy
        )
        self._host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self.settings.per_host)
        )
        self._slots_lock = threading.Lock()
        self._host_free: dict[str, float] = {}  # host -> when the next request to it may start
        self._all_slots = threading.BoundedSemaphore(self.settings.workers)  # requests at once, all hosts

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch one URL, retrying timeouts and server errors with backoff, all of it
        (connects, redirects, retries, the body) within the overall deadline."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        scope = FetchScope(url, time.monotonic() + self.settings.deadline)
        token = current_fetch.set(scope)
        try:
            return self._with_retries(url, headers, scope)
        finally:
            current_fetch.reset(token)

    def _with_retries(self, url: str, headers: dict[str, str], scope: FetchScope) -> Fetched:
        delay = self.settings.backoff
        for attempt in range(self.settings.retries + 1):
            try:
                return self._follow(url, headers, scope)
            except _Retryable as exc:
                tries = attempt + 1
                if attempt == self.settings.retries:
                    raise FetchError(f"{exc} (gave up after {tries} attempts)") from None
                if scope.remaining() <= delay:
                    raise FetchError(f"{exc} (gave up after {tries} attempts: no time left "
                                     f"within the {self.settings.deadline:g} s deadline)") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _past_deadline(self, url: str) -> FetchError:
        return FetchError(
            f"fetching {for_message(url)} took longer than the {self.settings.deadline:g} s deadline")

    def _follow(self, url: str, headers: dict[str, str], scope: FetchScope) -> Fetched:
        current, shown = self.policy.check_url(url), url
        seen = {str(current)}
        for _hop in range(self.settings.max_redirects + 1):
            scope.url = shown
            result = self._request_in_slot(url, current, shown, headers, scope)
            if isinstance(result, Fetched):
                return result
            try:
                target = current.join(result)
            except (httpx.InvalidURL, ValueError) as exc:
                raise FetchError(f"bad redirect from {for_message(shown)} to {for_message(result)}: "
                                 f"{for_message(str(exc))}") from None
            if str(target) in seen:
                raise FetchError(f"redirect loop at {for_message(shown)} -> {for_message(str(target))}")
            seen.add(str(target))
            current, shown = self.policy.check_url(target), str(target)
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    def _request_in_slot(self, original: str, url: httpx.URL, shown: str,
                         headers: dict[str, str], scope: FetchScope) -> Fetched | str:
        with self._slots_lock:
            slot = self._host_slots[url.host]
        if not slot.acquire(timeout=max(scope.remaining(), 0)):
            raise self._past_deadline(original)
        try:
            gap = self.settings.host_gap
            if gap:  # politeness: a pause between two requests to one host
                wait = self._host_free.get(url.host, 0.0) - time.monotonic()
                if wait > scope.remaining():
                    raise self._past_deadline(original)
                if wait > 0:
                    time.sleep(wait)
            if not self._all_slots.acquire(timeout=max(scope.remaining(), 0)):
                raise self._past_deadline(original)
            try:
                return self._request(original, url, shown, headers, scope)
            finally:
                self._all_slots.release()
                if gap:
                    self._host_free[url.host] = time.monotonic() + gap
        finally:
            slot.release()

    def _request(self, original: str, url: httpx.URL, shown: str,
                 headers: dict[str, str], scope: FetchScope) -> Fetched | str:
        """One request: a Fetched, or the Location to follow."""
        where = for_message(shown)
        step = min(self.settings.timeout, max(scope.remaining(), 0.001))
        try:
            with self.client.stream("GET", url, headers=headers, timeout=step) as resp:
                self._check_peer(resp, shown)
                status = resp.status_code
                if status in _REDIRECTS:
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location header")
                    return location
                if status == 304:
                    return Fetched(original, shown, 304, "", None, b"", resp.headers.get("etag"),
                                   resp.headers.get("last-modified"), max_age(resp.headers))
                reason = for_message(resp.reason_phrase, 80)
                wait = retry_after(resp.headers.get("retry-after")) if status in (429, 503) else None
                if wait is not None:  # the server said when to come back: no retry before that
                    raise FetchError(f"HTTP {status} {reason} from {where} (asked to wait {wait:g} s)",
                                     retry_after=wait)
                if status >= 500 or status == 429:
                    raise _Retryable(f"HTTP {status} {reason} from {where}")
                if status >= 400:
                    raise FetchError(f"HTTP {status} {reason} from {where}")
                media_type, charset = _content_type(resp.headers.get("content-type", ""))
                if media_type and not media_type.startswith(_TEXT_TYPES):
                    raise FetchError(f"unsupported content type {for_message(media_type, 80)} at {where}")
                body = self._read_body(resp, original, where, scope)
        except httpx.TimeoutException:
            if scope.remaining() <= _DEADLINE_SLACK:
                raise self._past_deadline(original) from None
            raise _Retryable(f"timed out after {self.settings.timeout:g}s fetching {where}") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
            # connection refused or reset, a malformed response, a header value httpx cannot send
            raise FetchError(f"cannot fetch {where}: {for_message(str(exc) or type(exc).__name__)}") from None
        binary = describe_binary(body)
        if binary:
            raise FetchError(f"unsupported content at {where}: {binary}, not a web page or feed")
        return Fetched(original, shown, status, media_type, charset, body,
                       resp.headers.get("etag"), resp.headers.get("last-modified"), max_age(resp.headers))

    def _check_peer(self, resp: httpx.Response, url: str) -> None:
        # GuardedBackend already checked the peer before sending; this holds even
        # for a connection that did not come from it.
        stream = resp.extensions.get("network_stream")
        if stream is None:
            return
        peer = stream.get_extra_info("server_addr")
        if peer:
            self.policy.check_address(str(peer[0]), url)

    def _read_body(self, resp: httpx.Response, original: str, where: str, scope: FetchScope) -> bytes:
        """The decoded body, refused as soon as the raw or the decoded bytes pass the cap."""
        cap = self.settings.max_bytes
        declared = resp.headers.get("content-length", "").strip()
        if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > cap):
            size = f"{int(declared):,}" if len(declared) <= 18 else for_message(declared, 30)
            raise FetchError(f"{where} is {size} bytes, over the {cap:,}-byte limit")
        layers = _layers(resp.headers.get("content-encoding", ""), cap, where)
        body = bytearray()
        raw_size = 0
        for chunk in resp.iter_raw():
            raw_size += len(chunk)
            if raw_size > cap:
                raise FetchError(f"{where} is larger than the {cap:,}-byte limit")
            for piece in _decoded(chunk, layers):
                body += piece
                if len(body) > cap:
                    raise FetchError(f"{where} is larger than the {cap:,}-byte limit once decompressed")
            if scope.remaining() <= 0:
                raise self._past_deadline(original)
        for layer in layers:
            layer.check_complete()
        return bytes(body)


class _Inflater:
    """One gzip or deflate layer, turning out at most _DECODE_STEP bytes per zlib call,
    and no more than the cap in all."""

    def __init__(self, encoding: str, cap: int, where: str):
        self.encoding, self.cap, self.where = encoding, cap, where
        self._zlib = zlib.decompressobj(_ZLIB_WBITS[encoding])
        self._first = True
        self._fed = False
        self._produced = 0

    def check_complete(self) -> None:
        """Refuse a stream cut short: a page decoded from part of one would lose text silently."""
        if self._fed and not self._zlib.eof:
            raise FetchError(f"cannot decode {self.where}: its {self.encoding}-compressed body is cut short")

    def decode(self, data: bytes) -> Iterator[bytes]:
        self._fed = self._fed or bool(data)
        if self._zlib.eof:
            return  # what follows the end of the compressed stream is ignored, as httpx does
        piece = self._inflate(data)
        while True:
            if piece:
                self._produced += len(piece)
                if self._produced > self.cap:
                    raise FetchError(
                        f"{self.where} is larger than the {self.cap:,}-byte limit once decompressed")
                yield piece
            # A full step may leave output pending inside zlib even with no input left.
            if self._zlib.eof or (not self._zlib.unconsumed_tail and len(piece) < _DECODE_STEP):
                return
            piece = self._inflate(self._zlib.unconsumed_tail)

    def _inflate(self, data: bytes) -> bytes:
        try:
            piece = self._zlib.decompress(data, _DECODE_STEP)
        except zlib.error:
            if self.encoding == "deflate" and self._first:
                # "deflate" is often sent raw, without the zlib wrapper it should have
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self._inflate(data)
            raise FetchError(f"cannot decode {self.where}: the body is not valid {self.encoding} "
                             f"data, though its Content-Encoding says so") from None
        self._first = False
        return piece


def _layers(header: str, cap: int, where: str) -> list[_Inflater]:
    """Decoders for a Content-Encoding header, in the order they are to be undone."""
    names = [name.strip().lower() for name in header.split(",")]
    names = [name for name in names if name and name != "identity"]
    if len(names) > MAX_ENCODINGS:
        raise FetchError(f"{where} is compressed {len(names)} times over (at most "
                         f"{MAX_ENCODINGS} layers are accepted)")
    for name in names:
        if name not in _ZLIB_WBITS:
            raise FetchError(f"unsupported content encoding {for_message(name, 40)!r} at {where}")
    return [_Inflater(name, cap, where) for name in reversed(names)]  # the last applied comes off first


def _decoded(data: bytes, layers: list[_Inflater]) -> Iterator[bytes]:
    """`data` through every layer, a bounded piece at a time."""
    if not layers:
        if data:
            yield data
        return
    for piece in layers[0].decode(data):
        yield from _decoded(piece, layers[1:])


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def max_age(headers: httpx.Headers) -> int | None:
    """Cache-Control max-age in seconds (s-maxage first: we are a shared cache of sorts)."""
    found: dict[str, int] = {}
    for directive in headers.get("cache-control", "").split(","):
        key, _, value = directive.strip().partition("=")
        value = value.strip().strip('"')
        if key.lower() in ("max-age", "s-maxage") and value.isascii() and value.isdigit() and len(value) < 10:
            found[key.lower()] = int(value)
    return found.get("s-maxage", found.get("max-age"))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value[:9]), 10**8))
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
