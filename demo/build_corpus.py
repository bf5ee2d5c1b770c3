#!/usr/bin/env python3
"""Write the Storyline demo corpus: demo/corpus/<outlet-slug>/<article-slug>.html.

Standalone, stdlib only, deterministic: the same input data always gives the
same bytes. The article texts live in demo/articles.py; this file holds the
six invented outlets and one HTML template per outlet.

    python demo/build_corpus.py
"""
from __future__ import annotations

import html
import json
import shutil
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep demo/ free of __pycache__

from articles import (  # noqa: E402
    ARCHIVE_TEASERS_2025,
    ARTICLES,
    REPEATED_SENTENCE,
    SECTION_PAGE,
    STORIES,
)

CORPUS = HERE / "corpus"


# ----------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------

def esc(text: str) -> str:
    """Escape text content (quotes stay as typed)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value."""
    return html.escape(text, quote=True)


def curly(text: str) -> str:
    """Typographic quotes: straight double quotes alternate open/close,
    apostrophes become right single quotes."""
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
            opening = not opening
        elif ch == "'":
            out.append("\u2019")
        else:
            out.append(ch)
    return "".join(out)


def when(published: str) -> datetime:
    return datetime.strptime(published, "%Y-%m-%dT%H:%M:%SZ")


def date_long(published: str) -> str:          # November 17, 2026
    d = when(published)
    return f"{d:%B} {d.day}, {d.year}"


def date_ap(published: str) -> str:            # Nov. 17, 2026
    d = when(published)
    month = {"May": "May", "June": "June", "July": "July", "March": "March", "April": "April"}.get(
        f"{d:%B}", f"{d:%b}.")
    return f"{month} {d.day}, {d.year}"


def date_weekday(published: str) -> str:       # Tuesday 17 November 2026
    d = when(published)
    return f"{d:%A} {d.day} {d:%B} {d.year}"


def date_numeric(published: str) -> str:       # 11/17/2026
    d = when(published)
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def section_slug(section: str) -> str:
    return section.lower().replace(" ", "-")


COOKIE_SCRIPT = (
    "<script>document.addEventListener('click',function(e){"
    "if(e.target&&e.target.hasAttribute('data-cookie-accept')){"
    "var b=document.getElementById('cookie-banner');if(b){b.hidden=true;}}});</script>"
)


# ----------------------------------------------------------------------
# Outlets
# ----------------------------------------------------------------------

OUTLETS = {
    "harbor-ledger": dict(
        name="The Harbor Ledger",
        domain="harborledger.example",
        url=lambda slug, pub, section: f"https://harborledger.example/news/{when(pub):%Y/%m/%d}/{slug}/",
        curly=False,
    ),
    "northfield-courier": dict(
        name="Northfield Courier",
        domain="northfieldcourier.example",
        url=lambda slug, pub, section: f"https://northfieldcourier.example/{section_slug(section)}/{slug}",
        curly=False,
    ),
    "valley-wire": dict(
        name="Valley Wire",
        domain="valleywire.example",
        url=lambda slug, pub, section: f"https://valleywire.example/stories/{slug}",
        curly=True,
    ),
    "metro-daily-dispatch": dict(
        name="Metro Daily Dispatch",
        domain="metrodispatch.example",
        url=lambda slug, pub, section: f"https://metrodispatch.example/{when(pub):%Y/%m/%d}/{slug}.html",
        curly=False,
    ),
    "coastline-times": dict(
        name="Coastline Times",
        domain="coastlinetimes.example",
        url=lambda slug, pub, section: f"https://coastlinetimes.example/{section_slug(section)}/{slug}/",
        curly=True,
    ),
    "civic-observer": dict(
        name="The Civic Observer",
        domain="civicobserver.example",
        url=lambda slug, pub, section: f"https://civicobserver.example/article/{slug}",
        curly=True,
    ),
}


