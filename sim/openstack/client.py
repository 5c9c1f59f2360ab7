"""A minimal Keystone v3 + REST client (stdlib only) for the simulator's own checks and tests.

Authenticates with a password scoped to a project (POST /v3/auth/tokens), reads the service catalog from
the token, and sends JSON to the endpoint of a service type on a chosen interface. Errors carry the
status and Neutron/Nova/Octavia's own message (the `NeutronError`, `badRequest`, `faultstring` bodies).
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


class ApiError(RuntimeError):
    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} -> {status}: {body[:800]}")
        self.status, self.body = status, body


@dataclass
class Client:
    auth_url: str
    username: str
    password: str
    project: str
    cafile: str
    domain: str = "Default"
    region: str = "nova"
    interface: str = "public"
    token: str = ""
    catalog: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ssl = ssl.create_default_context(cafile=self.cafile)
        self.login()

    def login(self) -> None:
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.username, "password": self.password, "domain": {"name": self.domain}}}},
            "scope": {"project": {"name": self.project, "domain": {"name": self.domain}}},
        }}
        headers, reply = self._send("POST", self.auth_url.rstrip("/") + "/auth/tokens", body, {})
        self.token = headers["X-Subject-Token"]
        self.catalog = {
            svc["type"]: ep["url"].rstrip("/")
            for svc in reply["token"]["catalog"]
            for ep in svc["endpoints"]
            if ep["interface"] == self.interface and ep.get("region_id", ep.get("region")) == self.region
        }

    def _send(self, method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[Any, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Content-Type": "application/json", "Accept": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=120) as reply:
                raw = reply.read().decode()
                return reply.headers, (json.loads(raw) if raw.strip() else None)
        except urllib.error.HTTPError as e:
            raise ApiError(method, url, e.code, e.read().decode(errors="replace")) from None

    def call(self, service: str, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        """`service` is a catalog type (identity, network, compute, load-balancer)."""
        base = self.catalog[service]
        if service == "identity" and not base.endswith("/v3"):
            base += "/v3"
        if service == "network" and not base.endswith("/v2.0"):
            base += "/v2.0"
        return self._send(method, base + path, body, {"X-Auth-Token": self.token, **(headers or {})})[1]

    def get(self, service: str, path: str) -> Any:
        return self.call(service, "GET", path)
