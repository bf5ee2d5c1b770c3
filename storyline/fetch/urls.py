"""URL identity: two spellings of one article's address compare equal."""
from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "__hs")
_TRACKING_KEYS = {"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ocid", "cmpid",
                  "smid", "sref", "ito"}
# Longer than any real address; a URL this long is a payload, not a link.
MAX_URL_CHARS = 8192


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def url_problem(url: str) -> str | None:
    """Why `url` is not a usable http(s) address, as a readable phrase, or None.

    urlsplit() and its .port raise ValueError for bad ports and malformed
    IPv6 literals; every caller that handles addresses from feeds, files or
    the command line should ask here first."""
    if not isinstance(url, str):
        return f"not a URL: a {type(url).__name__}"
    if not is_url(url.strip()):
        return "not an http(s) URL"
    if len(url) > MAX_URL_CHARS:
        return f"over-long address ({len(url):,} characters, the limit is {MAX_URL_CHARS:,})"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url.strip()):
        return "a control character"
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        return _split_problem(str(exc))
    port_text = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
    try:
        parts.port
    except ValueError:
        return f"bad port {port_text!r}" if port_text else "bad port"
    host = parts.hostname or ""
    if not host:
        return "no host name"
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return f"malformed IPv6 address [{host}]"
    return None


def _split_problem(message: str) -> str:
    if "IPv6" in message or "IPv4" in message:
        return "malformed IPv6 address"
    if "NFKC" in message:
        return "host name with characters that change under Unicode normalization"
    return f"malformed URL ({message})"


def _split(url: str | None) -> SplitResult | None:
    if not url or url_problem(url):
        return None
    return urlsplit(url.strip())


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, no fragment, no tracking
    parameters, remaining query parameters sorted. None for anything that is
    not a well-formed http(s) URL."""
    parts = _split(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_KEYS]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(query)), ""))


def domain(url: str | None) -> str | None:
    parts = _split(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else (host or None)
