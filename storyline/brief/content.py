"""What a sentence asserts that a paraphrase must keep: its numbers, names
(people, places, organisations), dates, and whether it is negated.

Regexes and word lists only (no NER: the brief's 300 ms bar), so a name is a
run of capitalised words that is not a sentence's first word alone. Names are
compared as folded word sets, so "Kim Jong-un" and "Kim Jong Un" are one name
and "Obama" states "Barack Obama"'s surname.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storyline.facts.aliases import country
from storyline.facts.claims import WORD_NUMBERS
from storyline.facts.names import TITLES
from storyline.facts.sentences import MONTHS_AND_DAYS

_WORD_NUMBERS = {**WORD_NUMBERS, "dozen": 12, "half-dozen": 6, "hundred": 100, "thousand": 1000}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<scale>thousand|million|billion|trillion)\b)?"
    r"|\b(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?P<unit>one|two|three|four|five|six|seven|eight|nine)\b"
    r"|\b(?P<word>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b(?:\s+(?P<wscale>thousand|million|billion))?",
    re.I)
_DECADE = re.compile(r"(?<![\w’'])[’']?(?P<short>\d0)s\b|\b(?P<long>1[89]\d0|20\d0)s\b")
# Who said it is not what was said: names in these clauses need not be repeated.
_ATTRIBUTION = re.compile(
    r"(?:^|(?:(?<!\d),(?!\d)|[(“”\"—–-])\s*)(?:(?:[\w’'.-]+\s+){0,8}?(?<!were )(?<!was )(?<!been )(?<!being )"
    r"(?:said|says|told|tells|wrote|writes|reported|reports|added|announced|suggests|claimed|stated|confirmed)\b(?:\s+(?:on\s+)?[\w’'.-]+){0,10}?\s*[.,;)]?\s*$|"
    r"according to\b[^,;]*)", re.I)
# "SEOUL (Reuters) -", "(HealthDay News) --", "WASHINGTON —": where and who filed it.
_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z.,' ]+)?\s*(?:\([^()]{1,40}\))?\s*(?:--|[-—–])\s+")
_RELATIVE_DAY = re.compile(r"\b(?:yesterday|today|tomorrow|tonight|(?:last|next|this)\s+(?:week|weekend|month|year|"
                           r"night|morning|evening|spring|summer|autumn|fall|winter))\b", re.I)
_CAPITALISED = re.compile(r"(?<![\w’'])[A-Z][\w’'.-]*(?:\s+(?:of|de|van|von|al|bin|la|du|the)?\s*[A-Z][\w’'.-]*)*")
_TOKEN = re.compile(r"[a-z0-9]+")
_NEGATION = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|denied|denies|deny|"
                       r"refused|refuses|cannot)\b|n[’']t\b", re.I)
# Capitalised words that are not names when they open a sentence (or stand alone).
_NOT_NAMES = frozenset("""
a an the this that these those he she it they we i you his her its their our my your there here
but and or so yet if when while after before as at in on of for to from by with about into over
under since until although though because however meanwhile still also then now today yesterday
tomorrow tonight earlier later last next some many most all both each every other another such
no not mr mrs ms dr what who why how where which one two three four five six seven eight nine ten
according officials police authorities president governor mayor senator judge chief minister
""".split()) | TITLES


_AGE_WORDS = frozenset(_WORD_NUMBERS) | {"year", "years", "old"}


@dataclass(frozen=True)
class Content:
    numbers: frozenset  # floats: 7, 1200000.0, 2019
    names: tuple  # each name a tuple of folded words, in order
    dates: frozenset  # month and weekday names, folded
    negated: int  # how many negations it makes ("not", "never", "n't", "denied" ...)
    words: frozenset  # every folded word, to find a name written in lower case or inside another
    speakers: tuple = ()  # names in its attribution ("..., Smith said"): who says it, not what is said
    first: str = ""  # its first word when capitalised and not a function word ("Bridges was ..."): maybe a name


def fold(text: str) -> str:
    """Accents and case folded away; punctuation kept (facts.names.fold turns it into
    spaces, which would make a word like "Hayes'" another word here)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def content(sentence: str) -> Content:
    """What `sentence` asserts; `words` are all of its words (attribution included),
    so a name A gives only in its attribution ("..., Smith said") is not required."""
    words = frozenset(_TOKEN.findall(fold(_plain_acronyms(sentence))))
    claim = _without_attribution(sentence)
    # days are read from the whole sentence: "..., lawyers said Monday" dates what was said
    days = {w for w in _TOKEN.findall(fold(sentence)) if w in MONTHS_AND_DAYS}
    days |= {" ".join(m.group().lower().split()) for m in _RELATIVE_DAY.finditer(sentence)}
    speakers = names(_attribution_of(sentence, claim)) if len(claim) < len(sentence.strip()) else ()
    first = re.match(r"\W*([A-Z][\w’'-]*)", claim)
    first = fold(first.group(1)) if first and first.group(1).lower() not in _NOT_NAMES else ""
    return Content(numbers(claim), names(claim), frozenset(days), len(_NEGATION.findall(claim)), words, speakers,
                   first)


