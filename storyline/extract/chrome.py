"""Remove site chrome that survives main-text extraction.

Two kinds of evidence, no phrase lists:

* Structure, for any single page or file: the furniture at the very start or
  end of the text, however long its lines: short non-sentence lines ("Share on
  X", "Previous Article", prompts) and the headline-like lines a navigation
  label owns (the teaser after "Next Article"). Tables, code, a list a line
  ending in ":" introduces, and a closing URL the last sentence leads to stay.
* Repetition, learned from what is stored: a short line that one outlet
  repeats across several of its pages, or a navigation-like line that several
  outlets share; a learned label also takes the teaser headlines under it,
  which differ on every page. Repetition is counted per page, so a sentence
  that appears twice inside one article is not evidence of anything.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.extract.words import count_words, ends_sentence

# Lines longer than this are body text even when repeated.
MAX_CHROME_WORDS = 30
# Non-sentence lines up to this long at the edges of a text are chrome.
EDGE_WORDS = 12
# A navigation label ("Next Article") is at most this long.
LABEL_WORDS = 5
# A teaser headline is at most this long, and one sentence.
HEADLINE_WORDS = 20
# A learned rule may not eat more than this share of an article: if it would,
# the "repetition" is more likely a re-post of the same article.
MAX_LEARNED_SHARE = 0.4

# Outlet pages needed before a repeated line counts as that outlet's chrome.
PAGES_FOR_NONSENTENCE = 2
PAGES_FOR_SENTENCE = 3
# Outlets sharing a non-sentence line before it counts as chrome everywhere.
OUTLETS_FOR_SHARED = 3

_DIGITS = re.compile(r"\d+")
_NON_WORD_EDGES = re.compile(r"^\W+|\W+$")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


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
    return ends_sentence(line) and count_words(line) >= 3


def is_short(line: str) -> bool:
    return count_words(line) <= MAX_CHROME_WORDS


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
        if is_short(para) and _LETTER.search(para):
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
    """Drop the headline repeated as a first line, and the furniture at the very
    start and end: short non-sentence lines (menus, share bars, prompts,
    "Previous Article") and the longer headline-like lines a navigation label
    owns (the teaser after "Next Article"). Tables, code and a list introduced
    by a line ending in ":" stop the cut: they are content. Lines between
    sentences are left alone: lists, subheadings and tables there are part of
    the article."""
    headline = fingerprint(title) if title else None
    start, end = 0, len(paras)
    while start < end and fingerprint(paras[start]) == headline:
        start += 1
    start = _edge_cut(paras, start, end, +1)
    end = _edge_cut(paras, end - 1, start - 1, -1) + 1
    start, end = _keep_introduced_lists(paras, start, end)
    kept = paras[start:end]
    # Mostly short lines (a table of scores, a list): keep it whole.
    if sum(count_words(p) for p in kept) * 2 < sum(count_words(p) for p in paras):
        return paras
    return kept


def _edge_cut(paras: list[str], i: int, stop: int, step: int) -> int:
    """Walk from an edge inward over furniture: the index where the kept text
    begins (walking forward) or ends (walking backward)."""
    while i != stop:
        line = paras[i]
        if _is_content_shaped(line) or not (_edge_chrome(line) or _owned_by_label(paras, i)):
            return i
        if step < 0 and _URL.match(line) and i > 0 and _leads_on(paras[i - 1]):
            return i  # a closing link the last sentence leads to
        i += step
    return i


def _keep_introduced_lists(paras: list[str], start: int, end: int) -> tuple[int, int]:
    """A line ending in ":" followed by list items (a recipe's ingredients, a
    CV's dates) is content, however short its lines: give it back."""
    for i in range(start):
        if _list_length(paras, i):
            start = i
            break
    for i in range(len(paras) - 1, end - 1, -1):
        if (n := _list_length(paras, i)):
            end = max(end, i + 1 + n)
            break
    return start, end


def _list_length(paras: list[str], i: int) -> int:
    """How many list items follow the introduction at i (0: it introduces none)."""
    if not paras[i].rstrip().endswith(":"):
        return 0
    n = 0
    while i + 1 + n < len(paras) and _LIST_ITEM.match(paras[i + 1 + n]):
        n += 1
    return n if n >= 2 else 0


def _owned_by_label(paras: list[str], i: int) -> bool:
    """A headline-like line (no sentence end) right after a navigation label."""
    line = paras[i]
    if i == 0 or is_sentence(line) or count_words(line) > HEADLINE_WORDS or _INNER_STOP.search(line):
        return False
    label = paras[i - 1]
    return not is_sentence(label) and count_words(label) <= LABEL_WORDS and not label.rstrip().endswith(":")


_INNER_STOP = re.compile(r"[.!?]\s+\w")
_LIST_ITEM = re.compile(r"^([-•*–·▪►]|\d+[.)]?\s)")
_URL = re.compile(r"^(https?://|www\.)\S+$")
_TABLE_ROW = re.compile(r"^\|.*\|$")
# Code and shell: a brace or semicolon at the end, a prompt, an assignment, a call,
# a tag, a keyword, a command-line option.
_CODE = re.compile(r"[{};]\s*$|^\s*[#$>]\s|\w=\S|\(\)|=>|</?\w+>|^\s*(def|import|return|var|let|const)\s"
                   r"|\s--?[a-zA-Z][\w-]*(\s|$)")


def _leads_on(line: str) -> bool:
    """A sentence, or an introduction ending in ":", that what follows belongs to."""
    return is_sentence(line) or line.rstrip().endswith(":")


def _is_content_shaped(line: str) -> bool:
    return bool(_TABLE_ROW.match(line) or _CODE.search(line))


def _edge_chrome(line: str) -> bool:
    return not is_sentence(line) and count_words(line) <= EDGE_WORDS


def remove_learned(paras: list[str], chrome: set[str] | frozenset[str]) -> list[str]:
    """Drop the outlet's learned template lines, and the teaser headlines a
    learned label owns ("Read next", "DON'T MISS": the label recurs across the
    outlet's pages, the headlines after it differ on each)."""
    if not chrome:
        return paras
    learned = [is_short(p) and fingerprint(p) in chrome for p in paras]
    drop = list(learned)
    for i, p in enumerate(paras):
        if learned[i] and not is_sentence(p):
            j = i + 1
            while j < len(paras) and not learned[j] and _is_teaser_headline(paras[j]):
                drop[j] = True
                j += 1
    kept = [p for p, d in zip(paras, drop) if not d]
    total = sum(count_words(p) for p in paras)
    removed = total - sum(count_words(p) for p in kept)
    if total and removed / total > MAX_LEARNED_SHARE:
        return paras
    return kept


def _is_teaser_headline(line: str) -> bool:
    return (not is_sentence(line) and count_words(line) <= HEADLINE_WORDS
            and not _INNER_STOP.search(line) and not _is_content_shaped(line))


def clean(raw_text: str, title: str | None = None, chrome: set[str] | frozenset[str] = frozenset()) -> str:
    """Chrome-free text: learned lines first, then structure."""
    paras = remove_learned(paragraphs(raw_text), chrome)
    return join(strip_structural(paras, title))
