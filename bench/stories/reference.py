"""Reference incremental story clusterer (pure Python, standard library only; written to be
ported into storyline/cluster/).

One document at a time: ``StoryClusterer().add(doc_id, text, title=None, published=None)``
returns the id of the story the document joins (a new one if nothing is close enough), or None
for a not-article (cookie/Twitter/archive notices, player errors, sign-up forms, near-empty text:
fewer than MIN_WORDS content words, or at most BOILER_MAX_WORDS content words of which a share
>= BOILER_FRAC, and at least BOILER_MIN, are boilerplate words),
which is kept out of every story.

Per document (all bounded, independent of the archive size):
1. Features: lower-cased word tokens (stop words out, light plural/possessive stemming) and
   entity phrases (runs of >= 2 capitalised tokens, sentence-initial and Title-Case headline
   words excepted). Weight = (1 + ln tf) * idf ** IDF_POWER; words seen capitalised
   mid-sentence times ENT_BOOST, phrases times PHRASE_BOOST. Only the TOP_K heaviest features
   are kept; the vector is L2-normalised.
2. IDF from online document frequencies: ln((N + 1) / (df + 1)) + 1, N and df counted over the
   documents seen so far (optionally warmed up with ``prime(texts)`` on unrelated articles).
3. Candidates: an inverted index feature -> story ids, fed with each story's index features
   (the top INDEX_TERMS features of its first INDEXED_MEMBERS documents). The new document
   looks up its QUERY_TERMS heaviest features, reads at most POSTING_CAP most recent story ids per posting, ranks
   stories by summed query weights and keeps the best CANDIDATES.
4. Score against each candidate: cosine with the story centroid (sum of member vectors, pruned
   to CENTROID_TERMS features), and max cosine with its kept members (the first MEMBERS_KEPT);
   score = max(centroid_cos, member_cos * MEMBER_WEIGHT). Join the best story when
   score >= THRESHOLD (raised for short documents only if LEN_EXP > 0; off by default), else
   start a new one. Document frequencies are updated after the decision.
5. Time: when ``published`` is given (ISO date), stories whose last document is more than
   WINDOW_DAYS older are not candidates.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from datetime import datetime

STOPWORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anyhow anyone anything anyway anywhere are around as at
be became because become becomes becoming been before beforehand behind being below beside besides
between beyond both but by can cannot could did do does doing done down during each eg either else
elsewhere enough etc even ever every everyone everything everywhere except few for former formerly
from further had has have having he hence her here hereafter hereby herein hereupon hers herself him
himself his how however i ie if in indeed into is it its itself just last latter latterly least less
ltd made many may me meanwhile might mine more moreover most mostly much must my myself namely
neither never nevertheless next no nobody none noone nor not nothing now nowhere of off often on
once one only onto or other others otherwise our ours ourselves out over own per perhaps please
rather re s same say says said see seem seemed seeming seems several she should since so some
somehow someone something sometime sometimes somewhere still such t than that the their theirs them
themselves then thence there thereafter thereby therefore therein thereupon these they this those
though through throughout thru thus to together too toward towards under until up upon us very via
was we well were what whatever when whence whenever where whereafter whereas whereby wherein
whereupon wherever whether which while whither who whoever whole whom whose why will with within
without would yet you your yours yourself yourselves also told new like get got go going just year
years time way mr mrs ms dr day days week weeks two three first second people make can't don't
it's i'm he's she's that's there's they're we're you're isn't wasn't won't didn't doesn't
""".split())

