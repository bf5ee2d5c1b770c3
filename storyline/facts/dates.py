"""Date phrases resolved against the article's publication date.

Our own resolver rather than dateparser's: news dates are mostly relative
("Tuesday", "last November") and the rules for them are few and predictable.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
WEEKDAYS = {name: number for number, name in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_DAY_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?,?(?:\s+(?P<year>\d{4}))?\b", re.I)
_DAY_FIRST = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?\b", re.I)
_WEEKDAY_RE = re.compile(r"\b(?P<which>next|last|this|coming|past)?\s*" + _WEEKDAY + r"\b", re.I)
_YEAR = re.compile(r"^(?:in\s+|since\s+|by\s+|the\s+year\s+)?(?P<year>1[89]\d\d|20\d\d)$", re.I)
_AGO = re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# Whether the words just before a month or weekday without a year look ahead:
# read backwards, the first word that tells the tense decides. "will reopen in",
# "is expected to finish by": ahead. "reopened in", "had been expected to finish
# by", "would" (as often a past refusal as a reported future): not. "was
# expected to": a future reported in the past tense, ahead of publication for a
# weekday (days away) but not for a month without a year, which then means the
# one just past ("next September" is how a reporter names the coming one).
AHEAD, REPORTED = "ahead", "reported"
_AHEAD_WORDS = {"will", "shall", "'ll", "won't", "next", "coming", "upcoming"}
_PAST_AUXILIARIES = {"was", "were", "had", "did", "been", "would"}
_REPORTED_AUXILIARIES = {"was", "were"}  # "was expected to": a reported expectation
# After these an "-ed" word is a state, not a past verb ("will be closed", "to remain closed").
_LINKING = {"be", "is", "are", "am", "'s", "'re", "being", "remain", "remains", "stay", "stays",
            "become", "becomes", "get", "gets", "seem", "seems", "keep", "keeps"}
_SCHEDULED = {"expected", "scheduled", "slated", "planned", "poised"}  # "is expected to", "was expected to"
_SCHEDULED_TO = {"set", "going", "supposed"}  # only with "to" ("set to", not "set fire")
_PLANS_TO = {"plans", "plan", "aims", "intends", "hopes"}
_SCHEDULE_VERBS = {"begins", "starts", "opens", "resumes", "ends", "closes"}  # "the season begins in March"
_WORD = re.compile(r"'?[a-z]+(?:'[a-z]+)?")
_CONTEXT_WORDS = 8


def published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
    except ValueError:
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
        return date(*map(int, match.groups())) if match else None


def resolve(text: str, published: date | None, context: str = "") -> str | None:
    """ISO date (YYYY-MM-DD, YYYY-MM or YYYY) that `text` names, or None.

    `context` is the text just before it; future wording there ("will start
    in") moves a month or day without a year forward rather than back.
    """
    phrase = " ".join(text.lower().replace("’", "'").split())
    tense = AHEAD if re.search(r"\b(next|coming|upcoming)\b", phrase) else looks_ahead(context)
    year = _YEAR.match(phrase)
    if year:
        return year.group("year")
    for pattern in (_DAY_MONTH_YEAR, _DAY_FIRST):
        match = pattern.search(phrase)
        if match and not _is_may_verb(match, phrase):
            return _month_day(match, published, phrase, tense == AHEAD)
    if published is None:
        return None
    return _relative(phrase, published, tense is not None)


def looks_ahead(context: str) -> str | None:
    """AHEAD, REPORTED or None: do the words before a date put it after
    publication? See _AHEAD_WORDS."""
    words = _WORD.findall(context.lower().replace("’", "'").replace("'ll", " 'll"))[-_CONTEXT_WORDS:]
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in _AHEAD_WORDS or word in _SCHEDULE_VERBS or (word in _PLANS_TO and after == "to"):
            return AHEAD
        if word in _SCHEDULED or (word in _SCHEDULED_TO and after == "to") or _due(words, i):
            return REPORTED if before in _REPORTED_AUXILIARIES else None if before in _PAST_AUXILIARIES else AHEAD
        if word in _PAST_AUXILIARIES:
            return None
        if _past_participle(word) and before not in _LINKING:
            return None  # "reopened in", "has closed since": a finite past
    return None


def _due(words: list[str], i: int) -> bool:
    """"due to be finished", "due in March"; not "closed due to flooding"."""
    follow = words[i + 1:i + 3]
    return words[i] == "due" and bool(follow) and (follow[0] in ("for", "in", "on", "by") or follow == ["to", "be"])


def _past_participle(word: str) -> bool:
    return len(word) >= 5 and word.endswith("ed") and not word.endswith("eed")


def _is_may_verb(match, phrase: str) -> bool:
    return match.group("month") == "may" and not match.group("day") and not match.group("year")


def _month_day(match, published: date | None, phrase: str, future: bool) -> str | None:
    month = MONTHS[match.group("month").lower()]
    day = int(match.group("day")) if match.group("day") else None
    if day is not None and not 1 <= day <= 31:
        return None
    if match.group("year"):
        year = int(match.group("year"))
    elif published is None:
        return None
    elif re.search(r"\blast\b", phrase):
        year = published.year if month < published.month else published.year - 1
    elif re.search(r"\bnext\b", phrase):
        year = published.year if month > published.month else published.year + 1
    elif re.search(r"\bthis\b", phrase):
        year = published.year
    else:
        year = _nearest_year(month, day or 1, published, future)
    try:
        return date(year, month, day).isoformat() if day else f"{year:04d}-{month:02d}"
    except ValueError:
        return None


def _nearest_year(month: int, day: int, published: date, future: bool) -> int:
    """Without a year, news means the last ten months or the next two; with
    future wording, the next occurrence."""
    try:
        candidate = date(published.year, month, day)
    except ValueError:
        candidate = date(published.year, month, 28)
    if future:
        return published.year + 1 if candidate < published.replace(day=1) else published.year
    if candidate > published + timedelta(days=62):
        return published.year - 1
    if candidate < published - timedelta(days=304):
        return published.year + 1
    return published.year


def _relative(phrase: str, published: date, future: bool) -> str | None:
    if re.search(r"\b(yesterday|last night)\b", phrase):
        return (published - timedelta(days=1)).isoformat()
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", phrase):
        return published.isoformat()
    if re.search(r"\btomorrow\b", phrase):
        return (published + timedelta(days=1)).isoformat()
    ago = _AGO.search(phrase)
    if ago:
        n = int(ago.group("n")) if ago.group("n").isdigit() else _SMALL[ago.group("n")]
        unit = ago.group("unit")
        if unit == "year":
            return str(published.year - n)
        if unit == "month":
            months = published.year * 12 + published.month - 1 - n
            return f"{months // 12:04d}-{months % 12 + 1:02d}"
        return (published - timedelta(days=n * (7 if unit == "week" else 1))).isoformat()
    weekday = _WEEKDAY_RE.search(phrase)
    if weekday:
        return _weekday(weekday, published, future).isoformat()
    for word, shift in (("last", -1), ("this", 0), ("next", 1)):
        if re.search(rf"\b{word} year\b", phrase):
            return str(published.year + shift)
        if re.search(rf"\b{word} month\b", phrase):
            months = published.year * 12 + published.month - 1 + shift
            return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return None


def _weekday(match, published: date, future: bool) -> date:
    target = WEEKDAYS[match.group("weekday").lower()]
    which = (match.group("which") or "").lower()
    back = (published.weekday() - target) % 7
    if which in ("next", "coming") or (future and not which and back):
        return published + timedelta(days=(target - published.weekday()) % 7 or 7)
    if which in ("last", "past"):
        return published - timedelta(days=back or 7)
    return published - timedelta(days=back)
