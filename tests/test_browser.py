"""The reader in a real headless Chromium (Debian's /usr/bin/chromium, driven by
playwright): follow a story, a citation, an article, its summary, previous/next,
search; and a hostile article page comes out inert. A screenshot of each page
is saved under the test's tmp dir."""
from __future__ import annotations

import os
import re
import threading
import time

import pytest

from storyline.config import FetchSettings
from storyline.ingest import Ingestor
from storyline.storage import open_store
from tests.conftest import DEMO, NewsServer

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
TOKEN = "browser-token"

playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

HOSTILE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council approves the harbour wall budget | Hostile Herald</title>
<meta property="og:site_name" content="Hostile Herald">
<meta property="article:published_time" content="2026-11-18T10:00:00Z">
<script>window.__pwned = "head script"; document.title = "pwned";</script>
</head><body onload="window.__pwned = 'body onload'">
<article><h1>Council approves the harbour wall budget</h1>
<p>The council approved the harbour wall budget on Tuesday after a long debate about repairs along the
seafront, and the works are expected to begin in the spring. <script>window.__pwned = "inline script";
document.title = "pwned"</script></p>
<p><img src="/nothing.png" onerror="window.__pwned = 'onerror'; document.title = 'pwned'" alt="">Residents
said the old wall had been failing for years, and several of them spoke at the meeting to support the
plan. <a href="javascript:window.__pwned='javascript url'">Read the council minutes</a> for the details.</p>
<p>The text of this paragraph mentions onerror= and javascript: and &lt;script&gt; as plain words, which a
reader must show as text and never run, because the page is only being described here.</p>
<p>The budget sets aside money for the sea wall, the slipway and new lighting along the promenade, the
finance officer said, and the first contracts will be signed before the end of the year.</p>
<iframe src="javascript:parent.__pwned='iframe'"></iframe>
<svg onload="window.__pwned='svg'"><circle r="1"/></svg>
</article></body></html>"""


def _server(app):
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the reader did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo corpus plus one hostile page (fetched from a loopback server), served by uvicorn."""
    from storyline.web import create_app

    db = str(tmp_path_factory.mktemp("browser") / "demo.db")
    news = NewsServer()
    hostile_url = news.page("/hostile.html", HOSTILE)
    settings = FetchSettings(timeout=2.0, retries=0, allowed_networks=("127.0.0.0/8",),
                             only_hosts=frozenset({"127.0.0.1"}))
    with open_store(db) as store, Ingestor(store, settings=settings) as ingestor:
        report = ingestor.add([str(DEMO), hostile_url])
        assert report.added == 45, report.as_json()
        hostile_id = store.find_duplicate(url=hostile_url)
    news.close()
    app = create_app(db, token=TOKEN, settings=settings)
    server, thread, base = _server(app)
    yield {"base": base, "hostile": hostile_id}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()


def shot(tab, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def test_reader_walkthrough(site, page, tmp_path):
    base = site["base"]
    page.goto(base + "/")
    assert page.title().startswith("Storyline")
    stories = page.locator("ol.stories > li")
    assert stories.count() >= 13
    shot(page, tmp_path, "1-front")

    # The story with the most articles: brief with citations, sources, facts panel, timeline.
    counts = [int(re.match(r"\d+", t).group()) for t in page.locator("ol.stories .count").all_inner_texts()]
    biggest = counts.index(max(counts))
    title = stories.nth(biggest).locator("h2 a").inner_text()
    stories.nth(biggest).locator("h2 a").click()
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".brief-sentences li").count() >= 1
    assert page.locator(".source-list li").count() == max(counts)
    page.locator("#facts dl, #facts .empty").first.wait_for(timeout=90_000)  # filled in by script
    shot(page, tmp_path, "2-story")

    # A citation leads to the cited article.
    cite = page.locator(".brief-sentences a.cite").first
    cited = cite.get_attribute("href")
    cite.click()
    page.wait_for_url(base + cited)
    article_url = page.url
    assert page.locator("article.article h1").inner_text()
    assert page.locator("article.article .text p").count() >= 2
    shot(page, tmp_path, "3-article")

    # "Get a summary" shows the summary in place, without a reload.
    page.evaluate("window.__sameDocument = true")
    page.locator("#get-summary").click()
    page.locator("#summary .summary-sentences li").first.wait_for()
    assert page.url == article_url and page.evaluate("window.__sameDocument") is True
    assert page.locator("#summary .summary-sentences li").count() >= 1
    shot(page, tmp_path, "4-summary")

    # Previous / next within the story and in time.
    step = page.locator("#story-next, #story-prev").first
    target = step.get_attribute("href")
    step.click()
    page.wait_for_url(base + target)
    shot(page, tmp_path, "5-story-neighbour")
    page.locator("#time-next, #time-prev").first.click()
    page.wait_for_load_state()
    assert re.search(r"/articles/\d+$", page.url) and page.url != base + target
    shot(page, tmp_path, "6-time-neighbour")

    # Search from the keyboard: "/" focuses the box.
    page.keyboard.press("/")
    page.keyboard.type("river")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=river"))
    assert page.locator(".hits li").count() >= 1 and page.locator(".hits mark").count() >= 1
    shot(page, tmp_path, "7-search")
    page.locator(".hits .item-link").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))

    page.goto(base + "/sources")
    assert page.locator("table").count() >= 1 and "Valley Wire" in page.content()
    shot(page, tmp_path, "8-sources")
    assert not page.errors, page.errors


