"""Where the sources of a story disagree: counts, times, dates and name spellings.

Cheap by design (regex over sentences, no NER). Precision over recall: a value
is compared only when each source states it once, and only values about the
same thing (same unit and same event word) are compared.
"""
from __future__ import annotations

from collections import defaultdict

from storyline.facts.claims import claims
from storyline.facts.dates import published_date
from storyline.facts.sentences import sentences
from storyline.facts.variants import name_conflicts
from storyline.model import Conflict, ConflictValue, Facts, Source


def find_conflicts(sources: list[Source], facts: Facts | None = None) -> list[Conflict]:
    """Conflicts between sources, most sources involved first. With `facts`
    (from extract_facts), name spellings are compared among its people only."""
    by_about: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple, str] = {}
    for source in sources:
        published = published_date(source.published)
        for start, end in sentences(source.text):
            for claim in claims(source.text[start:end], published):
                by_about[claim.about][source.id].append(claim)
                labels.setdefault(claim.about, claim.label)
    found = []
    for about, per_source in by_about.items():
        conflict = _conflict(labels[about], per_source)
        if conflict:
            found.append(conflict)
    known = [p.name for p in facts.people] + [v for p in facts.people for v in p.variants] if facts else None
    for label, articles in name_conflicts(sources, known):
        found.append(Conflict(about=label, values=[ConflictValue(name, ids) for name, ids in articles.items()]))
    found.sort(key=lambda c: -len({a for v in c.values for a in v.articles}))
    return found


def _conflict(label: str, per_source: dict) -> Conflict | None:
    values: dict = {}  # comparable value -> (written form, [source ids])
    for source_id, source_claims in per_source.items():
        distinct = {c.value for c in source_claims}
        if len(distinct) != 1:
            continue  # the source gives several values: unclear which one to compare
        claim = source_claims[0]
        written, ids = values.setdefault(claim.value, (claim.written, []))
        ids.append(source_id)
    values = _merge_compatible(values)
    if len(values) < 2:
        return None
    spreads = [c.spread for claims in per_source.values() for c in claims if c.spread is not None]
    if spreads and max(values) - min(values) > min(spreads):
        return None  # too far apart to be one thing told two ways (two people's ages)
    return Conflict(about=label, values=[ConflictValue(written, ids) for written, ids in values.values()])


def _merge_compatible(values: dict) -> dict:
    """A month agrees with a day in it ("January" and "January 4")."""
    merged = dict(values)
    for value in list(merged):
        if isinstance(value, str) and len(value) == 7:
            days = [v for v in merged if isinstance(v, str) and len(v) == 10 and v.startswith(value)]
            if len(days) == 1:
                written, ids = merged.pop(value)
                merged[days[0]][1].extend(ids)
    return merged