def _attribution_of(sentence: str, claim: str) -> str:
    """What _without_attribution took away (roughly: the words of the sentence not in the claim)."""
    kept = set(claim.split())
    return " ".join(w for w in sentence.split() if w not in kept)


def _without_attribution(sentence: str) -> str:
    text = _DATELINE.sub("", sentence.strip(), count=1)
    for _ in range(2):  # "(AP) — ... , police said" : lead and tail
        m = _ATTRIBUTION.search(text)
        if not m or len(text) - len(m.group()) < 20:
            break
        text = text[:m.start()] + text[m.end():]
    return text


def _plain_acronyms(text: str) -> str:
    return re.sub(r"\b(?:[A-Z]\.){2,}", lambda m: m.group().replace(".", ""), text)


def numbers(sentence: str) -> frozenset:
    found = set()
    for m in _DECADE.finditer(sentence):  # "the '90s" = "the 1990s"
        found.add(float("19" + m.group("short")) if m.group("short") else float(m.group("long")))
    sentence = _DECADE.sub(" ", sentence)
    for m in _NUMBER.finditer(sentence):
        if m.group("digits"):
            value = float(m.group("digits").replace(",", ""))
            scale = m.group("scale")
        elif m.group("tens"):
            value = _WORD_NUMBERS[m.group("tens").lower()] + _WORD_NUMBERS[m.group("unit").lower()]
            scale = None
        else:
            word = m.group("word").lower()
            if word in ("one", "zero"):
                continue  # "one of the", "no one": rarely a count worth checking
            value, scale = _WORD_NUMBERS[word], m.group("wscale")
        found.add(value * _SCALES[scale.lower()] if scale else float(value))
    return frozenset(found)


def names(sentence: str) -> tuple:
    found = []
    sentence = _plain_acronyms(sentence)
    for m in _CAPITALISED.finditer(sentence):
        parts = [w for w in re.split(r"[\s-]+", m.group()) if w]
        # a sentence's first word is capitalised anyway: a name only with company
        while parts and (parts[0].strip(".’'").lower() in _NOT_NAMES or parts[0].lower() in _AGE_WORDS):
            parts = parts[1:]  # "Twenty-eight-year-old Jane Doe" is Jane Doe
        if not parts:
            continue
        if m.start() == _first_word(sentence) and len(parts) == 1 and m.group() == parts[0] \
                and _common(parts[0]):
            continue  # "Police ...", "Residents ...": capitalised because they start the sentence
        folded = tuple(w for p in parts for w in _TOKEN.findall(fold(p))
                       if w not in MONTHS_AND_DAYS and w not in ("s", "the", "of"))
        if folded and not set(folded) <= {"a", "i", "ll", "m", "d", "ve", "re"}:
            found.append(folded)
    return tuple(found)


def _common(word: str) -> bool:
    """A word of the sentence-vector model's vocabulary (30,000 common word pieces);
    a word it lacks is rare enough to be a name even at the start of a sentence.
    Without the model every sentence-initial word is taken as common."""
    from storyline.embed import common_words
    vocabulary = common_words()
    return not vocabulary or fold(word.strip(".’'")) in vocabulary


def _first_word(sentence: str) -> int:
    m = re.search(r"[A-Za-z0-9]", sentence)
    return m.start() if m else 0


def names_missing(said: Content, by: Content) -> list[str]:
    """A's names that B does not give in any form: all of a name's words, its
    last word (a surname), a name its own name begins with ("Universal" for
    "Universal Studios"), or the country it names."""
    missing = []
    for name in said.names:
        if set(name) <= by.words or _same_country(name, by):
            continue
        shorter = any(len(other) < len(name) and name[:len(other)] == other for other in by.names)
        if (name[-1] in by.words or shorter) and not _other_qualifier(name, by):
            continue
        missing.append(" ".join(name))
    return missing


def _other_qualifier(name: tuple, by: Content) -> bool:
    """B names something with the same last word as `name` but other words before it:
    "Colorado Rockies" where A says "Pittsburgh Rockies", "Jane Smith" for "John Smith"."""
    words = set(name)
    for other in by.names:
        if other[-1] == name[-1] and set(other) - words and words - set(other):
            return True  # the same head word, qualified otherwise
    return False


def _same_country(name: tuple, by: Content) -> bool:
    code = country(" ".join(name))
    return bool(code) and any(country(" ".join(other)) == code for other in by.names)


def numbers_missing(said: Content, by: Content) -> list[float]:
    return sorted(n for n in said.numbers if not any(_same_number(n, m) for m in by.numbers))


def _same_number(a: float, b: float) -> bool:
    if a == b:
        return True
    if any(1000 <= n <= 2100 and n == int(n) for n in (a, b)):
        return False  # a year, or a count that must match to the unit
    return max(a, b) >= 10000 and abs(a - b) <= 0.01 * max(a, b)  # "1.2 million" = "1,203,000"


__all__ = ["Content", "content", "fold", "names", "names_missing", "numbers", "numbers_missing"]