# Words that make a text a not-article when they dominate it (notices, players, archives).
BOILERPLATE = frozenset("""
javascript cookie cookies browser browsers tweet tweets twitter location subscribe subscription
newsletter newsletters sign signup login log email emails inbox click privacy terms policy
crawl crawls crawled archive archived wayback alexa embargo warc seed seedlist domain domains
rating rented video videos playback unsupported device feature available try later enable enabled
disabled adblock blocker ad ads advertisement loading loaded transcript interactive contact
details form mailing updates notifications alerts account password settings app download
copyright reserved rights url urls link links page pages website site web
""".split())

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&\-]*(?:'[A-Za-z]+)?")
_SENT_END = re.compile(r"[.!?:;\"“”()\[\]]|\n")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _stem(w: str) -> str:
    if w.endswith("'s"):
        w = w[:-2]
    elif "'" in w:
        w = w.split("'")[0]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _is_cap(tok: str) -> bool:
    return tok[0].isupper() and not tok.isdigit()


class StoryClusterer:
    # ---- the one setting used for every dataset -------------------------------------------
    TOP_K = 60             # features kept per document vector
    ENT_BOOST = 1.6        # words seen capitalised mid-sentence
    PHRASE_BOOST = 1.6     # multi-word capitalised phrases
    QUERY_TERMS = 15       # document features looked up in the inverted index
    INDEX_TERMS = 25       # features a story is indexed under (per indexed member)
    INDEXED_MEMBERS = 3    # members whose top features feed the index
    POSTING_CAP = 500      # most recent stories read per posting
    CANDIDATES = 20        # stories scored exactly
    CENTROID_TERMS = 200   # features kept in a centroid
    MEMBERS_KEPT = 5       # member vectors kept per story for the max-link score
    MEMBER_WEIGHT = 0.9
    THRESHOLD = 0.17       # for a document with >= REF_TERMS features
    REF_TERMS = 60         # shorter documents need more: THRESHOLD * (REF_TERMS / n) ** LEN_EXP
    LEN_EXP = 0.0
    IDF_POWER = 2.0        # weight = (1 + ln tf) * idf ** IDF_POWER
    SCORE = "max"          # "max" | "centroid" | "members" | "avg"
    WINDOW_DAYS = 7.0
    MIN_WORDS = 3          # fewer content words: not an article
    BOILER_FRAC = 0.2      # share of boilerplate words among content words (and at least
    BOILER_MIN = 3         # this many of them) ...
    BOILER_MAX_WORDS = 250  # ... that flags a text this short as a not-article

    def __init__(self, **settings):
        for k, v in settings.items():
            if not hasattr(self, k.upper()):
                raise TypeError(f"unknown setting {k}")
            setattr(self, k.upper(), v)
        self.n_docs = 0
        self.df: Counter = Counter()
        self.index: dict[str, list[int]] = defaultdict(list)
        self.stories: list[_Story] = []
        self.story_of: dict[str, int | None] = {}

    # ---- IDF --------------------------------------------------------------------------------
    def prime(self, texts) -> None:
        """Warm document frequencies up with unrelated articles (no clustering)."""
        for t in texts:
            feats = self._features(t)[0]
            self.df.update(feats.keys())
            self.n_docs += 1

    def _idf(self, f: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(f, 0) + 1)) + 1.0

    # ---- features ---------------------------------------------------------------------------
    def _features(self, text: str, title: str | None = None):
        """(feature -> tf, entity-ish word set, content-word count, boilerplate-word count)."""
        if title:
            text = title + "\n" + text
        tf: Counter = Counter()
        ents: set[str] = set()
        content = boiler = 0
        for line in text.split("\n"):
            toks = _WORD.findall(line)
            if not toks:
                continue
            words = [t for t in toks if t[0].isalpha()]
            caps = sum(1 for t in words if t[0].isupper())
            headline = len(words) >= 3 and caps >= 0.6 * len(words)
            run: list[str] = []
            prev_end = -1
            for m in _WORD.finditer(line):
                tok = m.group()
                low = tok.lower()
                st = _stem(low)
                at_start = prev_end < 0 or _SENT_END.search(line, prev_end, m.start()) is not None
                prev_end = m.end()
                if low not in STOPWORDS and st not in STOPWORDS and len(st) > 1:
                    content += 1
                    if st in BOILERPLATE or low in BOILERPLATE:
                        boiler += 1
                    tf[st] += 1
                cap = _is_cap(tok) and low not in STOPWORDS
                if cap and not headline and not at_start:
                    ents.add(st)
                if cap and not headline:
                    run.append(st)
                else:
                    if len(run) >= 2:
                        tf["@" + " ".join(run)] += 1
                    run = []
            if len(run) >= 2:
                tf["@" + " ".join(run)] += 1
        return tf, ents, content, boiler

    def is_article(self, content: int, boiler: int) -> bool:
        if content < self.MIN_WORDS:
            return False
        if content <= self.BOILER_MAX_WORDS and boiler >= max(self.BOILER_MIN, self.BOILER_FRAC * content):
            return False
        return True

    def _vector(self, tf: Counter, ents: set[str]) -> dict[str, float]:
        w = {}
        for f, n in tf.items():
            x = (1.0 + math.log(n)) * self._idf(f) ** self.IDF_POWER
            if f[0] == "@":
                x *= self.PHRASE_BOOST
            elif f in ents:
                x *= self.ENT_BOOST
            w[f] = x
        top = heapq.nlargest(self.TOP_K, w.items(), key=lambda kv: kv[1])
        norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
        return {f: v / norm for f, v in top}

    # ---- clustering -------------------------------------------------------------------------
    def add(self, doc_id: str, text: str, title: str | None = None, published: str | None = None):
        tf, ents, content, boiler = self._features(text, title)
        if not self.is_article(content, boiler):
            self.story_of[doc_id] = None
            return None
        day = _day(published)
        vec = self._vector(tf, ents)
        best, best_score = None, 0.0
        threshold = self.THRESHOLD * (self.REF_TERMS / max(1, min(len(vec), self.REF_TERMS))) ** self.LEN_EXP
        for sid in self._candidates(vec, day):
            s = self.stories[sid].score(vec, self.MEMBER_WEIGHT, self.SCORE)
            if s > best_score:
                best, best_score = sid, s
        # document frequencies are updated after the decision (what an online system knows)
        self.df.update(tf.keys())
        self.n_docs += 1
        if best is None or best_score < threshold:
            best = len(self.stories)
            self.stories.append(_Story(best))
        story = self.stories[best]
        story.add(vec, day, self.CENTROID_TERMS, self.MEMBERS_KEPT)
        if story.size <= self.INDEXED_MEMBERS:
            for f, _ in heapq.nlargest(self.INDEX_TERMS, vec.items(), key=lambda kv: kv[1]):
                post = self.index[f]
                if not post or post[-1] != best:
                    if best in post[-self.POSTING_CAP:]:
                        continue
                    post.append(best)
        self.story_of[doc_id] = best
        return best

    def _candidates(self, vec: dict[str, float], day: float | None) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        for f, w in heapq.nlargest(self.QUERY_TERMS, vec.items(), key=lambda kv: kv[1]):
            post = self.index.get(f)
            if not post:
                continue
            for sid in post[-self.POSTING_CAP:]:
                acc[sid] += w
        cands = heapq.nlargest(self.CANDIDATES, acc.items(), key=lambda kv: kv[1])
        out = []
        for sid, _ in cands:
            st = self.stories[sid]
            if day is not None and st.last_day is not None and day - st.last_day > self.WINDOW_DAYS:
                continue
            out.append(sid)
        return out


