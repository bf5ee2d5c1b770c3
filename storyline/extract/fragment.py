"""Text of an HTML fragment, such as a feed item's content."""
from __future__ import annotations

import re

from lxml import html as lxml_html

from storyline.extract import chrome
from storyline.extract.decode import printable

_BLOCKS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
           "pre", "dd", "dt", "dl", "tr", "table", "figure", "figcaption", "section", "article",
           "header", "footer", "br", "hr")
_SKIP = ("script", "style", "noscript", "iframe", "form", "nav", "button", "svg", "template")
_BREAK = "\u2029"  # paragraph separator: never in normal text, marks block edges


def fragment_text(fragment: str) -> str:
    """Paragraphs of a fragment, separated by blank lines."""
    if not fragment or not fragment.strip():
        return ""
    fragment = printable(fragment)  # lxml refuses control characters
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # hopeless markup: fall back to its characters
        return chrome.join(chrome.paragraphs(re.sub(r"<[^>]+>", " ", fragment)))
    for bad in list(root.iter(*_SKIP)):
        bad.drop_tree()
    for block in list(root.iter(*_BLOCKS)):
        block.text = _BREAK + (block.text or "")
        block.tail = _BREAK + (block.tail or "")
    paras = (" ".join(p.split()) for p in root.text_content().split(_BREAK))
    return chrome.join(p for p in paras if p)
