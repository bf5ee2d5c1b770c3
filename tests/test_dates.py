"""Publication dates and added times: `published` stays null when the source
gives none, the time an article was added is shown as `added` (never as its
publication), and relative date phrases are resolved only against a real
publication date."""
from __future__ import annotations

import re
import warnings
from datetime import date
from html import escape

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.facts import nlp as models
from storyline.facts.dates import resolve
from storyline.ingest import Ingestor
from storyline.storage import open_store
from storyline.web import create_app
from tests.conftest import offline

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
PUBLISHED = "2026-11-19T08:00:00Z"  # a Thursday in November

DATED = [
    "The Brennick Falls water treatment plant shut down on Tuesday after a pump failure flooded "
    "its filter hall, leaving about 14,000 residents of Brennick Falls under a boil-water notice.",
    "Plant manager Odile Varga said the flooded pumps would be replaced within ten days and that "
    "crews from the county were working through the night to pump water out of the filter hall.",
    "The pumps were part of an upgrade to the Brennick Falls water treatment plant that had been "
    "expected to finish by mid-September, but supply delays pushed the work back.",
    "The town council approved extra money for the upgrade this September after residents "
    "complained about discoloured water, and councillors will review the boil-water notice on Monday.",
]
UNDATED = [
    "Residents of Brennick Falls remain under a boil-water notice after a pump failure flooded the "
    "filter hall of the town's water treatment plant on Tuesday.",
    "The flooded pumps at the Brennick Falls water treatment plant were installed last November as "
    "part of an upgrade, plant manager Odile Varga said, and crews worked through the night.",
    "The upgrade of the water treatment plant was due to be finished by mid-September, the council "
    "said, and the boil-water notice covers about 14,000 residents.",
]
LONE_TEXT = ("Orchard growers in the Tamsel valley picked the last of the pear harvest on Friday, "
             "a week later than in most years, after a cold and wet spring delayed the blossom. "
             "The growers' cooperative said yields were close to average despite the late start, "
             "and that prices at the regional market had held steady since the first week of picking.")


def html_page(title: str, paragraphs: list[str], published: str | None, site: str) -> str:
    """A page that declares its publication time, or none at all."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta property="og:site_name" content="{site}">{meta}</head><body>'
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            f"<footer>Copyright 2026 {site}</footer></body></html>")


def feed_without_dates(paragraphs: list[str]) -> str:
    """An RSS feed whose one item carries its full text and no pubDate."""
    content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Kettle Bay Notes</title><link>https://kettle.example/</link><description>News</description>
<item><title>Ferry timetable changes for the winter</title><link>https://kettle.example/ferry</link>
<guid>https://kettle.example/ferry</guid><content:encoded><![CDATA[{content}]]></content:encoded></item>
</channel></rss>"""


FERRY = [f"Paragraph {i}: the Kettle Bay ferry will run four crossings a day instead of six from "
         f"the first weekend of the winter timetable, the operator told passengers at the harbour "
         f"office, and the late crossing on Fridays is dropped until the spring sailing season."
         for i in range(6)]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """A store with a dated page, an undated page on the same event, an undated
    text file and an undated feed item, and the reader over it."""
    root = tmp_path_factory.mktemp("dates")
    files = root / "files"
    (files / "Tamsel Post").mkdir(parents=True)
    (files / "dated.html").write_text(html_page("Brennick Falls water plant shut after pump failure",
                                                DATED, PUBLISHED, "Ridge Courier"))
    (files / "undated.html").write_text(html_page("Boil-water notice stays in Brennick Falls",
                                                  UNDATED, None, "Falls Bulletin"))
    (files / "Tamsel Post" / "harvest.txt").write_text("Late pear harvest ends in the Tamsel valley\n\n"
                                                       + LONE_TEXT)
    (files / "kettle.xml").write_text(feed_without_dates(FERRY))
    db = str(root / "dates.db")
    with open_store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        report = ingestor.add([str(files)])
        assert report.added == 4, report.as_json()
    with TestClient(create_app(db, settings=offline())) as client:
        articles = {a["title"]: a for a in client.get("/api/articles?limit=50").json()["articles"]}
        yield client, articles


def by_title(articles: dict, start: str) -> dict:
    return next(a for title, a in articles.items() if title.startswith(start))


def labelled(html: str, label: str) -> list[str]:
    """The datetime of every <time> the page labels `label` ("published" or "added")."""
    return re.findall(label + r'\s*<time datetime="([^"]*)"', html)


