"""A stdlib HTTPS server on a loopback address with a random port and a `trustme` CA, run in a daemon thread:
the lifecycle every in-process simulator shares (sim/nsx, sim/vio).

Loopback only: every simulated endpoint listens on 127.0.0.0/8 (the project's rule; a non-loopback host is
refused here, before any socket exists), and the certificate names the address, 127.0.0.1 and localhost,
so clients verify it against `ca_pem` instead of turning verification off. A simulated datacenter passes
one CA to all of them (sim/datacenter.py); alone, each makes its own.

A fixed port when asked (a stack file names it), else a free one. `bind` then `activate` lets a simulator hold its port bound but not listening (connection refused) until
it chooses: the VIO Manager's first boot (sim/vio/server.py).
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def require_loopback(host: str, what: str) -> str:
    """`host` if it is a loopback IPv4 address, else a ValueError naming `what`."""
    try:
        if ipaddress.ip_address(host) in LOOPBACK:
            return host
    except ValueError:
        pass
    raise ValueError(f"{what}: {host!r} is not a loopback address; simulators listen on 127.0.0.0/8 only")


class LoopbackTlsServer:
    def __init__(self, name: str, *, ca: trustme.CA | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.name = name
        self.host = require_loopback(host, name)
        self.requested_port = port  # 0: a free one
        self._ca = ca or trustme.CA()
        self._cert = self._ca.issue_cert(*dict.fromkeys([host, "127.0.0.1", "localhost"]))
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def ca_pem(self) -> str:
        """The CA that signed the server's certificate, PEM."""
        return self._ca.cert_pem.bytes().decode()

    @property
    def port(self) -> int:
        assert self._server is not None, f"{self.name} not started"
        return int(self._server.server_address[1])

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def listening(self) -> bool:
        return self._thread is not None

    def bind(self, handler: type[BaseHTTPRequestHandler],
             server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer) -> ThreadingHTTPServer:
        """Bind a random port with TLS, not yet listening: connections are refused until `activate`."""
        server = server_class((self.host, self.requested_port), handler, bind_and_activate=False)
        server.daemon_threads = True
        server.server_bind()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._cert.configure_cert(ctx)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self._server = server
        return server

    def activate(self) -> None:
        """Listen and serve in a daemon thread."""
        server = self._server
        assert server is not None, f"{self.name} not bound"
        server.server_activate()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=self.name, daemon=True)
        self._thread.start()

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.bind(handler)
        self.activate()

    def shutdown(self) -> None:
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
                self._thread = None
            self._server.server_close()
            self._server = None


class JsonHandler(BaseHTTPRequestHandler):
    """What every simulator's request handler shares: HTTP/1.1, silence, the body read, a JSON reply."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one segment per reply: no 40 ms delayed-ACK stall per call

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests capture stderr to look for leaked secrets

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply_json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode() if data is not None else b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout tests)
