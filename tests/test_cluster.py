"""storyline.cluster, storyline.dedupe and stories in the store (storyline.stories)."""
from __future__ import annotations

import json
import random
from pathlib import Path

from storyline import dedupe
from storyline.cluster import StoryClusterer
from storyline.cluster.features import article_terms, listing_reason, not_article_reason, terms
from storyline.ingest import Ingestor
from storyline.stories import place_pending, recluster
from tests.conftest import DEMO
from tests.test_cli import run

FIRE = ("A fire tore through the Kestrel Freight warehouse on Tanner Road in Ashcombe early on Tuesday, "
        "injuring twelve workers, Fire Chief Dana Whitlock said. Crews from five departments fought the blaze "
        "for six hours before bringing it under control.")
FIRE_2 = ("Twelve people were hurt when flames gutted a Kestrel Freight warehouse in Ashcombe on Tuesday. "
          "Chief Dana Whitlock said firefighters from several departments battled the fire on Tanner Road "
          "until dawn.")
BUS = ("Port Halden's council approved a one-year pilot on Tuesday making four bus routes free to ride. "
       "Mayor Ana Ruiz said the fare-free routes would start in January and cost 3.1 million dollars.")
OLD_FIRE = ("A fire destroyed the Dorrance Home Goods warehouse on Quarry Lane in Millbrook on Wednesday night. "
            "Fire Chief Owen Marsh said no one was hurt and ninety workers were sent home.")

# The demo corpus, story by story (demo/README.md).
DEMO_STORIES = {
    "ashcombe-warehouse-fire-2026": ["ashcombe-warehouse-fire-injures-12", "kestrel-freight-warehouse-blaze-ashcombe",
                                     "ashcombe-fire-cause-still-unknown", "ashcombe-warehouse-failed-sprinkler-inspection"],
    "millbrook-warehouse-fire-2025": ["fire-destroys-dorrance-warehouse-millbrook", "millbrook-warehouse-fire-workers-wait"],
    "corvane-pipeline-fine": ["regulators-fine-corvane-energy-over-late-leak-reports",
                              "corvane-energy-hit-with-penalty-for-slow-leak-disclosures",
                              "corvane-weighs-appeal-of-leak-reporting-fine"],
    "linden-falls-flood-2026": ["tessel-river-floods-downtown-linden-falls", "linden-falls-flood-340-households-evacuated",
                                "carrow-bay-braces-as-tessel-flood-moves-downstream", "linden-falls-begins-long-cleanup"],
}


def test_same_event_joins_and_different_events_do_not():
    c = StoryClusterer()
    first = c.add("a", FIRE, "Warehouse fire injures 12 in Ashcombe", "2026-11-17T08:00:00Z")
    assert c.add("b", FIRE_2, "12 hurt in Ashcombe warehouse blaze", "2026-11-17T10:00:00Z") == first
    assert c.add("c", BUS, "Free buses approved", "2026-11-17T12:00:00Z") not in (None, first)


def test_a_story_closes_after_its_window():
    c = StoryClusterer()
    first = c.add("a", FIRE, None, "2026-11-17T08:00:00Z")
    assert c.add("b", FIRE_2, None, "2026-12-20T08:00:00Z") != first  # a month later: a new story


def test_not_articles_join_no_story():
    c = StoryClusterer()
    tweet = ("Tweet with a location. You can add location information to your Tweets, such as your city or "
             "precise location, from the web and via third-party applications. Learn more.")
    assert not_article_reason(terms(tweet)) is not None
    assert c.add("t", tweet) is None
    listing = "\n\n".join(f"- Headline number {i} about something\n\nNov. {10 + i}, 2026" for i in range(5))
    assert listing_reason(listing) is not None
    assert listing_reason(FIRE + "\n\n" + FIRE_2) is None


ARCHIVE_NOTICE = ("Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. "
                  "Flowing in every day, these data are added to the Wayback Machine after an embargo period.")
SIGNUP = "Sign up for our newsletter \n \n Get top stories and breaking news delivered to your inbox. Click here."


def test_junk_around_a_real_paragraph_is_cleaned_and_placed():
    c = StoryClusterer()
    first = c.add("a", FIRE, None, "2026-11-17T08:00:00Z")
    # Junk alone: no story. The same junk around a real report: cleaned, and the report is placed.
    assert c.add("n", ARCHIVE_NOTICE + " \n \n " + SIGNUP) is None
    report = FIRE_2 + " State investigators joined the search for the cause of the blaze on Wednesday."
    page = " \n \n ".join([SIGNUP, report, ARCHIVE_NOTICE])
    t, reason = article_terms(page)
    assert reason is None
    assert "wayback" not in t.tf and "newsletter" not in t.tf and "whitlock" in t.tf
    assert c.add("b", page, None, "2026-11-17T10:00:00Z") == first


