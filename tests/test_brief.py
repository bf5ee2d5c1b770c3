"""storyline.brief: cited multi-source briefs, agreement, and briefs of stored stories."""
from __future__ import annotations

import json

import pytest

from storyline.brief import brief, brief_json
from storyline.brief.stored import story_brief
from storyline.ingest import Ingestor
from storyline.model import Source
from tests.conftest import DEMO
from tests.test_cli import run
from tests.test_facts import ASHCOMBE, demo_sources

# Three outlets on one invented event, in their own words.
DAM = Source(1, (
    "Engineers opened all four spillway gates at the Orrin Dam on Monday after three days of heavy rain "
    "raised the reservoir to a record level.\n\n"
    "The Orrin Valley Water District said 1,200 residents downstream were told to leave their homes by "
    "6 p.m. as a precaution.\n\n"
    "District manager Lena Voss said the dam itself showed no sign of damage. "
    "Shelters opened at the Ferris Middle School gym and the county fairgrounds."
), "Orrin Dam opens spillways as reservoir hits record", "Valley Post", "2026-03-02T09:00:00Z")
DAM_2 = Source(2, (
    "The water district told about 1,200 residents downstream of the Orrin Dam to leave their homes "
    "by 6 p.m. on Monday as a precaution.\n\n"
    "Three days of heavy rain pushed the reservoir to a record level, the Orrin Valley Water District said.\n\n"
    "Farmers along the river moved cattle to higher ground overnight, and the state highway along the "
    "valley floor was closed to traffic."
), "Evacuations below Orrin Dam", "River Times", "2026-03-02T11:00:00Z")
DAM_3 = Source(3, (
    "Residents below the Orrin Dam were ordered to evacuate on Monday, with 1,500 people told to leave "
    "by 6 p.m., according to the county emergency office.\n\n"
    "Engineers opened all four spillway gates at the dam on Monday after the reservoir reached a record level. "
    "Officials said a decision on reopening the valley highway would come on Wednesday."
), "Orrin Dam evacuation ordered", "County Courier", "2026-03-02T12:30:00Z")


def _words(text: str) -> int:
    return len(text.split())


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_every_sentence_is_verbatim_cited_and_within_budget():
    sources = [DAM, DAM_2, DAM_3]
    result = brief(sources, words=60, facts=False)
    assert result.sentences and result.words <= 60
    by_id = {s.id: s for s in sources}
    for sentence in result.sentences:
        assert sentence.text in _normal(by_id[sentence.article].text)
        assert sentence.citations[0] == sentence.article
        assert len(set(sentence.citations)) == len(sentence.citations)
    texts = [s.text for s in result.sentences]
    assert len(texts) == len(set(texts))


def test_a_paraphrase_is_cited_and_a_different_number_is_not():
    result = brief([DAM, DAM_2, DAM_3], words=200, facts=False)
    cited = {s.text: s.citations for s in result.sentences}
    evacuation = next(t for t in cited if "1,200" in t)
    # The other 1,200 account states it in other words; the 1,500 one gives another number.
    assert set(cited[evacuation]) == {1, 2}
    # Both other accounts of the gates leave out something this one says: the rain (River
    # Times has no gates, County Courier no "three days of heavy rain"), so no one else is cited.
    gates = next(t for t in cited if "spillway gates" in t)
    if "three days of heavy rain" in gates:
        assert cited[gates] == [1]
    else:
        assert set(cited[gates]) == {1, 3}
    # Nothing is ever cited to a source that lacks a number the sentence gives.
    by_id = {s.id: s for s in (DAM, DAM_2, DAM_3)}
    for text, ids in cited.items():
        for number in ("1,200", "1,500", "6 p.m."):
            if number in text:
                assert all(number in by_id[i].text for i in ids), (text, ids)


def test_agreement_shared_only_in_and_conflicts():
    result = brief([DAM, DAM_2, DAM_3], words=120, facts=False)
    agreement = result.agreement
    assert agreement is not None
    assert any(len(s.articles) >= 2 and "spillway" in s.text for s in agreement.shared)
    only = {k: " ".join(s.text for s in v) for k, v in agreement.only_in.items()}
    assert "Shelters" in only.get(1, "") or "Lena Voss" in only.get(1, "")
    assert "cattle" in only.get(2, "") or "highway" in only.get(2, "")
    for statements in agreement.only_in.values():
        for statement in statements:
            assert all(statement.text not in _normal(s.text) for s in (DAM, DAM_2, DAM_3)
                       if s.id != statement.articles[0])
    assert all(len({o for v in c.values for o in v.articles}) >= 2 for c in agreement.conflicts)


def test_a_story_of_one_article_gets_its_summary_and_no_agreement():
    result = brief([DAM], words=40, facts=False)
    assert result.agreement is None
    assert result.sentences and all(s.citations == [1] for s in result.sentences)
    assert result.words <= 40 or len(result.sentences) == 1


