"""Other names of one place or organisation: country names and codes from
ISO 3166 (pycountry) and the Unicode CLDR (Babel), and acronyms spelled out in
the story itself ("FBI" for "Federal Bureau of Investigation")."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words an acronym skips: "Bureau of Investigation" is "BI", not "BOI".
_FUNCTION_WORDS = frozenset("of the and for on in at to de du la le des del".split())
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,6}|[A-Z]{2,6}")


def _plain(name: str) -> str:
    """Case, accents, punctuation and spacing folded away: "U.S." -> "us"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[\W_]+", "", text)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Folded country name -> ISO 3166 alpha-2 code."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)):
            if name:
                names.setdefault(_plain(name), country.alpha_2)
                head, comma, tail = name.partition(", ")
                if comma:  # "Korea, Republic of" is also "Republic of Korea"
                    names.setdefault(_plain(f"{tail} {head}"), country.alpha_2)
    try:  # CLDR's English names are the ones news uses: "Russia", "Türkiye", "Myanmar (Burma)"
        from babel import Locale
        territories = Locale("en").territories
    except ImportError:  # Babel comes with trafilatura; without it ISO names alone
        territories = {}
    for code, name in territories.items():
        if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
            for part in re.split(r"\s*[()]\s*", name):
                if part:
                    names.setdefault(_plain(part), code)
    return names


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Alpha-2 and alpha-3 codes -> alpha-2: "US", "USA"."""
    import pycountry

    codes = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = country.alpha_2
        codes[country.alpha_3] = country.alpha_2
    return codes


@lru_cache(maxsize=4096)
def country(name: str) -> str | None:
    """The ISO code of the country `name` names in words ("the United States",
    "United States of America", "Russia"), or None."""
    return _country_names().get(_plain(name))


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """The country a code in capitals stands for ("US", "U.S.", "USA" -> "US").
    Codes clash with other abbreviations ("CA" is California as often as
    Canada), so a code joins a country only a story names in words."""
    written = name.strip()
    return _country_codes().get(written.replace(".", "")) if _ACRONYM.fullmatch(written) else None


def is_acronym(name: str) -> bool:
    return bool(_ACRONYM.fullmatch(name.strip()))


def initials(name: str) -> str:
    """"Federal Bureau of Investigation" -> "FBI"; "U.N. Security Council" -> "UNSC"."""
    letters = []
    for word in re.split(r"[\s-]+", name.strip()):
        if not word or word.casefold() in _FUNCTION_WORDS:
            continue
        if _ACRONYM.fullmatch(word):
            letters.append(word.replace(".", ""))
        elif word[0].isalpha():
            letters.append(word[0].upper())
    return "".join(letters)


def spells_out(acronym: str, name: str) -> bool:
    """Is `acronym` ("FBI", "U.N.") the initials of `name`? Two capitals alone
    ("CT") are too ambiguous; with full stops ("U.N.") they are an acronym."""
    letters = acronym.replace(".", "")
    if len(letters) < 3 and "." not in acronym:
        return False
    return len(name.split()) >= 2 and initials(name) == letters
