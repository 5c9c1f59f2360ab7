"""Whether the inventories can take the deployment: pure functions from settings and inventories to results.

No I/O here, so every rule reads as data in, verdict out. The plane's demand comes from the same sources
`pulumi up` uses: `Settings.plan()` for the Manager's address, the VIPs and the controller count,
`vio.manager` and `CONTROLLER_SIZES` for sizing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from components import ipplan
from components.settings import CONTROLLER_SIZES, Settings
from preflight import compat, placement, tls
from preflight.inventory import Endpoint, Host, Inventory, VcenterError
from preflight.state import StackState

Status = Literal["pass", "fail", "skip"]
GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True)
class Result:
    """One verdict: what was checked, where in the inventory, and for a failure what to change."""

    vcenter: str
    check: str
    status: Status
    detail: str
    where: str
    fix: str = ""


def _pass(vc: str, check: str, detail: str, where: str) -> Result:
    return Result(vc, check, "pass", detail, where)


def _fail(vc: str, check: str, detail: str, where: str, fix: str) -> Result:
    return Result(vc, check, "fail", detail, where, fix)


def _skip(vc: str, check: str, why: str, where: str) -> Result:
    return Result(vc, check, "skip", f"not checked: {why}", where)


def _one_of(names: Iterable[str]) -> str:
    found = sorted(set(names))
    return ", ".join(repr(n) for n in found) if found else "none"


@dataclass(frozen=True)
class Demand:
    """What VIO asks of the management cluster: the Manager plus the controllers the Manager creates."""

    plan: ipplan.Plan
    vcpus: int
    memory_mb: int
    disk_gb: int
    #: Usable hosts HA needs, and the role that sets the figure.
    hosts_needed: int
    hosts_role: str | None


#: In `ha`, three controllers on three hosts: one host lost leaves two replicas of every service.
HA_HOSTS = 3


def demand(settings: Settings) -> Demand:
    plan = settings.plan()
    manager = settings.vio.manager
    cpus, memory_mb, disk_gb = CONTROLLER_SIZES[settings.vio.controller_size]
    n = plan.controllers
    ha = settings.topology == "ha"
    return Demand(
        plan=plan,
        vcpus=manager.cpus + n * cpus,
        memory_mb=manager.memory_mb + n * memory_mb,
        disk_gb=sum(manager.disks_gb) + n * disk_gb,
        hosts_needed=HA_HOSTS if ha else 1,
        hosts_role="controller" if ha else None,
    )


# ------------------------------------------------------------------------------------- shared checks

#: Checks `management` runs, by name, in order. `unchecked` reports each as SKIP when the vCenter could
#: not be read; a test holds this list equal to what a passing run reports.
MANAGEMENT_CHECKS: tuple[str, ...] = (
    "version", "datacenter", "cluster", "datastore", "switch", "folder", "resource pool", "port group",
    "api port group", "manager vm", "manager source", "hosts", "host state", "capacity cpu", "capacity memory",
    "capacity disk",
)


@dataclass(frozen=True)
class Day2:
    """What the stack already owns (its state), and the names `pulumi import` needs in a fix."""

    state: StackState
    stack: str
    project: str


def _resource_clusters(settings: Settings) -> list[tuple[str, str]]:
    """(config key, cluster) of every resource cluster `resource` checks."""
    res = settings.resource_vcenter
    named = [(f"resourceVcenter.computeClusters[{i}]", c) for i, c in enumerate(res.compute_clusters)]
    if res.edge_cluster is not None:
        named.append(("resourceVcenter.edgeCluster", res.edge_cluster))
    return named


def unchecked(settings: Settings, endpoint: Endpoint, why: str, tls_used: bool = True) -> list[Result]:
    """Every check this vCenter would have had, as SKIP saying why it did not run: an unreachable or
    timed-out vCenter still shows what was not verified, check by check. `tls_used`: over https (the only
    way to a real vCenter) the resource vCenter's certificate is checked too."""
    vc, where = endpoint.role, endpoint.address
    if endpoint.role == "management":
        dc = f"{where}/{settings.management_vcenter.datacenter}"
        placed = dict(placement.checks_of(settings, "management"))
        return [_skip(vc, check, why, where if check in ("version", "datacenter")
                      else f"{where}/{placed[check]}" if check in placed else dc)
                for check in MANAGEMENT_CHECKS]
    dc = f"{where}/{settings.resource_vcenter.datacenter}"
    out = [_skip(vc, "version", why, where), _skip(vc, "datacenter", why, where), _skip(vc, "datastore", why, dc)]
    for _key, cluster in _resource_clusters(settings):
        out += [_skip(vc, "cluster", why, f"{dc}/{cluster}"), _skip(vc, "hosts", why, f"{dc}/{cluster}")]
    out += [_skip(vc, check, why, f"{where}/{at}") for check, at in placement.checks_of(settings, "resource")]
    return [*out, _skip(vc, "thumbprint", why, where)] if tls_used else out


