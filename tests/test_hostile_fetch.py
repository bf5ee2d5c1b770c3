"""storyline.fetch against hostile servers and hostile URLs on 127.0.0.1 (issue 10)."""
from __future__ import annotations

import gzip
import resource
import struct
import threading
import time
import tracemalloc
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.config import FetchSettings
from storyline.fetch import AddressPolicy, FetchError, Fetcher, RefusedURL
from tests.conftest import NewsServer, Reply

@pytest.fixture(scope="module")
def shared_server():
    srv = NewsServer()
    yield srv
    srv.close()


@pytest.fixture
def server(shared_server):
    """One loopback server for the module (shutting one down takes half a second), fresh routes."""
    shared_server.routes.clear()
    shared_server.requests.clear()
    return shared_server


PAGE = b"<html><body><p>" + b"A council vote on the bridge. " * 40 + b"</p></body></html>"
MiB = 1024 * 1024


def _assert_readable(exc: pytest.ExceptionInfo) -> None:
    message = str(exc.value)
    assert message and "\n" not in message and "\r" not in message and len(message) < 600
    assert message.isprintable()


# -- stacked compression ---------------------------------------------------------------

@lru_cache(maxsize=None)
def _bomb(encoding: str = "gzip", mebibytes: int = 1100) -> bytes:
    """A valid gzip (or zlib-wrapped deflate) stream of `mebibytes` MiB of zeros, built without
    compressing them: after a full flush, deflate encodes each MiB of zeros as the same block."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(MiB)
    deflate.compress(zeros)
    deflate.flush(zlib.Z_FULL_FLUSH)
    blocks = (deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)) * mebibytes + deflate.flush()
    if encoding == "deflate":
        adler = 1
        for _ in range(mebibytes):
            adler = zlib.adler32(zeros, adler)
        return b"\x78\xda" + blocks + struct.pack(">I", adler)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + blocks + struct.pack("<II", crc, (mebibytes * MiB) & 0xFFFFFFFF)


def _zlib_wrapped(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def _raw_deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush()


def test_the_bombs_are_what_they_claim():
    assert gzip.decompress(_bomb("gzip", 3)) == bytes(3 * MiB)
    assert zlib.decompress(_bomb("deflate", 3)) == bytes(3 * MiB)


@pytest.mark.parametrize("encoding", ["gzip, gzip", "deflate, gzip", "gzip, deflate, gzip", "gzip"])
def test_a_compression_bomb_is_refused_quickly_in_bounded_memory(server, settings, encoding):
    """A response of a few KB that decodes to over a gigabyte (1.1 GiB of zeros inside)."""
    innermost, *others = encoding.split(", ")  # listed in the order they were applied
    body = _bomb(innermost)
    for name in others:
        body = gzip.compress(body) if name == "gzip" else _zlib_wrapped(body)
    assert len(body) < 2 * MiB
    server.page("/bomb", body, "text/html", **{"Content-Encoding": encoding})
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="once decompressed") as exc:
            fetcher.get(server.url("/bomb"))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    _assert_readable(exc)
    assert "10,485,760-byte limit" in str(exc.value)
    assert elapsed < 3.0
    assert peak < 64 * MiB, f"peak {peak / MiB:.1f} MiB"
    assert rss_growth < 100 * MiB, f"RSS grew {rss_growth / MiB:.1f} MiB"


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", _zlib_wrapped),
    ("deflate", _raw_deflate),
    ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
    ("deflate, gzip", lambda b: gzip.compress(_zlib_wrapped(b))),
    ("gzip, deflate", lambda b: _raw_deflate(gzip.compress(b))),
    ("identity, gzip", gzip.compress),
    ("GZIP ,  GZIP", lambda b: gzip.compress(gzip.compress(b))),
])
def test_honest_compressed_pages_are_decoded(server, fetcher, encoding, encode):
    server.page("/page", encode(PAGE), "text/html", **{"Content-Encoding": encoding})
    assert fetcher.get(server.url("/page")).body == PAGE


def test_a_gzip_stream_in_small_network_chunks_is_decoded(server, fetcher):
    packed = gzip.compress(gzip.compress(PAGE * 50))
    chunks = [packed[i:i + 7] for i in range(0, len(packed), 7)]
    server.routes["/chunked"] = lambda _r: Reply(200, chunks, {"Content-Type": "text/html",
                                                                "Content-Encoding": "gzip, gzip"})
    assert fetcher.get(server.url("/chunked")).body == PAGE * 50


def test_the_decoded_cap_holds_to_the_byte(server, settings):
    settings.max_bytes = 1000
    server.page("/fits", gzip.compress(b"x" * 1000), "text/plain", **{"Content-Encoding": "gzip"})
    server.page("/over", gzip.compress(b"x" * 1001), "text/plain", **{"Content-Encoding": "gzip"})
    with Fetcher(settings) as fetcher:
        assert len(fetcher.get(server.url("/fits")).body) == 1000
        with pytest.raises(FetchError, match="1,000-byte limit once decompressed"):
            fetcher.get(server.url("/over"))


def test_more_than_three_layers_are_refused(server, fetcher):
    body = PAGE
    for _ in range(4):
        body = gzip.compress(body)
    server.page("/onion", body, "text/html", **{"Content-Encoding": "gzip, gzip, gzip, gzip"})
    with pytest.raises(FetchError, match="compressed 4 times over") as exc:
        fetcher.get(server.url("/onion"))
    _assert_readable(exc)


def test_thousands_of_declared_layers_are_refused(server, fetcher):
    server.page("/many", b"x", "text/html", **{"Content-Encoding": ", ".join(["gzip"] * 3000)})
    with pytest.raises(FetchError, match="compressed 3000 times over") as exc:
        fetcher.get(server.url("/many"))
    _assert_readable(exc)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br", "\x1b[31mevil"])
def test_unsupported_encodings_are_a_clear_error(server, fetcher, encoding):
    server.page("/enc", b"\x00\x01\x02binary", "text/html", **{"Content-Encoding": encoding})
    with pytest.raises(FetchError, match="unsupported content encoding") as exc:
        fetcher.get(server.url("/enc"))
    _assert_readable(exc)


@pytest.mark.parametrize("encoding, body, claimed", [
    ("gzip", b"<html><body>not compressed at all</body></html>", "gzip"),
    ("deflate", b"<html><body>not compressed at all</body></html>", "deflate"),
    ("gzip, gzip", gzip.compress(b"<html>only one layer</html>"), "gzip"),
    ("gzip", b"\x1f\x8b\x08\x00garbage after a gzip magic number", "gzip"),
])
def test_a_body_that_claims_compression_and_is_not_is_a_clear_error(server, fetcher, encoding, body,
                                                                    claimed):
    server.page("/liar", body, "text/html", **{"Content-Encoding": encoding})
    with pytest.raises(FetchError, match=f"not valid {claimed} data") as exc:
        fetcher.get(server.url("/liar"))
    _assert_readable(exc)


@pytest.mark.parametrize("encoding, body", [
    ("gzip", gzip.compress(PAGE)[:40]),
    ("deflate", _raw_deflate(PAGE)[:-3]),
    ("gzip, gzip", gzip.compress(gzip.compress(PAGE)[:-20])),
])
def test_a_compressed_body_cut_short_is_a_clear_error(server, fetcher, encoding, body):
    server.page("/cut", body, "text/html", **{"Content-Encoding": encoding})
    with pytest.raises(FetchError, match="compressed body is cut short") as exc:
        fetcher.get(server.url("/cut"))
    _assert_readable(exc)


def test_data_after_the_end_of_a_compressed_stream_is_ignored(server, fetcher):
    server.page("/tail", gzip.compress(PAGE) + b"trailing junk" * 1000, "text/html",
                **{"Content-Encoding": "gzip"})
    assert fetcher.get(server.url("/tail")).body == PAGE


def test_a_lying_content_encoding_on_a_redirect_or_not_modified_is_harmless(server, fetcher):
    target = server.page("/there", PAGE)
    server.routes["/moved"] = lambda _r: Reply(302, b"garbage", {"Location": target,
                                                                 "Content-Encoding": "gzip"})
    assert fetcher.get(server.url("/moved")).body == PAGE


def test_an_empty_body_declared_gzip_is_empty(server, fetcher):
    server.page("/empty", b"", "text/html", **{"Content-Encoding": "gzip"})
    assert fetcher.get(server.url("/empty")).body == b""


# -- one overall deadline --------------------------------------------------------------

def _dribble():
    yield b"<html><body>"
    while True:
        time.sleep(0.2)
        yield b"x"


def test_a_body_dribbled_a_byte_at_a_time_ends_at_the_deadline(server, settings):
    server.routes["/dribble"] = lambda _r: Reply(200, _dribble(), {"Content-Type": "text/html"})
    settings.deadline, settings.timeout = 1.5, 1.0  # each byte comes well within the step timeout
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"took longer than the 1\.5 s deadline") as exc:
            fetcher.get(server.url("/dribble"))
        elapsed = time.monotonic() - started
    _assert_readable(exc)
    assert 1.4 < elapsed < 2.5
    assert server.hits("/dribble") == 1  # the deadline is not retried


def test_the_deadline_covers_every_redirect_hop(server, settings):
    for i in range(5):
        server.routes[f"/slow{i}"] = lambda _r, i=i: Reply(302, b"", {"Location": f"/slow{i + 1}"},
                                                           delay=0.4)
    server.page("/slow5", PAGE)
    settings.deadline, settings.timeout = 1.0, 1.0  # each hop is under the step timeout
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            fetcher.get(server.url("/slow0"))
        assert time.monotonic() - started < 2.0
    assert server.hits("/slow5") == 0


def test_retries_never_sleep_past_the_deadline(server, settings):
    server.routes["/down"] = lambda _r: Reply(503, b"", {"Content-Type": "text/plain"})
    settings.deadline, settings.retries, settings.backoff = 1.0, 5, 0.4
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"HTTP 503.*no time left within the 1 s deadline") as exc:
            fetcher.get(server.url("/down"))
        assert time.monotonic() - started < 1.2
    _assert_readable(exc)
    assert 1 < server.hits("/down") < 6  # retried, but not all five times


def test_slow_response_headers_end_at_the_deadline(server, settings):
    server.routes["/late"] = lambda _r: Reply(200, PAGE, {"Content-Type": "text/html"}, delay=3)
    settings.deadline, settings.timeout = 0.6, 5.0
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="0.6 s deadline"):
            fetcher.get(server.url("/late"))
        assert time.monotonic() - started < 1.5


def test_a_hanging_dns_lookup_ends_at_the_deadline():
    def slow_resolver(host, port):
        time.sleep(3)
        return ["127.0.0.1"]

    with Fetcher(FetchSettings(deadline=0.6, timeout=5.0, retries=0), resolver=slow_resolver) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            f.get("http://news.example/story")
        assert time.monotonic() - started < 1.5


# -- URLs httpx cannot parse -----------------------------------------------------------

BAD_LOCATIONS = [
    "http://[::1", "http://x:99999/", "http://a b", "http://[zz]/", "http://host:abc/",
    "http://host:-1/", "http://127.0.0.1:65536/", "http://\x0b/", "http://\x1b[31mred/", "http://:80/",
    "http://", "ftp://127.0.0.1/x", "http://127.0.0.1:0/", "//[::1/x", "http://xn--/", "http:///",
    "https://[fe80::1%25eth0]/", "http://" + "a" * 70 + ".example/", "\x00",
    "http://" + "a" * 20000 + "/",
]


@pytest.mark.parametrize("location", BAD_LOCATIONS)
def test_an_unparseable_redirect_is_a_clear_error(server, fetcher, location):
    server.routes["/go"] = lambda _r: Reply(302, b"", {"Location": location})
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/go"))
    _assert_readable(exc)


BAD_URLS = [
    "http://127.0.0.1:65536/", "http://[::1/", "http://[zz]/", "http://host:-1/", "http://host:abc/",
    "http://host:99999999999999999999/", "http://" + "a" * 100_000 + ".example/", "http://[::1",
    "http://a b/", "http://a\x0bb/", "http://\x1b/", "http:///x", "http://:80/", "http://", "",
    "not a url", "\x00", "http://xn--/", "http://" + "a" * 64 + ".example/", "http://[::1]:0/",
    "http://user:pw@/", "http://é.example\u202e/", "http://%00/", "http://[v1.x]/",
    "https://[::ffff:127.0.0.1]:443/", "javascript:alert(1)", "http://.../",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_any_string_given_to_get_raises_only_fetch_error(url):
    resolve_to_loopback = lambda host, port: ["127.0.0.1"]  # noqa: E731 - never the internet
    settings = FetchSettings(allow_private=False, retries=0, timeout=1.0, deadline=2.0)
    with Fetcher(settings, resolver=resolve_to_loopback) as fetcher:
        with pytest.raises(FetchError) as exc:
            fetcher.get(url)
    _assert_readable(exc)


@pytest.mark.parametrize("url", ["http://127.0.0.1:65536/", "http://host:-1/", "http://[::1]:0/"])
def test_bad_ports_are_refused_as_such(url):
    with Fetcher(FetchSettings(retries=0)) as fetcher:
        with pytest.raises(RefusedURL, match="bad port"):
            fetcher.get(url)


def test_hostile_conditional_headers_are_a_clear_error(server, fetcher):
    server.page("/feed", "<rss/>", "application/rss+xml")
    for etag in ('"a"\r\nX-Injected: 1', "caf\u00e9\u2603"):
        with pytest.raises(FetchError) as exc:
            fetcher.get(server.url("/feed"), etag=etag)
        _assert_readable(exc)
    assert all("X-Injected" not in headers for _, headers in server.requests)


# -- the address guard -----------------------------------------------------------------

class _Site:
    """A one-page web server on a chosen loopback address and port, counting requests."""

    def __init__(self, host: str, port: int, body: bytes):
        self.hits = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def public_and_secret():
    """'Public' on 127.0.0.2 (the policy allows it) and 'secret' on 127.0.0.1, same port."""
    for _ in range(20):
        public = _Site("127.0.0.2", 0, b"<html>public</html>")
        try:
            secret = _Site("127.0.0.1", public.port, b"<html>secret</html>")
        except OSError:  # that port is taken on 127.0.0.1: try another
            public.close()
            continue
        yield public, secret
        public.close()
        secret.close()
        return
    pytest.skip("no port free on both 127.0.0.1 and 127.0.0.2")


def _rebinding_resolver(*answers: list[str]):
    """Answers in turn (the last one from then on), like a hostile DNS server with TTL 0."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    return resolve, calls


