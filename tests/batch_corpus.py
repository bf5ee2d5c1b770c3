"""A generated news corpus in the three forms `storyline batch` reads, with its
gold stories and near-copies, for the batch tests and bench/batch.

`build(folder, articles=300, seed=7)` writes
    news.jsonl        JSONL lines, some with text and some with a page's HTML
    pages/            HTML pages in a folder per outlet, and two .txt files
    crawl.warc.gz     warcinfo, request and response records (some bodies gzip-
                      or chunk-encoded, one in ISO-8859-1, one text/plain) and
                      records that must give no item: a 404, a revisit, an image,
                      a redirect, a stylesheet, a metadata record
    cut.warc.gz       three whole responses, then one cut short
and hostile items: bad JSON, a line that is not an object, a field that is a
number, a line with only a URL, a line with none of url/html/text, a binary
file, an empty file, the cut record; and hidden files that must not be read.

Stories, people, places and fact sentences come from the web benchmark's
generator (bench/web/generate.py); each article adds sentences of its own, so
every text is 150 words or more and unique, except the deliberate near-copies:
the same text under another outlet's headline, or the same text with one
sentence added. Every article has a `key`: its URL, or the path of a text file
(which carries none). Items are labelled as `read_chunk` labels them
("news.jsonl:12", "crawl.warc.gz@1234", a file's path).
"""
from __future__ import annotations

import gzip
import html
import io
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.storage.corpus import FILLER
from bench.web.generate import START, make_story, outlet_host, outlet_names, story_sizes

MIN_WORDS = 160  # comfortably past the 150 the tests promise
TEXT_FILES = 2
CUT_WARC_ARTICLES = 3
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@dataclass
class GoldArticle:
    key: str  # the article's URL, or for a text file its path
    source: str  # the label read_chunk gives the item
    url: str | None
    story: int
    outlet: str
    title: str
    author: str
    published: str
    paragraphs: list[str]
    form: str = ""  # "jsonl-text" | "jsonl-html" | "html-file" | "text-file" | "warc"
    dated: bool = True  # False for text without metadata: a .txt file, a text/plain response
    copy_of: str | None = None  # the key of the article this one near-copies
    copy_kind: str | None = None  # "same-text" (another headline) | "added-sentence"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class GoldFailure:
    source: str
    reason: str  # a fragment of the recorded reason
    stage: str  # "read" (read_chunk gives a Failure) or "extract" (the item fails extraction)


