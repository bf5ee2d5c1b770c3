"""Can a learned sentence-salience model beat the hand-set scorer? (research; answer so far: no)

    python -m bench.summaries.train [--shared PATH] [--folds K] [--label p|f|p2]

Candidates are storyline's own (punkt split + sentence filter); features are those of
bench/summaries/features.py. Each candidate is labelled by its overlap with the human summary
(rouge-score tokenizer, stemmed; `p`: mean of unigram and bigram precision, `f`: mean of ROUGE-1/2
F1, `p2`: bigram precision), scaled so the document's best sentence is 1. Two linear models:
ridge regression on the label, and a listwise softmax (cross-entropy against softmax(label/0.1)).
Chosen sentences go through storyline's own `select` (3 sentences / 90 words, redundancy check).

Rows: trained on Multi-News dev (every article of a cluster, labelled against the cluster's
summary) + XSum dev and tested on CNN/DM dev (never seen in training), and K-fold held-out on
CNN/DM itself (each article scored by a model that did not see it). Deltas are against Lead@ours
from the same outputs.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter

import numpy as np
from rouge_score.tokenizers import DefaultTokenizer
from scipy.optimize import minimize

from storyline.summary import select
from storyline.summary.sentences import problem, split

from .baselines import lead_words
from .data import load, shared_dir
from .features import NAMES, features
from .scoring import score_system
from .text import count_words

_tokenize = DefaultTokenizer(use_stemmer=True).tokenize


def _bigrams(tokens: list[str]) -> Counter:
    return Counter(zip(tokens, tokens[1:]))


class Doc:
    """One document: its candidates, their features, overlap statistics and labels."""

    def __init__(self, text: str, reference: list[str] | str):
        self.text, self.reference = text, reference
        self.candidates = [s for s in split(text) if problem(s.text) is None]
        rows, self.vectors = features(self.candidates) if self.candidates else ([], [])
        self.X = np.array(rows).reshape(-1, len(NAMES))
        ref = _tokenize(reference if isinstance(reference, str) else " ".join(reference))
        r1, r2 = Counter(ref), _bigrams(ref)
        stats = []  # per candidate: unigram overlap, bigram overlap, tokens
        for s in self.candidates:
            tok = _tokenize(s.text)
            stats.append((sum((Counter(tok) & r1).values()), sum((_bigrams(tok) & r2).values()), len(tok)))
        self.stats = np.array(stats, dtype=float).reshape(-1, 3)
        self.ref_len = len(ref)
        self.y = np.zeros(len(self.candidates))

    def label(self, kind: str) -> None:
        o1, o2, n = self.stats.T
        r = max(self.ref_len, 1)
        if kind == "f":
            y = (2 * o1 / np.maximum(n + r, 1) + 2 * o2 / np.maximum(n + r - 2, 1)) / 2
        elif kind == "p":
            y = (o1 / np.maximum(n, 1) + o2 / np.maximum(n - 1, 1)) / 2
        elif kind == "p2":
            y = o2 / np.maximum(n - 1, 1)
        else:
            raise ValueError(kind)
        self.y = y / y.max() if len(y) and y.max() > 0 else y


def multinews_docs(shared) -> list[Doc]:
    out = []
    with (shared_dir(shared) / "data" / "multidoc" / "multinews_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            summary = row["summary"].lstrip("–- ")
            out += [d for d in (Doc(text, summary) for text in row["documents"]) if len(d.candidates) >= 4]
    return out


def summarization_docs(dataset: str, shared) -> list[Doc]:
    return [Doc(a.text, a.reference) for a in load(dataset, shared)[0]]


def _standardize(docs: list[Doc]) -> tuple[np.ndarray, np.ndarray]:
    X = np.vstack([d.X for d in docs])
    mean, std = X.mean(0), X.std(0)
    std[std == 0] = 1
    mean[0], std[0] = 0, 1
    return mean, std


def fit_ridge(docs: list[Doc], l2: float = 1.0) -> np.ndarray:
    """Ridge regression of the label on the features, documents weighted equally."""
    docs = [d for d in docs if len(d.y)]
    mean, std = _standardize(docs)
    Z = np.vstack([(d.X - mean) / std for d in docs])
    y = np.concatenate([d.y for d in docs])
    w = np.concatenate([np.full(len(d.y), 1 / len(d.y)) for d in docs])
    beta = np.linalg.solve(Z.T @ (Z * w[:, None]) + l2 * np.eye(Z.shape[1]), Z.T @ (w * y))
    return beta / std


def fit_listwise(docs: list[Doc], l2: float = 0.1, tau: float = 0.1) -> np.ndarray:
    """Softmax over a document's candidates, cross-entropy against softmax(label / tau)."""
    docs = [d for d in docs if len(d.y) > 1 and d.y.max() > 0]
    mean, std = _standardize(docs)
    Zs = [(d.X - mean) / std for d in docs]
    Qs = [np.exp((d.y - 1) / tau) for d in docs]
    Qs = [q / q.sum() for q in Qs]

    def loss(w):
        value, grad = l2 * (w[1:] @ w[1:]) / 2, l2 * np.r_[0, w[1:]]
        for Z, q in zip(Zs, Qs):
            s = Z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            value -= q @ np.log(p + 1e-12)
            grad += Z.T @ (p - q)
        return value / len(Zs), grad / len(Zs)

    return minimize(loss, np.zeros(Zs[0].shape[1]), jac=True, method="L-BFGS-B").x / std


def evaluate(name: str, docs: list[Doc], coefs: list[np.ndarray]) -> None:
    outs = [[d.candidates[i].text for i in select(d.candidates, list(d.X @ c), d.vectors)] if d.candidates else []
            for d, c in zip(docs, coefs)]
    refs = [d.reference for d in docs]
    ours = score_system(name, outs, refs)
    at = score_system("Lead@ours", [lead_words(d.text, count_words(" ".join(o))) for d, o in zip(docs, outs)], refs)
    print(f"{name:<34} {ours.r1:5.2f} {ours.r2:5.2f} {ours.words:4.0f}w | Lead@ours {at.r1:5.2f} {at.r2:5.2f} "
          f"| R-1 {ours.r1 - at.r1:+.2f}  R-2 {ours.r2 - at.r2:+.2f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.summaries.train")
    p.add_argument("--shared")
    p.add_argument("--folds", type=int, default=10)
    p.add_argument("--label", default="p", choices=["p", "f", "p2"])
    args = p.parse_args(argv)
    train = multinews_docs(args.shared) + summarization_docs("xsum", args.shared)
    cnndm = summarization_docs("cnndm", args.shared)
    for d in train + cnndm:
        d.label(args.label)
    folds = np.random.default_rng(0).permutation(len(cnndm)) % args.folds
    for model, fit in (("ridge", fit_ridge), ("listwise", fit_listwise)):
        evaluate(f"{model}: multinews+xsum -> cnndm", cnndm, [fit(train)] * len(cnndm))
        coefs: list = [None] * len(cnndm)
        for k in range(args.folds):
            c = fit([d for d, f in zip(cnndm, folds) if f != k])
            for i in np.flatnonzero(folds == k):
                coefs[i] = c
        evaluate(f"{model}: cnndm {args.folds}-fold held-out", cnndm, coefs)


if __name__ == "__main__":
    main()
