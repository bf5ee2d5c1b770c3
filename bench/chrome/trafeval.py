"""trafilatura's evaluation set (read in place from ../shared) and its metric, as in
trafilatura's tests/eval_common.py: after collapsing whitespace, a "with" snippet found in
the output is a true positive, missing a false negative; a "without" snippet absent is a
true negative, present a false positive. An empty output misses every "with" snippet and
has every "without" snippet absent."""
from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from bench.extraction.data import PROJECT_ROOT

SUBDIR = Path("data") / "extraction" / "trafilatura-eval"
_SPACES = re.compile(r"\s+")


@dataclass
class EvalPage:
    url: str
    file: str
    html: bytes
    with_: list[str]
    without: list[str]


def load(shared: str | Path | None = None, limit: int | None = None) -> list[EvalPage]:
    base = Path(shared or os.environ.get("STORYLINE_SHARED") or PROJECT_ROOT.parent / "shared")
    root = base / SUBDIR
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in data.items():
        path = root / "html" / f"{item['file']}.gz"
        if not path.exists():
            continue
        with gzip.open(path, "rb") as f:
            pages.append(EvalPage(url, item["file"], f.read(), item.get("with") or [], item.get("without") or []))
        if limit and len(pages) >= limit:
            break
    return pages


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    tn: int = 0
    fp: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.tn += other.tn
        self.fp += other.fp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.tn + self.fp
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(page: EvalPage, output: str | None) -> Counts:
    text = _SPACES.sub(" ", output or "").strip()
    c = Counts()
    for snippet in page.with_:
        if text and _SPACES.sub(" ", snippet).strip() in text:
            c.tp += 1
        else:
            c.fn += 1
    for snippet in page.without:
        if text and _SPACES.sub(" ", snippet).strip() in text:
            c.fp += 1
        else:
            c.tn += 1
    return c


def score(pages: list[EvalPage], outputs: dict[str, str | None]) -> Counts:
    total = Counts()
    for page in pages:
        total.add(score_page(page, outputs.get(page.url)))
    return total
