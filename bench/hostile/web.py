"""The catalogue of issue 10 for the reader and API: a real `storyline serve` on
127.0.0.1 over a database holding hostile text, attacked the way a visitor would."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from lxml import etree

from bench.hostile.run import TARGET, Outcome, storyline, storyline_argv, target_env

TOKEN = "bench-hostile-token-0123456789"
HOSTILE_TITLES = [
    "Council \x00 votes\x0b on\x1b[2J ferry \x07 landing [/x] [link=https://evil.example]click[/link]",
    "Bridge \ufffe closes \x1b]8;;https://evil.example\x07here\x1b]8;;\x07 \x9b31m",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hostile_db(path: str, tmp: Path) -> None:
    """A database whose stored titles, outlets and texts carry control characters and markup."""
    from bench.hostile.payloads import good_text
    lines = [json.dumps({"text": good_text(f"web {i}"), "title": title, "outlet": f"Wire \x1b[1m{i}\x00"})
             for i, title in enumerate(HOSTILE_TITLES)]
    batch = tmp / "hostile-titles.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    storyline(path, "add", str(batch), timeout=120)


class Server:
    def __init__(self, db: str, *extra: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # a pipe nobody reads would block the server's logging
        self.proc = subprocess.Popen([*storyline_argv(), "--db", db, "serve", "--port", str(self.port), *extra],
                                     stdout=subprocess.DEVNULL, stderr=self.log, cwd=TARGET["root"],
                                     env={**os.environ, **target_env(), "STORYLINE_TOKEN": TOKEN, **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/robots.txt", timeout=1)
                return
            except httpx.HTTPError:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(f"server exited: {self.log.read().decode()[-500:]}")
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def rss(self) -> int:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def stop(self) -> float:
        """SIGTERM, then the seconds it took to exit (killed after 30 s)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return time.monotonic() - start


def _no_500(name: str, server: Server, requests: list[tuple[str, str, dict]]) -> Outcome:
    """Every request answered, none with a 5xx other than a deliberate 503."""
    start = time.monotonic()
    bad = []
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for method, path, kwargs in requests:
            try:
                resp = client.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                bad.append(f"{method} {path[:60]}: {type(exc).__name__}")
                continue
            if resp.status_code >= 500 and resp.status_code != 503:
                bad.append(f"{method} {path[:60]}: {resp.status_code}")
    seconds = time.monotonic() - start
    if bad:
        return Outcome(name, "web", "crashed", f"{len(bad)}/{len(requests)}: " + "; ".join(bad[:4]), seconds)
    return Outcome(name, "web", "ok", f"{len(requests)} requests, no 5xx", seconds)


def huge_ids(server: Server) -> Outcome:
    ids = [str(2**63), str(2**64), "9" * 40, "-1", str(-(2**63) - 1)]
    paths = []
    for i in ids:
        paths += [f"/api/articles/{i}", f"/api/articles/{i}/summary", f"/api/stories/{i}",
                  f"/articles/{i}", f"/stories/{i}", f"/stories/{i}/facts"]
    return _no_500("ids >= 2^63 on every route", server, [("GET", p, {}) for p in paths])


