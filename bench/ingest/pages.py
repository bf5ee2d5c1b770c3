"""The two page sets of the ingest bench, as (file name, page bytes, URL or None).

ScrapingHub: the 181 real news pages of the extraction bench, as fetched.
Multi-News: the dev stories' articles put into pages by our own small template
(title, paragraphs, a little site chrome), one outlet per article of a story,
so that every article has other coverage of its story to be placed and briefed
with. The texts are read from ../shared at run time, never kept here.
"""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

from bench.briefs.data import load as load_stories
from bench.extraction.data import load_pages

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
</head><body>
<header><a href="/">{outlet}</a><nav><a href="/news">News</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By Staff Reporter</p>
{paragraphs}
</article></main>
<footer><p>© {outlet}. All rights reserved.</p><a href="/about">About us</a> <a href="/contact">Contact</a></footer>
</body></html>
"""
FIRST_DAY = date(2026, 11, 1)
TITLE_WORDS = 12


def scrapinghub(shared: str | None = None, limit: int | None = None) -> list[tuple[str, bytes, str | None]]:
    return [(f"{page.id[:16]}.html", page.html, page.url or None) for page in load_pages(shared, limit)]


def multinews(shared: str | None = None, limit: int | None = None) -> list[tuple[str, bytes, str | None]]:
    """Every article of the first `limit` stories with two or more articles, story by story."""
    pages = []
    stories = [s for s in load_stories(shared) if len(s.documents) >= 2][:limit]
    for number, story in enumerate(stories):
        published = (FIRST_DAY + timedelta(days=number // 10)).isoformat()
        for k, document in enumerate(story.documents):
            page = render(document, outlet=f"Outlet {chr(ord('A') + k)} News", published=published)
            pages.append((f"{story.id}-{k}.html", page.encode("utf-8"), None))
    return pages


def render(document: str, *, outlet: str, published: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", document)]
    paragraphs = [p for p in paragraphs if p]
    words = paragraphs[0].split() if paragraphs else []
    title = " ".join(words[:TITLE_WORDS]).rstrip(",;:") if words else "Untitled"
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return TEMPLATE.format(title=html.escape(title), outlet=html.escape(outlet), published=published,
                           paragraphs=body)
