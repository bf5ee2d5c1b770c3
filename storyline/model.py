"""The small typed records every stage passes along.

Stages are plain functions over these records, so any of them can be called
from Python without a database; storage only persists them.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fetched:
    """A successful HTTP response, body already read within the size cap."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # media type only, lowercased, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if any
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    max_age: int | None = None  # seconds, from Cache-Control: how long the response stays fresh

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Extracted:
    """What extraction found in one page or text file."""

    text: str  # paragraphs separated by blank lines, site chrome removed
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    site_name: str | None = None
    language: str | None = None
    url: str | None = None  # canonical URL declared by the page, if any
    raw_text: str = ""  # before chrome removal; kept so cleaning can be redone


@dataclass
class FeedEntry:
    title: str | None
    link: str | None
    guid: str | None
    published: str | None
    author: str | None
    content_html: str | None  # the richest body the feed carries for the item
    summary_html: str | None
    error: str | None = None  # why the item is unusable (a field of the wrong type)


@dataclass
class ParsedFeed:
    kind: str  # "rss", "atom", "json", "rdf"...
    title: str | None
    site_url: str | None
    entries: list[FeedEntry]
    warning: str | None = None  # parser complaint on a feed that still gave items
    poll_hint: int | None = None  # seconds between polls the feed asks for (ttl, sy:updatePeriod)


@dataclass
class Article:
    url: str | None
    title: str
    text: str
    outlet: str
    canonical_url: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    raw_text: str = ""
    fetched: str | None = None  # ISO timestamp of when we got it
    source: str | None = None  # the feed, URL or file it came from
    feed_url: str | None = None
    content_hash: str = ""
    id: int | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Failure:
    source: str
    error: str


@dataclass
class IngestReport:
    added: int = 0
    duplicates: int = 0
    failed: list[Failure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def merge(self, other: "IngestReport") -> None:
        self.added += other.added
        self.duplicates += other.duplicates
        self.failed.extend(other.failed)
        self.article_ids.extend(other.article_ids)

    def as_json(self) -> dict:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "failed": [{"source": f.source, "error": f.error} for f in self.failed],
        }


@dataclass
class SummarySentence:
    text: str
    position: int  # index of the sentence in the article


@dataclass
class Summary:
    sentences: list[SummarySentence]
    method: str
    language: str | None = None
    note: str | None = None  # why the summary is what it is, when it is not the usual

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


# -- story briefs (storyline/brief, storyline/facts) -------------------------------


@dataclass
class Source:
    """One article given to the brief and facts stages: stored, or a file read ad hoc."""

    id: int | str  # article id, or the file's path for an ad-hoc brief
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601; dates in the text are resolved against it
    duplicate_of: int | str | None = None  # the source this one is a near-copy of


@dataclass
class Mention:
    """A person, organisation or place, merged across name variants."""

    name: str  # the fullest form seen ("Kim Jong Un", not "Kim")
    articles: list  # ids of the sources that mention it
    variants: list = field(default_factory=list)  # other forms seen


@dataclass
class DateMention:
    text: str  # as written ("this September")
    date: str | None  # ISO date or range start when resolvable ("2026-09" / "2026-09-10")
    articles: list


@dataclass
class Quote:
    text: str
    speaker: str | None
    article: int | str


@dataclass
class Facts:
    people: list[Mention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class BriefSentence:
    text: str  # an unchanged sentence of `article`
    article: int | str
    citations: list  # every source that states it, `article` first
    position: int = 0  # index of the sentence in `article`


@dataclass
class Statement:
    text: str
    articles: list


@dataclass
class ConflictValue:
    value: str
    articles: list


@dataclass
class Conflict:
    about: str  # what the sources disagree on ("people killed", "date of the vote")
    values: list[ConflictValue]


@dataclass
class Agreement:
    shared: list[Statement] = field(default_factory=list)  # stated by two or more outlets
    only_in: dict = field(default_factory=dict)  # source id -> [Statement] only it makes
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class Brief:
    story: int | str | None
    sentences: list[BriefSentence]
    facts: Facts
    agreement: Agreement | None  # None for a story of one article
    method: str
    words: int = 0
