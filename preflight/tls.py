"""The certificate a vCenter presents, and what a port speaks when a connection fails.

`resourceVcenterThumbprint` is what NSX's compute manager registration trusts for the resource vCenter
(NSX `UsernamePasswordLoginCredential.thumbprint`: SHA-256 of the DER certificate, colon-hex; SHA-1 on
older releases). Preflight fetches the certificate with one TLS handshake of its own, trusted or not (the
trust decision is the SOAP connection's), so a mismatch is reported with both fingerprints before NSX
refuses the registration.

A failed connection is explained by what came back, not guessed: TLS to a port that answers plain HTTP
(`HTTP/1.x` where a TLS record was expected), plain HTTP to a port that completes a TLS handshake.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
from collections.abc import Callable
from typing import Literal

Speaks = Literal["tls", "http", "other", "nothing"]


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02X}" for b in digest)


def fingerprints(der: bytes) -> dict[str, str]:
    """SHA-1 and SHA-256 of a DER certificate, colon-hex upper case (the form NSX and vCenter show)."""
    return {"sha1": colon_hex(hashlib.sha1(der).digest()),  # a fingerprint, not a signature
            "sha256": colon_hex(hashlib.sha256(der).digest())}


def normalize(thumbprint: str) -> str:
    return thumbprint.strip().upper().replace("-", ":")


def algorithm(thumbprint: str) -> str:
    """SHA-1 (20 bytes) or SHA-256 (32 bytes), by length: the two forms resourceVcenterThumbprint takes."""
    return "sha1" if len(normalize(thumbprint).split(":")) == 20 else "sha256"


def _connect(host: str, port: int, timeout: float, track: Callable[[socket.socket], None]) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    track(sock)
    return sock


def peer_certificate(host: str, port: int, timeout: float,
                     track: Callable[[socket.socket], None] = lambda _s: None) -> bytes:
    """The DER certificate `host:port` presents, whoever signed it. Raises OSError / ssl.SSLError.

    `track` receives the socket first, so that a caller's deadline can shut it down mid-handshake.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with _connect(host, port, timeout, track) as raw, context.wrap_socket(raw, server_hostname=host) as tls:
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError(f"{host}:{port} completed the handshake without a certificate")
    return der


def speaks(host: str, port: int, timeout: float,
           track: Callable[[socket.socket], None] = lambda _s: None) -> Speaks:
    """What the port answers: a TLS handshake ("tls"), an HTTP status line to a plain request ("http"),
    something else, or nothing at all."""
    try:
        peer_certificate(host, port, timeout, track)
        return "tls"
    except (ssl.SSLError, ConnectionError, TimeoutError):
        pass
    except OSError:
        return "nothing"
    try:
        with _connect(host, port, timeout, track) as sock:
            sock.sendall(f"HEAD / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            first = sock.recv(8)
    except OSError:
        return "nothing"
    if first.startswith(b"HTTP/"):
        return "http"
    return "other" if first else "nothing"


def explain(protocol: str, seen: Speaks) -> str | None:
    """A protocol mismatch in words, or None when what the port speaks is what was spoken."""
    if protocol == "https" and seen == "http":
        return "TLS to a plain-text port: the port answers plain HTTP, not TLS"
    if protocol == "http" and seen == "tls":
        return "plain text to a TLS port: the port completes a TLS handshake, it does not speak plain HTTP"
    return None
