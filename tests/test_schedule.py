"""When a feed is polled next (storyline.worker.schedule) and the hints that set it:
RSS ttl and sy:updatePeriod (feeds.parse.poll_hint), Cache-Control max-age and
Retry-After (fetch.client). Pure functions: no clock, no network."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import format_datetime

import httpx
import pytest

from storyline.feeds.parse import parse_feed, poll_hint
from storyline.fetch.client import max_age, retry_after
from storyline.worker.schedule import (
    DEFAULT_INTERVAL, JITTER, MAX_BACKOFF, MAX_INTERVAL, interval, parse_interval, wait_after,
)

DAY = 24 * 3600


# -- parse_interval ----------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("10m", 600), ("2h", 7200), ("1d", DAY), ("45", 45), ("1.5m", 90),
    (" 10 MIN ", 600), ("3hr", 3 * 3600), ("1sec", 1), ("24h", DAY),
])
def test_intervals_are_read_in_every_unit(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "   ", "abc", "10 minutes", "-5m", "m", "1e3", "10m5s", "0s", "0.5s",
                                  "25h", "2d", "86401"])
def test_bad_intervals_are_refused_with_a_reason(text):
    with pytest.raises(ValueError) as refused:
        parse_interval(text)
    message = str(refused.value)
    assert "interval" in message and "Traceback" not in message


def test_no_interval_is_accepted_as_none():
    with pytest.raises(ValueError):
        parse_interval(None)


# -- interval --------------------------------------------------------------------------

def test_the_feeds_own_interval_beats_the_default():
    assert interval({}, default=600) == 600
    assert interval({"poll_every": None}, default=600) == 600
    assert interval({"poll_every": 120}, default=600) == 120
    assert interval({}) == DEFAULT_INTERVAL


def test_a_feed_that_asks_for_longer_gets_longer_and_never_shorter():
    assert interval({"hint_every": 3600}, default=60) == 3600  # ttl 60 beats a 1-minute default
    assert interval({"poll_every": 120, "hint_every": 3600}) == 3600  # even the operator's own interval
    assert interval({"hint_every": 30}, default=600) == 600  # a hint never makes polls more frequent
    assert interval({"hint_every": 0}, default=600) == 600


def test_no_interval_is_longer_than_a_day():
    assert interval({"hint_every": 365 * DAY}, default=60) == MAX_INTERVAL == DAY
    assert interval({"poll_every": 10 * DAY}) == DAY


# -- wait_after: jitter, backoff, Retry-After -----------------------------------------------

def _waits(feed: dict, n: int = 400, **kw) -> list[float]:
    rng = random.Random(7)
    return [wait_after(feed, rng=rng, **kw) for _ in range(n)]


def test_a_healthy_feed_waits_its_interval_give_or_take_the_jitter():
    waits = _waits({"errors": 0}, default=600)
    assert all(600 * (1 - JITTER) <= w <= 600 * (1 + JITTER) for w in waits)
    # spread, not bunched: feeds added together drift apart
    assert max(waits) - min(waits) > 600 * JITTER
    assert len({round(w, 3) for w in waits}) > 300


def test_jitter_is_reproducible_with_a_seeded_rng():
    assert _waits({}, default=60, n=5) == _waits({}, default=60, n=5)


@pytest.mark.parametrize("errors, factor", [(1, 2), (2, 4), (3, 8), (5, 32)])
def test_a_failing_feed_backs_off_exponentially(errors, factor):
    waits = _waits({"errors": errors}, default=60, n=50)
    assert all(60 * factor * (1 - JITTER) <= w <= 60 * factor * (1 + JITTER) for w in waits)


def test_backoff_grows_with_every_failure_in_a_row():
    means = [sum(_waits({"errors": e}, default=60)) / 400 for e in range(6)]
    assert all(later > 1.8 * earlier for earlier, later in zip(means, means[1:]))


@pytest.mark.parametrize("feed", [{"errors": 12}, {"errors": 40}, {"errors": 1000}, {"errors": 10**9},
                                  {"hint_every": 7 * DAY}, {"poll_every": DAY, "errors": 1}])
def test_no_wait_is_longer_than_a_day(feed):
    """However long a feed has failed, or however rarely it asks to be polled
    (and whatever the jitter draws), it is tried again within MAX_BACKOFF; no
    overflow for absurd error counts."""
    waits = _waits(feed, default=600)
    assert all(DAY * (1 - JITTER) <= w <= MAX_BACKOFF for w in waits), (min(waits), max(waits))


def test_success_ends_the_backoff():
    assert max(_waits({"errors": 0}, default=60)) <= 60 * (1 + JITTER)


def test_retry_after_is_always_honoured():
    assert min(_waits({}, default=1, retry_after=5)) >= 5
    assert min(_waits({"errors": 1}, default=1, retry_after=5)) >= 5
    # a shorter Retry-After does not shorten the interval or the backoff
    assert min(_waits({}, default=600, retry_after=5)) >= 600 * (1 - JITTER)
    assert min(_waits({"errors": 3}, default=60, retry_after=5)) >= 480 * (1 - JITTER)


def test_retry_after_is_capped_at_a_day():
    assert max(_waits({}, default=60, retry_after=10**8)) <= MAX_BACKOFF


# -- poll_hint: RSS ttl, sy:updatePeriod / sy:updateFrequency --------------------------------

def _rss(channel_extra: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>Hints</title><link>https://hints.example/</link>{channel_extra}
<item><title>One</title><link>https://hints.example/1</link></item></channel></rss>""".encode()