# -- stored and served: published stays null -------------------------------------------------------

def test_undated_sources_keep_published_null_and_show_added(reader):
    client, articles = reader
    assert by_title(articles, "Brennick Falls water plant")["published"] == PUBLISHED
    for start in ("Boil-water notice", "Late pear harvest", "Ferry timetable"):
        item = by_title(articles, start)
        assert item["published"] is None, start
        assert UTC_ISO.fullmatch(item["added"]), item
        one = client.get(f"/api/articles/{item['id']}").json()
        assert one["published"] is None and one["added"] == item["added"] == one["fetched"]


def test_story_api_shows_added_beside_published(reader):
    client, articles = reader
    undated = by_title(articles, "Boil-water notice")
    dated = by_title(articles, "Brennick Falls water plant")
    assert undated["story_id"] == dated["story_id"]
    story = client.get(f"/api/stories/{undated['story_id']}?facts=false").json()
    members = {a["id"]: a for a in story["articles"]}
    assert members[undated["id"]]["published"] is None
    assert members[undated["id"]]["added"] == undated["added"]
    assert members[dated["id"]]["published"] == PUBLISHED
    assert story["first_published"] == story["last_published"] == PUBLISHED
    assert UTC_ISO.fullmatch(story["added"])
    listed = {s["id"]: s for s in client.get("/api/stories?limit=50").json()["stories"]}
    assert listed[story["id"]]["last_published"] == PUBLISHED
    lone = by_title(articles, "Late pear harvest")
    assert listed[lone["story_id"]]["first_published"] is None
    assert listed[lone["story_id"]]["added"] == lone["added"]


def test_undated_facts_dates_stay_unresolved(reader):
    try:
        models.load()
    except models.ModelMissing as missing:
        pytest.skip(str(missing))
    client, articles = reader
    undated = by_title(articles, "Boil-water notice")
    dated = by_title(articles, "Brennick Falls water plant")
    facts = client.get(f"/api/stories/{undated['story_id']}").json()["facts"]
    dates = facts["dates"]
    assert any(undated["id"] in d["articles"] for d in dates)
    for d in dates:
        if undated["id"] in d["articles"]:
            assert d["date"] is None and d["articles"] == [undated["id"]], d
    resolved = {d["date"] for d in dates if dated["id"] in d["articles"]}
    assert "2026-11-17" in resolved  # "Tuesday", two days before publication
    assert "2026-09" in resolved and "2027-09" not in resolved  # "mid-September" and "this September"
    september = [d for d in dates if d["date"] == "2026-09"]
    assert len(september) == 1


# -- pages: an added time is never shown as published ----------------------------------------------

def test_front_page_labels_added_times(reader):
    client, articles = reader
    added_times = {a["added"] for a in articles.values() if a["published"] is None}
    html = client.get("/").text
    assert not set(labelled(html, "published")) & added_times
    assert PUBLISHED not in labelled(html, "added")
    lone = by_title(articles, "Late pear harvest")
    assert lone["added"] in labelled(html, "added")
    # The story of the dated and the undated page was last seen when the undated one was added.
    undated = by_title(articles, "Boil-water notice")
    item = re.search(rf'id="story-{undated["story_id"]}".*?</li>', html, re.S).group(0)
    assert labelled(item, "added") == [undated["added"]] and labelled(item, "published") == []


def test_story_page_header_sources_and_timeline(reader):
    client, articles = reader
    undated = by_title(articles, "Boil-water notice")
    html = client.get(f"/stories/{undated['story_id']}").text
    header = re.search(r'<p class="meta">.*?</p>', html, re.S).group(0)
    assert labelled(header, "published") == [PUBLISHED]
    assert labelled(header, "added") == [undated["added"]]
    assert undated["added"] not in labelled(html, "published")
    timeline = re.search(r'<section class="timeline".*?</section>', html, re.S).group(0)
    days = re.findall(r'<li class="day">([^<]*)</li>', timeline)
    assert days == ["19 Nov 2026", "undated"]
    assert labelled(timeline, "added") == [undated["added"]]


def test_article_page_shows_added_separately(reader):
    client, articles = reader
    undated = by_title(articles, "Boil-water notice")
    meta = re.search(r'<p class="meta">.*?</p>', client.get(f"/articles/{undated['id']}").text, re.S).group(0)
    assert labelled(meta, "added") == [undated["added"]] and labelled(meta, "published") == []
    dated = by_title(articles, "Brennick Falls water plant")
    html = client.get(f"/articles/{dated['id']}").text
    meta = re.search(r'<p class="meta">.*?</p>', html, re.S).group(0)
    assert labelled(meta, "published") == [PUBLISHED] and labelled(meta, "added") == [dated["added"]]
    coverage = re.search(r'<section class="coverage".*?</section>', html, re.S).group(0)
    assert labelled(coverage, "added") == [undated["added"]] and labelled(coverage, "published") == []