def bad_cursors(server: Server) -> Outcome:
    import base64

    def b64(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    cursors = [b64("[1,2]"), b64('{"offset": "x"}'), b64('{"offset": 1e308}'), b64(json.dumps({"offset": 2**70})),
               b64('{"published": [], "id": {}}'), b64('{"last_seen": 5, "id": "x"}'), "A" * 10_000, "é€",
               b64('{"published": "x", "id": 99999999999999999999999}')]
    paths = [f"/api/{kind}?cursor={c}" for c in cursors for kind in ("articles", "stories", "stories?order=rank")]
    paths = [p.replace("?order=rank?cursor=", "?order=rank&cursor=") for p in paths]
    paths += [f"/api/search?q=ferry&cursor={c}" for c in cursors]
    return _no_500("wrongly typed and oversized cursors", server, [("GET", p, {}) for p in paths])


def odd_queries(server: Server) -> Outcome:
    queries = ["ferry\x00", "\x00", "\x01\x02", '"', "***", "NEAR(", "a" * 499, "ferry OR", "-", "é\u202e"]
    reqs = []
    for q in queries:
        for path in ("/api/search", "/search", "/search.rss", "/search.atom", "/search.json"):
            reqs.append(("GET", path, {"params": {"q": q}}))
    return _no_500("q with NUL, controls and syntax", server, reqs)


def bad_bodies(server: Server) -> Outcome:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    bodies = ["[" * 100_000 + "]" * 100_000, '{"url": "http://x.example:99999/"}', '{"url": "http://[::1/"}',
              '{"url": "http://[zz]/a"}', '{"html": 5}', '{"text": "t", "title": []}', "\x00", "{" * 50_000]
    reqs = [("POST", path, {"content": body.encode(), "headers": auth})
            for body in bodies for path in ("/api/sources", "/api/articles")]
    return _no_500("nested JSON and bad URLs in POST bodies", server, reqs)


def feeds_well_formed(server: Server) -> Outcome:
    start = time.monotonic()
    problems = []
    for path in ("/feed.rss", "/feed.atom", "/search.rss?q=ferry", "/search.atom?q=ferry"):
        resp = httpx.get(server.base + path, timeout=30)
        if resp.status_code != 200:
            problems.append(f"{path}: HTTP {resp.status_code}")
            continue
        try:
            etree.fromstring(resp.content, etree.XMLParser(recover=False, resolve_entities=False))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{path}: {exc}")
    for path in ("/feed.json", "/search.json?q=ferry"):
        try:
            json.loads(httpx.get(server.base + path, timeout=30).content)
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
    seconds = time.monotonic() - start
    if problems:
        return Outcome("feeds out with control characters", "web", "wrong", "; ".join(problems)[:300], seconds)
    return Outcome("feeds out with control characters", "web", "ok", "6 feeds parse strictly", seconds)


def host_header(server: Server) -> Outcome:
    resp = httpx.get(server.base + "/feed.rss", headers={"Host": "evil.example"}, timeout=30)
    leaked = b"evil.example" in resp.content
    return Outcome("Host header not copied into feed links", "web", "wrong" if leaked else "ok",
                   "evil.example in /feed.rss" if leaked else f"status {resp.status_code}, no evil.example")


def token_guessing(server: Server) -> Outcome:
    start = time.monotonic()
    statuses = []
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for i in range(60):
            r = client.post("/api/sources", json={"url": "https://news.example/feed"},
                            headers={"Authorization": f"Bearer guess-{i}"})
            statuses.append(r.status_code)
    seconds = time.monotonic() - start
    first = statuses.index(429) + 1 if 429 in statuses else None
    if first is None:
        return Outcome("wrong-token guesses throttled", "web", "wrong", f"60 guesses, no 429 ({set(statuses)})", seconds)
    return Outcome("wrong-token guesses throttled", "web", "ok", f"429 from guess {first} of 60", seconds)


def unauthenticated_upload(server: Server) -> Outcome:
    """1 GB of multipart announced to the sources form without a token: answered
    before the body is sent, and the server does not swell."""
    before = server.rss()
    start = time.monotonic()
    size = 2**30
    head = (f"POST /sources HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
            f"Content-Length: {size}\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"opml\"; "
            f"filename=\"a.opml\"\r\n\r\n").encode()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        chunk = b"x" * 65536
        while sent < size and time.monotonic() - start < 60:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            answer += sock.recv(65536)
        except OSError:
            pass
    seconds = time.monotonic() - start
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    grown = (server.rss() - before) / 2**20
    name = "1 GB unauthenticated upload"
    if not status.startswith("HTTP/1.1 4") or sent > 64 * 2**20 or grown > 50:
        return Outcome(name, "web", "wrong", f"answer {status!r} after {sent / 2**20:.0f} MB sent; "
                       f"server grew {grown:.0f} MB", seconds)
    return Outcome(name, "web", "ok", f"{status} after {sent / 2**20:.1f} MB sent; server grew {grown:.0f} MB", seconds)


def sigterm_mid_request(db: str) -> Outcome:
    """SIGTERM while a search is being answered: the server exits within a few seconds."""
    server = Server(db)
    import threading
    threading.Thread(target=lambda: httpx.get(server.base + "/api/search", params={"q": "zebra"}, timeout=60),
                     daemon=True).start()
    time.sleep(0.05)
    seconds = server.stop()
    status = "ok" if seconds <= 5 else "hung"
    return Outcome("SIGTERM mid-request", "web", status, f"exited {seconds:.1f} s after SIGTERM", seconds)


def run_all(db: str, search_db: str) -> list[Outcome]:
    server = Server(db)
    outcomes = []
    try:
        # Feeds first: the query attacks spend this client's search allowance (30 a minute).
        for check in (feeds_well_formed, host_header, huge_ids, bad_cursors, odd_queries, bad_bodies,
                      unauthenticated_upload, token_guessing):
            try:
                outcomes.append(check(server))
            except Exception as exc:  # the bench itself must report, not die
                outcomes.append(Outcome(check.__name__, "web", "crashed", f"{type(exc).__name__}: {exc}"[:300]))
        if server.proc.poll() is not None:
            outcomes.append(Outcome("server still up after the attacks", "web", "crashed", "server exited"))
    finally:
        server.stop()
    outcomes.append(sigterm_mid_request(search_db))
    return outcomes
