"""Briefs of stored stories: made on first request, kept until the story changes."""
from __future__ import annotations

import hashlib

from storyline.brief import DEFAULT_WORDS, METHOD, brief, brief_json
from storyline.model import Source
from storyline.storage import Store


def story_brief(store: Store, story_id: int, *, words: int = DEFAULT_WORDS,
                facts: bool = True) -> dict | None:
    """The story's brief as JSON (None if there is no such story). A brief is
    made again when the story gained an article or one of its texts changed.
    `facts=False` gives the brief without its facts (no named-entity
    recognition, so cheap enough for a front page); its `facts` lists are empty."""
    rows = store.story_sources(story_id)
    if not rows and store.get_story(story_id) is None:
        return None
    signature = sources_signature(rows)
    part = "full" if facts else "text"
    cached = store.get_brief(story_id, words, part, METHOD, signature)
    if cached is None and not facts:
        cached = store.get_brief(story_id, words, "full", METHOD, signature)
    if cached is not None:
        return cached
    sources = [Source(r["id"], r["text"], r["title"], r["outlet"], r["published"], r["duplicate_of"])
               for r in rows]
    entities = _entities(store, sources) if facts else None
    originals = [s for s in sources if s.duplicate_of is None]
    # Sentence vectors are made when a story is first read with its facts, not while
    # ingesting (they cost more than the rest of ingestion together); until then the
    # quick brief's support check goes by words and facts alone.
    vectors = _vectors(store, sources, make=facts) if len(originals) > 1 else None
    body = brief_json(brief(sources, words=words, story=story_id, facts=facts, entities=entities, vectors=vectors,
                            embed=facts))
    store.put_brief(story_id, words, part, METHOD, signature, body)
    return body


def sources_signature(rows: list[dict]) -> str:
    """What a stored brief was made from (Store.story_sources' rows): it is made
    again when this changes."""
    digest = hashlib.sha256()
    for r in rows:  # the text, not the stored content hash: chrome learning may clean it again
        digest.update(f"{r['id']}:{r['duplicate_of']}:{r['published']}\n{r['text']}\0".encode())
    return digest.hexdigest()[:32]


def text_hash(source: Source) -> str:
    """The version of an article's text that what is kept of it (entities, vectors) was made from."""
    return hashlib.sha256(source.text.encode()).hexdigest()[:32]


def _entities(store: Store, sources: list[Source]) -> list[list]:
    """Each source's named entities: from the store, recognized only for the
    articles (or text versions) not seen before."""
    from storyline.facts import find_entities
    from storyline.facts.nlp import model_name

    model = model_name()
    hashes = [text_hash(s) for s in sources]
    found = [store.get_entities(s.id, model, h) for s, h in zip(sources, hashes)]
    missing = [k for k, f in enumerate(found) if f is None]
    if missing:
        for k, entities in zip(missing, find_entities([sources[k].text for k in missing])):
            found[k] = entities
            store.put_entities(sources[k].id, model, hashes[k], [list(e) for e in entities])
    return found


def _vectors(store: Store, sources: list[Source], make: bool = True) -> list:
    """Each source's sentence vectors: from the store, computed (once, when
    `make`) for the articles (or text versions) not seen before."""
    from storyline import embed
    from storyline.brief.pool import source_sentences
    from storyline.brief.vectors import compute, from_bytes, to_bytes

    found = []
    for source in sources:
        version = text_hash(source)
        kept = store.get_vectors(source.id, embed.MODEL, version)
        if kept is not None:
            found.append(from_bytes(*kept))
            continue
        vectors = compute(source_sentences(source)) if make else None
        if vectors is not None:
            store.put_vectors(source.id, embed.MODEL, version, *to_bytes(vectors))
        found.append(vectors)
    return found


def refresh_briefs(store: Store, story_ids, *, words: int = DEFAULT_WORDS, facts: bool = True) -> int:
    """Make the briefs of stories that gained or changed articles (after a batch)."""
    made = 0
    for story_id in sorted(set(story_ids)):
        if story_brief(store, story_id, words=words, facts=facts) is not None:
            made += 1
    return made
