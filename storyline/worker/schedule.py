"""When each feed is polled next: pure functions of its state, so the policy is
tested without a clock or a network.

- The interval is the feed's own (`poll_every`) or the global default, never
  shorter than what the feed asks for (RSS ttl, sy:updatePeriod, Cache-Control
  max-age: being polite is how a poller stays welcome), and at most MAX_INTERVAL.
- A failing feed backs off exponentially from the interval, capped at MAX_BACKOFF;
  a server's Retry-After is always honoured.
- Jitter spreads feeds that were added together over the interval.
"""
from __future__ import annotations

import random
import re

DEFAULT_INTERVAL = 30 * 60
MIN_INTERVAL = 1  # seconds; the default is for people, tests poll every second
MAX_INTERVAL = 24 * 3600
MAX_BACKOFF = 24 * 3600
JITTER = 0.1  # +-10% of the wait

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """'10m', '90s', '2h', '1d' or plain seconds; ValueError with a readable reason."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not an interval: write 90s, 10m, 2h or 1d")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"an interval must be from {MIN_INTERVAL} s to 24 h, not {text.strip()}")
    return int(seconds)


def interval(feed: dict, default: int = DEFAULT_INTERVAL) -> int:
    """Seconds between two successful polls of this feed."""
    own = feed.get("poll_every") or default
    return int(min(max(own, feed.get("hint_every") or 0), MAX_INTERVAL))


def wait_after(feed: dict, *, default: int = DEFAULT_INTERVAL, retry_after: float | None = None,
               rng: random.Random | None = None) -> float:
    """Seconds until the next poll, given the feed's state after this one
    (`errors`: failed polls in a row, 0 after a success)."""
    rng = rng or random
    base = interval(feed, default)
    errors = feed.get("errors") or 0
    wait = float(base)
    if errors:
        wait = min(base * 2.0 ** min(errors, 32), MAX_BACKOFF)
    wait = min(wait * (1 + rng.uniform(-JITTER, JITTER)), MAX_BACKOFF)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_BACKOFF))
    return wait
