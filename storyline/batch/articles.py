"""The per-partition maps of a batch: read and extract (`extract_part`), then,
once the whole input's duplicates and learned chrome are known, clean,
summarize, recognize entities and fingerprint (`enrich_part`). Each article is
made by the same functions `storyline add` uses (storyline.ingest.articles),
so a batch and a database agree on text, metadata and summaries.

Every item is handled inside its own guard: whatever it raises becomes that
item's failure row and the partition goes on."""
from __future__ import annotations

import json

import pyarrow as pa

from storyline import dedupe
from storyline.batch.inputs import Chunk, RawItem, read_chunk
from storyline.batch.parts import Results
from storyline.cluster import features
from storyline.extract import chrome
from storyline.fetch.urls import domain
from storyline.ingest.articles import article_from_bytes, article_from_record
from storyline.ingest.recorded import MAX_REASON_CHARS, failure_reason, item_label, make_printable, one_line
from storyline.model import Article, Failure
from storyline.summary import summarize

# Keys are "a" + a number ordering articles as `storyline add` would meet them:
# partition by partition, item by item (a partition holds fewer than this).
KEY_SPAN = 1_000_000

EXTRACTED = pa.schema([
    ("order", pa.int64()), ("key", pa.string()), ("source", pa.string()), ("url", pa.string()),
    ("canonical_url", pa.string()), ("outlet", pa.string()), ("outlet_domain", pa.string()),
    ("title", pa.string()), ("author", pa.string()), ("published", pa.string()), ("language", pa.string()),
    ("raw_text", pa.string()), ("text", pa.string()), ("content_hash", pa.string()), ("fetched", pa.string()),
    ("lines", pa.list_(pa.string())), ("sentences", pa.list_(pa.bool_())),
])
FAILURES = pa.schema([("source", pa.string()), ("error", pa.string())])
ENRICHED_EXTRA = [
    ("summary", pa.string()),  # JSON: {"sentences": [{"text", "position"}], "method", "language", "note"}
    ("entities", pa.string()),  # JSON: [[text, label, start], ...] from storyline.facts.find_entities
    ("entity_model", pa.string()),
    ("bands", pa.list_(pa.string())),  # MinHash LSH band keys (storyline.dedupe)
    ("terms", pa.string()),  # JSON: {"tf": {...}, "names": [...]} (storyline.cluster.features)
    ("not_article", pa.string()),
    ("day", pa.float64()),
]
ARTICLES = pa.schema([f for f in EXTRACTED if f.name not in ("lines", "sentences")]
                     + [pa.field(n, t) for n, t in ENRICHED_EXTRA])


def key_of(order: int) -> str:
    return f"a{order}"


def article_from_item(item: RawItem) -> Article:
    """The article of one raw item, made as `storyline add` makes it; a crawled
    page keeps the time it was crawled (WARC-Date) as the time it was fetched."""
    if item.record is not None:
        article = article_from_record(item.record, item.source)
    else:
        article = article_from_bytes(item.body or b"", item.kind, url=item.url, source=item.source,
                                     outlet_hint=item.outlet, charset=item.charset)
    if item.fetched:
        article.fetched = item.fetched
    return article


def extract_part(folder: str, chunk: Chunk, max_bytes: int) -> dict:
    """Read one input partition and extract its articles into extracted/ and
    its failures into failures/. Returns counts."""
    results = Results(folder)
    rows, failures = [], []
    position = 0
    for item in read_chunk(chunk, max_bytes):
        if isinstance(item, Failure):
            failures.append({"source": item_label(item.source), "error": one_line(item.error, MAX_REASON_CHARS)})
            continue
        order = chunk.index * KEY_SPAN + position
        position += 1
        try:
            article = article_from_item(item)
            make_printable(article)
            rows.append(_extracted_row(order, article))
        except Exception as exc:  # hostile input: this item fails, the partition goes on
            failures.append({"source": item_label(item.source), "error": failure_reason(exc)})
    results.write("failures", chunk.index, pa.Table.from_pylist(failures, schema=FAILURES))
    results.write("extracted", chunk.index, pa.Table.from_pylist(rows, schema=EXTRACTED))
    return {"articles": len(rows), "failed": len(failures)}


def _extracted_row(order: int, article: Article) -> dict:
    stats = chrome.line_stats(article.raw_text)
    return {
        "order": order, "key": key_of(order), "source": article.source, "url": article.url,
        "canonical_url": article.canonical_url, "outlet": article.outlet,
        "outlet_domain": domain(article.canonical_url), "title": article.title, "author": article.author,
        "published": article.published, "language": article.language, "raw_text": article.raw_text,
        "text": article.text, "content_hash": article.content_hash, "fetched": article.fetched,
        "lines": [s.fingerprint for s in stats], "sentences": [s.sentence for s in stats],
    }


def enrich_part(folder: str, index: int, duplicates: frozenset[int], chrome_of: dict[str, frozenset[str]],
                entities: bool = True) -> dict:
    """Clean, summarize, recognize and fingerprint one extracted partition's
    articles, leaving out the exact duplicates of earlier ones."""
    import pyarrow.parquet as pq

    results = Results(folder)
    table = pq.read_table(results.part("extracted", index))
    rows, failures = [], []
    for row in table.to_pylist():
        if row["order"] in duplicates:
            continue
        try:
            rows.append(_enriched(row, chrome_of.get(row["outlet"], frozenset())))
        except Exception as exc:  # one article's failure, recorded; the rest goes on
            failures.append({"source": item_label(row["source"] or row["key"]), "error": failure_reason(exc)})
    if entities and rows:
        _recognize(rows)
    else:
        for row in rows:
            row["entities"], row["entity_model"] = None, None
    results.write("articles", index, pa.Table.from_pylist(rows, schema=ARTICLES))
    if failures:
        results.write("failures", KEY_SPAN + index, pa.Table.from_pylist(failures, schema=FAILURES))
    return {"articles": len(rows), "failed": len(failures)}


def _enriched(row: dict, outlet_chrome: frozenset[str]) -> dict:
    learned = outlet_chrome.intersection(row.pop("lines"))
    row.pop("sentences")
    # What Store.reclean leaves once every article of the outlet is stored.
    text = chrome.clean(row["raw_text"], row["title"], learned)
    if text:
        row["text"] = text
    summary = summarize(row["text"], title=row["title"], language=row["language"])
    row["summary"] = json.dumps({"sentences": [{"text": s.text, "position": s.position} for s in summary.sentences],
                                 "method": summary.method, "language": summary.language, "note": summary.note},
                                ensure_ascii=False)
    row["bands"] = list(dedupe.fingerprint(row["text"]).bands)
    t, reason = features.article_terms(row["text"], row["title"])
    row["not_article"] = reason
    row["terms"] = None if reason else json.dumps({"tf": dict(t.tf), "names": sorted(t.names)}, ensure_ascii=False)
    row["day"] = features.day_number(row["published"] or row["fetched"])
    return row


def _recognize(rows: list[dict]) -> None:
    from storyline.facts import find_entities
    from storyline.facts.nlp import model_name

    model = model_name()
    for row, found in zip(rows, find_entities([r["text"] for r in rows])):
        row["entities"] = json.dumps([list(e) for e in found], ensure_ascii=False)
        row["entity_model"] = model