class _Story:
    __slots__ = ("id", "centroid", "norm", "members", "size", "last_day")

    def __init__(self, sid: int):
        self.id = sid
        self.centroid: dict[str, float] = {}
        self.norm = 0.0
        self.members: list[dict[str, float]] = []
        self.size = 0
        self.last_day: float | None = None

    def add(self, vec, day, centroid_terms: int, members_kept: int) -> None:
        c = self.centroid
        for f, v in vec.items():
            c[f] = c.get(f, 0.0) + v
        if len(c) > centroid_terms:
            c = dict(heapq.nlargest(centroid_terms, c.items(), key=lambda kv: kv[1]))
        self.centroid = c
        self.norm = math.sqrt(sum(v * v for v in c.values())) or 1.0
        if len(self.members) < members_kept:
            self.members.append(vec)
        self.size += 1
        if day is not None:
            self.last_day = max(day, self.last_day or day)

    def score(self, vec, member_weight: float, mode: str = "max") -> float:
        c = self.centroid
        cos_c = sum(v * c.get(f, 0.0) for f, v in vec.items()) / self.norm
        if mode == "centroid":
            return cos_c
        sims = [sum(v * m.get(f, 0.0) for f, v in vec.items()) for m in self.members]
        if mode == "avg":
            return sum(sims) / len(sims)
        if mode == "members":
            return max(sims)
        return max(cos_c, member_weight * max(sims))


def _day(published: str | None) -> float | None:
    if not published:
        return None
    m = _DATE.search(published)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3])).toordinal()
    except ValueError:
        return None