def test_keyboard_j_k_and_g(site, page):
    """j/k walk the items, g gets the summary (s saves since issue 15)."""
    base = site["base"]
    page.goto(base + "/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("ol.stories > li.selected").count() == 1
    assert page.locator("ol.stories > li").nth(1).get_attribute("class").split().count("selected") == 1
    page.keyboard.press("k")
    assert "selected" in page.locator("ol.stories > li").nth(0).get_attribute("class")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    page.locator("a.cite").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    first = page.url
    page.keyboard.press("g")
    page.locator("#summary .summary-sentences li").first.wait_for()
    assert page.url == first
    page.keyboard.press("j")
    page.wait_for_url(lambda url: url != first)
    page.keyboard.press("k")
    page.wait_for_url(first)
    assert not page.errors, page.errors


def test_summary_link_works_without_javascript(site, browser, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site["base"] + "/")
    tab.locator("ol.stories h2 a").first.click()
    tab.locator("a.cite").first.click()
    tab.wait_for_url(re.compile(r"/articles/\d+$"))
    tab.locator("#get-summary").click()
    tab.wait_for_url(re.compile(r"\?summary=1#summary$"))
    assert tab.locator("#summary .summary-sentences li").count() >= 1
    shot(tab, tmp_path, "summary-no-js")
    tab.go_back()
    tab.go_back()
    tab.locator("#facts a").click()  # the facts, also without script
    tab.wait_for_url(re.compile(r"\?facts=1#facts$"))
    assert tab.locator("#facts dl, #facts .empty").count() == 1
    context.close()


def test_hostile_article_is_inert(site, page, tmp_path):
    base = site["base"]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/articles/{site['hostile']}")
    page.wait_for_load_state("load")
    assert page.locator("article.article h1").inner_text() == "Council approves the harbour wall budget"
    assert "onerror=" in page.locator("article.article .text").inner_text()  # shown as words
    page.get_by_role("button", name="Get a summary").or_(page.locator("#get-summary")).first.click()
    page.locator("#summary .summary-sentences li").first.wait_for()
    time.sleep(0.3)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == "Council approves the harbour wall budget — Storyline"
    handlers = page.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(
        el => Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
    assert handlers == []
    assert page.locator('[href^="javascript:" i], [src^="javascript:" i]').count() == 0
    assert page.locator("iframe, object, embed, svg, img").count() == 0
    scripts = page.evaluate("() => Array.from(document.scripts).map(s => s.src || 'inline')")
    assert len(scripts) == 1 and "/static/app.js" in scripts[0]
    assert dialogs == []
    shot(page, tmp_path, "hostile-article")
    # The same article in search, in its story and on the front page stays inert too.
    for url in (f"{base}/search?q=harbour+wall", f"{base}/", f"{base}/feed.rss"):
        page.goto(url)
        assert page.evaluate("typeof window.__pwned") == "undefined", url


def test_readable_on_a_phone(site, browser, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    tab = context.new_page()
    for name, path in (("front", "/"), ("story", None), ("article", None), ("sources", "/sources")):
        if path:
            tab.goto(site["base"] + path)
        elif name == "story":
            tab.goto(site["base"] + "/")
            tab.locator("ol.stories h2 a").first.click()
            tab.wait_for_url(re.compile(r"/stories/\d+$"))
        else:
            tab.locator(".source-list a").first.click()
            tab.wait_for_url(re.compile(r"/articles/\d+$"))
        overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, overflow)
        size = tab.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 15
        shot(tab, tmp_path, f"phone-{name}")
    context.close()
