"""Readers for the web benchmark: accounts with a reading history over the
generated archive, and a load process that asks as those readers.

What each of N users gets (seeded, so every run builds the same state):
- read: from 15% to 45% of all articles (spread evenly over the users, 30% on
  average); about two thirds of it whole stories opened (story_state and all
  their articles, as the story page does), the rest single articles; recent
  news is read more than old (weights 0.25 for the oldest to 1.75 for the
  newest), so the newest page of /unread has to skip read articles;
- saved: 200 to 400 articles, four in five of them among the read ones;
- feeds (one per outlet, see attach_feeds): three in four filed in one of the
  user's 2 to 4 folders, one renamed; every fifth user hides one feed;
- mutes: none, one or two topic keywords (each hides about 1 story in 16),
  and every fourth user mutes one outlet;
- one API token, sent as `Authorization: Bearer` by the load process.

    python -m bench.web.users BASE URLS.json TOKENS.json [--connections 8] [--duration 20]

runs bench/web/load.py's closed loop unchanged, each request carrying the next
user's token in turn (round-robin over the users)."""
from __future__ import annotations

import http.client
import itertools
import json
import random
import threading
import time

from storyline import accounts
from storyline.storage import Store

FOLDERS = ["News", "Local", "Business", "Later", "Politics"]
MUTE_KEYWORDS = ["strike", "fire", "tax", "election", "court case", "festival"]  # nouns of generate.py's titles
NEVER = "9999-12-31T00:00:00Z"  # a next_poll that never comes: the server's poller fetches nothing
PASSWORD = "bench password"  # nobody logs in with it: the load uses API tokens


def attach_feeds(store: Store) -> list[int]:
    """One feed per outlet, carrying that outlet's articles, so that folders,
    hidden feeds and per-feed unread counts have feeds to work on (generate.py
    writes articles without feeds). Never due, so `serve` polls nothing."""
    existing = [r["id"] for r in store.rows("SELECT id FROM feeds ORDER BY id")]
    if existing:
        return existing
    with store.transaction():
        for outlet in store.rows("SELECT id, name, domain FROM outlets ORDER BY id"):
            host = outlet["domain"] or f"outlet{outlet['id']}.example"
            store.execute("INSERT INTO feeds (url, title, site_url, outlet_id, created, next_poll) "
                          "VALUES (:url, :title, :site, :outlet, :now, :never)",
                          {"url": f"https://{host}/feed.xml", "title": outlet["name"], "site": f"https://{host}/",
                           "outlet": outlet["id"], "now": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "never": NEVER})
        store.execute("UPDATE articles SET feed_id = (SELECT f.id FROM feeds f WHERE f.outlet_id = articles.outlet_id)")
    return [r["id"] for r in store.rows("SELECT id FROM feeds ORDER BY id")]


def _weighted_order(rng: random.Random, items: list, weights: list[float]) -> list:
    """The items in a random order where heavier ones tend to come first
    (Efraimidis-Spirakis keys: taking a prefix is weighted sampling without replacement)."""
    keys = [rng.random() ** (1.0 / w) for w in weights]
    return [item for _, item in sorted(zip(keys, items), key=lambda pair: pair[0], reverse=True)]


def _recency_weights(times: list[str]) -> list[float]:
    """0.25 for the oldest to 1.75 for the newest, by rank (mean 1)."""
    order = sorted(range(len(times)), key=lambda i: times[i] or "")
    weights = [1.0] * len(times)
    for rank, i in enumerate(order):
        weights[i] = 0.25 + 1.5 * rank / max(1, len(times) - 1)
    return weights


def read_fraction(index: int, users: int) -> float:
    return 0.30 if users == 1 else 0.15 + 0.30 * index / (users - 1)


