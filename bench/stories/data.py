"""Loading the shared clustering sets (read in place, never copied) and B-cubed scoring."""
from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass

from storyline.cluster.bcubed import B3, bcubed

__all__ = ["B3", "Doc", "bcubed", "load_background", "load_ecbplus", "load_multinews"]
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUBDIR = Path("data") / "clustering"


@dataclass
class Doc:
    id: str
    text: str
    gold: str            # the story to recover (Multi-News cluster_id, ECB+ event_cluster)
    topic: str | None = None  # ECB+ topic (two events of the same kind), None for Multi-News


def shared_dir(shared: str | Path | None = None) -> Path:
    return Path(shared or os.environ.get("STORYLINE_SHARED") or PROJECT_ROOT.parent / "shared")


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_multinews(shared=None, seed: int = 13) -> list[Doc]:
    """The 690-doc Multi-News dev pool, shuffled with random.Random(seed) (arrival order)."""
    rows = _jsonl(shared_dir(shared) / SUBDIR / "multinews_dev_pool.jsonl")
    docs = [Doc(r["doc_id"], r["text"], r["cluster_id"]) for r in rows]
    random.Random(seed).shuffle(docs)
    return docs


def load_ecbplus(shared=None, seed: int = 13) -> list[Doc]:
    """The 976 ECB+ docs (annotated sentences only; no dates), shuffled the same way."""
    rows = _jsonl(shared_dir(shared) / SUBDIR / "ecbplus_docs.jsonl")
    docs = [Doc(r["doc_id"], r["text"], r["event_cluster"], r["topic"]) for r in rows]
    random.Random(seed).shuffle(docs)
    return docs


def load_background(shared=None) -> list[str]:
    """Unrelated news articles (CNN/DM + XSum dev sets) to warm up document frequencies:
    a stand-in for the archive an online system already has. Empty if absent."""
    out: list[str] = []
    for name in ("cnndm_dev.jsonl", "xsum_dev.jsonl"):
        p = shared_dir(shared) / "data" / "summarization" / name
        if p.exists():
            out += [r["article"] for r in _jsonl(p)]
    return out


