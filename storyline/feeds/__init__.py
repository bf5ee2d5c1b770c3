"""Feeds and subscription lists."""
from storyline.feeds.parse import FeedError, parse_feed, parse_json_feed, parse_opml, sniff

__all__ = ["FeedError", "parse_feed", "parse_json_feed", "parse_opml", "sniff"]
