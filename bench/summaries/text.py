"""Sentence and word helpers shared by every row of the benchmark (punkt, offline)."""
from __future__ import annotations

import re
from functools import lru_cache

import punkt
from nltk.tokenize import NLTKWordTokenizer

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@lru_cache(maxsize=None)
def _punkt(language: str = "english") -> punkt.PunktSentenceTokenizer:
    return punkt.PunktSentenceTokenizer(punkt.load_model(language))


def sentences(text: str, language: str = "english") -> list[str]:
    """Punkt sentences of ``text``."""
    return [s.strip() for s in _punkt(language).tokenize(text) if s.strip()]


def split_reference(text: str) -> list[str]:
    """Reference highlights / tokenized system outputs: sentences are separated by " . " or newlines."""
    parts = re.split(r"\n+| \. ", text.strip())
    return [p.strip() for p in parts if p.strip()]


def count_words(text: str) -> int:
    """Words, not punctuation tokens (so tokenized outputs like "it 's ." count like plain text)."""
    return len(_WORD.findall(text))


def cut_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` (original spacing and punctuation kept)."""
    end = 0
    for i, m in enumerate(_WORD.finditer(text)):
        if i == n:
            break
        end = m.end()
    return text[:end]


class SumyTokenizer:
    """Punkt-backed tokenizer object for sumy (its own Tokenizer needs NLTK data downloads)."""

    _SUMY_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$")  # sumy's own word filter

    def __init__(self, language: str = "english"):
        self.language = language
        self._words = NLTKWordTokenizer()

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(sentences(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(w for w in self._words.tokenize(sentence) if self._SUMY_WORD.search(w))
