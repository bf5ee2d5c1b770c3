"""Main text and metadata of a web page, with trafilatura."""
from __future__ import annotations

import re
import unicodedata

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from storyline.extract import chrome
from storyline.extract.decode import decode, printable
from storyline.extract.language import detect, normalize_tag
from storyline.extract.limits import bounded_markup
from storyline.extract.words import count_words
from storyline.model import Extracted


class ExtractionError(Exception):
    """A readable reason why a document gave no article."""


# Fewer words than this after cleaning is a menu or a stub, not an article.
MIN_WORDS = 5
# A fast extraction holding less than this share of the page's text is
# redone with trafilatura's full cascade (bench/extraction: 3% of pages).
THIN_SHARE = 0.1
# Upper bound of the page's visible text (scripts included), computed in C.
_BODY_TEXT_LENGTH = etree.XPath("string-length(normalize-space(//body))")

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "dc.date.issued",
    "date",
)


def _meta(tree, names: tuple[str, ...]) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and found[0].strip():
                return found[0].strip()
    return None


# The options trafilatura itself parses with.
_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                           collect_ids=False, default_doctype=False)


# Repairs trafilatura's loader makes before libxml2 sees a page (its
# utils.repair_faulty_html), tolerant of spacing: a self-closing <html .../>
# leaves the whole page outside the root, so no text; a doctype written
# "< !DOCTYPE" is read as text. The doctype carries nothing we use, so a
# leading one goes whatever its shape.
_LEADING_DOCTYPE = re.compile(r"^\s*<\s*!\s*doctype[^>]*>", re.I)
_SELF_CLOSING_HTML = re.compile(r"<html\b([^<>]*?)\s*/\s*>", re.I)
_REPAIR_WINDOW = 4096


def repair_html(text: str) -> str:
    """``text`` without the control characters libxml2 refuses, a leading
    doctype, or a self-closing html start tag."""
    text = _LEADING_DOCTYPE.sub("", printable(text), count=1)
    head = text[:_REPAIR_WINDOW]
    fixed = _SELF_CLOSING_HTML.sub(r"<html\1>", head, count=1)
    return text if fixed == head else fixed + text[_REPAIR_WINDOW:]


def parse_tree(html: str | bytes, charset: str | None = None):
    text = bounded_markup(repair_html(decode(html, charset) if isinstance(html, bytes) else html))
    if "<" not in text[:5000]:
        raise ExtractionError("not an HTML document")
    try:
        tree = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except Exception as exc:  # lxml raises several types for hopeless input
        raise ExtractionError(f"cannot parse HTML: {exc}") from None
    if tree is None:
        raise ExtractionError("not an HTML document")
    return tree


def extract_html(html: str | bytes, url: str | None = None, charset: str | None = None) -> Extracted:
    """Extract one page. Only structural chrome cleaning happens here; learned
    chrome needs the outlet's other pages and is applied by the caller."""
    tree = parse_tree(html, charset)
    # Read what trafilatura does not report before it prunes the tree.
    declared_date = _meta(tree, _PUBLISHED_META)
    root_lang = _language_hint(tree)
    # fast (no fallback extractors) + favor_recall: the best F1 and speed on
    # the extraction benchmarks (bench/extraction); a thin result gets the full cascade.
    doc = _trafilatura(tree, url, fast=True, favor_recall=True, with_metadata=True)
    text_found = doc.text if doc is not None else None
    if _thin(text_found, tree):
        fuller = _trafilatura(tree, url, fast=False, favor_recall=False, with_metadata=doc is None)
        if fuller is not None and (fuller.text or "").strip():
            if doc is None:
                doc = fuller
            else:
                doc.text = fuller.text
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no article text found on the page")
    doc.title = _composed(doc.title)
    raw = chrome.join(chrome.paragraphs(_composed(doc.text)))
    text = chrome.clean(raw, doc.title)
    if count_words(text) < MIN_WORDS:
        raise ExtractionError("the page holds only navigation and site chrome, no article text")
    # trafilatura gives a bare date; keep the page's full timestamp when they agree.
    published = doc.date or declared_date
    if declared_date and doc.date and declared_date.startswith(doc.date):
        published = declared_date
    return Extracted(
        text=text,
        raw_text=raw,
        title=(doc.title or "").strip() or None,
        author=(doc.author or "").strip() or None,
        published=published,
        site_name=(doc.sitename or "").strip() or None,
        language=root_lang or detect(text),
        url=doc.url or url,
    )


def _trafilatura(tree, url: str | None, **options):
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            # Pages that declare their date are read above; skip htmldate's slow deep search.
            date_extraction_params={"original_date": True, "extensive_search": False},
            **options,
        )
    except Exception as exc:  # a third-party failure on one hostile page is that page's error
        raise ExtractionError(f"cannot extract the page: {type(exc).__name__}: {exc}") from None


def _composed(text: str | None) -> str | None:
    """NFC, the form the web and search expect: "ü" written as u + combining
    diaeresis on some pages would otherwise not match "ü" typed elsewhere."""
    if not text or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _thin(text: str | None, tree) -> bool:
    """Whether the fast extraction holds too little of the page's text to be
    its article: an intro or a teaser above a paywall, where the full cascade
    (trafilatura's comparison with readability and jusText) finds the body.
    The page's text is measured as trafilatura measures it for its own recall
    retry (html2txt), and only when a cheap upper bound leaves the question open."""
    if not text or not text.strip():
        return True
    threshold = len(text) / THIN_SHARE
    if _BODY_TEXT_LENGTH(tree) <= threshold:
        return False
    return len(trafilatura.html2txt(tree)) > threshold


def _language_hint(tree) -> str | None:
    root = tree.getroottree().getroot()
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    return normalize_tag(declared) or normalize_tag(
        _meta(tree, ("og:locale", "language", "content-language"))
    )