def version(endpoint: Endpoint, inv: Inventory, vio_version: str) -> Result:
    """The vCenter's version is one the configured VIO release (`vio.version`) supports (`compat.TABLE`)."""
    vc, where = endpoint.role, endpoint.address
    release = compat.vio_release(vio_version)
    support = compat.TABLE.get(release or "")
    if support is None:
        return _fail(
            vc, "version", f"no compatibility data for VIO {vio_version!r} (known: {', '.join(compat.TABLE)})",
            where, f"set vio.version to a VIO 7.x release: {', '.join(compat.TABLE)}",
        )
    found = compat.vcenter_version(inv.version)
    if found is None:
        return _fail(
            vc, "version", f"vCenter reports version {inv.version!r}, which is not a version number", where,
            f"check that {endpoint.key}.server is a vCenter Server, not another vSphere endpoint",
        )
    detail = f"vCenter {compat.label(found)} ({inv.version}); VIO {release} supports {support.range}"
    if support.covers(found):
        return _pass(vc, "version", detail, where)
    others = compat.releases_supporting(found)
    move = (
        f"or set vio.version to a VIO release that supports vCenter {compat.label(found)}: {', '.join(others)}"
        if others
        else f"no VIO 7.x release supports vCenter {compat.label(found)}"
    )
    return _fail(
        vc, "version",
        f"vCenter {compat.label(found)} ({inv.version}) is not supported by VIO {release}, "
        f"which supports {support.range}",
        where, f"move the {endpoint.role} vCenter to {support.range.removeprefix('vCenter ')}, {move}",
    )


def reachability(endpoint: Endpoint, inventory: Inventory | None, error: VcenterError | None) -> Result:
    vc = endpoint.role
    if error is not None:
        return _fail(vc, "reachable", error.message, endpoint.address, error.fix)
    assert inventory is not None
    return _pass(
        vc,
        "reachable",
        f"{inventory.full_name} (API {inventory.api_version}), {len(inventory.vms)} VMs, "
        f"{inventory.round_trips} round trips",
        endpoint.address,
    )


def _datacenter(vc: str, key: str, inv: Inventory, name: str, where: str) -> Result:
    if name in inv.datacenters:
        return _pass(vc, "datacenter", f"datacenter {name!r} exists", where)
    return _fail(
        vc,
        "datacenter",
        f"datacenter {name!r} not found (found: {_one_of(inv.datacenters)})",
        where,
        f"set {key}.datacenter to an existing datacenter, or create {name!r}",
    )


def _cluster(vc: str, config_key: str, inv: Inventory, dc: str, name: str, where: str) -> Result:
    if (dc, name) in inv.clusters:
        return _pass(vc, "cluster", f"cluster {name!r} exists", f"{where}/{dc}")
    return _fail(
        vc,
        "cluster",
        f"cluster {name!r} not found in datacenter {dc!r} "
        f"(found: {_one_of(c for d, c in inv.clusters if d == dc)})",
        f"{where}/{dc}",
        f"set {config_key} to an existing cluster of {dc!r}, or create {name!r}",
    )


