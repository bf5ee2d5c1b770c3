"""Date phrases of a story, resolved and merged across its articles."""
from __future__ import annotations

import re
from collections import Counter

from storyline.facts.dates import resolve
from storyline.model import DateMention

_NUMBER = r"(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
          r"\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|several|few|many|" \
          r"a few|about \w+|more than \w+|nearly \w+|almost \w+|some \w+|between .+ and \w+)"
_UNIT = r"(?:second|minute|hour|day|night|week|weekend|month|year|decade|century)s?"
# "67-year-old", "16 years", "the next two years", "three nights": how long or how
# old, not when.
_AGE = re.compile(r"-?(?:year|month|week|day)s?-old\b", re.I)
_DURATION = re.compile(rf"^(?:the\s+)?(?:next|past|last|first|previous|final|coming)?\s*{_NUMBER}[\s-]+{_UNIT}"
                       rf"(?:\s+(?:later|earlier|long))?$", re.I)
# A time of day is kept only when it names a day: "Tuesday evening", "last night".
_DAY_WORDS = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                        r"today|tonight|yesterday|tomorrow|last night)\b", re.I)


def is_when(text: str, label: str) -> bool:
    phrase = " ".join(text.split())
    if label == "TIME" and not _DAY_WORDS.search(phrase):
        return False
    if re.fullmatch(r"[\d,.]+", phrase) and not re.fullmatch(r"1[89]\d\d|20\d\d", phrase):
        return False  # "Luis Carranza, 29," is an age
    return not (_AGE.search(phrase) or _DURATION.match(phrase))


def merge_dates(phrases: list[tuple]) -> list[DateMention]:
    """(text, label, sentence, article id, published date) -> DateMentions, one per
    resolved date (or per phrase when unresolvable), most sources first."""
    groups: dict[str, dict] = {}
    for text, label, sentence, article, published in phrases:
        text = " ".join(text.split()).strip(" ,.")
        if not text or not is_when(text, label):
            continue
        iso = resolve(text, published, sentence)
        key = iso or "text:" + text.casefold()
        group = groups.setdefault(key, {"date": iso, "texts": Counter(), "articles": {}, "order": len(groups)})
        group["texts"][text] += 1
        group["articles"][article] = True
    mentions = sorted(groups.values(), key=lambda g: (-len(g["articles"]), g["date"] is None,
                                                      g["date"] or "", g["order"]))
    return [DateMention(text=_written(g["texts"]), date=g["date"], articles=list(g["articles"]))
            for g in mentions]


def _written(texts: Counter) -> str:
    """The most used form; on a tie the more specific (longer) one."""
    return max(texts, key=lambda t: (texts[t], len(t)))
