"""Planned addresses against every VM guest IP of both vCenters: the Manager's, both VIPs and VIO's ranges.

A planned address held by a VM fails, unless that VM is, by identity, the plane's own VM for it (the
deployed Manager on its own address, before an update). Every holder of an address is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address

from components.settings import Settings
from preflight import placement
from preflight.checks import Demand, Result, _fail, _pass
from preflight.inventory import Endpoint, Inventory, VirtualMachine
from preflight.state import StackState


@dataclass(frozen=True)
class PlaneVm:
    """The identity of one of the plane's own VMs: the vCenter (server:port), datacenter, VM folder,
    cluster, resource pool and name the deployment gives it. A VM holding a planned address is the
    plane's own only if it matches all of them; a VM of the same name anywhere else (another vCenter or
    datacenter, another folder or pool) is a look-alike, and its address a collision.

    Placement rather than instanceUuid: preflight runs before `pulumi up` and reads no stack state, so
    the one identity it can know is where the deployment puts its VMs, and vCenter keeps VM names unique
    within a folder, so placement + name picks out at most one VM.
    """

    vcenter: str
    datacenter: str
    folder: str
    cluster: str
    resource_pool: str
    name: str
    #: The id the stack's state holds for it (config.uuid), when state was read and holds it.
    uuid: str = ""

    def mismatch(self, vcenter: str, vm: VirtualMachine) -> str | None:
        """None when `vm`, read from `vcenter`, is this VM; else the first way it differs."""
        if vm.name != self.name:
            return f"named {vm.name!r}, not {self.name!r}"
        if self.uuid and vm.uuid and vcenter.lower() == self.vcenter.lower() and vm.uuid != self.uuid:
            return f"uuid {vm.uuid}, not the stack's {self.uuid}"
        for what, found, want in (
            ("vCenter", vcenter.lower(), self.vcenter.lower()),
            ("datacenter", vm.datacenter, self.datacenter),
            ("VM folder", vm.folder, self.folder),
            ("cluster", vm.cluster, self.cluster),
            ("resource pool", vm.resource_pool, self.resource_pool),
        ):
            if found != want:
                return f"in {what} {found or '(root)'!r}, not {want!r}"
        return "a template" if vm.template else None

    @property
    def place(self) -> str:
        return f"{self.vcenter}/{self.datacenter}/vm/{self.folder} in pool {self.cluster}/{self.resource_pool}"


def plane_placement(settings: Settings) -> tuple[str, str]:
    """(VM folder, resource pool) of the plane's VMs: what `components.stack_args.management_pod` gives the
    management pod (a test holds the two equal)."""
    return settings.name_prefix, f"{settings.name_prefix}-plane"


@dataclass(frozen=True)
class Planned:
    """An address the deployment will assign, the config key that moves it, and the plane VMs that may
    already hold it (a preflight before an update of a deployed plane)."""

    address: IPv4Address
    label: str
    key: str
    owners: tuple[PlaneVm, ...] = ()


def planned_addresses(settings: Settings, need: Demand, management: Endpoint,
                      state: StackState | None = None) -> list[Planned]:
    """Every fixed address the deployment assigns (`Plan.addresses`): the collision check's input. Only the
    Manager is a VM of ours with a known identity; the VIPs are held by the controllers VIO creates, so no
    VM is allowed to hold them before the deployment."""
    folder, pool = plane_placement(settings)
    mgmt = settings.management_vcenter
    keys = {"manager": "managementNetwork.managerIp", "private": "managementNetwork.privateVip",
            "public": "apiAccessNetwork.publicVip"}
    manager = state.find(placement.VM, f"{settings.name_prefix}-{placement.PLANE[1]}-manager") if state else None
    planned = []
    for a in need.plan.addresses():
        owner = PlaneVm(management.address, mgmt.datacenter, folder, mgmt.cluster, pool, a.name,
                        manager.id if manager else "")
        planned.append(Planned(a.ip, f"planned for {a.name}", keys[a.role if a.role == "manager" else a.key],
                               (owner,) if a.role == "manager" else ()))
    return planned


def _holder(endpoint: Endpoint, vm: VirtualMachine, owners: Sequence[PlaneVm]) -> str:
    """A VM holding an address: its name, how it differs from the plane VM it is named like, and where."""
    alike = [o for o in owners if o.name == vm.name]
    text = repr(vm.name)
    if alike:
        text += f", which is named like the plane's VM but is not it: it is {alike[0].mismatch(endpoint.address, vm)}"
    return f"{text} (at {endpoint.address}/{vm.datacenter}/{vm.path})"


def addresses(
    settings: Settings, need: Demand, inventories: Sequence[tuple[Endpoint, Inventory]], management: Endpoint,
    state: StackState | None = None,
) -> list[Result]:
    """Each planned fixed address (the Manager, both VIPs) must be free, unless the VM holding it is, by
    identity (`PlaneVm`), the plane's own VM for it: the deployed Manager holding its own address (a
    preflight before an update). VIO's ranges are the Manager's to assign: a VM already inside one is
    reported too. Every holder of an address is named, one result per address."""
    planned = planned_addresses(settings, need, management, state)
    holders: dict[str, list[tuple[Endpoint, VirtualMachine]]] = {}
    seen: set[tuple[str, str, str, str, str]] = set()
    for endpoint, inv in inventories:
        for vm in inv.vms:
            # One vCenter configured twice (both pods on one vCenter) is read twice: count its VMs once.
            key = (endpoint.address.lower(), vm.datacenter, vm.folder, vm.name, ",".join(vm.ips))
            if key in seen:
                continue
            seen.add(key)
            for ip in vm.ips:
                holders.setdefault(ip, []).append((endpoint, vm))
    out = []
    for plan in sorted(planned, key=lambda p: p.address):
        users = [(e, vm) for e, vm in holders.get(str(plan.address), [])
                 if not any(o.mismatch(e.address, vm) is None for o in plan.owners)]
        if not users:
            continue
        endpoint, vm = users[0]
        names = "; ".join(_holder(e, v, plan.owners) for e, v in users)
        detail = (f"{plan.address} ({plan.label}) is already the guest IP of VM {names}" if len(users) == 1
                  else f"{plan.address} ({plan.label}) is already the guest IP of {len(users)} VMs: {names}")
        fix = (f"free {plan.address} on {' and '.join(repr(v.name) for _, v in users)}, or move {plan.key} to an "
               "unused address")
        for o in {o for _, v in users for o in plan.owners if o.name == v.name}:
            fix += f" (the plane's own {o.name!r} is the one at {o.place})"
        out.append(_fail("both", "ip free", detail, f"{endpoint.address}/{vm.datacenter}", fix))
    for field, rng in (("managementNetwork.vioRange", need.plan.management_range),
                       ("apiAccessNetwork.vioRange", need.plan.api_range)):
        for ip, users in sorted(holders.items()):
            try:
                inside = IPv4Address(ip) in rng
            except ValueError:
                continue
            if inside:
                endpoint, vm = users[0]
                names = "; ".join(_holder(e, v, ()) for e, v in users)
                out.append(_fail("both", "ip free", f"{ip} inside {field} {rng.start}-{rng.end} is already the "
                                 f"guest IP of VM {names}", f"{endpoint.address}/{vm.datacenter}",
                                 f"free {ip} on {' and '.join(repr(v.name) for _, v in users)}, or move {field} "
                                 "to unused addresses"))
    if not out:
        out.append(
            _pass("both", "ip free", f"{len(planned)} planned address(es) and both VIO ranges unused by any "
                  "VM guest IP", f"{settings.management_network.cidr}, {settings.api_access_network.cidr}")
        )
    return out
