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


def extract_facts(sources: list[Source], nlp=None) -> Facts:
    """Facts of the articles of one story. `nlp` is a loaded spaCy pipeline with
    an entity recognizer; by default the configured model (STORYLINE_SPACY_MODEL)."""
    nlp = nlp or models.load()
    docs = list(nlp.pipe(source.text for source in sources))
    names, date_phrases = [], []
    for source, doc in zip(sources, docs):
        published = dates.published_date(source.published)
        spans = sentences(source.text)
        for ent in doc.ents:
            if ent.label_ in NAME_TYPES:
                names.append((ent.text, NAME_TYPES[ent.label_], source.id))
            elif ent.label_ in ("DATE", "TIME"):
                context = _sentence_before(spans, source.text, ent.start_char)
                date_phrases.append((ent.text, ent.label_, context, source.id, published))
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
