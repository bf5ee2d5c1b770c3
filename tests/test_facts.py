"""Facts of a story: names, dates, quotes (spaCy NER) and conflicts (no NER)."""
from __future__ import annotations

from datetime import date

import pytest

from storyline.extract import extract_html
from storyline.facts import extract_facts, find_conflicts
from storyline.facts import nlp as models
from storyline.facts.dates import resolve
from storyline.facts.quotes import find_quotes
from storyline.model import Source
from tests.conftest import DEMO

ASHCOMBE = {
    "HL": "harbor-ledger/ashcombe-warehouse-fire-injures-12.html",
    "VW": "valley-wire/kestrel-freight-warehouse-blaze-ashcombe.html",
    "MDD": "metro-daily-dispatch/ashcombe-fire-cause-still-unknown.html",
    "CT": "coastline-times/ashcombe-warehouse-failed-sprinkler-inspection.html",
}
CORVANE = {
    "CT": "coastline-times/regulators-fine-corvane-energy-over-late-leak-reports.html",
    "CO": "civic-observer/corvane-energy-hit-with-penalty-for-slow-leak-disclosures.html",
}


def demo_sources(pages: dict[str, str]) -> list[Source]:
    sources = []
    for outlet, path in pages.items():
        page = extract_html((DEMO / path).read_bytes(), url=f"https://example.test/{path}")
        sources.append(Source(id=outlet, text=page.text, title=page.title, published=page.published))
    return sources


def by_about(conflicts):
    return {c.about: {v.value: sorted(v.articles) for v in c.values} for c in conflicts}


@pytest.fixture(scope="module")
def ashcombe():
    return demo_sources(ASHCOMBE)


# -- dates ---------------------------------------------------------------------

PUBLISHED = date(2026, 11, 17)  # a Tuesday


@pytest.mark.parametrize("phrase, context, expected", [
    ("Tuesday", "", "2026-11-17"),
    ("Monday night", "", "2026-11-16"),
    ("next Tuesday", "", "2026-11-24"),
    ("Friday", "the council will vote on", "2026-11-20"),
    ("this September", "", "2026-09"),
    ("September 10 to 13", "", "2026-09-10"),
    ("last November", "", "2025-11"),
    ("Nov. 17", "", "2026-11-17"),
    ("2009", "", "2009"),
    ("yesterday", "", "2026-11-16"),
    ("January 4", "", "2027-01-04"),
    ("March 11", "an inspector noted on", "2026-03-11"),
    ("March", "the championship begins in", "2027-03"),
    ("August 2025", "", "2025-08"),
    ("recent years", "", None),
])
def test_dates_resolve_against_publication(phrase, context, expected):
    assert resolve(phrase, PUBLISHED, context) == expected


def test_relative_dates_need_a_publication_date():
    assert resolve("Tuesday", None) is None
    assert resolve("November 17, 2026", None) == "2026-11-17"


# -- quotes (no NER) --------------------------------------------------------------

QUOTES_TEXT = """“We will rebuild this town, street by street,” Mayor Peter Haskins said on Friday.

"Nobody expected the water to rise this fast," said Dana Whitlock, the fire chief.

Whitlock said: “Every family on the list has been reached by now.”

Night-shift worker Luis Carranza said he smelled smoke first. “Someone yelled to get out, and we ran,” he said. “By the time we were outside the roof was burning.”

The report called the pressure “insufficient” and the valves “badly corroded.”"""


def test_quotes_and_their_speakers():
    quotes = find_quotes(QUOTES_TEXT, "a")
    said = {q.text: q.speaker for q in quotes}
    assert said["We will rebuild this town, street by street"] == "Peter Haskins"
    assert said["Nobody expected the water to rise this fast"] == "Dana Whitlock"
    assert said["Every family on the list has been reached by now."] == "Whitlock"
    assert said["Someone yelled to get out, and we ran"] == "Luis Carranza"
    assert said["By the time we were outside the roof was burning."] == "Luis Carranza"
    assert not any("insufficient" in q.text or "corroded" in q.text for q in quotes)  # scare quotes


# -- conflicts (no NER) -----------------------------------------------------------


def test_ashcombe_fire_conflicts(ashcombe):
    conflicts = by_about(find_conflicts(ashcombe))
    assert conflicts["people injured"] == {"12": ["CT", "HL"], "14": ["VW"], "13": ["MDD"]}
    assert conflicts["name: Whitlock / Whitlow"] == {"Dana Whitlock": ["CT", "HL", "MDD"],
                                                     "Dana Whitlow": ["VW"]}
    assert conflicts["firefighters"] == {"about 60": ["HL"], "roughly 70": ["VW"]}
    assert conflicts["square feet"] == {"210,000": ["MDD"], "180,000": ["CT"]}
    assert conflicts["start time"] == {"about 2:40 a.m.": ["HL"], "shortly before 3 a.m.": ["VW"]}


