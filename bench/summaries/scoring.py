"""One scoring function for every row: ROUGE-1/2/Lsum F1 (rouge-score, stemmed) and length."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rouge_score import rouge_scorer

from .text import count_words, sentences, split_reference

Summary = str | Sequence[str]  # a text (split with punkt) or its sentences


@dataclass
class Score:
    name: str
    r1: float
    r2: float
    rlsum: float
    words: float
    n: int
    note: str = ""


@lru_cache(maxsize=1)
def _scorer() -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def _lines(summary: Summary, split) -> str:
    sents = split(summary) if isinstance(summary, str) else summary
    return "\n".join(s.strip() for s in sents)  # Lsum needs one sentence per line


def score_system(name: str, outputs: Sequence[Summary], references: Sequence[Summary], note: str = "") -> Score:
    """Mean F1 ×100 over aligned outputs/references.

    Outputs given as strings are split with punkt; references given as strings are split on
    " . " / newlines (the dataset's highlight format). Pass lists of sentences to control it.
    """
    if len(outputs) != len(references) or not outputs:
        raise ValueError(f"{name}: {len(outputs)} outputs for {len(references)} references")
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeLsum": 0.0}
    words = 0
    for out, ref in zip(outputs, references):
        pred = _lines(out, sentences)
        for key, s in _scorer().score(_lines(ref, split_reference), pred).items():
            totals[key] += s.fmeasure
        words += count_words(pred)
    n = len(outputs)
    return Score(name, *(100 * totals[k] / n for k in ("rouge1", "rouge2", "rougeLsum")), words / n, n, note)
