"""The values the command line takes: each check is an argparse `type`, so a
bad value is a usage error naming its argument, never a traceback."""
from __future__ import annotations

import argparse
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from storyline.config import public_base_url

MAX_ID = 2**63 - 1  # SQLite's largest integer


def shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def whole_number(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {shown(text)}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {shown(text)}")
        return value
    return parse


article_id = whole_number(1, MAX_ID, "an id")
limit = whole_number(1, MAX_ID, "the limit")
offset = whole_number(0, MAX_ID, "the offset")
sentences = whole_number(1, 100, "the number of sentences")
words = whole_number(1, 5000, "the number of words")
port = whole_number(1, 65535, "the port")
workers = whole_number(1, 64, "the number of workers")


def id_or_path(text: str) -> int | str:
    """A stored id when it looks like a number and no such file exists, else a path."""
    if re.fullmatch(r"[+-]?\d+", text, re.ASCII) and not Path(text).exists():
        return article_id(text)
    return text


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 3600):
        raise argparse.ArgumentTypeError(f"seconds must be a number above 0 and at most 3600, not {shown(text)}")
    return value


def since(text: str) -> str:
    """'3d', '12h', '2w' or an ISO date -> the UTC timestamp (ISO 8601) to compare with."""
    units = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
    try:
        if match := re.fullmatch(r"(\d+)([hdw])", text, re.ASCII):
            moment = datetime.now(timezone.utc) - int(match[1]) * units[match[2]]
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc)
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{shown(text)} reaches back before the year 1") from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes 3d, 12h, 2w or an ISO date, not {shown(text)}") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def token_file(path: str) -> str:
    """The first line of the file (so the token is not in the process list)."""
    try:
        with open(path, encoding="utf-8") as file:
            line = file.readline(4097)
    except (OSError, UnicodeDecodeError) as exc:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    token = line.strip()
    if len(line) > 4096:
        raise argparse.ArgumentTypeError(f"the first line of {path} is over 4096 characters")
    if not token:
        raise argparse.ArgumentTypeError(f"the first line of {path} is empty")
    return token


def base_url(text: str) -> str:
    try:
        if public_base_url(text) is None:  # empty: no URL at all
            raise ValueError(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the public base URL must be an http(s) URL such as https://news.example.org/, not {shown(text)}") from None
    return text


def interval(text: str) -> int:
    """A polling interval: 90s, 10m, 2h, 1d."""
    from storyline.worker.schedule import parse_interval

    try:
        return parse_interval(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def gap(text: str) -> float:
    """Seconds between two requests to one host: 0 to 60."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the gap must be a number of seconds, not {shown(text)}") from None
    if not 0 <= value <= 60 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"the gap must be from 0 to 60 seconds, not {shown(text)}")
    return value


concurrency = whole_number(1, 64, "the concurrency")


def interval_or_default(text: str) -> int | None:
    """An interval, or `default` (None)."""
    return None if text.strip().lower() == "default" else interval(text)
