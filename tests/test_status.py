"""Operators and readers of the always-on Storyline: `storyline status`, the
sources page, /healthz and /metrics, read from the database every process shares;
"updated N minutes ago", and new stories on the front page without a restart
(from a store written beside the server, and from a worker polling a feed)."""
from __future__ import annotations

import json
import random
import time
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.cli import main as cli_main
from storyline.ingest import Ingestor, content_hash
from storyline.model import Article
from storyline.status import status, time_ago
from storyline.storage import StorageError, Store
from storyline.storage.jobs import at
from storyline.stories import place_pending
from storyline.web import create_app
from storyline.web import reader as reader_module
from tests.conftest import offline
from tests.pages import rss

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def app_client(db: str, **kwargs) -> TestClient:
    return TestClient(create_app(db, settings=offline(), **kwargs))


def metric_samples(text: str) -> dict[tuple, float]:
    """{(sample name, ((label, value), ...)): value} from the Prometheus text format."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def add_texts(db: str, tmp_path, records: list[dict]) -> None:
    """Articles added as `storyline add` would, by a store other than the server's."""
    batch = tmp_path / f"batch-{time.monotonic_ns()}.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    with Store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        report = ingestor.add([str(batch)])
    assert report.added == len(records), report.as_json()


def topic_text(topic: str) -> str:
    """Paragraphs about `topic` sharing no content words with another topic's: one story each."""
    rng = random.Random(topic)
    words = [topic] + ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
                       for _ in range(40)]
    return "\n\n".join(" ".join(f"The {' '.join(rng.choice(words) for _ in range(12))} rose {rng.randint(2, 90)} "
                                  f"percent." for _ in range(3)) for _ in range(5))


class Operated:
    """Feeds in every state, jobs in every state, a live and a dead worker, polls
    in and out of the last hour: what `status` and /metrics must report."""

    def __init__(self, store: Store):
        self.healthy, _ = store.add_feed("https://healthy.example/feed.xml")
        store.feed_fetched(self.healthy, status="ok", title="Healthy Herald")
        store.log_poll(self.healthy, 0.4, "ok", 3, None)
        store.schedule_feed(self.healthy, at(600))
        self.failing, _ = store.add_feed("https://failing.example/feed.xml")
        store.feed_fetched(self.failing, status="ok", title="<img src=x onerror=alert(1)>Failing Times")
        store.log_poll(self.failing, 0.2, "ok", 0, None)
        for _ in range(2):
            store.feed_fetched(self.failing, status="error", error="HTTP 503 from failing.example")
        store.log_poll(self.failing, 1.5, "error", 0, "HTTP 503 from failing.example")
        self.failing_next = at(1200)
        store.schedule_feed(self.failing, self.failing_next)
        self.overdue, _ = store.add_feed("https://overdue.example/rss")
        store.feed_fetched(self.overdue, status="error", error="<script>alert('x')</script> no such host")
        store.schedule_feed(self.overdue, at(-30))
        self.new, _ = store.add_feed("https://new.example/atom.xml")  # never polled: next_poll NULL, due
        # An old failed poll: in the log, not in the last hour.
        store.execute("INSERT INTO polls (feed_id, at, seconds, status, new_items, error) "
                      "VALUES (:feed, :at, 2.0, 'error', 0, 'timed out')", {"feed": self.overdue, "at": at(-7200)})
        # Jobs: a poll running, a summary failed for good, a brief queued.
        store.enqueue("poll", self.failing, priority=0)
        store.enqueue("summarize", 7, priority=5)
        store.enqueue("brief", 3, priority=10)
        assert store.claim("worker-a", 600)["kind"] == "poll"
        job = store.claim("worker-a", 600)
        assert job["kind"] == "summarize"
        store.fail(job["id"], "worker-a", "no such article", None)
        # Workers: one beating, one silent for ten minutes.
        store.heartbeat("worker-a", "host-a", 101, at(-300), 12)
        store.heartbeat("worker-gone", "host-b", 202, at(-3600), 4)
        store.execute("UPDATE workers SET seen = :seen WHERE name = 'worker-gone'", {"seen": at(-600)})


