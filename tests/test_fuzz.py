"""Property-based fuzzing of everything hostile input reaches (issue 10):
feed parsing (RSS/Atom/RDF, JSON Feed), OPML, HTML and text extraction, and
whole ingestion batches over a real SQLite file.

The properties: the parsing functions raise nothing but their documented
error (FeedError, ExtractionError); Ingestor.add raises nothing at all, its
report accounts for every item as added, duplicate or failed (each failure one
readable line), and a good item placed after bad ones is still stored.

The strategies are module-level functions and each property is a plain
function (`*_holds`), so a benchmark can drive them outside pytest. Runs are
reproducible (derandomized, no example database) and bounded: the whole file
takes well under a minute.
"""
from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from storyline.config import FetchSettings
from storyline.extract import ExtractionError, extract_document, extract_html, extract_text
from storyline.feeds import FeedError, parse_feed, parse_json_feed, parse_opml, sniff
from storyline.ingest import Ingestor
from storyline.model import Extracted, FeedEntry, ParsedFeed
from storyline.storage import Store
from tests.pages import story_paragraphs

# No example database (database=None below), and Hypothesis's other caches go
# to the temporary folder: a run writes nothing into the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "storyline-hypothesis")

# -- strategies ----------------------------------------------------------------------------

HOSTILE_CHARS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1b[2J", "\x7f", "\x85", "\x9b",
                 "\ud800", "\udfff", "\ufffe", "\uffff", "\u2028", "\u2029", "\u202e", "\r\n", "\r", "\t",
                 "<", ">", "&", '"', "'", "]]>", "<![CDATA[", "&lol;", "&#0;", "&#x1b;", "&#xD800;",
                 "&#1114112;", "&amp;", "&nbsp;", "[/x]", "[link=http://e.example]", "%00", "\\", " "]

BAD_URLS = ["http://x.example:99999/a", "http://[::1/a", "http://[zz]/", "http://[v1.x]/", "http://host:-1/",
            "http://host:abc/", "http://127.0.0.1:65536/", "https://x.example: 80/", "http://", "http:///p",
            "http://a b/", "http://\x00/", "http://\u2100.example/", "http://[::1]:99999/", "//[zz]/p",
            "javascript:alert(1)", "file:///etc/passwd", "/relative/path", "", " ", "http://" + "a" * 9000 + "/"]

CHARSETS = ["utf-8", "utf-16", "cp1252", "latin-1", "shift_jis", "rot13", "zlib", "base64", "utf-7",
            "punycode", "unicode_escape", "x-no-such", ""]

HTML_BITS = ["<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<style>", "<!--", "-->",
             "<a href='", "'>", "</a>", "<?xml version='1.0'?>", "<svg><g>", "<table><tr><td>", "<li>",
             "<h1>", "</h1>", "<meta charset='zlib'>", "<base href='http://[::1/'>",
             "<link rel='canonical' href='http://x.example:99999/'>", "<html lang='\x1b'>", "<article>"]

WORDS = ["the", "council", "said", "on", "Tuesday", "that", "harbour", "repairs", "would", "continue", "."]


def hostile_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any text, with a strong bias to what breaks parsers: controls, lone
    surrogates, markup and entity syntax, terminal escapes."""
    return st.lists(st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS), st.sampled_from(WORDS)),
                    max_size=max_size).map("".join)


def hostile_urls() -> st.SearchStrategy[str]:
    """Malformed and odd addresses (bad ports, broken IPv6 literals, schemes that are not http)."""
    built = st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
        st.sampled_from(["http", "https", "HTTP", "ftp", "feed"]),
        st.one_of(st.sampled_from(["x.example", "127.0.0.1", "[::1]", "[::1", "[zz]", "", "a b", "[fe80::1%25x]"]),
                  hostile_text(8)),
        st.one_of(st.just(""), st.integers(-10, 10**6).map(lambda p: f":{p}"), hostile_text(4).map(":{}".format)),
        hostile_text(8),
    )
    return st.one_of(st.sampled_from(BAD_URLS), built)


def json_values(max_leaves: int = 8) -> st.SearchStrategy:
    """Any JSON value: every type in every position."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text(), hostile_urls())
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(hostile_text(6), inner, max_size=3)),
                        max_leaves=max_leaves)


def html_fragments(max_size: int = 25) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(hostile_text(10), st.sampled_from(HTML_BITS), st.sampled_from(WORDS)),
                    max_size=max_size).map("".join)


