"""Making an Article from what was read: a page's bytes, a batch line, an
extraction. Pure functions, no store: `storyline add` and `storyline batch`
make their articles here, so both get the same text and metadata."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from storyline.extract import extract_document, extract_html, extract_text
from storyline.extract.limits import check_words
from storyline.feeds.parse import describe_json
from storyline.fetch.urls import canonical_url, domain
from storyline.model import Article, Extracted

_NON_WORD = re.compile(r"\W+")
# The fields of a .jsonl batch line; each must be a string when present.
JSONL_FIELDS = ("url", "html", "text", "title", "outlet", "author", "published")


def content_hash(text: str) -> str:
    """Same article text, whatever its spacing, case or punctuation."""
    norm = _NON_WORD.sub(" ", text.lower()).strip()
    return hashlib.sha256(norm.encode()).hexdigest()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_from_bytes(body: bytes, kind: str, *, url: str | None, source: str,
                       outlet_hint: str | None, charset: str | None = None,
                       outlet: str | None = None) -> Article:
    extracted = extract_document(body, kind, url=url, charset=charset)
    return article_from_extracted(extracted, url=url, source=source, outlet_hint=outlet_hint, outlet=outlet)


def article_from_record(record: dict, source: str, outlet: str | None = None) -> Article:
    """A batch line whose fields are known to be strings (see JSONL_FIELDS)."""
    url = record.get("url") or None
    if record.get("html"):
        extracted = extract_html(record["html"], url=url)
    else:
        title = (record.get("title") or "").strip()
        body = record["text"]
        extracted = extract_text(f"{title}\n\n{body}" if title else body)
        extracted.author = record.get("author") or None
        extracted.published = record.get("published") or None
    article = article_from_extracted(extracted, url=url, source=source, outlet_hint=None, outlet=outlet)
    if record.get("outlet") and not outlet:
        article.outlet = record["outlet"]
    return article


def article_from_extracted(ex: Extracted, *, url: str | None, source: str, outlet_hint: str | None,
                           outlet: str | None = None) -> Article:
    """`outlet`, when given, names the outlet of every article (`add --outlet`)."""
    check_words(ex.text)
    canonical = trusted_canonical(ex.url, url)
    outlet = outlet or ex.site_name or domain(canonical) or outlet_hint or "unknown"
    title = ex.title or _first_words(ex.text)
    return Article(
        url=url or canonical, canonical_url=canonical, title=title, text=ex.text,
        raw_text=ex.raw_text or ex.text, outlet=outlet, author=ex.author,
        published=ex.published, language=ex.language, fetched=now_iso(), source=source,
        content_hash=content_hash(ex.text),
    )


def trusted_canonical(declared: str | None, fetched_url: str | None) -> str | None:
    """The page's canonical URL, unless it is clearly bogus (some sites point
    every article's canonical at their home page)."""
    fetched = canonical_url(fetched_url)
    claimed = canonical_url(declared)
    if claimed and urlsplit(claimed).path in ("", "/") and fetched and urlsplit(fetched).path not in ("", "/"):
        return fetched
    return claimed or fetched


def _first_words(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def check_batch_line(line: str) -> dict | str:
    """A .jsonl batch line's object, its known fields strings; or why it is not
    one, in the words `storyline add` uses."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        return f"bad JSON line: {exc}"
    except RecursionError:
        return "bad JSON line: nested too deeply"
    if not isinstance(record, dict):
        return f"bad JSON line: {describe_json(record)}, not an object"
    for key in JSONL_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            return f"{key} is {describe_json(record[key])}, not a string"
    if not (record.get("url") or record.get("html") or record.get("text")):
        return 'a batch line needs "url", "html" or "text"'
    return record