@pytest.mark.parametrize("extra, seconds", [
    ("<ttl>60</ttl>", 3600),
    ("<ttl> 15 </ttl>", 900),
    ("<sy:updatePeriod>hourly</sy:updatePeriod>", 3600),
    ("<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>", 6 * 3600),
    ("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>", 1800),
    ("<sy:updatePeriod> Weekly </sy:updatePeriod>", 7 * DAY),
    ("<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>", DAY),
    ("<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>many</sy:updateFrequency>", DAY),
    # both: the longer
    ("<ttl>5</ttl><sy:updatePeriod>hourly</sy:updatePeriod>", 3600),
    ("<ttl>120</ttl><sy:updatePeriod>hourly</sy:updatePeriod>", 7200),
    # none, or nothing readable
    ("", None), ("<ttl></ttl>", None), ("<ttl>0</ttl>", None), ("<ttl>-5</ttl>", None),
    ("<ttl>soon</ttl>", None), ("<ttl>١٠</ttl>", None), ("<sy:updatePeriod>fortnightly</sy:updatePeriod>", None),
])
def test_a_feed_says_how_often_to_poll_it(extra, seconds):
    assert parse_feed(_rss(extra)).poll_hint == seconds


def test_rss_1_0_carries_the_syndication_module_too():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="https://hints.example/"><title>Hints</title><link>https://hints.example/</link>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency></channel>
<item rdf:about="https://hints.example/1"><title>One</title><link>https://hints.example/1</link></item>
</rdf:RDF>"""
    assert parse_feed(body).poll_hint == 3600


def test_atom_and_json_feeds_without_hints_have_none():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link href="https://hints.example/1"/><id>1</id></entry></feed>"""
    json_feed = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", '
                 b'"items": [{"id": "1", "url": "https://hints.example/1"}]}')
    assert parse_feed(atom).poll_hint is None
    assert parse_feed(json_feed).poll_hint is None


def test_an_absurd_ttl_stays_a_number():
    assert poll_hint({"ttl": "9" * 40}) == 9_999_999 * 60  # read, not overflowed; the schedule caps it
    assert interval({"hint_every": poll_hint({"ttl": "9" * 40})}, default=60) == DAY


# -- Cache-Control max-age ---------------------------------------------------------------

@pytest.mark.parametrize("header, seconds", [
    ("max-age=300", 300), ("public, max-age=300", 300), ("Max-Age=120", 120), ('max-age="60"', 60),
    ("max-age=300, s-maxage=900", 900), ("s-maxage=900, max-age=300", 900), ("max-age = 30", None),
    ("no-cache", None), ("max-age=abc", None), ("max-age=-1", None), ("max-age=", None),
    ("max-age=99999999999", None), ("", None), ("max-age=0", 0),
])
def test_cache_control_max_age(header, seconds):
    headers = httpx.Headers({"Cache-Control": header} if header else {})
    assert max_age(headers) == seconds


# -- Retry-After ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("value, seconds", [
    ("5", 5.0), (" 120 ", 120.0), ("0", 0.0), ("99999999999999", 10.0**8),
    ("Thu, 26 Nov 2026 12:00:30 GMT", 30.0), ("Thu, 26 Nov 2026 11:00:00 GMT", 0.0),
    (None, None), ("", None), ("soon", None), ("-5", None), ("1.5", None), ("Thu, 26 Nov 2026 12:00:30", None),
    ("٥", None),
])
def test_retry_after_as_seconds_from_now(value, seconds):
    assert retry_after(value, now=NOW) == seconds


def test_retry_after_date_against_the_real_clock():
    later = datetime.fromtimestamp(datetime.now(timezone.utc).timestamp() + 60, timezone.utc)
    assert 55 <= retry_after(format_datetime(later, usegmt=True)) <= 60
