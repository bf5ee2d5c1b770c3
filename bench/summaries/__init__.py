"""Summarization benchmark: storyline vs lead, sumy and stored published systems (ROUGE)."""
from .baselines import lead, lead_words, sumy_summarizer
from .data import load
from .scoring import Score, score_system
from .text import count_words, cut_words, sentences, split_reference

__all__ = ["Score", "count_words", "cut_words", "lead", "lead_words", "load", "score_system",
           "sentences", "split_reference", "sumy_summarizer"]
