"""The VIO plane as data, and its IP plan: pure functions, no Pulumi.

VIO 7 builds its own plane: the Manager (deployed by us from VMware's OVA) creates the controllers
(Kubernetes nodes running every OpenStack service, Galera and RabbitMQ as pods) and assigns their
addresses from the ranges it is given. So the plan here is what the Manager and the deployment are told:
the Manager's own static address, the private VIP (management network), the public VIP (API access
network), one VIO range per network, and how many nodes each role has per topology.

Deterministic: the same inputs always give the same plan, and nothing in it depends on the resource
pod's compute clusters (VIO 7 has no per-cluster compute-driver VM), so adding or removing a compute
cluster moves no address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any, Literal

Role = Literal["manager", "controller"]
ROLES: tuple[Role, ...] = ("manager", "controller")

#: Controllers per topology: (minimum, maximum, default). VIO 7.x HA runs 3 to 10 controllers, compact
#: (proof of concept) exactly one (VMware Telco Cloud Infrastructure OpenStack Edition RA 2.2, "VIO sizing").
CONTROLLERS: Mapping[str, tuple[int, int, int]] = {"ha": (3, 10, 3), "compact": (1, 1, 1)}
#: Kept for callers that iterate topologies.
TOPOLOGIES: Mapping[str, Mapping[Role, int]] = {
    topology: {"manager": 1, "controller": default} for topology, (_, _, default) in CONTROLLERS.items()
}

#: Addresses VIO takes per controller on each of its networks, times this factor: VIO's upgrades are
#: blue/green (a second deployment next to the running one), so plan twice the addresses (vio-facts §1).
UPGRADE_FACTOR = 2


def controller_count(topology: str, requested: int | None = None) -> int:
    """The controllers of a topology: `requested`, or the topology's default. Raises ValueError naming
    the allowed range."""
    try:
        low, high, default = CONTROLLERS[topology]
    except KeyError:
        raise ValueError(f"unknown topology {topology!r}; expected one of {sorted(CONTROLLERS)}") from None
    count = default if requested is None else requested
    if not low <= count <= high:
        allowed = f"exactly {low}" if low == high else f"{low} to {high}"
        raise ValueError(f"{count} controller(s): topology {topology!r} takes {allowed}")
    return count


def nodes(topology: str, controllers: int | None = None) -> dict[str, int]:
    """Roles -> node count: the plane as VIO builds it (the Manager is ours, the controllers VIO's)."""
    return {"manager": 1, "controller": controller_count(topology, controllers)}


def addresses_needed(controllers: int) -> int:
    """Addresses a VIO range must hold on each network for `controllers`, with room for an upgrade."""
    return controllers * UPGRADE_FACTOR


def range_size(start: IPv4Address, end: IPv4Address) -> int:
    return max(0, int(end) - int(start) + 1)


@dataclass(frozen=True)
class Range:
    start: IPv4Address
    end: IPv4Address

    def __contains__(self, address: object) -> bool:
        return isinstance(address, IPv4Address) and self.start <= address <= self.end

    @property
    def size(self) -> int:
        return range_size(self.start, self.end)


@dataclass(frozen=True)
class Address:
    """One planned address: `name` is the VM or DNS name it belongs to (the Manager's VM name, so
    preflight can tell the deployed Manager holding its own address from a collision)."""

    name: str
    role: str
    key: str
    ip: IPv4Address

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "key": self.key, "ip": str(self.ip)}


@dataclass(frozen=True)
class Plan:
    """The resolved plan: addresses for the Manager and the deployment, and the nodes per role."""

    topology: str
    prefix: str
    manager_ip: IPv4Address
    private_vip: IPv4Address
    public_vip: IPv4Address
    management_range: Range
    api_range: Range
    nodes: Mapping[str, int]

    @property
    def controllers(self) -> int:
        return self.nodes["controller"]

    @property
    def manager_name(self) -> str:
        """The Manager's VM name in vCenter and its hostname."""
        return manager_vm_name(self.prefix)

    def addresses(self) -> list[Address]:
        """The fixed addresses, in a stable order: what preflight checks for collisions."""
        return [
            Address(self.manager_name, "manager", "0", self.manager_ip),
            Address(f"{self.prefix}-private-vip", "vip", "private", self.private_vip),
            Address(f"{self.prefix}-public-vip", "vip", "public", self.public_vip),
        ]

    def entries(self) -> list[dict[str, str]]:
        """The `ipPlan` export: the fixed addresses, then the two VIO ranges (`ip` is `start-end`)."""
        return [a.as_dict() for a in self.addresses()] + [
            {"name": f"{self.prefix}-management-range", "role": "range", "key": "management",
             "ip": f"{self.management_range.start}-{self.management_range.end}"},
            {"name": f"{self.prefix}-api-range", "role": "range", "key": "api",
             "ip": f"{self.api_range.start}-{self.api_range.end}"},
        ]


def manager_vm_name(prefix: str) -> str:
    return f"{prefix}-manager"


def make_plan(
    topology: str,
    prefix: str,
    *,
    manager_ip: IPv4Address,
    private_vip: IPv4Address,
    public_vip: IPv4Address,
    management_range: tuple[IPv4Address, IPv4Address],
    api_range: tuple[IPv4Address, IPv4Address],
    controllers: int | None = None,
) -> Plan:
    """Build the plan; raises ValueError when a range cannot hold the topology with upgrade room or a
    fixed address falls inside a range (the config layer reports these per key before this runs)."""
    plan = Plan(
        topology=topology,
        prefix=prefix,
        manager_ip=manager_ip,
        private_vip=private_vip,
        public_vip=public_vip,
        management_range=Range(*management_range),
        api_range=Range(*api_range),
        nodes=nodes(topology, controllers),
    )
    needed = addresses_needed(plan.controllers)
    for label, rng in (("management", plan.management_range), ("api", plan.api_range)):
        if rng.size < needed:
            raise ValueError(f"{label} range {rng.start}-{rng.end} holds {rng.size} address(es), {needed} needed")
    for address in plan.addresses():
        for label, rng in (("management", plan.management_range), ("api", plan.api_range)):
            if address.ip in rng:
                raise ValueError(f"{address.name} {address.ip} lies inside the {label} range")
    return plan


def by_role(plan: Plan, status_nodes: Sequence[Mapping[str, Any]] | None = None) -> dict[str, list[str]]:
    """Addresses by role: the Manager's planned address, and the controllers' addresses as the
    deployment's status reports them (VIO assigns them from its range)."""
    grouped: dict[str, list[str]] = {"manager": [str(plan.manager_ip)]}
    for node in sorted(status_nodes or [], key=lambda n: (n.get("role", ""), n.get("name", ""))):
        grouped.setdefault(str(node.get("role", "controller")), []).append(str(node.get("ip", "")))
    return grouped