def head(page: dict, *, meta_author: bool, extra: str = "", style: str = "") -> str:
    """The <head> every article page carries, in the outlet's own order."""
    o = page["outlet_info"]
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(page['title'])} | {esc(o['name'])}</title>",
        f'<link rel="canonical" href="{attr(page["url"])}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(page["title"])}">',
        f'<meta property="og:site_name" content="{attr(o["name"])}">',
        f'<meta property="og:url" content="{attr(page["url"])}">',
        f'<meta property="article:published_time" content="{page["published"]}">',
        f'<meta property="article:section" content="{attr(page["section"])}">',
    ]
    if meta_author:
        lines.insert(3, f'<meta name="author" content="{attr(page["author"])}">')
    if style:
        lines.append(f"<style>{style}</style>")
    if extra:
        lines.append(extra)
    return "<head>\n" + "\n".join(lines) + "\n</head>"


def byline_text(page: dict, sep: str = ", ") -> str:
    if page.get("credit"):
        return f"{page['author']}{sep}{page['credit']}"
    return page["author"]


def body_paragraphs(page: dict, *, indent: str, p_open: str = "<p>",
                    pull: str = '<blockquote class="pull-quote"><p>{}</p></blockquote>',
                    insert_after: dict[int, str] | None = None) -> str:
    """Body <p>s, with the optional pull quote and outlet inserts after given paragraphs."""
    out = []
    pq = page.get("pullquote")
    for i, para in enumerate(page["paragraphs"]):
        out.append(f"{indent}{p_open}{esc(para)}</p>")
        if pq and pq[0] == i:
            out.append(indent + pull.format(esc(pq[1])))
        if insert_after and i in insert_after:
            out.append(indent + insert_after[i])
    return "\n".join(out)


def link(item: tuple[str, str] | None, fmt: str, label: str, cls: str) -> str:
    if item is None:
        return ""
    title, url = item
    return fmt.format(cls=cls, url=attr(url), label=label, title=esc(title))


# --- The Harbor Ledger: <article class="story">, meta author, plain quotes ---

HL_STYLE = ("body{font-family:Georgia,serif;margin:0;color:#1b1b1b}.masthead{background:#0b2545;color:#fff;padding:12px 24px}"
            ".masthead a{color:#fff}.primary ul{list-style:none;display:flex;gap:16px;padding:0}"
            ".story{max-width:680px;margin:24px auto}.share-tools{list-style:none;display:flex;gap:12px;padding:0}"
            ".cookie{position:fixed;bottom:0;left:0;right:0;background:#eee;padding:12px}")


def render_harbor_ledger(page: dict) -> str:
    year = when(page["published"]).year
    pager_fmt = '<a class="{cls}" href="{url}" rel="{cls}">{label}</a>'
    teasers = "\n".join(f'      <li><a href="{attr(u)}">{esc(t)}</a></li>' for t, u in page["teasers"])
    share = ('<ul class="share-tools">\n'
             '      <li><a href="#" class="share-x">Share on X</a></li>\n'
             '      <li><a href="#" class="share-fb">Share on Facebook</a></li>\n'
             '      <li><a href="#" class="share-mail">Email</a></li>\n'
             '    </ul>')
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=True, style=HL_STYLE)}
<body class="hl-article">
<div id="cookie-banner" class="cookie">
  <p>We use cookies to personalise content and analyse our traffic. By continuing to use this site you agree to our use of cookies.</p>
  <button type="button" data-cookie-accept>Accept all</button> <a href="https://harborledger.example/privacy/">Manage preferences</a>
</div>
<header class="masthead">
  <a class="logo" href="https://harborledger.example/">The Harbor Ledger</a>
  <nav class="primary" aria-label="Sections">
    <ul>
      <li><a href="https://harborledger.example/news/">News</a></li>
      <li><a href="https://harborledger.example/local/">Local</a></li>
      <li><a href="https://harborledger.example/city-hall/">City Hall</a></li>
      <li><a href="https://harborledger.example/business/">Business</a></li>
      <li><a href="https://harborledger.example/sports/">Sports</a></li>
      <li><a href="https://harborledger.example/opinion/">Opinion</a></li>
      <li><a href="https://harborledger.example/weather/">Weather</a></li>
    </ul>
  </nav>
  <a class="subscribe" href="https://harborledger.example/subscribe/">Subscribe</a>