def add_readers(store: Store, users: int, seed: int = 15, progress=print) -> dict:
    """Create `users` accounts with their state (see the module's docstring);
    {"users": [{name, token, read, stories_read, saved, folders, hidden, mutes}], "seconds"}."""
    started = time.monotonic()
    feeds = attach_feeds(store)
    stories = store.rows("SELECT id, size, last_seen FROM stories ORDER BY id")
    articles = store.rows("SELECT id, published FROM articles ORDER BY id")
    outlets = [r["name"] for r in store.rows("SELECT name FROM outlets ORDER BY id")]
    story_weights = _recency_weights([s["last_seen"] for s in stories])
    article_weights = _recency_weights([a["published"] for a in articles])
    made = []
    for index in range(users):
        rng = random.Random(seed * 1000 + index)
        user = accounts.create_user(store, f"reader{index + 1:02d}", PASSWORD, admin=index == 0)
        target = round(read_fraction(index, users) * len(articles))
        with store.transaction():
            opened, covered = [], 0
            for story in _weighted_order(rng, stories, story_weights):
                if covered >= target * 2 // 3:
                    break
                store.read_story(user.id, story["id"])
                opened.append(story["id"])
                covered += story["size"]
            read = {r["article_id"] for r in store.rows(
                "SELECT article_id FROM article_state WHERE user_id = :user AND read = 1", {"user": user.id})}
            singles = [a["id"] for a in _weighted_order(rng, articles, article_weights) if a["id"] not in read]
            singles = singles[:max(0, target - len(read))]
            store.set_read(user.id, singles)
            read.update(singles)
            read_list = sorted(read)
            saved_count = rng.randint(200, 400)
            saved = rng.sample(read_list, min(len(read_list), saved_count * 4 // 5))
            unread = [a["id"] for a in rng.sample(articles, min(len(articles), saved_count)) if a["id"] not in read]
            saved += unread[:saved_count - len(saved)]
            store.set_saved(user.id, saved)
            folders = rng.sample(FOLDERS, rng.randint(2, 4))
            for feed_id in feeds:
                if rng.random() < 0.75:
                    store.set_feed_prefs(user.id, feed_id, folder=rng.choice(folders))
            renamed = rng.choice(feeds) if feeds else None
            if renamed is not None:
                store.set_feed_prefs(user.id, renamed, title=f"My feed {renamed}")
            hidden = rng.choice(feeds) if feeds and index % 5 == 4 else None
            if hidden is not None:
                store.set_feed_prefs(user.id, hidden, hidden=True)
            mutes = {"keyword": rng.sample(MUTE_KEYWORDS, index % 3), "outlet": []}
            if index % 4 == 3 and outlets:
                mutes["outlet"].append(rng.choice(outlets))
            for kind, values in mutes.items():
                for value in values:
                    store.mute(user.id, kind, value)
        made.append({"name": user.name, "token": accounts.issue_token(store, user, "bench/web"),
                     "read": len(read), "read_share": round(len(read) / max(1, len(articles)), 3),
                     "stories_read": len(opened), "saved": len(saved), "folders": sorted(folders),
                     "hidden_feeds": int(hidden is not None), "mutes": mutes})
        if progress:
            progress(f"  {user.name}: {len(read):,} read ({len(read) / max(1, len(articles)):.0%}, "
                     f"{len(opened):,} stories opened), {len(saved)} saved, folders {', '.join(sorted(folders))}"
                     f"{', 1 feed hidden' if hidden is not None else ''}, muted {mutes['keyword'] + mutes['outlet']}")
    return {"users": made, "feeds": len(feeds), "seconds": round(time.monotonic() - started, 1)}


# -- the load process ----------------------------------------------------------------------------

def bearer_connections(tokens: list[str]) -> type[http.client.HTTPConnection]:
    """An HTTPConnection that sends every request as the next user in turn."""
    turn = itertools.cycle(tokens)
    lock = threading.Lock()

    class BearerConnection(http.client.HTTPConnection):
        def request(self, method, url, body=None, headers=None, **kwargs):
            with lock:
                token = next(turn)
            super().request(method, url, body, {**(headers or {}), "Authorization": f"Bearer {token}"}, **kwargs)

    return BearerConnection


def main() -> None:
    from bench.web import load

    parser = load.arguments()
    parser.add_argument("tokens", help="a JSON file with a list of API tokens")
    args = parser.parse_args()
    with open(args.tokens) as f:
        tokens = json.load(f)
    # load.py opens its connections through http.client.HTTPConnection and sends
    # no headers of its own: this process (only this one) swaps the class.
    http.client.HTTPConnection = bearer_connections(tokens)
    load.run_from(args)


if __name__ == "__main__":
    main()
