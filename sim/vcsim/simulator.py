"""Build, start and stop the vSphere simulator of sim/vcsim, and shape its inventory from a stack's settings.

Used by tests/preflight and benchmarks/preflight_bench. The binary is cached under build/ (gitignored) and
rebuilt when main.go is newer: a build takes about 30 s, a start well under a second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.settings import NAMESPACE, Settings

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "sim" / "vcsim" / "main.go"
BINARY = ROOT / "build" / "vcsim"
#: Debian's golang-github-vmware-govmomi-dev installs the sources here; the build is GOPATH-mode.
GOPATH = "/usr/share/gocode"
USER, PASSWORD = "svc-preflight@vsphere.local", "sim-Secret-1"


class SimulatorError(RuntimeError):
    pass


def build(force: bool = False) -> Path:
    """The simulator binary, built if missing or older than main.go."""
    if not force and BINARY.exists() and BINARY.stat().st_mtime >= SOURCE.stat().st_mtime:
        return BINARY
    go = shutil.which("go")
    if go is None or not Path(GOPATH, "src/github.com/vmware/govmomi/simulator").is_dir():
        raise SimulatorError(
            "building sim/vcsim needs Go and govmomi's sources: "
            "apt-get install golang-go golang-github-vmware-govmomi-dev"
        )
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOPATH": GOPATH, "GO111MODULE": "off"}
    env.setdefault("GOCACHE", str(BINARY.parent / "gocache"))
    # Built aside and renamed: parallel test workers may build at once, and none may run a half binary.
    fd, partial = tempfile.mkstemp(prefix="vcsim.", dir=BINARY.parent)
    os.close(fd)
    done = subprocess.run(
        [go, "build", "-o", partial, "."], cwd=SOURCE.parent, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        os.unlink(partial)
        raise SimulatorError(f"go build of {SOURCE.parent} failed:\n{done.stderr}")
    os.replace(partial, BINARY)
    return BINARY


@dataclass
class Simulator:
    process: subprocess.Popen[str]
    url: str
    port: int
    spec_path: Path
    #: Every folder, pool, port group and VM the spec created: {"kind", "path", "moid", "uuid"?}, by path.
    objects: dict[str, dict[str, str]] = field(default_factory=dict)
    #: With "tls": the certificate served (PEM) and its fingerprints, as computed by the simulator.
    cert_pem: str = ""
    sha1: str = ""
    sha256: str = ""

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.spec_path.unlink(missing_ok=True)


def start(spec: dict[str, Any]) -> Simulator:
    """Serve `spec` on a free loopback port. Stop it with `.stop()` (or use `running`)."""
    binary = build()
    fd, name = tempfile.mkstemp(prefix="vcsim-spec-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({"user": USER, "password": PASSWORD, **spec}, f)
    process = subprocess.Popen(
        [str(binary), "-spec", name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line:
        error = process.stderr.read()
        process.wait()
        Path(name).unlink(missing_ok=True)
        raise SimulatorError(f"vcsim did not start: {error.strip()}")
    served = json.loads(line)
    return Simulator(process, served["url"], int(served["port"]), Path(name),
                     {o["path"]: o for o in served.get("objects") or []}, served.get("certPem", ""),
                     served.get("sha1", ""), served.get("sha256", ""))


@contextmanager
def running(spec: dict[str, Any]) -> Iterator[Simulator]:
    sim = start(spec)
    try:
        yield sim
    finally:
        sim.stop()


# ------------------------------------------------------------------------------------ inventory shapes


def _host_shape(hosts: int) -> dict[str, Any]:
    # Big enough for the HA plane with the default sizing and a margin, small enough to run out.
    return {"hosts": hosts, "cpuCores": 32, "cpuMhz": 2400, "memoryGB": 256, "cpuUsageMhz": 4000,
            "memoryUsageGB": 32}


def management_spec(settings: Settings, hosts: int | None = None) -> dict[str, Any]:
    """A management vCenter that passes every check for `settings`."""
    m = settings.management_vcenter
    net = settings.management_network
    # With `existing: false` a port group must not exist yet: the deployment creates it.
    port_groups = [{"name": n.port_group, "vlan": n.vlan or 0}
                   for n in (net, settings.api_access_network) if n.existing]
    return {
        "user": m.username,
        "version": "8.0.2",
        "datacenters": [
            {
                "name": m.datacenter,
                "clusters": [{"name": m.cluster, **_host_shape(hosts if hosts is not None else 4)}],
                "datastores": [{"name": m.datastore, "capacityGB": 4096, "freeGB": 3072}],
                "switches": [{"name": m.distributed_switch, "portGroups": port_groups}],
                "vms": [
                    *(
                        [{"name": settings.vio.manager.template, "cluster": m.cluster, "template": True}]
                        if settings.vio.manager.template
                        else []
                    ),
                    {"name": "jumphost", "cluster": m.cluster, "ips": [str(net.gateway + 200)]},
                ],
            }
        ],
    }


def resource_spec(settings: Settings, tenant_vms: int = 0) -> dict[str, Any]:
    """A resource vCenter that passes every check for `settings`, with `tenant_vms` VMs holding guest IPs."""
    r = settings.resource_vcenter
    clusters = list(r.compute_clusters) + ([r.edge_cluster] if r.edge_cluster else [])
    dc: dict[str, Any] = {
        "name": r.datacenter,
        "clusters": [{"name": c, **_host_shape(3)} for c in clusters],
        "datastores": [{"name": r.datastore, "capacityGB": 16384, "freeGB": 8192}],
    }
    if tenant_vms:
        dc["bulkVms"] = {"cluster": clusters[0], "count": tenant_vms, "ipPrefix": "172.16"}
    return {"user": r.username, "version": "8.0.2", "datacenters": [dc]}


def deploy(spec: dict[str, Any], settings: Settings, role: str) -> dict[str, Any]:
    """`spec` (of this module) as it looks once the stack is deployed: every folder, resource pool, port group
    (with its VLAN) and the Manager VM (on its address) the program creates in the `role` vCenter."""
    from preflight import placement

    dc = datacenter(spec)
    for c in placement.creations(settings):
        if c.role != role:
            continue
        if c.type == placement.FOLDER:
            dc.setdefault("folders", []).append(c.name)
        elif c.type == placement.POOL:
            dc.setdefault("resourcePools", []).append({"cluster": c.cluster, "name": c.name})
        elif c.type == placement.PORT_GROUP:
            switch = next(s for s in dc["switches"] if s["name"] == settings.management_vcenter.distributed_switch)
            switch["portGroups"].append({"name": c.name, "vlan": c.vlan or 0})
        else:
            plan = settings.plan()
            dc["vms"].append({"name": c.name, "cluster": settings.management_vcenter.cluster, "folder": c.folder,
                              "resourcePool": f"{settings.name_prefix}-plane", "ips": [str(plan.manager_ip)]})
    return spec


def datacenter(spec: dict[str, Any]) -> dict[str, Any]:
    """The single datacenter of a spec from this module, to reshape it in a test."""
    return spec["datacenters"][0]


def write_stack(
    project_dir: Path, stack: str, source: Path, management: tuple[str, int], resource: tuple[str, int]
) -> Path:
    """Copy the stack file `source` into `project_dir` as Pulumi.<stack>.yaml, pointing its vCenters at
    (host, port) pairs: the real stack's shape against simulated vCenters."""
    document = yaml.safe_load(source.read_text())
    config = document["config"]
    for key, (host, port) in (("managementVcenter", management), ("resourceVcenter", resource)):
        config[f"{NAMESPACE}:{key}"] = {**config[f"{NAMESPACE}:{key}"], "server": host, "port": port}
    path = project_dir / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
