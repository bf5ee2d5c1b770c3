"""Accounts in a real headless Chromium (Debian's, driven by playwright): log in,
mark read and unread, save, mute a keyword and see its story leave the front
page, the keys and the `?` overlay, and the same forms without JavaScript."""
from __future__ import annotations

import os
import re

import pytest

from storyline import accounts
from storyline.ingest import Ingestor
from storyline.storage import open_store
from tests.conftest import DEMO, offline
from tests.test_browser import CHROMIUM, _server, browser, shot  # noqa: F401 - browser: a fixture

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
PASSWORD = "a long browser password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo corpus on a server with accounts, served by uvicorn on 127.0.0.1."""
    from storyline.web import create_app

    db = str(tmp_path_factory.mktemp("accounts-browser") / "demo.db")
    with open_store(db) as store, Ingestor(store, settings=offline()) as ingestor:
        assert ingestor.add([str(DEMO)]).added == 44
        for name in ("dana", "eli", "fay"):
            accounts.create_user(store, name, PASSWORD)
    server, thread, base = _server(create_app(db, settings=offline()))
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def new_tab(browser, **options):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, **options)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    return context, tab


def log_in(tab, base: str, name: str) -> None:
    tab.goto(base + "/")
    tab.wait_for_url(re.compile(r"/login"))
    tab.fill('input[name="name"]', name)
    tab.fill('input[name="password"]', PASSWORD)
    tab.click('form.login-form button[type="submit"]')
    tab.wait_for_url(base + "/")


def api(tab, base: str, path: str) -> dict:
    response = tab.request.get(base + path)  # the context's cookies: the same user
    assert response.ok, (path, response.status)
    return response.json()


