"""A batch's inputs cut into chunks, and each chunk read into raw items.

`plan` runs once, on the machine that starts the batch: it walks folders and
scans JSONL line starts and WARC record offsets, streaming, so a file of any
size plans in bounded memory. `read_chunk` runs on a worker: it opens only its
chunk's files, or seeks to its chunk's byte range. Nothing here extracts.

A bad input never raises out of either: a missing path or a file that cannot
be read is planned as a "failure" chunk, which reads as one Failure; a bad line
or record is a Failure of its own and the rest of its chunk goes on; a cut or
corrupt WARC is a Failure for the rest of its chunk, the items before it kept.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.batch import warc
from storyline.extract.files import TEXT_SUFFIXES, local_path
from storyline.feeds import sniff
from storyline.fetch import describe_binary
from storyline.fetch.urls import is_url, url_problem
from storyline.ingest.articles import check_batch_line
from storyline.ingest.recorded import failure_reason
from storyline.model import Failure

_SCAN_STEP = 1024 * 1024  # bytes read at a time when scanning a JSONL file's lines


@dataclass(frozen=True)
class Chunk:
    """One partition's worth of input: small, picklable, the same for the same inputs."""

    index: int  # 0.. in plan order
    kind: str  # "files" | "jsonl" | "warc" | "failure"
    path: str  # the JSONL or WARC file, the folder (or single file) for "files", the input for "failure"
    files: tuple[str, ...] = ()  # "files": the paths in this chunk
    start: int = 0  # jsonl/warc: byte offset of the first line or record in this chunk
    end: int = 0  # byte offset just past the last one
    first_line: int = 1  # jsonl: the line number of `start` (for item labels "file.jsonl:12")
    error: str = ""  # "failure": why the input could not be planned


@dataclass
class RawItem:
    source: str  # label for errors: "path", "file.jsonl:12", "crawl.warc.gz@1234"
    url: str | None = None
    body: bytes | None = None  # an HTML page or a text file's bytes, as read
    kind: str = "html"  # "html" | "text", as extract_document takes it
    charset: str | None = None  # from the WARC record's HTTP Content-Type header
    record: dict | None = None  # a JSONL line's object (its known fields are strings)
    outlet: str | None = None  # the folder a file sits in (ingest's outlet hint)
    fetched: str | None = None  # WARC-Date


# -- planning ---------------------------------------------------------------------------


def plan(inputs: Iterable[str], items_per_chunk: int = 250) -> list[Chunk]:
    """Every input cut into chunks of at most `items_per_chunk` files, lines or
    response records, in input order (folders walked in sorted order)."""
    if items_per_chunk < 1:
        raise ValueError("items_per_chunk must be at least 1")
    chunks: list[Chunk] = []
    for source in inputs:
        for fields in _plan_input(str(source), items_per_chunk):
            chunks.append(Chunk(index=len(chunks), **fields))
    return chunks


def _plan_input(source: str, every: int) -> Iterator[dict]:
    if not source.strip():  # Path("") is the current folder: never what was meant
        yield _failed(source, "empty input: give a file or a folder")
        return
    if is_url(source):
        yield _failed(source, "batch inputs are not fetched: give folders, JSONL or WARC files")
        return
    path = local_path(source)
    if path.is_dir():
        yield from _plan_folder(path, every)
    elif path.is_file():
        yield from _plan_file(path, every)
    else:
        yield _failed(source, "no such file or folder")


def _plan_folder(folder: Path, every: int) -> Iterator[dict]:
    """Every file under `folder` but hidden ones (as `storyline add` reads a
    folder), in sorted order: JSONL and WARC files as inputs of their own,
    the rest `every` to a chunk."""
    unreadable: list[OSError] = []
    pending: list[str] = []
    for top, dirs, names in os.walk(folder, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if not n.startswith(".")):
            path = Path(top, name)
            if not path.is_file():  # a broken link, a pipe or a socket: nothing to read
                continue
            if _kind(path) != "files":
                yield from _plan_file(path, every)
                continue
            pending.append(str(path))
            if len(pending) == every:
                yield {"kind": "files", "path": str(folder), "files": tuple(pending)}
                pending = []
    if pending:
        yield {"kind": "files", "path": str(folder), "files": tuple(pending)}
    for exc in unreadable:
        yield _failed(exc.filename or str(folder), failure_reason(exc))


def _plan_file(path: Path, every: int) -> Iterator[dict]:
    kind = _kind(path)
    if kind == "files":
        yield {"kind": "files", "path": str(path), "files": (str(path),)}
        return
    planned = 0
    try:
        if kind == "jsonl":  # (a WARC file is gzip data, and FastWARC says what else is wrong)
            with open(path, "rb") as stream:
                binary = describe_binary(stream.read(16))
            if binary:
                yield _failed(str(path), f"unsupported file: {binary}, not a JSONL file")
                return
        ranges = _line_ranges(path, every) if kind == "jsonl" else _record_ranges(path, every)
        for start, end, first_line in ranges:
            yield {"kind": kind, "path": str(path), "start": start, "end": end, "first_line": first_line}
            planned = end
    except OSError as exc:  # what was planned stands; the rest is one failure
        reason = failure_reason(exc)
        yield _failed(str(path), f"cannot read past byte {planned:,}: {reason}" if planned else reason)


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    return "files"


