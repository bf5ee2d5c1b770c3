"""Small article pages and feeds for tests, written for the tests."""
from __future__ import annotations

from html import escape

CHROME_TOP = ["Home", "World", "Business", "No time to read? Get a summary", "Share on X", "Share by email"]
CHROME_BOTTOM = [
    "Sign up for the Lakeside Morning Briefing, delivered before breakfast.",
    "Previous Article",
    "Next Article",
]


def article_html(title: str, paragraphs: list[str], *, outlet: str = "Lakeside Gazette",
                 url: str = "https://lakeside.example/news/story", author: str = "Mira Holt",
                 published: str = "2026-11-18T09:30:00Z", teasers: list[str] = (),
                 chrome: bool = True, lang: str = "en", charset: str = "utf-8") -> str:
    top = "".join(f"<p class='tool'>{escape(t)}</p>" for t in CHROME_TOP) if chrome else ""
    bottom = "".join(f"<p class='tool'>{escape(t)}</p>" for t in CHROME_BOTTOM) if chrome else ""
    more = "".join(f"<p><a href='/other/{i}'>{escape(t)}</a></p>" for i, t in enumerate(teasers))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>{escape(title)} | {escape(outlet)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(outlet)}">
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{url}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{escape(title)}</h1>{top}{body}{bottom}{more}</article>
<footer>Copyright 2026 {escape(outlet)}. All rights reserved.</footer>
</body></html>"""


def story_paragraphs(topic: str, n: int = 5) -> list[str]:
    """Distinct, sentence-like paragraphs about a topic."""
    return [
        f"Paragraph {i} about {topic}: officials in the district confirmed on Tuesday that the "
        f"work on {topic} would continue through the winter, and residents were told to expect "
        f"changes to their routines for at least {i + 2} weeks."
        for i in range(n)
    ]


def rss(items: list[dict], title: str = "Lakeside Gazette") -> str:
    entries = []
    for it in items:
        content = (f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>"
                   if it.get("content") else "")
        entries.append(
            f"<item><title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
            f"<guid>{escape(it['link'])}</guid><pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate>"
            f"<description>{escape(it.get('summary', 'A short teaser.'))}</description>{content}</item>"
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{escape(title)}</title><link>https://lakeside.example/</link>
<description>News</description>{''.join(entries)}</channel></rss>"""
