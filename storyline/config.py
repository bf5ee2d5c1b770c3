"""Settings, from defaults, then the environment, then the command line."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_dir

from storyline import __version__


def default_db_path() -> str:
    env = os.environ.get("STORYLINE_DB")
    if env:
        return env
    return str(Path(user_data_dir("storyline", appauthor=False)) / "storyline.db")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class FetchSettings:
    timeout: float = 15.0  # seconds, per connect/read/write/pool step
    # seconds for one whole fetch: DNS, connects, every redirect hop, retries and
    # their backoff, and the whole body (a body dribbled a byte at a time ends here)
    deadline: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a timeout or a 5xx
    backoff: float = 0.5  # seconds, doubled on each retry
    per_host: int = 2  # concurrent requests to one host
    host_gap: float = 0.0  # seconds between two requests to one host (the poller sets it)
    workers: int = 8  # concurrent requests in all
    user_agent: str = (
        f"Storyline/{__version__} (self-hosted news reader; +https://github.com/storyline-news)"
    )
    # Private, loopback, link-local and multicast addresses are refused unless
    # allowed here: allow_private opens them all, allowed_networks only some.
    allow_private: bool = field(default_factory=lambda: _env_flag("STORYLINE_ALLOW_PRIVATE"))
    allowed_networks: tuple[str, ...] = ()
    # When set, only these host names may be fetched at all (tests use it to
    # guarantee that nothing leaves the machine).
    only_hosts: frozenset[str] | None = None


def public_base_url(url: str | None) -> str | None:
    """The reader's public base URL (`--base-url`, $STORYLINE_BASE_URL) without a
    trailing slash, or None when unset; ValueError unless it is an absolute
    http(s) URL with a host, no query or fragment, and no spaces or controls."""
    if not url or not url.strip():
        return None
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise ValueError(f"the public base URL must be an absolute http(s) URL such as "
                         f"https://news.example.org, not {url!r}")
    return url
