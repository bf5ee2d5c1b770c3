"""Per-outlet learning as the store does it: for each page of an outlet, a fresh SQLite
file (in memory) learns from the outlet's other pages, then stores the page; its stored text is what
learning gives. Pages are extracted once, as a lone page would be."""
from __future__ import annotations

from dataclasses import dataclass

from storyline.extract import ExtractionError, extract_html
from storyline.model import Article, Extracted
from storyline.storage import Store


@dataclass
class Sample:
    key: str
    outlet: str
    truth: str
    extracted: Extracted | None  # None: extraction raised


def extract(key: str, outlet: str, html: bytes | str, truth: str, url: str | None = None) -> Sample:
    try:
        return Sample(key, outlet, truth, extract_html(html, url=url))
    except ExtractionError:
        return Sample(key, outlet, truth, None)


def _article(sample: Sample) -> Article:
    ex = sample.extracted
    return Article(url=f"https://{sample.outlet}/{sample.key}", title=ex.title or sample.key,
                   text=ex.text, raw_text=ex.raw_text or ex.text, outlet=sample.outlet,
                   content_hash=sample.key)


def learned_texts(samples: list[Sample]) -> dict[str, str]:
    """{key: stored text} with each page stored after the other pages of its outlet."""
    by_outlet: dict[str, list[Sample]] = {}
    for s in samples:
        by_outlet.setdefault(s.outlet, []).append(s)
    out: dict[str, str] = {}
    for group in by_outlet.values():
        for target in group:
            if target.extracted is None:
                out[target.key] = ""
                continue
            with Store(":memory:") as store:
                for other in group:
                    if other is not target and other.extracted is not None:
                        store.insert_article(_article(other))
                article_id = store.insert_article(_article(target))
                out[target.key] = store.get_article(article_id)["text"]
    return out