def deeply_nested_json(depths=(900, 5_000, 100_000)) -> st.SearchStrategy[str]:
    """JSON nested past the parser's recursion limit (or just under it)."""
    return st.builds(lambda depth, opener: (opener * depth) + "1" + ("]" if opener == "[" else "}") * depth,
                     st.sampled_from(depths), st.sampled_from(["[", '{"a":']))


JSON_FEED_FIELDS = ("id", "url", "external_url", "title", "content_html", "content_text", "summary",
                    "date_published", "date_modified", "author", "authors", "image", "tags")


def json_feed_items() -> st.SearchStrategy[dict]:
    """Items whose every field may be of any JSON type (content and urls also hostile strings)."""
    special = {"url": st.one_of(hostile_urls(), json_values(3)),
               "content_html": st.one_of(html_fragments(), json_values(3)),
               "content_text": st.one_of(hostile_text(), json_values(3))}
    return st.fixed_dictionaries({}, optional={key: special.get(key, json_values(4)) for key in JSON_FEED_FIELDS})


def json_feed_documents(good: dict | None = None) -> st.SearchStrategy[bytes]:
    """A JSON Feed of hostile items (and non-objects among them), `good` last if given."""
    def build(title, items, nested):
        items = items + ([good] if good else [])
        if nested is not None:
            items.insert(0, "NESTED")
        text = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items})
        return text.replace('"NESTED"', nested or "null").encode()
    return st.builds(build, json_values(3),
                     st.lists(st.one_of(json_feed_items(), json_values(3)), max_size=5),
                     st.one_of(st.none(), deeply_nested_json()))


