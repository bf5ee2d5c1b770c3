"""Direct quotes and who said them."""
from __future__ import annotations

import re
from collections.abc import Callable

from storyline.facts.names import TITLES, fold
from storyline.facts.sentences import paragraphs, sentences
from storyline.model import Quote

# Fewer words than this, or a lower-case start, is a scare quote or a quoted phrase.
MIN_QUOTE_WORDS = 4

SPEECH = r"(?:said|says|told|added|asked|explained|wrote|recalled|insisted|argued|warned|continued|noted)"
_NAME = r"(?:[A-Z][\w'’.\-]*\.?\s+){0,5}[A-Z][\w'’\-]+"
# “...,” Mayor Peter Haskins said / “...,” Whitlow told reporters
_NAME_THEN_VERB = re.compile(rf"^[\s,]*(?:[a-z’'-]+\s+){{0,3}}(?P<name>{_NAME})\s+{SPEECH}\b")
# “...,” said Dana Whitlock, the fire chief / said handler Marta Lindahl
_VERB_THEN_NAME = re.compile(rf"^[\s,]*{SPEECH}\s+(?:[a-z’'-]+\s+){{0,3}}(?P<name>{_NAME})")
_PRONOUN = re.compile(rf"^[\s,]*(?:he|she|they)\s+{SPEECH}\b")
# Whitlock said: “...” / Whitlock said, “...”
_BEFORE = re.compile(rf"(?P<name>{_NAME})(?:,[^.“”\"]*?,)?\s+{SPEECH}(?:\s+\w+)?\s*[:,]\s*$")
# A speaker earlier in the paragraph: "Luis Carranza, 29, said he smelled smoke."
_SUBJECT = re.compile(rf"(?P<name>{_NAME})(?:,[^.“”\"]*?)?,?\s+{SPEECH}\b")

_PAIRS = (re.compile(r"“([^“”]+)”"), re.compile(r'"([^"\n]+)"'))

Resolver = Callable[[str, object], "str | None"]


def find_quotes(text: str, article, resolve: Resolver | None = None) -> list[Quote]:
    """Quotes of one article. `resolve(name, article)` maps a name as written to
    the full name of a known person, or None when the name is not a person."""
    resolve = resolve or _plain_name
    quotes = []
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        spans = sentences(paragraph)
        paragraph_speaker = None
        pending = []  # quotes of this paragraph still without a speaker
        for q_start, q_end, quoted in _quoted(paragraph):
            if not _is_real_quote(quoted):
                continue
            sentence = next(((a, b) for a, b in spans if a <= q_start < b), (0, len(paragraph)))
            speaker = _attribution(paragraph, sentence, q_start, q_end, spans, article, resolve)
            speaker = speaker or paragraph_speaker
            if speaker:
                paragraph_speaker = speaker
                for quote in pending:
                    quote.speaker = speaker
                pending = []
            quote = Quote(text=quoted.strip().rstrip(","), speaker=speaker, article=article)
            if not speaker:
                pending.append(quote)
            quotes.append(quote)
    return quotes


def _quoted(paragraph: str):
    found = []
    for pattern in _PAIRS:
        for match in pattern.finditer(paragraph):
            found.append((match.start(), match.end(), match.group(1)))
    return sorted(found)


def _is_real_quote(quoted: str) -> bool:
    words = quoted.split()
    return len(words) >= MIN_QUOTE_WORDS and quoted.lstrip("‘'(…. ")[:1].isupper()


def _attribution(paragraph, sentence, q_start, q_end, spans, article, resolve) -> str | None:
    s_start, s_end = sentence
    after = paragraph[q_end:s_end]
    before = paragraph[s_start:q_start]
    for pattern, text in ((_NAME_THEN_VERB, after), (_VERB_THEN_NAME, after), (_BEFORE, before)):
        match = pattern.search(text)
        if match:
            name = _person(match.group("name"), article, resolve) or _plain_name(match.group("name"), article)
            if name:
                return name
    if _PRONOUN.match(after) or not after.strip(" ,.") and not before.strip():
        return _earlier_speaker(paragraph, s_start, spans, article, resolve)
    return None


def _earlier_speaker(paragraph, s_start, spans, article, resolve) -> str | None:
    """The person the paragraph has been talking about before the quote."""
    for a, b in reversed([span for span in spans if span[1] <= s_start]):
        sentence = re.sub(r"“[^”]*”|\"[^\"]*\"", "", paragraph[a:b])
        for match in _SUBJECT.finditer(sentence):
            name = _person(match.group("name"), article, resolve)
            if name:
                return name
        if resolve is not _plain_name:
            # "Mariners coach Rita Castellanos credited her team." then “...,” she said.
            for match in re.finditer(_NAME, sentence):
                name = _person(match.group(), article, resolve)
                if name:
                    return name
    return None


def _person(written: str, article, resolve: Resolver) -> str | None:
    """The longest tail of `written` that is a person: "Fire Chief Dana Whitlock"
    -> "Dana Whitlock"."""
    words = [w.rstrip(",") for w in written.split()]
    for start in range(len(words)):
        candidate = " ".join(words[start:])
        if fold(words[start]).replace(".", "") in TITLES and start < len(words) - 1:
            continue
        name = resolve(candidate, article)
        if name:
            return name
    return None


def _plain_name(name: str, article) -> str | None:
    """Without a list of people: anything that is not a title or a pronoun."""
    words = name.split()
    while len(words) > 1 and fold(words[0]).replace(".", "") in TITLES:
        words.pop(0)
    if fold(words[0]) in {"he", "she", "they", "it", "we", "i", "the", "a", "an", "in", "at"}:
        return None
    if all(fold(w).replace(".", "") in TITLES for w in words):
        return None
    return " ".join(words[-3:]) if len(words) > 3 else name
