"""python -m bench.stories.scale [--articles 100000] [--db PATH] [--probe 200]

Cost of adding one article to a big archive. Generates a SQLite file of
synthetic articles (stories of ~10 articles over a year, with their own names
and topic words on a shared background vocabulary), each stored and placed
through the real path, then times `insert + place` for --probe new articles:
median and p95 milliseconds, and the process's peak memory at 10% of the
archive and at the end (to show it stays bounded).
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from storyline.ingest import content_hash
from storyline.model import Article
from storyline.storage import Store
from storyline.stories import place_article

START = datetime(2025, 11, 1, tzinfo=timezone.utc)


class Generator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "bri", "del", "gan", "hu", "sel", "tor", "ul", "wen"]
        self.background = sorted({"".join(self.rng.choices(syllables, k=self.rng.randint(2, 4)))
                                  for _ in range(30000)})

    def story(self, number: int) -> dict:
        rng = self.rng
        return {
            "names": [w.capitalize() for w in rng.sample(self.background, 6)],
            "topic": rng.sample(self.background, 25),
            "day": START + timedelta(days=rng.uniform(0, 365)),
            "n": number,
        }

    def article(self, story: dict, k: int) -> Article:
        rng = self.rng
        sentences = []
        for _ in range(12):
            words = rng.sample(story["topic"], 4) + rng.sample(self.background, 8)
            rng.shuffle(words)
            name = " ".join(rng.sample(story["names"], 2))
            sentences.append(f"{name} said the {' '.join(words)} on Tuesday.")
        text = "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, 12, 3))
        when = (story["day"] + timedelta(hours=rng.uniform(0, 48))).strftime("%Y-%m-%dT%H:%M:%SZ")
        return Article(url=f"https://scale.example/{story['n']}/{k}", canonical_url=f"https://scale.example/{story['n']}/{k}",
                       title=f"{' '.join(story['names'][:2])} {story['topic'][0]} {k}", text=text, raw_text=text,
                       outlet=f"Outlet {rng.randint(1, 40)}", published=when, content_hash=content_hash(text))


def add(store: Store, article: Article) -> float:
    start = time.perf_counter()
    article_id = store.insert_article(article)
    place_article(store, article_id)
    return (time.perf_counter() - start) * 1000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.stories.scale", description=__doc__)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", default="/tmp/storyline-scale.db")
    ap.add_argument("--probe", type=int, default=200)
    args = ap.parse_args(argv)
    Path(args.db).unlink(missing_ok=True)
    gen = Generator()
    n_stories = args.articles // 10
    stories = [gen.story(i) for i in range(n_stories + args.probe)]
    started = time.perf_counter()
    marks = []
    with Store(args.db) as store:
        for i in range(args.articles):
            add(store, gen.article(stories[i % n_stories], i // n_stories))
            if (i + 1) % (args.articles // 10) == 0:
                marks.append((i + 1, peak_mb(), time.perf_counter() - started))
                print(f"  {i + 1:>7} articles stored and placed, {marks[-1][2]:.0f} s, peak RSS {marks[-1][1]:.0f} MB",
                      flush=True)
        # half the probes continue existing stories, half start new ones
        times = [add(store, gen.article(stories[(i * 7919) % n_stories] if i % 2 else stories[n_stories + i], 99))
                 for i in range(args.probe)]
        stories_made = store.count_stories()
    times.sort()
    print(f"archive: {args.articles} articles in {stories_made} stories (generated from {n_stories})")
    print(f"adding one article (insert + near-copy check + clustering), {args.probe} probes: "
          f"median {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, "
          f"max {times[-1]:.1f} ms")
    print(f"peak RSS: {marks[0][1]:.0f} MB at {marks[0][0]} articles, {peak_mb():.0f} MB at the end")


if __name__ == "__main__":
    main()
