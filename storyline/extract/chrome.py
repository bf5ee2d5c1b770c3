"""Remove site chrome that survives main-text extraction.

Two kinds of evidence, no phrase lists:

* Structure, for any single page or file: runs of short lines that are not
  sentences ("Share on X", "Previous Article", teaser headlines) at the very
  start or end of the text.
* Repetition, learned from what is stored: a short line that one outlet
  repeats across several of its pages, or a navigation-like line that several
  outlets share. Repetition is counted per page, so a sentence that appears
  twice inside one article is not evidence of anything.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Lines longer than this are body text even when repeated.
MAX_CHROME_WORDS = 30
# Non-sentence lines up to this long at the edges of a text are chrome.
EDGE_WORDS = 12
# A learned rule may not eat more than this share of an article: if it would,
# the "repetition" is more likely a re-post of the same article.
MAX_LEARNED_SHARE = 0.4

# Outlet pages needed before a repeated line counts as that outlet's chrome.
PAGES_FOR_NONSENTENCE = 2
PAGES_FOR_SENTENCE = 3
# Outlets sharing a non-sentence line before it counts as chrome everywhere.
OUTLETS_FOR_SHARED = 3

_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*$""")
_DIGITS = re.compile(r"\d+")
_NON_WORD_EDGES = re.compile(r"^\W+|\W+$")
_SPACES = re.compile(r"\s+")


def paragraphs(text: str) -> list[str]:
    """Split on blank lines, or on single newlines when a text has no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text) if "\n\n" in text.strip() else text.split("\n")
    return [_SPACES.sub(" ", b).strip() for b in blocks if b.strip()]


def join(paras: Iterable[str]) -> str:
    return "\n\n".join(paras)


def fingerprint(line: str) -> str:
    """Identity of a line up to case, numbers, spacing and edge punctuation."""
    norm = _SPACES.sub(" ", _NON_WORD_EDGES.sub("", _DIGITS.sub("0", line.lower()))).strip()
    return hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()


def is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line.strip())) and len(line.split()) >= 3


def is_short(line: str) -> bool:
    return len(line.split()) <= MAX_CHROME_WORDS


@dataclass(frozen=True)
class LineStat:
    """One distinct short line of a page, as learning records it."""

    fingerprint: str
    sentence: bool
    sample: str


def line_stats(text: str) -> list[LineStat]:
    """The distinct short lines of a page: what repetition learning counts."""
    seen: dict[str, LineStat] = {}
    for para in paragraphs(text):
        if is_short(para):
            fp = fingerprint(para)
            seen.setdefault(fp, LineStat(fp, is_sentence(para), para[:200]))
    return list(seen.values())


def is_learned_chrome(sentence: bool, outlet_pages: int, outlets: int) -> bool:
    """The rule that turns repetition counts into a verdict."""
    if not sentence and outlets >= OUTLETS_FOR_SHARED:
        return True
    needed = PAGES_FOR_SENTENCE if sentence else PAGES_FOR_NONSENTENCE
    return outlet_pages >= needed


def strip_structural(paras: list[str], title: str | None = None) -> list[str]:
    """Drop the headline repeated as a first line, and the runs of short
    non-sentence lines (menus, share bars, prev/next links, teaser headlines)
    at the very start and end. Lines between sentences are left alone: lists,
    subheadings and tables there are part of the article."""
    headline = fingerprint(title) if title else None
    start, end = 0, len(paras)
    while start < end and (_edge_chrome(paras[start]) or fingerprint(paras[start]) == headline):
        start += 1
    while end > start and _edge_chrome(paras[end - 1]):
        end -= 1
    kept = paras[start:end]
    # Mostly short lines (a table of scores, a list): keep it whole.
    if sum(len(p.split()) for p in kept) * 2 < sum(len(p.split()) for p in paras):
        return paras
    return kept


def _edge_chrome(line: str) -> bool:
    return not is_sentence(line) and len(line.split()) <= EDGE_WORDS


def remove_learned(paras: list[str], chrome: set[str] | frozenset[str]) -> list[str]:
    if not chrome:
        return paras
    kept = [p for p in paras if not (is_short(p) and fingerprint(p) in chrome)]
    total = sum(len(p.split()) for p in paras)
    removed = total - sum(len(p.split()) for p in kept)
    if total and removed / total > MAX_LEARNED_SHARE:
        return paras
    return kept


def clean(raw_text: str, title: str | None = None, chrome: set[str] | frozenset[str] = frozenset()) -> str:
    """Chrome-free text: learned lines first, then structure."""
    paras = remove_learned(paragraphs(raw_text), chrome)
    return join(strip_structural(paras, title))
