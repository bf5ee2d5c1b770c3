"""Bytes to text, for pages and feeds in whatever encoding they came in."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# A body that fails strict UTF-8 is still read as UTF-8 when it holds at
# least this many valid non-ASCII characters per invalid byte sequence.
VALID_PER_INVALID_UTF8 = 10
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Codecs Python knows that are no web charset: a page declaring one of these is
# decoded as if it had declared nothing (unicode-escape would turn "\\ud800"
# into a lone surrogate; utf-7 is refused by browsers for its XSS history).
_NOT_CHARSETS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"}
# Characters XML forbids (C0 controls but tab, newline and return; lone
# surrogates; U+FFFE/U+FFFF), plus DEL and the C1 controls: lxml refuses
# them, they break feeds out, and they can drive a terminal.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    codec = info.name
    if not info._is_text_encoding or codec in _NOT_CHARSETS:  # base64, zlib, rot-13...
        return None
    # Pages labelled ISO-8859-1 are nearly always really windows-1252 (as browsers assume).
    return "cp1252" if codec in ("latin-1", "iso8859-1") else codec


def decode(body: bytes, declared: str | None = None) -> str:
    """Decode with the BOM, the HTTP charset, the document's own declaration,
    then UTF-8, then detection, in that order of trust."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    head = body[:4096]
    candidates = [_known(declared)]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            candidates.append(_known(found.group(1).decode("ascii", "ignore")))
    for codec in candidates:
        if codec:
            try:
                return body.decode(codec)
            except UnicodeError:  # some codecs raise the base class
                if codec == "utf-8" and (text := _mostly_utf8(body)) is not None:
                    return text
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        text = _mostly_utf8(body)
        if text is not None:
            return text
    best = from_bytes(body[:200_000]).best()
    codec = best.encoding if best else "cp1252"
    return body.decode(codec, errors="replace")


def _mostly_utf8(body: bytes) -> str | None:
    """The body decoded as UTF-8 with U+FFFD for its invalid bytes, when those
    are few: at least VALID_PER_INVALID_UTF8 valid non-ASCII characters for each.
    A page in a single-byte charset has almost no valid multi-byte sequences,
    while a UTF-8 page with a stray byte would otherwise go to detection and
    come out in mac_latin2 or cp1250, every accent garbled."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - bad
    return text if good >= bad * VALID_PER_INVALID_UTF8 else None


def _replacement(found: re.Match) -> str:
    char = found.group(0)
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return "\n" if char.isspace() else ""  # vertical tab, form feed, separators, NEL


def printable(text: str) -> str:
    """`text` without the control characters XML forbids: the whitespace ones
    (vertical tab, form feed...) become line breaks, lone surrogates U+FFFD,
    the rest are dropped."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_replacement, text)
