"""Which sources state what a sentence says: citations and agreement.

A sentence A of one source is taken to be stated by another source when that
source has a sentence B close to it in content words (TF-IDF cosine at least
PARAPHRASE), B carries at least CONTAINMENT of what A says (A's terms
weighted by idf; so a short B that repeats one clause of A does not count),
and every number A gives appears in B, so "12 were injured" never cites a
source that says 14. The thresholds were chosen on the 70 hand-labelled
pairs of bench/briefs/paraphrase_sample.jsonl (`python -m
bench.briefs.paraphrase`): precision 1.00, recall 0.71 there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyline.brief.pool import Pool
from storyline.model import Agreement, Statement

PARAPHRASE = 0.35
CONTAINMENT = 0.5


@dataclass
class SharedStatement(Statement):
    """A statement several outlets make: `outlets` of the story's `of` outlets
    state it ("Reported by 2 of 3 outlets"; all of them only when equal)."""

    outlets: int = 0
    of: int = 0


def states(pool: Pool, i: int, j: int, cosine: float = PARAPHRASE, containment: float = CONTAINMENT) -> bool:
    """Does sentence j state what sentence i says?"""
    a, b = pool.sentences[i], pool.sentences[j]
    if pool.similarity[i, j] < cosine or not a.numbers <= b.numbers:
        return False
    return covered(pool, a.terms, b.terms) >= containment


def covered(pool: Pool, said: tuple, by: tuple) -> float:
    """The share of what `said` says (its terms, weighted by idf) that `by` also says."""
    terms, others = set(said), set(by)
    total = sum(pool.idf.get(t, 0.0) for t in terms)
    return sum(pool.idf.get(t, 0.0) for t in terms & others) / total if total else 0.0


def supporters(pool: Pool, i: int) -> dict[int, int]:
    """{source index: its sentence stating sentence i} for every other source."""
    sentence = pool.sentences[i]
    best: dict[int, tuple[float, int]] = {}
    row = pool.similarity[i]
    for j in np.flatnonzero(row >= PARAPHRASE):
        other = pool.sentences[j]
        if other.source == sentence.source or not states(pool, i, j):
            continue
        if row[j] > best.get(other.source, (0.0, -1))[0]:
            best[other.source] = (float(row[j]), int(j))
    return {source: j for source, (_, j) in best.items()}


def citations(pool: Pool, i: int, backing: dict[int, int]) -> list:
    """Ids of every source that states sentence i (`backing`: its supporters),
    its own source first."""
    own = pool.sentences[i].source
    return [pool.sources[own].id] + [pool.sources[s].id for s in sorted(backing, key=pool.reading_order)]


def agreement(pool: Pool, scores: list[float], backing: list[dict[int, int]], *, shared_limit: int = 8,
              only_limit: int = 3, redundancy: float = 0.5) -> Agreement:
    """What two or more outlets report (and how many of the story's outlets
    do), and what a single source alone says; `backing` holds every
    sentence's supporters.

    Near-copies are one voice: a statement supported only by a copy of its
    own source is not "shared", and a copy gets no "only in" of its own.
    """
    outlets = [pool.sources[k].outlet or str(pool.sources[k].id) for k in range(len(pool.sources))]
    story_outlets = len(set(outlets))
    order = sorted(range(len(pool.sentences)), key=lambda i: -scores[i])
    shared: list[SharedStatement] = []
    shared_picked: list[int] = []
    alone: dict[int, list[int]] = {}
    for i in order:
        own = pool.sentences[i].source
        voices = {pool.originals[s] for s in [own, *backing[i]]}
        distinct_outlets = {outlets[s] for s in [own, *backing[i]]}
        if len(voices) >= 2 and len(distinct_outlets) >= 2:
            if len(shared) < shared_limit and not pool.repeats(i, shared_picked, redundancy):
                ids = [pool.sources[s].id for s in sorted([own, *backing[i]], key=pool.reading_order)]
                shared.append(SharedStatement(pool.sentences[i].text, ids, len(distinct_outlets), story_outlets))
                shared_picked.append(i)
        elif len(voices) == 1 and pool.sources[own].duplicate_of is None:
            picked = alone.setdefault(own, [])
            if len(picked) < only_limit and not pool.repeats(i, picked, redundancy):
                picked.append(i)
    only_in = {pool.sources[source].id: [Statement(pool.sentences[i].text, [pool.sources[source].id])
                                         for i in sorted(picked)]
               for source, picked in sorted(alone.items(), key=lambda kv: pool.reading_order(kv[0]))}
    return Agreement(shared=shared, only_in=only_in)
