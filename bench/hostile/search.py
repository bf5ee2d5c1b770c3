"""Search cost on a pathological article: one stored article holding a word 60,000
times, beside ordinary articles, searched through a real `storyline serve`."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import httpx

from bench.hostile.web import Server
from bench.web.generate import generate
from storyline.ingest import content_hash
from storyline.model import Article
from storyline.storage import open_store

WORD = "zebra"
NORMAL = "harbour"  # a story noun of the generated archive: tens of ordinary articles hold it


def build(path: str, articles: int = 2000, repeats: int = 60_000) -> None:
    generate(path, articles=articles, progress=lambda *_: None)
    text = "\n\n".join(" ".join([WORD] * 600) + "." for _ in range(repeats // 600))
    with open_store(path) as store:
        store.insert_article(Article(url="https://hostile.example/zebra", canonical_url="https://hostile.example/zebra",
                                     title="A page of zebras", text=text, raw_text=text, outlet="Hostile Wire",
                                     content_hash=content_hash(text + "!")), "hostile.example")
        stored = store.rows("SELECT text FROM articles WHERE url = :url", {"url": "https://hostile.example/zebra"})[0]
        assert stored["text"].count(WORD) == repeats


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(db: str, requests: int = 100) -> dict:
    """p50/p95 (ms) of /api/search and /search for the pathological and the normal
    word, interleaved, one client; search rate limits raised for the measurement."""
    server = Server(db, env={"STORYLINE_SEARCH_RATE": "100000"})
    times: dict[str, list[float]] = {WORD: [], NORMAL: []}
    statuses: dict[int, int] = {}
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            for word in (WORD, NORMAL):  # warm up
                client.get("/api/search", params={"q": word})
            for i in range(requests):
                for word in (WORD, NORMAL):
                    path = "/api/search" if i % 2 == 0 else "/search"
                    start = time.perf_counter()
                    resp = client.get(path, params={"q": word})
                    times[word].append((time.perf_counter() - start) * 1000)
                    statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        rss = server.rss()
    finally:
        server.stop()
    result = {w: {"p50": statistics.median(t), "p95": _percentile(t, 0.95), "n": len(t)} for w, t in times.items()}
    result["ratio"] = result[WORD]["p95"] / result[NORMAL]["p95"]
    result["statuses"] = statuses
    result["server_rss"] = rss
    return result


def run(tmp: Path, requests: int = 100) -> dict:
    db = str(tmp / "search.db")
    build(db)
    return measure(db, requests) | {"db": db}
