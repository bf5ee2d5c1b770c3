"""How much each sentence says about the article as a whole.

Features, all computed from the article itself: where the sentence stands
(news puts the key facts first), how central it is (TF-IDF cosine to the
article), how much it shares with the title, and how many names and numbers
it carries; a sentence mostly in quotation marks, or one that opens with a
pronoun or connective pointing back to text the reader of a summary has not
seen ("He", "But", "However"), is marked down. Weights were set by hand and
checked on both halves of a news summarization set and on a second set
(bench/summaries); learned linear models did no better (bench/summaries/train.py).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from storyline.summary.sentences import Sentence

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_NUMBER = re.compile(r"\d")
# Openers that point back to something a summary's reader has not seen.
DANGLING = frozenset("""
he she they it this that these those his her their its him them we i you
but and so however also yet still meanwhile instead then there here or
furthermore moreover nevertheless nonetheless besides although though while
""".split())
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
said same says she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves told one two new also like last year
""".split())


@dataclass(frozen=True)
class Weights:
    position_decay: float = 0.3  # prior = 1 / (1 + decay * rank)
    centrality: float = 1.0
    title: float = 0.6
    density: float = 0.5
    quote_penalty: float = 0.3  # a sentence mostly in quotation marks reports, it does not summarize
    dangling_penalty: float = 0.4  # a sentence opening with "He", "But", "However" leans on what came before
    redundancy: float = 0.5  # cosine above which a candidate repeats a chosen sentence


DEFAULT = Weights()


def terms(text: str) -> list[str]:
    return [_stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


def _stem(word: str) -> str:
    """A light suffix strip, enough to match 'arrests' with 'arrested'."""
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def tfidf_vectors(term_lists: list[list[str]]) -> list[Counter]:
    df = Counter(t for ts in term_lists for t in set(ts))
    n = len(term_lists)
    return [Counter({t: c * math.log(1 + n / df[t]) for t, c in Counter(ts).items()})
            for ts in term_lists]


def _quoted_share(text: str) -> float:
    spans = re.findall(r"[\"“][^\"”]*[\"”]|‘[^’]*’(?=\W|$)", text)
    return sum(len(s) for s in spans) / max(len(text), 1)


def dangles(text: str) -> bool:
    """Whether the sentence opens with a pronoun or a connective."""
    first = text.split(None, 1)[0] if text.strip() else ""
    return first.strip("\"“‘'(").rstrip(",;:").lower() in DANGLING


def score(candidates: list[Sentence], title: str | None, weights: Weights = DEFAULT) -> tuple[list[float], list[Counter]]:
    """A score for each candidate, and its term vector (for redundancy checks)."""
    vectors = tfidf_vectors([terms(s.text) for s in candidates])
    centroid: Counter = Counter()
    for v in vectors:
        centroid.update(v)
    title_terms = set(terms(title)) if title else set()
    scores = []
    for rank, (sentence, vector) in enumerate(zip(candidates, vectors)):
        prior = 1.0 / (1.0 + weights.position_decay * rank)
        central = cosine(vector, centroid)
        overlap = len(title_terms & vector.keys()) / len(title_terms) if title_terms else 0.0
        words = max(len(sentence.text.split()), 1)
        density = (len(_CAPITALIZED.findall(sentence.text)) + len(_NUMBER.findall(sentence.text)) / 2) / words
        value = prior * (1.0 + weights.centrality * central + weights.title * overlap
                         + weights.density * min(density, 0.5))
        value *= 1.0 - weights.quote_penalty * _quoted_share(sentence.text)
        if dangles(sentence.text):
            value *= 1.0 - weights.dangling_penalty
        scores.append(value)
    return scores, vectors
