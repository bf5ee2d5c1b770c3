"""Articles saved as plain text: the first line is the title."""
from __future__ import annotations

from storyline.extract import chrome
from storyline.extract.decode import decode, printable
from storyline.extract.html import ExtractionError
from storyline.extract.language import detect
from storyline.extract.limits import check_words
from storyline.model import Extracted


def extract_text(body: str | bytes) -> Extracted:
    text = decode(body) if isinstance(body, bytes) else body
    # A stray NUL is dropped below with the other controls; many are binary
    # data (or UTF-16 without its byte-order mark).
    if text.count("\x00") > len(text) // 100:
        raise ExtractionError("binary data, not a text file")
    check_words(text)
    text = printable(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ExtractionError("the text file is empty")
    title = " ".join(lines[0].split())
    raw = chrome.join(chrome.paragraphs("\n".join(lines[1:])))
    cleaned = chrome.clean(raw, title)
    if not cleaned.strip():
        raise ExtractionError("the text file has a title line but no article text")
    return Extracted(text=cleaned, raw_text=raw, title=title, language=detect(cleaned))
