"""How much one article may bring. Memory and time of extraction, near-copy
shingles, clustering terms and the search index grow with the text and the
markup, so past these limits an item is refused with a readable reason before
the costly steps run. No news article comes near them."""
from __future__ import annotations

import re

from storyline.extract.words import more_words_than

MAX_ARTICLE_WORDS = 50_000
# Markup handed to the extractor, once scripts, styles and comments are dropped
# (they are most of a heavy page's bytes and none of its article).
MAX_MARKUP_CHARS = 4 * 1024 * 1024

_OPENERS = re.compile(r"<(script|style|noscript|template|svg)\b|<!--", re.I)


def _refuse(message: str) -> Exception:
    from storyline.extract.html import ExtractionError  # html.py imports this module
    return ExtractionError(message)


def check_words(text: str) -> None:
    if more_words_than(text, MAX_ARTICLE_WORDS):
        raise _refuse(f"the text has more than {MAX_ARTICLE_WORDS:,} words, more than an article may "
                      "have (a book, a log or a generated page, not news)")


def bounded_markup(html: str) -> str:
    """The page itself when small; else without its scripts, styles and comments
    (one linear pass, whatever the nesting or unclosed tags), refused if still too big."""
    if len(html) <= MAX_MARKUP_CHARS:
        return html
    lowered = html.lower()
    kept, position = [], 0
    for match in _OPENERS.finditer(html):
        if match.start() < position:
            continue
        kept.append(html[position:match.start()])
        closer = "-->" if match.group(0) == "<!--" else f"</{match.group(1).lower()}"
        end = lowered.find(closer, match.end())
        position = len(html) if end < 0 else (html.find(">", end) + 1 or len(html))
    kept.append(html[position:])
    stripped = "".join(kept)
    if len(stripped) > MAX_MARKUP_CHARS:
        raise _refuse(f"the page has {len(stripped) / 2**20:.1f} MB of markup besides its scripts and "
                      f"styles, more than the {MAX_MARKUP_CHARS / 2**20:.0f} MB an article page may have")
    return stripped