</header>
<main id="main">
  <article class="story">
    <p class="kicker">{esc(page['section'])}</p>
    <h1 class="headline">{esc(page['title'])}</h1>
    <p class="byline">By <a rel="author" href="https://harborledger.example/staff/">{esc(byline_text(page))}</a> &middot; <time datetime="{page['published']}">{date_long(page['published'])}</time></p>
    <button type="button" class="tldr">No time to read? Get a summary</button>
    {share}
    <div class="story-body">
{body_paragraphs(page, indent='      ')}
    </div>
    {share}
    <nav class="story-pager">
      {link(page['prev'], pager_fmt, 'Previous Article', 'prev')}
      {link(page['next'], pager_fmt, 'Next Article', 'next')}
    </nav>
  </article>
  <section class="read-next">
    <h2>Read next</h2>
    <ul>
{teasers}
    </ul>
  </section>
  <aside class="newsletter">
    <h3>Sign up for our morning briefing</h3>
    <p>The harbor's news in your inbox before 6 a.m.</p>
    <form action="https://harborledger.example/newsletter/"><input type="email" name="email" placeholder="Your email"><button>Sign up</button></form>
  </aside>
</main>
<footer class="site-footer">
  <p><a href="https://harborledger.example/about/">About us</a> | <a href="https://harborledger.example/privacy/">Privacy Policy</a> | <a href="https://harborledger.example/terms/">Terms of Use</a> | <a href="https://harborledger.example/contact/">Contact</a></p>
  <p>&copy; {year} The Harbor Ledger Media Company. All rights reserved.</p>
</footer>
{COOKIE_SCRIPT}
</body>
</html>
"""


# --- Northfield Courier: <div class="post">, byline element only, mid-body promo ---

NC_STYLE = ("body{font-family:Helvetica,Arial,sans-serif;margin:0}#topbar{background:#7a1f1f;color:#fff;padding:8px 16px}"
            "#topbar a{color:#fff;margin-right:14px}.post{max-width:720px;margin:0 auto;padding:16px}"
            ".inline-promo{border:1px solid #ccc;padding:8px;font-weight:bold}.gdpr{background:#222;color:#eee;padding:10px}")

NC_PROMO = '<p class="inline-promo"><a href="https://northfieldcourier.example/newsletters/">Sign up for our morning briefing</a></p>'


def render_northfield_courier(page: dict) -> str:
    year = when(page["published"]).year
    pager_fmt = '<a class="{cls}-link" href="{url}"><span>{label}</span> {title}</a>'
    teasers = "\n".join(f'    <div class="teaser"><a href="{attr(u)}">{esc(t)}</a></div>' for t, u in page["teasers"])
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=False, style=NC_STYLE)}
<body>
<div id="topbar">
  <a href="https://northfieldcourier.example/">Home</a>
  <a href="https://northfieldcourier.example/local">Local</a>
  <a href="https://northfieldcourier.example/region">Region</a>
  <a href="https://northfieldcourier.example/arts">Arts</a>
  <a href="https://northfieldcourier.example/sports">Sports</a>
  <a href="https://northfieldcourier.example/obituaries">Obituaries</a>
  <a href="https://northfieldcourier.example/e-edition">E-Edition</a>
</div>
<div class="site-title"><a href="https://northfieldcourier.example/">Northfield Courier</a> <span>Serving Northfield since 1888</span></div>
<div class="post">
  <div class="post-header">
    <span class="category">{esc(page['section'])}</span>
    <h1 class="post-title">{esc(page['title'])}</h1>
    <div class="post-meta"><span class="author-name">By {esc(byline_text(page))}</span> <span class="post-date">{date_ap(page['published'])}</span></div>
  </div>
  <a class="quick-read" href="#summary">Short on time? Read the 30-second summary</a>
  <div class="share-row">Share on X | Share on Facebook | Email this story</div>
  <div class="post-content">
{body_paragraphs(page, indent='    ', insert_after={2: NC_PROMO})}
  </div>
  <div class="share-row">Share on X | Share on Facebook | Email this story</div>
  <div class="post-nav">
    {link(page['prev'], pager_fmt, 'Previous Article', 'prev')}
    {link(page['next'], pager_fmt, 'Next Article', 'next')}
  </div>
</div>
<div class="more-stories">
  <h3>More from Northfield Courier</h3>
{teasers}
</div>
<div class="gdpr" id="cookie-banner">This website uses cookies to ensure you get the best experience. <a href="https://northfieldcourier.example/cookies">Learn more</a> <button data-cookie-accept>Got it!</button></div>
<div class="footer">
  <p>Northfield Courier &bull; 14 Commerce Street, Northfield</p>
  <p>Copyright &copy; {year} Northfield Courier Publishing Co. All rights reserved. <a href="https://northfieldcourier.example/privacy">Privacy</a> &bull; <a href="https://northfieldcourier.example/terms">Terms</a></p>
</div>
{COOKIE_SCRIPT}
</body>
</html>
"""


