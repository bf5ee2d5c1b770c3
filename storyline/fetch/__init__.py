"""Stage 1: get bytes from the web, safely."""
from storyline.fetch.client import Fetcher, describe_binary
from storyline.fetch.guard import AddressPolicy, FetchError, RefusedURL

__all__ = ["AddressPolicy", "FetchError", "Fetcher", "RefusedURL", "describe_binary"]
