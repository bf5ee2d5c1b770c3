"""Where a name sits in its text: the full extent of a span the recognizer cut
short, whether it is in a prose sentence or in a chrome-like line, and whether
it stands alone or is a piece of a longer capitalised run."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from storyline.extract.chrome import is_sentence, is_short
from storyline.facts.names import PLACE_WORDS, TITLES, fold
from storyline.facts.sentences import MONTHS_AND_DAYS

# Words a truncated span may grow by: "Brennan Ridge State" + "Forest".
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][\w’'&-]*)")
_HYPHENATED_REST = re.compile(r"-([A-Za-z][\w’']*)\b(?!-)")
_PREVIOUS_WORD = re.compile(r"([\w’'.&-]+)[ \t]+$")
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_ARTICLES = frozenset({"the", "a", "an"})
MAX_EXTENSION = 3  # words


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


class NameSpans:
    """The names found in one text, repaired and placed. `known` holds names the
    story uses elsewhere (any article); a span that is the start of one of them
    at its place in the text grows to it ("Carrow" before "Bay City Manager"
    becomes "Carrow Bay" when the story names "Carrow Bay")."""

    def __init__(self, text: str, starts: list[int], known: dict[str, list[str]],
                 dictionary: frozenset = frozenset()) -> None:
        self.text = text
        self._dictionary = dictionary
        self._starts = frozenset(starts)  # where the recognizer's names, dates and times begin
        self._known = known  # first word (folded) -> known full names
        self._lines = _line_spans(text)
        self._line_starts = [a for a, _, _ in self._lines]
        # With no sentence at all (a list, a table), every line counts as prose.
        self._any_prose = any(prose for _, _, prose in self._lines)

    def extend(self, start: int, end: int) -> Span:
        """The span grown to the full name it is the start of."""
        text = self.text
        rest = _HYPHENATED_REST.match(text, end)
        if rest and end > start and text[end - 1].isalpha() and self._name_piece(rest.group(1)):
            end = rest.end()  # "Kim Jong" + "-un", "Janelle Ortiz" + "-Crane"
        name = text[start:end]
        article = _LEADING_ARTICLE.match(name)
        begin = start + (article.end() if article else 0)  # "The Brennan Ridge State"
        words = text[begin:end].split()
        longest = end
        for known in self._known.get(fold(words[0]) if words else "", ()):
            stop = begin + len(known)
            if (stop > end and text.startswith(known, begin)
                    and (stop == len(text) or not text[stop].isalnum())):
                longest = max(longest, stop)
        if longest > end:
            return Span(text[start:longest], start, longest)
        if name.endswith((".", "’s", "'s")):
            return Span(name, start, end)  # "U.S." + "Defense", "Corvane's" + "Pipeline"
        # The capitalised words that follow, up to the last place word among
        # them: "Brennan Ridge State" + "Forest", but not "House" + "Minority
        # Leader" or "London" + "Sadiq".
        grown, at = end, end
        for _ in range(MAX_EXTENSION):
            match = _NEXT_WORD.match(text, at)
            if not match or match.start(1) in self._starts or not _may_continue(match.group(1)):
                break
            at = match.end(1)
            if fold(match.group(1)) in PLACE_WORDS:
                grown = at
        return Span(text[start:grown], start, grown)

    def in_prose(self, offset: int) -> bool:
        """False for a mention in a short line that is not a sentence (a menu,
        a teaser headline, a "Previous Article" label) when the text has prose."""
        if not self._any_prose:
            return True
        k = bisect_right(self._line_starts, offset) - 1
        return k < 0 or self._lines[k][2]

    def stands_alone(self, start: int, end: int) -> bool:
        """A name used on its own in a sentence ("the Pentagon said"), not at the
        start of a sentence or line, and not glued to other capitalised words
        ("Arts council director", "U.S. Defense Secretary")."""
        before = self.text[max(0, start - 40):start]
        if not before.strip() or re.search(r"(?:^|[.!?:;\"“”‘’(\n—–-])\s*$", before):
            return False
        previous = _PREVIOUS_WORD.search(before)
        if previous and previous.group(1)[:1].isupper() and previous.group(1).casefold() not in _ARTICLES:
            return False
        following = _NEXT_WORD.match(self.text, end)
        return not following

    def _name_piece(self, word: str) -> bool:
        """After a hyphen, the rest of a name ("-un", "-Crane"), not a compound
        ("-based", "-led")."""
        return word[0].isupper() or len(word) <= 2 or word.casefold() not in self._dictionary


def _may_continue(word: str) -> bool:
    """Can this capitalised word be part of the name before it? Not a title
    ("Chief"), a weekday or month ("Tuesday"), or an acronym ("AP")."""
    plain = fold(word).rstrip(".")
    return plain not in TITLES and plain not in MONTHS_AND_DAYS and not word.isupper()


def _line_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is prose) of every line: paragraphs split on blank lines, or
    on single newlines when the text has no blank line."""
    separator = r"\n\s*\n" if re.search(r"\n\s*\n", text.strip()) else r"\n"
    spans, start = [], 0
    for match in re.finditer(separator, text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    lines = []
    for a, b in spans:
        line = text[a:b]
        if line.strip():
            lines.append((a, b, is_sentence(line) or not is_short(line)))
    return lines
