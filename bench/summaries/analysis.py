"""Research helpers: lead cut at N words, and where a greedy ROUGE-1 oracle finds its sentences.

python -m bench.summaries.analysis [--shared PATH] [--dataset cnndm|xsum]
"""
from __future__ import annotations

import argparse
from collections import Counter

from rouge_score.tokenizers import DefaultTokenizer

from .baselines import lead_words
from .data import load
from .scoring import score_system
from .text import sentences


def _f1(pred: Counter, ref: Counter) -> float:
    overlap = sum((pred & ref).values())
    return 0.0 if not overlap else 2 * overlap / (sum(pred.values()) + sum(ref.values()))


def greedy_oracle(article: list[str], reference: list[str], k: int = 3) -> list[int]:
    """Positions picked greedily to maximize ROUGE-1 F1 (stemmed), stopping when nothing helps."""
    tokenize = DefaultTokenizer(use_stemmer=True).tokenize
    ref = Counter(tokenize(" ".join(reference)))
    sents = [Counter(tokenize(s)) for s in article]
    chosen, have, best = [], Counter(), 0.0
    while len(chosen) < k:
        gains = [(_f1(have + s, ref), i) for i, s in enumerate(sents) if i not in chosen]
        if not gains or max(gains)[0] <= best:
            break
        best, i = max(gains)
        chosen.append(i)
        have += sents[i]
    return chosen


def histogram(positions: list[int]) -> str:
    buckets = Counter(min(p, 5) for p in positions)
    total = sum(buckets.values())
    return "  ".join(f"{b if b < 5 else '5+'}: {100 * buckets[b] / total:4.1f}%" for b in range(6))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.summaries.analysis")
    p.add_argument("--shared")
    p.add_argument("--dataset", default="cnndm")
    args = p.parse_args(argv)
    articles, _ = load(args.dataset, args.shared)
    refs = [a.reference for a in articles]
    for n in (50, 60, 70, 80, 90, 100):
        s = score_system(f"lead@{n}", [lead_words(a.text, n) for a in articles], refs)
        print(f"{s.name:<8} {s.r1:5.1f} {s.r2:5.1f} {s.rlsum:6.1f} {s.words:6.1f}")
    split = [sentences(a.text) for a in articles]
    picks = [greedy_oracle(sents, a.reference) for sents, a in zip(split, articles)]
    oracle = score_system("oracle", [[s[i] for i in sorted(pk)] for s, pk in zip(split, picks)], refs)
    print(f"greedy R-1 oracle (<=3 sents, avg {sum(map(len, picks)) / len(picks):.2f}): "
          f"{oracle.r1:.1f} / {oracle.r2:.1f} / {oracle.rlsum:.1f}, {oracle.words:.0f} words")
    print("oracle positions:", histogram([i for pk in picks for i in pk]))
    best = [greedy_oracle(s, [r], 1) for s, a in zip(split, articles) for r in a.reference]
    print("best match per reference sentence:", histogram([i for b in best for i in b]))


if __name__ == "__main__":
    main()
