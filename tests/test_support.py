"""storyline.brief.support: does B state A, contradict it, or neither (with real sentence vectors)."""
import pytest

from storyline.brief import support
from storyline.brief.content import content, names_missing, numbers

SOURCE = [
    "North Korean leader Kim Jong-un met South Korea's president at the border village of Panmunjom on Friday.",
    "Twenty-eight-year-old Geraldine Alcorn was arraigned on Wednesday on charges of child luring.",
    "The council voted 7-2 to spend $1.2 million on the bridge in 2016, Mayor Ruth Okafor said.",
    "The home team won the final on Sunday after extra time.",
    "Officials said more information would be released later.",
]


@pytest.mark.parametrize("claim", [
    "Kim Jong Un met the president of South Korea in Panmunjom on Friday.",  # name spelt another way
    "Geraldine Alcorn, 28, was arraigned Wednesday on child luring charges.",  # "twenty-eight" = 28
    "The council voted to spend $1.2 million on the bridge in 2016.",  # the attribution left out
])
def test_paraphrases_that_keep_every_fact_are_stated(claim):
    verdict = support.check(claim, SOURCE)
    assert verdict.kind == support.STATES, verdict


@pytest.mark.parametrize("claim, value", [
    ("Geraldine Alcorn, 29, was arraigned on Wednesday on charges of child luring.", "29"),
    ("The council voted 7-2 to spend $1.2 million on the bridge in 2015, Mayor Ruth Okafor said.", "2015"),
    ("The home team lost the final on Sunday after extra time.", "lost"),
    ("The home team did not win the final on Sunday after extra time.", "not so"),
    ("Twenty-eight-year-old Geraldine Alcorn was arraigned on Thursday on charges of child luring.", "Thursday"),
])
def test_a_changed_value_is_a_contradiction_naming_it(claim, value):
    verdict = support.check(claim, SOURCE)
    assert verdict.kind == support.CONTRADICTS, verdict
    assert value in verdict.reason and verdict.values is not None


@pytest.mark.parametrize("claim", [
    "Kim Jong-un met South Korea's president at Panmunjom on Friday, where they signed a peace treaty.",  # more than B says
    "The council voted 7-2 to spend $1.2 million on the bridge in 2016, Mayor Alan Brandt said.",  # another speaker
    "The home team won the final on Sunday, and the coach resigned an hour later.",  # a clause no one states
    "Kim Jong-un met South Korea's president in Seoul on Friday.",  # another place
    "Officials said the bridge would reopen next year.",  # a relative date no one gives
])
def test_what_the_source_does_not_say_is_not_stated(claim):
    assert support.check(claim, SOURCE).kind != support.STATES


def test_facts_of_a_sentence():
    said = content("SEOUL (Reuters) - Kim Jong-un met 1,200 soldiers in the '90s and again last year, aides said.")
    assert said.numbers == {1200.0, 1990.0}
    assert ("kim", "jong", "un") in said.names and ("reuters",) not in said.names  # the dateline is not a fact
    assert "last year" in said.dates
    assert numbers("a $1.2 million grant for forty-two towns") == {1_200_000.0, 42.0}
    assert not names_missing(content("Barack Obama spoke."), content("Obama spoke on Tuesday."))
    assert names_missing(content("Barack Obama spoke."), content("The president spoke."))


def test_no_candidates_and_no_model_still_give_a_verdict(monkeypatch):
    assert support.check("Anything at all.", []).kind == support.NEITHER
    said = support.prepare(["The home team won the final on Sunday."], embed=False)
    assert said[0].vector is None  # without vectors the check goes by words and facts
    other = support.prepare([SOURCE[3]], embed=False)[0]
    assert support.verdict(said[0], other, 0.8, 0.9).kind == support.STATES