@dataclass
class Corpus:
    folder: Path
    jsonl: Path
    pages: Path
    warc: Path
    cut_warc: Path
    articles: list[GoldArticle] = field(default_factory=list)
    failures: list[GoldFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # WARC records that give no item and no failure
    hidden: list[Path] = field(default_factory=list)  # files a folder walk must not read

    @property
    def inputs(self) -> list[str]:
        return [str(self.jsonl), str(self.pages), str(self.warc), str(self.cut_warc)]

    def story_of(self) -> dict[str, int]:
        return {a.key: a.story for a in self.articles}

    def stories(self) -> list[list[str]]:
        grouped: dict[int, list[str]] = {}
        for article in self.articles:
            grouped.setdefault(article.story, []).append(article.key)
        return list(grouped.values())

    def near_copies(self) -> list[tuple[str, str, str]]:
        """(original key, copy key, "same-text" | "added-sentence")."""
        return [(a.copy_of, a.key, a.copy_kind) for a in self.articles if a.copy_of]

    def by_source(self) -> dict[str, GoldArticle]:
        return {a.source: a for a in self.articles}


def build(folder: str | Path, articles: int = 300, seed: int = 7, per_story: int = 6) -> Corpus:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty: a corpus is built in a new folder")
    rng = random.Random(seed)
    corpus = Corpus(folder, folder / "news.jsonl", folder / "pages", folder / "crawl.warc.gz",
                    folder / "cut.warc.gz")
    made = _articles(rng, articles, per_story)
    # Articles that take part in no near-copy pair may be changed or lose their URL.
    paired = {a.copy_of for a in made} | {a.key for a in made if a.copy_of}
    plain = [a for a in made if a.key not in paired]
    text_files, cut = plain[:TEXT_FILES], plain[TEXT_FILES:TEXT_FILES + CUT_WARC_ARTICLES]
    latin, plain_text = plain[TEXT_FILES + CUT_WARC_ARTICLES:TEXT_FILES + CUT_WARC_ARTICLES + 2]
    forms = {"jsonl-text": [], "jsonl-html": [], "html-file": [], "warc": [latin, plain_text]}
    placed = {id(a) for a in text_files + cut + [latin, plain_text]}
    for article in made:
        if id(article) in placed:
            continue
        forms[rng.choices(list(forms), weights=[2, 2, 3, 3])[0]].append(article)
    _write_jsonl(corpus, forms["jsonl-text"], forms["jsonl-html"], rng)
    _write_pages(corpus, forms["html-file"], text_files)
    _write_warc(corpus, forms["warc"], rng)
    _write_cut_warc(corpus, cut, rng)
    corpus.articles = sorted(made, key=lambda a: a.published)
    return corpus


# -- the articles -------------------------------------------------------------------------


def _articles(rng: random.Random, count: int, per_story: int) -> list[GoldArticle]:
    """`count` articles in stories, a few of them near-copies of others, in publication order."""
    outlets = outlet_names(rng, 12)
    copies = max(2, count // 40)
    originals: list[GoldArticle] = []
    for number, size in enumerate(story_sizes(rng, count - copies, per_story)):
        story = make_story(rng)
        story["filler"] = [line.format(place=story["place"], noun=story["noun"]) for line in FILLER]
        day = START + timedelta(days=rng.uniform(0, 30))
        for _ in range(size):
            outlet = rng.choice(outlets)
            when = day + timedelta(hours=rng.uniform(0, 48))
            title = story["title"] if rng.random() < 0.3 else f"{story['title']}: {rng.choice(story['names'])} responds"
            originals.append(GoldArticle(
                key="", source="", url=_url(outlet, when, len(originals)), story=number, outlet=outlet,
                title=title, author=rng.choice(story["names"]), published=_iso(when),
                paragraphs=_paragraphs(rng, story, len(originals))))
    made = list(originals)
    for n, original in enumerate(rng.sample(originals, copies)):
        outlet = rng.choice([o for o in outlets if o != original.outlet])
        when = datetime.strptime(original.published, "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=rng.uniform(1, 6))
        copy = GoldArticle(key="", source="", url=_url(outlet, when, len(made)), story=original.story,
                           outlet=outlet, title=original.title, author=original.author,
                           published=_iso(when), paragraphs=list(original.paragraphs),
                           copy_of=original.url, copy_kind="same-text" if n % 2 == 0 else "added-sentence")
        if copy.copy_kind == "same-text":
            copy.title = f"{original.title}, {outlet} reports"
        else:
            copy.paragraphs[-1] += f" This report first appeared in the {original.outlet}."
        made.append(copy)
    made.sort(key=lambda a: a.published)
    for article in made:
        article.key = article.url
    return made


def _paragraphs(rng: random.Random, story: dict, k: int) -> list[str]:
    """The story's facts, two sentences of the article's own (numbered `k`, so
    no two texts are the same) and the story's filler, two sentences a paragraph."""
    facts = rng.sample(story["facts"], rng.randint(5, 7))
    names, place, noun = story["names"], story["place"], story["noun"]
    own = [f"{rng.choice(names)} added that the {noun} in {place} would be discussed again by "
           f"{rng.choice(['spring', 'summer', 'autumn', 'winter'])} (note {k}).",
           f"Reporters counted {rng.randint(3, 90)} questions about the {noun} at the briefing in {place}, "
           f"file {k} of the day."]
    filler = rng.sample(story["filler"], len(story["filler"]))
    sentences = facts[:2] + own[:1] + facts[2:] + own[1:] + filler[:4]
    for extra in filler[4:]:
        if sum(len(s.split()) for s in sentences) >= MIN_WORDS:
            break
        sentences.append(extra)
    return [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]


def _url(outlet: str, when: datetime, n: int) -> str:
    return f"https://{outlet_host(outlet)}/{when:%Y/%m/%d}/story-{n}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(article: GoldArticle) -> str:
    e = html.escape
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(article.title)} | {e(article.outlet)}</title>
<link rel="canonical" href="{e(article.url or '')}">
<meta property="og:site_name" content="{e(article.outlet)}">
<meta property="og:title" content="{e(article.title)}">
<meta name="author" content="{e(article.author)}">
<meta property="article:published_time" content="{article.published}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/world">World</a></nav></header>
<main><article><h1>{e(article.title)}</h1>
<p class="byline">By {e(article.author)}</p>
{paragraphs}
</article></main>
<footer><p>Copyright {e(article.outlet)}. All rights reserved.</p><a href="/about">About us</a></footer>
</body></html>
"""


# -- the forms ------------------------------------------------------------------------------


def _write_jsonl(corpus: Corpus, texts: list[GoldArticle], pages: list[GoldArticle], rng: random.Random) -> None:
    entries = [(a, "jsonl-text") for a in texts] + [(a, "jsonl-html") for a in pages]
    entries.sort(key=lambda entry: entry[0].published)
    hostile = [
        ('{"title": "A line cut short", "text": "broken', "bad JSON line"),
        ("[1, 2, 3]", "bad JSON line: a list, not an object"),
        ('{"title": "Numbers", "text": 42}', "text is a number, not a string"),
        ('{"url": "https://elsewhere.example/only-a-link"}', "batch inputs are not fetched"),
        ('{"title": "Nothing to read"}', 'a batch line needs "url", "html" or "text"'),
    ]
    slots = sorted(rng.sample(range(len(entries) + 1), len(hostile)))
    lines: list[str] = []
    for i, entry in enumerate(entries + [None]):
        while slots and slots[0] == i:
            line, reason = hostile[len(hostile) - len(slots)]
            slots.pop(0)
            lines.append(line)
            corpus.failures.append(GoldFailure(f"{corpus.jsonl}:{len(lines)}", reason, "read"))
            lines.append("")  # a blank line: neither an item nor a failure
        if entry is None:
            break
        article, form = entry
        record = {"url": article.url, "outlet": article.outlet}
        if form == "jsonl-text":
            record.update(title=article.title, text=article.text, author=article.author,
                          published=article.published)
        else:
            record["html"] = _page(article)
        lines.append(json.dumps(record, ensure_ascii=False))
        article.form, article.source = form, f"{corpus.jsonl}:{len(lines)}"
    corpus.jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_pages(corpus: Corpus, pages: list[GoldArticle], text_files: list[GoldArticle]) -> None:
    for n, article in enumerate(pages):
        path = corpus.pages / article.outlet / f"{article.published[:10]}-{n}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(article), encoding="utf-8")
        article.form, article.source = "html-file", str(path)
    for n, article in enumerate(text_files):
        path = corpus.pages / article.outlet / f"note-{n}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{article.title}\n\n{article.text}\n", encoding="utf-8")
        article.form, article.source, article.url, article.key = "text-file", str(path), None, str(path)
        article.dated = False
    some_outlet = corpus.pages / (pages[0].outlet if pages else "Misc")
    some_outlet.mkdir(parents=True, exist_ok=True)
    (some_outlet / "photo.html").write_bytes(PNG)
    (some_outlet / "empty.html").write_bytes(b"")
    corpus.failures += [GoldFailure(str(some_outlet / "photo.html"), "a PNG image", "read"),
                        GoldFailure(str(some_outlet / "empty.html"), "empty", "extract")]
    drafts = corpus.pages / ".drafts"
    drafts.mkdir(exist_ok=True)
    (drafts / "draft.html").write_text(_page(pages[0]) if pages else "<html></html>", encoding="utf-8")
    (some_outlet / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    corpus.hidden += [drafts / "draft.html", some_outlet / ".DS_Store"]


class _Warc:
    """warcio's writer, with record ids and dates from the corpus (so a build
    with the same seed writes the same bytes) and every record's offset."""

    def __init__(self, stream, rng: random.Random):
        self.stream, self.rng = stream, rng
        self.writer = WARCWriter(stream, gzip=True)

    def write(self, uri: str | None, kind: str, payload: bytes, date: str, *, http: StatusAndHeaders | None = None,
              content_type: str = "", extra: dict | None = None) -> int:
        offset = self.stream.tell()
        headers = {"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128))}>"}
        headers.update(extra or {})
        record = self.writer.create_warc_record(uri, kind, payload=io.BytesIO(payload), http_headers=http,
                                                warc_content_type=content_type, warc_headers_dict=headers)
        self.writer.write_record(record)
        return offset

    def info(self, name: str) -> None:
        self.write(None, "warcinfo", f"software: storyline tests\r\nformat: WARC/1.0\r\nfilename: {name}\r\n".encode(),
                   _iso(START), content_type="application/warc-fields", extra={"WARC-Filename": name})

    def exchange(self, url: str, date: str, status: str, headers: list[tuple[str, str]], body: bytes) -> int:
        """A request and its response; the response's offset."""
        host = url.split("/")[2]
        self.write(url, "request", f"GET /{url.split('/', 3)[3]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode(), date,
                   content_type="application/http; msgtype=request")
        return self.write(url, "response", body, date, http=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))