def _public_only() -> FetchSettings:
    return FetchSettings(allow_private=False, allowed_networks=("127.0.0.2/32",), retries=0,
                         timeout=1.0, deadline=3.0)


def test_dns_rebinding_public_then_private_never_reaches_the_private_address(public_and_secret):
    public, secret = public_and_secret
    resolver, calls = _rebinding_resolver(["127.0.0.2"], ["127.0.0.1"])
    with Fetcher(_public_only(), resolver=resolver) as fetcher:
        assert fetcher.get(f"http://localhost:{public.port}/").body == b"<html>public</html>"
        with pytest.raises(RefusedURL, match="resolves to 127.0.0.1") as exc:
            fetcher.get(f"http://localhost:{public.port}/")  # a new connection: the answer changed
    _assert_readable(exc)
    assert secret.hits == 0 and public.hits == 1
    assert calls == ["localhost", "localhost"]  # once per connection, each answer vetted


def test_a_private_answer_at_connect_time_is_refused_before_any_request(public_and_secret):
    public, secret = public_and_secret
    resolver, calls = _rebinding_resolver(["127.0.0.1"])
    with Fetcher(_public_only(), resolver=resolver) as fetcher:
        with pytest.raises(RefusedURL, match="resolves to 127.0.0.1") as exc:
            fetcher.get(f"http://localhost:{public.port}/")
    _assert_readable(exc)
    assert secret.hits == 0 and public.hits == 0 and calls == ["localhost"]


