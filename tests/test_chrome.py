"""storyline.extract.chrome: furniture at the edges however long its lines are, content
shapes that stay, and an outlet's template learned from its pages (real SQLite file)."""
from __future__ import annotations

from storyline.extract import chrome, extract_text
from storyline.model import Article
from storyline.storage import Store

BODY = [
    "The Lakeside council voted on Tuesday to close the old ferry pier after engineers found "
    "corrosion in three of its supporting piles.",
    "Mayor Ana Ruiz said the city had no choice and that repairs would cost more than the pier "
    "is worth today.",
    "Ferry passengers will board from the north quay from December 1, the harbour authority said.",
]


def _text(*paras: str) -> str:
    return "\n\n".join(paras)


def test_trailing_furniture_with_a_long_teaser_headline_goes():
    teaser = "Harbour Authority Names New Chief Executive After A Long Search Across Three Coastal States"
    assert len(teaser.split()) >= 13
    raw = _text("Ferry pier to close", *BODY, "No time to read? Get a summary", "Previous Article",
                teaser, "Next Article", "School Board Delays Vote On Longer School Day For Pupils In Autumn")
    got = extract_text(raw)
    assert chrome.paragraphs(got.text) == BODY


def test_leading_label_and_its_headline_go():
    paras = ["Previous Article", "Harbour Authority Names New Chief Executive After A Long Search Across "
             "Three Coastal States", *BODY]
    assert chrome.strip_structural(paras) == BODY


def test_a_list_introduced_by_a_colon_stays_at_the_end():
    paras = [*BODY, "You will need:", "- a valid ticket", "- photo identification", "- a bicycle permit"]
    assert chrome.strip_structural(paras) == paras


def test_recipe_ingredients_at_the_start_stay():
    paras = ["Ingredients:", "300 g flour", "1 tsp baking powder", "200 g sugar", *BODY]
    assert chrome.strip_structural(paras) == paras


def test_code_lines_and_table_rows_stay():
    code = [*BODY, "In short:", "set-option -g mouse on", "bind-key -T copy-mode-vi y send-keys -X copy"]
    assert chrome.strip_structural(code)[-3:] == code[-3:]
    config = [*BODY, "export PATH=$HOME/bin:$PATH", "alias ll='ls -l'"]
    assert chrome.strip_structural(config) == config
    table = [*BODY, "| Route | Fare |", "|---|---|", "| 3 | free |"]
    assert chrome.strip_structural(table) == table


def test_a_closing_url_the_article_points_to_stays():
    paras = [*BODY, "Please sign the petition here:", "https://petitions.example/ferry-pier"]
    assert chrome.strip_structural(paras) == paras
    led = [*BODY, "https://petitions.example/ferry-pier"]
    assert chrome.strip_structural(led) == led
    # a link under a navigation label is furniture
    assert chrome.strip_structural([*BODY, "Video link", "https://video.example/x"]) == BODY


def test_short_furniture_lines_still_go():
    paras = ["Home", "News", "Share on X", *BODY, "Share on Facebook", "Email", "All rights reserved"]
    assert chrome.strip_structural(paras) == BODY


def test_separator_lines_are_never_learned():
    assert chrome.line_stats(_text("___", "***", *BODY)) == [
        s for s in chrome.line_stats(_text(*BODY))]


TOWNS = ["Lakeside", "Northfield", "Ashcombe", "Millbrook"]


def _body(n: int) -> list[str]:
    """Each page its own story: no body sentence repeats across the outlet's pages."""
    return [p.replace("Lakeside", TOWNS[n]).replace("the city", f"the city of {TOWNS[n]}")
            .replace("harbour", f"{TOWNS[n]} harbour") for p in BODY]


def _page(n: int, teasers: list[str]) -> str:
    body = _body(n)
    return _text(body[0], "Sign up for our morning briefing", *body[1:],
                 "Read next", *teasers, "Copyright Lakeside Gazette")


def test_learning_an_outlets_template_cuts_the_next_page_exactly(tmp_path):
    teasers = [
        ["Storm Warning Issued For The Whole Coast As Winds Reach Ninety Kilometres An Hour Tonight",
         "Schools reopen after repairs"],
        ["Library Extends Its Opening Hours For Students During The Winter Examination Period",
         "Bus drivers vote on new contract"],
        ["New Cycle Lanes Open Along The Harbour Front After Two Years Of Planning And Consultation",
         "Fish market moves indoors"],
        ["Volunteers Plant Three Hundred Trees Along The River In A Single Weekend Of Work",
         "Museum wins national award"],
    ]
    with Store(tmp_path / "news.db") as store:
        ids = []
        for n, t in enumerate(teasers):
            raw = _page(n, t)
            ids.append(store.insert_article(Article(
                url=f"https://lakeside.example/{n}", title=f"Story {n}", outlet="Lakeside Gazette",
                text=chrome.clean(raw), raw_text=raw, content_hash=str(n))))
        # The lone-page rules keep the promo between body paragraphs; the template does not.
        assert "Sign up for our morning briefing" in chrome.clean(_page(3, teasers[3]))
        for n, article_id in enumerate(ids):
            got = chrome.paragraphs(store.get_article(article_id)["text"])
            assert got == _body(n), got
