"""Research features for a learned sentence-salience model (bench/summaries/train.py):
cheap numbers per candidate sentence, computed from the article alone.

Not used by storyline.summary: no model learned from them beat the hand-set
scorer in storyline/summary/score.py (see bench/README.md). `NAMES` lists the
columns in order.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from storyline.summary.score import DANGLING as _DANGLING
from storyline.summary.score import cosine, terms, tfidf_vectors
from storyline.summary.sentences import Sentence

_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_NUMBER = re.compile(r"\d")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|‘[^’]*’(?=\W|$)|(?<!\w)'[^']*'(?!\w)")
_OPENS_WITH_QUOTE = re.compile(r"^[\"“‘']")
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to|added|explained|claimed|insisted)\b")

NAMES = (
    "bias",
    "first",            # the first candidate sentence
    "second",
    "third",
    "inv_rank",         # 1 / (1 + rank among candidates)
    "log_rank",
    "rel_position",     # rank / number of candidates
    "length",           # words / 25
    "length_sq",
    "short",            # fewer than 10 words
    "long",             # more than 40 words
    "centrality",       # TF-IDF cosine to the whole article
    "lead_sim",         # TF-IDF cosine to the first candidate (0 for the first itself)
    "lead3_sim",        # ... to the first three candidates together (self excluded)
    "word_freq",        # mean article frequency of the sentence's content words (SumBasic)
    "name_share",       # capitalised words per word
    "digit_share",
    "shared_names",     # share of its names that occur elsewhere in the article
    "quote_share",      # characters inside quotation marks
    "opens_quote",
    "attribution",      # said / told / according to
    "dangling",         # opens with a pronoun or a connective
    "question",
    "log_sentences",    # article size in candidates
)


def features(candidates: list[Sentence]) -> tuple[list[list[float]], list[Counter]]:
    """One feature row per candidate (columns as in NAMES), and the TF-IDF
    vector of each candidate (for redundancy checks)."""
    term_lists = [terms(s.text) for s in candidates]
    vectors = tfidf_vectors(term_lists)
    n = len(candidates)
    centroid: Counter = Counter()
    for v in vectors:
        centroid.update(v)
    lead3: Counter = Counter()
    for v in vectors[:3]:
        lead3.update(v)
    counts = Counter(t for ts in term_lists for t in ts)
    total_terms = max(sum(counts.values()), 1)
    name_lists = [set(_NAME.findall(s.text[1:])) for s in candidates]
    name_counts = Counter(name for names in name_lists for name in names)
    log_n = math.log(1 + n)
    rows = []
    for rank, (sentence, vector, ts, names) in enumerate(zip(candidates, vectors, term_lists, name_lists)):
        text = sentence.text
        words = max(len(text.split()), 1)
        if rank < 3:
            others = Counter(lead3)
            others.subtract(vector)
            others = +others
        else:
            others = lead3
        first_word = text.split(None, 1)[0].strip("\"“‘'(").lower().rstrip(",") if text else ""
        rows.append([
            1.0,
            float(rank == 0),
            float(rank == 1),
            float(rank == 2),
            1.0 / (1 + rank),
            math.log(1 + rank),
            rank / n,
            words / 25,
            (words / 25) ** 2,
            float(words < 10),
            float(words > 40),
            cosine(vector, centroid),
            cosine(vector, vectors[0]) if rank else 0.0,
            cosine(vector, others),
            (sum(counts[t] for t in ts) / len(ts) / total_terms * 100) if ts else 0.0,
            len(_CAPITALIZED.findall(text)) / words,
            len(_NUMBER.findall(text)) / words,
            (sum(name_counts[m] > 1 for m in names) / len(names)) if names else 0.0,
            sum(len(q) for q in _QUOTED.findall(text)) / max(len(text), 1),
            float(bool(_OPENS_WITH_QUOTE.match(text))),
            float(bool(_ATTRIBUTION.search(text))),
            float(first_word in _DANGLING),
            float(text.rstrip("\"'”’)").endswith("?")),
            log_n,
        ])
    return rows, vectors
