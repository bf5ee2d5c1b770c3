"""Stage: group articles into stories, one article at a time.

Boilerplate paragraphs (notices, sign-up boxes) are dropped first; a page
with too little text left is a not-article (features.article_terms). Each
article is turned into a sparse term vector (features.py), candidate
stories are found through an inverted index on their top terms (never a
scan of the archive), and the article joins the candidate it is most similar
to — the larger of the cosine with the story's centroid and 0.9 x the best
cosine with one of its first members — when that clears THRESHOLD; otherwise
it starts a story. Stories whose last article is more than WINDOW_DAYS older
accept no more. Where the state lives (memory, SQLite) is the caller's choice;
`prime` warms the document frequencies up on unrelated articles.
"""
from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from storyline.cluster import features

THRESHOLD = 0.17
MEMBER_WEIGHT = 0.9
QUERY_TERMS = 15  # article terms looked up in the index
INDEX_TERMS = 25  # terms a story is indexed under, per indexed member
INDEXED_MEMBERS = 3
POSTING_CAP = 500  # most recent stories read per index term
CANDIDATES = 20  # stories scored exactly
CENTROID_TERMS = 200
MEMBERS_KEPT = 5
WINDOW_DAYS = 7.0


@dataclass
class Story:
    id: int | None = None
    centroid: dict[str, float] = field(default_factory=dict)
    members: list[tuple[str, dict[str, float]]] = field(default_factory=list)  # (article key, vector)
    size: int = 0
    last_day: float | None = None

    def add(self, key: str, vec: dict[str, float], day: float | None) -> None:
        c = self.centroid
        for f, v in vec.items():
            c[f] = c.get(f, 0.0) + v
        if len(c) > CENTROID_TERMS:
            self.centroid = dict(heapq.nlargest(CENTROID_TERMS, c.items(), key=lambda kv: kv[1]))
        if len(self.members) < MEMBERS_KEPT:
            self.members.append((key, vec))
        self.size += 1
        if day is not None:
            self.last_day = max(day, self.last_day or day)

    def score(self, vec: dict[str, float]) -> float:
        norm = math.sqrt(sum(v * v for v in self.centroid.values())) or 1.0
        to_centroid = features.dot(vec, self.centroid) / norm
        to_member = max((features.dot(vec, m) for _, m in self.members), default=0.0)
        return max(to_centroid, MEMBER_WEIGHT * to_member)

    def representative(self) -> str | None:
        """The member closest to the centroid: its headline names the story."""
        if not self.members:
            return None
        return max(self.members, key=lambda m: features.dot(m[1], self.centroid))[0]


class State(Protocol):
    def n_docs(self) -> int: ...
    def df(self, terms: list[str]) -> dict[str, int]: ...
    def count(self, terms: list[str]) -> None: ...
    def candidates(self, query: list[tuple[str, float]]) -> list[int]: ...
    def load(self, story_id: int) -> Story: ...
    def save(self, story: Story) -> int: ...
    def index(self, story_id: int, terms: list[str]) -> None: ...


class MemoryState:
    def __init__(self) -> None:
        self.docs = 0
        self.doc_freq: dict[str, int] = defaultdict(int)
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.stories: list[Story] = []

    def n_docs(self) -> int:
        return self.docs

    def df(self, terms: list[str]) -> dict[str, int]:
        return {t: self.doc_freq.get(t, 0) for t in terms}

    def count(self, terms: list[str]) -> None:
        self.docs += 1
        for t in terms:
            self.doc_freq[t] += 1

    def candidates(self, query: list[tuple[str, float]]) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        for term, weight in query:
            for sid in self.postings.get(term, ())[-POSTING_CAP:]:
                acc[sid] += weight
        return [sid for sid, _ in heapq.nlargest(CANDIDATES, acc.items(), key=lambda kv: kv[1])]

    def load(self, story_id: int) -> Story:
        return self.stories[story_id]

    def save(self, story: Story) -> int:
        if story.id is None:
            story.id = len(self.stories)
            self.stories.append(story)
        return story.id

    def index(self, story_id: int, terms: list[str]) -> None:
        for t in terms:
            post = self.postings[t]
            if story_id not in post[-POSTING_CAP:]:
                post.append(story_id)


class StoryClusterer:
    def __init__(self, state: State | None = None):
        self.state = state or MemoryState()

    def prime(self, texts) -> None:
        """Warm the document frequencies up on articles that are not clustered
        (an archive's worth of unrelated news), so that idf is meaningful from
        the first article on."""
        for text in texts:
            self.state.count(list(features.article_terms(text)[0].tf))

    def add(self, key: str, text: str, title: str | None = None,
            published: str | None = None) -> int | None:
        """The story the article joins (maybe a new one), or None for a not-article."""
        placed = self.place(key, text, title, published)
        return placed[0]

    def place(self, key: str, text: str, title: str | None = None,
              published: str | None = None) -> tuple[int | None, str | None]:
        """(story id, None) or (None, why it is not an article)."""
        t, reason = features.article_terms(text, title)
        if reason:
            return None, reason
        state = self.state
        vec = features.vector(t, state.n_docs(), state.df(list(t.tf)))
        day = features.day_number(published)
        best = self._best(vec, day)
        state.count(list(t.tf))  # frequencies learn from the article after deciding on it
        return self._join(best, key, vec, day), None

    def place_vector(self, key: str, vec: dict[str, float], day: float | None) -> int:
        """Place an article whose vector is already weighted (a batch weighs
        every article by the whole input's frequencies): the story it joins."""
        return self._join(self._best(vec, day), key, vec, day)

    def _best(self, vec: dict[str, float], day: float | None) -> tuple[Story | None, float]:
        query = heapq.nlargest(QUERY_TERMS, vec.items(), key=lambda kv: kv[1])
        best, best_score = None, 0.0
        for sid in self.state.candidates(query):
            story = self.state.load(sid)
            if day is not None and story.last_day is not None and abs(day - story.last_day) > WINDOW_DAYS:
                continue
            s = story.score(vec)
            if s > best_score:
                best, best_score = story, s
        return best, best_score

    def _join(self, found: tuple[Story | None, float], key: str, vec: dict[str, float], day: float | None) -> int:
        best, best_score = found
        if best is None or best_score < THRESHOLD:
            best = Story()
        best.add(key, vec, day)
        sid = self.state.save(best)
        if best.size <= INDEXED_MEMBERS:
            self.state.index(sid, [f for f, _ in heapq.nlargest(INDEX_TERMS, vec.items(), key=lambda kv: kv[1])])
        return sid