# -- status(store) and `storyline status` ------------------------------------------------------

def test_status_reports_feeds_queue_workers_and_last_round(store):
    before = at(0)
    setup = Operated(store)
    report = status(store)

    feeds = report["feeds"]
    assert {k: feeds[k] for k in ("total", "due", "healthy", "failing", "never_polled")} == {
        "total": 4, "due": 2, "healthy": 1, "failing": 2, "never_polled": 1}
    failing = {f["url"]: f for f in feeds["failing_feeds"]}
    assert list(failing) == ["https://failing.example/feed.xml", "https://overdue.example/rss"]  # most errors first
    first = failing["https://failing.example/feed.xml"]
    assert first["errors"] == 2 and first["last_error"] == "HTTP 503 from failing.example"
    assert first["next_try"] == setup.failing_next and first["due"] is False
    assert first["last_ok"] is not None  # it worked once, before failing
    overdue = failing["https://overdue.example/rss"]
    assert overdue["due"] is True and overdue["errors"] == 1 and overdue["last_ok"] is None

    assert report["queue"] == {"poll": {"running": 1}, "summarize": {"failed": 1}, "brief": {"queued": 1}}
    assert report["workers"]["alive"] == 1
    assert [(w["name"], w["jobs_done"]) for w in report["workers"]["list"]] == [("worker-a", 12)]

    last = report["last_round"]
    assert last["last_poll"] >= before
    assert (last["polls_last_hour"], last["failed_last_hour"], last["new_items_last_hour"]) == (3, 1, 3)
    assert report["last_update"] >= before  # the healthy feed's successful poll
    json.dumps(report)  # all plain data


def test_status_of_an_empty_database(store):
    report = status(store)
    assert report["feeds"]["total"] == 0 and report["feeds"]["failing_feeds"] == []
    assert report["queue"] == {} and report["workers"] == {"alive": 0, "list": []}
    assert report["last_round"] == {"last_poll": None, "polls_last_hour": 0, "failed_last_hour": 0,
                                    "new_items_last_hour": 0}
    assert report["last_update"] is None