def _datastore(vc: str, key: str, inv: Inventory, dc: str, name: str, where: str) -> Result:
    found = [d for d in inv.datastores if d.datacenter == dc and d.name == name]
    if not found:
        return _fail(
            vc,
            "datastore",
            f"datastore {name!r} not found in datacenter {dc!r} "
            f"(found: {_one_of(d.name for d in inv.datastores if d.datacenter == dc)})",
            f"{where}/{dc}",
            f"set {key}.datastore to an existing datastore of {dc!r}",
        )
    if not found[0].accessible:
        return _fail(
            vc, "datastore", f"datastore {name!r} is not accessible", f"{where}/{dc}",
            f"fix the storage path to {name!r} or set {key}.datastore to another datastore",
        )
    return _pass(vc, "datastore", f"datastore {name!r} exists", f"{where}/{dc}")


def _host_state(vc: str, hosts: Sequence[Host], cluster: str, where: str) -> list[Result]:
    out = []
    for host in hosts:
        if host.connection_state != "connected":
            out.append(
                _fail(
                    vc, "host state", f"host {host.name!r} is {host.connection_state}", where,
                    f"reconnect {host.name!r} or remove it from cluster {cluster!r}",
                )
            )
        elif host.in_maintenance:
            out.append(
                _fail(
                    vc, "host state", f"host {host.name!r} is in maintenance mode", where,
                    f"exit maintenance mode on {host.name!r} or remove it from cluster {cluster!r}",
                )
            )
    if not out and hosts:
        out.append(_pass(vc, "host state", f"all {len(hosts)} host(s) connected, none in maintenance", where))
    return out


# --------------------------------------------------------------------------------------- management


def _placed(settings: Settings, endpoint: Endpoint, inv: Inventory, day2: Day2) -> list[Result]:
    """Each object the program creates in this vCenter (and, in the management vCenter, each port group it
    adopts), in the order `placement.checks_of` lists them."""
    verdicts = [*placement.check(settings, endpoint, inv, day2.state, day2.stack, day2.project)]
    if endpoint.role == "management":
        verdicts += placement.existing_port_groups(settings, endpoint, inv)
    order = [check for check, _ in placement.checks_of(settings, endpoint.role)]
    verdicts.sort(key=lambda v: order.index(v.check))
    return [Result(endpoint.role, v.check, v.status, v.detail, v.where, v.fix)  # type: ignore[arg-type]
            for v in verdicts]


def management(
    settings: Settings, endpoint: Endpoint, inv: Inventory, need: Demand, margin: float, day2: Day2
) -> list[Result]:
    vc, key = endpoint.role, "managementVcenter"
    mgmt = settings.management_vcenter
    where = endpoint.address
    dc = mgmt.datacenter
    results = [_datacenter(vc, key, inv, dc, where)]
    if results[0].status == "fail":
        return results + [
            _skip(vc, check, f"datacenter {dc!r} is missing", where)
            for check in MANAGEMENT_CHECKS[MANAGEMENT_CHECKS.index("datacenter") + 1 :]
        ]
    at = f"{where}/{dc}"
    results.append(_cluster(vc, f"{key}.cluster", inv, dc, mgmt.cluster, where))
    results.append(_datastore(vc, key, inv, dc, mgmt.datastore, where))
    results += _switch(vc, settings, inv, at)
    results += _placed(settings, endpoint, inv, day2)
    results += _manager_source(vc, settings, inv, at)
    if results[1].status == "pass":
        hosts = [h for h in inv.hosts if h.datacenter == dc and h.cluster == mgmt.cluster]
        cluster_at = f"{at}/{mgmt.cluster}"
        results.append(_host_count(vc, settings, hosts, need, cluster_at))
        results += _host_state(vc, hosts, mgmt.cluster, cluster_at)
        results += _compute_capacity(vc, hosts, need, margin, cluster_at)
    else:
        results.append(_skip(vc, "hosts", f"cluster {mgmt.cluster!r} is missing", at))
    ds = next((d for d in inv.datastores if d.datacenter == dc and d.name == mgmt.datastore), None)
    if ds is not None:
        results.append(_disk_capacity(vc, ds.name, ds.free_bytes, need, margin, f"{at}/{ds.name}"))
    return results