def test_ashcombe_agreeing_details_are_not_conflicts(ashcombe):
    conflicts = find_conflicts(ashcombe)
    for conflict in conflicts:
        assert len(conflict.values) >= 2
        seen = [a for v in conflict.values for a in v.articles]
        assert len(seen) == len(set(seen)), conflict  # no source on two sides
    # Everyone agrees on Priya Menon, Tanner Road and about 140 employees.
    text = repr(conflicts)
    assert "Menon" not in text and "140" not in text and "Tanner" not in text


def test_wire_copies_do_not_conflict():
    assert find_conflicts(demo_sources(CORVANE)) == []


def test_own_texts_conflicts_and_agreements():
    sources = [
        Source("a", "Police said 4 people were killed and about 20 people were injured in the crash on Route 9. "
                    "Officer Maria Santos said the road reopened at 6 p.m.", published="2026-03-04"),
        Source("b", "Four people died and 23 were injured when a bus left Route 9, said Officer Maria Santos.",
               published="2026-03-04"),
        Source("c", "The crash killed four people. Officer Maria Santoz said 23 people were hurt.",
               published="2026-03-05"),
    ]
    conflicts = by_about(find_conflicts(sources))
    assert conflicts["people injured"] == {"about 20": ["a"], "23": ["b", "c"]}
    assert "people killed" not in conflicts  # 4, "Four" and "four" agree
    assert conflicts["name: Santos / Santoz"] == {"Maria Santos": ["a", "b"], "Maria Santoz": ["c"]}


def test_different_people_with_one_surname_are_not_a_conflict():
    sources = [Source("a", "His son, Eric Pennick, read the statement."),
               Source("b", "His daughter, Amelia Pennick, said the family never gave up.")]
    assert find_conflicts(sources) == []


def test_a_source_with_two_values_is_not_compared():
    sources = [Source("a", "The fire injured 12 people. Later, officials said 2 people were injured badly."),
               Source("b", "Fourteen people were hurt in the fire.")]
    assert "people injured" not in by_about(find_conflicts(sources))


# -- extract_facts (spaCy) ------------------------------------------------------


def test_facts_of_the_ashcombe_fire(ashcombe, nlp):
    facts = extract_facts(ashcombe, nlp=nlp)
    people = {p.name: p for p in facts.people}
    assert sorted(people["Dana Whitlock"].articles) == ["CT", "HL", "MDD"]
    assert "Whitlock" in people["Dana Whitlock"].variants
    assert sorted(people["Priya Menon"].articles) == ["CT", "HL", "VW"]
    assert "Dana Whitlow" in people  # a different spelling stays a different name
    assert len(facts.people[0].articles) >= len(facts.people[-1].articles)
    places = {p.name: p for p in facts.places}
    assert sorted(places["Tanner Road"].articles) == ["CT", "HL", "VW"]
    tuesday = next(d for d in facts.dates if d.date == "2026-11-17")
    assert sorted(tuesday.articles) == ["CT", "HL", "MDD", "VW"]
    assert {"date": "2025-11", "articles": ["VW"]} in [{"date": d.date, "articles": d.articles} for d in facts.dates]
    speakers = {q.speaker for q in facts.quotes}
    assert {"Dana Whitlock", "Dana Whitlow", "Priya Menon", "Luis Carranza", "Gareth Lowe"} <= speakers
    for quote in facts.quotes:
        if quote.speaker == "Dana Whitlock":
            assert quote.article != "VW"


def test_name_variants_merge(nlp):
    sources = [
        Source("a", "Kim Jong Un inspected the missile site on Monday. Kim said the test was a success. "
                    "Mr. Kim's sister was also there."),
        Source("b", "The Calder County Water Authority said the breach affected 40,000 customers."),
        Source("c", "Officials at the Calder County Water Authority apologised, and Dana Whitlock's office "
                    "confirmed it. Whitlock said more would follow."),
    ]
    facts = extract_facts(sources, nlp=nlp)
    names = [p.name for p in facts.people]
    assert "Kim Jong Un" in names and "Kim" not in names
    kim = facts.people[names.index("Kim Jong Un")]
    assert kim.articles == ["a"]
    assert "Dana Whitlock" in names and "Whitlock" not in names
    authority = [o for o in facts.organisations if o.name == "Calder County Water Authority"]
    assert authority and sorted(authority[0].articles) == ["b", "c"]


def test_junk_entities_are_dropped(nlp):
    sources = [Source("a", "The 3 said the company lost 40. A said more. Officials at the Port Halden "
                           "Transit Authority said 1,200 riders used Route 7.")]
    facts = extract_facts(sources, nlp=nlp)
    for mention in facts.people + facts.organisations + facts.places:
        assert any(c.isalpha() for c in mention.name) and len(mention.name) > 1
        assert mention.name[0].isupper()


def test_missing_model_names_the_package(monkeypatch):
    monkeypatch.setenv(models.MODEL_ENV, "en_core_web_no_such_model")
    with pytest.raises(models.ModelMissing, match="en-core-web-no-such-model"):
        models.load()
