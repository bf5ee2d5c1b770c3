"""The agreement panel on demo stories that outlets tell in their own words (issue 12).

Three demo stories (demo/articles.py) are each told by two or three outlets with
little shared wording: the same names, numbers and places, paraphrased. Every
outlet adds details no other outlet gives and one fact-free filler line, and the
outlets disagree on exactly one number. STORIES below is the specification: what
"Reported by N of M outlets", "Only in X" and "Conflicting" must show for them.

Facts are matched by a key word or number (never by whole sentences), so any
outlet's wording of a fact may be the one the panel shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from storyline.brief.stored import story_brief
from storyline.facts.sentences import sentences
from storyline.ingest import Ingestor
from storyline.storage import Store
from tests.conftest import DEMO, offline

CT, HL, CO = "Coastline Times", "The Harbor Ledger", "The Civic Observer"
NC, VW = "Northfield Courier", "Valley Wire"


@dataclass(frozen=True)
class Told:
    pages: dict[str, str]  # outlet -> its article, under demo/corpus
    shared: tuple[str, ...]  # a key of each fact that every outlet states, in its own words
    only_in: dict[str, tuple[str, ...]]  # outlet -> keys of details no other outlet gives
    conflict: dict[str, tuple[str, ...]]  # the disputed number -> the outlets that give it
    filler: dict[str, str]  # outlet -> a phrase of its fact-free filler sentence


STORIES = {
    "gannet-point-ferry-grounding": Told(
        pages={CT: "coastline-times/island-wren-ferry-grounds-off-gannet-point.html",
               HL: "harbor-ledger/ferry-runs-aground-near-gannet-point.html",
               CO: "civic-observer/stranded-ferry-leaves-pell-island-cut-off.html"},
        # the grounding off Gannet Point on Sunday; the captain's call for help (his name
        # written "Choi Min-jae" and "Choi Min Jae"); four hurt; no crossings to Pell Island
        shared=("Gannet Point", "Choi Min", "four", "Pell Island"),
        only_in={CT: ("Merrow Marine", "Marjorie Vance"),  # the tugs that refloated it; a passenger
                 HL: ("Howard Blye", "Seastar"),  # the refunds; the replacement catamaran
                 CO: ("Ines Santos", "1998")},  # the investigator; the vessel's age and inspection
        conflict={"112": (CT, HL), "121": (CO,)},  # passengers aboard
        filler={CT: "further details would be made public",
                HL: "more information would be released",
                CO: "more details are expected"},
    ),
    "garrick-tool-works-closure": Told(
        pages={NC: "northfield-courier/garrick-tool-works-to-close-ferrier-road-plant.html",
               VW: "valley-wire/northfield-toolmaker-garrick-shutting-factory.html"},
        # the Ferrier Road plant closes; last day March 31; work moves to Belwick; the union
        shared=("Ferrier Road", "March 31", "Belwick", "Local 418"),
        only_in={NC: ("Amos Garrick", "Gloria Abend"),  # the founding in 1961; the tax loss
                 VW: ("Philippa Greer", "job fair")},  # the chief executive's letter; the job fair
        conflict={"230": (NC,), "260": (VW,)},  # workers losing their jobs
        filler={NC: "did not immediately respond",
                VW: "more details would be shared"},
    ),
    "sutter-creek-derailment": Told(
        pages={VW: "valley-wire/freight-train-derails-at-sutter-creek.html",
               CO: "civic-observer/derailment-near-millbrook-forces-evacuations.html",
               NC: "northfield-courier/millbrook-neighbors-wait-after-train-leaves-tracks.html"},
        # the derailment at Sutter Creek ("Calder & Northern" and "Calder and Northern");
        # Route 9 closed; 60 homes evacuated; a fertilizer leak
        shared=("Sutter Creek", "Route 9", "60", "fertilizer"),
        only_in={VW: ("Dale Pruitt", "cranes"),  # the crew; the cranes brought in
                 CO: ("Samuel Okoro", "Ashcombe"),  # the fire chief's air tests; the earlier derailment
                 NC: ("Harold Beame", "Red Cross")},  # a neighbor; the warming center
        conflict={"14": (VW, NC), "17": (CO,)},  # cars derailed
        filler={VW: "being monitored closely",
                CO: "share more information",
                NC: "further updates are expected"},
    ),
}


# Numbers an outlet writes in words (a sentence does not start with a figure).
SPELLED_OUT = {"14": "Fourteen"}


def mentions(text: str, key: str) -> bool:
    """Whether the text states the key (a word, name or number) as a whole word."""
    plain = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.search(r"(?<![\w.,])" + re.escape(key) + r"(?![\w]|[.,]\d)", plain, re.I) is not None


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The whole demo corpus, ingested into a real SQLite file (stories placed, briefs made)."""
    with Store(tmp_path_factory.mktemp("agreement") / "demo.db") as store, \
            Ingestor(store, settings=offline()) as ingestor:
        report = ingestor.add([str(DEMO)])
        assert report.failed == []
        yield store


