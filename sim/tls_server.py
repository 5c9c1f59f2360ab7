"""A stdlib HTTPS server on 127.0.0.1 with a random port and a `trustme` test CA, run in a daemon thread:
the lifecycle the simulators share (sim/nsx uses it; sim/vio has its own copy from before this module).

Loopback only: every simulated endpoint listens on 127.0.0.0/8 (the project's rule), and the certificate
names 127.0.0.1 and localhost, so clients verify it against `ca_pem` instead of turning verification off.
"""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme


class LoopbackTlsServer:
    def __init__(self, name: str) -> None:
        self.name = name
        self._ca = trustme.CA()
        self._cert = self._ca.issue_cert("127.0.0.1", "localhost")
        self._server: ThreadingHTTPServer | None = None

    @property
    def ca_pem(self) -> str:
        """The test CA that signed the server's certificate, PEM."""
        return self._ca.cert_pem.bytes().decode()

    @property
    def port(self) -> int:
        assert self._server is not None, f"{self.name} not started"
        return int(self._server.server_address[1])

    @property
    def running(self) -> bool:
        return self._server is not None

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._cert.configure_cert(ctx)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=self.name,
                         daemon=True).start()

    def shutdown(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
