"""FactCC-style changes to a true sentence, each one making it false.

Every function takes the sentence and a seeded `random.Random` and returns
(changed sentence, what was changed, which variant of the change) or None
when the change does not apply.
The story's people and places come from `StoryNames`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyline.facts import aliases
from storyline.facts.names import ORGANISATION_WORDS, PLACE_WORDS, clean, fold

NUMBER, PERSON, PLACE, NEGATION, DATE = "number", "person", "place", "negation", "date"
KINDS = (NUMBER, PERSON, PLACE, NEGATION, DATE)
Changed = tuple[str, str, str]  # the changed sentence, what was changed, which variant of the change

MONTH_NAMES = ("January February March April May June July August September October November "
               "December").split()
MONTH_ABBREVIATIONS = "Jan. Feb. Mar. Apr. May Jun. Jul. Aug. Sept. Oct. Nov. Dec.".split()
WEEKDAY_NAMES = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTH = r"(?:" + "|".join(MONTH_NAMES) + r"|" + "|".join(re.escape(m) for m in MONTH_ABBREVIATIONS) + r")"
# "May" is a month only next to a day number or after a word that introduces a date.
_MAY_MONTH = re.compile(r"(?:\b(?:in|on|of|since|until|by|last|next|this|early|late|mid|from)\s+May\b|\bMay\s+\d)")
_DAY_AFTER_MONTH = re.compile(r"\b(" + _MONTH + r")\s+(\d{1,2})(st|nd|rd|th)?\b")
_DAY_BEFORE_MONTH = re.compile(r"\b(\d{1,2})(st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH + r")\b")
_YEAR = re.compile(r"(?<![\w.,$£€-])(1[89]\d\d|20\d\d)(?!\w|[.,]\d)")
_NUMBER = re.compile(r"(?<![\w.,/:-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d,]*\d)(?![.:]\d)")
NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORD = re.compile(r"(?<![\w-])(" + "|".join(NUMBER_WORDS.split()) + r")\b", re.I)
_NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
_RELATIVE_DAYS = {"yesterday": "tomorrow", "tomorrow": "yesterday", "last week": "next week",
                  "next week": "last week", "last year": "next year", "next year": "last year",
                  "last month": "next month", "next month": "last month"}
_RELATIVE = re.compile(r"\b(" + "|".join(_RELATIVE_DAYS) + r")\b", re.I)

# Negation: auxiliaries that take a "not" after them, and the words that follow them then.
_BE = r"is|are|was|were"
_MODAL = r"will|would|can|could|should|may|might|must"
_HAVE = r"has|have|had"
_INSERT_NOT = re.compile(
    rf"\b(?:(?P<be>{_BE})\s+(?!not\b|n't\b|never\b)(?=[a-z])"
    rf"|(?P<modal>{_MODAL})\s+(?!not\b|never\b)(?=[a-z]+\b)"
    rf"|(?P<have>{_HAVE})\s+(?=been\b|[a-z]+(?:ed|en|wn|ne|ght)\b))")
_NEGATIONS = [  # (pattern, replacement)
    (re.compile(r"\bwon't\b|\bwon’t\b"), "will"), (re.compile(r"\bcan't\b|\bcan’t\b|\bcannot\b"), "can"),
    (re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|must)n[’']t\b"), r"\1"),
    (re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|will|would|could|should|can|may|might|must)"
                r"\s+not\s+"), r"\1 "),
    (re.compile(r"\bnever\s+"), ""),
]
# Main verbs and predicates with a plain opposite (both directions are added below).
_OPPOSITES = {
    "won": "lost", "wins": "loses", "win": "lose", "rose": "fell", "rises": "falls", "risen": "fallen",
    "increased": "decreased", "increases": "decreases", "approved": "rejected", "approves": "rejects",
    "opened": "closed", "opens": "closes", "allowed": "banned", "admitted": "denied",
    "supports": "opposes", "supported": "opposed", "raised": "lowered", "gained": "lost",
    "began": "ended", "started": "stopped", "survived": "died", "higher": "lower", "more": "fewer",
    "before": "after", "guilty": "innocent", "acquitted": "convicted", "agreed": "refused",
    "accepted": "refused", "larger": "smaller", "bigger": "smaller", "increase": "decrease",
    "success": "failure", "successful": "unsuccessful", "legal": "illegal", "alive": "dead",
    "best": "worst", "highest": "lowest", "largest": "smallest", "first": "last",
}
_OPPOSITES.update({b: a for a, b in list(_OPPOSITES.items()) if b not in _OPPOSITES})
_OPPOSITE = re.compile(r"\b(" + "|".join(sorted(_OPPOSITES, key=len, reverse=True)) + r")\b")


@dataclass
class StoryNames:
    """The people and places a story's articles name (from the project's NER)."""

    people: list[str] = field(default_factory=list)  # full names, two words or more
    places: list[str] = field(default_factory=list)

    @classmethod
    def from_entities(cls, entities: list[list[tuple]]) -> "StoryNames":
        people, places, other_kinds = {}, {}, set()
        for found in entities:
            for text, label, _ in found:
                if label == "PERSON":
                    name = clean(text, "PER")
                    if name and _person_like(name):
                        people.setdefault(fold(name), name)
                elif label in ("GPE", "LOC", "FAC"):
                    name = clean(text, "LOC")
                    if name:
                        places.setdefault(fold(name), name)
                if label in ("PERSON", "ORG"):
                    other_kinds |= _tokens(clean(text, "ORG") or "")
        # A "place" the recognizer also reads as (part of) a person or an
        # organisation ("Kardashian", a band's name) is left out.
        places = {key: name for key, name in places.items() if not _tokens(name) & other_kinds}
        return cls(list(people.values()), list(places.values()))

    def surnames(self) -> dict[str, str]:
        """Surname -> full name, for surnames only one person of the story has."""
        by_surname: dict[str, list[str]] = {}
        for person in self.people:
            by_surname.setdefault(person.split()[-1], []).append(person)
        return {surname: names[0] for surname, names in by_surname.items() if len(names) == 1}


def _person_like(name: str) -> bool:
    words = name.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)
            and fold(words[-1]) not in PLACE_WORDS | ORGANISATION_WORDS | _NAME_SUFFIXES
            and not any(c.isdigit() for c in name))


def _mentions(sentence: str, name: str) -> list[re.Match]:
    return list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence))


def _replace(sentence: str, match: re.Match | tuple[int, int], new: str) -> str:
    start, end = (match.start(), match.end()) if isinstance(match, re.Match) else match
    return sentence[:start] + new + sentence[end:]


def _tokens(name: str) -> set[str]:
    """The words of a name; full stops dropped, so "U.K." and "UK" are one place."""
    words = fold(name).replace("-", " ").replace(".", " ").split()
    return {"".join(words)} if words and all(len(w) == 1 for w in words) else set(words)


def change_number(sentence: str, rng) -> Changed | None:
    """Another value for one number that is not a year or a day of the month."""
    dates = _date_spans(sentence)
    found = [m for m in _NUMBER.finditer(sentence) if not any(a <= m.start() < b for a, b in dates)]
    if found:
        match = rng.choice(found)
        new = _other_number(match.group(1), match.group(2), rng, sentence)
        return _replace(sentence, match, new), f"{match.group()} -> {new}", "in digits"
    words = list(_NUMBER_WORD.finditer(sentence))
    if not words:
        return None
    match = rng.choice(words)
    choices = [w for w in NUMBER_WORDS.split() if w != match.group().lower()]
    new = rng.choice(choices)
    new = new.capitalize() if match.group()[0].isupper() else new
    return _replace(sentence, match, new), f"{match.group()} -> {new}", "in words"


def _other_number(whole: str, decimals: str | None, rng, sentence: str) -> str:
    value = int(whole.replace(",", ""))
    for _ in range(20):
        if value < 10:
            new = rng.choice([n for n in range(1, 13) if n != value])
        else:
            new = round(value * rng.choice([0.5, 0.6, 0.75, 1.25, 1.5, 2.0]))
        text = f"{new:,}" if "," in whole else str(new)
        if new != value and not _mentions(sentence, text):
            break
    if decimals:
        digits = len(decimals) - 1
        fraction = (int(decimals[1:]) + rng.randint(1, 9)) % (10 ** digits)
        text += "." + str(fraction).zfill(digits)
    return text


def swap_person(sentence: str, names: StoryNames, rng) -> Changed | None:
    """One person the sentence names becomes another person of the same story."""
    surnames = names.surnames()
    present = [p for p in names.people if _mentions(sentence, p)]
    present += [full for surname, full in surnames.items() if _mentions(sentence, surname)]
    used = set().union(*(_tokens(p) for p in present)) if present else set()
    others = [p for p in names.people if not _tokens(p) & used]
    options = []
    for person in names.people:
        for match in _mentions(sentence, person):
            options += [(match, other, "full name") for other in others]
    if not options:  # the surname alone ("Tulowitzki said")
        for surname, person in surnames.items():
            for match in _mentions(sentence, surname):
                options += [(match, other.split()[-1], "surname") for other in others
                            if other.split()[-1] in surnames and not _mentions(sentence, other.split()[-1])]
    if not options:
        return None
    match, new, how = rng.choice(options)
    return _replace(sentence, match, new), f"{match.group()} -> {new}", how


def swap_place(sentence: str, names: StoryNames, rng) -> Changed | None:
    """One place the sentence names becomes another place of the same story."""
    present = [p for p in names.places if _mentions(sentence, p)]
    if not present:
        return None
    used = set().union(*(_tokens(p) for p in present))
    codes = {_country(p) for p in present} - {None}
    others = [p for p in names.places if not _tokens(p) & used and (_country(p) is None or _country(p) not in codes)]
    options = [(match, other, "place") for place in present for match in _mentions(sentence, place) for other in others]
    if not options:
        return None
    match, new, how = rng.choice(options)
    return _replace(sentence, match, new), f"{match.group()} -> {new}", how


def _country(name: str) -> str | None:
    return aliases.country(name) or aliases.country_code(name)


def negate(sentence: str, rng) -> Changed | None:
    """Remove a negation, put "not" after an auxiliary, or turn a verb or
    predicate into its opposite; one of those that apply, chosen at random."""
    options = []
    for pattern, replacement in _NEGATIONS:
        for match in pattern.finditer(sentence):
            options.append(("negation removed", match, match.expand(replacement)))
    for match in _INSERT_NOT.finditer(sentence):
        options.append(("not inserted", match, match.group() + "not "))
    for match in _OPPOSITE.finditer(sentence):
        options.append(("opposite", match, _OPPOSITES[match.group()]))
    if not options:
        return None
    how, match, new = rng.choice(options)
    return _replace(sentence, match, new), f"{match.group().strip()} -> {new.strip()}", how


def shift_date(sentence: str, rng) -> Changed | None:
    """Another weekday, month, day of the month, year or relative day."""
    options = []
    for match in re.finditer(r"\b(" + "|".join(WEEKDAY_NAMES) + r")\b", sentence):
        options.append((match.span(), rng.choice([d for d in WEEKDAY_NAMES if d != match.group()]), "weekday"))
    for match in re.finditer(r"\b" + _MONTH + r"(?![\w])", sentence):
        word = match.group()
        if word == "May" and not any(m.start() <= match.start() < m.end() for m in _MAY_MONTH.finditer(sentence)):
            continue
        style = MONTH_ABBREVIATIONS if word.endswith(".") else MONTH_NAMES
        options.append((match.span(), rng.choice([m for m in style if m != word]), "month"))
    for match in _DAY_AFTER_MONTH.finditer(sentence):
        day = int(match.group(2))
        options.append((match.span(2), str(rng.choice([d for d in range(1, 29) if d != day])), "day"))
    for match in _DAY_BEFORE_MONTH.finditer(sentence):
        day = int(match.group(1))
        options.append((match.span(1), str(rng.choice([d for d in range(1, 29) if d != day])), "day"))
    for match in _YEAR.finditer(sentence):
        options.append((match.span(), str(int(match.group()) + rng.choice([-3, -2, -1, 1, 2, 3])), "year"))
    for match in _RELATIVE.finditer(sentence):
        new = _RELATIVE_DAYS[match.group().lower()]
        options.append((match.span(), new.capitalize() if match.group()[0].isupper() else new, "relative day"))
    if not options:
        return None
    span, new, how = rng.choice(options)
    return _replace(sentence, span, new), f"{sentence[span[0]:span[1]]} -> {new}", how


def _date_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the years and days of the month are: those belong to date shifts."""
    spans = [m.span() for m in _YEAR.finditer(sentence)]
    spans += [m.span(2) for m in _DAY_AFTER_MONTH.finditer(sentence)]
    spans += [m.span(1) for m in _DAY_BEFORE_MONTH.finditer(sentence)]
    return spans


def perturb(sentence: str, kind: str, names: StoryNames, rng) -> Changed | None:
    if kind == NUMBER:
        changed = change_number(sentence, rng)
    elif kind == PERSON:
        changed = swap_person(sentence, names, rng)
    elif kind == PLACE:
        changed = swap_place(sentence, names, rng)
    elif kind == NEGATION:
        changed = negate(sentence, rng)
    else:
        changed = shift_date(sentence, rng)
    if changed is None or changed[0] == sentence:
        return None
    return changed
