"""Pages shaped like the ones that broke extraction on unseen data: control
characters, a damaged UTF-8 byte, Japanese text, a teaser above the article.
Every fixture is written here."""
from __future__ import annotations

from html import escape

import pytest

from storyline.extract import extract_file, extract_html, html
from storyline.extract.decode import decode
from storyline.extract.words import count_words, ends_sentence

FRENCH = [
    "Le conseil municipal a approuvé mercredi le budget de l'école, après un débat animé sur la "
    "rénovation du gymnase et des vestiaires.",
    "Les élèves de Zürich et de Genève participeront à un échange culturel dès l'été prochain, a "
    "précisé la directrice, qui s'est réjouie de cette décision très attendue.",
    "Selon le maire, les travaux coûteront près de deux millions de francs et dureront jusqu'à la "
    "fin de l'année, une durée jugée raisonnable par l'opposition.",
]

JAPANESE = [
    "市議会は火曜日、老朽化した港の桟橋を閉鎖することを決めました。技術者が三本の支柱に腐食を見つけたためです。",
    "市長は記者団に対し、市民の安全を最優先に考えた結果だと説明しました。代わりの乗り場は北側の岸壁に設けられます。",
    "修理には約四億円がかかり、来年の春まで続く見通しです。市は工事の進み具合を毎月公表するとしています。",
]


def page(paragraphs: list[str], *, lang: str | None = "en", charset: str | None = "utf-8",
         title: str = "Council approves the budget") -> str:
    head_lang = f' lang="{lang}"' if lang else ""
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html>\n<html{head_lang}><head>{meta}<title>{escape(title)}</title></head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            f"<footer><p>Contact us</p></footer></body></html>")


def test_control_characters_do_not_empty_the_page():
    paragraphs = [p.replace("budget", "bud\x07get").replace(", ", ",\x0b ") for p in FRENCH]
    got = extract_html(page(paragraphs, lang="fr", title="Budget\x1b de l'école").encode())
    assert "approuvé mercredi le budget de l'école" in got.text
    assert "Zürich et de Genève" in got.text
    assert not any(ch in got.text for ch in "\x07\x0b\x1b")


def test_self_closing_html_tag_is_repaired():
    markup = page(FRENCH, lang="fr").replace('<html lang="fr">', '<html lang="fr"/>')
    assert "approuvé mercredi" in extract_html(markup.encode()).text


@pytest.mark.parametrize("charset", ["utf-8", None])
def test_utf8_page_with_one_bad_byte_keeps_its_accents(charset, tmp_path):
    body = page(FRENCH, lang="fr", charset=charset).encode("utf-8")
    broken = body.replace("Genève".encode(), b"Gen\xe8ve", 1)  # one Latin-1 byte in UTF-8
    assert broken != body
    text = extract_html(broken).text
    assert "approuvé mercredi le budget de l'école" in text
    assert "élèves de Zürich" in text
    assert "Ã" not in text and "Ă" not in text  # no mojibake from a single-byte guess
    # The same bytes as a saved file take the same path.
    saved = tmp_path / "article.html"
    saved.write_bytes(broken)
    assert "élèves de Zürich" in extract_file(saved).text


def test_single_byte_page_is_still_detected_not_read_as_broken_utf8():
    text = " ".join(FRENCH * 3)
    assert decode(text.encode("cp1252")) == text


def test_japanese_page_is_extracted_not_refused():
    got = extract_html(page(JAPANESE, lang=None, title="港の桟橋を閉鎖").encode())
    for paragraph in JAPANESE:
        assert paragraph in got.text
    assert got.language == "ja"


def test_words_and_sentence_ends_in_scripts_without_spaces():
    assert count_words(JAPANESE[0]) >= 20
    assert count_words("子ども") == 2
    assert count_words("The pier closes on Tuesday.") == 5
    assert count_words("Home — News | Sport") == 3  # a dash or bar is no word
    assert count_words("2019年5月 Tokyo") == 4
    assert ends_sentence("見つけたためです。") and ends_sentence("「閉鎖します！」")
    assert ends_sentence('He said "yes."') and not ends_sentence("Next Article")


def test_decomposed_accents_come_out_composed():
    decomposed = [p.replace("é", "e\u0301") for p in FRENCH]
    text = extract_html(page(decomposed, lang="fr").encode()).text
    assert "approuvé mercredi" in text and "e\u0301" not in text


TEASER = ("The harbour board met on Monday to decide the future of the old grain silos on the east "
          "quay. Members heard from engineers, from the port workers union and from neighbours who "
          "want the site turned into a park. The vote, expected for weeks, came late in the evening.")
FULL_STORY = [f"Section {i}: the engineers who surveyed the silos in {2000 + i} found the concrete "
              "sound in places and cracked in others, and the board heard their report in full "
              "before any vote was taken on the matter." for i in range(1, 30)]


def teaser_page() -> bytes:
    """An <article> holding only the teaser and a paywall line; the story
    itself sits in a container with no telling name further down."""
    menu = "".join(f"<li><a href='/s/{i}'>Section {i}</a></li>" for i in range(8))
    story = "".join(f"<p>{escape(p)}</p>" for p in FULL_STORY)
    return f"""<html lang="en"><head><meta charset="utf-8"><title>Silos</title></head><body>
<ul class="menu">{menu}</ul>
<article><h1>Silos</h1><p>{escape(TEASER)}</p><p>Subscribe to read the full story.</p></article>
<div class="x-wrap"><div class="y-inner">{story}</div></div>
<footer><p>Copyright Harbour Times</p></footer></body></html>""".encode()


def test_teaser_page_gets_the_full_article_through_the_fallback(monkeypatch):
    got = extract_html(teaser_page())
    assert FULL_STORY[0] in got.text and FULL_STORY[-1] in got.text
    # Without the fallback the fast extraction alone keeps only the teaser:
    # the fixture really exercises the fallback.
    monkeypatch.setattr(html, "THIN_SHARE", 1e-9)
    fast_only = extract_html(teaser_page()).text
    assert FULL_STORY[-1] not in fast_only and "harbour board met" in fast_only


def test_a_full_article_does_not_take_the_fallback(monkeypatch):
    calls = []
    original = html._trafilatura

    def counting(tree, url, **options):
        calls.append(options["fast"])
        return original(tree, url, **options)

    monkeypatch.setattr(html, "_trafilatura", counting)
    extract_html(page(FRENCH * 4, lang="fr").encode())
    assert calls == [True]
