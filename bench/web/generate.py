"""A big synthetic archive for the web and storage benchmarks, written straight
into the schema (the reader is what is measured, not ingestion or clustering):
N articles in N/10 stories from 24 outlets over 90 days. Each story has its
own names, place and figures; its articles share some sentences (reworded)
and add their own, so briefs, citations and agreement have work to do.
Articles go through the real tables and the database's own search index
(FTS5 triggers on SQLite, the generated tsvector column on PostgreSQL).

Works on any store `open_store` opens: an SQLite path or a postgresql:// URL."""
from __future__ import annotations

import hashlib
import json
import random
import time
from datetime import datetime, timedelta, timezone

from storyline.storage import open_store

START = datetime(2026, 8, 1, tzinfo=timezone.utc)
SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "bri", "del", "gan", "hu", "sel", "tor", "ul", "wen",
             "ar", "es", "ni", "pa", "ro", "sun"]
VERBS = ["approved", "rejected", "announced", "delayed", "opened", "closed", "expanded", "reviewed",
         "funded", "questioned", "defended", "postponed"]
NOUNS = ["budget", "bridge", "clinic", "school", "harbour", "railway", "water plan", "housing scheme",
         "festival", "tax", "port", "library", "court case", "election", "strike", "fire"]
FILLER = [
    "Officials said more details would follow later in the week.",
    "Residents were invited to a public meeting at the town hall.",
    "The decision followed months of debate among local groups.",
    "Critics said the plan did not go far enough.",
    "Supporters welcomed the move as overdue.",
    "A spokesperson declined to comment further on Tuesday.",
    "The figures were published in a report on the council website.",
    "Work is expected to start early next year if funding is confirmed.",
]
OUTLETS = 24

INSERT_STORY = (
    "INSERT INTO stories (title, first_seen, last_seen, last_day, size, centroid, members, updated) "
    "VALUES (:title, :first_seen, :last_seen, :last_day, :size, '{}', '[]', :updated) RETURNING id")
INSERT_ARTICLE = (
    "INSERT INTO articles (url, canonical_url, content_hash, outlet_id, title, author, published, language, "
    "raw_text, text, words, fetched, source, story_id, placed) "
    "VALUES (:url, :url, :content_hash, :outlet_id, :title, :author, :published, 'en', "
    ":text, :text, :words, :published, 'bench', :story_id, 1)")


def word(rng: random.Random) -> str:
    """An invented word of two or three syllables."""
    return "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3)))


def outlet_names(rng: random.Random, count: int = OUTLETS) -> list[str]:
    return [f"{word(rng).capitalize()} {rng.choice(['Times', 'Courier', 'Wire', 'Ledger', 'Post'])}"
            for _ in range(count)]


def outlet_host(name: str) -> str:
    return name.lower().replace(" ", "") + ".example"


def make_story(rng: random.Random) -> dict:
    """A story's title, the facts its articles share, its people, place and topic."""
    names = [f"{word(rng).capitalize()} {word(rng).capitalize()}" for _ in range(3)]
    place = word(rng).capitalize() + rng.choice([" Falls", "ton", " Bay", "field", " Ridge"])
    org = word(rng).capitalize() + rng.choice([" Council", " Authority", " Group", " Union"])
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    n = rng.randint(12, 900)
    facts = [
        f"The {org} {verb} the {noun} in {place} on {rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday'])}.",
        f"{names[0]}, who leads the {org}, said the {noun} would affect about {n} households.",
        f"The {noun} is expected to cost {rng.randint(2, 90)} million dollars over {rng.randint(2, 9)} years.",
        f"{names[1]} told reporters that {place} had waited too long for a decision.",
        f"Opposition members led by {names[2]} called for an independent review of the {noun}.",
        f"About {n // 3} people attended the meeting in {place}, according to organisers.",
        f"The {org} will publish its final plan for the {noun} in {rng.choice(['March', 'June', 'October'])}.",
    ]
    title = f"{org} {verb} {noun} in {place}"
    return {"title": title, "facts": facts, "names": names, "place": place, "noun": noun, "n": n}


