"""Does one text state what a sentence says, contradict it, or neither?

The one support check of Storyline: brief citations, the agreement panel and
the checked LLM brief all ask it. It combines meaning with the facts a
statement makes:

- meaning: the cosine of the two sentences' vectors (storyline.embed), and,
  for a sentence of several clauses, every clause must be close to B too (by
  vector or by its words), so B that repeats one clause of A does not state A;
- facts (storyline.brief.content): every number, name and date A gives must be
  in B in some form ("Kim Jong-un" = "Kim Jong Un", "twenty-eight" = 28);
- words: the lexical rule of milestone 1 (TF-IDF cosine and idf-weighted
  containment, same numbers) still counts as support when the facts agree.

B contradicts A when the two are about the same thing (close in meaning or
words) and give a different value for it: a count of the same thing (claims of
storyline.facts.claims), another number where the rest is the same, another
day or month, or one negates what the other asserts.

Thresholds were set on the first half of the 324 hand-labelled pairs of
bench/briefs/support_sample.jsonl and checked on the second half (`python -m
bench.briefs.support`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from storyline.brief.content import Content, content, names_missing, numbers_missing
from storyline.embed import embed_if_available
from storyline.facts.claims import claims
from storyline.summary.score import terms

STATES, CONTRADICTS, NEITHER = "states", "contradicts", "neither"

MEANING = 0.75  # sentence cosine for support by meaning ...
MEANING_WITH_FACTS = 0.6  # ... when A gives two or more facts (names, numbers, dates) and B gives them all
CLAUSE_MEANING = 0.65  # each clause of A: cosine to B ...
CLAUSE_WORDS = 0.6  # ... or this share of its words in B
PARAPHRASE, CONTAINMENT = 0.35, 0.5  # the lexical rule (storyline.brief.cite)
RELATED = 0.7  # about the same thing, for a contradiction
WHETHER = "whether it is so"
SAME_BUT_VALUE = 0.7  # share of words shared but for the names and numbers: one value changed

_CLAUSE = re.compile(r"(?<!\d),(?!\d)|[;:—–()]|\s-+\s|\b(?:and|but|while|despite|after|before|which|who|where|when|because|"
                     r"as well as|although|though|whereas)\b")


@dataclass(frozen=True)
class Verdict:
    kind: str  # STATES, CONTRADICTS or NEITHER
    reason: str  # one readable line: "gives 14 where the claim gives 12 (people injured)"
    evidence: int | None = None  # index into the candidates of the sentence that decided it
    values: tuple | None = None  # a contradiction's (what, the claim's value, the other's value)


@dataclass
class Said:
    """A sentence ready to be compared: its facts, words, vector and clauses."""

    text: str
    content: Content
    terms: tuple
    vector: np.ndarray | None = None
    clauses: list = field(default_factory=list)  # [(terms, text)] when it has two or more
    embed: bool = True
    _clause_vectors: np.ndarray | None = None

    def set_clause_vectors(self, vectors: np.ndarray) -> None:
        if len(vectors) == len(self.clauses):
            self._clause_vectors = vectors

    def clause_vectors(self) -> np.ndarray | None:
        """Vectors of the clauses, computed on first need (few sentences get that far)."""
        if self._clause_vectors is None and self.embed and self.clauses:
            self._clause_vectors = embed_if_available([text for _, text in self.clauses])
        return self._clause_vectors


LEAD_WORDS = 6  # a sentence's first part runs to the first clause break after this many words


def clauses(text: str) -> list[str]:
    """The parts of a sentence that each say something: its lead (from the start to
    the first clause break after LEAD_WORDS words: "Its captain, Choi Min-jae, sent
    out a distress call"), then every later clause of three content words or more.
    Empty for a sentence of one part."""
    cut = None
    for m in _CLAUSE.finditer(text):
        if len(text[:m.start()].split()) >= LEAD_WORDS:
            cut = m
            break
    if cut is None:
        return []
    lead = text[:cut.start()].strip(" \"“”'‘’")
    rest = [p.strip(" \"“”'‘’") for p in _CLAUSE.split(text[cut.start():])]
    found = ([lead] if terms(lead) else []) + [p for p in rest if len(terms(p)) >= 3]
    return found if len(found) >= 2 else []


def prepare(texts: list[str], vectors: np.ndarray | None = None, embed: bool = True) -> list[Said]:
    """Said records for `texts`; vectors of sentences and clauses are computed
    (when `embed` and the model is there) unless given."""
    said = [Said(t, content(t), tuple(terms(t)), embed=embed) for t in texts]
    if vectors is None and embed:
        vectors = embed_if_available(list(texts))
    for n, s in enumerate(said):
        s.vector = vectors[n] if vectors is not None else None
        s.clauses = [(frozenset(terms(p)), p) for p in clauses(s.text)]
    return said


def verdict(a: Said, b: Said, lexical: float, containment: float) -> Verdict:
    """B's verdict on A; `lexical` is their TF-IDF cosine, `containment` the
    idf-weighted share of A's terms that B has."""
    meaning = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else None
    related = (meaning is not None and meaning >= RELATED) or (lexical >= PARAPHRASE and containment >= 0.4)
    if related:
        conflict = _conflict(a, b, meaning, containment)
        if conflict:
            about, mine, theirs = conflict
            if about == WHETHER:
                return Verdict(CONTRADICTS, f"says {theirs} where the claim says {mine}", values=conflict)
            what = f" ({about})" if about else ""
            return Verdict(CONTRADICTS, f"gives {theirs} where the claim gives {mine}{what}", values=conflict)
    missing = _missing(a.content, b.content)
    if missing:
        return Verdict(NEITHER, f"does not give {missing}")
    if a.content.negated != b.content.negated:
        return Verdict(NEITHER, "one of them says it is not so")
    opposite = _opposite(a, b)
    if opposite:
        return Verdict(NEITHER, f"says the opposite ({opposite})")
    if _other_speaker(a.content, b.content):
        return Verdict(NEITHER, "has someone else say it")
    if _other_subject(a.content, b.content):
        return Verdict(NEITHER, f"begins with {b.content.first.title()} where the claim has {a.content.first.title()}")
    if a.text.rstrip(" \"”’'").endswith("?") and a.terms != b.terms:
        return Verdict(NEITHER, "the claim is a question")
    same_words = lexical >= PARAPHRASE and containment >= CONTAINMENT
    facts = len(a.content.names) + len(a.content.numbers) + len(a.content.dates)
    needed = MEANING_WITH_FACTS if facts >= 2 else MEANING
    if not same_words and (meaning is None or meaning < needed):
        return Verdict(NEITHER, "says something else" if meaning is None else f"says something else (meaning {meaning:.2f})")
    uncovered = _uncovered_clause(a, b)
    if uncovered is not None:
        return Verdict(NEITHER, f"leaves out part of it ({uncovered})")
    if same_words:
        return Verdict(STATES, f"says it in the same words (word overlap {containment:.0%})")
    return Verdict(STATES, f"says it in other words (meaning {meaning:.2f})")


def _missing(a: Content, b: Content) -> str | None:
    names = names_missing(a, b)
    if names:
        return "the name " + ", ".join(names)
    values = numbers_missing(a, b)
    if values:
        return "the number " + ", ".join(f"{v:g}" for v in values)
    days = sorted(a.dates - b.dates)
    if days:
        return "the date " + ", ".join(d.capitalize() for d in days)
    return None


# Opposites news turns on; a short list of our own, as no maintained English antonym list
# ships without a data download (WordNet's needs one).
_OPPOSITES = [frozenset(p.split("/")) for p in """
won/lost win/lose wins/loses rose/fell rise/fall rises/falls increased/decreased increase/decrease
died/survived started/stopped start/stop began/ended begin/end passed/failed pass/fail true/false
legal/illegal likely/unlikely agreed/refused confirmed/denied success/failure arrested/released
hired/fired joined/left entered/left lowest/highest increases/decreases larger/smaller largest/smallest
higher/lower more/fewer more/less approved/rejected approve/reject accepted/rejected guilty/innocent
convicted/acquitted alive/dead open/closed opened/closed best/worst first/last before/after
above/below up/down gained/lost raised/cut strengthened/weakened allowed/banned supported/opposed
""".split()]


def _opposite(a: Said, b: Said) -> str | None:
    """A word of A whose opposite B says instead ("won" where B says "lost")."""
    for pair in _OPPOSITES:
        ours, theirs = pair & a.content.words, pair & b.content.words
        if len(ours) == 1 and len(theirs) == 1 and ours != theirs and not ours & b.content.words:
            return f"{next(iter(ours))} / {next(iter(theirs))}"
    return None


def _other_speaker(a: Content, b: Content) -> bool:
    """Both say who says it, and B names none of A's speakers."""
    if not a.speakers or not b.speakers:
        return False
    return not any(set(name) <= b.words or name[-1] in b.words for name in a.speakers)


def _other_subject(a: Content, b: Content) -> bool:
    """B opens with a name A lacks where A opens with a capitalised word B lacks:
    "Bridges was regarded as ..." against "Lowe was regarded as ..." ("Bridges" is
    also a common word, so it is not among A's names)."""
    if not a.first or not b.first or a.first in b.words or b.first in a.words:
        return False
    return any(b.first in name for name in b.names)


def _uncovered_clause(a: Said, b: Said) -> str | None:
    words = set(b.terms)
    vectors = a.clause_vectors() if b.vector is not None else None
    for k, (clause_terms, _) in enumerate(a.clauses):
        if not clause_terms:
            continue
        by_words = len(clause_terms & words) / len(clause_terms)
        by_meaning = float(vectors[k] @ b.vector) if vectors is not None else 0.0
        if by_words < CLAUSE_WORDS and by_meaning < CLAUSE_MEANING:
            return " ".join(sorted(clause_terms)[:6])
    return None


def _conflict(a: Said, b: Said, meaning: float | None, containment: float) -> tuple | None:
    """(what, A's value, B's value) when B gives another value for what A says."""
    theirs = {c.about: c for c in claims(b.text)}
    for claim in claims(a.text):
        other = theirs.get(claim.about)
        if other is None or other.value == claim.value:
            continue
        spread = claim.spread if claim.spread is not None else other.spread
        if spread is not None and _distance(claim.value, other.value) > spread:
            continue
        return claim.label, claim.written, other.written
    if (meaning is not None and meaning < RELATED) or _rest_shared(a, b) < SAME_BUT_VALUE:
        return None  # not the same sentence but for one value
    ours, others = numbers_missing(a.content, b.content), numbers_missing(b.content, a.content)
    if len(ours) == 1 and len(others) == 1 and not names_missing(a.content, b.content):
        return "", _number(ours[0]), _number(others[0])
    if a.content.dates and b.content.dates and not a.content.dates & b.content.dates:
        return "the day", ", ".join(sorted(a.content.dates)).title(), ", ".join(sorted(b.content.dates)).title()
    opposite = _opposite(a, b)
    if opposite and not _missing(a.content, b.content):
        mine, theirs = opposite.split(" / ")
        return WHETHER, mine, theirs
    if a.content.negated != b.content.negated and not _missing(a.content, b.content):
        return (WHETHER, "it is not so", "it is so") if a.content.negated else (WHETHER, "it is so", "it is not so")
    ours, others = names_missing(a.content, b.content), names_missing(b.content, a.content)
    if len(ours) == 1 and len(others) == 1 and ours != others and not numbers_missing(a.content, b.content):
        return "who", ours[0].title(), others[0].title()
    return None


def _number(value: float) -> str:
    return str(int(value)) if 1000 <= value <= 2100 and value == int(value) else f"{value:,g}"


def _rest_shared(a: Said, b: Said) -> float:
    """The share of A's words, leaving out its names and numbers, that B has too."""
    values = {w for name in a.content.names for w in name} | {w for w in a.terms if w[:1].isdigit()}
    rest = {w for w in a.terms if w not in values and w.lower() not in values}
    return len(rest & set(b.terms)) / len(rest) if rest else 0.0


def _distance(x, y) -> float:
    try:
        return abs(float(x) - float(y))
    except (TypeError, ValueError):
        return math.inf


def lexical_scores(a: tuple, b: tuple, idf: dict[str, float]) -> tuple[float, float]:
    """TF-IDF cosine of two term lists and the idf-weighted share of a's terms in b."""
    ca, cb = Counter(a), Counter(b)
    weight = {t: (1.0 + math.log(n)) * idf.get(t, 1.0) for t, n in ca.items()}
    other = {t: (1.0 + math.log(n)) * idf.get(t, 1.0) for t, n in cb.items()}
    dot = sum(w * other.get(t, 0.0) for t, w in weight.items())
    norm = math.sqrt(sum(w * w for w in weight.values())) * math.sqrt(sum(w * w for w in other.values()))
    total = sum(idf.get(t, 1.0) for t in ca)
    contained = sum(idf.get(t, 1.0) for t in ca if t in cb)
    return (dot / norm if norm else 0.0), (contained / total if total else 0.0)


def idf_of(term_lists: list[tuple]) -> dict[str, float]:
    df = Counter(t for ts in term_lists for t in set(ts))
    return {t: math.log(1.0 + len(term_lists) / n) for t, n in df.items()}


def check(claim: str, candidates: list[str], *, claim_vector=None, candidate_vectors=None,
          context: list[str] | None = None) -> Verdict:
    """The verdict of `candidates` (the sentences of one or more sources) on
    `claim`: STATES when one of them states all of it, else CONTRADICTS when one
    is about the same thing with a differing value, else NEITHER. Vectors are
    computed when not given; `context` (more sentences of the sources) only
    sharpens the word weights."""
    if not candidates:
        return Verdict(NEITHER, "no source sentence to check against")
    a = prepare([claim], None if claim_vector is None else np.asarray([claim_vector]))[0]
    others = prepare(candidates, None if candidate_vectors is None else np.asarray(candidate_vectors))
    idf = idf_of([a.terms] + [o.terms for o in others] + [tuple(terms(t)) for t in context or []])
    verdicts = [verdict(a, o, *lexical_scores(a.terms, o.terms, idf)) for o in others]
    for kind in (STATES, CONTRADICTS):
        for n, v in enumerate(verdicts):
            if v.kind == kind:
                return Verdict(kind, v.reason, n, v.values)
    closest = max(range(len(others)), key=lambda n: float(a.vector @ others[n].vector)
                  if a.vector is not None and others[n].vector is not None else 0.0)
    return Verdict(NEITHER, f"no source sentence states it; the closest {verdicts[closest].reason}", closest)
