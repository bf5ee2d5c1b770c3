"""Which known person a name as written refers to."""
from __future__ import annotations

from storyline.facts.names import fold
from storyline.model import Mention


class PeopleIndex:
    """Resolves "Whitlock", "Mr. Kim" or "Dana Whitlock's" to the merged full name."""

    def __init__(self, people: list[Mention]) -> None:
        self._by_form: dict[str, list[Mention]] = {}
        for person in people:
            for form in [person.name, *person.variants]:
                self._by_form.setdefault(fold(form), []).append(person)
            for token in fold(person.name).split():
                self._by_form.setdefault(token, [])
                if person not in self._by_form[token]:
                    self._by_form[token].append(person)

    def resolve(self, name: str, article=None) -> str | None:
        key = fold(name.removesuffix("’s").removesuffix("'s"))
        people = self._by_form.get(key, [])
        if not people:
            return None
        local = [p for p in people if article in p.articles] or people
        exact = [p for p in local if fold(p.name) == key or key in map(fold, p.variants)]
        # A surname alone: the most mentioned person of that name in the article.
        best = (exact or local)[0]
        return best.name
