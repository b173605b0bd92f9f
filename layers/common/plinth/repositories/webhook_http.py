"""Webhook deliveries over HTTPS (stdlib `http.client`: no extra dependency at cold start).

The host is resolved here, every address it resolves to is checked (`allowed`: the
container gives `plinth.logic.webhooks.is_public_address`, or accepts any address where
private targets are allowed), and the connection goes to the checked address, with the
URL's host name for SNI, certificate verification and `Host`: a DNS answer that changes
between check and connect cannot send the request elsewhere.
Redirects are never followed (a 3xx is a failed attempt).

`loopback_alias` is for `plinth dev --sam` only: a function in a container reaches the
host's 127.0.0.1 through the Docker bridge (172.17.0.1), so a loopback target connects
there, keeping the URL's host in `Host`.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable
from urllib.parse import urlsplit

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


class HttpWebhookTransport:
    def __init__(
        self,
        allowed: Callable[[str], bool],
        timeout_s: float = 10.0,
        loopback_alias: str | None = None,
    ) -> None:
        self.allowed = allowed
        self.timeout_s = timeout_s
        self.loopback_alias = loopback_alias

    def post(self, url: str, headers: dict[str, str], body: str) -> tuple[int | None, str | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        try:
            address = self._address(host, port)
        except (OSError, ValueError) as exc:
            return None, f"refused: {exc}"
        kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = kind(host, port, address, self.timeout_s)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # a bounded drain; the body is not kept
            return response.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"[:200]
        finally:
            connection.close()

    def _address(self, host: str, port: int) -> str:
        """The address to connect to: the first the host resolves to, every one of them
        allowed (a loopback host means the alias, which is checked the same way)."""
        if self.loopback_alias and host in _LOOPBACK:
            addresses = [self.loopback_alias]
        else:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [str(info[4][0]) for info in found]
        if not addresses:
            raise ValueError(f"{host} does not resolve")
        if not all(self.allowed(a) for a in addresses):
            raise ValueError(f"{host} resolves to a non-public address")
        return addresses[0]
