"""URL identity: two spellings of one article's address compare equal."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "__hs")
_TRACKING_KEYS = {"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ocid", "cmpid",
                  "smid", "sref", "ito"}


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, no fragment, no tracking
    parameters, remaining query parameters sorted."""
    if not url or not is_url(url.strip()):
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host:
        return None
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_KEYS]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(query)), ""))


def domain(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else (host or None)