def test_near_copies_count_once():
    copy = Source(9, DAM.text + "\n\nThe district will update residents at noon.", DAM.title, "Wire Reprint",
                  "2026-03-02T10:00:00Z", duplicate_of=1)
    result = brief([DAM, copy, DAM_3], words=120, facts=False)
    assert 9 not in result.agreement.only_in  # a copy has no voice of its own
    assert all(s.article != 9 for s in result.sentences)
    for statement in result.agreement.shared:
        assert set(statement.articles) - {1, 9}, statement  # never "shared" by a source and its copy alone
    alone = brief([DAM, copy], words=60, facts=False)
    assert alone.agreement is None and all(s.citations == [1, 9] for s in alone.sentences)


def test_empty_and_bad_lengths():
    assert brief([], facts=False).sentences == []
    with pytest.raises(ValueError):
        brief([DAM], words=0, facts=False)


def test_demo_fire_story_cites_and_lists_the_conflicts():
    sources = demo_sources(ASHCOMBE)
    result = brief(sources, words=150, facts=False)
    body = brief_json(result)
    assert json.loads(json.dumps(body)) == body
    conflicts = {c["about"]: c for c in body["agreement"]["conflicts"]}
    injured = next(c for about, c in conflicts.items() if "injured" in about)
    assert {v["value"]: sorted(v["articles"]) for v in injured["values"]} == {
        "12": ["CT", "HL"], "14": ["VW"], "13": ["MDD"]}
    for sentence in body["sentences"]:
        if "12 " in sentence["text"] and "injur" in sentence["text"]:
            assert "VW" not in sentence["citations"] and "MDD" not in sentence["citations"]


def test_stored_brief_is_kept_and_renewed_when_the_story_grows(store, fetcher):
    ingestor = Ingestor(store, fetcher)
    ingestor.add([str(DEMO / "harbor-ledger" / "ashcombe-warehouse-fire-injures-12.html"),
                  str(DEMO / "valley-wire" / "kestrel-freight-warehouse-blaze-ashcombe.html")])
    story_id = store.list_stories()[0]["id"]
    made = store.rows("SELECT part FROM briefs WHERE story_id = :id", {"id": story_id})
    assert [r["part"] for r in made] == ["text"]  # briefed as the articles were added
    first = story_brief(store, story_id, facts=False)
    assert first["story"] == story_id and len({s["article"] for s in first["sentences"]}) >= 1
    assert store.scalar("SELECT COUNT(*) FROM briefs WHERE story_id = :id", {"id": story_id}) == 1
    store.execute("UPDATE briefs SET body = :body WHERE story_id = :id",
                  {"body": json.dumps({**first, "marker": 1}), "id": story_id})
    assert story_brief(store, story_id, facts=False)["marker"] == 1  # served from the store
    ingestor.add([str(DEMO / "metro-daily-dispatch" / "ashcombe-fire-cause-still-unknown.html")])
    assert len(store.get_story(story_id)["articles"]) == 3
    renewed = story_brief(store, story_id, facts=False)
    assert "marker" not in renewed
    assert story_brief(store, 10_000) is None


def test_cli_brief_of_files_and_of_a_stored_story(tmp_path):
    files = [str(DEMO / p) for p in ASHCOMBE.values()]
    body = json.loads(run("brief", *files, "--words", "100", "--json").stdout)
    assert set(body) >= {"story", "sentences", "facts", "agreement"}
    assert {s["article"] for s in body["sentences"]} <= set(files)
    people = {p["name"] for p in body["facts"]["people"]}
    assert "Dana Whitlock" in people
    assert any(c["about"].startswith("name") for c in body["agreement"]["conflicts"])
    db = str(tmp_path / "d.db")
    run("--db", db, "demo", "--json")
    stories = json.loads(run("--db", db, "stories", "--json").stdout)
    biggest = max(stories, key=lambda s: len(s["articles"]))
    stored = json.loads(run("--db", db, "brief", str(biggest["id"]), "--json").stdout)
    assert stored["story"] == biggest["id"]
    assert all(set(s["citations"]) <= set(biggest["articles"]) for s in stored["sentences"])
    text = run("--db", db, "brief", str(biggest["id"])).stdout
    assert "Sources:" in text and "[1]" in text


def test_stored_facts_recognize_each_article_once(store, fetcher, monkeypatch):
    import storyline.facts as facts

    ingestor = Ingestor(store, fetcher)
    ingestor.add([str(DEMO / "harbor-ledger" / "ashcombe-warehouse-fire-injures-12.html"),
                  str(DEMO / "valley-wire" / "kestrel-freight-warehouse-blaze-ashcombe.html")])
    story_id = store.list_stories()[0]["id"]
    seen: list[int] = []
    recognize = facts.find_entities
    monkeypatch.setattr(facts, "find_entities", lambda texts, nlp=None: seen.append(len(texts)) or recognize(texts, nlp))
    first = story_brief(store, story_id)
    assert seen == [2]
    assert "Dana Whitlock" in {p["name"] for p in first["facts"]["people"]}
    ingestor.add([str(DEMO / "metro-daily-dispatch" / "ashcombe-fire-cause-still-unknown.html")])
    grown = story_brief(store, story_id)
    assert seen == [2, 1]  # only the new article went through the recognizer
    assert len({a for p in grown["facts"]["people"] for a in p["articles"]}) == 3
    people = {p["name"]: p["articles"] for p in grown["facts"]["people"]}
    assert len(people["Dana Whitlock"]) >= 2