def _write_warc(corpus: Corpus, articles: list[GoldArticle], rng: random.Random) -> None:
    with open(corpus.warc, "wb") as stream:
        out = _Warc(stream, rng)
        out.info(corpus.warc.name)
        for n, article in enumerate(articles):
            article.form = "warc"
            headers, body = [("Content-Type", "text/html; charset=utf-8")], _page(article).encode()
            if n == 0:  # an article in no near-copy pair (see build), in a legacy charset
                article.paragraphs[-1] += " The café on the square stayed open late."
                headers = [("Content-Type", "text/html; charset=ISO-8859-1")]
                body = _page(article).replace('<meta charset="utf-8">', "").encode("latin-1")
            elif n == 1:  # text/plain: no metadata, so the outlet is the site's domain
                headers, body = [("Content-Type", "text/plain")], f"{article.title}\n\n{article.text}\n".encode()
                article.outlet, article.dated = outlet_host(article.outlet), False
            elif n == 2:
                headers.append(("Content-Encoding", "gzip"))
                body = gzip.compress(body, mtime=0)
            elif n == 4:
                headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
                body = _chunked(gzip.compress(body, mtime=0))
            offset = out.exchange(article.url, article.published, "200 OK", headers, body)
            article.source = f"{corpus.warc}@{offset}"
            if n < len(_SKIPPED):
                corpus.skipped.append(f"{corpus.warc}@{_SKIPPED[n](out, article)}")


