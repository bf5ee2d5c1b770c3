"""storyline.fetch against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import threading
import time

import pytest

from storyline.config import FetchSettings
from storyline.fetch import FetchError, Fetcher, RefusedURL
from storyline.fetch.urls import canonical_url
from tests.conftest import Reply


def test_follows_redirects_and_reports_final_url(server, fetcher):
    target = server.page("/final", "<html><body>ok</body></html>")
    server.routes["/start"] = lambda _r: Reply(301, b"", {"Location": "/middle"})
    server.routes["/middle"] = lambda _r: Reply(302, b"", {"Location": target})
    got = fetcher.get(server.url("/start"))
    assert got.status == 200 and got.final_url == target and got.body.endswith(b"ok</body></html>")


def test_redirect_loop_is_a_clear_error(server, fetcher):
    server.routes["/a"] = lambda _r: Reply(302, b"", {"Location": "/b"})
    server.routes["/b"] = lambda _r: Reply(302, b"", {"Location": "/a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.get(server.url("/a"))


def test_more_than_five_redirects_is_refused(server, fetcher):
    for i in range(7):
        server.routes[f"/hop{i}"] = lambda _r, i=i: Reply(302, b"", {"Location": f"/hop{i + 1}"})
    server.page("/hop7", "<html>end</html>")
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.get(server.url("/hop0"))
    assert server.hits("/hop6") == 0  # stopped after five redirects were followed


def test_404_is_not_retried(server, fetcher):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.get(server.url("/nothing-here"))
    assert server.hits("/nothing-here") == 1


def test_server_error_then_success_is_retried(server, fetcher):
    calls = []

    def flaky(_req):
        calls.append(1)
        if len(calls) == 1:
            return Reply(500, b"oops", {"Content-Type": "text/plain"})
        return Reply(200, b"<html>fine</html>", {"Content-Type": "text/html"})

    server.routes["/flaky"] = flaky
    assert fetcher.get(server.url("/flaky")).body == b"<html>fine</html>"
    assert len(calls) == 2


def test_persistent_server_error_gives_up(server, fetcher):
    server.routes["/down"] = lambda _r: Reply(503, b"", {"Content-Type": "text/plain"})
    with pytest.raises(FetchError, match=r"HTTP 503.*gave up after 2 attempts"):
        fetcher.get(server.url("/down"))
    assert server.hits("/down") == 2


def test_slow_response_times_out(server, settings):
    server.routes["/slow"] = lambda _r: Reply(200, b"<html>late</html>", {"Content-Type": "text/html"},
                                              delay=2.5)
    settings.timeout, settings.retries = 0.3, 0
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.get(server.url("/slow"))
        assert time.monotonic() - started < 2.0


def _fifty_megabytes():
    chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
    for _ in range(50):
        yield chunk


def test_fifty_megabyte_body_is_cut_at_the_cap(server, fetcher):
    server.routes["/huge"] = lambda _r: Reply(200, _fifty_megabytes(), {"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="larger than the 10,485,760-byte limit"):
        fetcher.get(server.url("/huge"))


def test_declared_oversize_is_refused_before_reading(server, fetcher):
    server.routes["/declared"] = lambda _r: Reply(
        200, _fifty_megabytes(), {"Content-Type": "text/html", "Content-Length": str(50 * 1024 * 1024)})
    with pytest.raises(FetchError, match="over the 10,485,760-byte limit"):
        fetcher.get(server.url("/declared"))


def test_pdf_is_refused_by_type_and_by_content(server, fetcher):
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    server.page("/doc.pdf", pdf, "application/pdf")
    server.page("/disguised", pdf, "text/html")
    with pytest.raises(FetchError, match="unsupported content type application/pdf"):
        fetcher.get(server.url("/doc.pdf"))
    with pytest.raises(FetchError, match="a PDF document"):
        fetcher.get(server.url("/disguised"))


def test_sends_a_real_user_agent_and_conditional_headers(server, fetcher):
    server.page("/feed.xml", "<rss></rss>", "application/rss+xml")
    fetcher.get(server.url("/feed.xml"), etag='"v1"', last_modified="Tue, 17 Nov 2026 08:00:00 GMT")
    headers = server.requests[-1][1]
    assert headers["User-Agent"].startswith("Storyline/")
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Tue, 17 Nov 2026 08:00:00 GMT"


def test_not_modified_is_reported(server, fetcher):
    server.routes["/feed"] = lambda req: (
        Reply(304, b"", {"ETag": '"v1"'}) if req.headers.get("If-None-Match") == '"v1"'
        else Reply(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": '"v1"'}))
    first = fetcher.get(server.url("/feed"))
    assert first.etag == '"v1"' and not first.not_modified
    assert fetcher.get(server.url("/feed"), etag=first.etag).not_modified


def test_per_host_concurrency_is_limited(server, settings):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(_req):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return Reply(200, b"<html>x</html>", {"Content-Type": "text/html"})

    server.routes["/p"] = slow
    settings.per_host = 2
    with Fetcher(settings) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(server.url("/p"),)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert peak[0] == 2


# -- SSRF ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://192.168.0.1/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
])
def test_private_addresses_are_refused_by_default(url):
    with Fetcher(FetchSettings(allow_private=False)) as fetcher:
        with pytest.raises(RefusedURL, match="refused"):
            fetcher.get(url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.10.20", "::1"])
def test_host_names_are_checked_after_dns(address):
    resolver = lambda host, port: [address]  # noqa: E731 - a DNS answer we choose
    with Fetcher(FetchSettings(allow_private=False), resolver=resolver) as fetcher:
        with pytest.raises(RefusedURL, match=f"resolves to {address}"):
            fetcher.get("http://news.example/story")


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://169.254.169.254/", "http://[::1]:8080/"])
def test_redirects_into_private_networks_are_refused(server, target):
    server.routes["/bounce"] = lambda _r: Reply(302, b"", {"Location": target})
    only_loopback_v4 = FetchSettings(allowed_networks=("127.0.0.1/32",), retries=0)
    with Fetcher(only_loopback_v4) as fetcher:
        with pytest.raises(RefusedURL):
            fetcher.get(server.url("/bounce"))
    assert server.hits("/bounce") == 1


def test_allow_private_opens_loopback(server):
    url = server.page("/ok", "<html>ok</html>")
    with Fetcher(FetchSettings(allow_private=True)) as fetcher:
        assert fetcher.get(url).status == 200


def test_non_http_schemes_are_refused():
    with Fetcher(FetchSettings()) as fetcher:
        for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x/"):
            with pytest.raises(RefusedURL, match="only http and https"):
                fetcher.get(url)


def test_canonical_url_drops_tracking_and_fragments():
    a = canonical_url("HTTPS://News.Example:443/2026/story?utm_source=x&b=2&a=1#comments")
    b = canonical_url("https://news.example/2026/story?a=1&b=2&fbclid=abc")
    assert a == b == "https://news.example/2026/story?a=1&b=2"


def test_connection_goes_to_the_vetted_address_not_to_a_second_lookup(server):
    """DNS rebinding: the name is resolved once, and the connection goes to the address that
    passed the policy (127.0.0.2 stands in for a public one), never to where a second lookup of
    'localhost' would lead (the loopback server)."""
    server.page("/rebind", "<html>secret</html>")
    lookups = []

    def resolver(host, port):
        lookups.append(host)
        return ["127.0.0.2"]

    settings = FetchSettings(allowed_networks=("127.0.0.2/32",), retries=0)
    with Fetcher(settings, resolver=resolver) as fetcher:
        with pytest.raises(FetchError, match="cannot fetch"):  # nothing listens on 127.0.0.2
            fetcher.get(f"http://localhost:{server.port}/rebind")
    assert server.hits("/rebind") == 0 and lookups == ["localhost"]