def _switch(vc: str, settings: Settings, inv: Inventory, at: str) -> list[Result]:
    dc = settings.management_vcenter.datacenter
    switch = settings.management_vcenter.distributed_switch
    if (dc, switch) in inv.switches:
        return [_pass(vc, "switch", f"distributed switch {switch!r} exists", at)]
    return [_fail(
        vc, "switch",
        f"distributed switch {switch!r} not found (found: {_one_of(s for d, s in inv.switches if d == dc)})",
        at, f"set managementVcenter.distributedSwitch to an existing switch of {dc!r}",
    )]


def _manager_source(vc: str, settings: Settings, inv: Inventory, at: str) -> list[Result]:
    """The Manager's template exists (source template), or the OVA is named (source ova: the URL or path
    is read by `pulumi up`'s ovf_deploy, not by preflight)."""
    dc = settings.management_vcenter.datacenter
    manager = settings.vio.manager
    check = "manager source"
    if manager.source == "ova":
        return [_pass(vc, check, f"Manager deployed from the OVA {manager.ova!r} (not fetched here)", at)]
    name = manager.template or ""
    found = [v for v in inv.vms if v.datacenter == dc and v.name == name]
    if any(v.template for v in found):
        return [_pass(vc, check, f"Manager template {name!r} exists", at)]
    if found:
        return [_fail(vc, check, f"{name!r} is a virtual machine, not a template", at,
                      f"convert {name!r} to a template, or set vio.manager.template to a template")]
    return [_fail(vc, check, f"Manager template {name!r} not found in datacenter {dc!r}", at,
                  f"import the template into {dc!r}, fix vio.manager.template, or use vio.manager.source: ova")]


def _host_count(vc: str, settings: Settings, hosts: Sequence[Host], need: Demand, at: str) -> Result:
    usable = [h for h in hosts if h.usable]
    why = (
        f"topology {settings.topology!r} needs {need.hosts_needed} hosts for its {need.plan.controllers} "
        f"{need.hosts_role}s (one host lost leaves two)"
        if need.hosts_role
        else f"topology {settings.topology!r} needs a host"
    )
    detail = f"{len(usable)} usable host(s) of {len(hosts)} (connected, not in maintenance); {why}"
    if len(usable) >= need.hosts_needed:
        return _pass(vc, "hosts", detail, at)
    return _fail(
        vc, "hosts", f"{detail}, so it needs {need.hosts_needed}", at,
        "add hosts to the cluster, bring hosts back from maintenance/disconnection, or use topology: compact",
    )


