"""A batch's inputs: plan cuts folders, JSONL and WARC files into chunks, and
read_chunk turns one chunk into raw items, each item exactly once whatever the
chunk size, every bad input a Failure and never an exception, in bounded memory."""
from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.batch.inputs import Chunk, RawItem, plan, read_chunk
from storyline.cluster.features import article_terms
from storyline.ingest import Ingestor
from storyline.ingest.articles import article_from_bytes, article_from_record
from storyline.model import Failure
from tests.batch_corpus import build
from tests.conftest import offline

MAX_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corpus"), articles=300, seed=7)


def read_all(chunks: list[Chunk], max_bytes: int = MAX_BYTES) -> tuple[list[RawItem], list[Failure]]:
    items, failures = [], []
    for chunk in chunks:
        for item in read_chunk(chunk, max_bytes):
            (failures if isinstance(item, Failure) else items).append(item)
    return items, failures


def sources(things) -> Counter:
    return Counter(thing.source for thing in things)


# -- the generated corpus, all three kinds ---------------------------------------------------


@pytest.mark.parametrize("per_chunk", [1, 7, 40, 250])
def test_every_item_is_read_once_whatever_the_chunk_size(corpus, per_chunk):
    chunks = plan(corpus.inputs, per_chunk)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert {c.kind for c in chunks} == {"jsonl", "files", "warc"}
    items, failures = read_all(chunks)

    read = sources(items)
    assert max(read.values()) == 1
    gold = {a.source for a in corpus.articles}
    extract_failures = {f.source for f in corpus.failures if f.stage == "extract"}
    assert set(read) == gold | extract_failures
    for skipped in corpus.skipped + [str(p) for p in corpus.hidden]:
        assert skipped not in read

    expected = {f.source: f.reason for f in corpus.failures if f.stage == "read"}
    assert sorted(sources(failures).elements()) == sorted(expected)
    for failure in failures:
        assert expected[failure.source] in failure.error
    if per_chunk == 250:  # the folder's 100-odd files in one chunk
        assert len([c for c in chunks if c.kind == "files"]) == 1


def test_chunks_are_small_deterministic_and_picklable(corpus):
    chunks = plan(corpus.inputs, 40)
    assert chunks == plan(corpus.inputs, 40)
    for chunk in chunks:
        assert pickle.loads(pickle.dumps(chunk)) == chunk
        assert len(pickle.dumps(chunk)) < (10_000 if chunk.kind == "files" else 600)


def test_items_extract_to_the_gold_articles(corpus):
    """What the corpus promises the batch tests: every article extracts, by the
    functions `storyline add` uses, to its gold title, outlet, URL, date and text,
    150 words or more and an article by the not-article check."""
    items, _ = read_all(plan(corpus.inputs, 100))
    gold = corpus.by_source()
    kinds = Counter()
    for item in items:
        if item.source not in gold:
            with pytest.raises(Exception, match="empty"):
                article_from_bytes(item.body, item.kind, url=item.url, source=item.source, outlet_hint=item.outlet)
            continue
        want = gold[item.source]
        if item.record is not None:
            article = article_from_record(item.record, item.source)
        else:
            article = article_from_bytes(item.body, item.kind, url=item.url, source=item.source,
                                         outlet_hint=item.outlet, charset=item.charset)
        kinds[(want.form, item.kind)] += 1
        assert (article.title, article.outlet, article.url, article.text) == (want.title, want.outlet, want.url, want.text)
        assert article.published == (want.published if want.dated else None)
        assert len(article.text.split()) >= 150
        assert article_terms(article.text, article.title)[1] is None
    assert kinds[("text-file", "text")] == 2 and kinds[("warc", "text")] == 1
    assert {form for form, _ in kinds} == {"jsonl-text", "jsonl-html", "html-file", "text-file", "warc"}
    latin = [a for a in corpus.articles if "café" in a.text]
    assert len(latin) == 1 and latin[0].form == "warc"


def test_gold_stories_and_near_copies(corpus):
    keys = [a.key for a in corpus.articles]
    assert len(keys) == len(set(keys)) == 300
    assert sum(len(s) for s in corpus.stories()) == 300 and len(corpus.stories()) > 30
    copies = corpus.near_copies()
    assert {kind for _, _, kind in copies} == {"same-text", "added-sentence"}
    by_key = {a.key: a for a in corpus.articles}
    for original, copy, kind in copies:
        a, b = by_key[original], by_key[copy]
        assert a.story == b.story and a.outlet != b.outlet
        assert (a.text == b.text) == (kind == "same-text") and (a.title != b.title) == (kind == "same-text")


