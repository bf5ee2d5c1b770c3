"""What a document is about, as a sparse weighted vector: content words and
capitalised name phrases, weighted by (1 + ln tf) * idf^2, top terms only.
Also the not-article test: notices, players and archive pages are made of
boilerplate words."""
from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from storyline.extract import chrome

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
    """Plurals and possessives only: names must stay recognisable."""
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


TOP_K = 60  # features kept per document vector
ENT_BOOST = 1.6  # words seen capitalised mid-sentence
PHRASE_BOOST = 1.6  # multi-word capitalised phrases
IDF_POWER = 2.0
MIN_WORDS = 3  # fewer content words: not an article
BOILER_FRAC = 0.2  # share of boilerplate words among content words (and at least
BOILER_MIN = 3  # this many of them) ...
BOILER_MAX_WORDS = 250  # ... that makes a text this short a not-article
BOILER_PARA_WORDS = 60  # a paragraph this short, mostly boilerplate words, is dropped
SALVAGE_WORDS = 20  # content words left after dropping them that still make an article
KEEP_SHARE = 0.5  # an article is not cleaned below this share of its content words
ITEM_WORDS = 25  # a line that is not a sentence and no longer than this is a list item


@dataclass
class Terms:
    tf: Counter  # feature -> count; "@a b" features are name phrases
    names: set[str]  # words seen capitalised mid-sentence
    content: int  # content words
    boilerplate: int  # of which boilerplate words


def terms(text: str, title: str | None = None) -> Terms:
    if title:
        text = title + "\n" + text
    tf: Counter = Counter()
    names: set[str] = set()
    content = boiler = 0
    for line in text.split("\n"):
        words = [t for t in _WORD.findall(line) if t[0].isalpha()]
        if not words:
            continue
        headline = len(words) >= 3 and sum(1 for t in words if t[0].isupper()) >= 0.6 * len(words)
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
                boiler += st in BOILERPLATE or low in BOILERPLATE
                tf[st] += 1
            cap = _is_cap(tok) and low not in STOPWORDS
            if cap and not headline and not at_start:
                names.add(st)
            if cap and not headline:
                run.append(st)
            else:
                if len(run) >= 2:
                    tf["@" + " ".join(run)] += 1
                run = []
        if len(run) >= 2:
            tf["@" + " ".join(run)] += 1
    return Terms(tf, names, content, boiler)


def _merge(parts: list[Terms]) -> Terms:
    tf: Counter = Counter()
    names: set[str] = set()
    for p in parts:
        tf.update(p.tf)
        names |= p.names
    return Terms(tf, names, sum(p.content for p in parts), sum(p.boilerplate for p in parts))


def _boilerplate_paragraph(t: Terms) -> bool:
    return t.content <= BOILER_PARA_WORDS and t.boilerplate >= max(2, BOILER_FRAC * t.content)


def article_terms(text: str, title: str | None = None) -> tuple[Terms, str | None]:
    """(terms of the article's text, None) or (_, why it is not an article).

    Paragraphs made of boilerplate words (sign-up boxes, archive and player
    notices, cookie banners) are dropped before the terms are counted, so scrape
    junk neither dilutes a real article's vector nor hides a real report: a
    page is a not-article when, without them, too little text is left."""
    paras = chrome.paragraphs(text)
    head = [terms(title)] if title else []
    parts = [terms(p) for p in paras]
    keep = [not _boilerplate_paragraph(p) for p in parts]
    whole = _merge(head + parts)
    t = _merge(head + [p for p, k in zip(parts, keep) if k]) if not all(keep) else whole
    reason = not_article_reason(whole) or _listing(paras)
    if reason is None:
        # An article about, say, Twitter accounts is made of "boilerplate" words:
        # cleaning may trim it, not gut it.
        return (t if t.content >= KEEP_SHARE * whole.content else whole), None
    if t.content >= SALVAGE_WORDS and not not_article_reason(t) and not _listing([p for p, k in zip(paras, keep) if k]):
        return t, None  # junk around a real paragraph or more: placed on what is left
    return t, reason


def not_article_reason(t: Terms) -> str | None:
    if t.content < MIN_WORDS:
        return "almost no text"
    if t.content <= BOILER_MAX_WORDS and t.boilerplate >= max(BOILER_MIN, BOILER_FRAC * t.content):
        return "a site notice (cookies, sign-up, player, archive), not a news article"
    return None


def listing_reason(text: str) -> str | None:
    """Index and section pages: mostly list items and lines that are not sentences."""
    return _listing(chrome.paragraphs(text))


def _listing(paras: list[str]) -> str | None:
    if len(paras) < 6:
        return None
    items = [p for p in paras if p.startswith(("- ", "• ", "* "))
             or (not chrome.is_sentence(p) and len(p.split()) <= ITEM_WORDS)]
    item_words = sum(len(p.split()) for p in items)
    if len(items) >= 0.6 * len(paras) and item_words >= 0.7 * sum(len(p.split()) for p in paras):
        return "a list of headlines or links (an index page), not an article"
    return None


# Documents assumed seen before the first one, none holding any term: with
# only a handful of articles stored, a term two of them share is not "common".
PRIOR_DOCS = 30


def idf(n_docs: int, df: int) -> float:
    return math.log((n_docs + PRIOR_DOCS + 1) / (df + 1)) + 1.0


def vector(t: Terms, n_docs: int, df: dict[str, int]) -> dict[str, float]:
    """L2-normalised weights of the TOP_K heaviest features."""
    weights = {}
    for f, n in t.tf.items():
        x = (1.0 + math.log(n)) * idf(n_docs, df.get(f, 0)) ** IDF_POWER
        if f[0] == "@":
            x *= PHRASE_BOOST
        elif f in t.names:
            x *= ENT_BOOST
        weights[f] = x
    top = heapq.nlargest(TOP_K, weights.items(), key=lambda kv: kv[1])
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {f: v / norm for f, v in top}


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def day_number(published: str | None) -> float | None:
    """Days since year 1 for an ISO date, for time windows."""
    if not published:
        return None
    m = _DATE.search(published)
    if not m:
        return None
    try:
        return float(datetime(int(m[1]), int(m[2]), int(m[3])).toordinal())
    except ValueError:
        return None
