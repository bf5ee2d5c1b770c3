"""Stage: near-duplicates. Syndicated copies, re-posts and updated versions
of one article share most of their word 5-grams; MinHash LSH finds the
candidates cheaply and an exact shingle overlap confirms them."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 16  # 16 bands x 4 rows: pairs above ~0.5 Jaccard become candidates
ROWS = NUM_PERM // BANDS
# Share of the smaller article's shingles found in the other: a re-post with a
# changed headline, an added sentence or a cut last paragraph stays above it.
CONTAINMENT = 0.7
MIN_SHINGLES = 10  # too short to call anything a copy of it

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(len(words) - SHINGLE_WORDS + 1, 0))}


@dataclass(frozen=True)
class Fingerprint:
    shingles: frozenset[str]
    bands: tuple[str, ...]  # one LSH key per band


def fingerprint(text: str) -> Fingerprint:
    grams = shingles(text)
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([g.encode() for g in grams])
    values = np.asarray(mh.hashvalues, dtype=np.uint64)
    bands = tuple(
        f"{b}:{values[b * ROWS:(b + 1) * ROWS].tobytes().hex()}" for b in range(BANDS)
    ) if len(grams) >= MIN_SHINGLES else ()
    return Fingerprint(frozenset(grams), bands)


def containment(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def is_near_copy(a: str, b: str) -> bool:
    sa, sb = shingles(a), shingles(b)
    return min(len(sa), len(sb)) >= MIN_SHINGLES and containment(sa, sb) >= CONTAINMENT
