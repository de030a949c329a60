"""The one way frontlines reads from the network: pages, feeds and anything they name.

A URL someone hands us may point anywhere, so every fetch is fenced:
- only http and https;
- the host is resolved and a connection is refused when the address is loopback,
  private, link-local, multicast, reserved or unspecified (unless `allow_private`).
  The check runs where the socket is opened, on the address actually connected to, so
  a redirect or a DNS answer that changes between check and use cannot slip past it;
- redirects are followed by hand, at most `MAX_REDIRECTS`, each hop checked again;
- one deadline for the whole fetch (connect, TLS, headers, every read): a server that
  trickles a byte every few seconds is cut off when the deadline passes, not reset;
- a byte cap on the body (declared and counted), and a User-Agent that says who we are.

The body comes back as bytes; callers parse it themselves (feeds included: a body is
never handed to a library that might treat it as a URL or a path).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from frontlines.errors import InputError

MAX_BYTES = 5_000_000
DEADLINE_S = 20.0
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("frontlines")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        release = "0"
    return f"frontlines/{release} (conflict-event extraction; one fetch per report)"


@dataclass(frozen=True)
class Fetched:
    """A fetched body and where it finally came from."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # lower case, parameters included
    body: bytes
    status: int = 200  # 304 (and an empty body) when a conditional GET found no change
    etag: str = ""  # validators for the next conditional GET (`frontlines watch`)
    last_modified: str = ""


class Refused(Exception):
    """A connection the fence does not allow (carried through httpcore as ConnectError)."""


def address_problem(ip: str) -> str | None:
    """Why an address may not be fetched from, or None when it may."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    checks = [
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("unspecified", addr.is_unspecified),
        ("reserved", addr.is_reserved),
        ("private", addr.is_private or not addr.is_global),
    ]
    for name, hit in checks:
        if hit:
            return f"{name} address {addr}"
    return None


def _network_backend(deadline: float, allow_private: bool, allowed: frozenset[str]) -> Any:
    """An httpcore network backend that checks every address it connects to and holds
    every socket operation to the fetch's one deadline."""
    import httpcore

    def remaining(timeout: float | None) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return bytes(self.inner.read(max_bytes, remaining(timeout)))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, remaining(timeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(
            self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
        ) -> Any:
            return DeadlineStream(
                self.inner.start_tls(ssl_context, server_hostname, remaining(timeout))
            )

        def get_extra_info(self, info: str) -> Any:
            return self.inner.get_extra_info(info)

    class FencedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}") from exc
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
            if not allow_private:
                for ip in addresses:
                    problem = None if ip in allowed else address_problem(ip)
                    if problem:
                        # one bad address refuses the host: a round-robin answer must not
                        # reach an inside address on some tries
                        raise httpcore.ConnectError(f"refused: {host} resolves to a {problem}")
            last: Exception | None = None
            for ip in addresses:
                try:
                    stream = super().connect_tcp(
                        ip, port, remaining(timeout), local_address, socket_options
                    )
                    return DeadlineStream(stream)
                except httpcore.ConnectError as exc:
                    last = exc
            raise httpcore.ConnectError(f"cannot connect to {host}") from last

    return FencedBackend()


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    allowed_addresses: Iterable[str] = (),
    deadline_s: float = DEADLINE_S,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """GET `url` inside the fence; InputError (one line, naming the URL) when it fails.

    `allow_private` lets every address through; `allowed_addresses` only those named
    (a proxy or an intranet feed server one trusts). `etag` / `last_modified` make it a
    conditional GET: an unchanged resource answers 304, returned with an empty body."""
    import httpcore
    import httpx

    deadline = time.monotonic() + deadline_s
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its pool without a way to pass a network backend: replace it with one
    # that carries the address check and the deadline
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_network_backend(deadline, allow_private, frozenset(allowed_addresses)),
        max_connections=4,
    )
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    try:
        with httpx.Client(
            transport=transport, follow_redirects=False, trust_env=False, headers=headers
        ) as client:
            for _hop in range(max_redirects + 1):
                _check_scheme(url, current)
                left = max(deadline - time.monotonic(), 0.001)
                with client.stream("GET", current, timeout=left) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP {response.status_code}")
                    validators = {
                        "etag": response.headers.get("etag", ""),
                        "last_modified": response.headers.get("last-modified", ""),
                    }
                    content_type = response.headers.get("content-type", "").lower()
                    if response.status_code == 304:
                        return Fetched(url, current, content_type, b"", 304, **validators)
                    body = _read_capped(url, response, max_bytes, deadline, deadline_s)
                    return Fetched(
                        url, current, content_type, body, response.status_code, **validators
                    )
            raise InputError(url, f"more than {max_redirects} redirects")
    except httpx.TimeoutException as exc:
        raise InputError(url, f"timed out after {deadline_s:g} s") from exc
    except httpx.ConnectError as exc:
        message = str(exc)
        if message.startswith("refused:"):
            raise InputError(url, message + " (use --allow-private to fetch from it)") from exc
        raise InputError(url, f"fetch failed ({message or exc.__class__.__name__})") from exc
    except httpx.HTTPError as exc:
        raise InputError(url, f"fetch failed ({exc.__class__.__name__})") from exc


def _check_scheme(url: str, current: str) -> None:
    scheme = urlsplit(current).scheme.lower()
    if scheme not in ("http", "https"):
        where = "" if current == url else f" (redirected to {current})"
        raise InputError(url, f"only http and https URLs are fetched{where}")


def _read_capped(
    url: str, response: Any, max_bytes: int, deadline: float, deadline_s: float
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(url, f"too large ({declared} bytes > {max_bytes})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(url, f"too large (over {max_bytes} bytes)")
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise InputError(url, f"timed out after {deadline_s:g} s")
    return b"".join(chunks)
