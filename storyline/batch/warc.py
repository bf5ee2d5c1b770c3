"""Web archives (WARC, WARC.gz) read in pieces: where the pieces start, and the
HTML and text pages of one piece.

Read with FastWARC, which seeks to a gzip member's offset and reads on from
there, five times as fast as warcio on our generated crawl (78,000 against
14,600 records/s, bodies read). Its HTTP decoding is left off: one record whose
Content-Encoding lies would end the iteration, so bodies are decoded here, a
record at a time, by the fetcher's own bounded decoders.

FastWARC says nothing when a file is cut short: it hands over a record whose
body is shorter than declared, or drops the last record. So every body is
measured against its declared length, and the piece that reaches the end of
the file checks that its last record ends exactly there.
"""
from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from fastwarc.warc import ArchiveIterator, WarcRecordType

from storyline.fetch import FetchError
from storyline.fetch.client import _content_type, _decoded, _layers

# Media types that may carry an article; every other response is skipped.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_GZIP_MAGIC = b"\x1f\x8b"
_HEADER_LIMIT = 64 * 1024  # a WARC header block longer than this is not one
_READ_STEP = 1024 * 1024
# FastWARC 2.0.1's WarcRecordType does not compare equal to itself: compare numbers.
_RESPONSE = int(WarcRecordType.response)


@dataclass
class Response:
    """One record of a piece: a page to extract, or why it could not be read.
    `fatal` problems (a cut or corrupt file) end the piece."""

    offset: int
    url: str | None = None
    date: str | None = None
    media_type: str = ""
    charset: str | None = None
    body: bytes | None = None
    error: str | None = None
    fatal: bool = False


def boundaries(path: str, every: int) -> Iterator[int]:
    """The offset of every `every`-th response record, starting with 0: where
    the pieces start. One streaming pass over the record headers, bodies
    skipped. A file that cannot be split (gzip written as one stream, not a
    member per record) is one piece; a corrupt file ends its last piece at the
    file's end, where reading it will say what is wrong."""
    yield 0
    gzipped = _starts_gzip(path, 0)
    counted = 0
    starts = []
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, parse_http=False):
                if int(record.record_type) != _RESPONSE:
                    continue
                if counted and counted % every == 0:
                    starts.append(record.stream_pos)
                    if len(starts) >= 64:  # checked and handed out in batches: bounded memory
                        if gzipped and not all(_starts_gzip(path, s) for s in starts):
                            return
                        yield from starts
                        starts = []
                counted += 1
    except OSError:
        pass  # corrupt: the last piece runs to the end of the file and reports it
    if gzipped and not all(_starts_gzip(path, s) for s in starts):
        return
    yield from starts


def pages(path: str, start: int, end: int, max_bytes: int) -> Iterator[Response]:
    """The HTML and text responses (HTTP 200) whose records start in [start, end):
    each as a page, or as a problem of its own; a cut or corrupt file gives one
    fatal problem and nothing after it."""
    size = os.path.getsize(path)
    last = None
    try:
        with open(path, "rb") as stream:
            stream.seek(start)
            for record in ArchiveIterator(stream, parse_http=False):
                # (a file of one gzip stream has no record offsets, and is one piece to its end)
                if end < size and record.stream_pos >= end:
                    return
                last = record.stream_pos
                if int(record.record_type) != _RESPONSE:
                    continue
                try:
                    response = _response(record, max_bytes)
                except OSError as exc:  # this record's HTTP head; the iterator reads on past it
                    response = Response(last, _target(record), error=f"unreadable HTTP response: {exc}")
                if response is not None:
                    yield response
                    if response.fatal:
                        return
    except OSError as exc:  # FastWARC's word for a header or a gzip stream it cannot read
        yield Response(last if last is not None else start, fatal=True,
                       error=f"corrupt WARC at or after this record: {exc}")
        return
    if end >= size:
        problem = _tail_problem(path, last, size)
        if problem:
            yield Response(problem[0], error=problem[1], fatal=True)


