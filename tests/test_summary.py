"""storyline.summary: extractive, faithful, length-controlled summaries."""
from __future__ import annotations

import json

import pytest

import storyline.summary as summary_module
from storyline import summarize
from storyline.ingest import Ingestor
from storyline.summary.sentences import problem, split
from storyline.summary.stored import article_summary
from tests.conftest import DEMO
from tests.test_cli import run

ARTICLE = """Port Halden will make four bus routes free for a year, the city council decided on Tuesday night after a three-hour debate.

The U.S. Department of Transportation will pay for about 40 percent of the $3.1 million pilot, officials said at 9 p.m. when the vote was announced.

"This is about getting people to work, to school and to the doctor," said Mayor Ana Ruiz, who has pushed for free transit since her election in 2024.

Harbor Transit Inc. said ridership on the four routes fell by a third during the pandemic and has not recovered.

Council member Tom Becker voted against the plan, arguing that the city should first repair its aging fleet of 48 buses.

The pilot starts on January 5 and will be reviewed after six months, with results published by the transit authority.

Other cities in the region are watching closely, and Northfield's council is expected to discuss a similar idea next spring."""


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_sentences_are_verbatim_and_in_order():
    result = summarize(ARTICLE)
    assert 1 <= len(result.sentences) <= 3
    positions = [s.position for s in result.sentences]
    assert positions == sorted(positions)
    article_sentences = {s.position: s.text for s in split(ARTICLE)}
    for s in result.sentences:
        assert s.text == article_sentences[s.position]
        assert _norm(s.text) in _norm(ARTICLE)
    assert result.method == summary_module.METHOD and result.language == "en"


def test_punkt_keeps_abbreviations_together():
    texts = [s.text for s in split(ARTICLE)]
    assert any(t.startswith("The U.S. Department of Transportation") and t.endswith("announced.") for t in texts)
    assert any(t.startswith("Harbor Transit Inc. said") for t in texts)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_length_in_sentences(n):
    assert len(summarize(ARTICLE, sentences=n).sentences) == n


@pytest.mark.parametrize("budget", [30, 45, 80])
def test_length_in_words(budget):
    result = summarize(ARTICLE, words=budget)
    assert result.sentences and result.words <= budget


def test_short_article_comes_back_whole():
    text = "The bridge reopened on Monday. Traffic was light."
    result = summarize(text, sentences=3)
    assert [s.text for s in result.sentences] == ["The bridge reopened on Monday.", "Traffic was light."]
    assert "shorter" in result.note


def test_empty_and_one_sentence():
    empty = summarize("   ")
    assert empty.sentences == [] and empty.note == "the article has no text"
    one = summarize("The mayor resigned on Friday after twelve years in office.")
    assert [s.text for s in one.sentences] == ["The mayor resigned on Friday after twelve years in office."]


def test_bad_sentences_are_never_chosen():
    junk = [
        "By Mira Holt, Staff Reporter.",
        "Published: 09:30 EST, 18 November 2026.",
        "Scroll down for video.",
        "Click here to read the full report on the pier.",
        "Read more: Why the pier closed in the first place.",
        "Share this article with your friends and family.",
        "Photo: The old pier at dawn on Tuesday (Getty Images).",
        "and then the council.",
    ]
    text = "\n\n".join(junk) + "\n\n" + ARTICLE
    chosen = [s.text for s in summarize(text, sentences=4).sentences]
    assert not set(chosen) & set(junk)
    for line in junk:
        assert problem(line) is not None, line


def test_glued_prompt_is_split_off():
    text = "Scroll down for video The council voted to close the pier on Tuesday night. " + ARTICLE
    texts = [s.text for s in split(text)]
    assert texts[:2] == ["Scroll down for video", "The council voted to close the pier on Tuesday night."]


def test_table_of_scores_falls_back_to_the_lead():
    table = "Harbor 3 Valley 1\n\nNorthfield 0 Coastline 2\n\nMetro 4 Civic 4\n\nEastmere 1 Carrow 0\n\nPort 2 Linden 2"
    result = summarize(table, sentences=2)
    assert [s.position for s in result.sentences] == [0, 1]
    assert "prose" in result.note


def test_mostly_quotes():
    quotes = "\n\n".join([
        '"We have waited nine years for this trophy," said captain Lena Ortiz.',
        '"The fans never stopped singing, not even when we were a goal down," said coach Sam Hale.',
        '"My grandfather played in the last final we won," said midfielder Joe Brandt.',
        '"I told the players at half-time to trust the plan," Hale added.',
        '"Tonight the whole harbour can celebrate," said Mayor Ana Ruiz.',
    ])
    result = summarize(quotes, sentences=2)
    assert len(result.sentences) == 2
    assert all(_norm(s.text) in _norm(quotes) for s in result.sentences)


