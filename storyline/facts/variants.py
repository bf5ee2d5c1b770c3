"""One person's name spelled differently by different sources: "Dana Whitlock" /
"Dana Whitlow", "Janelle Ortiz-Crane" / "Janelle Ortiz", "Lt. Craig Duval" /
"Lt. Greg Duval"."""
from __future__ import annotations

import re
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from storyline.facts.names import PLACE_WORDS, ORGANISATION_WORDS, TITLES, fold
from storyline.model import Source

_RUN = re.compile(r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*")
_NOT_NAME_WORDS = PLACE_WORDS | ORGANISATION_WORDS | TITLES | frozenset(
    "the a an and of in on at for to new north south east west january february march april may "
    "june july august september october november december monday tuesday wednesday thursday "
    "friday saturday sunday".split())


def full_names(text: str) -> dict[str, str | None]:
    """Name -> the title just before it ("lt"), for every two or three capitalised
    words that follow the last title-like word of a capitalised run: "Ashcombe
    Fire Chief Dana Whitlock" -> "Dana Whitlock" (title "chief")."""
    found = {}
    for match in _RUN.finditer(text):
        words = [w.rstrip(".’'").removesuffix("’s").removesuffix("'s") for w in match.group().split()]
        cut = max((i for i, w in enumerate(words) if fold(w).rstrip(".") in _NOT_NAME_WORDS), default=-1)
        name = words[cut + 1:]
        if not 2 <= len(name) <= 3 or not all(re.fullmatch(r"[^\W\d_][\w’'-]+", w) for w in name):
            continue
        title = fold(words[cut]).rstrip(".") if cut >= 0 else None
        found.setdefault(" ".join(name), title if title in TITLES else None)
    return found


def name_conflicts(sources: list[Source], known_people: list[str] | None = None):
    """[(label, {written name: [article ids]})] for near-identical names."""
    names_by_source = {}
    for source in sources:
        names = full_names(source.text)
        if known_people is not None:
            known = {fold(p) for p in known_people}
            names = {n: t for n, t in names.items() if fold(n) in known}
        names_by_source[source.id] = names
    every = {}
    for names in names_by_source.values():
        for name, title in names.items():
            every.setdefault(name, set()).add(title)
    found, seen = [], set()
    spaced = " ".join(" ".join(s.text.split()) for s in sources).casefold()
    for a, b in _comparable_pairs(every):
        differing = _differing_part(a, b, every[a] & every[b] - {None}, spaced)
        if not differing or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        part_a, part_b = differing
        articles = {a: _articles_saying(sources, a, part_a), b: _articles_saying(sources, b, part_b)}
        if set(articles[a]) == set(articles[b]) or not articles[a] or not articles[b]:
            continue  # every source uses both spellings: no source disagrees with another
        found.append((f"name: {part_a} / {part_b}", articles))
    return found


def _comparable_pairs(names) -> list[tuple[str, str]]:
    """The pairs `_differing_part` can accept: same length, and the same words
    but the last, or (two-word names) the same last word. Comparing only those
    keeps a story with hundreds of names fast."""
    groups: dict[tuple, list[str]] = {}
    for name in sorted(names):
        folded = [fold(w) for w in name.split()]
        groups.setdefault(("head", *folded[:-1]), []).append(name)
        if len(folded) == 2:
            groups.setdefault(("last", folded[-1]), []).append(name)
    pairs = {pair for members in groups.values() if len(members) > 1 for pair in combinations(members, 2)}
    return sorted(pairs)


def _differing_part(a: str, b: str, shared_titles: set, spaced: str = ""):
    """(part of a, part of b) when a and b look like one name spelled two ways.
    `spaced`: the story's text, folded; a hyphenated name it also writes with a
    space ("Jong-un" / "Jong un") is one spelling, not a double-barrelled one."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return None
    fa, fb = [fold(w) for w in wa], [fold(w) for w in wb]
    if fa[:-1] == fb[:-1] and _near(fa[-1], fb[-1]):
        return wa[-1], wb[-1]
    if fa[-1] == fb[-1] and len(wa) == 2 and shared_titles and fa[0] != fb[0]:
        return a, b  # same surname and title, different first name: "Lt. Craig / Greg Duval"
    if fa[:-1] == fb[:-1] and (_double_barrelled(wa[-1], wb[-1], spaced)
                               or _double_barrelled(wb[-1], wa[-1], spaced)):
        return wa[-1], wb[-1]  # "Ortiz-Crane" / "Ortiz", but not "Halden-based" / "Halden"
    return None


def _double_barrelled(longer: str, shorter: str, spaced: str = "") -> bool:
    first, _, second = longer.partition("-")
    if f"{first} {second}".casefold() in spaced:
        return False
    return fold(first) == fold(shorter) and second[:1].isupper()


def _near(x: str, y: str) -> bool:
    if x == y or x.rstrip("s") == y.rstrip("s") or min(len(x), len(y)) < 4:
        return False
    return Levenshtein.distance(x, y) <= 2 and Levenshtein.normalized_similarity(x, y) >= 0.75


def _articles_saying(sources: list[Source], full: str, part: str) -> list:
    """Sources that use this spelling, also alone ("Whitlow said")."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(part)}(?![\w-])")
    return [s.id for s in sources if pattern.search(s.text)]