@pytest.fixture(scope="module")
def articles(store) -> dict[str, dict]:
    """Stored articles (with their clean text) by their page under demo/corpus."""
    rows = store.list_articles(limit=1000)
    return {page: store.get_article(row["id"]) for row in rows for told in STORIES.values()
            for page in told.pages.values() if row["source"].endswith(page)}


@pytest.fixture(scope="module")
def panels(store, articles) -> dict[str, dict]:
    """Each story's agreement panel, with article ids replaced by outlet names."""
    found = {}
    for key, told in STORIES.items():
        story_id = articles[next(iter(told.pages.values()))]["story_id"]
        outlet_of = {articles[page]["id"]: outlet for outlet, page in told.pages.items()}
        panel = story_brief(store, story_id)["agreement"]
        found[key] = {
            "shared": [dict(s, outlet_names=sorted(outlet_of.get(a, a) for a in s["articles"]))
                       for s in panel["shared"]],
            "only_in": {outlet_of.get(int(a), a): [s["text"] for s in said]
                        for a, said in panel["only_in"].items()},
            "conflicts": [{v["value"]: sorted(outlet_of.get(a, a) for a in v["articles"]) for v in c["values"]}
                          for c in panel["conflicts"]],
            "sentences": [dict(s, outlet_names=sorted(outlet_of.get(a, a) for a in s["citations"]))
                          for s in story_brief(store, story_id)["sentences"]],
        }
    return found


def test_the_corpus_tells_the_stories_as_specified(store, articles):
    """The spec above matches the articles: each shared fact is one sentence in every
    outlet, each detail is in its own outlet only, and the disputed numbers are where
    the spec puts them. (If this fails, the data changed, not the agreement panel.)"""
    for key, told in STORIES.items():
        said = {outlet: [articles[page]["text"][a:b] for a, b in sentences(articles[page]["text"])]
                for outlet, page in told.pages.items()}
        for fact in told.shared:
            for outlet, lines in said.items():
                assert sum(mentions(line, fact) for line in lines) == 1, (key, outlet, fact)
        for outlet, details in told.only_in.items():
            for detail in details:
                assert [o for o, lines in said.items() if any(mentions(line, detail) for line in lines)] == [outlet]
                line = next(line for line in said[outlet] if mentions(line, detail))
                assert not any(mentions(line, fact) for fact in told.shared), line
        for value, outlets in told.conflict.items():
            written = (value, SPELLED_OUT.get(value, value))
            assert sorted(o for o, lines in said.items()
                          if any(mentions(line, w) for line in lines for w in written)) == sorted(outlets)
        for outlet, phrase in told.filler.items():
            assert any(mentions(line, phrase) for line in said[outlet]), (outlet, phrase)


