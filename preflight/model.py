"""What preflight reads of a vCenter, flattened: every object carries the names of its datacenter (and
cluster), and the ids the stack's state may hold for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Host:
    name: str
    datacenter: str
    cluster: str | None
    connection_state: str
    in_maintenance: bool
    cpu_mhz: int  # per core
    cores: int
    memory_bytes: int
    cpu_usage_mhz: int
    memory_usage_mb: int

    @property
    def usable(self) -> bool:
        return self.connection_state == "connected" and not self.in_maintenance


@dataclass(frozen=True)
class Datastore:
    name: str
    datacenter: str
    capacity_bytes: int
    free_bytes: int
    accessible: bool


@dataclass(frozen=True)
class PortGroup:
    name: str
    datacenter: str
    switch: str | None
    moid: str = ""
    #: The port group's key: what an imported vsphere_distributed_port_group keeps as its id.
    key: str = ""
    #: VLAN of the default port config: "1110", "trunk 0-4094", "pvlan 12", "" when not set.
    vlan: str = ""
    #: False for any other network of the datacenter (a host's standard port group, an opaque network):
    #: distributed port groups share their names (`DuplicateName`), nothing else applies to them.
    distributed: bool = True


@dataclass(frozen=True)
class Folder:
    """A VM folder: `path` below the datacenter's VM folder ("vio", "a/b")."""

    datacenter: str
    path: str
    moid: str


@dataclass(frozen=True)
class ResourcePool:
    """A resource pool (or vApp): `path` below its cluster's root pool ("vio-plane", "a/b")."""

    datacenter: str
    cluster: str
    path: str
    moid: str


@dataclass(frozen=True)
class VirtualMachine:
    """A VM or template and where it sits: together with the vCenter it was read from, `datacenter`,
    `folder`, `cluster`, `resource_pool` and `name` are its placement, which is how preflight tells the
    plane's own VM from a look-alike (see `checks.PlaneVm`)."""

    name: str
    datacenter: str
    template: bool
    ips: tuple[str, ...]
    #: Path below the datacenter's VM folder ("vio", "a/b"); "" for the VM folder itself or a vApp child.
    folder: str = ""
    #: The cluster (or standalone host) whose resource pool tree holds the VM.
    cluster: str = ""
    #: Path below that cluster's root pool ("vio-plane"); "" for the root pool.
    resource_pool: str = ""
    moid: str = ""
    #: config.uuid: what the vsphere provider keeps as a vsphere_virtual_machine's id.
    uuid: str = ""

    @property
    def path(self) -> str:
        """Inventory path below the datacenter: `vm/<folder>/<name>` (the id `pulumi import` takes)."""
        return "/".join(p for p in ("vm", self.folder, self.name) if p)


@dataclass(frozen=True)
class Inventory:
    """What a vCenter holds, flattened: every object carries the names of its datacenter (and cluster)."""

    version: str
    full_name: str
    api_version: str
    datacenters: tuple[str, ...]
    clusters: tuple[tuple[str, str], ...]  # (datacenter, cluster)
    hosts: tuple[Host, ...]
    datastores: tuple[Datastore, ...]
    switches: tuple[tuple[str, str], ...]  # (datacenter, switch)
    port_groups: tuple[PortGroup, ...]
    vms: tuple[VirtualMachine, ...]
    folders: tuple[Folder, ...] = ()
    pools: tuple[ResourcePool, ...] = ()
    round_trips: int = 0
    #: The DER certificate the vCenter presented (https only).
    certificate: bytes | None = None
