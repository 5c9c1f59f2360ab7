"""The shape every simulated system of sim/ shares (one folder each: sim/vcsim, sim/nsx, sim/vio,
sim/openstack), so the simulated datacenter (sim/datacenter.py) and the tests drive them alike.

Each package exposes `for_settings(settings, *, ca=None, **options) -> System`: a simulator shaped from a
stack's validated settings (what that system holds before the program runs), not yet started. A System:

- `start()` serves it on loopback (127.0.0.0/8 only) and returns it; `stop()` ends it, idempotent;
- `endpoint`: what a client needs, as an `Endpoint` (url, CA PEM, user, password), once started;
- `faults`: the system's fault switches (each documents when it fires), or None where the system is real
  software rather than ours (OpenStack: break it by stopping a service).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Endpoint:
    url: str
    ca_pem: str
    user: str
    password: str

    def __repr__(self) -> str:  # never print a credential by accident
        return f"Endpoint(url={self.url!r}, user={self.user!r})"


class System(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...

    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def faults(self) -> Any: ...
