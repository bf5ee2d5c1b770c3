"""Claims a sentence makes about a number, a time or a date, keyed by what they
are about: ("people", "injured") -> 12. Regex and word lists only, no NER."""
from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.facts import dates
from storyline.facts.sentences import MONTHS_AND_DAYS

WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
WORD_NUMBERS.update({w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)})
_WORD_NUMBER = (r"(?:(?:" + "|".join(w for w in WORD_NUMBERS if WORD_NUMBERS[w] >= 20) + r")(?:-(?:"
                + "|".join(w for w in WORD_NUMBERS if 0 < WORD_NUMBERS[w] < 10) + r"))?|"
                + "|".join(sorted((w for w in WORD_NUMBERS if 0 < WORD_NUMBERS[w] < 20), key=len, reverse=True))
                + r")")
_QUALIFIER = (r"about|roughly|around|nearly|almost|approximately|some|more than|fewer than|less than|"
              r"at least|up to|over|an estimated|just over|just under|close to")
_QUANTITY = re.compile(
    rf"(?<![\w$.,-])(?:(?P<qual>{_QUALIFIER})\s+)?(?P<dollar>\$)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_WORD_NUMBER})"
    rf"(?:\s+(?P<scale>million|billion|thousand))?(?P<percent>%)?(?P<compound>(?:-[a-z]+)+)?(?![\w,]*\d)",
    re.I)
_ORDINAL = re.compile(r"\b(?P<num>\d+)(?:st|nd|rd|th)\b(?P<rest>(?:\s+[A-Z][a-z]+){0,2})")
_TALLY = re.compile(r"\b(?P<a>\d{1,2})-(?P<b>\d{1,2})\b")
_CLOCK = re.compile(r"(?:(?P<qual>about|around|shortly before|shortly after|just before|just after|"
                    r"roughly|approximately)\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>a\.m\.|p\.m\.)", re.I)
