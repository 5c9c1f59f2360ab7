"""The real OpenStack services in the shape of sim/system.py, from a stack's settings: they listen on the
API access network's public VIP (`apiAccessNetwork.publicVip`, loopback in a simulated datacenter) and
name `openstack.publicHostname` in the catalog, with the admin the stack's `openstack.*` keys describe.
They run as processes of their own (services.py) and outlive the caller until `stop()`. `ca`: the one CA of
a simulated datacenter, put in place of the simulator's own before the certificates are made."""

from __future__ import annotations

from pathlib import Path

import trustme

from components.settings import Settings
from sim.openstack import services
from sim.openstack.layout import Admin, Layout
from sim.system import Endpoint


class OpenStack:
    def __init__(self, layout: Layout, ca: trustme.CA | None = None) -> None:
        self.layout, self._ca = layout, ca
        self.timings: services.Timings | None = None

    @property
    def faults(self) -> None:
        return None  # real services: stop one (procs.stop) to break it

    def _install_ca(self) -> None:
        if self._ca is None:
            return
        tls = self.layout.dir("tls")
        pem = self._ca.cert_pem.bytes()
        if (tls / "ca.pem").exists() and (tls / "ca.pem").read_bytes() == pem:
            return
        for stale in ("server.pem", "server.key", "names.json"):  # issued by another CA
            (tls / stale).unlink(missing_ok=True)
        self._ca.cert_pem.write_to_path(str(tls / "ca.pem"))
        self._ca.private_key_pem.write_to_path(str(tls / "ca.key"))
        (tls / "ca.key").chmod(0o600)

    def start(self) -> OpenStack:
        self._install_ca()
        self.timings = services.start(self.layout)
        return self

    def stop(self) -> None:
        services.stop(self.layout)

    def running(self) -> dict[str, int | None]:
        return services.status(self.layout)

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.layout.auth_url, self.layout.ca_file.read_text(), self.layout.admin.username,
                        self.layout.admin.password)


def for_settings(settings: Settings, *, state: Path, ca: trustme.CA | None = None,
                 password: str | None = None) -> OpenStack:
    o = settings.openstack
    admin = Admin(username=o.username, password=password or Admin.password, project=o.project_name,
                  domain=o.user_domain, region=o.region)
    vip = settings.api_access_network.public_vip if settings.api_access_network else None
    layout = Layout.create(ip=str(vip) if vip else None, public_host=str(o.public_hostname), state=state,
                           admin=admin)
    return OpenStack(layout, ca)