# --- Valley Wire: <main><article>, meta author and byline, typographic quotes ---

VW_STYLE = (":root{--accent:#2d6a4f}body{font:16px/1.6 system-ui,sans-serif;margin:0}"
            ".site-nav{display:flex;gap:18px;padding:10px 20px;border-bottom:3px solid var(--accent)}"
            ".entry{max-width:700px;margin:20px auto}.share a{margin-right:10px}"
            "#cookie-banner{position:fixed;bottom:0;background:#fff;border-top:1px solid #999;padding:10px;width:100%}")


def render_valley_wire(page: dict) -> str:
    year = when(page["published"]).year
    pager_fmt = '<div class="nav-{cls}"><a href="{url}">{label}: {title}</a></div>'
    teasers = "\n".join(f'        <li class="card"><a href="{attr(u)}"><h4>{esc(t)}</h4></a></li>' for t, u in page["teasers"])
    share = ('<div class="share" role="group" aria-label="Share">'
             '<a href="#" aria-label="Share on X">Share on X</a>'
             '<a href="#" aria-label="Share on Facebook">Share on Facebook</a>'
             '<a href="#" aria-label="Email">Email</a></div>')
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=True, style=VW_STYLE)}
<body>
<header>
  <div class="brand"><a href="https://valleywire.example/">Valley Wire</a></div>
  <nav class="site-nav">
    <a href="https://valleywire.example/news">News</a>
    <a href="https://valleywire.example/politics">Politics</a>
    <a href="https://valleywire.example/outdoors">Outdoors</a>
    <a href="https://valleywire.example/schools">Schools</a>
    <a href="https://valleywire.example/events">Events</a>
    <a href="https://valleywire.example/donate">Donate</a>
  </nav>
</header>
<main id="content">
  <article class="entry">
    <header class="entry-header">
      <div class="entry-category"><a href="https://valleywire.example/{section_slug(page['section'])}">{esc(page['section'])}</a></div>
      <h1 class="entry-title">{esc(page['title'])}</h1>
      <div class="entry-meta">By <span class="author vcard">{esc(byline_text(page))}</span> | Valley Wire | <time class="published" datetime="{page['published']}">{date_long(page['published'])}</time></div>
      <button class="summary-btn" type="button">No time to read? Get a summary</button>
      {share}
    </header>
    <div class="entry-content">
{body_paragraphs(page, indent='      ')}
    </div>
    <footer class="entry-footer">
      {share}
      <nav class="post-navigation">
        {link(page['prev'], pager_fmt, 'Previous Article', 'previous')}
        {link(page['next'], pager_fmt, 'Next Article', 'next')}
      </nav>
    </footer>
  </article>
  <section class="related">
    <h3>More from Valley Wire</h3>
    <ul class="cards">
{teasers}
    </ul>
  </section>
  <section class="signup">
    <h3>Sign up for our morning briefing</h3>
    <p>Valley Wire is nonprofit, independent news for Calder County. Get it free every weekday.</p>
  </section>