def test_an_answer_mixing_public_and_private_addresses_is_refused(public_and_secret):
    public, secret = public_and_secret
    resolver, _ = _rebinding_resolver(["127.0.0.2", "127.0.0.1"])
    with Fetcher(_public_only(), resolver=resolver) as fetcher:
        with pytest.raises(RefusedURL, match="resolves to 127.0.0.1"):
            fetcher.get(f"http://localhost:{public.port}/")
    assert secret.hits == 0 and public.hits == 0


def test_a_redirect_to_a_rebinding_name_never_reaches_the_private_address(public_and_secret):
    public, secret = public_and_secret
    resolver, _ = _rebinding_resolver(["127.0.0.1"])
    bounce = _Site("127.0.0.2", 0, b"")
    bounce.httpd.RequestHandlerClass.do_GET = lambda h: (  # type: ignore[method-assign]
        h.send_response(302), h.send_header("Location", f"http://rebind.example:{public.port}/"),
        h.send_header("Content-Length", "0"), h.end_headers())
    try:
        with Fetcher(_public_only(), resolver=resolver) as fetcher:
            with pytest.raises(RefusedURL, match="refused http://rebind.example"):
                fetcher.get(f"http://127.0.0.2:{bounce.port}/")
    finally:
        bounce.close()
    assert secret.hits == 0


