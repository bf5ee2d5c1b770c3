"""Which sources state what a sentence says: citations and agreement.

A sentence A of one source is stated by another source when the support
check (storyline.brief.support) says one of that source's sentences states
it; the candidates are the source's two sentences closest to A in meaning and
the one closest in words. A candidate that gives another value for what A
says is a contradiction, shown under "Conflicting".

`states` is milestone 1's lexical rule, kept as the baseline the benchmarks
print: TF-IDF cosine at least PARAPHRASE, at least CONTAINMENT of A's
idf-weighted terms in B, and every number of A in B.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from storyline.brief import support
from storyline.brief.pool import Pool
from storyline.model import Agreement, Conflict, ConflictValue, Statement

PARAPHRASE = 0.35
CONTAINMENT = 0.5


@dataclass
class SharedStatement(Statement):
    """A statement several outlets make: `outlets` of the story's `of` outlets
    state it ("Reported by 2 of 3 outlets"; all of them only when equal)."""

    outlets: int = 0
    of: int = 0


def states(pool: Pool, i: int, j: int, cosine: float = PARAPHRASE, containment: float = CONTAINMENT) -> bool:
    """Does sentence j state what sentence i says?"""
    a, b = pool.sentences[i], pool.sentences[j]
    if pool.similarity[i, j] < cosine or not a.numbers <= b.numbers:
        return False
    return covered(pool, a.terms, b.terms) >= containment


def covered(pool: Pool, said: tuple, by: tuple) -> float:
    """The share of what `said` says (its terms, weighted by idf) that `by` also says."""
    terms, others = set(said), set(by)
    total = sum(pool.idf.get(t, 0.0) for t in terms)
    return sum(pool.idf.get(t, 0.0) for t in terms & others) / total if total else 0.0


@dataclass
class Judged:
    """What the other sources say of one sentence."""

    backing: dict  # {source index: its sentence stating it}
    contradicted: list  # [(sentence index, Verdict)] of sentences giving another value
    lead: str | None = None  # the sentence's leading clause, when it has several ...
    lead_backing: dict = field(default_factory=dict)  # ... and the sources stating that clause


def judge(pool: Pool, i: int) -> Judged:
    sentence = pool.sentences[i]
    judged = Judged({}, [])
    lead = _lead(pool, i)
    for source, rows in enumerate(pool.rows):
        if source == sentence.source or not rows:
            continue
        contradicting = []
        candidates = _candidates(pool, i, rows)
        for j in candidates:
            verdict = support.verdict(pool.said[i], pool.said[j], float(pool.similarity[i, j]),
                                      covered(pool, sentence.terms, pool.sentences[j].terms))
            if verdict.kind == support.STATES:
                judged.backing[source] = j
                contradicting = []  # a source that states it does not contradict it
                break
            if verdict.kind == support.CONTRADICTS:
                contradicting.append((j, verdict))
        judged.contradicted += contradicting
        if lead is not None and source not in judged.backing:
            for j in candidates:
                cosine, contained = support.lexical_scores(lead.terms, pool.said[j].terms, pool.idf)
                if support.verdict(lead, pool.said[j], cosine, contained).kind == support.STATES:
                    judged.lead_backing[source] = j
                    break
    if lead is not None and judged.lead_backing:
        judged.lead = lead.text
    return judged


def _lead(pool: Pool, i: int):
    """The first clause of a sentence of several, as a statement of its own: what
    other outlets may report without the sentence's other details."""
    said = pool.said[i]
    vectors = said.clause_vectors()
    if not said.clauses or vectors is None:
        return None
    text = said.clauses[0][1]
    lead = support.prepare([text], vectors[:1], embed=False)[0]
    lead.clauses = []
    return lead if lead.content.names or lead.content.numbers else None


def _candidates(pool: Pool, i: int, rows: list) -> list:
    """The sentences of one source worth asking about sentence i: the two
    closest in meaning and the closest in words."""
    rows = np.asarray(rows)
    picked = [int(rows[np.argmax(pool.similarity[i, rows])])]
    if pool.meaning is not None:
        closest = rows[np.argsort(-pool.meaning[i, rows])[:2]]
        picked = [int(j) for j in closest] + [j for j in picked if j not in closest]
    return picked


def supporters(pool: Pool, i: int) -> dict[int, int]:
    """{source index: its sentence stating sentence i} for every other source."""
    return judge(pool, i).backing


def citations(pool: Pool, i: int, backing: dict[int, int]) -> list:
    """Ids of every source that states sentence i (`backing`: its supporters),
    its own source first."""
    own = pool.sentences[i].source
    return [pool.sources[own].id] + [pool.sources[s].id for s in sorted(backing, key=pool.reading_order)]


RESTATED = 0.8  # meaning above which a sentence retells one of another source
ANOTHER_THING = 0.45  # meaning below which a sentence without names or numbers says something of its own


