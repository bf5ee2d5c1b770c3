"""People, organisations and places: clean entity texts and merge name variants."""
from __future__ import annotations

from functools import lru_cache

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from storyline.model import Mention

# Words before a name that are a title or role, not part of the name.
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister
mayor gov governor sen senator rep representative president vice chancellor minister premier
chief fire police deputy state lt lieutenant sgt sergeant capt captain col colonel gen general
maj major cmdr commander adm admiral officer detective sheriff marshal judge justice
commissioner councilmember councilman councilwoman councillor alderman chair chairman
chairwoman director superintendent secretary manager spokesperson spokesman spokeswoman
coach ceo executive king queen prince princess pope
retiree defender striker midfielder goalkeeper forward handler nurse resident owner operator
employee worker hiker student teacher researcher analyst economist
""".split())
# Last words that make a "person" the small model found a place or an organisation.
PLACE_WORDS = frozenset("""
state street st road rd lane avenue ave boulevard blvd drive way highway route bridge park school
library center centre hall square plaza river creek lake forest trail county city town valley bay
island mountain ridge falls harbor harbour beach airport station stadium field gardens manor
""".split())
ORGANISATION_WORDS = frozenset("""
department authority council commission company freight inc corp corporation systems group
association alliance office bureau agency university college hospital times news ledger courier
wire dispatch observer post herald coalition network board fire police energy bank club party
press service services union team rovers united
""".split())
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")


@dataclass
class _Entity:
    key: str  # folded form that decides identity
    tokens: list
    forms: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    articles: dict = field(default_factory=dict)  # article id -> mentions (dict keeps order)

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case, accents and punctuation do not make a different name."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s-]", " ", plain.casefold()).split())


def clean(text: str, label: str) -> str | None:
    """The entity as a name, or None when it is junk."""
    name = " ".join(text.split()).strip(" ,;:\"“”‘’()[]")
    name = _LEADING_THE.sub("", name)
    name = _POSSESSIVE.sub("", name).strip()
    if label == "PER":
        # "Northfield Fire Chief Mark Delaney" -> "Mark Delaney"
        words = name.split()
        titles = [i for i, w in enumerate(words[:-1]) if fold(w).replace(".", "") in TITLES]
        name = " ".join(words[titles[-1] + 1:] if titles else words)
    if not _looks_like_name(name):
        return None
    return name


def _relabel(text: str, label: str) -> str:
    if label != "PER":
        return label
    last = fold(text).split()[-1:] or [""]
    if last[0] in PLACE_WORDS:
        return "LOC"
    if last[0] in ORGANISATION_WORDS:
        return "ORG"
    return label


def _looks_like_name(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or sum(c.isdigit() for c in name) > len(letters):
        return False
    if not (name[0].isupper() or name[0].isdigit()):
        return False  # "the company", "officials": not a name
    if "\n" in name or len(name.split()) > 8:
        return False
    return fold(name) not in TITLES


def merge(found: list[tuple[str, str, object]]) -> dict[str, list[Mention]]:
    """Mentions per type (PER / ORG / LOC) from (text, type, article id) triples,
    in reading order. Variants merge: a short form into the one full form that
    contains it ("Whitlock" into "Dana Whitlock", "Water Authority" into
    "Calder County Water Authority"), preferring full forms in the same article."""
    entities: dict[str, _Entity] = {}
    for text, label, article in found:
        label = _relabel(text, label)
        name = clean(text, label)
        if name is None:
            continue
        key = fold(name)
        entity = entities.setdefault(key, _Entity(key, key.split()))
        entity.forms[name] += 1
        entity.labels[label] += 1
        entity.articles[article] = entity.articles.get(article, 0) + 1
    _relabel_single_words(entities)
    merged_into = _short_forms(entities)
    groups: dict[str, list[_Entity]] = defaultdict(list)
    for key, entity in entities.items():
        groups[merged_into.get(key, key)].append(entity)
    result: dict[str, list[Mention]] = {"PER": [], "ORG": [], "LOC": []}
    ranked = []
    for head_key, members in groups.items():
        head = entities[head_key]
        articles: dict = {}
        forms: Counter = Counter()
        for member in members:
            forms.update(member.forms)
            for article, count in member.articles.items():
                articles[article] = articles.get(article, 0) + count
        name = _fullest(head.forms)
        variants = sorted({form for form in forms if form != name}, key=lambda f: (-forms[f], f))
        ranked.append((head.label, -len(articles), -sum(articles.values()), len(ranked),
                       Mention(name=name, articles=list(articles), variants=variants)))
    for label, *_order, mention in sorted(ranked, key=lambda r: r[1:4]):
        result[label].append(mention)
    return result


def _fullest(forms: Counter) -> str:
    longest = max(len(form.split()) for form in forms)
    return max((form for form in forms if len(form.split()) == longest), key=lambda f: forms[f])


def _relabel_single_words(entities: dict[str, _Entity]) -> None:
    """A lone word the model called a place or organisation, that is the last
    name of a person in the same story, is that person ("Haskins said")."""
    last_names = {e.tokens[-1] for e in entities.values() if e.label == "PER" and len(e.tokens) > 1}
    organisation_starts = {e.tokens[0] for e in entities.values() if e.label == "ORG" and len(e.tokens) > 1}
    for entity in entities.values():
        if len(entity.tokens) != 1:
            continue
        if entity.label != "PER" and entity.key in last_names:
            entity.labels["PER"] = sum(entity.labels.values()) + 1
        elif entity.label == "PER" and entity.key in organisation_starts - last_names:
            # "Corvane said" is Corvane Energy
            entity.labels["ORG"] = sum(entity.labels.values()) + 1


def _short_forms(entities: dict[str, _Entity]) -> dict[str, str]:
    """key of a short form -> key of the full form it stands for."""
    merged = {}
    for key, short in entities.items():
        candidates = [full for full in entities.values()
                      if full is not short and full.label == short.label
                      and _is_short_form(short.tokens, full.tokens, short.label)]
        if not candidates:
            continue
        in_same_article = [c for c in candidates if set(c.articles) & set(short.articles)]
        pool = in_same_article or candidates
        if short.label == "PER":
            # "Pennick" is Walter Pennick, the most mentioned, over his son Eric.
            pool.sort(key=lambda c: (c.tokens[-1] != short.tokens[-1], -sum(c.articles.values())))
            merged[key] = pool[0].key
        elif len(pool) == 1:
            merged[key] = pool[0].key
    # Short forms of short forms ("Kim" -> "Jong Un Kim" chains) resolve to the end.
    for key in merged:
        while merged[key] in merged and merged[merged[key]] != key:
            merged[key] = merged[merged[key]]
    return merged


def _is_short_form(short: list, full: list, label: str) -> bool:
    if len(short) >= len(full):
        return False
    if label == "PER":
        # "Kim" in "Kim Jong Un", "Whitlock" in "Dana Whitlock"
        return len(short) == 1 and short[0] in full or full[-len(short):] == short
    if label == "ORG":
        # "Water Authority" in "Calder County Water Authority"
        return full[-len(short):] == short or full[:len(short)] == short
    return False  # "Linden Falls" is not "Linden Falls High School"