PRIVATE_INSIDE = [
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "64:ff9b::127.0.0.1",  # NAT64
    "64:ff9b::10.0.0.1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata service
    "64:ff9b::c0a8:1",  # NAT64 of 192.168.0.1
    "64:ff9b:1::8.8.8.8",  # NAT64 local use: refused whatever it embeds
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo: refused outright
    "2001::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:127.0.0.1",  # IPv4-translated
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:0:8.8.8.8",  # IPv4-translated and IPv4-compatible are refused whatever they embed
    "::8.8.8.8",
]


@pytest.mark.parametrize("address", PRIVATE_INSIDE)
def test_addresses_embedding_a_private_ipv4_are_refused(address):
    lookups = []
    resolver = lambda host, port: lookups.append(host) or [address]  # noqa: E731
    with Fetcher(FetchSettings(allow_private=False, retries=0), resolver=resolver) as fetcher:
        with pytest.raises(RefusedURL, match="refused"):
            fetcher.get(f"http://[{address}]/")
        assert lookups == []  # an IP literal is refused before anything is looked up
        with pytest.raises(RefusedURL, match="resolves to"):
            fetcher.get("http://news.example/")


@pytest.mark.parametrize("address", ["64:ff9b::8.8.8.8", "64:ff9b::5db8:d822", "2002:808:808::1",
                                     "::ffff:8.8.8.8", "2606:4700::6810:84e5"])
def test_addresses_embedding_a_public_ipv4_are_judged_by_it(address):
    """Documented choice: NAT64 (what DNS64 answers on IPv6-only networks), 6to4 and IPv4-mapped
    addresses that lead to a public IPv4 address are fetched like that address."""
    AddressPolicy(FetchSettings(allow_private=False)).check_address(address, "http://x.example/")


def test_allow_private_still_opens_embedded_addresses():
    AddressPolicy(FetchSettings(allow_private=True)).check_address("64:ff9b::127.0.0.1", "http://x/")
