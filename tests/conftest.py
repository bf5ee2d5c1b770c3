"""Shared fixtures: a real HTTP server on 127.0.0.1, real SQLite files and a
real PostgreSQL server (a throwaway cluster, started once per run when a suite
that runs on both databases needs it)."""
from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline.config import FetchSettings
from storyline.fetch import Fetcher
from storyline.storage import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "corpus"
SHARED = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[BaseHTTPRequestHandler], Reply]


class NewsServer:
    """A loopback web server whose routes each test sets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path.split("?")[0])
                reply = route(self) if route else Reply(404, b"not found", {"Content-Type": "text/plain"})
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                try:
                    if isinstance(reply.body, bytes):
                        if "Content-Length" not in reply.headers:
                            self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                    else:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in reply.body:
                            self.wfile.write(chunk)
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # clients hanging up mid-body (size caps, timeouts) are what tests provoke

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
             **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda _req: Reply(200, data, {"Content-Type": content_type, **headers})
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p.split("?")[0] == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = NewsServer()
    yield srv
    srv.close()


@pytest.fixture
def settings() -> FetchSettings:
    """Loopback allowed, nothing else reachable, short timers."""
    return FetchSettings(timeout=1.0, retries=1, backoff=0.01,
                         allowed_networks=("127.0.0.0/8",),
                         only_hosts=frozenset({"127.0.0.1", "localhost"}))


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings) as f:
        yield f


# Suites that run on both databases: their `store` and `demo_db` come in an
# SQLite and a PostgreSQL variant. Elsewhere, and for tests marked sqlite_only
# (SQLite's own files, pragmas and triggers), SQLite alone.
BOTH_DATABASES = {"test_storage", "test_ingest", "test_cluster", "test_brief", "test_api", "test_web",
                  "test_copy", "test_agreement_demo", "test_status", "test_transfer", "test_worker", "test_accounts", "test_greader", "test_accounts_web", "test_fever",
                  "test_batch", "test_database_calls", "test_unread_counts"}
_names = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs on SQLite alone (SQLite's own files, pragmas, triggers)")


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module not in BOTH_DATABASES or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    for name, scope in (("database", "function"), ("demo_database", "module")):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, ["sqlite", "postgresql"], indirect=True, scope=scope)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster with a migrated template database, for the whole run."""
    from storyline.storage import open_store
    from storyline.storage.throwaway import PostgresUnavailable, ThrowawayPostgres, find_server_binaries

    if find_server_binaries() is None:
        pytest.skip("PostgreSQL's server is not installed (./run test installs Debian's postgresql when it can)")
    try:
        with ThrowawayPostgres() as pg:
            open_store(pg.create_database("template_storyline")).close()
            from storyline.storage.database import dispose_engines
            dispose_engines()  # a template must have no connections
            yield pg
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


def _location(request, folder: Path) -> str:
    if getattr(request, "param", "sqlite") == "sqlite":
        return str(folder / "news.db")
    pg = request.getfixturevalue("postgres")
    return pg.create_database(f"test_{next(_names)}", template="template_storyline")


@pytest.fixture
def database(request, tmp_path) -> str:
    """Where a test's store lives: an SQLite file, or a new PostgreSQL database."""
    return _location(request, tmp_path)


@pytest.fixture(scope="module")
def demo_database(request, tmp_path_factory) -> str:
    return _location(request, tmp_path_factory.mktemp("db"))


@pytest.fixture
def store(database):
    with Store(database) as s:
        yield s


def offline() -> FetchSettings:
    """For apps and ingestors over local files: nothing but loopback is reachable."""
    return FetchSettings(timeout=1.0, retries=0, only_hosts=frozenset({"127.0.0.1"}))


@pytest.fixture(scope="module")
def demo_db(demo_database) -> str:
    """A database with the demo corpus, one per test module (modules write to it)."""
    from storyline.ingest import Ingestor

    with Store(demo_database) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO)]).added == 44
    return demo_database


@pytest.fixture(scope="module")
def client(request, demo_db):
    """The reader and API over the module's demo_db; writes need the module's TOKEN."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TestClient's own deprecation notice
        from fastapi.testclient import TestClient
    from storyline.web import create_app

    with TestClient(create_app(demo_db, token=request.module.TOKEN, settings=offline())) as c:
        yield c



@pytest.fixture(scope="session")
def nlp():
    """The spaCy model the facts stage uses (loaded once for the whole run)."""
    from storyline.facts import nlp as models
    try:
        return models.load()
    except models.ModelMissing as missing:
        pytest.skip(str(missing))