</main>
<div id="cookie-banner">Valley Wire uses cookies for analytics. We never sell your data. <button data-cookie-accept>OK</button> <a href="https://valleywire.example/privacy">Privacy settings</a></div>
<footer class="site-footer">&copy; {year} Valley Wire Community Media. Republish our stories for free under our republishing guidelines. <a href="https://valleywire.example/about">About</a> <a href="https://valleywire.example/contact">Contact</a></footer>
{COOKIE_SCRIPT}
</body>
</html>
"""


# --- Metro Daily Dispatch: no <article>, <div id="story-body">, byline element, ad label ---

MDD_STYLE = ("body{font-family:'Times New Roman',serif;margin:0}.topnav{background:#000;padding:6px 12px}"
             ".topnav a{color:#fc0;margin:0 8px;text-transform:uppercase;font-size:13px}"
             "#story-body{max-width:640px;margin:0 auto}.ad-slot{text-align:center;color:#888;font-size:11px}"
             ".cookie-notice{background:#ffd;padding:10px}")

MDD_AD = '<div class="ad-slot">Advertisement</div>'


def mdd_chrome_top() -> str:
    return """<div class="cookie-notice" id="cookie-banner">
  <span>We and our partners use cookies to deliver ads and measure traffic. See our <a href="https://metrodispatch.example/cookie-policy">Cookie Policy</a>.</span>
  <button data-cookie-accept>I agree</button>
</div>
<div class="topnav">
  <a href="https://metrodispatch.example/">Home</a>
  <a href="https://metrodispatch.example/local/">Local</a>
  <a href="https://metrodispatch.example/politics/">Politics</a>
  <a href="https://metrodispatch.example/health/">Health</a>
  <a href="https://metrodispatch.example/sports/">Sports</a>
  <a href="https://metrodispatch.example/opinion/">Opinion</a>
  <a href="https://metrodispatch.example/classifieds/">Classifieds</a>
</div>
<div class="masthead"><a href="https://metrodispatch.example/"><img alt="Metro Daily Dispatch" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></a></div>"""


def mdd_chrome_bottom(year: int) -> str:
    return f"""<div class="nl-box">
  <strong>Sign up for our morning briefing</strong>
  <span>Get the Dispatch's top stories every morning at 7.</span>
  <a class="btn" href="https://metrodispatch.example/newsletters/">Sign up</a>
</div>
<div id="footer">
  <ul><li><a href="https://metrodispatch.example/contact/">Contact Us</a></li><li><a href="https://metrodispatch.example/advertise/">Advertise</a></li><li><a href="https://metrodispatch.example/privacy/">Privacy Policy</a></li></ul>
  <p>Copyright {year} Metro Daily Dispatch. All rights reserved.</p>
</div>
{COOKIE_SCRIPT}"""


def render_metro_daily_dispatch(page: dict) -> str:
    year = when(page["published"]).year
    pager_fmt = '<a class="{cls}" href="{url}">{label}</a>'
    teasers = "\n".join(f'    <p class="rn-item"><a href="{attr(u)}">{esc(t)}</a></p>' for t, u in page["teasers"])
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=False, style=MDD_STYLE)}
<body>
{mdd_chrome_top()}
<div id="story-body" class="article-wrap">
  <div class="section-label"><a href="https://metrodispatch.example/{section_slug(page['section'])}/">{esc(page['section'])}</a></div>
  <h1>{esc(page['title'])}</h1>
  <div class="byline">By <span class="byline-name">{esc(byline_text(page))}</span>, Staff Writer</div>
  <div class="dateline">Published {date_numeric(page['published'])}</div>
  <div class="ai-summary"><button>Too long? Get the key points</button></div>
  <div class="sharebar"><a href="#">Share on X</a> <a href="#">Share on Facebook</a> <a href="#">Email</a> <a href="#">Print</a></div>
{body_paragraphs(page, indent='  ', insert_after={1: MDD_AD})}
  <div class="sharebar"><a href="#">Share on X</a> <a href="#">Share on Facebook</a> <a href="#">Email</a> <a href="#">Print</a></div>
  <div class="prevnext">
    {link(page['prev'], pager_fmt, 'Previous Article', 'prev')}
    {link(page['next'], pager_fmt, 'Next Article', 'next')}
  </div>
  <div class="read-next">
    <h3>More from Metro Daily Dispatch</h3>
{teasers}
  </div>
</div>
{mdd_chrome_bottom(year)}
</body>
</html>
"""


