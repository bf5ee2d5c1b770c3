"""Bytes to text, for pages and feeds in whatever encoding they came in."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
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
            except UnicodeDecodeError:
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000]).best()
    codec = best.encoding if best else "cp1252"
    return body.decode(codec, errors="replace")
