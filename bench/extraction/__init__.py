"""Extraction benchmarks (ScrapingHub article-extraction-benchmark, trafilatura eval set). For tuning scripts:
``from bench.extraction import load_pages, score_outputs, run``."""
from .data import Page, load_anchor, load_pages
from .harness import Run, run
from .scoring import PageScore, Score, score_outputs, score_page
from .trafeval import Counts, EvalPage, load_eval_pages, score_eval

__all__ = ["Counts", "EvalPage", "Page", "PageScore", "Run", "Score", "load_anchor", "load_pages", "run", "score_outputs", "score_page",
           "load_eval_pages", "score_eval"]
