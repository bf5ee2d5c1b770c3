"""Refuse URLs that point into private networks (SSRF protection).

A news reader fetches whatever URLs feeds hand it, so a hostile feed could aim
it at the router, the cloud metadata service or a database on localhost. Every
URL is checked before its request (scheme, host, port, and the address when the
host is an IP literal), on every redirect hop. Host names are resolved exactly
once, by `GuardedBackend` at connect time: it vets every address of the answer
and connects to a vetted address itself, so a DNS answer that changes between a
check and the connect (DNS rebinding) never reaches a private address. The
address actually connected to is checked once more before a byte is sent.

The backend also holds every network step to the deadline of the fetch in
progress (see `FetchScope`), which httpx's per-step timeouts cannot do.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

import httpcore
import httpx

from storyline.config import FetchSettings

Resolver = Callable[[str, int], Iterable[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A readable reason why one URL could not be fetched; `retry_after`: the
    seconds the server asked us to wait (HTTP 429/503 Retry-After), if it did."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RefusedURL(FetchError):
    pass


def for_message(text: str, limit: int = 200) -> str:
    """`text` fit for a one-line error message: control characters escaped, long text cut."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {for_message(host)!r}: {exc.strerror or exc}") from None
    except (UnicodeError, ValueError) as exc:  # a label over 63 characters, a NUL...
        raise FetchError(f"cannot resolve host {for_message(host)!r}: {exc}") from None
    return [str(info[4][0]) for info in infos]


_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, private in practice
# IPv6 ranges that carry an IPv4 address. Those that reach the IPv4 internet for real
# (IPv4-mapped, well-known NAT64, 6to4) are judged by the IPv4 address they embed;
# the rest are refused outright: nothing a news site publishes lives there.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_REFUSED_V6 = tuple(ipaddress.ip_network(n) for n in (
    "64:ff9b:1::/48",  # NAT64 local use (RFC 8215): private by definition
    "2001::/32",  # Teredo: the client address is only obfuscated
    "::/96",  # IPv4-compatible (deprecated), also :: and ::1
    "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 address leads to."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def is_forbidden(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _REFUSED_V6):
            return True
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_forbidden(inner)
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 zone (%eth0) is not part of it
    except ValueError:
        return None


@dataclass
class FetchScope:
    """The fetch this thread is making: the URL to name in errors, and when it must end."""

    url: str
    deadline: float  # a time.monotonic() value

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


# httpcore hands the network backend only a host and a port, so the fetch in
# progress reaches it this way; fetching is synchronous, one fetch per thread.
current_fetch: ContextVar[FetchScope | None] = ContextVar("storyline_current_fetch", default=None)


def within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """`timeout` shortened to what is left of the current fetch's deadline."""
    scope = current_fetch.get()
    if scope is None:
        return timeout
    remaining = scope.remaining()
    if remaining <= 0:
        raise expired("the fetch deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


class AddressPolicy:
    def __init__(self, settings: FetchSettings, resolver: Resolver | None = None):
        self.settings = settings
        self.resolver = resolver or system_resolver
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]

    def check_address(self, address: str, url: str) -> None:
        ip = _ip_literal(address)
        if ip is None:
            raise RefusedURL(f"refused {for_message(url)}: not an IP address: {for_message(address)!r}")
        if self.settings.allow_private or not is_forbidden(ip):
            return
        if any(ip in net for net in self.allowed):
            return
        raise RefusedURL(
            f"refused {for_message(url)}: it resolves to {ip}, a private, loopback, link-local, "
            "multicast or reserved address (use --allow-private to permit it)"
        )

    def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """The URL as httpx will request it, or RefusedURL. Host names are vetted at connect time."""
        shown = for_message(str(url))
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
            scheme, host, port = parsed.scheme, parsed.host, parsed.port
        except (httpx.InvalidURL, TypeError, ValueError) as exc:  # UnicodeError (IDNA) is a ValueError
            raise RefusedURL(f"refused {shown}: not a valid URL ({for_message(str(exc))})") from None
        if scheme not in ("http", "https"):
            raise RefusedURL(f"refused {shown}: only http and https URLs are fetched")
        if not host:
            raise RefusedURL(f"refused {shown}: no host name")
        if port is not None and not 0 < port < 65536:
            raise RefusedURL(f"refused {shown}: bad port {port}")
        only = self.settings.only_hosts
        if only is not None and host not in only:
            raise RefusedURL(f"refused {shown}: host {for_message(host)} is not in the allowed host list")
        if _ip_literal(host) is not None:
            self.check_address(host, str(url))
        return parsed

    def vetted_addresses(self, host: str, port: int, url: str,
                         timeout: float | None = None) -> list[str]:
        """Every address `host` resolves to, once each answer has passed the policy."""
        if _ip_literal(host) is not None:
            addresses = [host]
        else:
            addresses = _resolve(self.resolver, host, port, timeout)
        if not addresses:
            raise FetchError(f"cannot resolve host {for_message(host)!r}")
        for address in addresses:
            self.check_address(address, url)
        return addresses


def _resolve(resolver: Resolver, host: str, port: int, timeout: float | None) -> list[str]:
    """Run the resolver, giving up after `timeout` (getaddrinfo itself cannot be interrupted)."""
    if timeout is None:
        return list(resolver(host, port))
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["addresses"] = list(resolver(host, port))
        except Exception as exc:  # handed to the fetching thread below
            outcome["error"] = exc

    thread = threading.Thread(target=lookup, name="storyline-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:g}s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["addresses"]  # type: ignore[return-value]


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, resolving through the policy and connecting
    only to an address that passed it; TLS (SNI, certificate) still uses the host name."""

    def __init__(self, policy: AddressPolicy):
        super().__init__()
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options=None) -> httpcore.NetworkStream:
        scope = current_fetch.get()
        url = scope.url if scope else f"{host}:{port}"
        addresses = self.policy.vetted_addresses(
            host, port, url, within_deadline(timeout, httpcore.ConnectTimeout))
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, within_deadline(timeout, httpcore.ConnectTimeout),
                    local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the next address, as socket.create_connection does
                continue
            try:
                self._check_peer(stream, url)
            except BaseException:
                stream.close()
                raise
            return DeadlineStream(stream)
        assert failure is not None
        raise failure

    def _check_peer(self, stream: httpcore.NetworkStream, url: str) -> None:
        sock = stream.get_extra_info("socket")
        if sock is not None:
            self.policy.check_address(str(sock.getpeername()[0]), url)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout = within_deadline(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)
