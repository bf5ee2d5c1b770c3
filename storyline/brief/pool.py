"""The sentences of a story's sources, as one pool with a similarity matrix.

Every stage of a brief (selection, citations, agreement) looks at the same
pool: the prose sentences of every source, their TF-IDF vectors over the
pool, and the cosine between every pair.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from storyline.brief import support
from storyline.brief.vectors import compute
from storyline.model import Source
from storyline.summary.score import terms
from storyline.summary.sentences import problem, split

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class PoolSentence:
    text: str
    source: int  # index into the pool's sources
    position: int  # index of the sentence in its source
    rank: int  # index among the source's prose sentences
    words: int
    numbers: frozenset[str]
    terms: tuple[str, ...]  # stemmed content words, in order


@dataclass
class Pool:
    sources: list[Source]
    sentences: list[PoolSentence]
    vectors: np.ndarray  # one L2-normalised TF-IDF row per sentence
    similarity: np.ndarray  # cosine of every pair of sentences
    idf: dict[str, float]  # of each term, over the pool's sentences
    originals: list[int]  # for each source, the index of the source it is a near-copy of (or its own)
    said: list = None  # support.Said of each sentence: its facts, and its vectors when the model is there
    meaning: np.ndarray | None = None  # cosine of the sentence vectors of every pair (None without them)
    rows: list = None  # for each source, the indexes of its sentences

    def reading_order(self, source: int) -> tuple:
        """Sources read in order of publication, then as given; undated sources
        (published None) after the dated ones, in the order given (a stored
        story gives them in the order they were added)."""
        published = self.sources[source].published
        return (published is None, published or "", source)

    def repeats(self, i: int, chosen: list[int], threshold: float) -> bool:
        """Does sentence i say again what one of `chosen` says (cosine above threshold)?"""
        return any(self.similarity[i, j] > threshold for j in chosen)


def build(sources: list[Source], language: str = "en", vectors: list | None = None, embed: bool = True) -> Pool:
    """The pool of `sources`. `vectors` (one SourceVectors or None per source, as
    stored) are used when they fit; missing ones are computed when `embed`."""
    sentences: list[PoolSentence] = []
    term_lists: list[list[str]] = []
    for index, source in enumerate(sources):
        rank = 0
        for sentence in split(source.text, language):
            if problem(sentence.text) is not None:
                continue
            words = terms(sentence.text)
            sentences.append(PoolSentence(sentence.text, index, sentence.position, rank,
                                          len(sentence.text.split()), numbers(sentence.text), tuple(words)))
            term_lists.append(words)
            rank += 1
    tfidf, idf = _tfidf(term_lists)
    pool = Pool(sources, sentences, tfidf, tfidf @ tfidf.T, idf, originals(sources))
    pool.rows = [[] for _ in sources]
    for k, s in enumerate(sentences):
        pool.rows[s.source].append(k)
    pool.said = support.prepare([s.text for s in sentences], embed=False)
    found = [(vectors[k] if vectors and k < len(vectors) else None) for k in range(len(sources))]
    for k, rows in enumerate(pool.rows):
        if rows and (found[k] is None or len(found[k].sentences) != len(rows)):
            found[k] = compute([sentences[r].text for r in rows]) if embed else None
    if all(found[k] is not None for k, rows in enumerate(pool.rows) if rows) and sentences:
        for k, rows in enumerate(pool.rows):
            for n, r in enumerate(rows):
                pool.said[r].vector = found[k].sentences[n]
                pool.said[r].set_clause_vectors(found[k].clauses[n])
        matrix = np.stack([s.vector for s in pool.said])
        pool.meaning = matrix @ matrix.T
    return pool


def source_sentences(source: Source, language: str = "en") -> list[str]:
    """The sentences of one source that a pool takes (what its stored vectors are of)."""
    return [s.text for s in split(source.text, language) if problem(s.text) is None]


def originals(sources: list[Source]) -> list[int]:
    """For each source, the index of the source it is a near-copy of; its own
    index when it is an original or its original is not among `sources`."""
    index = {source.id: k for k, source in enumerate(sources)}
    return [index.get(s.duplicate_of, k) if s.duplicate_of is not None else k
            for k, s in enumerate(sources)]


def numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


def _tfidf(term_lists: list[list[str]]) -> tuple[np.ndarray, dict[str, float]]:
    vocabulary: dict[str, int] = {}
    for ts in term_lists:
        for t in ts:
            vocabulary.setdefault(t, len(vocabulary))
    matrix = np.zeros((len(term_lists), max(len(vocabulary), 1)), dtype=np.float32)
    for row, ts in enumerate(term_lists):
        for t, count in Counter(ts).items():
            matrix[row, vocabulary[t]] = 1.0 + math.log(count)
    df = (matrix > 0).sum(axis=0)
    weights = np.log(1.0 + len(term_lists) / np.maximum(df, 1)).astype(np.float32)
    matrix *= weights
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9), {t: float(weights[k]) for t, k in vocabulary.items()}
