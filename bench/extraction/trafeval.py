"""trafilatura's own evaluation set and its snippet metric, re-implemented.

The set (``$STORYLINE_SHARED/data/extraction/trafilatura-eval``): ``evaldata.json`` maps a
page's URL to ``{"file", "with", "without"}``, up to 6 snippets each that must / must not
appear in the main text; ``html/<file>.gz`` holds the pages (990 annotated, many languages).

The metric, as in trafilatura's ``tests/eval_common.py``: whitespace is collapsed in the
output and in each snippet; a "with" snippet found is a true positive, missing a false
negative; a "without" snippet absent is a true negative, present a false positive. An empty
output (or an extractor that raises) finds no snippet: every "with" is missed and every
"without" absent. Precision, recall, accuracy and F1 come from the summed counts.
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .data import Page, shared_root

SUBDIR = Path("data") / "extraction" / "trafilatura-eval"
_SPACES = re.compile(r"\s+")


@dataclass
class EvalPage(Page):
    must: tuple[str, ...] = ()      # "with" snippets
    must_not: tuple[str, ...] = ()  # "without" snippets


def load_eval_pages(shared: str | Path | None = None, limit: int | None = None) -> list[EvalPage]:
    """Annotated pages in evaldata.json order; ``limit`` keeps the first N."""
    root = shared_root(shared) / SUBDIR
    with (root / "evaldata.json").open(encoding="utf-8") as f:
        items = json.load(f)
    pages = []
    for url, item in items.items():
        with gzip.open(root / "html" / f"{item['file']}.gz", "rb") as f:
            html = f.read()
        pages.append(EvalPage(item["file"], url, html, "", tuple(item["with"]), tuple(item["without"])))
        if limit and len(pages) >= limit:
            break
    return pages


def norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


def count_page(page: EvalPage, output: str | None) -> Counts:
    text = norm(output or "")
    tp = sum(1 for s in page.must if norm(s) in text) if text else 0
    fp = sum(1 for s in page.must_not if norm(s) in text) if text else 0
    return Counts(tp, fp, len(page.must) - tp, len(page.must_not) - fp)


def score_eval(pages: list[EvalPage], outputs: dict[str, str | None]) -> tuple[Counts, dict[str, Counts]]:
    """Summed counts over ``pages`` and each page's own; a missing output counts as empty."""
    total, per_page = Counts(), {}
    for page in pages:
        per_page[page.id] = count_page(page, outputs.get(page.id))
        total.add(per_page[page.id])
    return total, per_page
