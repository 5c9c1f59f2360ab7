"""Preflight's inventory against a naive per-object traversal, at 100, 1,000 and 5,000 VMs.

Run: python -m benchmarks.preflight_bench [--sizes 100 1000 5000]

Both read the same simulated vCenter in the same run and must produce the same inventory; the table shows
wall time and SOAP round trips (counted on the stub) of each, and their ratios. The simulator answers on
loopback in well under a millisecond, so against a real vCenter across a WAN the gap in time grows with
the gap in round trips.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pyVmomi import vim
from pyVmomi.SoapAdapter import SoapStubAdapter

from components import settings as config
from preflight import inventory as inv
from preflight.stack import read_raw
from sim.vcsim import simulator


def naive(endpoint: inv.Endpoint, counter: inv.RoundTripCounter) -> inv.Inventory:
    """The obvious pyvmomi walk: follow folders and read each property as an attribute, one round trip
    per hop and per property."""
    stub = SoapStubAdapter(host=endpoint.server, port=-endpoint.port, version=inv.API_VERSION)
    counter.attach(stub)
    content: Any = vim.ServiceInstance("ServiceInstance", stub).RetrieveContent()
    content.sessionManager.Login(endpoint.username, endpoint.password)
    dcs, clusters, hosts, datastores, switches, groups, vms = [], [], [], [], [], [], []
    folders: list[inv.Folder] = []
    pools: list[inv.ResourcePool] = []

    def walk(folder: Any, dc: str = "", at: str = "") -> list[Any]:
        """Leaves below `folder`; with `dc`, also records every folder on the way (a VM folder's path)."""
        out: list[Any] = []
        for child in folder.childEntity:
            if isinstance(child, vim.Folder):
                path = f"{at}/{child.name}" if at else child.name
                if dc:
                    folders.append(inv.Folder(dc, path, child._moId))
                out += walk(child, dc, path)
            else:
                out.append(child)
        return out

    def child_pools(pool: Any, dc: str, cluster: str, at: str) -> None:
        for child in pool.resourcePool or []:
            path = f"{at}/{child.name}" if at else child.name
            pools.append(inv.ResourcePool(dc, cluster, path, child._moId))
            child_pools(child, dc, cluster, path)

    for dc in walk(content.rootFolder):
        dc_name = dc.name
        dcs.append(dc_name)
        for cr in walk(dc.hostFolder):
            cluster = cr.name if isinstance(cr, vim.ClusterComputeResource) else None
            if cluster:
                clusters.append((dc_name, cluster))
            child_pools(cr.resourcePool, dc_name, cr.name, "")
            for h in cr.host:
                hw, stats = h.summary.hardware, h.summary.quickStats
                hosts.append(inv.Host(
                    h.name, dc_name, cluster, str(h.runtime.connectionState), bool(h.runtime.inMaintenanceMode),
                    int(hw.cpuMhz), int(hw.numCpuCores), int(hw.memorySize), int(stats.overallCpuUsage or 0),
                    int(stats.overallMemoryUsage or 0),
                ))
        # vcsim lists a datastore mounted on n hosts n times in its folder; a vCenter lists it once.
        for ds in {d._moId: d for d in walk(dc.datastoreFolder)}.values():
            s = ds.summary
            datastores.append(inv.Datastore(ds.name, dc_name, int(s.capacity), int(s.freeSpace), bool(s.accessible)))
        for net in walk(dc.networkFolder):
            if isinstance(net, vim.DistributedVirtualSwitch):
                switches.append((dc_name, net.name))
            elif isinstance(net, vim.dvs.DistributedVirtualPortgroup):
                config: Any = net.config
                groups.append(inv.PortGroup(net.name, dc_name, config.distributedVirtualSwitch.name, net._moId,
                                            net.key, inv.vlan_text(config.defaultPortConfig)))
            elif isinstance(net, vim.Network):
                groups.append(inv.PortGroup(net.name, dc_name, None, net._moId, distributed=False))
        for vm in walk(dc.vmFolder, dc_name):
            guest = vm.guest
            ips = [guest.ipAddress] if guest.ipAddress else []
            for nic in guest.net or []:
                ips += [ip for ip in nic.ipAddress or [] if ip not in ips]
            vm_folder, up = [], vm.parent
            while isinstance(up, vim.Folder):
                vm_folder.append(up.name)
                up = up.parent
            # A template has no resource pool; vcsim's Fetch of an unset property panics instead of
            # returning nothing, so the walk does not ask.
            vm_config = vm.config
            template = bool(vm_config.template)
            vm_pools, pool = [], None if template else vm.resourcePool
            while isinstance(pool, vim.ResourcePool):
                vm_pools.append(pool.name)
                pool = pool.parent
            vms.append(inv.VirtualMachine(
                vm.name, dc_name, template, tuple(ips),
                folder="/".join(reversed(vm_folder[:-1])) if isinstance(up, vim.Datacenter) else "",
                cluster=pool.name if isinstance(pool, vim.ComputeResource) else "",
                resource_pool="/".join(reversed(vm_pools[:-1])),
                moid=vm._moId,
                uuid=str(vm_config.uuid or ""),
            ))
    about = content.about
    content.sessionManager.Logout()
    return inv.Inventory(
        str(about.version), str(about.fullName), str(about.apiVersion), tuple(sorted(dcs)),
        tuple(sorted(clusters)), tuple(sorted(hosts, key=lambda h: (h.datacenter, h.cluster or "", h.name))),
        tuple(sorted(datastores, key=lambda d: (d.datacenter, d.name))), tuple(sorted(switches)),
        tuple(sorted(groups, key=lambda g: (g.datacenter, g.name))),
        tuple(sorted(vms, key=lambda v: (v.datacenter, v.name))),
        tuple(sorted(folders, key=lambda f: (f.datacenter, f.path))),
        tuple(sorted(pools, key=lambda r: (r.datacenter, r.cluster, r.path))), counter.count,
    )


def measure(settings: config.Settings, size: int) -> tuple[float, int, float, int]:
    spec = simulator.management_spec(settings)
    dc = simulator.datacenter(spec)
    dc["bulkVms"] = {"cluster": settings.management_vcenter.cluster, "count": size, "ipPrefix": "10.200"}
    with simulator.running(spec) as sim:
        m = settings.management_vcenter
        endpoint = inv.Endpoint("management", "managementVcenter", "127.0.0.1", sim.port, m.username,
                                simulator.PASSWORD)
        started = time.perf_counter()
        fast = inv.collect(endpoint, inv.ConnectOptions(protocol="http"), inv.RoundTripCounter())
        fast_s = time.perf_counter() - started
        started = time.perf_counter()
        slow = naive(endpoint, inv.RoundTripCounter())
        slow_s = time.perf_counter() - started
    # Same answer, or the comparison means nothing. The naive walk has no DestroyView: it made no view.
    if replace(fast, round_trips=0) != replace(slow, round_trips=0):
        raise SystemExit(f"inventories differ at {size} VMs: the benchmark compares different work")
    return fast_s, fast.round_trips, slow_s, slow.round_trips


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.preflight_bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args(argv)
    raw = read_raw(simulator.ROOT / "Pulumi.prod.yaml")
    settings = config.parse({k: v for k, v in raw.items() if k not in config.CREDENTIAL_KEYS})
    simulator.build()
    print(f"{'VMs':>6}  {'preflight s':>11}  {'trips':>6}  {'naive s':>8}  {'trips':>7}  {'time x':>7}  {'trips x':>8}")
    for size in args.sizes:
        fast_s, fast_trips, slow_s, slow_trips = measure(settings, size)
        print(f"{size:>6}  {fast_s:>11.2f}  {fast_trips:>6}  {slow_s:>8.2f}  {slow_trips:>7}  "
              f"{slow_s / fast_s:>7.1f}  {slow_trips / fast_trips:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