@st.composite
def xml_feed_documents(draw, well_formed: bool = False) -> bytes:
    """RSS 2.0, Atom or RSS 1.0 with hostile text in every element, raw or
    escaped, an optional entity-expansion DOCTYPE and any declared encoding."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    escaped = well_formed or draw(st.booleans())

    def text() -> str:
        value = draw(hostile_text())
        return xml_escape(value) if escaped else value

    def link() -> str:
        value = draw(hostile_urls())
        return xml_escape(value) if escaped else value

    items = []
    for _ in range(draw(st.integers(0, 4))):
        content = draw(html_fragments())
        body = f"<![CDATA[{content}]]>" if draw(st.booleans()) else xml_escape(content)
        if kind == "atom":
            items.append(f"<entry><title>{text()}</title><link href={quoteattr(draw(hostile_urls()))}/>"
                         f"<id>{text()}</id><updated>{text()}</updated><content type='html'>{body}</content></entry>")
        else:
            items.append(f"<item><title>{text()}</title><link>{link()}</link><pubDate>{text()}</pubDate>"
                         f"<description>{body}</description><author>{text()}</author></item>")
    doctype = ""
    if not well_formed and draw(st.booleans()):
        doctype = ('<!DOCTYPE x [<!ENTITY a0 "lollollollol">' + "".join(
            f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 6)) + "]>")
        items.append(f"<item><title>&a5;</title><link>https://x.example/&a5;</link></item>")
    encoding = draw(st.sampled_from(CHARSETS))
    head = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    if kind == "atom":
        doc = f'{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>{text()}</title>{"".join(items)}</feed>'
    elif kind == "rdf":
        doc = (f'{doctype}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               f'xmlns="http://purl.org/rss/1.0/"><channel><title>{text()}</title></channel>{"".join(items)}</rdf:RDF>')
    else:
        doc = f'{doctype}<rss version="2.0"><channel><title>{text()}</title>{"".join(items)}</channel></rss>'
    codec = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return (head + doc).encode(codec, errors="replace" if codec == "cp1252" else "surrogatepass")


@st.composite
def opml_documents(draw) -> bytes:
    outlines = []
    for _ in range(draw(st.integers(0, 4))):
        url = draw(hostile_urls()) if draw(st.integers(0, 4)) else draw(hostile_text(10))
        attr = quoteattr(url) if draw(st.booleans()) else f'"{url}"'
        nested = "<outline text='x'>" * draw(st.integers(0, 3))
        outlines.append(f"{nested}<outline text={quoteattr(draw(hostile_text(8)))} xmlUrl={attr}/>"
                        + "</outline>" * nested.count("<outline"))
    doctype = draw(st.sampled_from(["", '<!DOCTYPE opml [<!ENTITY a "&a;">]>',
                                    '<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>']))
    return f'<?xml version="1.0"?>{doctype}<opml version="2.0"><body>{"".join(outlines)}</body></opml>'.encode(
        "utf-8", "surrogatepass")


@st.composite
def html_documents(draw, huge_attributes=(0, 10, 70_000), depths=(0, 10, 300, 3_000)) -> bytes:
    """Pages with control characters, odd and lying charsets, huge attributes and deep nesting."""
    charset = draw(st.sampled_from(CHARSETS))
    huge = "x" * draw(st.sampled_from(huge_attributes))
    depth = draw(st.sampled_from(depths))
    paragraphs = "".join(f"<p title='{huge}'>{draw(hostile_text())} {' '.join(WORDS * 3)}</p>"
                         for _ in range(draw(st.integers(0, 4))))
    page = (f"<!DOCTYPE html><html lang={quoteattr(draw(hostile_text(5)))}><head><meta charset='{charset}'>"
            f"<title>{draw(hostile_text())}</title>"
            f"<meta property='article:published_time' content={quoteattr(draw(hostile_text(8)))}>"
            f"<link rel='canonical' href={quoteattr(draw(hostile_urls()))}></head><body>"
            + "<div>" * depth + f"<article>{draw(html_fragments())}{paragraphs}</article>" + "</div>" * depth
            + "</body></html>")
    codec = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
    return page.encode(codec, errors="surrogatepass" if codec.startswith("utf") else "replace")


def text_documents(long_lines=(1, 1_000, 100_000)) -> st.SearchStrategy[bytes]:
    """Raw bytes, hostile text with invalid UTF-8 spliced in, and very long lines."""
    hostile = st.builds(lambda title, body, junk: (title + "\n\n" + body).encode("utf-8", "surrogatepass") + junk,
                        hostile_text(), hostile_text(200), st.binary(max_size=8))
    long_line = st.builds(lambda n, title: title.encode("utf-8", "surrogatepass") + b"\n\n" + b"word " * n,
                          st.sampled_from(long_lines), hostile_text(5))
    return st.one_of(st.binary(max_size=500), hostile, long_line)


def jsonl_lines() -> st.SearchStrategy[str]:
    """Batch lines: objects with the batch fields of any type, any JSON value, broken JSON, deep nesting."""
    fields = {key: st.one_of(json_values(3), hostile_text()) for key in
              ("url", "html", "text", "title", "outlet", "author", "published")}
    fields["url"] = st.one_of(hostile_urls(), json_values(3))
    fields["html"] = st.one_of(html_fragments(), json_values(3))
    record = st.fixed_dictionaries({}, optional=fields).map(json.dumps)
    broken = hostile_text(20).filter(lambda s: s.strip() and "\n" not in s)
    return st.one_of(record, json_values(4).map(json.dumps), broken, deeply_nested_json())


# -- properties ----------------------------------------------------------------------------------

def _is_text(value) -> bool:
    return value is None or isinstance(value, str)


def feed_parsing_holds(body: bytes) -> ParsedFeed | None:
    """parse_feed raises only FeedError, and what it returns is well-typed."""
    try:
        parsed = parse_feed(body)
    except FeedError as exc:
        assert str(exc)
        return None
    assert isinstance(parsed, ParsedFeed) and _is_text(parsed.title) and _is_text(parsed.site_url)
    for entry in parsed.entries:
        assert isinstance(entry, FeedEntry)
        assert all(_is_text(getattr(entry, f, None)) for f in ("title", "link", "guid", "published", "author",
                                                          "content_html", "summary_html", "error"))
    return parsed


def opml_parsing_holds(body: bytes) -> None:
    try:
        found = parse_opml(body)
    except FeedError as exc:
        assert str(exc)
        return
    assert found and all(isinstance(url, str) and url for url, _ in found)


def extraction_holds(body: bytes | str, kind: str = "html") -> Extracted | None:
    """extract_html / extract_document / extract_text raise only ExtractionError."""
    try:
        if kind == "text":
            extracted = extract_text(body)
        elif isinstance(body, bytes):
            extracted = extract_document(body, "html")
        else:
            extracted = extract_html(body)
    except ExtractionError as exc:
        assert str(exc)
        return None
    assert isinstance(extracted.text, str) and extracted.text.strip()
    return extracted


GOOD_FEED_ITEM = {"id": "good", "url": "https://good.example/feed-item", "title": "Good feed item",
                  "content_html": "".join(f"<p>{p}</p>" for p in story_paragraphs("the good feed item", 6))}
GOOD_LINE = json.dumps({"title": "Good batch line", "text": "\n\n".join(story_paragraphs("the good batch line"))})
GOOD_TEXT = "Good text file\n\n" + "\n\n".join(story_paragraphs("the good text file"))
GOOD_TITLES = {"Good feed item", "Good batch line", "Good text file"}


def _items_in(path: Path) -> int:
    """How many outcomes a file of the batch must produce (what add() should account for)."""
    body = path.read_bytes()
    if path.suffix == ".jsonl":
        return sum(1 for line in body.decode("utf-8", "replace").splitlines() if line.strip())
    if path.suffix == ".txt":
        return 1
    kind = sniff(body)
    try:
        if kind == "opml":
            return len(parse_opml(body))
        if kind in ("feed", "json-feed"):
            return len(parse_feed(body).entries) or 1
    except FeedError:
        return 1
    return 1


# Nothing may leave the machine, and private addresses (127.0.0.1 included) stay refused.
NO_NETWORK = FetchSettings(timeout=0.5, retries=0, allow_private=False, only_hosts=frozenset({"127.0.0.1"}))


def ingestion_holds(files: dict[str, bytes], workdir: Path) -> None:
    """A batch folder of hostile files (each good item last in its file, and a
    good file last): add() raises nothing, accounts for every item, records
    readable failures, and stores every good item."""
    folder = workdir / "batch"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "zz-good.txt").write_text(GOOD_TEXT)
    expected = sum(_items_in(p) for p in folder.iterdir())
    wanted = set(GOOD_TITLES)
    try:
        parse_feed((folder / "feed.json").read_bytes())
    except FeedError:  # a JSON document nothing can read loses its good item with it (a recorded failure)
        wanted.discard("Good feed item")
    with Store(workdir / "fuzz.db") as store, Ingestor(store, settings=NO_NETWORK) as ingestor:
        report = ingestor.add([str(folder)])
        titles = {row["title"] for row in store.list_articles(limit=1000)}
        failures = store.failures()
    assert report.added + report.duplicates + len(report.failed) == expected, report.as_json()
    assert wanted <= titles, (titles, report.as_json())
    assert len(failures) == len(report.failed)
    for failure in report.failed:
        assert failure.error and "\n" not in failure.error and len(failure.error) <= 500


# -- the tests -------------------------------------------------------------------------------------

def _bounded(examples: int, seconds: float = 5.0):
    return settings(max_examples=examples, deadline=timedelta(seconds=seconds), derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


@_bounded(150)
@given(st.one_of(xml_feed_documents(), st.binary(max_size=300), st.binary(max_size=50).map(lambda b: b"<rss>" + b)))
def test_feed_parsing_raises_only_feed_error(body):
    feed_parsing_holds(body)


@_bounded(250)
@given(st.one_of(json_feed_documents(), st.binary(max_size=200).map(lambda b: b'{"items": ' + b),
                 deeply_nested_json().map(lambda s: ('{"items": ' + s + "}").encode())))
def test_json_feed_raises_only_feed_error(body):
    parsed = feed_parsing_holds(body)
    if parsed is not None:
        direct = parse_json_feed(body)
        assert len(direct.entries) == len(parsed.entries)


@_bounded(250)
@given(st.one_of(opml_documents(), st.binary(max_size=200)))
def test_opml_raises_only_feed_error(body):
    opml_parsing_holds(body)


@_bounded(120)
@given(st.one_of(html_documents(), html_fragments().map(lambda s: "<html><body>" + s)))
def test_html_extraction_raises_only_extraction_error(body):
    extraction_holds(body)


@_bounded(200)
@given(text_documents())
def test_text_extraction_raises_only_extraction_error(body):
    extraction_holds(body, kind="text")


def sources_hold(sources: list[str], workdir: Path) -> None:
    """Command-line sources (URLs and nonsense): each is one readable failure."""
    with Store(workdir / "sources.db") as store, Ingestor(store, settings=NO_NETWORK) as ingestor:
        report = ingestor.add(sources)
    assert report.added == 0 and report.duplicates + len(report.failed) == len(sources), report.as_json()
    for failure in report.failed:
        assert failure.error and "\n" not in failure.error and len(failure.error) <= 500


def command_line_sources() -> st.SearchStrategy[str]:
    """What an operator may type: malformed URLs, and strings that name no file (never a real path)."""
    nonsense = st.sampled_from(["", " ", "not a url", "\x00", "~no-such-user/x", "http", "https:/x", "[::1]"])
    return st.one_of(hostile_urls().filter(lambda u: u.lower().startswith(("http://", "https://"))), nonsense)


@_bounded(60)
@given(st.lists(command_line_sources(), min_size=1, max_size=4))
def test_any_command_line_source_is_one_recorded_failure(sources):
    with tempfile.TemporaryDirectory() as tmp:
        sources_hold(sources, Path(tmp))


def hostile_files() -> st.SearchStrategy[tuple[str, bytes]]:
    """One hostile file of any kind Storyline reads, by name."""
    return st.one_of(
        json_feed_documents(good=GOOD_FEED_ITEM).map(lambda b: ("feed.json", b)),
        xml_feed_documents().map(lambda b: ("feed.xml", b)),
        st.lists(jsonl_lines(), max_size=4).map(
            lambda lines: ("batch.jsonl", "\n".join(lines + [GOOD_LINE]).encode("utf-8", "surrogatepass"))),
        text_documents(long_lines=(1, 1_000)).map(lambda b: ("notes.txt", b)),
        html_documents(huge_attributes=(0, 10), depths=(0, 10)).map(lambda b: ("page.html", b)),
        opml_documents().map(lambda b: ("subs.opml", b)),
    )


def one_file_holds(name: str, data: bytes, workdir: Path) -> None:
    """One hostile file, then a good one: add() accounts for both and keeps the good one."""
    folder = workdir / "one"
    folder.mkdir()
    (folder / name).write_bytes(data)
    (folder / "zz-good.txt").write_text(GOOD_TEXT)
    expected = _items_in(folder / name) + 1
    with Store(workdir / "one.db") as store, Ingestor(store, settings=NO_NETWORK) as ingestor:
        report = ingestor.add([str(folder)])
        titles = {row["title"] for row in store.list_articles(limit=1000)}
    assert report.added + report.duplicates + len(report.failed) == expected, report.as_json()
    assert "Good text file" in titles, report.as_json()
    for failure in report.failed:
        assert failure.error and "\n" not in failure.error and len(failure.error) <= 500


@_bounded(80, seconds=15.0)
@given(hostile_files())
def test_one_hostile_file_of_any_kind_never_ends_the_batch(named):
    with tempfile.TemporaryDirectory() as tmp:
        one_file_holds(*named, Path(tmp))


# Smaller documents than above: the heavy ones are covered there, this is about the batch.
@_bounded(40, seconds=15.0)
@given(json_feed=json_feed_documents(good=GOOD_FEED_ITEM), xml_feed=xml_feed_documents(well_formed=True),
       lines=st.lists(jsonl_lines(), max_size=5), text=text_documents(long_lines=(1, 1_000)),
       page=html_documents(huge_attributes=(0, 10), depths=(0, 10)), opml=opml_documents())
def test_a_hostile_batch_never_ends_and_keeps_its_good_items(json_feed, xml_feed, lines, text, page, opml):
    batch = "\n".join(lines + [GOOD_LINE]).encode("utf-8", "surrogatepass")
    files = {"feed.json": json_feed, "feed.xml": xml_feed, "batch.jsonl": batch, "notes.txt": text,
             "page.html": page, "subs.opml": opml}
    with tempfile.TemporaryDirectory() as tmp:
        ingestion_holds(files, Path(tmp))


_SENTENCE_WORDS = st.sampled_from(
    "the a not never no Kim Jong-un Jong Un 12 twelve 1,200 $1.2 million '90s 2016 Monday yesterday "
    "last year said told , ; : — ( ) and which while won lost police Smith U.S. , Reuters (AP) — ? . ".split())


@_bounded(120)
@given(st.text(max_size=120), st.lists(st.lists(_SENTENCE_WORDS, max_size=25).map(" ".join), max_size=4),
       st.lists(_SENTENCE_WORDS, max_size=25).map(" ".join))
def test_the_support_check_gives_a_verdict_for_any_text(noise, candidates, claim):
    from storyline.brief import support

    for text in (noise, claim):
        verdict = support.check(text, candidates + [noise])
        assert verdict.kind in (support.STATES, support.CONTRADICTS, support.NEITHER)
        assert verdict.reason and (verdict.evidence is None or 0 <= verdict.evidence <= len(candidates))
        if verdict.kind == support.CONTRADICTS:
            assert verdict.values is not None
    assert support.check(claim, [claim]).kind != support.CONTRADICTS  # nothing contradicts itself
