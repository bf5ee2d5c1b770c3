"""The Multi-News dev stories (read from ../shared, never copied here)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Story:
    id: str
    documents: list[str]
    summary: str


def shared_dir(shared: str | None = None) -> Path:
    return Path(shared or os.environ.get("STORYLINE_SHARED") or Path(__file__).resolve().parents[2].parent / "shared")


def load(shared: str | None = None, limit: int | None = None) -> list[Story]:
    path = shared_dir(shared) / "data" / "multidoc" / "multinews_dev.jsonl"
    stories = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            documents = [d for d in row["documents"] if d.strip()]
            if documents and row["summary"].strip():
                stories.append(Story(str(row["id"]), documents, row["summary"].lstrip("–- ").strip()))
            if limit and len(stories) >= limit:
                break
    return stories