def article_text(rng: random.Random, story: dict, k: int, filler: list[str] = FILLER) -> str:
    """Some of the story's facts, one sentence of the article's own (numbered
    `k`) and three of `filler`, two sentences a paragraph."""
    chosen = rng.sample(story["facts"], rng.randint(4, 6))
    own = [f"{rng.choice(story['names'])} added that the {story['noun']} in {story['place']} "
           f"would be discussed again by {rng.choice(['spring', 'summer', 'autumn', 'winter'])} ({k})."]
    sentences = chosen[:2] + own + chosen[2:] + rng.sample(filler, 3)
    return "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))


def story_sizes(rng: random.Random, articles: int, per_story: int) -> list[int]:
    """Story sizes from 1 to 2*per_story-1 (mean per_story), nudged to sum to `articles`."""
    stories = max(1, articles // per_story)
    sizes = [rng.randint(1, 2 * per_story - 1) for _ in range(stories)]
    while sum(sizes) != articles:
        i = rng.randrange(stories)
        if sum(sizes) > articles and sizes[i] > 1:
            sizes[i] -= 1
        elif sum(sizes) < articles and sizes[i] < 2 * per_story - 1:
            sizes[i] += 1
    return sizes


def generate(location: str, articles: int = 100_000, per_story: int = 10, seed: int = 11,
             progress=print, extend: bool = False) -> dict:
    """Write `articles` generated articles into the database at `location`
    (an SQLite path or a postgresql:// URL). It must hold no articles yet,
    unless `extend`: then they are added beside what is there (give another
    `seed` than the one that made what is there, or the texts collide)."""
    rng = random.Random(seed)
    outlets = outlet_names(rng)
    sizes = story_sizes(rng, articles, per_story)
    started = time.monotonic()
    with open_store(location) as store:
        postgres = store.dialect == "postgresql"
        if not postgres:
            store.execute("PRAGMA synchronous=OFF")  # a benchmark file: rebuilt, never recovered
        if store.count_articles() and not extend:
            raise SystemExit(f"{location} already has articles; give a new one")
        with store.transaction():
            outlet_ids = [store.outlet_id(name, outlet_host(name)) for name in outlets]
        made = 0
        for s, size in enumerate(sizes):
            story = make_story(rng)
            day = START + timedelta(days=rng.uniform(0, 90))
            times = sorted(day + timedelta(hours=rng.uniform(0, 48)) for _ in range(size))
            iso = [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]
            with store.transaction():
                story_id = store.scalar(INSERT_STORY, {
                    "title": story["title"], "first_seen": iso[0], "last_seen": iso[-1],
                    "last_day": times[-1].timestamp() / 86400, "size": size, "updated": iso[-1]})
                for k in range(size):
                    outlet = rng.randrange(len(outlets))
                    text = article_text(rng, story, made + k)
                    title = story["title"] if k == 0 else f"{story['title']}: {rng.choice(story['names'])} responds"
                    url = f"https://{outlet_host(outlets[outlet])}/{story_id}/{k}"
                    store.execute(INSERT_ARTICLE, {
                        "url": url, "content_hash": hashlib.sha256(f"{made + k}{text}".encode()).hexdigest(),
                        "outlet_id": outlet_ids[outlet], "title": title, "author": rng.choice(story["names"]),
                        "published": iso[k], "text": text, "words": len(text.split()), "story_id": story_id})
            made += size
            if progress and (s + 1) % 1000 == 0:
                progress(f"  {made:,} articles in {s + 1:,} stories ({time.monotonic() - started:.0f} s)")
        # Fresh statistics for the planner after a bulk load.
        store.execute("ANALYZE" if postgres else "PRAGMA optimize")
    return {"articles": made, "stories": len(sizes), "seconds": round(time.monotonic() - started, 1)}


if __name__ == "__main__":
    import sys
    print(json.dumps(generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)))
