"""Loading the shared summarization sets (never copied into the repo)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .text import split_reference

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATASETS = ("cnndm", "xsum")
SKIPPED_SYSTEMS = {"s2s"}  # weak seq2seq baseline full of UNK tokens


@dataclass
class Article:
    id: str
    text: str
    reference: list[str]  # reference sentences
    systems: dict[str, list[str]] = field(default_factory=dict)  # stored outputs, as sentences


def shared_dir(path: str | None = None) -> Path:
    return Path(path or os.environ.get("STORYLINE_SHARED") or PROJECT_ROOT.parent / "shared")


def load(dataset: str, shared: str | Path | None = None, limit: int | None = None) -> tuple[list[Article], int]:
    """Articles of ``dataset`` with a reference, and how many were dropped for lacking one."""
    path = shared_dir(shared) / "data" / "summarization" / f"{dataset}_dev.jsonl"
    articles, dropped = [], 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if not row.get("reference") or not row.get("article"):
                dropped += 1
                continue
            systems = {k: split_reference(v) for k, v in row["systems"].items() if k not in SKIPPED_SYSTEMS}
            articles.append(Article(row["id"], row["article"], split_reference(row["reference"]), systems))
            if limit and len(articles) >= limit:
                break
    return articles, dropped
