"""Extractive baselines: lead sentences, lead cut at N words, sumy's graph/LSA/frequency methods."""
from __future__ import annotations

import numpy
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from .text import SumyTokenizer, cut_words, sentences

SUMY = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "LSA": LsaSummarizer, "Luhn": LuhnSummarizer}


def lead(text: str, k: int = 3) -> list[str]:
    return sentences(text)[:k]


def lead_words(text: str, n: int) -> list[str]:
    return sentences(cut_words(text, n))


def sumy_summarizer(name: str, language: str = "english"):
    """A callable text -> sentences for sumy method ``name``."""
    summarizer = SUMY[name](Stemmer(language))
    summarizer.stop_words = get_stop_words(language)
    tokenizer = SumyTokenizer(language)

    def run(text: str, k: int = 3) -> list[str]:
        doc = PlaintextParser.from_string(text, tokenizer).document
        with numpy.errstate(divide="ignore", invalid="ignore"):  # LexRank on one-sentence inputs
            return [str(s) for s in summarizer(doc, k)]

    return run
