"""A simulated vCenter in the shape of sim/system.py: the sim/vcsim/engine binary (sim/vcsim/vcenter.py)
with an inventory from a stack's settings, serving a certificate of the given CA on the stack's loopback
address and port."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Literal

import trustme

from components.settings import Settings, VcenterEndpoint
from sim.system import Endpoint
from sim.tls_server import require_loopback
from sim.vcsim import vcenter

Role = Literal["management", "resource"]


class Vcenter:
    def __init__(self, spec: dict[str, Any], *, ca: trustme.CA | None = None, tls_dir: Path | None = None) -> None:
        self.spec = spec
        self.engine: vcenter.Engine | None = None
        self._ca, self._tls_dir = ca, tls_dir

    @property
    def faults(self) -> None:
        return None  # govmomi's simulator: shape the inventory (the spec) instead

    def _tls(self) -> tuple[Path, Path] | None:
        if self._ca is None or self._tls_dir is None:
            return None
        host = self.spec.get("host", "127.0.0.1")
        leaf = self._ca.issue_cert(*dict.fromkeys([host, "127.0.0.1", "localhost"]))
        self._tls_dir.mkdir(parents=True, exist_ok=True)
        cert, key = self._tls_dir / f"vcenter-{host}.pem", self._tls_dir / f"vcenter-{host}.key"
        with cert.open("wb") as f:
            for blob in leaf.cert_chain_pems:
                f.write(blob.bytes())
        leaf.private_key_pem.write_to_path(str(key))
        key.chmod(0o600)
        return cert, key

    def start(self) -> vcenter.Engine:
        self.engine = vcenter.start(self.spec, self._tls())
        return self.engine

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None

    @property
    def endpoint(self) -> Endpoint:
        assert self.engine is not None, "vCenter not started"
        ca = self._ca.cert_pem.bytes().decode() if self._ca is not None else ""
        return Endpoint(f"https://{self.engine.host}:{self.engine.port}", ca, self.engine.user, self.engine.password)


def for_settings(settings: Settings, role: Role, *, ca: trustme.CA | None = None, tls_dir: Path | None = None,
                 password: str | None = None, bind_stack_address: bool = True) -> Vcenter:
    """The `role` vCenter of `settings` (sim/vcsim/vcenter.py's specs), on the stack's server and port when
    `bind_stack_address` (which must then be loopback), else a free port on 127.0.0.1."""
    target: VcenterEndpoint
    if role == "management":
        spec, target = vcenter.management_spec(settings), settings.management_vcenter
    else:
        spec, target = vcenter.resource_spec(settings), settings.resource_vcenter
    spec["password"] = password or secrets.token_urlsafe(18)
    if bind_stack_address:
        spec["host"] = require_loopback(str(target.server), f"{role}Vcenter.server")
        spec["port"] = target.port
    return Vcenter(spec, ca=ca, tls_dir=tls_dir)