def test_non_english_gets_its_lead_and_says_so():
    german = ("Der Stadtrat von Port Halden hat am Dienstag beschlossen, vier Buslinien ein Jahr lang "
              "kostenlos zu machen. Die Entscheidung fiel nach einer dreistündigen Debatte. Die Bürgermeisterin "
              "sprach von einem wichtigen Schritt. Die Kosten liegen bei drei Millionen Dollar. Das Projekt "
              "beginnt im Januar.")
    result = summarize(german, sentences=2)
    assert result.language == "de"
    assert [s.position for s in result.sentences] == [0, 1]
    assert "de article" in result.note


def test_bad_length_is_an_error():
    with pytest.raises(ValueError):
        summarize(ARTICLE, sentences=0)


def test_stored_summaries_are_kept_and_renewed_with_the_method(store, fetcher, monkeypatch):
    Ingestor(store, fetcher).add([str(DEMO / "valley-wire")])
    article_id = store.list_articles()[0]["id"]
    first = article_summary(store, article_id, sentences=2)
    assert store.get_summary(article_id, "s2", summary_module.METHOD) == first
    store.execute("UPDATE summaries SET sentences = '[]'")  # a cached value is served as stored
    assert article_summary(store, article_id, sentences=2).sentences == []
    monkeypatch.setattr("storyline.summary.stored.METHOD", "storyline-extractive-next")
    monkeypatch.setattr(summary_module, "METHOD", "storyline-extractive-next")
    renewed = article_summary(store, article_id, sentences=2)
    assert len(renewed.sentences) == 2 and renewed.method == "storyline-extractive-next"
    methods = {r["method"] for r in store.rows("SELECT method FROM summaries")}
    assert methods == {"storyline-extractive-next"}
    assert article_summary(store, 99999) is None


def test_cli_summarize_file_and_stored_article(tmp_path):
    page = DEMO / "harbor-ledger" / "marrow-and-sons-bakery-turns-100.html"
    data = json.loads(run("summarize", str(page), "--json").stdout)
    assert data["article"] == str(page) and data["method"] == summary_module.METHOD
    assert data["words"] == sum(len(s["text"].split()) for s in data["sentences"]) > 0
    db = str(tmp_path / "s.db")
    run("--db", db, "add", str(page))
    stored = json.loads(run("--db", db, "summarize", "1", "--words", "40", "--json").stdout)
    assert stored["article"] == 1 and stored["words"] <= 40
    assert run("--db", db, "summarize", "7", check=False).returncode == 1


def test_dangling_openers_are_marked_down():
    from storyline.summary.score import dangles, score
    from storyline.summary.sentences import Sentence
    for text in ["He said the plan would work.", "But the council disagreed.", "“However, the vote was close.",
                 "It was the first free route.", "They voted on Tuesday."]:
        assert dangles(text), text
    for text in ["The council disagreed.", "Heather Ruiz said the plan would work.", "Buses run every hour."]:
        assert not dangles(text), text
    same = "the council approved the free bus routes on tuesday night after a long debate."
    candidates = [Sentence("Free routes start in January across the harbour district.", 0, 0),
                  Sentence("But " + same, 1, 1), Sentence("Then " + same, 2, 2), Sentence("T" + same[1:], 3, 3)]
    scores, _ = score(candidates, None)
    plain = score(candidates, None, summary_module.Weights(dangling_penalty=0.0))[0]
    assert scores[1] < plain[1] and scores[2] < plain[2] and scores[3] == plain[3]


def test_select_keeps_budget_order_and_skips_repeats():
    from storyline.summary import select
    from storyline.summary.score import score
    sentences = [s for s in split(ARTICLE)]
    sentences.append(type(sentences[0])(sentences[0].text, len(sentences), 99))  # an exact repeat of the lead
    scores, vectors = score(sentences, None)
    scores[-1] = max(scores) + 1  # the repeat is the best; the lead must then be skipped
    chosen = select(sentences, scores, vectors, sentences=3, words=None)
    assert chosen == sorted(chosen) and len(chosen) == 3 and len(sentences) - 1 in chosen and 0 not in chosen
    budget = select(sentences, scores, vectors, sentences=None, words=40)
    assert sum(len(sentences[i].text.split()) for i in budget) <= 40 or len(budget) == 1
