"""The stack's configuration: one typed model, parsed and validated before any resource exists.

Every key of the `vio-nfv` namespace is read here and nowhere else. Components receive plain, already
valid values (their own frozen Args), never `pulumi.Config`.

Validation runs in two passes so that one `pulumi up` reports every problem at once:
1. shape: each top-level key is parsed on its own (types, ranges, unknown keys), so a typo in one section
   does not hide the problems of another;
2. meaning: cross-field and cross-section rules (addresses inside the management subnet, a static range
   large enough for the topology, overlapping tenant CIDRs, ...) on the sections that parsed.
A `ConfigError` lists each problem with its full config key, e.g.
`vio-nfv:managementNetwork.vip: 10.1.0.300 is not an IP address`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Any, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from components import ipplan

NAMESPACE = "vio-nfv"

#: Secret keys and what they unlock. Read with `Config.require_secret`: they only ever exist as secrets.
CREDENTIAL_KEYS: tuple[str, ...] = (
    "managementVcenterPassword",
    "resourceVcenterPassword",
    "resourceVcenterThumbprint",
    "nsxPassword",
    "openstackPassword",
    "bgpNeighborPassword",
)


class ConfigError(pulumi.RunError):
    """The stack configuration is invalid. Raised before any resource is registered.

    Subclasses `pulumi.RunError` so that the Pulumi CLI prints the message without a traceback.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid stack configuration ({len(self.problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Problem:
    """One configuration problem: the dotted key under the namespace and what is wrong with it."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{NAMESPACE}:{self.key}: {self.message}"


# --------------------------------------------------------------------------------------------- shapes


class _Section(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )


Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^/\\]+$")]
#: A DNS label: what tenant, network and cluster keys become inside logical names and hostnames.
Label = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
Port = Annotated[int, Field(ge=1, le=65535)]
VlanId = Annotated[int, Field(ge=0, le=4094)]


class VcenterEndpoint(_Section):
    """How to reach a vCenter Server. The password is the secret `<prefix>Password` key."""

    server: Name = Field(description="FQDN or IP of the vCenter Server.")
    username: Name = Field(description="SSO user, e.g. svc-vio@vsphere.local.")
    port: Port = Field(default=443, description="HTTPS port of the vCenter API.")
    allow_unverified_ssl: bool = Field(
        default=False,
        description="Skip TLS verification. Off by default: only for labs with self-signed certificates.",
    )
    datacenter: Name = Field(description="Datacenter that holds the pod.")
    datastore: Name = Field(description="Datastore for the pod's VMs.")


class ManagementVcenter(VcenterEndpoint):
    """The management pod's vCenter: OMS and the VIO management plane run here."""

    cluster: Name = Field(description="Management cluster (DRS enabled: anti-affinity rules need it).")
    distributed_switch: Name = Field(description="Distributed switch carrying the management network.")


class ResourceVcenter(VcenterEndpoint):
    """The Edge/Resource pod's vCenter: compute and storage for tenants, associated with NSX-T."""

    compute_clusters: list[Label] = Field(
        min_length=1,
        description="Clusters for tenant workloads; one VIO compute driver is deployed per cluster.",
    )
    edge_cluster: Label | None = Field(
        default=None,
        description="three-pod only: the separate cluster for NSX edge nodes. In two-pod the edge "
        "nodes share the compute clusters (collapsed Edge/Resource pod).",
    )


AsNumber = Annotated[int, Field(ge=1, le=4294967295)]
#: Edge nodes a Tier-0 may span per HA mode (NSX-T: active-standby is a pair; active-active ECMP up to 8).
TIER0_EDGE_NODES: Mapping[str, tuple[int, int]] = {"ACTIVE_STANDBY": (2, 2), "ACTIVE_ACTIVE": (1, 8)}


class EdgeInterface(_Section):
    """One Tier-0 uplink interface: which edge node carries it and its address on the uplink's subnet."""

    edge_node: int = Field(ge=0, le=9, description="Member index of the edge node in the NSX edge cluster.")
    address: IPv4Address


class Tier0Uplink(_Section):
    """A VLAN uplink segment towards the physical routers, with one interface per Tier-0 edge node."""

    name: Label = Field(description="Stable key of the uplink: names its segment and interfaces.")
    vlan: VlanId
    cidr: IPv4Network = Field(description="Subnet of the uplink VLAN shared with the routers.")
    interfaces: list[EdgeInterface] = Field(min_length=1)
    ha_vip: IPv4Address | None = Field(
        default=None, description="ACTIVE_STANDBY only: the address the active edge holds on this uplink."
    )


class BgpNeighbor(_Section):
    """A BGP peer (top-of-rack/DC gateway). Its password is the secret `bgpNeighborPassword`."""

    name: Label
    address: IPv4Address
    remote_as: AsNumber
    ibgp: bool = Field(default=False, description="Peer in the local AS on purpose (iBGP).")
    bfd: bool = Field(default=False, description="Enable BFD for sub-second failure detection.")


class Tier0(_Section):
    """The provider-facing Tier-0 gateway VIO's external networks attach to."""

    name: Label | None = Field(default=None, description="Display name and NSX id; default `<namePrefix>-t0`.")
    ha_mode: Literal["ACTIVE_STANDBY", "ACTIVE_ACTIVE"] = "ACTIVE_STANDBY"
    local_as: AsNumber
    edge_nodes: list[Annotated[int, Field(ge=0, le=9)]] = Field(
        min_length=1, description="Member indexes of the edge nodes in the edge cluster the Tier-0 uses."
    )
    uplinks: list[Tier0Uplink] = Field(min_length=1)
    neighbors: list[BgpNeighbor] = Field(default_factory=list)


class NsxDhcp(_Section):
    """The DHCP server profile VIO's NSX policy plugin uses for tenant subnets."""

    lease_time: int = Field(default=86400, ge=60, le=4294967295, description="Lease time in seconds.")


class Nsx(_Section):
    """NSX-T Manager associated with the resource vCenter. The password is the secret `nsxPassword`."""

    host: Name = Field(description="FQDN or IP of the NSX-T Manager (or its cluster VIP).")
    username: Name = Field(default="admin")
    allow_unverified_ssl: bool = Field(default=False)
    overlay_transport_zone: Name = Field(description="Overlay transport zone (East-West segments).")
    vlan_transport_zone: Name = Field(description="VLAN transport zone (Tier-0 uplinks).")
    edge_cluster: Name = Field(description="NSX edge cluster display name hosting the Tier-0.")
    tier0: Tier0
    dhcp: NsxDhcp = Field(default_factory=NsxDhcp)


class OpenStack(_Section):
    """VIO's OpenStack API as tenants and the bootstrap reach it (Keystone v3 on the public VIP)."""

    public_hostname: Name = Field(description="DNS name that resolves to the management plane VIP.")
    username: Name = Field(default="admin")
    project_name: Name = Field(default="admin")
    user_domain: Name = Field(default="Default")
    project_domain: Name = Field(default="Default")
    region: Name = Field(default="nova")
    insecure: bool = Field(default=False, description="Skip TLS verification of the VIO endpoint.")


class IpRange(_Section):
    start: IPv4Address
    end: IPv4Address


class ManagementNetwork(_Section):
    """The dedicated network every management component shares."""

    port_group: Name = Field(description="Distributed port group name.")
    existing: bool = Field(
        default=False,
        description="Adopt an existing port group instead of creating it (then `vlan` is ignored).",
    )
    vlan: VlanId | None = Field(default=None, description="VLAN ID of the port group to create.")
    cidr: IPv4Network
    gateway: IPv4Address
    dns: list[IPv4Address] = Field(min_length=1)
    ntp: list[Name] = Field(min_length=1)
    domain: Name = Field(description="DNS suffix of the management VMs.")
    static_range: IpRange = Field(description="Addresses the plan allocates VM IPs from, in order.")
    vip: IPv4Address = Field(description="Public/admin VIP held by the load balancer pair.")


class Templates(_Section):
    oms: Name = Field(description="VM template of the OpenStack Management Server.")
    node: Name = Field(description="VM template of the management plane nodes.")


class NodeSize(_Section):
    cpus: int = Field(ge=1, le=128)
    memory_mb: int = Field(ge=1024, le=1048576)
    disk_gb: int = Field(ge=20, le=65536)


class TenantNetworkSpec(_Section):
    name: Label
    cidr: IPv4Network


class TenantSpec(_Section):
    name: Label
    networks: list[TenantNetworkSpec] = Field(default_factory=list)


class Settings(_Section):
    """Everything the platform stack needs, validated. Built by `load` or `parse`."""

    topology: Literal["ha", "compact"] = "ha"
    pod_layout: Literal["two-pod", "three-pod"] = "two-pod"
    name_prefix: Label = "vio"
    management_vcenter: ManagementVcenter
    resource_vcenter: ResourceVcenter
    nsx: Nsx
    openstack: OpenStack
    management_network: ManagementNetwork
    templates: Templates
    sizing: dict[ipplan.Role, NodeSize] = Field(default_factory=dict)
    tenants: list[TenantSpec] = Field(default_factory=list)

    def node_size(self, role: ipplan.Role) -> NodeSize:
        """The configured size of a role, else VIO's published figure (see `DEFAULT_SIZING`)."""
        return self.sizing.get(role) or DEFAULT_SIZING[role]


#: Per-role VM sizes used unless `vio-nfv:sizing.<role>` overrides them. OMS and controller are VIO's
#: published figures (VMware Telco Cloud Infrastructure OpenStack Edition RA 2.2, "VIO sizing": manager
#: 4 vCPU / 16 GB / 40+30 GB disks; HA controller "medium" 8 vCPU / 32 GB / 50 GB). VIO publishes no
#: per-VM figures for the load balancer, database and compute driver roles: those are this project's
#: defaults (README, "Sizing"), sized for a Galera node and an nova-compute/haproxy appliance.
DEFAULT_SIZING: Mapping[ipplan.Role, NodeSize] = {
    "oms": NodeSize(cpus=4, memory_mb=16384, disk_gb=70),
    "lb": NodeSize(cpus=2, memory_mb=4096, disk_gb=40),
    "controller": NodeSize(cpus=8, memory_mb=32768, disk_gb=50),
    "db": NodeSize(cpus=4, memory_mb=16384, disk_gb=80),
    "compute-driver": NodeSize(cpus=2, memory_mb=8192, disk_gb=40),
}

# Top-level keys: (config key, attribute, type, required). Order is the order problems are reported in.
_SECTIONS: tuple[tuple[str, str, Any, bool], ...] = (
    ("topology", "topology", Literal["ha", "compact"], False),
    ("podLayout", "pod_layout", Literal["two-pod", "three-pod"], False),
    ("namePrefix", "name_prefix", Label, False),
    ("managementVcenter", "management_vcenter", ManagementVcenter, True),
    ("resourceVcenter", "resource_vcenter", ResourceVcenter, True),
    ("nsx", "nsx", Nsx, True),
    ("openstack", "openstack", OpenStack, True),
    ("managementNetwork", "management_network", ManagementNetwork, True),
    ("templates", "templates", Templates, True),
    ("sizing", "sizing", dict[ipplan.Role, NodeSize], False),
    ("tenants", "tenants", list[TenantSpec], False),
)
KNOWN_KEYS: frozenset[str] = frozenset(k for k, *_ in _SECTIONS) | frozenset(CREDENTIAL_KEYS)


# ------------------------------------------------------------------------------------------ messages


def _dotted(prefix: str, loc: tuple[int | str, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part.startswith(("function-", "json-or-python")) or part in {"list", "str", "int", "[key]"}:
            continue
        else:
            key += f".{part}" if key else part
    return key


def _describe(error: Mapping[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    shown = value if isinstance(value, str | int | float) else repr(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"unknown key (value {shown!r}); check its spelling against the README's config table"
    if kind in {"ip_v4_address", "ip_any_address"}:
        return f"{shown} is not an IP address"
    if kind in {"ip_v4_network", "ip_any_network"}:
        if isinstance(value, str) and "/" in value:
            try:
                strict = ipaddress.ip_network(value, strict=False)
                return f"{value} has host bits set; did you mean {strict}?"
            except ValueError:
                pass
        return f"{shown} is not a network in CIDR form (e.g. 10.0.0.0/24)"
    if kind == "literal_error":
        return f"{shown!r} is not one of {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        return f"{shown!r} is not a valid name (lowercase letters, digits and '-', not at either end)"
    if kind in {"greater_than_equal", "less_than_equal", "too_short", "too_long"}:
        return f"{shown!r}: {error['msg'].lower()}"
    return f"{shown!r}: {error['msg']}"


def _parse_section(
    key: str, kind: Any, raw: Any, problems: list[Problem]
) -> Any:
    try:
        return TypeAdapter(kind).validate_python(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(_dotted(key, err["loc"]), _describe(err)))
        return None


# ---------------------------------------------------------------------------------------- semantics


def _network_problems(net: ManagementNetwork, topology: str, compute_drivers: int) -> list[Problem]:
    key = "managementNetwork"
    out: list[Problem] = []
    cidr = net.cidr
    named = {
        "gateway": net.gateway,
        "vip": net.vip,
        "staticRange.start": net.static_range.start,
        "staticRange.end": net.static_range.end,
    }
    for field, addr in named.items():
        if addr not in cidr:
            out.append(Problem(f"{key}.{field}", f"{addr} is outside {key}.cidr {cidr}"))
        elif cidr.prefixlen < 31 and addr in (cidr.network_address, cidr.broadcast_address):
            out.append(Problem(f"{key}.{field}", f"{addr} is the network or broadcast address of {cidr}"))
    if net.gateway == net.vip:
        out.append(Problem(f"{key}.vip", f"{net.vip} is also the gateway; pick a free address"))
    start, end = net.static_range.start, net.static_range.end
    if start > end:
        out.append(Problem(f"{key}.staticRange", f"start {start} is after end {end}"))
        return out
    for field, addr in (("gateway", net.gateway), ("vip", net.vip)):
        if start <= addr <= end:
            out.append(
                Problem(f"{key}.{field}", f"{addr} lies inside staticRange {start}-{end}; move it out")
            )
    if not out:
        needed = ipplan.addresses_needed(topology, compute_drivers)
        have = ipplan.range_size(start, end)
        if have < needed:
            out.append(
                Problem(
                    f"{key}.staticRange",
                    f"{start}-{end} holds {have} address(es); topology {topology!r} with "
                    f"{compute_drivers} compute driver(s) needs {needed}",
                )
            )
    for i, dup in _duplicates(str(d) for d in net.dns):
        out.append(Problem(f"{key}.dns[{i}]", f"{dup} is listed twice"))
    if not net.existing and net.vlan is None:
        out.append(Problem(f"{key}.vlan", "is required when the port group is created (existing: false)"))
    return out


def _duplicates(items: Iterable[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    dups = []
    for i, item in enumerate(items):
        if item in seen:
            dups.append((i, item))
        seen.add(item)
    return dups


def _tenant_problems(
    tenants: list[TenantSpec], management: ManagementNetwork | None
) -> list[Problem]:
    out: list[Problem] = []
    for i, dup in _duplicates(t.name for t in tenants):
        out.append(Problem(f"tenants[{i}].name", f"tenant {dup!r} is defined twice"))
    owners: list[tuple[str, IPv4Network]] = []
    if management is not None:
        owners.append(("managementNetwork.cidr", management.cidr))
    for ti, tenant in enumerate(tenants):
        for ni, dup in _duplicates(n.name for n in tenant.networks):
            out.append(
                Problem(f"tenants[{ti}].networks[{ni}].name", f"network {dup!r} is defined twice in tenant {tenant.name!r}")
            )
        for ni, network in enumerate(tenant.networks):
            key = f"tenants[{ti}].networks[{ni}].cidr"
            clash = next((k for k, c in owners if c.overlaps(network.cidr)), None)
            if clash is not None:
                out.append(Problem(key, f"{network.cidr} overlaps {clash} {dict(owners)[clash]}"))
            owners.append((f"{key} ({tenant.name}/{network.name})", network.cidr))
    return out


def _layout_problems(layout: str, resource: ResourceVcenter) -> list[Problem]:
    out = [
        Problem(f"resourceVcenter.computeClusters[{i}]", f"cluster {dup!r} is listed twice")
        for i, dup in _duplicates(resource.compute_clusters)
    ]
    if layout == "three-pod" and resource.edge_cluster is None:
        out.append(Problem("resourceVcenter.edgeCluster", "is required with podLayout 'three-pod'"))
    if layout == "two-pod" and resource.edge_cluster is not None:
        out.append(
            Problem(
                "resourceVcenter.edgeCluster",
                f"{resource.edge_cluster!r} is only used with podLayout 'three-pod'; remove it or "
                "set podLayout: three-pod",
            )
        )
    if resource.edge_cluster is not None and resource.edge_cluster in resource.compute_clusters:
        out.append(
            Problem("resourceVcenter.edgeCluster", f"{resource.edge_cluster!r} is also a compute cluster")
        )
    return out


def _tier0_problems(t0: Tier0) -> list[Problem]:
    """Edge nodes per HA mode, uplink addressing, HA VIPs and BGP peers of `nsx.tier0`."""
    key = "nsx.tier0"
    out: list[Problem] = []
    low, high = TIER0_EDGE_NODES[t0.ha_mode]
    nodes = len(set(t0.edge_nodes))
    if not low <= nodes <= high:
        need = f"exactly {low}" if low == high else f"{low} to {high}"
        out.append(
            Problem(f"{key}.edgeNodes", f"{t0.edge_nodes}: haMode {t0.ha_mode} needs {need} edge nodes")
        )
    for i, dup in _duplicates(str(n) for n in t0.edge_nodes):
        out.append(Problem(f"{key}.edgeNodes[{i}]", f"edge node {dup} is listed twice"))
    for i, dup in _duplicates(u.name for u in t0.uplinks):
        out.append(Problem(f"{key}.uplinks[{i}].name", f"uplink {dup!r} is defined twice"))
    for i, dup in _duplicates(str(u.vlan) for u in t0.uplinks):
        out.append(Problem(f"{key}.uplinks[{i}].vlan", f"VLAN {dup} is used by another uplink"))
    for i, uplink in enumerate(t0.uplinks):
        for j, other in enumerate(t0.uplinks[:i]):
            if uplink.cidr.overlaps(other.cidr):
                out.append(
                    Problem(f"{key}.uplinks[{i}].cidr", f"{uplink.cidr} overlaps uplinks[{j}] {other.cidr}")
                )

    owners: dict[IPv4Address, str] = {}
    for i, uplink in enumerate(t0.uplinks):
        ukey, cidr = f"{key}.uplinks[{i}]", uplink.cidr
        placed = [x.edge_node for x in uplink.interfaces]
        for j, dup in _duplicates(str(n) for n in placed):
            out.append(Problem(f"{ukey}.interfaces[{j}].edgeNode", f"edge node {dup} has two interfaces here"))
        for j, iface in enumerate(uplink.interfaces):
            if iface.edge_node not in t0.edge_nodes:
                out.append(
                    Problem(
                        f"{ukey}.interfaces[{j}].edgeNode",
                        f"{iface.edge_node} is not one of nsx.tier0.edgeNodes {t0.edge_nodes}",
                    )
                )
        missing = sorted(set(t0.edge_nodes) - set(placed))
        if missing:
            out.append(
                Problem(f"{ukey}.interfaces", f"no interface for edge node(s) {missing}; add one per edge node")
            )
        addresses = [(f"{ukey}.interfaces[{j}].address", x.address) for j, x in enumerate(uplink.interfaces)]
        if uplink.ha_vip is not None:
            addresses.append((f"{ukey}.haVip", uplink.ha_vip))
        for field, addr in addresses:
            if addr not in cidr:
                out.append(Problem(field, f"{addr} is outside the uplink subnet {cidr}"))
            elif cidr.prefixlen < 31 and addr in (cidr.network_address, cidr.broadcast_address):
                out.append(Problem(field, f"{addr} is the network or broadcast address of {cidr}"))
            if addr in owners:
                out.append(Problem(field, f"{addr} is already used by {owners[addr]}"))
            else:
                owners[addr] = field
        if t0.ha_mode == "ACTIVE_STANDBY" and uplink.ha_vip is None:
            out.append(Problem(f"{ukey}.haVip", f"is required with haMode ACTIVE_STANDBY (a free address in {cidr})"))
        if t0.ha_mode == "ACTIVE_ACTIVE" and uplink.ha_vip is not None:
            out.append(
                Problem(f"{ukey}.haVip", f"{uplink.ha_vip}: HA VIPs exist only with haMode ACTIVE_STANDBY; remove it")
            )

    for i, dup in _duplicates(n.name for n in t0.neighbors):
        out.append(Problem(f"{key}.neighbors[{i}].name", f"neighbor {dup!r} is defined twice"))
    for i, dup in _duplicates(str(n.address) for n in t0.neighbors):
        out.append(Problem(f"{key}.neighbors[{i}].address", f"neighbor address {dup} is listed twice"))
    for i, peer in enumerate(t0.neighbors):
        nkey = f"{key}.neighbors[{i}]"
        if not any(peer.address in u.cidr for u in t0.uplinks):
            subnets = ", ".join(str(u.cidr) for u in t0.uplinks)
            out.append(Problem(f"{nkey}.address", f"{peer.address} is in no uplink subnet ({subnets})"))
        if peer.address in owners:
            out.append(Problem(f"{nkey}.address", f"{peer.address} is the Tier-0's own {owners[peer.address]}"))
        if peer.remote_as == t0.local_as and not peer.ibgp:
            out.append(
                Problem(
                    f"{nkey}.remoteAs",
                    f"{peer.remote_as} equals nsx.tier0.localAs; use the peer's AS for eBGP, "
                    "or set ibgp: true if this is an iBGP peer",
                )
            )
        if peer.ibgp and peer.remote_as != t0.local_as:
            out.append(
                Problem(
                    f"{nkey}.ibgp",
                    f"iBGP needs remoteAs {peer.remote_as} to equal localAs {t0.local_as}; "
                    "set ibgp: false for eBGP",
                )
            )
    return out


# ------------------------------------------------------------------------------------------- public


def parse(raw: Mapping[str, Any], present_credentials: Iterable[str] = CREDENTIAL_KEYS) -> Settings:
    """Validate plain config values (keys without the namespace, objects already decoded).

    `present_credentials` names the secret keys that are set; the missing ones are reported.
    Raises `ConfigError` listing every problem.
    """
    problems: list[Problem] = []
    present = set(present_credentials)
    for key in CREDENTIAL_KEYS:
        if key not in present:
            problems.append(
                Problem(key, f"is required; set it with `pulumi config set --secret {NAMESPACE}:{key} ...`")
            )
    for key in sorted(set(raw) - KNOWN_KEYS):
        problems.append(Problem(key, "unknown key; check its spelling against the README's config table"))

    values: dict[str, Any] = {}
    for key, attr, kind, required in _SECTIONS:
        if key not in raw or raw[key] is None:
            if required:
                problems.append(Problem(key, "is required"))
            continue
        parsed = _parse_section(key, kind, raw[key], problems)
        if parsed is not None:
            values[attr] = parsed

    topology = values.get("topology", "ha")
    resource: ResourceVcenter | None = values.get("resource_vcenter")
    network: ManagementNetwork | None = values.get("management_network")
    if resource is not None:
        problems += _layout_problems(values.get("pod_layout", "two-pod"), resource)
    if network is not None and resource is not None:
        problems += _network_problems(network, topology, len(resource.compute_clusters))
    if "tenants" in values:
        problems += _tenant_problems(values["tenants"], network)
    if "nsx" in values:
        problems += _tier0_problems(values["nsx"].tier0)

    if problems:
        raise ConfigError(problems)
    return Settings.model_validate(values)


def _namespace_keys() -> set[str]:
    from pulumi.runtime import config as runtime_config

    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix) :] for k in keys if k.startswith(prefix)}


@dataclass(frozen=True)
class Credentials:
    """Secret inputs, only ever as secret Outputs; nothing here is printed or exported."""

    management_vcenter_password: pulumi.Output[str]
    resource_vcenter_password: pulumi.Output[str]
    resource_vcenter_thumbprint: pulumi.Output[str]
    nsx_password: pulumi.Output[str]
    openstack_password: pulumi.Output[str]
    bgp_neighbor_password: pulumi.Output[str]


def load(config: pulumi.Config | None = None) -> tuple[Settings, Credentials]:
    """Read and validate the `vio-nfv` namespace of the current stack."""
    config = config or pulumi.Config(NAMESPACE)
    raw: dict[str, Any] = {}
    # Unknown keys are reported too, so a misspelt key does not silently fall back to a default.
    for key in _namespace_keys() - KNOWN_KEYS:
        raw[key] = config.get(key)
    for key, *_ in _SECTIONS:
        try:
            value = config.get_object(key)
        except Exception:  # noqa: BLE001 - a scalar key set without JSON quoting
            value = config.get(key)
        if value is not None:
            raw[key] = value
    present = [k for k in CREDENTIAL_KEYS if config.get_secret(k) is not None]
    settings = parse(raw, present)
    secrets = {k: config.require_secret(k) for k in CREDENTIAL_KEYS}
    return settings, Credentials(
        management_vcenter_password=secrets["managementVcenterPassword"],
        resource_vcenter_password=secrets["resourceVcenterPassword"],
        resource_vcenter_thumbprint=secrets["resourceVcenterThumbprint"],
        nsx_password=secrets["nsxPassword"],
        openstack_password=secrets["openstackPassword"],
        bgp_neighbor_password=secrets["bgpNeighborPassword"],
    )

