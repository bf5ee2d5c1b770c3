"""extract_facts: people, organisations, places, dates and quotes of a story."""
from __future__ import annotations

import re

from storyline.facts import dates, nlp as models
from storyline.facts.names import Found, fold, merge
from storyline.facts.people import PeopleIndex
from storyline.facts.quotes import find_quotes
from storyline.facts.sentences import sentences
from storyline.facts.spans import NameSpans
from storyline.facts.timeline import merge_dates
from storyline.model import Facts, Source

# spaCy labels -> our types; everything else (NORP, MONEY, ...) is not a name.
NAME_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


Entity = tuple[str, str, int]  # text, spaCy label, offset in the source's text


def find_entities(texts: list[str], nlp=None) -> list[list[Entity]]:
    """The names, dates and times the recognizer finds in each text: the slow part
    of the facts, kept per article by the store so a story's facts are not
    recognized again when it gains an article."""
    nlp = nlp or models.load()
    return [[(ent.text, ent.label_, ent.start_char) for ent in doc.ents
             if ent.label_ in NAME_TYPES or ent.label_ in ("DATE", "TIME")]
            for doc in nlp.pipe(texts)]


def extract_facts(sources: list[Source], nlp=None, entities: list[list[Entity]] | None = None) -> Facts:
    """Facts of the articles of one story. `nlp` is a loaded spaCy pipeline with
    an entity recognizer; by default the configured model (STORYLINE_SPACY_MODEL).
    `entities`, one list per source from `find_entities`, skips recognition."""
    if entities is None:
        entities = find_entities([source.text for source in sources], nlp)
    known = _known_names(entities)
    dictionary = models.dictionary()
    names, date_phrases = [], []
    for source, found in zip(sources, entities):
        published = dates.published_date(source.published)
        spans = sentences(source.text)
        places = NameSpans(source.text, [start for _, _, start in found], known, dictionary)
        covered = 0  # end of the last name: a span grown over the next one swallows it
        for text, label, start in found:
            if label in NAME_TYPES:
                if start < covered:
                    continue
                span = places.extend(start, start + len(text))
                covered = span.end
                names.append(Found(span.text, NAME_TYPES[label], source.id, places.in_prose(start),
                                   places.stands_alone(start, span.end)))
            else:
                context = _sentence_before(spans, source.text, start)
                date_phrases.append((text, label, context, source.id, published))
    merged = merge(names, _lower_case_words(sources), dictionary)
    people = PeopleIndex(merged["PER"])
    quotes = [quote for source in sources
              for quote in find_quotes(source.text, source.id, people.resolve)]
    return Facts(people=merged["PER"], organisations=merged["ORG"], places=merged["LOC"],
                 dates=merge_dates(date_phrases), quotes=quotes)


def _sentence_before(spans: list[tuple[int, int]], text: str, offset: int) -> str:
    """The sentence up to an entity: it tells "will start in March" from "in March"."""
    for start, end in spans:
        if start <= offset < end:
            return text[start:offset]
    return ""


def _known_names(entities: list[list[Entity]]) -> dict[str, list[str]]:
    """Every name of the story as written, by its first word, longest first."""
    known: dict[str, set[str]] = {}
    for found in entities:
        for text, label, _ in found:
            text = re.sub(r"^(?:the|The)\s+", "", text.strip())
            if label in NAME_TYPES and " " in text:
                known.setdefault(fold(text.split()[0]), set()).add(text)
    return {first: sorted(names, key=len, reverse=True) for first, names in known.items()}


def _lower_case_words(sources: list[Source]) -> frozenset[str]:
    """Words the story writes in lower case ("the council", "police said")."""
    return frozenset(word for source in sources for word in re.findall(r"\b[a-z][a-z-]+\b", source.text))
