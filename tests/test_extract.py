"""storyline.extract: main text, metadata, encodings and structural chrome."""
from __future__ import annotations

import pytest

from storyline.extract import ExtractionError, chrome, extract_html, extract_text
from storyline.extract.fragment import fragment_text
from tests.pages import CHROME_TOP, article_html, story_paragraphs

BODY = [
    "The Lakeside council voted on Tuesday to close the old ferry pier after engineers found "
    "corrosion in three of its supporting piles, a decision that ends ninety years of service.",
    "Mayor Ana Ruiz said the city had no choice. \"We will not gamble with people's safety,\" "
    "she told reporters outside the town hall on Tuesday evening.",
    "Ferry passengers will board from the north quay from December 1, the harbour authority said, "
    "and a shuttle bus will run every twenty minutes between the two sites.",
    "Repairs are expected to cost 4.2 million dollars and to take until the spring of next year, "
    "according to an engineering report published by the council last week.",
]


def test_main_text_and_metadata():
    page = article_html("Council closes the old ferry pier", BODY,
                        teasers=["Storm warning for the coast", "Schools reopen after repairs"])
    got = extract_html(page.encode(), url="https://lakeside.example/news/story?utm_source=rss")
    assert got.title == "Council closes the old ferry pier"
    assert got.author == "Mira Holt"
    assert got.site_name == "Lakeside Gazette"
    assert got.published == "2026-11-18T09:30:00Z"
    assert got.language == "en"
    assert got.url == "https://lakeside.example/news/story"
    # A lone page cannot tell a sentence-like newsletter prompt from a short
    # last sentence; repetition across the outlet's pages does (test_ingest).
    assert chrome.paragraphs(got.text)[:len(BODY)] == BODY


def test_structural_cleaning_of_a_lone_page():
    page = article_html("Council closes the old ferry pier", BODY,
                        teasers=["Storm warning for the coast", "Schools reopen after repairs"])
    text = extract_html(page).text
    for line in CHROME_TOP + ["Previous Article", "Next Article", "Storm warning for the coast"]:
        assert line not in text
    assert "Copyright" not in text


def test_text_that_is_all_short_lines_is_kept():
    scores = "Results\n\nHarbor 3 Valley 1\nNorthfield 0 Coastline 2\nMetro 4 Civic 4\n"
    got = extract_text(scores)
    assert got.title == "Results"
    assert "Metro 4 Civic 4" in got.text and "Harbor 3 Valley 1" in got.text


def test_language_of_a_page_without_lang_attribute():
    german = ["Der Stadtrat hat am Dienstag beschlossen, den alten Fähranleger zu schließen, "
              "nachdem Ingenieure Korrosion an drei der tragenden Pfähle gefunden hatten."] * 2
    page = article_html("Stadtrat schließt Anleger", german, lang="").replace(' lang=""', "")
    assert extract_html(page).language == "de"


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_legacy_charset_from_http_header(server, fetcher, codec):
    russian = ["Городской совет во вторник проголосовал за закрытие старого паромного причала "
               "после того, как инженеры обнаружили коррозию опор."] * 1 + story_paragraphs("паром", 2)
    html = article_html("Совет закрывает причал", russian, lang="ru", charset=codec)
    html = html.replace(f'<meta charset="{codec}">', "")  # only the HTTP header tells
    url = server.page("/legacy", html.encode(codec), f"text/html; charset={codec}")
    fetched = fetcher.get(url)
    got = extract_html(fetched.body, url=url, charset=fetched.charset)
    assert got.title == "Совет закрывает причал"
    assert "Городской совет во вторник" in got.text


def test_legacy_charset_from_meta_only(server, fetcher):
    paras = ["Le conseil municipal a voté mardi la fermeture de l'ancienne jetée du traversier, "
             "après que des ingénieurs ont trouvé de la corrosion sur trois piliers."] + story_paragraphs("la jetée", 2)
    html = article_html("Le conseil ferme la jetée", paras, lang="fr", charset="windows-1252")
    url = server.page("/latin", html.encode("cp1252"), "text/html")
    fetched = fetcher.get(url)
    got = extract_html(fetched.body, charset=fetched.charset)
    assert "ingénieurs" in got.text and "jetée" in got.title


def test_undeclared_legacy_bytes_are_detected():
    paras = ["Le conseil municipal a voté mardi la fermeture de l'ancienne jetée du traversier, "
             "après que des ingénieurs ont trouvé de la corrosion sur trois piliers très abîmés."] * 3
    html = article_html("Le conseil ferme la jetée", paras, lang="fr").replace('<meta charset="utf-8">', "")
    got = extract_html(html.encode("cp1252"))
    assert "ingénieurs" in got.text


def test_not_html_is_a_clear_error():
    with pytest.raises(ExtractionError, match="not an HTML document"):
        extract_html(b"just some words without any markup at all")


def test_page_without_article_text_is_a_clear_error():
    with pytest.raises(ExtractionError):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")


def test_text_file_title_and_chrome():
    raw = ("Ferry pier to close\n\nNo time to read? Get a summary\n\n" + "\n\n".join(BODY)
           + "\n\nPrevious Article\n\nNext Article\n")
    got = extract_text(raw.encode())
    assert got.title == "Ferry pier to close"
    assert chrome.paragraphs(got.text) == BODY


def test_empty_text_file_is_an_error():
    with pytest.raises(ExtractionError, match="empty"):
        extract_text(b"\n\n  \n")


def test_sentence_repeated_inside_one_page_is_kept_by_structure():
    repeated = BODY[1]
    page = article_html("Council closes the old ferry pier", BODY[:2] + BODY[2:] + [repeated])
    assert extract_html(page).text.count(repeated) == 2


def test_fragment_text_keeps_blocks_and_drops_scripts():
    html = "<p>One <b>bold</b> line.</p><script>alert(1)</script><div>Two<br>Three</div>"
    assert fragment_text(html) == "One bold line.\n\nTwo\n\nThree"


def test_learned_chrome_removal_is_bounded():
    paras = ["A short line one.", "Another short line.", "A third paragraph that is here."]
    fps = {chrome.fingerprint(p) for p in paras}
    # removing everything would be a re-post, not chrome: nothing is removed
    assert chrome.remove_learned(paras, fps) == paras
    assert chrome.remove_learned(paras + BODY, {chrome.fingerprint(paras[0])}) == paras[1:] + BODY
