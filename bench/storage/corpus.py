"""Generated articles to ingest through the real pipeline, as `.jsonl` batches
of `{"text", "title", "outlet", "url", "author", "published"}` lines.

Stories, outlets and fact sentences come from the web benchmark's generator
(bench/web/generate.py), so the two benchmarks read alike. The filler lines
here name the story's place: the same filler paragraph on many pages of one
outlet would be learned as site chrome and set off re-cleaning storms that no
real newsroom's article text causes.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from bench.web.generate import START, article_text, make_story, outlet_names, story_sizes

FILLER = [
    "Officials in {place} said more details would follow later in the week.",
    "Residents of {place} were invited to a public meeting about the {noun}.",
    "The decision on the {noun} followed months of debate among groups in {place}.",
    "Critics said the {noun} plan did not go far enough for {place}.",
    "Supporters in {place} welcomed the move on the {noun} as overdue.",
    "A spokesperson for {place} declined to comment further on the {noun}.",
    "The figures for the {noun} were published in a report from {place}.",
    "Work on the {noun} in {place} is expected to start early next year.",
]
DAYS = 90
HOST = "ingest.example"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Corpus:
    """`articles` articles in stories of about `per_story`, from 24 outlets over
    90 days, in the order they were published (as feeds would bring them)."""

    def __init__(self, articles: int, per_story: int = 10, seed: int = 13):
        self.rng = random.Random(seed)
        self.outlets = outlet_names(self.rng)
        self.stories = []
        for size in story_sizes(self.rng, articles, per_story):
            story = make_story(self.rng)
            story["filler"] = [line.format(place=story["place"], noun=story["noun"]) for line in FILLER]
            story["day"] = START + timedelta(days=self.rng.uniform(0, DAYS))
            story["size"] = size
            self.stories.append(story)
        self._made = 0

    def record(self, story_number: int, when: datetime) -> dict:
        """One new article of story `story_number` published at `when`."""
        story, rng = self.stories[story_number], self.rng
        k = self._made
        self._made += 1
        title = story["title"] if rng.random() < 0.3 else f"{story['title']}: {rng.choice(story['names'])} responds"
        return {"title": title, "text": article_text(rng, story, k, filler=story["filler"]),
                "outlet": rng.choice(self.outlets), "url": f"https://{HOST}/{story_number}/{k}",
                "author": rng.choice(story["names"]), "published": _iso(when)}

    def records(self) -> list[dict]:
        timed = []
        for number, story in enumerate(self.stories):
            for _ in range(story["size"]):
                timed.append((story["day"] + timedelta(hours=self.rng.uniform(0, 48)), number))
        timed.sort()
        return [self.record(number, when) for when, number in timed]

    def new_story(self, when: datetime) -> int:
        """A story none of the records belong to; its number for `record`."""
        story = make_story(self.rng)
        story["filler"] = [line.format(place=story["place"], noun=story["noun"]) for line in FILLER]
        story["day"], story["size"] = when, 0
        self.stories.append(story)
        return len(self.stories) - 1


def write_batches(records: list[dict], folder: Path, batch: int) -> list[Path]:
    """The records as .jsonl files of `batch` lines each, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(records), batch):
        path = folder / f"batch-{start // batch:04d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[start:start + batch]))
        paths.append(path)
    return paths


def probes(corpus: Corpus, count: int, folder: Path) -> list[Path]:
    """`count` one-article .jsonl files to add one at a time: every other one
    continues one of the corpus's latest stories, the rest start new stories."""
    folder.mkdir(parents=True, exist_ok=True)
    latest = sorted(range(len(corpus.stories)), key=lambda n: corpus.stories[n]["day"])[-count:]
    end = START + timedelta(days=DAYS + 2)
    paths = []
    for i in range(count):
        if i % 2 and latest:
            number = latest[i % len(latest)]
            when = corpus.stories[number]["day"] + timedelta(hours=50)
        else:
            when = end + timedelta(hours=i)
            number = corpus.new_story(when)
        path = folder / f"probe-{i:03d}.jsonl"
        path.write_text(json.dumps(corpus.record(number, when), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def search_queries(corpus: Corpus, count: int, seed: int = 17) -> list[str]:
    """What readers type: mostly a place, a person or a topic with its place,
    some single common topic words and pairs of them that match thousands of
    articles (the costly kind)."""
    rng = random.Random(seed)
    queries = []
    for i in range(count):
        story = rng.choice(corpus.stories)
        kind = i % 10
        if kind < 3:
            queries.append(story["place"])
        elif kind < 5:
            queries.append(rng.choice(story["names"]))
        elif kind < 7:
            queries.append(f"{story['noun']} {story['place']}")
        elif kind < 9:
            queries.append(story["noun"])
        else:
            queries.append(f"{story['noun']} {rng.choice(['council', 'review', 'meeting', 'households'])}")
    rng.shuffle(queries)
    return queries
