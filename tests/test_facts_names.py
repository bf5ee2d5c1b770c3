"""Names in the facts: variants merged (hyphens, spacing, case, country codes,
acronyms), spans the recognizer cut short grown back, no lone common word as an
organisation, nothing from chrome-like lines; ages that differ are conflicts;
agreement labels that say how many outlets they count."""
from __future__ import annotations

import re

import pytest

from storyline.brief import brief, brief_json
from storyline.facts import extract_facts, find_conflicts
from storyline.facts.aliases import country, country_code, spells_out
from storyline.model import Source
from tests.test_facts import by_about, demo_sources

TOKEN = None  # the reader is read-only here

HIKER = {
    "VW": "valley-wire/missing-hiker-found-alive-brennan-ridge.html",
    "NC": "northfield-courier/dog-team-finds-missing-millbrook-hiker.html",
    "CO": "civic-observer/rescued-hiker-released-from-hospital.html",
}


def entities_of(text: str, *names: tuple[str, str]) -> list[tuple[str, str, int]]:
    """What the recognizer would give: (text, spaCy label, offset) of each
    occurrence of each name, in reading order."""
    found = [(name, label, m.start()) for name, label in names
             for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    return sorted(found, key=lambda e: e[2])


def names(mentions) -> dict[str, list]:
    return {m.name: sorted(m.articles) for m in mentions}


# -- variants -----------------------------------------------------------------------------------------


def test_hyphen_spacing_and_case_variants_are_one_person(nlp):
    sources = [
        Source("a", "North Korean leader Kim Jong Un watched the launch on Tuesday, state media said. "
                    "Kim said the test was a warning."),
        Source("b", "KIM JONG-UN oversaw the test, the official news agency said. Kim Jong-un called it a success."),
        Source("c", "Kim Jong un was at the site, Pyongyang said. The envoy Ana-Maria Lund said talks would go on."),
        Source("d", "Envoy Ana Maria Lund, who met officials on Monday, said she would return in March."),
    ]
    people = {p.name: p for p in extract_facts(sources, nlp=nlp).people}
    assert sorted(people["Kim Jong Un"].articles) == ["a", "b", "c"]
    assert {"Kim Jong-un", "Kim Jong un", "Kim"} <= set(people["Kim Jong Un"].variants)
    assert not [name for name in people if name != "Kim Jong Un" and "kim" in name.lower()]
    lund = [p for name, p in people.items() if "Lund" in name]
    assert len(lund) == 1 and sorted(lund[0].articles) == ["c", "d"]


def test_spelling_variants_are_no_name_conflict():
    sources = [Source("a", "Kim Jong Un watched the launch. Kim Jong Un said it had worked."),
               Source("b", "KIM JONG-UN watched the launch, and Kim Jong-un praised the engineers."),
               Source("c", "North Korean leader Kim Jong un was there, and so was Janelle Ortiz-Crane."),
               Source("d", "Kim Jong-un was there, and so was Janelle Ortiz.")]
    conflicts = by_about(find_conflicts(sources))
    assert list(conflicts) == ["name: Ortiz / Ortiz-Crane"]  # a double-barrelled name is still one


def test_variants_merge_whatever_the_recognizer_gave():
    text_a = "Mayor Dana Whitlock-Reyes spoke on Monday. Whitlock-Reyes said the road would reopen."
    text_b = "DANA WHITLOCK REYES, the mayor, said the road would reopen."
    sources = [Source("a", text_a), Source("b", text_b)]
    facts = extract_facts(sources, entities=[
        entities_of(text_a, ("Dana Whitlock-Reyes", "PERSON"), ("Whitlock-Reyes", "PERSON")),
        entities_of(text_b, ("DANA WHITLOCK REYES", "PERSON"))])
    assert names(facts.people) == {"Dana Whitlock-Reyes": ["a", "b"]}


def test_a_country_is_one_place_under_its_names_and_codes(nlp):
    sources = [
        Source("a", "Officials in the United States condemned the launch, and Japan called an emergency meeting."),
        Source("b", "The U.S. and its allies said the test broke the agreement."),
        Source("c", "The US said it would ask for a meeting of the Security Council."),
    ]
    places = names(extract_facts(sources, nlp=nlp).places)
    us = [name for name in places if country(name) == "US" or country_code(name) == "US"]
    assert us == ["United States"] and places["United States"] == ["a", "b", "c"]


def test_country_aliases_come_from_iso_and_cldr():
    for written in ("United States", "the United States", "United States of America"):
        assert country(written) == "US", written
    for written in ("US", "U.S.", "USA"):
        assert country_code(written) == "US", written
    assert country("Russia") == country("Russian Federation") == "RU"
    assert country("South Korea") == country("Republic of Korea") == "KR"
    assert country_code("Can") is None and country("Linden Falls") is None  # codes count in capitals only


def test_an_acronym_joins_the_name_it_spells():
    text = ("The Federal Bureau of Investigation is looking into the breach, and the FBI said it had "
            "questioned two employees of Meridale Billing Systems.")
    facts = extract_facts([Source("a", text)], entities=[entities_of(
        text, ("The Federal Bureau of Investigation", "ORG"), ("FBI", "ORG"), ("Meridale Billing Systems", "ORG"))])
    organisations = {m.name: m.variants for m in facts.organisations}
    assert organisations["Federal Bureau of Investigation"] == ["FBI"]
    assert spells_out("U.N.", "United Nations") and not spells_out("UN", "Union Street")


# -- spans --------------------------------------------------------------------------------------------


def test_a_truncated_place_grows_to_its_full_name():
    text = ("Brennan Ridge State Forest Superintendent Carla Mendes said the trails would be reviewed. "
            "Rangers searched near Carrow Bay City Hall on Tuesday.")
    found = [("Brennan Ridge State", "GPE", 0), ("Carla Mendes", "PERSON", 42),
             ("Carrow", "GPE", text.index("Carrow")), ("Tuesday", "DATE", text.index("Tuesday"))]
    places = names(extract_facts([Source("a", text)], entities=[found]).places)
    assert "Brennan Ridge State Forest" in places and "Brennan Ridge State" not in places
    assert "Carrow Bay City Hall" in places  # stops before the date


def test_a_span_grows_to_a_name_the_story_uses_elsewhere():
    text_a = "Carrow Bay City Manager Denise Albright said the city would hold meetings."
    text_b = "About 7,500 of the accounts are in Carrow Bay, officials said."
    found_a = [("Carrow", "GPE", 0), ("Bay City", "GPE", 7), ("Denise Albright", "PERSON", 21)]
    facts = extract_facts([Source("a", text_a), Source("b", text_b)],
                          entities=[found_a, entities_of(text_b, ("Carrow Bay", "GPE"))])
    assert names(facts.places) == {"Carrow Bay": ["a", "b"]}


def test_the_demo_forest_is_one_whole_place(nlp):
    facts = extract_facts(demo_sources(HIKER), nlp=nlp)
    every = [m.name for m in facts.people + facts.organisations + facts.places]
    assert "Brennan Ridge State" not in every
    assert sorted(names(facts.places)["Brennan Ridge State Forest"]) == ["CO", "NC", "VW"]


# -- what is not a name -----------------------------------------------------------------------------


def test_a_lone_common_word_is_not_an_organisation():
    text = ("U.S. Defense Secretary Lloyd Austin spoke on Monday. Police said the road was closed, and "
            "the Pentagon said it was watching. Meridale confirmed the breach. The council met; "
            "the Council voted 5-2. Corvane Energy and the Tri-County Search Dog Association helped.")
    found = entities_of(text, ("U.S.", "GPE"), ("Defense", "ORG"), ("Lloyd Austin", "PERSON"), ("Police", "ORG"),
                        ("Pentagon", "ORG"), ("Meridale", "ORG"), ("Council", "ORG"), ("Corvane Energy", "ORG"),
                        ("Tri-County Search Dog Association", "ORG"))
    organisations = names(extract_facts([Source("a", text)], entities=[found]).organisations)
    assert not {"Defense", "Police", "Council"} & set(organisations)
    # A word of its own, or a common word used as a name on its own, stays.
    assert {"Pentagon", "Meridale", "Corvane Energy", "Tri-County Search Dog Association"} <= set(organisations)


def test_names_only_in_chrome_like_lines_are_not_facts():
    text = ("Volunteers in Ashcombe cleared the riverbank on Saturday, said organiser Priya Menon.\n\n"
            "They filled 40 bags with rubbish.\n\n"
            "Previous Article\n\n"
            "Harwick Orchard Festival Draws Record Crowd To Dunmore Despite The Rain\n\n"
            "Next Article")
    found = entities_of(text, ("Ashcombe", "GPE"), ("Priya Menon", "PERSON"), ("Harwick Orchard Festival", "ORG"),
                        ("Dunmore", "GPE"))
    facts = extract_facts([Source("a", text)], entities=[found])
    every = [m.name for m in facts.people + facts.organisations + facts.places]
    assert "Ashcombe" in every and "Priya Menon" in every
    assert "Dunmore" not in every and "Harwick Orchard Festival" not in every


# -- ages ---------------------------------------------------------------------------------------------


def test_ages_that_differ_are_a_conflict():
    sources = [Source("a", "A 67-year-old man who had been missing since Wednesday was found alive."),
               Source("b", "Rescuers found the 68-year-old hiker in a ravine."),
               Source("c", "Walter Pennick, 67, was released from hospital on Saturday.")]
    assert by_about(find_conflicts(sources))["age"] == {"67": ["a", "c"], "68": ["b"]}


def test_ages_of_different_people_are_not_a_conflict():
    sources = [Source("a", "The driver, a 19-year-old man, was taken to hospital."),
               Source("b", "A passenger aged 45 was treated at the scene."),
               Source("c", "Priya Menon, 34, and Luis Carranza, 36, were among the injured.")]
    assert "age" not in by_about(find_conflicts(sources))


# -- agreement labels -----------------------------------------------------------------------------------


def test_shared_statements_say_how_many_outlets_state_them():
    sources = [
        Source(1, "The river crested at 18 feet on Thursday night in Linden Falls, the weather service said.\n\n"
                  "Volunteers filled sandbags outside the town hall until dawn.", None, "Valley Post"),
        Source(2, "The weather service said the river crested at 18 feet in Linden Falls on Thursday night.\n\n"
                  "Shops on Mill Street stayed shut on Friday as owners counted the damage.", None, "River Times"),
        Source(3, "Schools in the county will stay closed until Monday, the superintendent said.\n\n"
                  "The river crested at 18 feet on Thursday night in Linden Falls, forecasters said.", None,
               "County Courier"),
        Source(4, "Schools in the county will stay closed until Monday, the superintendent said on Friday.", None,
               "County Courier"),
    ]
    body = brief_json(brief(sources, words=80, facts=False))
    shared = {s["text"]: s for s in body["agreement"]["shared"]}
    crest = next(s for text, s in shared.items() if "crested" in text)
    assert (crest["outlets"], crest["of"]) == (3, 3)
    schools = [s for text, s in shared.items() if "Schools" in text]
    assert not schools  # one outlet twice is not two outlets
    for statement in shared.values():
        assert statement["of"] == 3 and 2 <= statement["outlets"] <= 3


def test_the_story_page_counts_outlets_and_lists_the_age_conflict(client):
    stories = client.get("/api/stories?limit=50").json()["stories"]
    hiker = next(s for s in stories if "Brennan Ridge" in s["title"] or "hiker" in s["title"].lower())
    assert len(set(hiker["outlets"])) == 3
    html = client.get(f"/stories/{hiker['id']}").text
    agreement = html[html.index('class="agreement"'):html.index('class="timeline"')]
    # The outlets disagree on the day he went missing, so the sentence that two of them share
    # in milestone 1's word-overlap sense ("since Wednesday" / after going missing) is not
    # stated by the other: nothing here is reported by all three.
    assert "Reported by all" not in agreement and "Reported by 3 of 3" not in agreement
    assert re.search(r"<strong>age</strong>:\s*67 .*68 ", agreement, re.S)
    body = client.get(f"/api/stories/{hiker['id']}").json()
    for statement in body["agreement"]["shared"]:
        assert statement["of"] == 3 and statement["outlets"] == len(
            {a["outlet"] for a in body["articles"] if a["id"] in statement["articles"]})
