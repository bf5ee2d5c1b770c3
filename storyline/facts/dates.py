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
_DAY_MONTH_YEAR = re.compile(_MONTH + r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?,?(?:\s+(?P<year>\d{4}))?\b", re.I)
_DAY_FIRST = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?\b", re.I)
_WEEKDAY_RE = re.compile(r"\b(?P<which>next|last|this|coming|past)?\s*" + _WEEKDAY + r"\b", re.I)
_YEAR = re.compile(r"^(?:in\s+|since\s+|by\s+|the\s+year\s+)?(?P<year>1[89]\d\d|20\d\d)$", re.I)
_AGO = re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# Words that put an undated month or day after publication ("will start in March").
_FUTURE = re.compile(r"\b(will|shall|next|coming|upcoming|scheduled|expected|plans?|set to|"
                     r"starting|begins?|start)\b", re.I)


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
    future = bool(_FUTURE.search(" ".join(context.split()[-6:]) + " " + phrase))
    year = _YEAR.match(phrase)
    if year:
        return year.group("year")
    for pattern in (_DAY_MONTH_YEAR, _DAY_FIRST):
        match = pattern.search(phrase)
        if match and not _is_may_verb(match, phrase):
            return _month_day(match, published, phrase, future)
    if published is None:
        return None
    return _relative(phrase, published, future)


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