def render_mdd_section(page: dict) -> str:
    """The one non-article page: the Local News section front."""
    year = when(page["published"]).year
    items = "\n".join(
        f'  <li class="river-item"><h2><a href="{attr(u)}">{esc(t)}</a></h2>'
        + (f'<p class="blurb">{esc(b)}</p>' if b else "")
        + f'<span class="stamp">{d}</span></li>'
        for t, u, b, d in page["items"]
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local News | Metro Daily Dispatch</title>
<link rel="canonical" href="{attr(page['url'])}">
<meta property="og:type" content="website">
<meta property="og:title" content="Local News">
<meta property="og:site_name" content="Metro Daily Dispatch">
<meta property="og:url" content="{attr(page['url'])}">
<style>{MDD_STYLE}</style>
</head>
<body>
{mdd_chrome_top()}
<div class="section-front">
  <h1>Local News</h1>
  <p class="section-desc">Latest headlines from Port Halden and Calder County</p>
  <ul class="river">
{items}
  </ul>
  <div class="pager"><a href="https://metrodispatch.example/local/page/2/">Older stories</a></div>
</div>
{mdd_chrome_bottom(year)}
</body>
</html>
"""


# --- Coastline Times: <article itemscope>, JSON-LD, meta author, typographic quotes ---

CT_STYLE = ("body{font-family:Merriweather,Georgia,serif;background:#f7f9fb;margin:0}"
            ".ct-header{background:#00557f;color:#fff;padding:14px}.ct-header a{color:#fff}"
            ".ct-article{max-width:700px;margin:20px auto;background:#fff;padding:20px}"
            ".ct-cookie{background:#00557f;color:#fff;padding:10px;position:sticky;bottom:0}")


def render_coastline_times(page: dict) -> str:
    year = when(page["published"]).year
    ld_data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page["title"],
        "datePublished": page["published"],
        "author": {"@type": "Person", "name": page["author"]},
        "publisher": {"@type": "Organization", "name": "Coastline Times"},
    }
    ld = ('<script type="application/ld+json">'
          + json.dumps(ld_data, ensure_ascii=False).replace("</", "<\\/") + "</script>")
    pager_fmt = '<li class="ct-{cls}"><a href="{url}">{label}</a><span>{title}</span></li>'
    teasers = "\n".join(f'      <li><a href="{attr(u)}">{esc(t)}</a></li>' for t, u in page["teasers"])
    credit = f' <span class="ct-agency">{esc(page["credit"])}</span>' if page.get("credit") else ""
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=True, style=CT_STYLE, extra=ld)}
<body>
<header class="ct-header">
  <div class="ct-logo"><a href="https://coastlinetimes.example/">Coastline Times</a></div>
  <ul class="ct-menu">
    <li><a href="https://coastlinetimes.example/region/">Region</a></li>
    <li><a href="https://coastlinetimes.example/carrow-bay/">Carrow Bay</a></li>
    <li><a href="https://coastlinetimes.example/business/">Business</a></li>
    <li><a href="https://coastlinetimes.example/marine/">Marine</a></li>
    <li><a href="https://coastlinetimes.example/tides/">Tides &amp; Weather</a></li>
  </ul>
</header>
<article class="ct-article" itemscope itemtype="https://schema.org/NewsArticle">
  <h1 itemprop="headline">{esc(page['title'])}</h1>
  <div class="ct-meta">By <span itemprop="author">{esc(page['author'])}</span>{credit} &mdash; <time itemprop="datePublished" datetime="{page['published']}">{date_weekday(page['published'])}</time></div>
  <div class="ct-tools">
    <button class="summarize">No time to read? Get a summary</button>
    <span class="ct-share">Share on X</span> <span class="ct-share">Share on Facebook</span> <span class="ct-share">Email</span>
  </div>
  <div itemprop="articleBody">
{body_paragraphs(page, indent='    ')}
  </div>
  <div class="ct-tools">
    <span class="ct-share">Share on X</span> <span class="ct-share">Share on Facebook</span> <span class="ct-share">Email</span>
  </div>
  <ul class="ct-pager">
    {link(page['prev'], pager_fmt, 'Previous Article', 'prev')}
    {link(page['next'], pager_fmt, 'Next Article', 'next')}
  </ul>
  <div class="ct-subscribe">Sign up for our morning briefing: tides, weather and the coast's top stories.</div>
</article>
<section class="ct-readnext">
  <h2>Read next</h2>
  <ol>
{teasers}
  </ol>
</section>
<div class="ct-cookie" id="cookie-banner">Coastline Times uses cookies. Read our privacy notice to learn how we use them. <button data-cookie-accept>Accept</button> <button>Reject non-essential</button></div>
<footer class="ct-footer"><p>&copy; Coastline Times {year}. Published in Carrow Bay. All rights reserved.</p></footer>
{COOKIE_SCRIPT}
</body>
</html>
"""


# --- The Civic Observer: <section class="entry">, meta author and byline, pull quotes ---

CO_STYLE = ("body{font-family:'Source Sans',Arial,sans-serif;margin:0;color:#222}"
            ".nav-strip{background:#4a2c6f;padding:8px}.nav-strip a{color:#fff;margin-right:12px}"
            ".container{max-width:760px;margin:0 auto}.pull-quote{font-size:1.4em;border-left:4px solid #4a2c6f;padding-left:12px}"
            ".consent{background:#f3eefa;padding:12px}")


CO_PREV = "\u2190 Previous Article"
CO_NEXT = "Next Article \u2192"


def render_civic_observer(page: dict) -> str:
    year = when(page["published"]).year
    pager_fmt = '<a class="pn-{cls}" href="{url}">{label}</a>'
    teasers = "\n".join(f'      <article class="mini"><h4><a href="{attr(u)}">{esc(t)}</a></h4></article>' for t, u in page["teasers"])
    return f"""<!DOCTYPE html>
<html lang="en">
{head(page, meta_author=True, style=CO_STYLE)}
<body>
<div class="consent" id="cookie-banner"><p>Your privacy matters. The Civic Observer uses cookies to understand how readers use our site.</p><button data-cookie-accept>Accept cookies</button><a href="https://civicobserver.example/privacy">Privacy notice</a></div>
<div class="nav-strip">
  <a href="https://civicobserver.example/">The Civic Observer</a>
  <a href="https://civicobserver.example/government">Government</a>
  <a href="https://civicobserver.example/business">Business</a>
  <a href="https://civicobserver.example/community">Community</a>
  <a href="https://civicobserver.example/opinion">Opinion</a>
  <a href="https://civicobserver.example/support">Support us</a>
</div>
<div class="container">
  <section class="entry">
    <h1 class="entry-headline">{esc(page['title'])}</h1>
    <p class="entry-byline">By {esc(byline_text(page, ' | '))}</p>
    <p class="entry-date">{date_ap(page['published'])}</p>
    <p class="summary-cta"><a href="#summary">Get the summary</a></p>
    <div class="share-links"><a href="#">Share on X</a> &middot; <a href="#">Share on Facebook</a> &middot; <a href="#">Email</a></div>
    <div class="entry-text">
{body_paragraphs(page, indent='      ')}
    </div>
    <div class="share-links"><a href="#">Share on X</a> &middot; <a href="#">Share on Facebook</a> &middot; <a href="#">Email</a></div>
    <div class="prev-next">
      {link(page['prev'], pager_fmt, CO_PREV, 'prev')}
      {link(page['next'], pager_fmt, CO_NEXT, 'next')}
    </div>
  </section>
  <div class="more">
    <h3>More from The Civic Observer</h3>
{teasers}
  </div>
  <div class="newsletter-signup"><h3>Sign up for our morning briefing</h3><p>Local government news, explained, in five minutes a day.</p></div>
</div>
<div class="site-foot">The Civic Observer is an independent newsroom. &copy; {year} The Civic Observer. All rights reserved.</div>
{COOKIE_SCRIPT}
</body>
</html>
"""


RENDERERS = {
    "harbor-ledger": render_harbor_ledger,
    "northfield-courier": render_northfield_courier,
    "valley-wire": render_valley_wire,
    "metro-daily-dispatch": render_metro_daily_dispatch,
    "coastline-times": render_coastline_times,
    "civic-observer": render_civic_observer,
}


# ----------------------------------------------------------------------
# Checks, navigation and writing
# ----------------------------------------------------------------------

def check(articles: list[dict]) -> None:
    """Fail loudly if the data breaks the corpus's promises."""
    seen = set()
    for a in articles:
        key = (a["outlet"], a["slug"])
        assert key not in seen, f"duplicate page {key}"
        seen.add(key)
        assert a["outlet"] in OUTLETS, a["outlet"]
        assert a["story"] in STORIES, a["story"]
        words = sum(len(p.split()) for p in a["paragraphs"])
        assert 150 <= words <= 450, f"{a['slug']}: {words} words"
        assert 4 <= len(a["paragraphs"]) <= 9, f"{a['slug']}: {len(a['paragraphs'])} paragraphs"
        for p in a["paragraphs"]:
            assert p.count('"') % 2 == 0, f"{a['slug']}: unbalanced quotes in {p[:40]!r}"
        pub = a["published"]
        assert "2026-11-10" <= pub[:10] <= "2026-11-22" or a["story"] == "millbrook-warehouse-fire-2025", pub
        if a.get("pullquote"):
            assert a["pullquote"][1] in a["paragraphs"], "pull quote must repeat a body paragraph"
    assert any(a.get("pullquote", (0, ""))[1] == REPEATED_SENTENCE for a in articles)


def page_url(a: dict) -> str:
    return OUTLETS[a["outlet"]]["url"](a["slug"], a["published"], a["section"])


def navigation(a: dict, articles: list[dict]) -> tuple:
    """Previous/next article of the same outlet (by publication time) and three
    teasers: the outlet's newest articles about other stories."""
    if a["published"] < "2026":
        archive = [(t, OUTLETS[a["outlet"]]["url"](s, "2025-11-10T08:00:00Z", "Local"))
                   for t, s in ARCHIVE_TEASERS_2025[a["outlet"]]]
        return archive[0], archive[1], archive[2:5]
    same = sorted((x for x in articles if x["outlet"] == a["outlet"] and x["published"] >= "2026"),
                  key=lambda x: x["published"])
    i = same.index(a)
    prev = same[i - 1] if i > 0 else None
    nxt = same[i + 1] if i + 1 < len(same) else None
    newest = sorted(same, key=lambda x: x["published"], reverse=True)
    teasers = [x for x in newest if x["story"] != a["story"]][:3]
    as_link = lambda x: (x["title"], page_url(x)) if x else None  # noqa: E731
    return as_link(prev), as_link(nxt), [as_link(x) for x in teasers]


def build_page(a: dict, articles: list[dict]) -> str:
    outlet = OUTLETS[a["outlet"]]
    prev, nxt, teasers = navigation(a, articles)
    fix = curly if outlet["curly"] else (lambda s: s)
    page = dict(a)
    page.update(
        outlet_info=outlet,
        url=page_url(a),
        paragraphs=[fix(p) for p in a["paragraphs"]],
        pullquote=(a["pullquote"][0], fix(a["pullquote"][1])) if a.get("pullquote") else None,
        prev=prev,
        next=nxt,
        teasers=teasers,
    )
    return RENDERERS[a["outlet"]](page)


def build_section_page(articles: list[dict]) -> str:
    sp = SECTION_PAGE
    own = sorted((a for a in articles if a["outlet"] == sp["outlet"]), key=lambda a: a["published"], reverse=True)
    items = [(a["title"], page_url(a), sp["blurbs"].get(a["slug"], ""), date_ap(a["published"])) for a in own]
    newest = own[0]["published"]
    for n, title in enumerate(sp["extra_headlines"]):
        slug = title.lower().replace(":", "").replace(" ", "-")
        day = max(10, 12 - n)
        items.append((title, f"https://metrodispatch.example/2026/11/{day}/{slug}.html", "",
                      date_ap(f"2026-11-{day}T08:00:00Z")))
    page = dict(url="https://metrodispatch.example/local/", published=newest, items=items)
    return render_mdd_section(page)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def main() -> int:
    check(ARTICLES)
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for a in sorted(ARTICLES, key=lambda x: (x["outlet"], x["slug"])):
        write(CORPUS / a["outlet"] / f"{a['slug']}.html", build_page(a, ARTICLES))
    write(CORPUS / SECTION_PAGE["outlet"] / f"{SECTION_PAGE['slug']}.html", build_section_page(ARTICLES))
    outlets = {a["outlet"] for a in ARTICLES}
    stories = {a["story"] for a in ARTICLES}
    print(f"wrote {len(ARTICLES)} articles + 1 section page from {len(outlets)} outlets, "
          f"{len(stories)} stories, to {CORPUS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