def test_boilerplate_words_do_not_gut_a_real_article():
    # A real article about sign-ups and privacy settings is not cleaned away.
    text = " \n \n ".join(f"Twitter said on Monday that it would ask {n} account holders to confirm an email "
                           "address and reset passwords after a privacy bug exposed login settings."
                           for n in range(20))
    t, reason = article_terms(text)
    assert reason is None and "password" in t.tf


def test_quoted_paragraphs_are_not_list_items():
    # Long paragraphs that end in a closing quote or a citation are prose, not headlines.
    paras = [f"\u201cI did not expect to win tonight, and I thank everyone in the room for {i} reasons, "
             f"from the writers to the crew who worked through the night on the final episode,\u201d she said"
             for i in range(8)]
    assert listing_reason(" \n \n ".join(paras)) is None


def test_prime_warms_up_document_frequencies():
    c = StoryClusterer()
    c.prime([BUS, OLD_FIRE, FIRE])
    assert c.state.n_docs() == 3 and c.state.df(["warehouse"]) == {"warehouse": 2}
    assert c.add("a", FIRE_2) == 0 and c.state.stories[0].members[0][0] == "a"


def test_near_copy_detection():
    original = " ".join([FIRE, FIRE_2, BUS, OLD_FIRE])
    copy = "Corvane said nothing. " + " ".join([FIRE, FIRE_2, BUS])  # added sentence, cut last paragraph
    assert dedupe.is_near_copy(original, copy)
    assert not dedupe.is_near_copy(FIRE + " " + BUS, FIRE_2 + " " + OLD_FIRE)
    a, b = dedupe.fingerprint(original), dedupe.fingerprint(copy)
    assert set(a.bands) & set(b.bands)  # LSH makes them candidates


def _story_of(store) -> dict[str, int | None]:
    return {Path(r["source"]).stem: r["story_id"] for r in store.list_articles(limit=1000)}


def _check_demo_stories(store) -> None:
    story_of = _story_of(store)
    ids = {}
    for key, slugs in DEMO_STORIES.items():
        found = {story_of[s] for s in slugs}
        assert len(found) == 1 and None not in found, (key, found)
        ids[key] = found.pop()
    assert len(set(ids.values())) == len(ids)  # the 2025 and 2026 fires stay apart


def test_demo_corpus_stories(store, fetcher):
    Ingestor(store, fetcher).add([str(DEMO)])
    _check_demo_stories(store)
    rows = {Path(r["source"]).stem: r for r in store.list_articles(limit=1000)}
    section = rows["local-news-section"]
    assert section["story_id"] is None and "index page" in section["not_article"]
    original = rows["regulators-fine-corvane-energy-over-late-leak-reports"]
    copies = [r for r in rows.values() if r["duplicate_of"]]
    assert [c["duplicate_of"] for c in copies] == [original["id"]]
    assert "corvane-energy-hit-with-penalty" in copies[0]["url"]
    story = store.get_story(original["story_id"])
    assert story["title"] and len(story["articles"]) == 3
    assert story["first_seen"] <= story["last_seen"]


def test_shuffled_arrival_then_recluster(tmp_path, fetcher):
    from storyline.storage import Store

    files = sorted(DEMO.rglob("*.html"))
    random.Random(5).shuffle(files)
    with Store(tmp_path / "shuffled.db") as store:
        Ingestor(store, fetcher).add([str(f) for f in files])
        # Arrival order can split a story (online clustering); it must never merge these two.
        story_of = _story_of(store)
        fires = [{story_of[s] for s in DEMO_STORIES[k]} for k in ("ashcombe-warehouse-fire-2026",
                                                                   "millbrook-warehouse-fire-2025")]
        assert not fires[0] & fires[1]
        assert recluster(store) == len(files)  # in publication order: the exact stories again
        _check_demo_stories(store)


def test_unplaced_articles_are_placed_on_the_next_run(store, fetcher):
    Ingestor(store, fetcher).add([str(DEMO / "valley-wire")])
    store.execute("UPDATE articles SET placed = 0, story_id = NULL")  # as if killed before placing
    assert place_pending(store) == len(list((DEMO / "valley-wire").glob("*.html")))
    assert all(r["story_id"] for r in store.list_articles())


def test_cli_stories_and_story(tmp_path):
    db = str(tmp_path / "d.db")
    run("--db", db, "demo", "--json")
    stories = json.loads(run("--db", db, "stories", "--json").stdout)
    assert len(stories) == 16
    assert all({"id", "title", "articles", "outlets", "first_seen", "last_seen"} <= set(s) for s in stories)
    assert [s["last_seen"] for s in stories] == sorted((s["last_seen"] for s in stories), reverse=True)
    biggest = max(stories, key=lambda s: len(s["articles"]))
    story = json.loads(run("--db", db, "story", str(biggest["id"]), "--json").stdout)
    assert {"outlet", "title", "published", "duplicate_of"} <= set(story["articles"][0])
    recent = json.loads(run("--db", db, "stories", "--since", "2026-11-20", "--json").stdout)
    assert 0 < len(recent) < len(stories)
    assert json.loads(run("--db", db, "recluster", "--since", "2026-11-18", "--json").stdout)["stories"] == 16