def _chunked(data: bytes, size: int = 700) -> bytes:
    pieces = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


# Records that must give no item and no failure, one written after each of the first articles.
_SKIPPED = [
    lambda out, a: out.exchange(a.url + "/missing", a.published, "404 Not Found",
                                [("Content-Type", "text/html")], b"<html><body><p>Not found</p></body></html>"),
    lambda out, a: out.write(a.url, "revisit", b"", a.published,
                             http=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
                             extra={"WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
                                    "WARC-Refers-To-Target-URI": a.url, "WARC-Payload-Digest": "sha1:AAAA"}),
    lambda out, a: out.exchange(a.url + ".png", a.published, "200 OK", [("Content-Type", "image/png")], PNG),
    lambda out, a: out.exchange(a.url + "/old", a.published, "301 Moved Permanently",
                                [("Location", a.url), ("Content-Type", "text/html")], b"<html>moved</html>"),
    lambda out, a: out.exchange(a.url + ".css", a.published, "200 OK", [("Content-Type", "text/css")],
                                b"body { color: black }"),
    lambda out, a: out.write(a.url, "metadata", b"outlinks: 12\r\n", a.published,
                             content_type="application/warc-fields"),
]


def _write_cut_warc(corpus: Corpus, articles: list[GoldArticle], rng: random.Random) -> None:
    """Whole responses, then one cut short halfway through its gzip member."""
    buffer = io.BytesIO()
    out = _Warc(buffer, rng)
    out.info(corpus.cut_warc.name)
    for article in articles:
        article.form = "warc"
        offset = out.exchange(article.url, article.published, "200 OK",
                              [("Content-Type", "text/html; charset=utf-8")], _page(article).encode())
        article.source = f"{corpus.cut_warc}@{offset}"
    last = articles[-1]
    offset = out.exchange(last.url + "/follow-up", last.published, "200 OK",
                          [("Content-Type", "text/html; charset=utf-8")], _page(last).encode())
    data = buffer.getvalue()
    corpus.cut_warc.write_bytes(data[:offset + (len(data) - offset) // 2])
    corpus.failures.append(GoldFailure(f"{corpus.cut_warc}@{offset}", "truncated WARC", "read"))