def test_status_command_text_and_json(store, database, capsys):
    Operated(store)
    store.execute("UPDATE feeds SET last_error = :e WHERE url = 'https://failing.example/feed.xml'",
                  {"e": "bad \x1b[2J\x1b]8;;http://evil.example\x07link [bold red]markup[/]"})
    assert cli_main(["--db", database, "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["feeds"]["failing"] == 2 and report["workers"]["alive"] == 1
    assert report["queue"]["brief"] == {"queued": 1}

    assert cli_main(["--db", database, "status"]) == 0
    text = capsys.readouterr().out
    assert "feeds: 4 (1 healthy, 2 failing, 1 never polled); 2 due now" in text
    assert "last hour: 3 polls, 1 failed, 3 new items" in text
    assert "workers alive: 1" in text and "worker-a" in text and "worker-gone" not in text
    assert "https://failing.example/feed.xml" in text and "due now" in text
    assert "[bold red]markup[/]" in text  # stored text is never read as markup
    assert "\x1b" not in text and "\x07" not in text  # nor passes terminal controls


def test_time_ago():
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)

    def iso(**delta) -> str:
        return (now - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert time_ago(iso(seconds=20), now) == "just now"
    assert time_ago(iso(seconds=-90), now) == "just now"  # another machine's clock ahead of ours
    assert time_ago(iso(minutes=1, seconds=5), now) == "1 minute ago"
    assert time_ago(iso(minutes=42), now) == "42 minutes ago"
    assert time_ago(iso(minutes=61), now) == "1 hour ago"
    assert time_ago(iso(hours=47), now) == "47 hours ago"
    assert time_ago(iso(days=3, hours=1), now) == "3 days ago"
    assert time_ago(None, now) == "" and time_ago("not a time", now) == ""


# -- /metrics ----------------------------------------------------------------------------------------

def test_metrics_are_read_from_the_database(store, database, tmp_path):
    Operated(store)
    add_texts(database, tmp_path, [
        {"title": "Harbour dredging resumes", "outlet": "Valley Wire", "text": topic_text("harbour")},
        {"title": "Glacier survey published", "outlet": "Mountain Post", "text": topic_text("glacier")}])
    with app_client(database) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    m = metric_samples(response.text)

    def one(name: str, **labels) -> float:
        return m[(name, tuple(sorted(labels.items())))]

    assert one("storyline_database_up") == 1
    assert one("storyline_polls_total") == store.scalar("SELECT SUM(polls) FROM feeds") == 3
    assert one("storyline_poll_failures") == 2  # feeds failing now
    assert one("storyline_poll_failures_logged") == 2  # failed polls in the log, the old one too
    assert [one("storyline_feeds", state=s) for s in ("healthy", "failing", "never_polled", "due")] == [1, 2, 1, 2]
    assert one("storyline_queue_depth", kind="poll", state="running") == 1
    assert one("storyline_queue_depth", kind="summarize", state="failed") == 1
    assert one("storyline_queue_depth", kind="brief", state="queued") == 1
    assert one("storyline_queue_depth", kind="place", state="queued") == 0  # known kinds are always there
    assert one("storyline_workers_alive") == 1
    assert one("storyline_articles_total") == store.count_articles() == 2
    assert one("storyline_articles_unplaced") == 0
    assert one("storyline_stories_total") == store.count_stories() == 2
    assert one("storyline_pipeline_items", stage="articles_in_story") == 2
    assert one("storyline_pipeline_items", stage="articles_placed") == 2
    assert one("storyline_pipeline_items", stage="articles_near_copy") == 0
    assert one("storyline_summaries_total") == store.scalar("SELECT COUNT(*) FROM summaries")
    assert one("storyline_briefs_total", part="full") == store.scalar(
        "SELECT COUNT(*) FROM briefs WHERE part = 'full'")
    last = datetime.fromisoformat(store.last_update().replace("Z", "+00:00")).timestamp()
    assert one("storyline_last_update_timestamp_seconds") == last
    assert abs(last - time.time()) < 120


def test_request_latency_by_route_template_on_a_registry_per_app(demo_db):
    with app_client(demo_db) as first, app_client(demo_db) as second:
        for n in (1, 2, 3):
            assert first.get(f"/stories/{n}").status_code == 200
        first.get("/no/such/page/12345")
        first.get("/static/style.css")
        second.get("/")
        one, two = metric_samples(first.get("/metrics").text), metric_samples(second.get("/metrics").text)
    count = "storyline_request_duration_seconds_count"
    assert one[(count, (("method", "GET"), ("route", "/stories/{story_id}")))] == 3
    assert one[(count, (("method", "GET"), ("route", "(unmatched)")))] == 1
    assert one[(count, (("method", "GET"), ("route", "/static/{path}")))] == 1
    routes = {dict(labels).get("route") for (name, labels) in one if name == count}
    assert not any(r.rstrip("}").endswith(("1", "2", "3", "12345")) for r in routes)  # no raw paths
    # Each app counts its own requests.
    assert (count, (("method", "GET"), ("route", "/"))) not in one
    assert two[(count, (("method", "GET"), ("route", "/")))] == 1
    assert (count, (("method", "GET"), ("route", "/stories/{story_id}"))) not in two


# -- /healthz ---------------------------------------------------------------------------------------

class PollingHere:
    """Stands in for the storyline.worker.Worker of `serve`: /healthz asks for its name."""

    def __init__(self, name: str):
        self.name = name


def test_healthz_reports_the_database_and_the_worker(store, database):
    store.heartbeat("serve-worker", "here", 1, at(0), 0)
    with app_client(database) as client:
        body = client.get("/healthz")
        assert body.status_code == 200 and body.headers["cache-control"] == "no-store"
        assert body.json() == {"status": "ok", "database": "reachable", "worker": "not polling",
                               "workers_alive": 1, "last_update": None}
        client.app.state.worker = PollingHere("serve-worker")
        assert client.get("/healthz").json()["worker"] == "alive"
        client.app.state.worker = PollingHere("stuck-worker")  # no heartbeat
        assert client.get("/healthz").json()["worker"] == "stalled"


def test_healthz_is_503_when_the_database_cannot_be_read(tmp_path):
    with app_client(str(tmp_path / "news.db")) as client:
        assert client.get("/healthz").status_code == 200

        def unreachable():
            raise StorageError("cannot open news.db: disk I/O error")
        client.app.state.reader.store = unreachable
        down = client.get("/healthz")
        assert down.status_code == 503
        assert down.json() == {"status": "unavailable", "database": "unreachable"}
        metrics = client.get("/metrics")  # the scrape works and says so
        assert metrics.status_code == 200
        assert metric_samples(metrics.text)[("storyline_database_up", ())] == 0


def test_healthz_on_postgresql_that_drops_and_loses_the_database(postgres):
    """A real outage: connections cut (a restart), then the database gone."""
    name = f"health_{time.monotonic_ns()}"
    url = postgres.create_database(name, template="template_storyline")
    with app_client(url) as client:
        assert client.get("/healthz").status_code == 200
        with postgres._admin_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid != pg_backend_pid()", (name,))
        codes = [client.get("/healthz").status_code for _ in range(3)]
        assert codes[-1] == 200  # the dropped connection is replaced: up again
        assert client.get("/").status_code == 200
        postgres.drop_database(name)
        assert client.get("/healthz").status_code == 503
        assert metric_samples(client.get("/metrics").text)[("storyline_database_up", ())] == 0


# -- the sources page --------------------------------------------------------------------------------

def test_sources_page_shows_the_status_escaped(store, database):
    Operated(store)
    with app_client(database) as client:
        page = client.get("/sources")
    assert page.status_code == 200
    html = page.text
    assert "4 feeds:" in html and "1 healthy, 2 failing, 1 never polled; 2 due now" in html
    assert "in the last hour 3 polls, 1 failed, 3 new items" in html
    assert "Workers alive: 1" in html and "worker-a" in html and "worker-gone" not in html
    assert "<h3>Failing feeds</h3>" in html and "HTTP 503 from failing.example" in html
    assert "due now" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;Failing Times" in html
    queue = html.split('<table class="queue">')[1].split("</table>")[0]
    assert "<td>brief</td><td class=\"num\">1</td>" in queue and "<td>summarize</td>" in queue
    assert "script-src 'self'" in page.headers["content-security-policy"]


# -- readers: "updated N minutes ago", new stories without a restart ---------------------------------

def test_front_and_story_pages_say_when_news_last_came_in(database, tmp_path, monkeypatch):
    monkeypatch.setattr(reader_module, "LAST_UPDATE_TTL", 0.0)
    with app_client(database) as client:
        assert 'class="updated' not in client.get("/").text  # nothing has come in yet
        add_texts(database, tmp_path, [{"title": "Orchard frost", "outlet": "Valley Wire",
                                        "text": topic_text("orchard")}])
        with Store(database) as store:
            added = store.last_update()
            story_id = store.list_stories()[0]["id"]
        front = client.get("/").text
        story = client.get(f"/stories/{story_id}").text
    for html in (front, story):
        assert f'Updated <time datetime="{added}"' in html
        assert ">just now</time>" in html


def test_new_stories_appear_without_a_restart(database, tmp_path, monkeypatch):
    monkeypatch.setattr(reader_module, "RANKING_TTL", 0.0)
    with app_client(database) as client:
        add_texts(database, tmp_path, [{"title": "Harbour dredging resumes", "outlet": "Valley Wire",
                                        "text": topic_text("harbour")}])
        assert "Harbour dredging resumes" in client.get("/").text
        # Another process adds a story while the server runs.
        add_texts(database, tmp_path, [{"title": "Glacier survey published", "outlet": "Mountain Post",
                                        "text": topic_text("glacier")}])
        assert "Glacier survey published" in client.get("/").text
        assert "Glacier survey published" in [s["title"] for s in client.get("/api/stories").json()["stories"]]
        ranked = client.get("/api/stories?order=rank").json()["stories"]
        assert {s["title"] for s in ranked} == {"Harbour dredging resumes", "Glacier survey published"}

        # A near-copy stored now and placed later (as the worker does, in another
        # transaction): the front page must see the placement, not only the insert.
        text = topic_text("harbour") + "\n\nReporting by the Coast Courier."
        with Store(database) as store:
            copy = Article(url=None, title="Harbour dredging resumes (Coast Courier)", text=text,
                           outlet="Coast Courier", raw_text=text, content_hash=content_hash(text))
            store.insert_article(copy)
            harbour = next(s for s in ranked if s["title"] == "Harbour dredging resumes")
            assert client.get("/api/stories?order=rank").json()["stories"][0]["article_count"] == 1
            assert place_pending(store) == 1
            assert store.get_article(copy.id)["story_id"] == harbour["id"]
        after = {s["id"]: s for s in client.get("/api/stories?order=rank").json()["stories"]}
        assert after[harbour["id"]]["article_count"] == 2 and after[harbour["id"]]["outlet_count"] == 2
        front = client.get("/").text
        item = front.split(f'id="story-{harbour["id"]}"')[1].split("</li>")[0]
        assert "2 articles" in item and "Coast Courier" in item


def test_a_worker_in_the_server_brings_new_stories_to_the_open_front_page(tmp_path, server, settings):
    """The poller beside the server (as `storyline serve` runs it): a feed gains
    an item and the front page, the API, /metrics and /healthz show it, with the
    reader's real ranking cache."""
    from storyline.worker import Worker, WorkerSettings

    items = [{"title": "Harbour dredging resumes", "link": server.url("/a/harbour"),
              "content": feed_content("harbour")}]
    server.routes["/feed.xml"] = lambda _req: _rss_reply(items)
    db = str(tmp_path / "live.db")
    with Store(db) as store:
        store.add_feed(server.url("/feed.xml"))
    polling = WorkerSettings(interval=1, tick=0.2, concurrency=2, host_gap=0.0, heartbeat=0.5,
                              summaries=False, full_briefs=False)
    with Worker(db, settings=polling, fetch=settings, name="in-server") as worker, app_client(db) as client:
        client.app.state.worker = worker
        wait_for(lambda: "Harbour dredging resumes" in client.get("/").text, 20)
        items.append({"title": "Glacier survey published", "link": server.url("/a/glacier"),
                      "content": feed_content("glacier")})
        wait_for(lambda: "Glacier survey published" in client.get("/").text, 20)
        titles = {s["title"] for s in client.get("/api/stories?order=rank").json()["stories"]}
        assert titles == {"Harbour dredging resumes", "Glacier survey published"}
        assert client.get("/healthz").json()["worker"] == "alive"
        m = metric_samples(client.get("/metrics").text)
    assert m[("storyline_workers_alive", ())] == 1
    assert m[("storyline_polls_total", ())] >= 2
    assert m[("storyline_process_polls_total", ())] >= 2
    assert m[("storyline_process_items_total", (("outcome", "added"),))] == 2
    assert m[("storyline_process_jobs_total", (("kind", "poll"), ("result", "done")))] >= 2
    assert m[("storyline_articles_total", ())] == 2


def feed_content(topic: str) -> str:
    return "".join(f"<p>{p}</p>" for p in topic_text(topic).split("\n\n"))


def _rss_reply(items: list[dict]):
    from tests.conftest import Reply

    return Reply(200, rss(items).encode(), {"Content-Type": "application/rss+xml"})


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
