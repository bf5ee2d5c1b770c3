"""A big synthetic archive for the web benchmark, written straight into the
schema (the reader is what is measured, not ingestion or clustering):
N articles in N/10 stories from 24 outlets over 90 days. Each story has its
own names, place and figures; its articles share some sentences (reworded)
and add their own, so briefs, citations and agreement have work to do.
Articles go through the real tables and the FTS triggers."""
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


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3)))


def _story(rng: random.Random, number: int) -> dict:
    names = [f"{_word(rng).capitalize()} {_word(rng).capitalize()}" for _ in range(3)]
    place = _word(rng).capitalize() + rng.choice([" Falls", "ton", " Bay", "field", " Ridge"])
    org = _word(rng).capitalize() + rng.choice([" Council", " Authority", " Group", " Union"])
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


def _article_text(rng: random.Random, story: dict, k: int) -> str:
    chosen = rng.sample(story["facts"], rng.randint(4, 6))
    own = [f"{rng.choice(story['names'])} added that the {story['noun']} in {story['place']} "
           f"would be discussed again by {rng.choice(['spring', 'summer', 'autumn', 'winter'])} ({k})."]
    filler = rng.sample(FILLER, 3)
    sentences = chosen[:2] + own + chosen[2:] + filler
    return "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))


def generate(path: str, articles: int = 100_000, per_story: int = 10, seed: int = 11,
             progress=print) -> dict:
    rng = random.Random(seed)
    outlets = [f"{_word(rng).capitalize()} {rng.choice(['Times', 'Courier', 'Wire', 'Ledger', 'Post'])}"
               for _ in range(24)]
    stories = articles // per_story
    started = time.monotonic()
    with open_store(path) as store:
        db = store.db
        db.execute("PRAGMA synchronous=OFF")
        if db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]:
            raise SystemExit(f"{path} already has articles; give a new path")
        with store.transaction():
            outlet_ids = [store.outlet_id(name, name.lower().replace(" ", "") + ".example") for name in outlets]
        # story sizes from 1 to 2*per_story-1 (mean per_story), nudged to sum to `articles`
        sizes = [rng.randint(1, 2 * per_story - 1) for _ in range(stories)]
        while sum(sizes) != articles:
            i = rng.randrange(stories)
            if sum(sizes) > articles and sizes[i] > 1:
                sizes[i] -= 1
            elif sum(sizes) < articles and sizes[i] < 2 * per_story - 1:
                sizes[i] += 1
        made = 0
        for s in range(stories):
            story = _story(rng, s)
            size = sizes[s]
            day = START + timedelta(days=rng.uniform(0, 90))
            times = sorted(day + timedelta(hours=rng.uniform(0, 48)) for _ in range(size))
            iso = [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]
            with store.transaction():
                sid = db.execute(
                    "INSERT INTO stories (title, first_seen, last_seen, last_day, size, centroid, members, updated) "
                    "VALUES (?, ?, ?, ?, ?, '{}', '[]', ?) RETURNING id",
                    (story["title"], iso[0], iso[-1], times[-1].timestamp() / 86400, size, iso[-1])).fetchone()[0]
                for k in range(size):
                    outlet = rng.choice(outlet_ids)
                    text = _article_text(rng, story, made + k)
                    title = story["title"] if k == 0 else f"{story['title']}: {rng.choice(story['names'])} responds"
                    url = f"https://{outlets[outlet_ids.index(outlet)].lower().replace(' ', '')}.example/{sid}/{k}"
                    db.execute(
                        "INSERT INTO articles (url, canonical_url, content_hash, outlet_id, title, author, "
                        "published, language, raw_text, text, words, fetched, source, story_id, placed) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, 'bench', ?, 1)",
                        (url, url, hashlib.sha256(f"{made + k}{text}".encode()).hexdigest(), outlet, title,
                         rng.choice(story["names"]), iso[k], text, text, len(text.split()), iso[k], sid))
            made += size
            if progress and (s + 1) % 1000 == 0:
                progress(f"  {made:,} articles in {s + 1:,} stories ({time.monotonic() - started:.0f} s)")
        db.execute("PRAGMA optimize")
    return {"articles": made, "stories": stories, "seconds": round(time.monotonic() - started, 1)}


if __name__ == "__main__":
    import sys
    print(json.dumps(generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)))
