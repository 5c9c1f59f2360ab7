"""Where the simulator's processes listen and keep their state, and the credentials they share.

Everything listens on one loopback address (127.0.0.17 by default, VIONFV_OPENSTACK_IP or --ip): the
OpenStack APIs on their registered default ports (Keystone 5000, Neutron 9696, Nova 8774, Octavia 9876,
as VIO's public VIP serves them), MariaDB and RabbitMQ beside them. The public endpoints of the catalog
name `public_host` (the simulated VIO's public hostname/VIP; the IP unless given): whoever resolves that
name to the IP reaches the same listeners. State (databases, keys, configs, logs, pid files) lives in
~/.cache/vio-nfv/openstack-<release>-state unless VIONFV_OPENSTACK_STATE says otherwise.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sim.openstack.release import CACHE, RELEASE

DEFAULT_IP = "127.0.0.17"
#: (service, catalog type, port) of the APIs; the order is the start order.
APIS: tuple[tuple[str, str, int], ...] = (
    ("keystone", "identity", 5000),
    ("neutron", "network", 9696),
    ("nova", "compute", 8774),
    ("octavia", "load-balancer", 9876),
)
MARIADB_PORT, RABBIT_PORT, EPMD_PORT = 3306, 5672, 4369


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Admin:
    """The cloud admin VIO creates: components.settings.OpenStack's defaults (admin / admin / Default)."""

    username: str = "admin"
    password: str = "vio-Secret-1"
    project: str = "admin"
    domain: str = "Default"
    region: str = "nova"


@dataclass(frozen=True)
class Layout:
    state: Path
    ip: str
    public_host: str
    admin: Admin

    @classmethod
    def create(cls, ip: str | None = None, public_host: str | None = None, state: Path | None = None,
               admin: Admin | None = None) -> Layout:
        ip = ip or os.environ.get("VIONFV_OPENSTACK_IP", DEFAULT_IP)
        try:
            loopback = ipaddress.IPv4Address(ip).is_loopback
        except ipaddress.AddressValueError:
            loopback = False
        if not loopback:
            raise LayoutError(f"--ip {ip!r}: the simulator listens on loopback only; give an address in 127.0.0.0/8")
        state = state or Path(os.environ.get("VIONFV_OPENSTACK_STATE", CACHE / f"openstack-{RELEASE}-state"))
        return cls(state=state, ip=ip, public_host=public_host or ip, admin=admin or Admin())

    # ---- directories
    def dir(self, *parts: str) -> Path:
        path = self.state.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def etc(self) -> Path:
        return self.dir("etc")

    @property
    def logs(self) -> Path:
        return self.dir("log")

    @property
    def pids(self) -> Path:
        return self.dir("run")

    @property
    def ca_file(self) -> Path:
        return self.state / "tls" / "ca.pem"

    # ---- addresses
    def internal_url(self, service: str) -> str:
        return f"https://{self.ip}:{self.port(service)}"

    def public_url(self, service: str) -> str:
        return f"https://{self.public_host}:{self.port(service)}"

    @staticmethod
    def port(service: str) -> int:
        return next(port for name, _, port in APIS if name == service)

    @property
    def auth_url(self) -> str:
        return self.public_url("keystone") + "/v3"

    def describe(self) -> dict[str, object]:
        """What a client of the simulated VIO needs (its deployment's public endpoint, the CA, the admin):
        `python -m sim.openstack status --json` prints it for sim/vio and the tests."""
        a = self.admin
        return {
            "auth_url": self.auth_url, "cacert": str(self.ca_file), "region": a.region, "username": a.username,
            "project_name": a.project, "user_domain": a.domain, "project_domain": a.domain,
            "endpoints": {kind: self.public_url(name) for name, kind, _ in APIS},
        }

    # ---- secrets shared by the services (generated once per state directory)
    def secret(self, name: str) -> str:
        path = self.state / "secrets.json"
        known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        if name not in known:
            known[name] = secrets.token_hex(16)
            self.state.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(known, indent=1))
            path.chmod(0o600)
        return known[name]

    def db_url(self, database: str) -> str:
        return f"mysql+pymysql://openstack:{self.secret('db')}@{self.ip}:{MARIADB_PORT}/{database}?charset=utf8mb4"

    @property
    def transport_url(self) -> str:
        return f"rabbit://openstack:{self.secret('rabbit')}@{self.ip}:{RABBIT_PORT}/"
