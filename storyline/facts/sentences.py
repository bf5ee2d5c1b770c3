"""Paragraphs and sentences of an article, as character spans, without a parser."""
from __future__ import annotations

import re

# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st lt sgt capt col gen gov sen rep rev jr sr prof inc co corp ltd no vs "
    "jan feb mar apr aug sept sep oct nov dec mt ft ave blvd u.s a.m p.m".split())
MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split())

_BOUNDARY = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"\n\s*\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; paragraphs never share a sentence."""
    end = len(text) if end is None else end
    spans = []
    for p_start, p_end in paragraphs(text[start:end]):
        p_start += start
        p_end += start
        s_start = p_start
        for match in _BOUNDARY.finditer(text, p_start, p_end):
            if _is_abbreviation(text, match.start(), match.end()):
                continue
            spans.append((s_start, match.end()))
            s_start = match.end()
        spans.append((s_start, p_end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _is_abbreviation(text: str, dot: int, next_start: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"[\w.]*$", text[max(0, dot - 12):dot]).group().lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "John F. Kennedy"
    if word in ("a.m", "p.m"):
        # "at 9 a.m. Residents ..." ends a sentence; "3 a.m. Tuesday" does not.
        following = re.match(r"\w+", text[next_start:])
        return bool(following) and following.group().lower() in MONTHS_AND_DAYS
    return word in ABBREVIATIONS
