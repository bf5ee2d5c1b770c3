"""Loading the shared clustering sets (read in place, never copied) and B-cubed scoring."""
from __future__ import annotations

import json
import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
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


@dataclass
class B3:
    precision: float
    recall: float
    f1: float
    clusters: int  # predicted clusters, singletons (and not-articles) included


def bcubed(pred: dict[str, str | None], gold: dict[str, str]) -> B3:
    """B-cubed over the items of ``gold``. A pred label of None (not-article) is scored as a
    singleton: precision 1, recall 1/|its gold cluster|."""
    labels = {i: (("__none__", i) if pred.get(i) is None else ("c", pred[i])) for i in gold}
    pc: dict = defaultdict(list)
    gc: dict = defaultdict(list)
    for i in gold:
        pc[labels[i]].append(i)
        gc[gold[i]].append(i)
    inter = Counter((labels[i], gold[i]) for i in gold)
    p = r = 0.0
    for i in gold:
        n = inter[(labels[i], gold[i])]
        p += n / len(pc[labels[i]])
        r += n / len(gc[gold[i]])
    p /= len(gold)
    r /= len(gold)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return B3(p, r, f, len(pc))