# -- JSONL -----------------------------------------------------------------------------------------


def write_lines(path: Path, lines: list[str], ending: str = "\n", final: bool = True) -> Path:
    path.write_bytes((ending.join(lines) + (ending if final else "")).encode())
    return path


@pytest.mark.parametrize("ending,final", [("\n", True), ("\r\n", True), ("\n", False)])
def test_jsonl_lines_once_with_their_numbers_at_every_chunk_size(tmp_path, ending, final):
    lines = [json.dumps({"text": f"Story number {n} — ünïcode ✓", "title": f"T{n}"}, ensure_ascii=False)
             if n % 5 else "" for n in range(1, 24)]
    path = write_lines(tmp_path / "a.jsonl", lines, ending, final)
    expected = {f"{path}:{n}": f"T{n}" for n in range(1, 24) if n % 5}
    for per_chunk in range(1, 26):
        chunks = plan([str(path)], per_chunk)
        assert len(chunks) == -(-23 // per_chunk)
        assert chunks[-1].end == path.stat().st_size
        items, failures = read_all(chunks)
        assert not failures
        assert [i.source for i in items] == list(expected)
        assert [i.record["title"] for i in items] == list(expected.values())
        assert all(i.kind == "text" for i in items)


def test_jsonl_failures_read_as_storyline_add_records_them(tmp_path, store):
    lines = ['{"title": "cut', "[1, 2]", "7", '"a string"', '{"text": 5}', '{"title": ["x"], "text": "y"}',
             '{"title": "only"}', '{"html": "<p>x</p>", "url": "ftp://example.org/x"}',
             '{"text": "t", "url": "https://example.org:99999/"}', "{" * 100_000, "\ufeff{}", "{}"]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    _, failures = read_all(plan([str(path)], 4))
    with Ingestor(store, settings=offline()) as ingestor:
        report = ingestor.add([str(path)])
    assert [(f.source, f.error) for f in failures] == [(f.source, f.error) for f in report.failed]
    assert len(failures) == len(lines)


def test_jsonl_lines_that_batches_do_not_take(tmp_path):
    lines = ['{"url": "https://example.org/a"}', '{"url": "https://example.org/b", "html": "<p>x</p>"}',
             "x" * 5000, '{"text": "after the long line"}']
    path = write_lines(tmp_path / "b.jsonl", lines)
    items, failures = read_all(plan([str(path)], 2), max_bytes=4000)
    assert [(f.source, f.error) for f in failures] == [
        (f"{path}:1", "batch inputs are not fetched: give html or text"),
        (f"{path}:3", "the line is over the 4,000-byte limit")]
    assert [(i.source, i.url, i.kind) for i in items] == [
        (f"{path}:2", "https://example.org/b", "html"), (f"{path}:4", None, "text")]


def test_jsonl_plan_and_read_stream_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    line = (json.dumps({"title": "t", "text": "word " * 400}) + "\n").encode()
    with open(path, "wb") as out:
        for _ in range(15):
            out.write(line * 1000)
    size = path.stat().st_size  # about 30 MB, 15,000 lines
    tracemalloc.start()
    try:
        chunks = plan([str(path)], 500)
        plan_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        count = sum(1 for _ in read_chunk(chunks[7], MAX_BYTES))
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(chunks) == 30 and count == 500
    assert chunks[7].first_line == 3501 and chunks[7].start == 3500 * len(line)
    assert plan_peak < 4 * 1024 * 1024 < size / 6
    assert read_peak < 4 * 1024 * 1024


# -- folders and files --------------------------------------------------------------------------------


def test_folders_files_and_what_cannot_be_read(tmp_path):
    root = tmp_path / "in"
    (root / "Valley Wire" / "deep").mkdir(parents=True)
    (root / ".cache").mkdir()
    page = b"<html><head><title>A</title></head><body><p>Hello there.</p></body></html>"
    (root / "Valley Wire" / "b.html").write_bytes(page)
    (root / "Valley Wire" / "a.txt").write_bytes(b"<html> but a text file\n\nBody.")
    (root / "Valley Wire" / "deep" / "c.htm").write_bytes(b"Plain words, no markup.")
    (root / "Valley Wire" / "feed.xml").write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    (root / "Valley Wire" / "huge.html").write_bytes(b"<p>" + b"x" * 5000)
    (root / "Valley Wire" / ".hidden.html").write_bytes(page)
    (root / ".cache" / "x.html").write_bytes(page)
    os.mkfifo(root / "pipe.html")  # never opened: reading a pipe would wait for ever
    (tmp_path / "gone.html").write_bytes(page)
    chunks = plan([str(root), str(tmp_path / "missing"), "https://example.org/", "", str(tmp_path / "gone.html")], 2)
    assert [c.kind for c in chunks] == ["files", "files", "files", "failure", "failure", "failure", "files"]
    (tmp_path / "gone.html").unlink()
    items, failures = read_all(chunks, max_bytes=4000)

    folder = root / "Valley Wire"
    assert [(i.source, i.kind, i.outlet) for i in items] == [
        (str(folder / "a.txt"), "text", "Valley Wire"), (str(folder / "b.html"), "html", "Valley Wire"),
        (str(folder / "deep" / "c.htm"), "text", "deep")]
    assert items[1].body == page and items[1].url is None
    reasons = {f.source: f.error for f in failures}
    assert reasons[str(folder / "feed.xml")].startswith("a feed, not a page")
    assert reasons[str(folder / "huge.html")] == "file is 5,003 bytes, over the 4,000-byte limit"
    assert reasons[str(tmp_path / "missing")] == "no such file or folder"
    assert reasons["https://example.org/"].startswith("batch inputs are not fetched")
    assert reasons[""].startswith("empty input")
    assert "No such file" in reasons[str(tmp_path / "gone.html")]
    assert len(failures) == 6


def test_a_chunk_that_cannot_be_read_is_a_failure_not_an_exception(tmp_path):
    path = write_lines(tmp_path / "c.jsonl", ['{"text": "a"}'] * 5)
    chunks = plan([str(path)], 2)
    path.unlink()
    assert [type(x) for x in read_chunk(chunks[1], MAX_BYTES)] == [Failure]
    assert list(read_chunk(Chunk(0, "other", "x"), MAX_BYTES)) == [Failure("x", "unknown chunk kind 'other'")]


# -- WARC -------------------------------------------------------------------------------------------------


def page(n: int) -> bytes:
    return f"<html><body><article><p>Page {n} says something.</p></article></body></html>".encode()


def write_warc(path: Path, records: list[tuple[str, str, list, bytes]], gzipped: bool = True) -> list[int]:
    """(url, status, headers, body) responses, each after a request; their offsets."""
    offsets = []
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, status, headers, body in records:
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            offsets.append(stream.tell())
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return offsets


def record_starts(path: Path) -> list[int]:
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        return [records.get_record_offset() for _ in records]


HTML = [("Content-Type", "text/html")]


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_responses_once_at_every_chunk_size(tmp_path, gzipped):
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    records = [(f"https://example.org/{n}", "200 OK" if n % 4 else "404 Not Found", HTML, page(n)) for n in range(13)]
    offsets = write_warc(path, records, gzipped)
    expected = [f"{path}@{o}" for n, o in enumerate(offsets) if n % 4]
    for per_chunk in (1, 2, 3, 5, 13, 100):
        chunks = plan([str(path)], per_chunk)
        assert len(chunks) == -(-13 // per_chunk)
        items, failures = read_all(chunks)
        assert not failures
        assert [i.source for i in items] == expected
        assert items[0].url == "https://example.org/1" and items[0].body == page(1) and items[0].fetched


def test_warc_bodies_are_decoded_and_bad_records_fail_alone(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (page(2)[:30], page(2)[30:])) + b"0\r\n\r\n"
    records = [
        ("https://example.org/1", "200 OK", HTML + [("Content-Encoding", "gzip")], gzip.compress(page(1))),
        ("https://example.org/2", "200 OK", HTML + [("Transfer-Encoding", "chunked")], chunked),
        ("https://example.org/3", "200 OK", HTML + [("Content-Encoding", "gzip")], b"not gzip at all"),
        ("https://example.org/4", "200 OK", [("Content-Type", "text/html; charset=\"windows-1252\"")], b"<p>caf\xe9</p>"),
        ("https://example.org/5", "200 OK", HTML, b"<p>" + b"x" * 6000 + b"</p>"),
        ("https://example.org/6", "200 OK", [("Content-Type", "text/plain; charset=utf-8")], b"Title\n\nText."),
        ("https://example.org/7", "200 OK", HTML, b"%PDF-1.4 a document"),
        ("https://example.org/8", "200 OK", [("Content-Type", "application/json")], b"{}"),
        ("https://example.org/9", "200 OK", [], page(9)),
        ("https://example.org/10", "301 Moved", HTML + [("Location", "/")], b""),
        ("https://example.org/11", "200 OK", HTML + [("X-Long", "y" * 70_000)], page(11)),
        ("https://example.org/12", "200 OK", [("Content-Type", "TEXT/HTML")], page(12)),
    ]
    offsets = write_warc(path, records)
    items, failures = read_all(plan([str(path)], 3), max_bytes=5000)
    assert [(i.url, i.body, i.kind, i.charset) for i in items] == [
        ("https://example.org/1", page(1), "html", None), ("https://example.org/2", page(2), "html", None),
        ("https://example.org/4", b"<p>caf\xe9</p>", "html", "windows-1252"),
        ("https://example.org/6", b"Title\n\nText.", "text", "utf-8"), ("https://example.org/12", page(12), "html", None)]
    assert [f.source for f in failures] == [f"{path}@{offsets[n]}" for n in (2, 4, 6, 10)]
    assert "not valid gzip" in failures[0].error
    assert "over the 5,000-byte limit" in failures[1].error
    assert "a PDF document" in failures[2].error
    assert "unreadable HTTP response" in failures[3].error


def test_a_cut_warc_keeps_what_came_before_and_fails_once(tmp_path):
    """Cut anywhere in its last records, a WARC gives the whole responses before
    the cut and then one failure: FastWARC alone would say nothing."""
    for gzipped in (True, False):
        whole = tmp_path / ("whole.warc.gz" if gzipped else "whole.warc")
        offsets = write_warc(whole, [(f"https://example.org/{n}", "200 OK", HTML, page(n)) for n in range(4)], gzipped)
        data = whole.read_bytes()
        starts = record_starts(whole) + [len(data)]
        ends = [min(s for s in starts if s > o) for o in offsets]
        cut = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
        for at in range(offsets[2] - 300, len(data), 5):
            if at in starts:
                continue  # a shorter file, but a whole one
            cut.write_bytes(data[:at])
            items, failures = read_all(plan([str(cut)], 2))
            whole_records = sum(1 for end in ends if end <= at)
            assert [i.body for i in items][:whole_records] == [page(n) for n in range(whole_records)]
            assert len(items) <= whole_records + 1, at  # the cut one only when its body is all there
            assert len(failures) == 1, at
            assert failures[0].error.startswith(("truncated WARC", "corrupt WARC")), at


def test_corrupt_empty_and_foreign_warcs_are_failures(tmp_path):
    good = tmp_path / "good.warc.gz"
    offsets = write_warc(good, [(f"https://example.org/{n}", "200 OK", HTML, page(n)) for n in range(6)])
    data = bytearray(good.read_bytes())
    data[offsets[3] + 40:offsets[3] + 80] = b"X" * 40  # inside the fourth response's gzip member
    corrupt = tmp_path / "corrupt.warc.gz"
    corrupt.write_bytes(bytes(data))
    (tmp_path / "empty.warc").write_bytes(b"")
    (tmp_path / "notes.warc").write_bytes(b"hello, this is not a web archive\n" * 20)
    with gzip.open(tmp_path / "stream.warc.gz", "wb") as out:  # one gzip stream, not a member per record
        out.write(gzip.decompress(good.read_bytes()))

    items, failures = read_all(plan([str(corrupt)], 2))
    assert [i.body for i in items] == [page(n) for n in range(3)]
    assert len(failures) == 1 and failures[0].error.startswith("corrupt WARC")
    for name, reason in (("empty.warc", "empty WARC file"), ("notes.warc", "corrupt WARC")):
        items, failures = read_all(plan([str(tmp_path / name)], 2))
        assert not items and len(failures) == 1 and failures[0].error.startswith(reason)
    chunks = plan([str(tmp_path / "stream.warc.gz")], 2)
    items, failures = read_all(chunks)
    assert len(chunks) == 1 and not failures and [i.body for i in items] == [page(n) for n in range(6)]


def test_warc_plan_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "big.warc.gz"
    body = b"<html><body><p>" + os.urandom(3000).hex().encode() + b"</p></body></html>"
    write_warc(path, [(f"https://example.org/{n}", "200 OK", HTML, body) for n in range(3000)])
    tracemalloc.start()
    try:
        chunks = plan([str(path)], 100)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(chunks) == 30
    assert peak < 1024 * 1024 < path.stat().st_size / 10
    assert sum(1 for item in read_chunk(chunks[17], MAX_BYTES) if isinstance(item, RawItem)) == 100
