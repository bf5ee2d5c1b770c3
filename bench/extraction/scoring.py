"""The ScrapingHub article-extraction-benchmark metric, re-implemented.

Per page: the extracted body and the reference ``articleBody`` are cut into
``\\w+`` tokens, then into overlapping 4-token shingles; true/false positives
and false negatives are counted as a multiset overlap of shingles and
normalised by their sum, so that long articles weigh no more than short ones.
Over the corpus: precision is the mean of per-page precision (pages with
tp + fp > 0), recall the mean of per-page recall (pages with tp + fn > 0), and
F1 the harmonic mean of those two means (not a mean of per-page F1s).
An empty extraction against a non-empty reference therefore scores recall 0
and is left out of precision, exactly as in the original evaluate.py.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import mean

SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str | None, n: int = SHINGLE) -> Counter:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n tokens is one (short) shingle; an empty text none.
    count = max(1, len(tokens) - n + 1)
    return Counter(tuple(tokens[i:i + n]) for i in range(count) if tokens[i:i + n])


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str | None, pred: str | None) -> PageScore:
    want, got = shingles(truth), shingles(pred)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if total:
        return PageScore(tp / total, fp / total, fn / total)
    return PageScore(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def aggregate(pages: list[PageScore]) -> Score:
    precs = [p.precision for p in pages if p.tp + p.fp > 0]
    recs = [p.recall for p in pages if p.tp + p.fn > 0]
    precision = mean(precs) if precs else 0.0
    recall = mean(recs) if recs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(pages))


def score_outputs(truths: dict[str, str], outputs: dict[str, str | None]) -> tuple[Score, dict[str, PageScore]]:
    """Score ``outputs`` ({page id: text}) against ``truths``; a missing page counts as empty."""
    per_page = {key: score_page(truth, outputs.get(key)) for key, truth in truths.items()}
    return aggregate(list(per_page.values())), per_page
