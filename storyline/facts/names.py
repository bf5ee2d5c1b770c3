"""People, organisations and places: clean entity texts and merge name variants.

One name is one entity whatever its hyphens, spacing, punctuation and case
("Kim Jong Un", "Kim Jong-un", "KIM JONG UN"); a country is one place under any
of its ISO or CLDR names and codes ("U.S.", "US", "United States"); a short form
joins the one full name it stands for ("Whitlock", "FBI"). A name seen only in
chrome-like lines, or a lone common word the model called an organisation
("Police", "Defense", "Council"), is not a fact of the story.
"""
from __future__ import annotations

from functools import lru_cache

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from storyline.facts import aliases
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
# Place words that make an "organisation" a place: the model calls forests and
# bridges organisations ("Brennan Ridge State Forest"). Not buildings ("school",
# "center"), nor "state" or "city", which often name a team or a university.
GEOGRAPHIC_WORDS = PLACE_WORDS - frozenset("""
state city school library center centre hall square plaza airport station stadium field gardens manor
""".split())
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")


@dataclass(frozen=True)
class Found:
    """One mention of a name, as the facts stage read it."""

    text: str
    label: str  # PER, ORG or LOC
    article: object
    prose: bool = True  # in a sentence, not in a chrome-like line
    alone: bool = True  # used on its own, not at a sentence start or glued to other capitals


@dataclass
class _Entity:
    key: str  # folded form that decides identity
    tokens: list  # folded words, hyphenated ones split ("Ortiz-Crane" -> "ortiz", "crane")
    forms: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    articles: dict = field(default_factory=dict)  # article id -> mentions (dict keeps order)
    prose: int = 0  # mentions in prose
    alone: int = 0  # mentions standing alone

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case, accents and punctuation do not make a different name."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s-]", " ", plain.casefold()).split())


@lru_cache(maxsize=65536)
def identity(name: str) -> str:
    """What decides that two spellings are one name: the letters and digits,
    folded; hyphens, spaces and punctuation do not count ("Kim Jong-un")."""
    return re.sub(r"[\W_]+", "", fold(name))


def _tokens(name: str) -> list[str]:
    return fold(name).replace("-", " ").split()


def clean(text: str, label: str) -> str | None:
    """The entity as a name, or None when it is junk."""
    name = " ".join(text.split()).strip(" ,;:\"“”‘’()[]")
    name = re.sub(r"\s+\(.*$", "", name)  # "Federal Bureau of Investigation (FBI"
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
    """The head noun overrules the model: "Kettle Road" is no person, "Brennan
    Ridge State Forest" no organisation."""
    last = (fold(text).split()[-1:] or [""])[0]  # "Reyes-Park" is no park
    if label == "PER":
        if last in PLACE_WORDS:
            return "LOC"
        if last in ORGANISATION_WORDS:
            return "ORG"
    elif label == "ORG" and last in GEOGRAPHIC_WORDS and last not in ORGANISATION_WORDS:
        return "LOC"
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


def merge(found: list[Found | tuple], common: frozenset = frozenset(),
          dictionary: frozenset = frozenset()) -> dict[str, list[Mention]]:
    """Mentions per type (PER / ORG / LOC) from `Found` mentions (or (text,
    type, article) triples), in reading order. `common` holds the words the
    story writes in lower case, `dictionary` the language's common words: a
    lone capitalised common word is not an organisation."""
    entities: dict[str, _Entity] = {}
    for mention in found:
        mention = mention if isinstance(mention, Found) else Found(*mention)
        label = _relabel(mention.text, mention.label)
        name = clean(mention.text, label)
        if name is None:
            continue
        code = aliases.country(name) if label != "PER" else None
        key = f"country:{code}" if code else identity(name)
        entity = entities.setdefault(key, _Entity(key, _tokens(name)))
        if len(_tokens(name)) > len(entity.tokens):
            entity.tokens = _tokens(name)
        entity.forms[name] += 1
        entity.labels[label] += 1
        entity.articles[mention.article] = entity.articles.get(mention.article, 0) + 1
        entity.prose += mention.prose
        entity.alone += mention.alone
    _join_countries(entities)
    _relabel_single_words(entities)
    merged_into = _short_forms(entities)
    groups: dict[str, list[_Entity]] = defaultdict(list)
    for key, entity in entities.items():
        groups[merged_into.get(key, key)].append(entity)
    result: dict[str, list[Mention]] = {"PER": [], "ORG": [], "LOC": []}
    ranked = []
    for head_key, members in groups.items():
        head = entities[head_key]
        if not any(m.prose for m in members):
            continue  # named only in chrome-like lines
        if len(members) == 1 and _lone_common_word(head, entities, common, dictionary):
            continue
        articles: dict = {}
        forms: Counter = Counter()
        for member in members:
            forms.update(member.forms)
            for article, count in member.articles.items():
                articles[article] = articles.get(article, 0) + count
        name = _fullest(forms, country=head.key.startswith("country:"))
        variants = sorted({form for form in forms if form != name}, key=lambda f: (-forms[f], f))
        ranked.append((head.label, -len(articles), -sum(articles.values()), len(ranked),
                       Mention(name=name, articles=list(articles), variants=variants)))
    for label, *_order, mention in sorted(ranked, key=lambda r: r[1:4]):
        result[label].append(mention)
    return result


