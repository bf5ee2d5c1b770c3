"""An allow-list HTML sanitizer over lxml, and safe URLs for links.

Whatever HTML the reader shows that did not come from its own templates
(article HTML from feeds, search snippets) goes through `sanitize_html`:
elements not on the list are unwrapped (their text kept) or, for script-like
ones, dropped with their content; attributes not on the list are dropped,
so no event handler (`onerror=`, `onclick=`...) or inline style survives;
link targets must be http(s), mailto or relative, so `javascript:`,
`data:` and `vbscript:` URLs go, however they are spelled.
"""
from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from lxml import etree, html as lxml_html

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
})
# Dropped together with everything inside them.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "svg", "math", "form", "input", "button", "select", "textarea", "link", "meta",
    "base", "head", "title", "audio", "video", "source", "track", "canvas", "portal", "noembed",
    "noframes", "xmp", "plaintext",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
}
URL_ATTRIBUTES = {"href", "cite"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def safe_url(url: str | None, *, relative: bool = True) -> str | None:
    """The URL if following it cannot run code: http(s), mailto or (if allowed)
    relative; None otherwise. Control characters and spaces that browsers
    ignore inside a scheme ("java\\tscript:") are taken out before checking."""
    if not url or not isinstance(url, str):
        return None
    compact = _CONTROL.sub("", url)
    try:
        parts = urlsplit(compact)
    except ValueError:
        return None
    if parts.scheme:
        return url.strip() if parts.scheme.lower() in SAFE_SCHEMES else None
    if ":" in compact.split("/", 1)[0] or compact.startswith("\\"):
        return None  # "javascript&colon;..." decoded oddly, or a scheme we could not parse
    return url.strip() if relative else None


def safe_http_url(url: str | None) -> str | None:
    """Only absolute http(s) URLs (links to an article's original)."""
    found = safe_url(url, relative=False)
    return found if found and urlsplit(_CONTROL.sub("", found)).scheme.lower() in ("http", "https") else None


def sanitize_html(fragment: str | None) -> str:
    """A fragment of untrusted HTML made inert: only allow-listed elements and
    attributes, safe URLs. Returns HTML text safe to insert into a page."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return escape(fragment)
    _clean(root)
    out = (root.text and escape(root.text)) or ""
    for child in root:
        out += lxml_html.tostring(child, encoding="unicode", method="html")
    return out


def _clean(root) -> None:
    # Comments and processing instructions first (conditional comments can hide markup).
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(node, keep_tail=True)
    for el in list(root.iterdescendants()):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in DROP_WITH_CONTENT:
            _remove(el, keep_tail=True)
            continue
        if tag not in ALLOWED_TAGS:
            if tag == "img" and el.get("alt"):
                el.tail = f"{el.get('alt')}{el.tail or ''}"
            el.drop_tag()  # keep the text, lose the element
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name in list(el.attrib):
            if name.lower() not in allowed:
                del el.attrib[name]
            elif name.lower() in URL_ATTRIBUTES:
                url = safe_url(el.attrib[name])
                if url is None:
                    del el.attrib[name]
                else:
                    el.attrib[name] = url
        if tag == "a" and el.get("href"):
            el.set("rel", "nofollow noopener noreferrer")


def _remove(node, keep_tail: bool) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail if keep_tail else None
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def marked_html(text: str | None) -> str:
    """Text whose highlights are wrapped in MARK_OPEN/MARK_CLOSE, as HTML with
    <mark> elements and everything else escaped."""
    if not text:
        return ""
    out, depth = [], 0
    for part in re.split(r"([\x02\x03])", text):
        if part == MARK_OPEN:
            if depth == 0:
                out.append("<mark>")
            depth += 1
        elif part == MARK_CLOSE:
            if depth == 1:
                out.append("</mark>")
            depth = max(0, depth - 1)
        else:
            out.append(escape(part, quote=False))
    if depth:
        out.append("</mark>")
    return "".join(out)


def unmarked(text: str | None) -> str:
    return (text or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def paragraphs_html(text: str | None) -> str:
    """Stored article text (paragraphs separated by blank lines) as escaped <p> elements."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(f"<p>{escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paras)
