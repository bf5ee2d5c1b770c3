"""Refuse URLs that point into private networks (SSRF protection).

A news reader fetches whatever URLs feeds hand it, so a hostile feed could aim
it at the router, the cloud metadata service or a database on localhost. Every
URL is checked after DNS resolution, on every redirect hop, and once more
against the address the connection really went to (DNS can change between the
lookup and the connect).
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from storyline.config import FetchSettings

Resolver = Callable[[str, int], Iterable[str]]


class FetchError(Exception):
    """A readable reason why one URL could not be fetched."""


class RefusedURL(FetchError):
    pass


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from None
    return [info[4][0] for info in infos]


def _is_forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, private in practice


class AddressPolicy:
    def __init__(self, settings: FetchSettings, resolver: Resolver | None = None):
        self.settings = settings
        self.resolver = resolver or system_resolver
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]

    def check_address(self, address: str, url: str) -> None:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            raise RefusedURL(f"refused {url}: not an IP address: {address!r}") from None
        if self.settings.allow_private or not _is_forbidden(ip):
            return
        if any(ip in net for net in self.allowed):
            return
        raise RefusedURL(
            f"refused {url}: it resolves to {ip}, a private, loopback, link-local or "
            "multicast address (use --allow-private to permit it)"
        )

    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL(f"refused {url}: only http and https URLs are fetched")
        host = parts.hostname
        if not host:
            raise RefusedURL(f"refused {url}: no host name")
        only = self.settings.only_hosts
        if only is not None and host not in only:
            raise RefusedURL(f"refused {url}: host {host} is not in the allowed host list")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise RefusedURL(f"refused {url}: bad port") from None
        try:
            ipaddress.ip_address(host)
            addresses: Iterable[str] = [host]
        except ValueError:
            addresses = self.resolver(host, port)
        addresses = list(addresses)
        if not addresses:
            raise FetchError(f"cannot resolve host {host!r}")
        for address in addresses:
            self.check_address(address, url)