# -- the resolver ------------------------------------------------------------------------------------

NOVEMBER = date(2026, 11, 19)


@pytest.mark.parametrize("phrase, context, expected", [
    # A month without a year, written in November, is the one just past...
    ("mid-September", "", "2026-09"),
    ("this September", "", "2026-09"),
    ("September 30", "the contract expired on", "2026-09-30"),
    ("mid-September", "the upgrade had been expected to finish by", "2026-09"),
    ("mid-September", "the work was scheduled to end in", "2026-09"),
    ("this September", "the work was due to end", "2026-09"),
    ("September", "plans announced in", "2026-09"),
    ("mid-September", "the company said it would reopen by", "2026-09"),
    # ... unless the sentence looks ahead, or says "next".
    ("next September", "", "2027-09"),
    ("mid-September", "the plant will reopen in", "2027-09"),
    ("mid-September", "the work is expected to finish by", "2027-09"),
    ("March", "the trial is set to begin in", "2027-03"),
    ("last November", "", "2025-11"),
    ("last September", "", "2026-09"),
    ("Monday", "councillors will review the notice on", "2026-11-23"),
    ("Monday", "councillors reviewed the notice on", "2026-11-16"),
    ("Monday", "the council, which will meet again in spring, reviewed the notice on", "2026-11-16"),
    # A future reported in the past tense: days ahead for a weekday, never a year ahead for a month.
    ("Friday", "the road was expected to remain closed through", "2026-11-20"),
    ("Tuesday", "the mayor would not comment", "2026-11-17"),
    ("Friday", "no new talks had been scheduled as of", "2026-11-13"),
    # Month abbreviations only as whole words.
    ("Omar 5", "", None),
])
def test_months_without_a_year_against_a_november_publication(phrase, context, expected):
    assert resolve(phrase, NOVEMBER, context) == expected


@pytest.mark.parametrize("phrase", ["Tuesday", "mid-September", "this September", "last November",
                                    "next September", "yesterday", "two weeks ago", "September 30"])
def test_relative_phrases_without_a_publication_date_stay_unresolved(phrase):
    assert resolve(phrase, None) is None
    assert resolve(phrase, None, "the plant will reopen") is None


# -- conflicts: a weekday of an undated article is not compared ---------------------------------------

def test_an_undated_weekday_is_no_conflict():
    from storyline.facts import find_conflicts
    from storyline.model import Source
    said = "The council voted on Tuesday to close the Brennick Falls pool after a long debate."
    dated = Source(1, said, "Pool to close", "Ridge Courier", PUBLISHED)
    undated = Source(2, said, "Pool closes", "Falls Bulletin", None)
    other = Source(3, said.replace("Tuesday", "Monday"), "Pool closes", "Kettle Notes", None)
    assert find_conflicts([dated, undated]) == []
    assert find_conflicts([undated, other]) == []


def test_undated_sources_are_read_after_dated_ones_in_a_brief(reader):
    client, articles = reader
    undated = by_title(articles, "Boil-water notice")
    dated = by_title(articles, "Brennick Falls water plant")
    brief = client.get(f"/api/stories/{undated['story_id']}?facts=false").json()["brief"]
    order = [s["article"] for s in brief["sentences"]]
    assert dated["id"] in order and undated["id"] in order
    assert order.index(dated["id"]) < order.index(undated["id"])


def test_show_json_keeps_published_null_and_gives_added(tmp_path):
    """The CLI too: an undated text file has no publication time, only the time it was added."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT
    note = tmp_path / "boil-water.txt"
    note.write_text("Boil-water notice lifted\n\nThe county lifted its boil-water notice on Tuesday after tests "
                    "came back clean at the treatment plant, officials said in a statement.")
    db = str(tmp_path / "news.db")
    run = lambda *a: subprocess.run([sys.executable, "-m", "storyline", "--db", db, *a],  # noqa: E731
                                    capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run("add", str(note)).returncode == 0
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["published"] is None and shown["added"] and shown["added"] == shown["fetched"]
    assert "undated, added" in run("show", "1").stdout
