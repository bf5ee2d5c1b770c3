"""One saved article file (HTML or text), read without a database."""
from __future__ import annotations

from pathlib import Path

from storyline.extract.html import ExtractionError, extract_html
from storyline.extract.text import extract_text
from storyline.model import Extracted

TEXT_SUFFIXES = (".txt", ".text", ".md")
MAX_FILE_BYTES = 10 * 1024 * 1024


def local_path(source: str) -> Path:
    """The file or folder a user named: "~" expanded when it can be ("~nosuchuser/x"
    has no home folder to expand, so it stays as written and names no such path)."""
    try:
        return Path(source).expanduser()
    except RuntimeError:
        return Path(source)


def extract_document(body: bytes, kind: str, url: str | None = None, charset: str | None = None) -> Extracted:
    """Extract a document already known to be 'html' or 'text'."""
    if kind == "html":
        return extract_html(body, url=url, charset=charset)
    if kind == "text":
        return extract_text(body)
    raise ExtractionError(f"cannot read {kind} content as an article")


def extract_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Extracted:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise ExtractionError(f"{path} is {size:,} bytes, over the {max_bytes:,}-byte limit")
    body = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return extract_text(body)
    head = body[:2048].lstrip().lower()
    kind = "html" if head.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<body" in body[:65536].lower() else "text"
    return extract_document(body, kind)