def test_each_story_is_one_cluster_of_its_outlets(store, articles):
    story_ids = {}
    for key, told in STORIES.items():
        ids = {articles[page]["story_id"] for page in told.pages.values()}
        assert len(ids) == 1 and None not in ids, (key, ids)
        story_ids[key] = ids.pop()
        story = store.get_story(story_ids[key])
        assert sorted(a["outlet"] for a in story["articles"]) == sorted(told.pages), key
    assert len(set(story_ids.values())) == len(STORIES)


# Known gap, issue 12 still open: the support check (all-MiniLM-L6-v2 meaning + names,
# numbers and dates) does not yet recognise every paraphrase in these stories, so not every
# shared fact reaches "Reported by M of M", nor every brief sentence all its outlets' citations.
# strict: these fail the suite the day they start passing, so the mark cannot outlive the gap.
PARAPHRASE_GAP = pytest.mark.xfail(strict=True, reason="issue 12: paraphrases the support check misses")


@PARAPHRASE_GAP
@pytest.mark.parametrize("key", STORIES)
def test_shared_facts_are_reported_by_every_outlet(panels, key):
    told, panel = STORIES[key], panels[key]
    everyone = sorted(told.pages)
    for fact in told.shared:
        stating = [s for s in panel["shared"] if mentions(s["text"], fact)]
        assert stating, f"{key}: no shared statement says {fact!r}; shared: {[s['text'] for s in panel['shared']]}"
        best = max(stating, key=lambda s: s["outlets"])
        assert (best["outlets"], best["of"]) == (len(everyone), len(everyone)), (fact, best)
        assert best["outlet_names"] == everyone, (fact, best)


@pytest.mark.parametrize("key", STORIES)
def test_only_in_holds_each_outlets_own_details_not_its_lead(panels, key):
    told, panel = STORIES[key], panels[key]
    for outlet, details in told.only_in.items():
        alone = panel["only_in"].get(outlet, [])
        for detail in details:
            assert any(mentions(text, detail) for text in alone), f"{key}: {detail!r} not only in {outlet}: {alone}"
        for text in alone:  # its lead and the other facts every outlet states are not its own
            assert not any(mentions(text, fact) for fact in told.shared), f"{key}: only in {outlet}: {text!r}"


@pytest.mark.parametrize("key", STORIES)
def test_the_contradiction_names_each_value_and_who_says_it(panels, key):
    told, panel = STORIES[key], panels[key]
    expected = {value: sorted(outlets) for value, outlets in told.conflict.items()}
    assert expected in panel["conflicts"], panel["conflicts"]
    for conflict in panel["conflicts"]:  # no shared fact is reported as disputed
        assert not any(mentions(value, fact) for value in conflict for fact in told.shared), conflict


@pytest.mark.parametrize("key", STORIES)
def test_filler_is_not_a_shared_fact(panels, key):
    told, panel = STORIES[key], panels[key]
    for statement in panel["shared"]:
        assert not any(mentions(statement["text"], phrase) for phrase in told.filler.values()), statement


@PARAPHRASE_GAP
@pytest.mark.parametrize("key", STORIES)
def test_brief_sentences_cite_every_outlet_that_states_them(panels, key):
    told, panel = STORIES[key], panels[key]
    for sentence in panel["sentences"]:
        for fact in told.shared:
            if mentions(sentence["text"], fact):
                assert sentence["outlet_names"] == sorted(told.pages), (fact, sentence)


def test_the_cli_prints_the_panel_for_files():
    from tests.test_cli import run

    told = STORIES["sutter-creek-derailment"]
    printed = run("brief", *(str(DEMO / page) for page in told.pages.values())).stdout
    reported = [line for line in printed.splitlines() if line.startswith("Reported by all outlets: ")]
    assert any("Sutter Creek" in line and set(re.findall(r"\[(\d)\]", line)) == {"1", "2", "3"}
               for line in reported), printed
    assert re.search(r"^Conflicting — cars: 14 \(.*\); 17 \(", printed, re.M), printed
    assert "Only in" in printed and "Dale Pruitt" in printed
