"""The sentence and clause vectors of one source's pool sentences: computed in
one call (so the same text always gets the same vectors), kept per article by
the store as float16 bytes."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from storyline import embed
from storyline.brief.support import clauses


@dataclass
class SourceVectors:
    sentences: np.ndarray  # one row per pool sentence of the source
    clauses: list  # per sentence: an array of its clauses' rows (empty when it has fewer than two)


def compute(texts: list[str]) -> SourceVectors | None:
    """Vectors of `texts` (one source's sentences) and their clauses; None when
    the model is missing (the support check then goes by words and facts)."""
    parts = [clauses(t) for t in texts]
    flat = [p for ps in parts for p in ps]
    rows = embed.embed_if_available(list(texts) + flat)
    if rows is None:
        return None
    return _split(rows, len(texts), [len(ps) for ps in parts])


def _split(rows: np.ndarray, n: int, counts: list[int]) -> SourceVectors:
    per_sentence, k = [], n
    for count in counts:
        per_sentence.append(rows[k:k + count])
        k += count
    return SourceVectors(rows[:n], per_sentence)


def to_bytes(vectors: SourceVectors) -> tuple[bytes, str]:
    rows = np.vstack([vectors.sentences, *[c for c in vectors.clauses if len(c)]]) if len(vectors.sentences) \
        else np.zeros((0, embed.DIMENSIONS), dtype=np.float32)
    layout = json.dumps([len(vectors.sentences), [len(c) for c in vectors.clauses]])
    return rows.astype(np.float16).tobytes(), layout


def from_bytes(blob: bytes, layout: str) -> SourceVectors:
    n, counts = json.loads(layout)
    rows = np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, embed.DIMENSIONS)
    return _split(rows, n, counts)