def agreement(pool: Pool, scores: list[float], judged: list[Judged], *, shared_limit: int = 8,
              only_limit: int = 3, redundancy: float = 0.5) -> Agreement:
    """What two or more outlets report (and how many of the story's outlets
    do), what a single source alone reports (statements with a name, number
    or date no other source gives, that no other source states or retells),
    and the values the sources contradict each other on.

    Near-copies are one voice: a statement supported only by a copy of its
    own source is not "shared", and a copy gets no "only in" of its own.
    """
    outlets = [pool.sources[k].outlet or str(pool.sources[k].id) for k in range(len(pool.sources))]
    story_outlets = len(set(outlets))
    order = sorted(range(len(pool.sentences)), key=lambda i: -scores[i])
    others_words, others_numbers = _what_others_say(pool)
    in_conflict = {i for i, j in enumerate(judged) if j.contradicted} | \
                  {k for j in judged for k, _ in j.contradicted}
    shared: list[SharedStatement] = []
    shared_picked: list[int] = []
    told: set[int] = set()
    alone: dict[int, list[int]] = {}
    for i in order:
        own = pool.sentences[i].source
        backing = judged[i].backing
        voices = {pool.originals[s] for s in [own, *backing]}
        distinct_outlets = {outlets[s] for s in [own, *backing]}
        text = pool.sentences[i].text
        if len(voices) < 2 and judged[i].lead:  # its first clause may be what several report
            lead_voices = {pool.originals[s] for s in [own, *judged[i].lead_backing]}
            if len(lead_voices) >= 2:
                backing, voices, text = judged[i].lead_backing, lead_voices, _statement(judged[i].lead)
                distinct_outlets = {outlets[s] for s in [own, *backing]}
        if len(voices) >= 2 and len(distinct_outlets) >= 2:
            if len(shared) < shared_limit and i not in told and not pool.repeats(i, shared_picked, redundancy):
                told.update(backing.values())  # the other outlets' tellings of it are not shown again
                ids = [pool.sources[s].id for s in sorted([own, *backing], key=pool.reading_order)]
                shared.append(SharedStatement(text, ids, len(distinct_outlets), story_outlets))
                shared_picked.append(i)
        elif len(voices) == 1 and pool.sources[own].duplicate_of is None and i not in in_conflict \
                and not judged[i].lead_backing:
            alone_kind = _alone(pool, i, others_words[own], others_numbers[own])
            if alone_kind:
                alone.setdefault(own, []).append((alone_kind, i))
    only_in = {}
    for source, found in sorted(alone.items(), key=lambda kv: pool.reading_order(kv[0])):
        picked: list[int] = []
        for _, i in sorted(found, key=lambda item: item[0]):  # stable: best score first within a kind
            if len(picked) < only_limit and not pool.repeats(i, picked, redundancy):
                picked.append(i)
        only_in[pool.sources[source].id] = [Statement(pool.sentences[i].text, [pool.sources[source].id])
                                            for i in sorted(picked)]
    return Agreement(shared=shared, only_in=only_in, conflicts=_conflicts(pool, judged))


def _statement(clause: str) -> str:
    clause = clause.strip()
    return clause[:1].upper() + clause[1:] + ("" if clause[-1:] in ".!?" else ".")


def _what_others_say(pool: Pool) -> tuple[list, list]:
    """For each source, the words and numbers of every source that is not it or its copy."""
    words = [set() for _ in pool.sources]
    numbers = [set() for _ in pool.sources]
    for k, said in enumerate(pool.said):
        words[pool.sentences[k].source] |= said.content.words
        numbers[pool.sentences[k].source] |= said.content.numbers
    others_words, others_numbers = [], []
    for k in range(len(pool.sources)):
        voice = pool.originals[k]
        others = [m for m in range(len(pool.sources)) if pool.originals[m] != voice]
        others_words.append(set().union(*(words[m] for m in others)))
        others_numbers.append(set().union(*(numbers[m] for m in others)))
    return others_words, others_numbers


def _alone(pool: Pool, i: int, words: set, numbers: set) -> int:
    """Whether sentence i reports something no other source does: 1 when it gives a
    name or number no other source gives, 2 when it gives none but nothing
    another source says is close to it in meaning; 0 when another source retells
    it or gives all of its names and numbers."""
    content = pool.said[i].content
    closest = 0.0
    if pool.meaning is not None:
        own = pool.originals[pool.sentences[i].source]
        others = [j for j, s in enumerate(pool.sentences) if pool.originals[s.source] != own]
        closest = float(pool.meaning[i, others].max()) if others else 0.0
    if closest >= RESTATED:
        return 0
    if any(not (set(name) <= words or name[-1] in words) for name in content.names) or \
            any(n not in numbers for n in content.numbers):
        return 1
    if not content.names and not content.numbers and closest < ANOTHER_THING:
        return 2
    return 0


def _conflicts(pool: Pool, judged: list[Judged]) -> list[Conflict]:
    """One Conflict per disputed thing: each value with the sources that give it."""
    found: dict[tuple, dict[str, set]] = {}
    for i, j in enumerate(judged):
        for k, verdict in j.contradicted:
            about, mine, theirs = verdict.values
            values = found.setdefault((about, frozenset((mine, theirs))), {})
            values.setdefault(mine, set()).add(pool.sources[pool.sentences[i].source].id)
            values.setdefault(theirs, set()).add(pool.sources[pool.sentences[k].source].id)
    order = {source.id: pool.reading_order(k) for k, source in enumerate(pool.sources)}
    return [Conflict(about=about or "a number", values=[ConflictValue(v, sorted(ids, key=order.get))
                                                        for v, ids in values.items()])
            for (about, _), values in found.items()]
