"""Stage: extractive article summaries. Every summary sentence is a sentence
of the article, unchanged, shown in article order.

Punkt sentences, paragraph by paragraph; sentences that cannot stand in a
summary (bylines, timestamps, page prompts, captions, fragments) are dropped;
the rest are scored (score.py: position prior times centrality, title overlap
and name/number density, marked down for quotes and dangling openers) and
picked best first within the length budget, skipping near-repeats."""
from __future__ import annotations

from storyline.extract.language import detect
from storyline.model import Summary, SummarySentence
from storyline.summary.score import DEFAULT, Weights, cosine, score
from storyline.summary.sentences import Sentence, problem, split

METHOD = "storyline-extractive-2"  # change when the method changes: stored summaries are keyed by it
DEFAULT_SENTENCES = 3
DEFAULT_WORDS = 90


def summarize(text: str, *, title: str | None = None, sentences: int | None = None,
              words: int | None = None, language: str | None = None,
              weights: Weights = DEFAULT) -> Summary:
    """A summary of at most `sentences` sentences and about `words` words
    (defaults: 3 sentences within 90 words)."""
    if sentences is None and words is None:
        sentences, words = DEFAULT_SENTENCES, DEFAULT_WORDS
    if sentences is not None and sentences < 1 or words is not None and words < 1:
        raise ValueError("the summary length must be at least one sentence or one word")
    language = language or detect(text) or "en"
    all_sentences = split(text, language)
    if not all_sentences:
        return Summary([], METHOD, language, note="the article has no text")
    if _fits(all_sentences, sentences, words):
        return _summary(all_sentences, language, "the article is shorter than the summary length")
    if language != "en":
        lead = _budgeted(all_sentences, sentences, words)
        return _summary(lead, language, f"summaries are tuned for English; this {language} article gets its lead")
    candidates = [s for s in all_sentences if problem(s.text) is None]
    if not candidates:
        return _summary(_budgeted(all_sentences, sentences, words), language,
                        "no sentence in the article reads as prose; showing its beginning")
    scores, vectors = score(candidates, title, weights)
    chosen = select(candidates, scores, vectors, sentences=sentences, words=words, redundancy=weights.redundancy)
    return _summary([candidates[i] for i in chosen], language)


def select(candidates: list[Sentence], scores: list[float], vectors: list, *, sentences: int | None = DEFAULT_SENTENCES,
           words: int | None = DEFAULT_WORDS, redundancy: float = DEFAULT.redundancy) -> list[int]:
    """Indices of the chosen candidates, in article order: best score first,
    within the budget, skipping a sentence that repeats one already chosen."""
    chosen: list[int] = []
    used = 0
    for i in sorted(range(len(candidates)), key=lambda i: -scores[i]):
        if sentences is not None and len(chosen) >= sentences:
            break
        length = len(candidates[i].text.split())
        if words is not None and chosen and used + length > words:
            # Filling the budget with whatever short sentence still fits picks
            # quotes and asides; stopping at the first misfit measured better.
            break
        if any(cosine(vectors[i], vectors[j]) > redundancy for j in chosen):
            continue
        chosen.append(i)
        used += length
    return sorted(chosen)


def _fits(all_sentences: list[Sentence], sentences: int | None, words: int | None) -> bool:
    total = sum(len(s.text.split()) for s in all_sentences)
    return (sentences is None or len(all_sentences) <= sentences) and (words is None or total <= words)


def _budgeted(all_sentences: list[Sentence], sentences: int | None, words: int | None) -> list[Sentence]:
    """The first sentences, within the budget (always at least one)."""
    out, used = [], 0
    for s in all_sentences:
        length = len(s.text.split())
        if out and (sentences is not None and len(out) >= sentences or words is not None and used + length > words):
            break
        out.append(s)
        used += length
    return out


def _summary(chosen: list[Sentence], language: str, note: str | None = None) -> Summary:
    return Summary([SummarySentence(s.text, s.position) for s in chosen], METHOD, language, note)


__all__ = ["METHOD", "Summary", "Weights", "summarize"]
