"""Stage: story briefs. One summary of all of a story's sources in which every
sentence is an unchanged sentence of one source and cites every source that
states it; with the story's facts and where its sources agree and differ."""
from __future__ import annotations

import re
from dataclasses import asdict

from storyline.brief import cite, pool as pooling, select
from storyline.model import Agreement, Brief, BriefSentence, Facts, Source
from storyline.summary import summarize

METHOD = "storyline-brief-3"  # change when the method changes: stored briefs are keyed by it
DEFAULT_WORDS = 120


def brief(sources: list[Source], *, words: int = DEFAULT_WORDS, story: int | str | None = None,
          facts: bool = True, nlp=None, entities: list | None = None, vectors: list | None = None,
          embed: bool = True) -> Brief:
    """The brief of a story told by `sources` (any order), within `words` words.
    `facts=False` skips named-entity recognition (the slow part); `entities`
    (one list per source, from `storyline.facts.find_entities`) reuses it;
    `vectors` (one storyline.brief.vectors.SourceVectors or None per source)
    reuses sentence vectors; `embed=False` makes none (the support check then
    goes by words and facts alone, unless every source's vectors are given)."""
    if words < 1:
        raise ValueError("the brief length must be at least one word")
    story_facts = _facts(sources, nlp, entities) if facts else Facts()
    originals = [s for k, (s, o) in enumerate(zip(sources, pooling.originals(sources))) if o == k]
    if len(originals) <= 1:
        return _single(sources, originals[0] if originals else None, words, story, story_facts)
    pool = pooling.build(sources, vectors=vectors, embed=embed)
    value = select.scores(pool)
    chosen = select.choose(pool, words)
    judged = [cite.judge(pool, i) for i in range(len(pool.sentences))]
    sentences = [BriefSentence(pool.sentences[i].text, pool.sources[pool.sentences[i].source].id,
                               cite.citations(pool, i, judged[i].backing), pool.sentences[i].position)
                 for i in chosen]
    agreement = cite.agreement(pool, value, judged)
    agreement.conflicts = _merge_conflicts(_conflicts(sources), agreement.conflicts)
    _drop_disputed(agreement)
    return Brief(story, sentences, story_facts, agreement, METHOD, sum(len(s.text.split()) for s in sentences))


def _merge_conflicts(found: list, contradictions: list) -> list:
    """The facts stage's conflicts, then the support check's that name other values."""
    seen = [{_plain(v.value) for v in c.values} for c in found]
    extra = [c for c in contradictions if not any({_plain(v.value) for v in c.values} & s for s in seen)]
    return found + extra


def _drop_disputed(agreement: Agreement) -> None:
    """A statement that gives a disputed value is shown under "Conflicting", not as
    something only its source reports."""
    for article, statements in agreement.only_in.items():
        disputed = [v.value for c in agreement.conflicts for v in c.values if article in v.articles]
        statements[:] = [s for s in statements if not any(_gives(s.text, value) for value in disputed)]
    agreement.only_in = {k: v for k, v in agreement.only_in.items() if v}


def _gives(text: str, value: str) -> bool:
    return bool(value) and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.I) is not None


def _plain(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def _single(sources: list[Source], source: Source | None, words: int, story, facts: Facts) -> Brief:
    """A story of one article (and its near-copies) gets that article's summary."""
    if source is None:
        return Brief(story, [], facts, None, METHOD)
    copies = [s.id for s in sources if s is not source]
    summary = summarize(source.text, title=source.title, words=words)
    sentences = [BriefSentence(s.text, source.id, [source.id, *copies], s.position) for s in summary.sentences]
    return Brief(story, sentences, facts, None, METHOD, summary.words)


def _facts(sources: list[Source], nlp, entities) -> Facts:
    from storyline.facts import extract_facts
    return extract_facts(sources, nlp=nlp, entities=entities)


def _conflicts(sources: list[Source]) -> list:
    from storyline.facts.conflicts import find_conflicts
    return find_conflicts([s for s in sources if s.duplicate_of is None] or sources)


def brief_json(brief: Brief) -> dict:
    """The brief in the shape the CLI and the API give."""
    facts = asdict(brief.facts)
    agreement = None
    if brief.agreement is not None:
        agreement = {
            "shared": [asdict(s) for s in brief.agreement.shared],
            "only_in": {str(k): [{"text": s.text} for s in v] for k, v in brief.agreement.only_in.items()},
            "conflicts": [asdict(c) for c in brief.agreement.conflicts],
        }
    return {
        "story": brief.story,
        "sentences": [{"text": s.text, "article": s.article, "citations": s.citations} for s in brief.sentences],
        "facts": facts,
        "agreement": agreement,
        "method": brief.method,
        "words": brief.words,
    }


__all__ = ["DEFAULT_WORDS", "METHOD", "Agreement", "Brief", "brief", "brief_json"]