def _fullest(forms: Counter, country: bool = False) -> str:
    """The form with the most words; then one not in capitals; then the most
    used. A country goes by the name most used ("Israel", not "State of Israel")."""
    if country:
        words = [f for f in forms if not aliases.is_acronym(f)] or list(forms)
        return max(words, key=lambda f: (forms[f], len(f)))
    return max(forms, key=lambda f: (len(_tokens(f)), not f.isupper(), forms[f], -len(f)))


def _lone_common_word(entity: _Entity, entities: dict[str, _Entity], common: frozenset,
                      dictionary: frozenset) -> bool:
    """A one-word "organisation" that is a common word of the language ("Police",
    "Defense", "Council") and that the story shows to be no name of its own: it
    is written in lower case too, is never used on its own (only at the start of
    a sentence or glued to other capitalised words), or is a word of a longer name."""
    if entity.label != "ORG" or len(entity.tokens) != 1 or aliases.is_acronym(next(iter(entity.forms))):
        return False
    word = entity.tokens[0]
    if not {word, word.rstrip("s"), word[:-2] if word.endswith("es") else word} & dictionary:
        return False
    in_longer_name = any(word in other.tokens for other in entities.values() if len(other.tokens) > 1)
    return word in common or not entity.alone or in_longer_name


def _join_countries(entities: dict[str, _Entity]) -> None:
    """A country's name the model once took for a person ("KATHMANDU, Nepal (AP)")
    joins the country when the story names it as a place too; alone it stays a
    person ("Chad", "Jordan")."""
    for key, entity in list(entities.items()):
        codes = {aliases.country(form) for form in entity.forms} - {None}
        place = entities.get(f"country:{codes.pop()}") if len(codes) == 1 and not key.startswith("country:") else None
        if place is None:
            continue
        place.forms.update(entity.forms)
        place.labels.update(entity.labels)
        for article, count in entity.articles.items():
            place.articles[article] = place.articles.get(article, 0) + count
        place.prose += entity.prose
        place.alone += entity.alone
        del entities[key]
    for key, entity in entities.items():
        if key.startswith("country:"):
            entity.labels = Counter({"LOC": 1})


def _relabel_single_words(entities: dict[str, _Entity]) -> None:
    """A lone word the model called a place or organisation, that is the last
    name of a person in the same story, is that person ("Haskins said")."""
    last_names = {e.tokens[-1] for e in entities.values() if e.label == "PER" and len(e.tokens) > 1}
    organisation_starts = {e.tokens[0] for e in entities.values() if e.label == "ORG" and len(e.tokens) > 1}
    for entity in entities.values():
        if len(entity.tokens) != 1 or entity.key.startswith("country:"):
            continue
        word = entity.tokens[0]
        if entity.label != "PER" and word in last_names:
            entity.labels["PER"] = sum(entity.labels.values()) + 1
        elif entity.label == "PER" and word in organisation_starts - last_names:
            # "Corvane said" is Corvane Energy
            entity.labels["ORG"] = sum(entity.labels.values()) + 1


def _short_forms(entities: dict[str, _Entity]) -> dict[str, str]:
    """key of a short form -> key of the full form it stands for."""
    merged = {}
    by_token: dict[str, list[_Entity]] = defaultdict(list)  # only names sharing a word can be a short form
    for entity in entities.values():
        for token in set(entity.tokens):
            by_token[token].append(entity)
    for key, short in entities.items():
        if key.startswith("country:"):
            continue
        if any(aliases.is_acronym(form) for form in short.forms):
            pool = list(entities.values())  # "FBI", "US": no word in common with what they stand for
        else:
            pool = by_token.get(short.tokens[0], []) if short.tokens else []
        candidates = [full for full in pool if full is not short and _stands_for(short, full)]
        if not candidates:
            continue
        in_same_article = [c for c in candidates if set(c.articles) & set(short.articles)]
        pool = in_same_article or candidates
        if short.label == "PER":
            # "Pennick" is Walter Pennick, the most mentioned, over his son Eric;
            # "Anker" is Conrad Anker rather than Jenni Lowe-Anker.
            pool.sort(key=lambda c: (short.tokens[-1] not in {fold(f).split()[-1] for f in c.forms},
                                     c.tokens[-1] != short.tokens[-1], -sum(c.articles.values())))
            merged[key] = pool[0].key
        elif len(pool) == 1:
            merged[key] = pool[0].key
    # Short forms of short forms ("Kim" -> "Jong Un Kim" chains) resolve to the end.
    for key in merged:
        while merged[key] in merged and merged[merged[key]] != key:
            merged[key] = merged[merged[key]]
    return merged


def _stands_for(short: _Entity, full: _Entity) -> bool:
    """Is `short` a short form of `full`: a surname, the end or start of an
    organisation's name, its acronym ("FBI", "U.N."), or a country's code
    ("US") when the story names the country in words?"""
    if "PER" in (short.label, full.label):
        return short.label == full.label and _is_short_form(short.tokens, full.tokens, "PER")
    if full.key.startswith("country:"):
        return any(f"country:{aliases.country_code(form)}" == full.key for form in short.forms)
    if any(aliases.is_acronym(form) and aliases.spells_out(form, long)
           for form in short.forms for long in full.forms):
        return True
    if full.label != short.label:
        # "Mariners" (the model's organisation) for "Port Halden Mariners" (its place)
        return short.label == "ORG" and len(short.tokens) == 1 and full.tokens[-1:] == short.tokens
    return _is_short_form(short.tokens, full.tokens, short.label)


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