def _compute_capacity(
    vc: str, hosts: Sequence[Host], need: Demand, margin: float, at: str
) -> list[Result]:
    usable = [h for h in hosts if h.usable]
    if not usable:
        return [_skip(vc, "capacity", "no usable host", at)]
    cores = sum(h.cores for h in usable)
    # A vCPU is counted at the speed of the slowest core: the conservative figure for a plane whose
    # controllers and databases run busy during deployment and upgrades.
    mhz_per_core = min(h.cpu_mhz for h in usable)
    free_mhz = sum(h.cores * h.cpu_mhz - h.cpu_usage_mhz for h in usable)
    want_mhz = int(need.vcpus * mhz_per_core * (1 + margin))
    free_mb = sum(h.memory_bytes // MIB - h.memory_usage_mb for h in usable)
    want_mb = int(need.memory_mb * (1 + margin))
    pct = f"{margin:.0%} margin"
    out = []
    cpu = (
        f"needs {need.vcpus} vCPU x {mhz_per_core} MHz + {pct} = {want_mhz} MHz; "
        f"free {free_mhz} MHz on {len(usable)} host(s), {cores} cores"
    )
    if free_mhz >= want_mhz:
        out.append(_pass(vc, "capacity cpu", cpu, at))
    else:
        out.append(
            _fail(vc, "capacity cpu", cpu, at,
                  "add hosts or free CPU in the cluster, or a smaller vio.controllerSize / fewer vio.controllers")
        )
    mem = f"needs {need.memory_mb} MiB + {pct} = {want_mb} MiB; free {free_mb} MiB on {len(usable)} host(s)"
    if free_mb >= want_mb:
        out.append(_pass(vc, "capacity memory", mem, at))
    else:
        out.append(
            _fail(vc, "capacity memory", mem, at,
                  "add hosts or free memory in the cluster, or a smaller vio.controllerSize / fewer vio.controllers")
        )
    return out


def _disk_capacity(vc: str, name: str, free_bytes: int, need: Demand, margin: float, at: str) -> Result:
    want = int(need.disk_gb * GIB * (1 + margin))
    detail = (
        f"needs {need.disk_gb} GiB + {margin:.0%} margin = {want / GIB:.0f} GiB; "
        f"free {free_bytes / GIB:.0f} GiB on {name!r}"
    )
    if free_bytes >= want:
        return _pass(vc, "capacity disk", detail, at)
    return _fail(
        vc, "capacity disk", detail, at,
        "free space on the datastore, set managementVcenter.datastore to a larger one, or a smaller vio.controllerSize",
    )


# ----------------------------------------------------------------------------------------- resource


def resource(settings: Settings, endpoint: Endpoint, inv: Inventory, day2: Day2,
             thumbprint: str | None, thumbprint_missing: str) -> list[Result]:
    vc, key = endpoint.role, "resourceVcenter"
    res = settings.resource_vcenter
    where = endpoint.address
    results = [_datacenter(vc, key, inv, res.datacenter, where)]
    if results[0].status == "fail":
        # Everything after the version and datacenter checks depends on the datacenter.
        return [*results, *unchecked(settings, endpoint, f"datacenter {res.datacenter!r} is missing",
                                     inv.certificate is not None)[2:]]
    dc = res.datacenter
    results.append(_datastore(vc, key, inv, dc, res.datastore, where))
    for config_key, cluster in _resource_clusters(settings):
        found = _cluster(vc, config_key, inv, dc, cluster, where)
        results.append(found)
        if found.status != "pass":
            continue
        usable = [h for h in inv.hosts if h.datacenter == dc and h.cluster == cluster and h.usable]
        at = f"{where}/{dc}/{cluster}"
        if usable:
            results.append(_pass(vc, "hosts", f"{len(usable)} usable host(s) in {cluster!r}", at))
        else:
            results.append(
                _fail(vc, "hosts", f"cluster {cluster!r} has no connected host out of maintenance", at,
                      f"add or reconnect hosts in {cluster!r}, or remove it from {config_key.split('[')[0]}")
            )
    results += _placed(settings, endpoint, inv, day2)
    if inv.certificate is not None:
        results.append(certificate(endpoint, inv, thumbprint, thumbprint_missing))
    return results


def certificate(endpoint: Endpoint, inv: Inventory, thumbprint: str | None, missing: str) -> Result:
    """The resource vCenter's certificate is the one `resourceVcenterThumbprint` pins (what NSX's compute
    manager registration trusts): compared by the configured value's algorithm, SHA-1 or SHA-256."""
    vc, where, check = endpoint.role, endpoint.address, "thumbprint"
    assert inv.certificate is not None  # read over https
    found = tls.fingerprints(inv.certificate)
    seen = f"SHA-256 {found['sha256']} (SHA-1 {found['sha1']})"
    if thumbprint is None:
        return _skip(vc, check, f"{missing}; the vCenter presents {seen}", where)
    configured = tls.normalize(thumbprint)
    algorithm = tls.algorithm(configured)
    label = "SHA-1" if algorithm == "sha1" else "SHA-256"
    if found[algorithm] == configured:
        return _pass(vc, check, f"resourceVcenterThumbprint matches the certificate the vCenter presents "
                     f"({label} {configured})", where)
    return _fail(
        vc, check,
        f"resourceVcenterThumbprint is {label} {configured}, but the vCenter presents {label} {found[algorithm]}"
        f" (SHA-256 {found['sha256']}); NSX would refuse the compute manager registration",
        where,
        f"check the certificate is the vCenter's own (a TLS-intercepting proxy shows its own), then set "
        f"resourceVcenterThumbprint to {found['sha256']}",
    )