def _response(record, max_bytes: int) -> Response | None:
    offset = record.stream_pos
    url = _target(record)
    date = record.headers.get("WARC-Date")
    record.parse_http(auto_decode="none")
    if not record.is_http or record.http_headers.status_code != 200:
        return None
    media_type, charset = _content_type(record.http_headers.get("Content-Type") or "")
    if media_type not in PAGE_TYPES:
        return None
    page = Response(offset, url, date, media_type, charset)
    declared = record.content_length  # the payload's length, HTTP headers apart
    if declared > max_bytes:
        page.error = f"the page is {declared:,} bytes, over the {max_bytes:,}-byte limit"
        return page
    raw = record.reader.read()
    if len(raw) < declared:
        page.error, page.fatal = f"truncated WARC: the record holds {len(raw):,} of its {declared:,} bytes", True
        return page
    try:
        page.body = _decode(raw, record.http_headers, max_bytes, url or f"the record at {offset}")
    except (FetchError, ValueError) as exc:
        page.error = str(exc)
    return page


def _target(record) -> str | None:
    return (record.headers.get("WARC-Target-URI") or "").strip().strip("<>") or None


def _decode(raw: bytes, headers, max_bytes: int, where: str) -> bytes:
    """The body as the server meant it: chunks joined, then decompressed."""
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        raw = _unchunk(raw)
    layers = _layers(headers.get("Content-Encoding") or "", max_bytes, where)
    if not layers:
        return raw
    body = b"".join(_decoded(raw, layers))
    for layer in layers:
        layer.check_complete()
    return body


def _unchunk(raw: bytes) -> bytes:
    """A chunked transfer encoding undone; a malformed or unfinished one refused."""
    pieces, position = [], 0
    while True:
        line_end = raw.find(b"\n", position)
        if line_end < 0:
            raise ValueError("the chunked body is cut short")
        size_text = raw[position:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ValueError("the chunked body is malformed") from None
        if size == 0:
            return b"".join(pieces)
        start = line_end + 1
        if start + size > len(raw):
            raise ValueError("the chunked body is cut short")
        pieces.append(raw[start:start + size])
        position = start + size
        position += 2 if raw[position:position + 2] == b"\r\n" else 1


def _tail_problem(path: str, last: int | None, size: int) -> tuple[int, str] | None:
    """(offset, why) when the file does not end exactly after its last whole
    record: FastWARC hands over or drops a cut last record without a word."""
    if last is None:
        return (0, "empty WARC file: no records") if size == 0 else (0, "not a WARC file: no records")
    if _starts_gzip(path, 0) and not _starts_gzip(path, last):
        return None  # one gzip stream for the whole file: no member to check
    end = _record_end(path, last)
    if end is None:
        return last, "truncated WARC: the last record is cut short"
    if end < size:
        return end, "truncated WARC: a record cut short at the end of the file"
    return None


def _record_end(path: str, offset: int) -> int | None:
    """Where the record at `offset` ends, or None when the file ends first."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        if _starts_gzip(path, offset):
            return _member_end(stream, offset)
        head = stream.read(_HEADER_LIMIT)
    length = _block_length(head)
    end = None if length is None else offset + length[0] + length[1] + 4  # the two CRLFs after it
    return end if end is not None and end <= os.path.getsize(path) else None


def _member_end(stream, offset: int) -> int | None:
    """Where the gzip member at `offset` ends, if it is whole and holds a whole record."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head, produced, consumed = b"", 0, 0
    try:
        while not inflate.eof:
            data = stream.read(_READ_STEP)
            if not data:
                return None
            consumed += len(data)
            out = inflate.decompress(data, _READ_STEP)  # a megabyte out at most: a bomb stays small
            while True:
                produced += len(out)
                if len(head) < _HEADER_LIMIT:
                    head += out[:_HEADER_LIMIT - len(head)]
                # a full step may leave output inside zlib with no input left over
                if inflate.eof or not (inflate.unconsumed_tail or len(out) == _READ_STEP):
                    break
                out = inflate.decompress(inflate.unconsumed_tail, _READ_STEP)
    except zlib.error:
        return None
    length = _block_length(head)
    if length is None or produced < length[0] + length[1]:
        return None
    return offset + consumed - len(inflate.unused_data)


def _block_length(head: bytes) -> tuple[int, int] | None:
    """(length of the WARC header block, its Content-Length), or None if unreadable."""
    split = head.find(b"\r\n\r\n")
    if split < 0:
        return None
    for line in head[:split].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return split + 4, int(value.strip())
    return None


def _starts_gzip(path: str, offset: int) -> bool:
    with open(path, "rb") as stream:
        stream.seek(offset)
        return stream.read(2) == _GZIP_MAGIC