def test_log_in_toggle_read_save_and_log_out(site, browser, tmp_path):
    context, tab = new_tab(browser)
    log_in(tab, site, "dana")
    session = next(c for c in context.cookies() if c["name"] == "storyline_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax" and not session["secure"]
    assert tab.evaluate("document.cookie").find("storyline_session") == -1  # out of reach of scripts
    shot(tab, tmp_path, "1-front-logged-in")

    # A story on the front page: marked read and unread in place (no reload).
    item = tab.locator("ol.stories > li").first
    story = int(item.get_attribute("id").split("-")[1])
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    tab.evaluate("window.__samePage = true")
    item.locator("button.toggle-read").click()
    expect(item).to_have_class(re.compile(r"\bread\b"))
    expect(item.locator(".unread-count")).to_have_text("read")
    assert api(tab, site, f"/api/stories/{story}?facts=false")["read"] is True
    item.locator("button.toggle-read").click()
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    assert api(tab, site, f"/api/stories/{story}?facts=false")["read"] is False
    assert tab.evaluate("window.__samePage") is True

    # Opening the story marks it read.
    item.locator("h2 a").click()
    tab.wait_for_url(re.compile(rf"/stories/{story}$"))
    assert api(tab, site, f"/api/stories/{story}?facts=false")["read"] is True

    # An article: save and unsave with the button, read and unread with the keys.
    article = api(tab, site, f"/api/stories/{story}?facts=false")["articles"][0]["id"]
    tab.goto(f"{site}/articles/{article}")
    actions = tab.locator("#article-actions")
    actions.locator("button.toggle-saved").click()
    expect(actions.locator("button.toggle-saved")).to_have_text("Unsave")
    expect(actions.locator(".flags")).to_have_text("Read, saved")
    assert api(tab, site, f"/api/articles/{article}")["saved"] is True
    tab.keyboard.press("m")
    expect(actions.locator("button.toggle-read")).to_have_text("Mark read")
    assert api(tab, site, f"/api/articles/{article}")["read"] is False
    tab.keyboard.press("s")
    expect(actions.locator("button.toggle-saved")).to_have_text("Save")
    assert api(tab, site, f"/api/articles/{article}")["saved"] is False
    tab.keyboard.press("s")
    expect(actions.locator("button.toggle-saved")).to_have_text("Unsave")
    shot(tab, tmp_path, "2-article-saved")
    tab.goto(site + "/saved")
    assert tab.locator(f"#article-{article}").count() == 1

    # Another user sees none of it.
    other, other_tab = new_tab(browser)
    log_in(other_tab, site, "eli")
    assert api(other_tab, site, f"/api/articles/{article}")["saved"] is False
    assert api(other_tab, site, f"/api/stories/{story}?facts=false")["read"] is False
    other.close()

    tab.click("form.logout button")
    tab.wait_for_url(re.compile(r"/login$"))
    tab.goto(site + "/saved")
    tab.wait_for_url(re.compile(r"/login\?next=%2Fsaved$"))
    assert not tab.errors, tab.errors
    context.close()


def test_muting_a_keyword_hides_its_story(site, browser, tmp_path):
    context, tab = new_tab(browser)
    log_in(tab, site, "fay")
    titles = tab.locator("ol.stories > li h2 a").all_inner_texts()
    target = next(t for t in titles if "Corvane" in t)
    tab.goto(site + "/settings")
    tab.fill("#mute-keyword", "corvane")
    tab.locator("#mute-keyword").press("Enter")
    tab.wait_for_url(re.compile(r"/settings#mutes$"))
    assert "corvane" in tab.locator("ul.mutes-keyword").inner_text()
    tab.goto(site + "/")
    remaining = tab.locator("ol.stories > li h2 a").all_inner_texts()
    assert target not in remaining and len(remaining) == len(titles) - 1
    assert "1 story hidden" in tab.locator(".muted-note").inner_text()
    shot(tab, tmp_path, "3-muted")
    tab.goto(site + "/settings")
    tab.locator("ul.mutes-keyword button").click()
    tab.wait_for_url(re.compile(r"/settings#mutes$"))
    tab.goto(site + "/")
    assert target in tab.locator("ol.stories > li h2 a").all_inner_texts()
    assert not tab.errors, tab.errors
    context.close()


def test_help_overlay_and_list_keys(site, browser, tmp_path):
    context, tab = new_tab(browser)
    log_in(tab, site, "eli")
    overlay = tab.locator("#help")
    expect(overlay).to_be_hidden()
    tab.keyboard.press("?")
    expect(overlay).to_be_visible()
    for words in ("toggle read / unread", "save / unsave", "mark all read", "open the original", "search"):
        assert words in overlay.inner_text()
    shot(tab, tmp_path, "4-help")
    tab.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    tab.keyboard.press("?")
    expect(overlay).to_be_visible()
    tab.keyboard.press("?")
    expect(overlay).to_be_hidden()

    # j selects a story, m toggles it read, A marks everything read.
    tab.keyboard.press("j")
    selected = tab.locator("ol.stories > li.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_have_class(re.compile(r"\bunread\b"))
    tab.keyboard.press("m")
    expect(selected).to_have_class(re.compile(r"\bread\b"))
    tab.keyboard.press("A")
    tab.wait_for_load_state("load")
    expect(tab.locator("ol.stories > li.unread")).to_have_count(0)
    assert api(tab, site, "/api/unread")["total"] == 0

    # o opens the original of an article in a new tab.
    article = next(a for a in api(tab, site, "/api/articles?limit=50")["articles"] if a["url"])
    tab.goto(f"{site}/articles/{article['id']}")
    with context.expect_page() as opened:
        tab.keyboard.press("o")
    assert opened.value.url.rstrip("/") == article["url"].rstrip("/") or opened.value.url.startswith("chrome-error")
    assert not tab.errors, tab.errors
    context.close()


def test_the_forms_work_without_javascript(site, browser):
    context, tab = new_tab(browser, java_script_enabled=False)
    log_in(tab, site, "dana")
    tab.locator("#help").wait_for(state="hidden")
    tab.click('a[href="#help"]')  # the keys, without script, through :target
    expect(tab.locator("#help")).to_be_visible()
    article = api(tab, site, "/api/articles?limit=1")["articles"][0]["id"]
    tab.goto(f"{site}/articles/{article}")
    was_saved = api(tab, site, f"/api/articles/{article}")["saved"]
    tab.locator("#article-actions button.toggle-saved").click()
    tab.wait_for_url(f"{site}/articles/{article}")
    assert api(tab, site, f"/api/articles/{article}")["saved"] is (not was_saved)
    expect(tab.locator("#article-actions button.toggle-saved")).to_have_text("Save" if was_saved else "Unsave")
    context.close()
