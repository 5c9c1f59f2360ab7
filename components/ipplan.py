"""The management plane as data, and its IP plan: pure functions, no Pulumi.

Roles map to nodes (kolla-style HA as data): a topology says how many replicas each role has; compute
drivers are one per resource cluster, keyed by the cluster's name. Addresses come from the static range in
a fixed order (role order, then replica index / cluster order), so the same config always yields the same
plan, and appending a resource cluster gives the new compute driver the next free address without moving
any other node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Literal

Role = Literal["oms", "lb", "controller", "db", "compute-driver"]

#: Allocation order. compute-driver comes last: it is the role that grows with the resource pod.
ROLES: tuple[Role, ...] = ("oms", "lb", "controller", "db", "compute-driver")

#: Replicas per fixed role. `ha`: no single point of failure (LB pair holding the VIP, three
#: controllers, a three-node Galera cluster whose quorum survives one loss). `compact`: OMS and one
#: controller hosting every service.
TOPOLOGIES: Mapping[str, Mapping[Role, int]] = {
    "ha": {"oms": 1, "lb": 2, "controller": 3, "db": 3},
    "compact": {"oms": 1, "controller": 1},
}

#: Roles whose replicas are kept on different hosts by a DRS anti-affinity rule (when >1 replica).
SPREAD_ROLES: tuple[Role, ...] = ("lb", "controller", "db", "compute-driver")

#: Roles holding state that must survive a mistaken `pulumi destroy` or replacement.
STATEFUL_ROLES: tuple[Role, ...] = ("oms", "db")


@dataclass(frozen=True, order=True)
class Node:
    """One VM of the plane. `key` is its stable identity inside the role: the replica index, or the
    resource cluster's name for a compute driver."""

    role: Role
    key: str
    address: IPv4Address

    @property
    def slug(self) -> str:
        """`<role>-<key>` (or `oms` for the single OMS): the suffix of logical and VM names."""
        return self.role if self.role == "oms" else f"{self.role}-{self.key}"

    def vm_name(self, prefix: str) -> str:
        """The VM's name in vCenter and its hostname: `<prefix>-<slug>`. Preflight relies on it to tell a
        deployed plane VM holding its own planned address from a real IP collision."""
        return f"{prefix}-{self.slug}"


def node_keys(topology: str, compute_clusters: Sequence[str]) -> list[tuple[Role, str]]:
    """Every node of the plane in allocation order, as (role, key)."""
    try:
        counts = TOPOLOGIES[topology]
    except KeyError:
        raise ValueError(f"unknown topology {topology!r}; expected one of {sorted(TOPOLOGIES)}") from None
    keys: list[tuple[Role, str]] = []
    for role in ROLES:
        if role == "compute-driver":
            keys += [(role, cluster) for cluster in compute_clusters]
        else:
            keys += [(role, str(i)) for i in range(counts.get(role, 0))]
    return keys


def addresses_needed(topology: str, compute_drivers: int) -> int:
    return sum(TOPOLOGIES[topology].values()) + compute_drivers


def range_size(start: IPv4Address, end: IPv4Address) -> int:
    return max(0, int(end) - int(start) + 1)


def allocate(
    topology: str, compute_clusters: Sequence[str], start: IPv4Address, end: IPv4Address
) -> list[Node]:
    """Assign addresses from `start..end` to every node, in `node_keys` order.

    Raises ValueError when the range is too small (the config layer reports it before this runs).
    """
    keys = node_keys(topology, compute_clusters)
    if len(keys) > range_size(start, end):
        raise ValueError(
            f"range {start}-{end} holds {range_size(start, end)} address(es), {len(keys)} needed"
        )
    return [Node(role, key, start + i) for i, (role, key) in enumerate(keys)]


def by_role(nodes: Sequence[Node]) -> dict[str, list[str]]:
    """Node addresses grouped by role, in plan order: the `nodeIps` export."""
    grouped: dict[str, list[str]] = {}
    for node in nodes:
        grouped.setdefault(node.role, []).append(str(node.address))
    return grouped
