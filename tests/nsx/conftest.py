"""A seeded NSX simulator per test (a start costs a TLS certificate and well under a second), and a client
that speaks to it the way terraform-provider-nsxt does: basic auth on every call, JSON bodies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from preflight.nsx import NsxClient, NsxEndpoint
from sim.nsx import NsxSimulator
from sim.nsx.seed import for_stack

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "Pulumi.prod.yaml"
POLICY = "/policy/api/v1"
#: terraform-provider-nsxt v3.11.0 built from its source tree (`go build` at the tag; the Go module proxy
#: does not serve that commit), for the e2e tests.
NSXSIM_CACHE = Path.home() / ".cache/vio-nfv/nsxsim"
PROVIDER = Path(os.environ.get("VIONFV_NSXT_PROVIDER") or NSXSIM_CACHE / "terraform-provider-nsxt_v3.11.0")


class Api:
    """Replays a provider call: `call(method, path, body)` -> (status, JSON body)."""

    def __init__(self, sim: NsxSimulator, *, password: str | None = None, timeout: float = 10.0) -> None:
        ep = NsxEndpoint("127.0.0.1", sim.port, sim.user, password if password is not None else sim.password)
        self.client = NsxClient(ep, timeout=timeout, cadata=sim.ca_pem)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        status, data, _ = self.client.request(method, path, body, headers)
        return status, data

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, data = self.call(method, path, body)
        assert status in (200, 201), f"{method} {path} -> {status} {data}"
        return data


@pytest.fixture
def sim() -> Iterator[NsxSimulator]:
    simulator = for_stack(PROD)
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def api(sim: NsxSimulator) -> Api:
    return Api(sim)