_DATE = re.compile(r"\b(?:(?:on|since|by|until|from)\s+)?(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
                   r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[,;:()“”\"—–]|\.(?=\s|$)")
# A person's age: "67-year-old", "67 years old", "aged 67", "Walter Pennick, 67, said".
_AGE = re.compile(
    rf"(?<![\w$.,-])(?P<num>\d{{1,3}}|{_WORD_NUMBER})(?:[- ]years?[- ]old\b)|"
    rf"\baged\s+(?P<aged>\d{{1,3}}|{_WORD_NUMBER})\b|"
    rf"(?<=[A-Z][a-z]),\s+(?P<apposed>\d{{1,3}}),\s+(?=[a-z])", re.I)
# Sources that give one person's age differ by a birthday or a slip, not more.
AGE_SPREAD = 2

# Counts of these say nothing by themselves ("12 people", "30 days"); they need a
# word saying what happened to them ("injured") or an "of ..." ("months of monitoring").
GENERIC_UNITS = frozenset("""
people person persons years year days day months month weeks week hours hour minutes minute
miles mile feet foot inches inch meters metres kilometers percent times points dollars
""".split())
# Words that end the noun a number counts.
_STOP = frozenset("""
of from at in on to for with by a an the and or but who whose whom what why how that which were was are is have has had
will would could can said says as than after before during since about into over under while when
where this these those their its his her our per each every more most last within without
across through along near around among between like including amid toward towards against
behind beyond inside outside up down off out via then there here because if so not no above below
remained received suffered lost fled returned spent took got made went came began
""".split())
TIME_UNITS = frozenset("years year days day months month weeks week hours hour minutes minute".split())
LENGTH_UNITS = frozenset("feet foot inches inch meters metres miles mile kilometers".split())
# What happened to what is counted, when it was said; word stem -> label.
EVENTS = [
    (r"^(injur|hurt|wounded)", "injured"),
    (r"^(kill|dead|died|death|fatalit)", "killed"),
    (r"^evacuat", "evacuated"),
    (r"^(employ|worked$|work$|staff$)", "employed"),
    (r"^arrest", "arrested"),
    (r"^(crest|peak|reached$)", "at the crest"),
    (r"^(closed$|closure|shut$)", "of the closure"),
    (r"^(cost|budget|price)", "cost"),
    (r"^(fine$|fined$|penalt)", "fine"),
    (r"^(raised$|donat)", "raised"),
]


def _fits(event: str, unit: str) -> bool:
    """Whether a count of `unit` can be the number of `event` ("weeks of the closure",
    not "years employed" of one nurse)."""
    if event == "of the closure":
        return unit in TIME_UNITS
    if event == "at the crest":
        return unit in LENGTH_UNITS
    if event in ("cost", "fine", "raised"):
        return unit == "dollars"
    return unit not in TIME_UNITS | LENGTH_UNITS | {"dollars", "percent"}
DATE_EVENTS = [
    (r"as early as", "earliest date"),
    (r"voted|approved|\bvote\b", "date of the vote"),
    (r"discover|detect", "date discovered"),
    (r"\bbegin|\bstart|launch", "start date"),
    (r"missing", "missing since"),
    (r"\bfound\b|spotted|rescued", "date found"),
    (r"died|killed", "date of death"),
    (r"closed", "date closed"),
]
TIME_EVENTS = [
    (r"broke out|started|began|erupted|reported|sparked|struck", "start time"),
    (r"\bfound\b|spotted|located|rescued", "time found"),
]


@dataclass(frozen=True)
class Claim:
    about: tuple  # what the value is about; equal keys in two sources are comparable
    label: str  # readable: "people injured"
    value: object  # comparable value (a number, an ISO date, a clock time)
    written: str  # as the source gives it: "about 60"
    # Values further apart than this are taken to be about different things
    # (two people's ages), not a disagreement; None: any difference conflicts.
    spread: float | None = None


def claims(sentence: str, published=None) -> list[Claim]:
    found = []
    clause_starts = [0] + [m.end() for m in re.finditer(r"[,;:—–]", sentence)]
    ages = _ages(sentence)
    taken = {start for start, _ in ages}
    for match in _QUANTITY.finditer(sentence):
        if match.start("num") in taken:
            continue  # "68 years old" is an age, not a count of years
        claim = _quantity(sentence, match, clause_starts)
        if claim:
            found.append(claim)
    found.extend(claim for _, claim in ages)
    found.extend(_ordinals(sentence))
    found.extend(_tallies(sentence))
    found.extend(_clock_times(sentence, clause_starts))
    found.extend(_dates(sentence, clause_starts, published))
    return found


def _number(text: str) -> float | None:
    text = text.lower().replace(",", "")
    if text in WORD_NUMBERS:
        return WORD_NUMBERS[text]
    if "-" in text:
        tens, ones = text.split("-", 1)
        return WORD_NUMBERS.get(tens, 0) + WORD_NUMBERS.get(ones, 0)
    try:
        return float(text)
    except ValueError:
        return None


def _words_before(sentence: str, start: int, clause_starts: list[int], limit: int = 6) -> list[str]:
    clause = max(c for c in clause_starts if c <= start)
    return [w.lower() for w in _WORD.findall(sentence[clause:start])][-limit:]


def _event(words: list[str], table) -> str | None:
    """The first event any of the words names (patterns match a word, or the
    whole phrase for several words: "broke out")."""
    for pattern, label in table:
        if pattern.startswith("^"):
            if any(re.search(pattern, word) for word in words):
                return label
        elif re.search(pattern, " ".join(words)):
            return label
    return None


def _nearest_event(before: list[str], after: list[str], unit: str) -> str | None:
    """The event word closest to the number; after it wins a tie ("14 people were hurt")."""
    candidates = []
    for side, words in ((0, after), (1, list(reversed(before)))):
        for distance, word in enumerate(words):
            label = _event([word], EVENTS)
            if label and _fits(label, unit):
                candidates.append((distance, side, label))
                break
    return min(candidates)[2] if candidates else None


def _quantity(sentence: str, match, clause_starts: list[int]) -> Claim | None:
    num = _number(match.group("num"))
    if num is None or num == 0:
        return None
    raw = match.group("num")
    if re.fullmatch(r"1[89]\d\d|20\d\d", raw) or _TALLY.match(sentence, match.start("num")):
        return None  # a year, or a vote or score
    before = _words_before(sentence, match.start(), clause_starts)
    if before[-1:] in (["the"], ["other"], ["these"], ["those"]) and num < 20 and not match.group("compound"):
        return None  # "the two critically injured": a part of a number given elsewhere
    scale = (match.group("scale") or "").lower()
    value = num * {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(scale, 1)
    compound = (match.group("compound") or "").lower()
    after_words = [w.lower() if not w[:1].isupper() else w for w in _WORD.findall(sentence[match.end():])]
    if compound:
        if compound in ("-square-foot", "-square-feet"):
            unit, rest = "square feet", after_words
        else:
            return None  # "two-term", "67-year-old": describe something, do not count it
    elif match.group("dollar"):
        unit, rest = "dollars", after_words
    elif match.group("percent") or after_words[:1] == ["percent"]:
        unit, rest = "percent", after_words[1:] if not match.group("percent") else after_words
    else:
        noun = []
        for word in after_words[:6]:
            if word.lower() in _STOP or not word[:1].isalpha() or word.lower() in MONTHS_AND_DAYS:
                break
            if noun and re.search(r"(ed|ing)$", word):
                break  # "12 people remained", but "1,100 registered nurses"
            noun.append(word)
        if not noun:
            verb = 1 if after_words[:1] in (["were"], ["are"]) else 0
            if after_words[verb:verb + 1] and _event(after_words[verb:verb + 1], EVENTS[:4]):
                unit, rest = "people", after_words  # "13 injured", "23 were hurt"
            else:
                return None
        else:
            unit, rest = noun[-1].lower(), after_words[len(noun):]
    key, label = _what(unit, before, rest)
    if key is None:
        return None
    qualifier = (match.group("qual") or "").lower()
    return Claim(about=("count",) + key, label=label, value=value,
                 written=_written(qualifier, num, scale, unit, match))


def _what(unit: str, before: list[str], rest: list[str]):
    """(key, label) for a count of `unit`, or (None, None) when it is unclear what
    is counted."""
    clause_after = []
    for word in rest[:8]:
        if not word[:1].isalpha():
            break
        clause_after.append(word.lower())
    rest_text = []
    for word in clause_after:
        if word in ("said", "and", "who", "which", "that"):
            break
        rest_text.append(word)
    singular = unit[:-1] if unit.endswith("s") and not unit.endswith("ss") and unit != "feet" else unit
    # "feet above flood stage", "months of credit monitoring", "percent of members"
    for link in ("above", "below", "of"):
        if rest_text[:1] == [link] and len(rest_text) > 1:
            tail = []
            for word in rest_text[1:5]:
                if word in _STOP or tail and word.endswith("ed"):
                    break
                tail.append(word)
            if tail and (unit in GENERIC_UNITS or link != "of"):
                return (singular, link, tail[-1]), f"{unit} {link} {' '.join(tail)}"
    event = _nearest_event(before, clause_after, unit)
    if event:
        return (singular, event), f"{unit} {event}"
    if unit in GENERIC_UNITS:
        return None, None
    return (singular,), unit


def _written(qualifier: str, num: float, scale: str, unit: str, match) -> str:
    shown = f"{num:,.2f}".rstrip("0").rstrip(".")
    if scale:
        shown = f"{shown} {scale}"
    if unit == "dollars":
        shown = "$" + shown
    elif unit == "percent":
        shown += "%"
    return f"{qualifier} {shown}".strip()


def _ages(sentence: str) -> list[tuple[int, Claim]]:
    """(where the number starts, claim) for every age the sentence gives."""
    found = []
    for match in _AGE.finditer(sentence):
        group = next(g for g in ("num", "aged", "apposed") if match.group(g))
        age = _number(match.group(group))
        if age and 0 < age < 125:
            found.append((match.start(group), Claim(("age",), "age", age, f"{age:g}", spread=AGE_SPREAD)))
    return found


def _ordinals(sentence: str) -> list[Claim]:
    found = []
    for match in _ORDINAL.finditer(sentence):
        words = match.group("rest").split()
        if words and words[-1].lower() in ("district", "ward", "precinct", "congressional"):
            found.append(Claim(("ordinal", "district"), "district", int(match.group("num")),
                               match.group().split()[0]))
    return found


def _tallies(sentence: str) -> list[Claim]:
    found = []
    for match in _TALLY.finditer(sentence):
        near = sentence[max(0, match.start() - 30):match.end() + 30].lower()
        if re.search(r"\bvot", near):
            what = "vote"
        elif re.search(r"\b(win|won|beat|defeat|victory|loss|lost|score)", near):
            what = "score"
        else:
            continue
        found.append(Claim(("tally", what), what, match.group(), match.group()))
    return found


def _clock_times(sentence: str, clause_starts: list[int]) -> list[Claim]:
    found = []
    for match in _CLOCK.finditer(sentence):
        before = _words_before(sentence, match.start(), clause_starts, limit=8)
        event = _event(before, TIME_EVENTS)
        if not event:
            continue
        hour = int(match.group("h")) % 12 + (12 if match.group("ampm").lower().startswith("p") else 0)
        value = (hour, int(match.group("m") or 0))
        found.append(Claim(("time", event), event, value, " ".join(match.group().split())))
    return found


def _dates(sentence: str, clause_starts: list[int], published) -> list[Claim]:
    found = []
    for match in _DATE.finditer(sentence):
        if match.group("date") == "May" and not re.search(r"\d", match.group()):
            continue
        before = _words_before(sentence, match.start(), clause_starts, limit=8)
        event = _event(before, DATE_EVENTS)
        if not event:
            continue
        written = match.group("date")
        iso = dates.resolve(written, published, sentence[:match.start()])
        if iso is None and published is None:
            continue  # "Tuesday" in an undated article: which Tuesday is unknown, so nothing to compare
        iso = iso or written.lower()
        found.append(Claim(("date", event), event, iso, written))
    return found
