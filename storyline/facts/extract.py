"""extract_facts: people, organisations, places, dates and quotes of a story."""
from __future__ import annotations

from storyline.facts import dates, nlp as models
from storyline.facts.names import merge
from storyline.facts.people import PeopleIndex
from storyline.facts.quotes import find_quotes
from storyline.facts.sentences import sentences
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
    names, date_phrases = [], []
    for source, found in zip(sources, entities):
        published = dates.published_date(source.published)
        spans = sentences(source.text)
        for text, label, start in found:
            if label in NAME_TYPES:
                names.append((text, NAME_TYPES[label], source.id))
            else:
                context = _sentence_before(spans, source.text, start)
                date_phrases.append((text, label, context, source.id, published))
    merged = merge(names)
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
