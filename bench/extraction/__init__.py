"""Extraction benchmark (ScrapingHub article-extraction-benchmark). For tuning scripts:
``from bench.extraction import load_pages, score_outputs, run``."""
from .data import Page, load_anchor, load_pages
from .harness import Run, run
from .scoring import PageScore, Score, score_outputs, score_page

__all__ = ["Page", "PageScore", "Run", "Score", "load_anchor", "load_pages", "run", "score_outputs", "score_page"]
