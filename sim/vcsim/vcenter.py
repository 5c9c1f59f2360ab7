"""The simulated vCenters of the `sim` datacenter: build, start and stop sim/vcsim/engine (a Go module of
ours on govmomi's simulator) with an inventory shaped by a stack's settings.

The binary is built with `go build` into a cache outside the checkout, keyed by a hash of the module's
go.mod, go.sum and Go sources, and reused while they are unchanged. The engine listens on 127.0.0.1 only,
serves TLS with a given PEM pair (the run's local CA) or a self-signed certificate, and answers the
terraform-provider-vsphere connect sequence (SOAP login, REST session, PBM). VMs whose vApp properties
carry an address boot like the VIO Manager appliance: `boot_delay_ms` after power-on their guest reports
it (guest.ipAddress, guest.net, guest.ipStack), so `wait_for_guest_net_timeout` waits as in production.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.settings import Settings
from sim.vcsim import simulator

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "sim" / "vcsim" / "engine"
CACHE = Path(os.environ.get("VIO_NFV_CACHE", Path.home() / ".cache" / "vio-nfv")) / "vcsim-engine"
#: The module needs Go >= its go.mod `go` line; Debian's go is older, /usr/local/go is the project's.
GO_CANDIDATES = ("/usr/local/go/bin/go",)
#: What the Manager OVA's hardware implies for sizing the simulated hosts: room for the Manager and VIO's
#: controllers (RA 2.2 "VIO sizing"), as the preflight capacity check expects.
HOSTS_PER_CLUSTER = 3


class EngineError(RuntimeError):
    pass


def go_binary() -> str:
    for candidate in (os.environ.get("VIO_NFV_GO", ""), *GO_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("go")
    if found is None:
        raise EngineError("building sim/vcsim/engine needs Go >= 1.25 (set VIO_NFV_GO or install /usr/local/go)")
    return found


def source_key() -> str:
    """Hash of what the binary is built from: go.mod, go.sum and every Go source of the module."""
    digest = hashlib.sha256()
    for path in sorted([MODULE / "go.mod", MODULE / "go.sum", *MODULE.glob("*.go")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def binary_path() -> Path:
    return CACHE / source_key() / "vcsim-engine"


def build() -> Path:
    """The engine binary, built on first use for these sources (minutes cold, seconds with a warm Go cache)."""
    binary = binary_path()
    if binary.is_file():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed: parallel test workers may build at once, and none may run a half binary.
    fd, partial = tempfile.mkstemp(prefix="vcsim-engine.", dir=binary.parent)
    os.close(fd)
    command = ["nice", "-n", "10", go_binary(), "build", "-mod=readonly", "-trimpath", "-o", partial, "."]
    done = subprocess.run(command, cwd=MODULE, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        os.unlink(partial)
        raise EngineError(f"`{' '.join(command)}` in {MODULE} failed:\n{done.stderr.strip()}")
    os.chmod(partial, 0o755)
    os.replace(partial, binary)
    return binary


@dataclass(kw_only=True)  # its fields follow the base's defaulted ones (objects, cert_pem, ...)
class Engine(simulator.Simulator):
    """One running simulated vCenter (stopped as preflight's simulator is: stdin closed, then SIGKILL after
    10 s). `host`/`port` are what a stack's `server`/`port` take."""

    host: str
    thumbprint: str
    datacenters: dict[str, Any]
    user: str
    password: str
    #: The engine's stderr (vcsim's log and ours): a file, so a long run never blocks on a full pipe.
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        super().stop()
        self.log_path.unlink(missing_ok=True)


def start(spec: dict[str, Any], tls: tuple[Path, Path] | None = None) -> Engine:
    """Serve `spec` on a free loopback port; credentials are random unless the spec sets them. `tls`: a PEM
    certificate (chain) and key to serve instead of the self-signed default."""
    binary = build()
    spec = {"user": "administrator@vsphere.local", "password": secrets.token_urlsafe(18), **spec}
    fd, name = tempfile.mkstemp(prefix="vcsim-engine-spec-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(spec, f)
    command = [str(binary), "-spec", name]
    if tls is not None:
        command += ["-tlscert", str(tls[0]), "-tlskey", str(tls[1])]
    log_path = Path(name).with_suffix(".log")
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait()
        Path(name).unlink(missing_ok=True)
        error = log_path.read_text(errors="replace").strip()
        log_path.unlink(missing_ok=True)
        raise EngineError(f"vcsim-engine did not start: {error}")
    ready = json.loads(line)
    return Engine(
        process, ready["url"], int(ready["port"]), Path(name), host=ready["host"], thumbprint=ready["thumbprint"],
        datacenters=ready["datacenters"], user=spec["user"], password=spec["password"], log_path=log_path,
    )


@contextmanager
def running(spec: dict[str, Any], tls: tuple[Path, Path] | None = None) -> Iterator[Engine]:
    engine = start(spec, tls)
    try:
        yield engine
    finally:
        engine.stop()


# ------------------------------------------------------------------------------------ inventory specs


def _guest_properties(settings: Settings) -> dict[str, str]:
    keys = settings.vio.manager.ovf_properties
    guest = {"ip": keys.address, "netmask": keys.netmask, "gateway": keys.gateway, "dns": keys.dns,
             "domain": keys.domain}
    if keys.hostname:
        guest["hostname"] = keys.hostname
    return guest


def management_spec(settings: Settings, boot_delay_ms: int = 2000) -> dict[str, Any]:
    """The management vCenter as the stack expects to find it: the datacenter, cluster, datastore and
    distributed switch it looks up, and on the switch only the port groups the stack adopts
    (`existing: true`); the ones it creates must not exist yet."""
    m = settings.management_vcenter
    adopted = [
        net.port_group
        for net in (settings.management_network, settings.api_access_network)
        if net is not None and net.existing
    ]
    return {
        "user": m.username,
        "version": "8.0.2",
        "bootDelayMs": boot_delay_ms,
        "guestProperties": _guest_properties(settings),
        "datacenters": [
            {
                "name": m.datacenter,
                "clusters": [{"name": m.cluster, "hosts": HOSTS_PER_CLUSTER}],
                "datastores": [{"name": m.datastore, "capacityGB": 4096, "freeGB": 3072}],
                "switches": [{"name": m.distributed_switch, "portGroups": adopted}],
            }
        ],
    }


def resource_spec(settings: Settings) -> dict[str, Any]:
    """The resource vCenter: its datacenter, compute clusters (and three-pod's edge cluster), datastore, and
    one distributed switch `<datacenter>-dvs` whose managed object id (the ready line's
    `datacenters[...].switches`) is what a stack's `resourceVcenter.dvsMoid` takes."""
    r = settings.resource_vcenter
    clusters = list(dict.fromkeys([*r.compute_clusters, *([r.edge_cluster] if r.edge_cluster else [])]))
    return {
        "user": r.username,
        "version": "8.0.2",
        "datacenters": [
            {
                "name": r.datacenter,
                "clusters": [{"name": c, "hosts": HOSTS_PER_CLUSTER} for c in clusters],
                "datastores": [{"name": r.datastore, "capacityGB": 16384, "freeGB": 8192}],
                "switches": [{"name": f"{r.datacenter}-dvs", "portGroups": []}],
            }
        ],
    }
