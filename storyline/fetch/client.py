"""HTTP fetching with the limits a long-running reader needs.

Redirects are followed by hand so that every hop passes the address policy;
bodies are streamed so the size cap holds even when Content-Length lies.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.config import FetchSettings
from storyline.fetch.guard import AddressPolicy, FetchError, Resolver
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


class _Retryable(FetchError):
    pass


def describe_binary(body: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC.items():
        if body.startswith(magic):
            return what
    return None


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, resolver: Resolver | None = None):
        self.settings = settings or FetchSettings()
        self.policy = AddressPolicy(self.settings, resolver)
        timeout = httpx.Timeout(self.settings.timeout)
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT},
            limits=httpx.Limits(max_connections=self.settings.workers * 2),
            trust_env=False,  # a proxy from the environment would bypass the address policy
        )
        self._host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self.settings.per_host)
        )
        self._slots_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch one URL, retrying timeouts and server errors with backoff."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        delay = self.settings.backoff
        for attempt in range(self.settings.retries + 1):
            try:
                return self._follow(url, headers)
            except _Retryable as exc:
                if attempt == self.settings.retries:
                    tries = self.settings.retries + 1
                    raise FetchError(f"{exc} (gave up after {tries} attempts)") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._slots_lock:
            return self._host_slots[host]

    def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        current = url
        seen = {url}
        for _hop in range(self.settings.max_redirects + 1):
            self.policy.check_url(current)
            with self._slot(current):
                result = self._request(url, current, headers)
            if isinstance(result, Fetched):
                return result
            target = urljoin(current, result)
            if target in seen:
                raise FetchError(f"redirect loop at {current} -> {target}")
            seen.add(target)
            current = target
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    def _request(self, original: str, url: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a Fetched, or the Location to follow."""
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                self._check_peer(resp, url)
                status = resp.status_code
                if status in _REDIRECTS:
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location header")
                    return location
                if status == 304:
                    return Fetched(original, url, 304, "", None, b"",
                                   resp.headers.get("etag"), resp.headers.get("last-modified"))
                if status >= 500 or status == 429:
                    raise _Retryable(f"HTTP {status} {resp.reason_phrase} from {url}")
                if status >= 400:
                    raise FetchError(f"HTTP {status} {resp.reason_phrase} from {url}")
                media_type, charset = _content_type(resp.headers.get("content-type", ""))
                if media_type and not media_type.startswith(_TEXT_TYPES):
                    raise FetchError(f"unsupported content type {media_type} at {url}")
                body = self._read_capped(resp, url)
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.settings.timeout:g}s fetching {url}") from None
        except httpx.TransportError as exc:
            raise FetchError(f"cannot fetch {url}: {exc or type(exc).__name__}") from None
        binary = describe_binary(body)
        if binary:
            raise FetchError(f"unsupported content at {url}: {binary}, not a web page or feed")
        return Fetched(original, url, status, media_type, charset, body,
                       resp.headers.get("etag"), resp.headers.get("last-modified"))

    def _check_peer(self, resp: httpx.Response, url: str) -> None:
        stream = resp.extensions.get("network_stream")
        if stream is None:
            return
        peer = stream.get_extra_info("server_addr")
        if peer:
            self.policy.check_address(str(peer[0]), url)

    def _read_capped(self, resp: httpx.Response, url: str) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"{url} is {int(declared):,} bytes, over the {cap:,}-byte limit")
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"{url} is larger than the {cap:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset
