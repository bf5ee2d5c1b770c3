"""Multi-document baselines, all within the same word budget: Lead (first sentences of
each article in turn), sumy LexRank / TextRank over all articles, MMR, a greedy oracle."""
from __future__ import annotations

import math
import re
from collections import Counter

from bench.summaries.baselines import sumy_summarizer
from bench.summaries.text import count_words, sentences

_TOKEN = re.compile(r"[a-z0-9]+")


def document_sentences(document: str) -> list[str]:
    """Punkt sentences, paragraph by paragraph (as storyline splits)."""
    out = []
    for paragraph in re.split(r"\n\s*\n", document):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            out.extend(sentences(paragraph))
    return out


def fill(ordered: list[str], words: int) -> list[str]:
    """Whole sentences in the given order while they fit the budget (skipping any that overflow)."""
    out, used = [], 0
    for s in ordered:
        n = count_words(s)
        if used + n <= words:
            out.append(s)
            used += n
        if words - used < 5:
            break
    return out


def lead(documents: list[str], words: int) -> list[str]:
    per_doc = [document_sentences(d) for d in documents]
    ordered = [doc[k] for k in range(max(map(len, per_doc), default=0)) for doc in per_doc if k < len(doc)]
    return fill(ordered, words)


def sumy_multi(name: str):
    run = sumy_summarizer(name)

    def summarize(documents: list[str], words: int) -> list[str]:
        text = "\n\n".join(" ".join(document_sentences(d)) for d in documents)
        ranked = run(text, 40)  # sumy returns its best sentences in document order
        return fill(ranked, words)

    return summarize


def _vectors(texts: list[str]) -> list[Counter]:
    bags = [Counter(_TOKEN.findall(t.lower())) for t in texts]
    df = Counter(w for b in bags for w in b)
    n = len(bags)
    return [Counter({w: c * math.log(1 + n / df[w]) for w, c in b.items()}) for b in bags]


def _cos(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def mmr(documents: list[str], words: int, lam: float = 0.5) -> list[str]:
    pool = [s for d in documents for s in document_sentences(d) if count_words(s) >= 5]
    if not pool:
        return []
    vectors = _vectors(pool)
    centroid: Counter = Counter()
    for v in vectors:
        centroid.update(v)
    relevance = [_cos(v, centroid) for v in vectors]
    chosen: list[int] = []
    used = 0
    remaining = set(range(len(pool)))
    while remaining and words - used >= 5:
        best = max(remaining, key=lambda i: lam * relevance[i]
                   - (1 - lam) * max((_cos(vectors[i], vectors[j]) for j in chosen), default=0.0))
        remaining.discard(best)
        n = count_words(pool[best])
        if used + n <= words:
            chosen.append(best)
            used += n
    return [pool[i] for i in chosen]


def oracle(documents: list[str], reference: str, words: int, tokenize) -> list[str]:
    """Greedy: add the sentence that most raises ROUGE-1 + ROUGE-2 F1, while any does.
    `tokenize` is rouge-score's own (stemming) tokenizer, so the counts are ROUGE's."""
    pool = [s for d in documents for s in document_sentences(d)]
    tokens = [tokenize(s) for s in pool]
    ref = tokenize(reference)
    ref1, ref2 = Counter(ref), Counter(zip(ref, ref[1:]))

    def value(grams1: Counter, grams2: Counter) -> float:
        total = 0.0
        for got, want in ((grams1, ref1), (grams2, ref2)):
            hit = sum((got & want).values())
            if hit:
                p, r = hit / sum(got.values()), hit / sum(want.values())
                total += 2 * p * r / (p + r)
        return total

    chosen: list[int] = []
    have1, have2 = Counter(), Counter()
    best_value, used = 0.0, 0
    while True:
        step = None
        for i, t in enumerate(tokens):
            n = count_words(pool[i])
            if i in chosen or used + n > words or not t:
                continue
            v = value(have1 + Counter(t), have2 + Counter(zip(t, t[1:])))
            if v > best_value:
                best_value, step = v, i
        if step is None:
            return [pool[i] for i in chosen]
        chosen.append(step)
        have1 += Counter(tokens[step])
        have2 += Counter(zip(tokens[step], tokens[step][1:]))
        used += count_words(pool[step])