def _line_ranges(path: Path, every: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line number) of every `every` lines, one streaming pass."""
    start, first_line, lines, position = 0, 1, 0, 0
    with open(path, "rb") as stream:
        while block := stream.read(_SCAN_STEP):
            newlines = block.count(b"\n")
            if lines + newlines < every:  # the common case, counted in C
                lines += newlines
                position += len(block)
                continue
            found = 0
            while (newline := block.find(b"\n", found)) >= 0:
                found = newline + 1
                lines += 1
                if lines == every:
                    yield start, position + found, first_line
                    start, first_line, lines = position + found, first_line + every, 0
            position += len(block)
    if position > start:
        yield start, position, first_line


def _record_ranges(path: Path, every: int) -> Iterator[tuple[int, int, int]]:
    size = path.stat().st_size
    previous = None
    for offset in warc.boundaries(str(path), every):
        if previous is not None:
            yield previous, offset, 1
        previous = offset
    yield previous, size, 1


def _failed(source: str, error: str) -> dict:
    return {"kind": "failure", "path": source, "error": error}


# -- reading ------------------------------------------------------------------------------


def read_chunk(chunk: Chunk, max_bytes: int) -> Iterator[RawItem | Failure]:
    """The chunk's raw items, each read once; files, lines and records over
    `max_bytes` are failures. Whatever goes wrong ends in a Failure, never an
    exception (the items before it stand)."""
    try:
        if chunk.kind == "failure":
            yield Failure(chunk.path, chunk.error)
        elif chunk.kind == "files":
            for path in chunk.files:
                yield _read_file(path, max_bytes)
        elif chunk.kind == "jsonl":
            yield from _read_lines(chunk, max_bytes)
        elif chunk.kind == "warc":
            yield from _read_records(chunk, max_bytes)
        else:
            yield Failure(chunk.path, f"unknown chunk kind {chunk.kind!r}")
    # As in ingest's per-item guard: hostile input reaches json, FastWARC, zlib and
    # the file system, and none of their errors may end the batch.
    except Exception as exc:
        yield Failure(chunk.path, f"reading stopped: {failure_reason(exc)}")


def _read_file(path: str, max_bytes: int) -> RawItem | Failure:
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as stream:
            body = stream.read(max_bytes + 1)
    except OSError as exc:
        return Failure(path, failure_reason(exc))
    if size > max_bytes or len(body) > max_bytes:
        return Failure(path, f"file is {max(size, len(body)):,} bytes, over the {max_bytes:,}-byte limit")
    binary = describe_binary(body)
    if binary:
        return Failure(path, f"unsupported file: {binary}, not a page, feed or text")
    kind = "text" if Path(path).suffix.lower() in TEXT_SUFFIXES else sniff(body)
    if kind not in ("html", "text"):
        return Failure(path, f"a {'subscription list' if kind == 'opml' else 'feed'}, not a page: "
                             "batch inputs read pages and text files (add feeds with `storyline add`)")
    return RawItem(path, body=body, kind=kind, outlet=Path(path).parent.name or None)


def _read_lines(chunk: Chunk, max_bytes: int) -> Iterator[RawItem | Failure]:
    with open(chunk.path, "rb") as stream:
        stream.seek(chunk.start)
        position, number = chunk.start, chunk.first_line
        while position < chunk.end:
            line = stream.readline(max_bytes + 1)
            if not line:
                return  # the file shrank since it was planned
            position += len(line)
            source = f"{chunk.path}:{number}"
            number += 1
            if len(line) > max_bytes:
                while not line.endswith(b"\n") and (line := stream.readline(_SCAN_STEP)):
                    position += len(line)  # the rest of the line, skipped a step at a time
                yield Failure(source, f"the line is over the {max_bytes:,}-byte limit")
                continue
            # without its line break, as `storyline add` reads it (the reasons are the same)
            line = line.removesuffix(b"\n").removesuffix(b"\r")
            item = _line_item(source, line.decode("utf-8", errors="replace"))
            if item is not None:
                yield item


def _line_item(source: str, line: str) -> RawItem | Failure | None:
    if not line.strip():
        return None
    record = check_batch_line(line)
    if isinstance(record, str):
        return Failure(source, record)
    url = record.get("url") or None
    if not (record.get("html") or record.get("text")):
        return Failure(source, "batch inputs are not fetched: give html or text")
    if url and (problem := url_problem(url)):
        return Failure(source, f"{problem} in url {url}")
    return RawItem(source, url=url, kind="html" if record.get("html") else "text", record=record)


def _read_records(chunk: Chunk, max_bytes: int) -> Iterator[RawItem | Failure]:
    for page in warc.pages(chunk.path, chunk.start, chunk.end, max_bytes):
        source = f"{chunk.path}@{page.offset}"
        if page.error:
            yield Failure(source, page.error)
            continue
        binary = describe_binary(page.body)
        if binary:
            yield Failure(source, f"unsupported content: {binary}, not a web page")
            continue
        kind = sniff(page.body, page.media_type)
        if kind in ("html", "text"):  # a feed served as a page is not an article: skipped
            yield RawItem(source, url=page.url, body=page.body, kind=kind, charset=page.charset,
                          fetched=page.date)
