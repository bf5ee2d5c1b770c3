"""Choosing a story brief's sentences from all of its sources.

The brief should cover what the story's sources say together. A "concept"
is a stemmed content word or a pair of adjacent content words; it weighs as
much as the number of independent sources (near-copies are one) that use
it, so what several outlets report counts most, and a pair only counts when
at least two sources share it. Sentences are taken greedily by the weight of
the concepts they add per word, times a prior for their place in their
article (news puts the key facts first); a small flat gain per sentence lets
the brief fill its budget once the shared concepts are used up. A sentence
that repeats a chosen one (TF-IDF cosine above `redundancy`) is skipped. The
brief reads in the order of the sources' publication, then of the sentences
within each source. (This is the greedy form of concept-coverage
summarization, Gillick and Favre 2009.)

`scores` ranks sentences for the agreement panel: support from other
sources, centrality and position.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from storyline.brief.pool import Pool


@dataclass(frozen=True)
class Weights:
    position_decay: float = 0.2  # prior = 1 / (1 + decay * rank in the source)
    unigram: float = 0.5  # weight of a shared word, per source, against 1 for a shared word pair
    fill: float = 1.0  # flat gain of any sentence, so the budget gets filled
    redundancy: float = 0.45  # cosine above which a candidate repeats a chosen sentence
    min_words: int = 8  # shorter sentences read as fragments out of context
    support: float = 1.0  # for `scores`
    centrality: float = 1.0  # for `scores`


DEFAULT = Weights()


def scores(pool: Pool, weights: Weights = DEFAULT) -> list[float]:
    """How much each sentence is the story's: support (its best cosine in each
    other independent source, averaged), centrality, and a position prior."""
    n = len(pool.sentences)
    if n == 0:
        return []
    sources = np.array([s.source for s in pool.sentences])
    ranks = np.array([s.rank for s in pool.sentences], dtype=np.float32)
    originals = pool.originals
    centroid = pool.vectors.sum(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    centrality = pool.vectors @ centroid
    support = np.zeros(n, dtype=np.float32)
    voices = sorted({originals[s] for s in sources})  # sources with prose sentences
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


def choose(pool: Pool, words: int, weights: Weights = DEFAULT) -> list[int]:
    """Indices of the chosen sentences, in reading order."""
    originals = pool.originals
    concepts = [set(zip(s.terms, s.terms[1:])) | {(t,) for t in s.terms} for s in pool.sentences]
    voices: dict[int, set] = {}
    for sentence, found in zip(pool.sentences, concepts):
        voices.setdefault(originals[sentence.source], set()).update(found)
    df = Counter(k for found in voices.values() for k in found)
    shared = min(2, len(voices))

    def weight(concept: tuple) -> float:
        if df[concept] < shared:
            return 0.0
        return float(df[concept]) if len(concept) == 2 else weights.unigram * df[concept]

    gains = [{k: weight(k) for k in found} for found in concepts]
    prior = [1.0 / (1.0 + weights.position_decay * s.rank) for s in pool.sentences]
    open_ = {i for i, s in enumerate(pool.sentences)
             if originals[s.source] == s.source and (s.words >= weights.min_words or len(pool.sentences) <= 3)}
    covered: set = set()
    chosen: list[int] = []
    used = 0
    while open_:
        best, best_value = None, 0.0
        for i in open_:
            sentence = pool.sentences[i]
            if used + sentence.words > words:
                continue
            gain = sum(v for k, v in gains[i].items() if k not in covered) + weights.fill
            value = prior[i] * gain / sentence.words
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        open_.discard(best)
        if pool.repeats(best, chosen, weights.redundancy):
            continue
        chosen.append(best)
        used += pool.sentences[best].words
        covered |= concepts[best]
    return sorted(chosen, key=lambda i: (*pool.reading_order(pool.sentences[i].source), pool.sentences[i].position))
