"""Batch baseline: TF-IDF + agglomerative clustering (average linkage, cosine distance) with
scipy.cluster.hierarchy, cut at a distance threshold tuned on the Multi-News pool. It sees the
whole dataset at once (IDF fitted on it), unlike the incremental clusterer."""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from storyline.cluster.features import STOPWORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tfidf(texts: list[str]) -> csr_matrix:
    """sklearn-TfidfVectorizer-like: lowercase word tokens minus stop words, raw tf,
    smooth idf (ln((1+n)/(1+df)) + 1), rows L2-normalised."""
    toks = [[t for t in _TOKEN.findall(x.lower()) if t not in STOPWORDS and len(t) > 1] for x in texts]
    vocab: dict[str, int] = {}
    df: Counter = Counter()
    for ts in toks:
        df.update(set(ts))
    for t in df:
        vocab[t] = len(vocab)
    n = len(texts)
    idf = np.zeros(len(vocab))
    for t, j in vocab.items():
        idf[j] = math.log((1 + n) / (1 + df[t])) + 1
    rows, cols, vals = [], [], []
    for i, ts in enumerate(toks):
        c = Counter(ts)
        w = {vocab[t]: k * idf[vocab[t]] for t, k in c.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        for j, v in w.items():
            rows.append(i)
            cols.append(j)
            vals.append(v / norm)
    return csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))


def agglomerative_linkage(texts: list[str]) -> np.ndarray:
    x = tfidf(texts)
    sim = (x @ x.T).toarray()
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    return linkage(squareform(dist, checks=False), method="average")


def cut(z: np.ndarray, threshold: float) -> list[int]:
    """Cluster labels for a cosine-distance threshold."""
    return list(fcluster(z, t=threshold, criterion="distance"))
