"""Choosing a story brief's sentences from all of its sources.

A sentence is worth more when other sources say the same thing (support:
what several outlets report is what the story is about), when it is close
to the story as a whole (centrality), and when it stands early in its
article (news writing puts the key facts first). Sentences are taken best
first within the word budget, skipping any that repeats one already taken,
and the brief is read in the order of the sources' publication, then of the
sentences within each source.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyline.brief.pool import Pool


@dataclass(frozen=True)
class Weights:
    position_decay: float = 0.3  # prior = 1 / (1 + decay * rank in the source)
    support: float = 1.0
    centrality: float = 1.0
    redundancy: float = 0.45  # cosine above which a candidate repeats a chosen sentence
    min_words: int = 8  # shorter sentences read as fragments out of context


DEFAULT = Weights()


def scores(pool: Pool, weights: Weights = DEFAULT) -> list[float]:
    n = len(pool.sentences)
    if n == 0:
        return []
    sources = np.array([s.source for s in pool.sentences])
    ranks = np.array([s.rank for s in pool.sentences], dtype=np.float32)
    originals = _originals(pool)
    centroid = pool.vectors.sum(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    centrality = pool.vectors @ centroid
    support = np.zeros(n, dtype=np.float32)
    voices = sorted(set(originals))
    for voice in voices:
        members = np.isin(sources, [k for k, o in enumerate(originals) if o == voice])
        best = pool.similarity[:, members].max(axis=1)
        own = np.array([originals[s] == voice for s in sources])
        support += np.where(own, 0.0, best)
    if len(voices) > 1:
        support /= len(voices) - 1
    prior = 1.0 / (1.0 + weights.position_decay * ranks)
    value = prior * (1.0 + weights.support * support + weights.centrality * centrality)
    return [float(v) for v in value]


def choose(pool: Pool, value: list[float], words: int, weights: Weights = DEFAULT) -> list[int]:
    """Indices of the chosen sentences, in reading order."""
    originals = _originals(pool)
    chosen: list[int] = []
    used = 0
    for i in sorted(range(len(value)), key=lambda i: -value[i]):
        sentence = pool.sentences[i]
        if pool.sources[sentence.source].duplicate_of is not None and originals[sentence.source] != sentence.source:
            continue  # a near-copy's sentences are its original's
        if sentence.words < weights.min_words and len(pool.sentences) > 3:
            continue
        if used + sentence.words > words:
            if words - used < weights.min_words:
                break
            continue
        if any(pool.similarity[i, j] > weights.redundancy for j in chosen):
            continue
        chosen.append(i)
        used += sentence.words
    if not chosen and pool.sentences:
        chosen = [max(range(len(value)), key=lambda i: value[i])]
    return sorted(chosen, key=lambda i: (pool.sources[pool.sentences[i].source].published or "",
                                         pool.sentences[i].source, pool.sentences[i].position))


def _originals(pool: Pool) -> list[int]:
    index = {source.id: k for k, source in enumerate(pool.sources)}
    return [index.get(s.duplicate_of, k) if s.duplicate_of is not None else k
            for k, s in enumerate(pool.sources)]
