"""The stack's configuration: one typed model, parsed and validated before any resource exists.

Every key of the `vio-nfv` namespace is read here and nowhere else. Components receive plain, already
valid values (their own frozen Args), never `pulumi.Config`.

Validation runs in two passes so that one `pulumi up` reports every problem at once:
1. shape: each top-level key is parsed on its own (types, ranges, unknown keys), so a typo in one section
   does not hide the problems of another;
2. meaning: cross-field and cross-section rules (addresses inside the management subnet, VIO ranges
   large enough for the topology, overlapping tenant CIDRs, ...) on the sections that parsed.
A `ConfigError` lists each problem with its full config key, e.g.
`vio-nfv:managementNetwork.privateVip: 10.1.0.300 is not an IP address`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pulumi
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from components import ipplan

NAMESPACE = "vio-nfv"
#: A tenant's own stack reads its keys under its project's name (examples/tenant-stack/Pulumi.yaml `name:`):
#: the Pulumi CLI lets a project declare a type or `secret: true` only for keys of its own namespace
#: (pulumi/pulumi sdk/go/common/workspace/project.go: "is not namespaced by the project and should not
#: define a type"), and the tenant stack declares its keys so the CLI refuses a plaintext password.
TENANT_NAMESPACE = "vio-nfv-tenant"

#: Secret keys and what they unlock. Read with `Config.require_secret`: they only ever exist as secrets.
CREDENTIAL_KEYS: tuple[str, ...] = (
    "managementVcenterPassword",
    "resourceVcenterPassword",
    "resourceVcenterThumbprint",
    "nsxPassword",
    "openstackPassword",
    "bgpNeighborPassword",
    "managerAdminPassword",
    "nsxMetadataProxySecret",
)


#: Credential keys that may be written in plain text: a certificate thumbprint is what the server shows
#: every TLS client, so it protects nothing to encrypt it, and in plain text its format is checked offline
#: too. NSX still receives it as a secret (components/nsx_edge.py).
PLAINTEXT_ALLOWED: frozenset[str] = frozenset({"resourceVcenterThumbprint"})


def _thumbprint(value: str) -> bool:
    # NSX's UsernamePasswordLoginCredential.thumbprint: pattern ^(([0-9A-Fa-f]{2}[:])+([0-9A-Fa-f]{2}))?$
    # (https://developer.broadcom.com/xapis/nsx-t-data-center-rest-api/4.0.0/schemas_UsernamePasswordLoginCredential.html);
    # the hash is SHA-1 (20 bytes) or SHA-256 (32 bytes), what `openssl x509 -fingerprint` prints.
    parts = value.split(":")
    return len(parts) in (20, 32) and all(re.fullmatch(r"[0-9A-Fa-f]{2}", p) for p in parts)


#: Credentials with a format: (predicate, what is expected). Checked on the value the program receives.
CREDENTIAL_FORMATS: Mapping[str, tuple[Any, str]] = {
    "resourceVcenterThumbprint": (
        _thumbprint,
        "a SHA-1 or SHA-256 certificate thumbprint in colon-hex (20 or 32 bytes, e.g. AB:12:...); "
        "get it with `openssl s_client -connect <vcenter>:443 </dev/null | openssl x509 -noout "
        "-fingerprint -sha256`",
    ),
}


def credential_problems(
    credential_keys: Iterable[str],
    plaintext: Iterable[str] = (),
    values: Mapping[str, Any] | None = None,
    namespace: str = NAMESPACE,
) -> list[Problem]:
    """Credentials written in plain text (not `secure:`), empty, or of the wrong format. The message never
    contains the value: a password pasted in clear must not be printed again."""
    out: list[Problem] = []
    plaintext = set(plaintext)
    for key in credential_keys:
        fix = f"`pulumi config set --secret {namespace}:{key} ...`"
        if key in plaintext and key not in PLAINTEXT_ALLOWED:
            out.append(Problem(key, f"is written in plain text in the stack file (value not shown); it is a "
                                    f"credential: remove the line and set it with {fix}"))
        value = (values or {}).get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            out.append(Problem(key, f"is empty; set it with {fix}"))
        elif key in CREDENTIAL_FORMATS and not CREDENTIAL_FORMATS[key][0](value.strip()):
            out.append(Problem(key, f"is not {CREDENTIAL_FORMATS[key][1]} (value not shown)"))
    return out


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
    namespace: str = NAMESPACE

    def __str__(self) -> str:
        return f"{self.namespace}:{self.key}: {self.message}"


# --------------------------------------------------------------------------------------------- shapes


class _Section(BaseModel):
    # strict: a YAML value of the wrong type is an error, never coerced (a VLAN of `true` is not 1, a
    # name of 123 is not "123"). The only lax fields are the address types below, which YAML gives as text.
    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True, strict=True
    )


def _ip_text(value: Any) -> Any:
    # Lax pydantic would also read an integer as an address (175770113 -> 10.122.10.1): only text is.
    if isinstance(value, str | ipaddress.IPv4Address | ipaddress.IPv4Network):
        return value
    raise PydanticCustomError("ip_text", "expected an IPv4 value as text")


#: Addresses and networks arrive as YAML strings: parsing them from text is the one coercion allowed.
IPv4Address = Annotated[ipaddress.IPv4Address, Strict(False), BeforeValidator(_ip_text)]
IPv4Network = Annotated[ipaddress.IPv4Network, Strict(False), BeforeValidator(_ip_text)]

#: An inventory or display name: no '/' or '\\' (vSphere inventory paths), no control characters, and
#: no leading or trailing whitespace (vCenter and NSX keep it, so `"dc01 "` names another object).
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^/\\\s\x00-\x1f]([^/\\\x00-\x1f]*[^/\\\s\x00-\x1f])?$")]
#: A DNS label: what tenant, network and cluster keys become inside logical names and hostnames.
Label = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]

_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _host(value: str) -> str:
    """RFC 1123 host name (labels of 1-63 letters, digits and inner hyphens; 253 in all) or IPv4 address."""
    if ":" in value:
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            pass
        else:
            raise ValueError("is IPv6; VIO's management and provider networks here are IPv4 only, use an "
                             "IPv4 address or a host name")
    labels = value.split(".")
    if len(value) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError("not a valid host name (RFC 1123: dot-separated labels of 1-63 letters, digits and "
                         "inner hyphens, 253 characters at most) or IPv4 address")
    if all(label.isdigit() for label in labels):  # all-numeric: only meaningful as an IPv4 address
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError("is neither an IPv4 address nor a host name (a name's last label is not "
                             "all digits)") from None
    return value


#: A server, NTP source or DNS domain: an RFC 1123 host name / FQDN, or an IPv4 address.
Host = Annotated[str, AfterValidator(_host)]
Port = Annotated[int, Field(ge=1, le=65535)]
VlanId = Annotated[int, Field(ge=0, le=4094)]


URL_PATTERN = r"^https?://[^\s/]+(:\d+)?(/\S*)?$"
VIO_VERSION_PATTERN = r"^7\.\d+(\.\d+){0,2}$"
#: A distributed switch's managed object id as VIO's `compute_cluster.dvs_moid` takes it (not its name, not
#: the UUID the vSphere provider's getDistributedVirtualSwitch returns as `id`).
DVS_MOID_PATTERN = r"^dvs-[0-9]+$"
DVS_MOID_HOW = (
    "find it in the vSphere client's URL with the switch selected "
    "(urn:vmomi:VmwareDistributedVirtualSwitch:dvs-NN:...) or with `govc ls -i /<datacenter>/network/<switch>`"
)


class VcenterEndpoint(_Section):
    """How to reach a vCenter Server. The password is the secret `<prefix>Password` key."""

    server: Host = Field(description="FQDN or IP of the vCenter Server.")
    username: Name = Field(description="SSO user, e.g. svc-vio@vsphere.local.")
    port: Port = Field(default=443, description="HTTPS port of the vCenter API.")
    allow_unverified_ssl: bool = Field(
        default=False,
        description="Skip TLS verification. Off by default: only for labs with self-signed certificates.",
    )
    datacenter: Name = Field(description="Datacenter that holds the pod.")
    datastore: Name = Field(description="Datastore for the pod's VMs.")


class ManagementVcenter(VcenterEndpoint):
    """The management pod's vCenter: the VIO Manager and the controllers it creates run here."""

    cluster: Name = Field(description="Management cluster (DRS enabled: VIO places its controllers).")
    distributed_switch: Name = Field(description="Distributed switch carrying the management network.")


class ResourceVcenter(VcenterEndpoint):
    """The Edge/Resource pod's vCenter: compute and storage for tenants, associated with NSX-T."""

    compute_clusters: list[Label] = Field(
        min_length=1,
        description="Clusters for tenant workloads; each becomes a compute cluster of the VIO deployment.",
    )
    dvs_moid: Annotated[str, Field(pattern=DVS_MOID_PATTERN)] | None = Field(
        default=None,
        description="Only for enhanced networking (SR-IOV): the managed object id (dvs-NN) of the compute "
        "clusters' distributed switch, sent as every compute cluster's optional `dvs_moid`. Unset: not sent.",
    )
    availability_zone: Label = Field(
        default="nova", description="Nova availability zone of the compute clusters (and the default zone)."
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




class NsxMetadataProxy(_Section):
    """The NSX metadata proxy VIO's NSX backend requires (`nsx_backend.metadata_proxy`). Its shared
    secret is the secret `nsxMetadataProxySecret`."""

    name: Label | None = Field(default=None, description="Display name and NSX id; default `<namePrefix>-md-proxy`.")
    server_address: Annotated[str, Field(pattern=URL_PATTERN)] | None = Field(
        default=None,
        description="Nova metadata URL the proxy forwards to; default http://<managementNetwork.privateVip>:8775.",
    )


class Nsx(_Section):
    """NSX-T Manager associated with the resource vCenter. The password is the secret `nsxPassword`."""

    host: Host = Field(description="FQDN or IP of the NSX-T Manager (or its cluster VIP).")
    port: Port = Field(default=443, description="HTTPS port of the NSX Manager API.")
    version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+){0,4}$")] | None = Field(
        default=None,
        description="NSX release the Manager runs, e.g. 4.1.2; preflight compares the Manager's answer to it.",
    )
    username: Name = Field(default="admin")
    allow_unverified_ssl: bool = Field(default=False)
    overlay_transport_zone: Name = Field(description="Overlay transport zone (East-West segments).")
    vlan_transport_zone: Name = Field(description="VLAN transport zone (Tier-0 uplinks).")
    edge_cluster: Name = Field(description="NSX edge cluster display name hosting the Tier-0.")
    tier0: Tier0
    dhcp: NsxDhcp = Field(default_factory=NsxDhcp)
    metadata_proxy: NsxMetadataProxy = Field(default_factory=NsxMetadataProxy)


class OpenStack(_Section):
    """VIO's OpenStack API as tenants and the bootstrap reach it (Keystone v3 on the public VIP)."""

    public_hostname: Host = Field(description="DNS name that resolves to the management plane VIP.")
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
    """The management network: the Manager, the controllers' management interfaces, the private VIP."""

    port_group: Name = Field(description="Distributed port group name.")
    existing: bool = Field(
        default=False,
        description="Adopt an existing port group instead of creating it (then `vlan` is ignored).",
    )
    vlan: VlanId | None = Field(default=None, description="VLAN ID of the port group to create.")
    cidr: IPv4Network
    gateway: IPv4Address
    dns: list[IPv4Address] = Field(min_length=1)
    ntp: list[Host] = Field(min_length=1)
    domain: Host = Field(description="DNS suffix of the Manager.")
    manager_ip: IPv4Address = Field(description="Static address of the VIO Manager (and of its Public API).")
    vio_range: IpRange = Field(description="Addresses VIO assigns to its controllers on this network.")
    private_vip: IPv4Address = Field(description="Private (internal/admin) VIP of the OpenStack deployment.")


class ApiAccessNetwork(_Section):
    """The API access network: where tenants and the bootstrap reach OpenStack's public endpoints."""

    port_group: Name = Field(description="Distributed port group name (management vCenter's switch).")
    existing: bool = Field(default=False, description="Adopt an existing port group instead of creating it.")
    vlan: VlanId | None = Field(default=None, description="VLAN ID of the port group to create.")
    cidr: IPv4Network
    gateway: IPv4Address
    dns: list[IPv4Address] = Field(min_length=1)
    vio_range: IpRange = Field(description="Addresses VIO assigns to its controllers on this network.")
    public_vip: IPv4Address = Field(description="Public VIP; `openstack.publicHostname` resolves to it.")


#: Property keys of the Manager OVA (`vapp.properties`). Defaults are the keys of VMware's VIO management
#: server OVA as VMware's own automation sets them (vmware/ansible-role-vio `vio_oms_deploy` and VMware's
#: cPod deploy scripts: vami.ip0/netmask0/gateway/DNS/domain/searchpath.management-server, ntpServer,
#: viouser_passwd). Not confirmed for every 7.x OVA: override any key if the OVA's OVF descriptor names it
#: differently. Those automations set no hostname property: `hostname` is unset unless configured.
DEFAULT_OVF_PROPERTIES: Mapping[str, str] = {
    "address": "vami.ip0.management-server",
    "netmask": "vami.netmask0.management-server",
    "gateway": "vami.gateway.management-server",
    "dns": "vami.DNS.management-server",
    "domain": "vami.domain.management-server",
    "searchPath": "vami.searchpath.management-server",
    "ntp": "ntpServer",
    "password": "viouser_passwd",
}


class OvfProperties(_Section):
    """Which OVF property of the Manager OVA carries each value."""

    address: Name = DEFAULT_OVF_PROPERTIES["address"]
    netmask: Name = DEFAULT_OVF_PROPERTIES["netmask"]
    gateway: Name = DEFAULT_OVF_PROPERTIES["gateway"]
    dns: Name = DEFAULT_OVF_PROPERTIES["dns"]
    domain: Name = DEFAULT_OVF_PROPERTIES["domain"]
    search_path: Name = DEFAULT_OVF_PROPERTIES["searchPath"]
    ntp: Name = DEFAULT_OVF_PROPERTIES["ntp"]
    hostname: Name | None = Field(default=None, description="Key of a hostname property, if the OVA has one.")
    password: Name = DEFAULT_OVF_PROPERTIES["password"]


class VioManager(_Section):
    """The VIO Manager VM: deployed from VMware's OVA (`source: ova`) or cloned from a template made from
    it (`source: template`). Sized per VIO 7 (RA 2.2, "VIO sizing": 4 vCPU, 16 GB, disks 40 + 30 GB)."""

    source: Literal["ova", "template"] = "ova"
    ova: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="source ova: URL (http/https) or local path of the VIO OVA."
    )
    template: Name | None = Field(default=None, description="source template: VM template name.")
    ovf_properties: OvfProperties = Field(default_factory=OvfProperties)
    ovf_network: Name = Field(
        default="VIO Management Server Network",
        description="The OVA's network name mapped to managementNetwork.portGroup (VMware's VIO automation "
        "maps `VIO Management Server Network`).",
    )
    cpus: int = Field(default=4, ge=4, le=64)
    memory_mb: int = Field(default=16384, ge=16384, le=262144)
    disks_gb: list[Annotated[int, Field(ge=1, le=65536)]] = Field(default_factory=lambda: [40, 30], min_length=1)
    allow_unverified_ova_url: bool = Field(default=False, description="Skip TLS checks of an https OVA URL.")


class VioApi(_Section):
    """How Pulumi reaches the Manager's Public API (https://<managementNetwork.managerIp>)."""

    username: Name = Field(default="admin", description="Manager admin user; password `managerAdminPassword`.")
    port: Port = 443
    insecure: bool = Field(default=False, description="Skip TLS verification (lab only).")
    ca_bundle: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="PEM of the CA that signed the Manager's certificate."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=600, description="Bound of every API call.")


#: Controller sizes VIO 7 offers (RA 2.2 "VIO sizing"): (vCPU, memory MB, disk GB). Never mixed.
CONTROLLER_SIZES: Mapping[str, tuple[int, int, int]] = {
    "small": (4, 16384, 25),
    "medium": (8, 32768, 50),
    "large": (12, 32768, 75),
}


class Vio(_Section):
    """VIO itself: release, Manager, controllers, API access, deployment behaviour."""

    version: Annotated[str, Field(pattern=VIO_VERSION_PATTERN)] = Field(
        description="VIO release, e.g. 7.3.0 (7.x only: its Public API is what this program drives)."
    )
    manager: VioManager = Field(default_factory=VioManager)
    controllers: int | None = Field(
        default=None, ge=1, le=10, description="ha: 3-10 (default 3); compact: exactly 1."
    )
    controller_size: Literal["small", "medium", "large"] = "medium"
    api: VioApi = Field(default_factory=VioApi)
    deploy_timeout_minutes: int = Field(default=120, ge=10, le=1440)
    delete_on_destroy: bool = Field(
        default=False, description="Delete the OpenStack deployment on destroy; default: leave it running."
    )


class ExternalNetwork(_Section):
    """The provider (external) network VIO backs with the Tier-0: router gateways and floating IPs."""

    name: Label = Field(default="ext-net", description="OpenStack name; tenants pick floating IPs by it.")
    cidr: IPv4Network = Field(description="Routable subnet on the Tier-0 side (floating IPs, router gateways).")
    gateway: IPv4Address = Field(description="Next hop of the external subnet (held by the Tier-0).")
    floating_pool: IpRange = Field(description="Addresses OpenStack hands out as floating IPs and gateways.")
    dns: list[IPv4Address] = Field(default_factory=list)


#: A flavor extra spec VIO's compute driver reads: what values it takes and whether a VIO document says so.
@dataclass(frozen=True)
class ExtraSpecRule:
    expected: str
    accepts: Any  # callable str -> bool
    confirmed: bool


def _ints(low: int, high: int) -> Any:
    return lambda v: v.lstrip("-").isdigit() and low <= int(v) <= high


def _one_of(*values: str) -> Any:
    return lambda v: v in values


def _numa_extra_config(value: str) -> bool:
    import json

    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return (
        isinstance(parsed, dict)
        and set(parsed) == {"numa.nodeAffinity"}
        and all(p.strip().isdigit() for p in str(parsed["numa.nodeAffinity"]).split(","))
    )


#: The allow-list of flavor extra specs. `confirmed`: listed in VIO's "Flavor Extra Specs" page
#: (docs.vmware.com/en/VMware-Integrated-OpenStack/{4.1,7.1,7.2,7.3}/com.vmware.openstack.admin.doc/
#: GUID-7E6470D6-0A0E-494E-81CB-B576FA7E48D3.html): hw:vifs_multi_thread; quota:cpu_limit ("The value 0
#: indicates that CPU usage is not limited"), cpu_reservation (MHz), cpu_reservation_percent (takes
#: precedence over cpu_reservation), cpu_shares_level (custom enables cpu_shares_share, ignored otherwise),
#: quota:disk_io_* the same way (disk_io_limit 0 = not limited); vmware:extra_config with numa.nodeAffinity
#: in the Carrier Edition docs. Field-used but not confirmed by a VIO page: vmware:latency_sensitivity_level
#: (OSM's VIO connector; 'high' needs full CPU and memory reservations, enforced below) and the
#: quota:memory_* specs of upstream Nova's VMware driver (the part of the VIO table the reference corpus
#: holds stops at disk_io_shares_share).
FLAVOR_EXTRA_SPECS: Mapping[str, ExtraSpecRule] = {
    "hw:vifs_multi_thread": ExtraSpecRule("true or false", _one_of("true", "false"), True),
    "quota:cpu_limit": ExtraSpecRule("MHz as an integer, 0 for unlimited", _ints(0, 10**7), True),
    "quota:cpu_reservation": ExtraSpecRule("MHz as an integer", _ints(0, 10**7), True),
    "quota:cpu_reservation_percent": ExtraSpecRule("an integer 0-100", _ints(0, 100), True),
    "quota:cpu_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), True
    ),
    "quota:cpu_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), True),
    "quota:disk_io_limit": ExtraSpecRule("IOPS as an integer, 0 for unlimited", _ints(0, 10**7), True),
    "quota:disk_io_reservation": ExtraSpecRule("IOPS as an integer", _ints(0, 10**7), True),
    "quota:disk_io_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), True
    ),
    "quota:disk_io_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), True),
    "vmware:extra_config": ExtraSpecRule(
        'JSON {"numa.nodeAffinity": "<node>[,<node>...]"}', _numa_extra_config, True
    ),
    "vmware:latency_sensitivity_level": ExtraSpecRule("high", _one_of("high"), False),
    "quota:memory_limit": ExtraSpecRule("MB as an integer, 0 for unlimited", _ints(0, 10**7), False),
    "quota:memory_reservation": ExtraSpecRule("MB as an integer", _ints(0, 10**7), False),
    "quota:memory_reservation_percent": ExtraSpecRule("an integer 0-100", _ints(0, 100), False),
    "quota:memory_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), False
    ),
    "quota:memory_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), False),
}

#: Specs refused with the reason: VIO's page says `quota:vif_*` "cannot be used with NSX-T Data Center
#: deployments" (same page as above); the `hw:` NUMA/pinning/huge-page specs are libvirt driver concepts
#: that VIO's vCenter driver ignores, so a flavor relying on them would silently not get what it asks for.
REJECTED_EXTRA_SPECS: Mapping[str, str] = {
    "quota:vif_limit": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra Specs'); "
    "use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_reservation": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_shares_level": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_shares_share": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "hw:mem_page_size": "huge pages are a libvirt concept with no effect on VIO's vCenter driver; for "
    "dedicated memory use quota:memory_reservation_percent: 100",
    "hw:cpu_policy": "CPU pinning is a libvirt concept with no effect on VIO's vCenter driver; use "
    "vmware:latency_sensitivity_level: high with quota:cpu_reservation_percent: 100",
    "hw:cpu_thread_policy": "a libvirt concept with no effect on VIO's vCenter driver; use "
    "vmware:latency_sensitivity_level: high",
    "hw:numa_nodes": "a libvirt concept with no effect on VIO's vCenter driver; use vmware:extra_config "
    'with {"numa.nodeAffinity": "..."}',
}


class Flavor(_Section):
    """A Nova flavor for VNF workloads; extra specs are checked against `FLAVOR_EXTRA_SPECS`."""

    name: Label
    vcpus: int = Field(ge=1, le=128)
    ram_mb: int = Field(ge=512, le=6291456)
    disk_gb: int = Field(default=0, ge=0, le=65536, description="Root disk; 0 boots from the image's size.")
    public: bool = True
    extra_specs: dict[str, str | int | bool] = Field(default_factory=dict)

    def specs(self) -> dict[str, str]:
        """Extra specs as Nova stores them: strings, booleans lower-case."""
        return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in self.extra_specs.items()}


Quota = Annotated[int, Field(ge=-1, description="-1 is unlimited.")]


class ComputeQuota(_Section):
    instances: Quota = 10
    cores: Quota = 20
    ram_mb: Quota = 51200


class NetworkQuota(_Section):
    networks: Quota = 10
    subnets: Quota = 10
    ports: Quota = 50
    routers: Quota = 1
    floating_ips: Quota = 10
    security_groups: Quota = 10
    security_group_rules: Quota = 100


class TenantQuotas(_Section):
    compute: ComputeQuota = Field(default_factory=ComputeQuota)
    network: NetworkQuota = Field(default_factory=NetworkQuota)


class RoleAssignment(_Section):
    """A Keystone role on the tenant's project for an existing user or group (exactly one of them)."""

    role: Name
    user: Name | None = None
    group: Name | None = None


class TenantNetworkSpec(_Section):
    """An East-West overlay network and its subnet."""

    name: Label
    cidr: IPv4Network
    gateway: IPv4Address | None = Field(default=None, description="Default: the first host address.")
    dhcp: bool = True
    dns: list[IPv4Address] = Field(
        default_factory=list, description="Resolvers in the order instances try them (the order is kept)."
    )
    allocation_pools: list[IpRange] = Field(
        default_factory=list, description="DHCP/auto-assigned ranges; default: the whole subnet but the gateway."
    )
    routed: bool = Field(default=True, description="Attach the subnet to the tenant router.")
    no_nat: bool = Field(
        default=False,
        description="Reachable from the WAN without NAT: the subnet is drawn from the platform's routable "
        "address scope (a tenant subnet pool in it), behind a router with `snat: false`; VIO's Tier-1 "
        "advertises it and the Tier-0 redistributes it into BGP.",
    )

    def gateway_ip(self) -> IPv4Address:
        return self.gateway or next(self.cidr.hosts())


#: Ports as YAML writes them: 5060, "5060" or a range "16384-32767".
Ports = int | str | None


class StaticRoute(_Section):
    name: Label
    destination: IPv4Network
    next_hop: IPv4Address


class TenantRouter(_Section):
    """The tenant's router: North-South through the external network, with or without SNAT.

    `snat: false` is a no-SNAT router: every network attached to it must be `noNat: true`.
    """

    external_gateway: bool = True
    snat: bool = True
    routes: list[StaticRoute] = Field(default_factory=list)


class FloatingIpSpec(_Section):
    """A floating IP: a 1:1 DNAT of every port to one fixed address (VIO's NSX-T plugin has no port
    forwarding). The platform creates a port on `network` holding `address`; the VNF boots on that port."""

    name: Label
    network: Label = Field(description="The routed network the target port is on.")
    address: IPv4Address = Field(description="The port's fixed IP the floating IP translates to.")


class SecurityRule(_Section):
    """A security group rule. Ingress needs an explicit remote: nothing is open to the world by default."""

    name: Label
    direction: Literal["ingress", "egress"]
    protocol: Literal["tcp", "udp", "sctp", "icmp", "any"]
    ports: Ports = None
    remote_cidr: IPv4Network | None = None
    remote_group: Label | None = None


class SecurityGroupSpec(_Section):
    name: Label
    description: str = ""
    rules: list[SecurityRule] = Field(default_factory=list)


class FirewallRuleSpec(_Section):
    name: Label
    action: Literal["allow", "deny", "reject"]
    protocol: Literal["tcp", "udp", "icmp", "any"] = "any"
    source: IPv4Network | None = None
    destination: IPv4Network | None = None
    destination_ports: Ports = None


class TenantFirewall(_Section):
    """FWaaS v2 on the router's interfaces; rules apply in order, anything unmatched is denied."""

    networks: list[Label] = Field(default_factory=list, description="Default: every routed network.")
    ingress: list[FirewallRuleSpec] = Field(default_factory=list)
    egress: list[FirewallRuleSpec] = Field(default_factory=list)


class LbMember(_Section):
    name: Label
    address: IPv4Address
    port: Port
    weight: int = Field(default=1, ge=0, le=256)


class HealthMonitor(_Section):
    type: Literal["PING", "TCP", "HTTP", "HTTPS", "UDP-CONNECT"]
    delay: int = Field(default=5, ge=1, le=3600, description="Seconds between probes.")
    timeout: int = Field(default=3, ge=1, le=3600, description="Seconds a probe may take (<= delay).")
    max_retries: int = Field(default=3, ge=1, le=10)
    url_path: str | None = None
    expected_codes: str | None = None


class LbListener(_Section):
    name: Label
    protocol: Literal["TCP", "UDP", "HTTP", "HTTPS"]
    port: Port
    method: Literal["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"] = "ROUND_ROBIN"
    members: list[LbMember] = Field(min_length=1)
    monitor: HealthMonitor


class LoadBalancerSpec(_Section):
    """An Octavia load balancer with its VIP on a tenant network; one pool per listener."""

    name: Label
    network: Label
    vip_address: IPv4Address | None = None
    listeners: list[LbListener] = Field(min_length=1)


class TenantSpec(_Section):
    """A tenant: its project, quotas and roles (platform) and its networks and services."""

    name: Label
    description: str = ""
    self_service: bool = Field(
        default=False,
        description="The tenant's own stack (examples/tenant-stack) owns its networks; the platform "
        "creates only the project, quotas and roles.",
    )
    quotas: TenantQuotas = Field(default_factory=TenantQuotas)
    role_assignments: list[RoleAssignment] = Field(default_factory=list)
    networks: list[TenantNetworkSpec] = Field(default_factory=list)
    router: TenantRouter | None = None
    floating_ips: list[FloatingIpSpec] = Field(default_factory=list)
    security_groups: list[SecurityGroupSpec] = Field(default_factory=list)
    firewall: TenantFirewall | None = None
    load_balancers: list[LoadBalancerSpec] = Field(default_factory=list)

    def owns_networking(self) -> bool:
        return bool(
            self.networks or self.router or self.floating_ips or self.security_groups
            or self.firewall or self.load_balancers
        )


class TenantOpenStack(_Section):
    """How a tenant's own stack signs in to VIO. The password is the secret `tenantOpenstackPassword`."""

    username: Name
    user_domain: Name = "Default"
    project_domain: Name = "Default"
    region: Name = "nova"
    insecure: bool = False


class TenantStackSettings(_Section):
    """Config of a tenant's own stack (examples/tenant-stack): which platform, which tenant, what to build."""

    platform_stack: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,2}$")] = Field(
        description="The platform stack as `<org>/<project>/<stack>`."
    )
    tenant: TenantSpec
    tenant_openstack: TenantOpenStack


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
    api_access_network: ApiAccessNetwork
    vio: Vio
    tenants: list[TenantSpec] = Field(default_factory=list)
    external_network: ExternalNetwork | None = None
    flavors: list[Flavor] = Field(default_factory=list)

    @property
    def controllers(self) -> int:
        """The controller count: `vio.controllers`, or the topology's default (ha 3, compact 1)."""
        return ipplan.controller_count(self.topology, self.vio.controllers)

    def plan(self) -> ipplan.Plan:
        """The resolved IP plan (valid: `parse` checked every rule `make_plan` relies on)."""
        mgmt, api = self.management_network, self.api_access_network
        return ipplan.make_plan(
            self.topology,
            self.name_prefix,
            manager_ip=mgmt.manager_ip,
            private_vip=mgmt.private_vip,
            public_vip=api.public_vip,
            management_range=(mgmt.vio_range.start, mgmt.vio_range.end),
            api_range=(api.vio_range.start, api.vio_range.end),
            controllers=self.vio.controllers,
        )

    def metadata_proxy_server(self) -> str:
        """Where NSX's metadata proxy forwards: Nova's metadata API on the private VIP, port 8775 (Nova's
        metadata port, docs.openstack.org config-reference "nova_metadata_port = 8775")."""
        configured = self.nsx.metadata_proxy.server_address
        return configured or f"http://{self.management_network.private_vip}:8775"


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
    ("apiAccessNetwork", "api_access_network", ApiAccessNetwork, True),
    ("vio", "vio", Vio, True),
    ("tenants", "tenants", list[TenantSpec], False),
    ("externalNetwork", "external_network", ExternalNetwork, False),
    ("flavors", "flavors", list[Flavor], False),
)
KNOWN_KEYS: frozenset[str] = frozenset(k for k, *_ in _SECTIONS) | frozenset(CREDENTIAL_KEYS)


def _is_text(kind: Any) -> bool:
    try:
        return TypeAdapter(kind).json_schema().get("type") == "string"
    except Exception:  # noqa: BLE001 - a kind without a JSON schema is not text
        return False


# ------------------------------------------------------------------------------------------ messages


#: Location parts pydantic adds for the members of a union (`int | str`): not config keys.
_UNION_TAGS = frozenset({"list", "str", "int", "bool", "float", "none", "dict", "[key]"})


def _dotted(prefix: str, loc: tuple[int | str, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part.startswith(("function-", "json-or-python", "lax-or-strict")) or part in _UNION_TAGS:
            continue
        else:
            key += f".{part}" if key else part
    return key


#: The longest excerpt of a bad value a message shows: a pasted certificate or a whole YAML block is
#: cut, never echoed in full.
EXCERPT_CHARS = 60

_TYPE_NAMES = {
    "int_type": "an integer", "int_from_float": "an integer", "bool_type": "true or false",
    "string_type": "text", "float_type": "a number", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping of keys", "model_attributes_type": "a mapping of keys",
}


def _excerpt(value: Any) -> str:
    """A short, single-line repr of a config value for messages."""
    if isinstance(value, str):  # spaces kept (they may be the problem), control characters escaped
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        text = " ".join(repr(value).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def _what(value: Any) -> str:
    """How YAML spelt a value of the wrong type, so the message says what to change."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads true/false/yes/no/on/off as booleans)"
    if isinstance(value, int | float):
        return f"the number {value} (quote it if it is meant as text)"
    if isinstance(value, str):
        return f"the text {_excerpt(value)!r}"
    if isinstance(value, list):
        return f"a list {_excerpt(value)}"
    if isinstance(value, dict):
        return f"a mapping {_excerpt(value)}"
    return _excerpt(value)


def _ipv6(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_network(value, strict=False).version == 6
    except ValueError:
        return False


def _describe(error: Mapping[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    shown = _excerpt(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"unknown key (value {shown!r}); check its spelling against the README's config table"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {_what(value)}"
    if kind.startswith(("ip_v4", "ip_any")) and _ipv6(value):
        return f"{shown} is IPv6; VIO's management and provider networks here are IPv4 only, use an IPv4 value"
    if kind == "ip_text" or (kind.startswith(("ip_v4", "ip_any")) and not isinstance(value, str)):
        return f"expected an IPv4 value as text, got {_what(value)}"
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
        if isinstance(value, str) and value != value.strip():
            return f"{shown!r} has leading or trailing whitespace; remove it"
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        if pattern == VIO_VERSION_PATTERN:
            return f"{shown!r} is not a VIO 7.x release; set e.g. 7.3.0 (only VIO 7's Public API is supported)"
        if pattern == DVS_MOID_PATTERN:
            return (f"{shown!r} is not a distributed switch managed object id (dvs-<number>, e.g. dvs-35; not its "
                    f"name or UUID): {DVS_MOID_HOW}")
        if pattern == URL_PATTERN:
            return f"{shown!r} is not an http(s) URL; set e.g. http://10.0.0.10:8775"
        if "a-z0-9" in pattern:
            return f"{shown!r} is not a valid name (lowercase letters, digits and '-', not at either end)"
        return f"{shown!r} is not a valid name (no '/', '\\' or control characters)"
    if kind == "value_error":
        return f"{shown!r}: {error.get('ctx', {}).get('error', error['msg'])!s}"
    if kind in {"greater_than_equal", "less_than_equal", "too_short", "too_long"}:
        return f"{shown!r}: {error['msg'].lower()}"
    return f"{shown!r}: {error['msg']}"


def _parse_section(
    key: str, kind: Any, raw: Any, problems: list[Problem]
) -> Any:
    try:
        return TypeAdapter(kind).validate_python(raw)
    except ValidationError as exc:
        # A union (`int | str`) fails once per member: one problem per key, its expected types joined.
        expected: dict[str, list[str]] = {}
        for err in exc.errors():
            where = _dotted(key, err["loc"])
            if err["type"] in _TYPE_NAMES:
                if where not in expected:
                    expected[where] = []
                    problems.append(Problem(where, f"expected {{}}, got {_what(err.get('input'))}"))
                expected[where].append(_TYPE_NAMES[err["type"]])
            else:
                problems.append(Problem(where, _describe(err)))
        for i, problem in enumerate(problems):
            if problem.key in expected and problem.message.startswith("expected {}"):
                names = list(dict.fromkeys(expected[problem.key]))
                problems[i] = Problem(problem.key, problem.message.replace("{}", " or ".join(names), 1))
        return None


# ---------------------------------------------------------------------------------------- semantics


def _subnet_problems(key: str, cidr: IPv4Network, named: Mapping[str, IPv4Address]) -> list[Problem]:
    out: list[Problem] = []
    for field, addr in named.items():
        if addr not in cidr:
            out.append(Problem(f"{key}.{field}", f"{addr} is outside {key}.cidr {cidr}; use an address in {cidr}"))
        elif cidr.prefixlen < 31 and addr in (cidr.network_address, cidr.broadcast_address):
            out.append(Problem(f"{key}.{field}", f"{addr} is the network or broadcast address of {cidr}"))
    return out


def _vio_range_problems(
    key: str, start: IPv4Address, end: IPv4Address, fixed: Mapping[str, IPv4Address], topology: str,
    controllers: int | None,
) -> list[Problem]:
    """The VIO range of one network: ordered, clear of the fixed addresses, big enough with upgrade room."""
    if start > end:
        return [Problem(f"{key}.vioRange", f"start {start} is after end {end}; swap them")]
    out = [
        Problem(f"{key}.{field}", f"{addr} lies inside vioRange {start}-{end}; move it out of the range")
        for field, addr in fixed.items()
        if start <= addr <= end
    ]
    try:
        count = ipplan.controller_count(topology, controllers)
    except ValueError:
        return out  # reported on vio.controllers
    needed, have = ipplan.addresses_needed(count), ipplan.range_size(start, end)
    if have < needed:
        out.append(
            Problem(
                f"{key}.vioRange",
                f"{start}-{end} holds {have} address(es); topology {topology!r} with {count} controller(s) "
                f"needs {needed} ({ipplan.UPGRADE_FACTOR}x for blue/green upgrades); widen the range",
            )
        )
    return out


def _network_problems(
    net: ManagementNetwork, api: ApiAccessNetwork | None, topology: str, controllers: int | None
) -> list[Problem]:
    key = "managementNetwork"
    fixed = {"gateway": net.gateway, "managerIp": net.manager_ip, "privateVip": net.private_vip}
    out = _subnet_problems(
        key, net.cidr, {**fixed, "vioRange.start": net.vio_range.start, "vioRange.end": net.vio_range.end}
    )
    seen: dict[IPv4Address, str] = {}
    for field, addr in fixed.items():
        if addr in seen:
            out.append(Problem(f"{key}.{field}", f"{addr} is also {key}.{seen[addr]}; pick a free address"))
        seen.setdefault(addr, field)
    if not out:
        out += _vio_range_problems(key, net.vio_range.start, net.vio_range.end, fixed, topology, controllers)
    out += _port_group_problems(key, net)
    if api is not None:
        out += _api_network_problems(api, net, topology, controllers)
    return out


def _api_network_problems(
    api: ApiAccessNetwork, mgmt: ManagementNetwork, topology: str, controllers: int | None
) -> list[Problem]:
    key = "apiAccessNetwork"
    fixed = {"gateway": api.gateway, "publicVip": api.public_vip}
    out = _subnet_problems(
        key, api.cidr, {**fixed, "vioRange.start": api.vio_range.start, "vioRange.end": api.vio_range.end}
    )
    if api.gateway == api.public_vip:
        out.append(Problem(f"{key}.publicVip", f"{api.public_vip} is also the gateway; pick a free address"))
    if api.cidr.overlaps(mgmt.cidr):
        out.append(
            Problem(f"{key}.cidr", f"{api.cidr} overlaps managementNetwork.cidr {mgmt.cidr}; VIO needs two "
                    "separate networks (management, API access)")
        )
    if api.port_group == mgmt.port_group:
        out.append(Problem(f"{key}.portGroup", f"{api.port_group!r} is also managementNetwork.portGroup"))
    if not out:
        out += _vio_range_problems(key, api.vio_range.start, api.vio_range.end, fixed, topology, controllers)
    out += _port_group_problems(key, api)
    return out


def _port_group_problems(key: str, net: ManagementNetwork | ApiAccessNetwork) -> list[Problem]:
    """What both VIO networks share: no DNS server twice, a VLAN for a port group we create."""
    out = [Problem(f"{key}.dns[{i}]", f"{dup} is listed twice") for i, dup in _duplicates(str(d) for d in net.dns)]
    if not net.existing and net.vlan is None:
        out.append(Problem(f"{key}.vlan", "is required when the port group is created (existing: false)"))
    return out


def _vio_problems(vio: Vio, topology: str) -> list[Problem]:
    out: list[Problem] = []
    if vio.controllers is not None:
        try:
            ipplan.controller_count(topology, vio.controllers)
        except ValueError as exc:
            fix = "remove it (default 3) or set 3 to 10" if topology == "ha" else "remove it or set 1"
            out.append(Problem("vio.controllers", f"{exc}; {fix}"))
    manager = vio.manager
    if manager.source == "ova" and manager.ova is None:
        out.append(Problem("vio.manager.ova", "is required with source 'ova' (URL or path of the VIO OVA)"))
    if manager.source == "template" and manager.template is None:
        out.append(Problem("vio.manager.template", "is required with source 'template' (a VM template name)"))
    if manager.source == "ova" and manager.template is not None:
        out.append(Problem("vio.manager.template", f"{manager.template!r} is only used with source 'template'"))
    if manager.source == "template" and manager.ova is not None:
        out.append(Problem("vio.manager.ova", f"{manager.ova!r} is only used with source 'ova'"))
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
    tenants: list[TenantSpec], external: ExternalNetwork | None = None, external_known: bool = True
) -> list[Problem]:
    out: list[Problem] = []
    for i, dup in _duplicates(t.name for t in tenants):
        out.append(Problem(f"tenants[{i}].name", f"tenant {dup!r} is defined twice"))
    for ti, tenant in enumerate(tenants):
        out += _tenant_spec_problems(f"tenants[{ti}]", tenant, external, external_known)
        for ni, dup in _duplicates(n.name for n in tenant.networks):
            out.append(
                Problem(f"tenants[{ti}].networks[{ni}].name", f"network {dup!r} is defined twice in tenant {tenant.name!r}")
            )
    return out


def port_range(value: int | str | None) -> tuple[int, int] | None:
    """`5060` / `"5060"` -> (5060, 5060); `"16384-32767"` -> (16384, 32767); None -> None (all ports).

    Raises ValueError naming the fix when the value is not a port or an ascending range of ports.
    """
    if value is None:
        return None
    text = str(value).strip()
    low, sep, high = text.partition("-")
    if not low.strip().isdigit() or (sep and not high.strip().isdigit()):
        raise ValueError(f"{value!r} is not a port or a range like 16384-32767")
    lo, hi = int(low), int(high) if sep else int(low)
    if not (1 <= lo <= 65535 and 1 <= hi <= 65535):
        raise ValueError(f"{value!r}: ports are 1-65535")
    if lo > hi:
        raise ValueError(f"{value!r}: the range is reversed; write {hi}-{lo}")
    return lo, hi


def _external_problems(ext: ExternalNetwork) -> list[Problem]:
    key, out = "externalNetwork", []
    out += _address_problems(key, ext.cidr, ext.gateway, [ext.floating_pool], "floatingPool")
    return out


def _address_problems(
    key: str, cidr: IPv4Network, gateway: IPv4Address | None, pools: list[IpRange], pool_key: str
) -> list[Problem]:
    """Gateway and pools inside the subnet, usable, ascending, disjoint, and pools clear of the gateway."""
    out: list[Problem] = []
    reserved = (cidr.network_address, cidr.broadcast_address) if cidr.prefixlen < 31 else ()
    if gateway is not None:
        if gateway not in cidr:
            out.append(Problem(f"{key}.gateway", f"{gateway} is outside {cidr}; use an address in it, e.g. {next(cidr.hosts())}"))
        elif gateway in reserved:
            out.append(Problem(f"{key}.gateway", f"{gateway} is the network or broadcast address of {cidr}"))
    spans: list[tuple[int, IpRange]] = []
    for i, pool in enumerate(pools):
        pkey = f"{key}.{pool_key}" if pool_key == "floatingPool" else f"{key}.{pool_key}[{i}]"
        bad = [str(a) for a in (pool.start, pool.end) if a not in cidr or a in reserved]
        if bad:
            out.append(Problem(pkey, f"{', '.join(bad)} is not a usable address of {cidr}"))
            continue
        if pool.start > pool.end:
            out.append(Problem(pkey, f"start {pool.start} is after end {pool.end}; swap them"))
            continue
        if gateway is not None and pool.start <= gateway <= pool.end:
            out.append(Problem(pkey, f"{pool.start}-{pool.end} contains the gateway {gateway}; leave it out"))
        for j, other in spans:
            if pool.start <= other.end and other.start <= pool.end:
                out.append(Problem(pkey, f"{pool.start}-{pool.end} overlaps {pool_key}[{j}] {other.start}-{other.end}"))
        spans.append((i, pool))
    return out


def _ports_problem(key: str, protocol: str, ports: Ports) -> Problem | None:
    try:
        port_range(ports)
    except ValueError as exc:
        return Problem(key, str(exc))
    if ports is not None and protocol not in {"tcp", "udp", "sctp"}:
        return Problem(key, f"{ports!r}: ports apply to tcp, udp and sctp only, not {protocol!r}; remove them")
    return None


#: Keys of earlier versions that asked VIO for what its NSX-T Policy plugin refuses, and the replacement.
#: Sources (openstack/vmware-nsx, the plugin VIO 7 ships): vmware_nsx/services/dynamic_routing/bgp_plugin.py
#: ("Currently only the nsx-v is supported. other plugins will be refused"); the Policy plugin's
#: `supported_extension_aliases` (vmware_nsx/plugins/nsx_p/plugin.py) lists no floating-IP port
#: forwarding extension; `_update_router_advertisement` there advertises a Tier-1's connected subnets.
RETIRED_BGP = (
    "Neutron BGP speakers and peers are refused by VIO's NSX-T Policy plugin (neutron-dynamic-routing "
    "supports only NSX-V). To reach a network without NAT, set `noNat: true` on it and `router.snat: false`: "
    "its subnet is drawn from the platform's routable address scope, the tenant's Tier-1 advertises it and "
    "the Tier-0 redistributes it into BGP towards vio-nfv:nsx.tier0.neighbors. Remove this key"
)
RETIRED_PORT_FORWARDS = (
    "floating IP port forwarding is not implemented by VIO's NSX-T Policy plugin: a floating IP is a 1:1 "
    "DNAT of every port. Give each service VM's port its own floating IP (set `network` and `address` on "
    "the floating IP), or put an Octavia load balancer listener (loadBalancers[]) in front. Remove portForwards"
)


#: `resourceVcenter.distributedSwitch` (a switch name, looked up and sent as every compute cluster's
#: `dvs_moid`): VIO 7's `compute_cluster.dvs_moid` is Optional, "the option dvs moid used for enhanced
#: network SRIOV" (developer.broadcom.com/xapis/vmware-integrated-openstack-api/latest/data-structures/
#: compute_cluster), and the provider's lookup gave the switch's UUID, not its moid.
RETIRED_RESOURCE_SWITCH = (
    "removed: VIO's deployment takes a switch only as the optional `dvs_moid` of its compute clusters, for "
    "enhanced networking (SR-IOV), and by managed object id, not by name. Remove this key; only if the compute "
    "clusters use enhanced networking/SR-IOV, set resourceVcenter.dvsMoid to the switch's moid (dvs-NN): "
    + DVS_MOID_HOW
)


def _retired_tenant_keys(key: str, raw: Any) -> tuple[Any, list[Problem]]:
    """Report and strip the retired keys of one raw tenant, so the shape pass reports only the rest."""
    if not isinstance(raw, Mapping):
        return raw, []
    out: list[Problem] = []
    tenant = dict(raw)

    def strip(where: dict[str, Any], wkey: str) -> None:
        for name in sorted(where):
            if name == "bgp" or name.startswith("advertise"):
                out.append(Problem(f"{wkey}.{name}", RETIRED_BGP))
                del where[name]

    strip(tenant, key)
    if isinstance(tenant.get("router"), Mapping):
        tenant["router"] = dict(tenant["router"])
        strip(tenant["router"], f"{key}.router")
    for field, label in (("networks", "networks"), ("floatingIps", "floatingIps")):
        items = tenant.get(field)
        if not isinstance(items, list):
            continue
        cleaned = []
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                item = dict(item)
                strip(item, f"{key}.{label}[{i}]")
                if "portForwards" in item:
                    out.append(Problem(f"{key}.{label}[{i}].portForwards", RETIRED_PORT_FORWARDS))
                    del item["portForwards"]
            cleaned.append(item)
        tenant[field] = cleaned
    return tenant, out


def _without_retired(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The raw namespace with retired keys reported and removed (platform and tenant stack): the tenants'
    and `resourceVcenter.distributedSwitch`."""
    clean, problems = dict(raw), []
    resource = clean.get("resourceVcenter")
    if isinstance(resource, Mapping) and "distributedSwitch" in resource:
        problems.append(Problem("resourceVcenter.distributedSwitch", RETIRED_RESOURCE_SWITCH))
        clean["resourceVcenter"] = {k: v for k, v in resource.items() if k != "distributedSwitch"}
    if isinstance(clean.get("tenants"), list):
        tenants = []
        for i, tenant in enumerate(clean["tenants"]):
            tenant, found = _retired_tenant_keys(f"tenants[{i}]", tenant)
            tenants.append(tenant)
            problems += found
        clean["tenants"] = tenants
    if "tenant" in clean:
        clean["tenant"], found = _retired_tenant_keys("tenant", clean["tenant"])
        problems += found
    return clean, problems


def _tenant_spec_problems(
    key: str, tenant: TenantSpec, external: ExternalNetwork | None, external_known: bool = True
) -> list[Problem]:
    """Everything inside one tenant: addressing, references between its parts, safe defaults.

    `external_known` is False in a tenant's own stack, where the external network comes from the platform.
    """
    out: list[Problem] = []
    nets = {n.name: n for n in tenant.networks}
    routed = {n.name: n for n in tenant.networks if n.routed}
    router = tenant.router
    north_south = router is not None and router.external_gateway
    if tenant.self_service and tenant.owns_networking() and external_known:
        out.append(Problem(key, f"tenant {tenant.name!r} is selfService: its networks belong in its own "
                                "stack (examples/tenant-stack); remove them here or set selfService: false"))
    for i, ra in enumerate(tenant.role_assignments):
        if (ra.user is None) == (ra.group is None):
            out.append(Problem(f"{key}.roleAssignments[{i}]", "set exactly one of user or group"))

    for i, net in enumerate(tenant.networks):
        nkey = f"{key}.networks[{i}]"
        out += _address_problems(nkey, net.cidr, net.gateway_ip(), net.allocation_pools, "allocationPools")

    # A no-SNAT router's interface must be on a subnet in the external network's address scope, or VIO's
    # plugin rejects the interface add: openstack/vmware-nsx vmware_nsx/plugins/common_v3/plugin.py
    # `_validate_interface_address_scope` -> `_validate_address_scope_for_router_interface` (called when
    # the router has a gateway and enable_snat is False). `noNat` networks are the ones drawn from the
    # routable scope's pool, so the rule reads: behind a no-SNAT router, every attached network is noNat.
    no_snat = router is not None and router.external_gateway and not router.snat
    for i, net in enumerate(tenant.networks):
        nkey = f"{key}.networks[{i}].noNat"
        if net.no_nat and not net.routed:
            out.append(Problem(nkey, f"network {net.name!r} is reachable without NAT only through the router; "
                               "set routed: true or remove noNat"))
        elif net.no_nat and not no_snat:
            out.append(Problem(nkey, f"network {net.name!r}: noNat needs the tenant router with "
                               "externalGateway: true and snat: false (a no-SNAT router); set them or remove noNat"))
        elif no_snat and net.routed and not net.no_nat:
            out.append(Problem(nkey, f"network {net.name!r} is attached to a no-SNAT router (router.snat: false), "
                               "and VIO's NSX-T plugin accepts such an interface only on a subnet in the external "
                               "network's address scope: set noNat: true (its subnet comes from the routable "
                               "pool), or routed: false, or router.snat: true"))

    if router is not None:
        if router.external_gateway and external is None and external_known:
            out.append(Problem(f"{key}.router.externalGateway",
                               "needs vio-nfv:externalNetwork (the Tier-0 backed network); define it or set false"))
        for i, dup in _duplicates(r.name for r in router.routes):
            out.append(Problem(f"{key}.router.routes[{i}].name", f"route {dup!r} is defined twice"))
        for i, route in enumerate(router.routes):
            rkey = f"{key}.router.routes[{i}]"
            if not any(route.next_hop in n.cidr for n in routed.values()):
                out.append(Problem(f"{rkey}.nextHop", f"{route.next_hop} is on no routed network of "
                                   f"{tenant.name!r} ({', '.join(str(n.cidr) for n in routed.values()) or 'none'})"))
            clash = next((n for n in tenant.networks if n.cidr.overlaps(route.destination)), None)
            if clash is not None:
                out.append(Problem(f"{rkey}.destination", f"{route.destination} overlaps the tenant's own "
                                   f"network {clash.name!r} {clash.cidr}; it is reachable without a route"))

    def routed_address(fkey: str, net_name: str, address: IPv4Address, what: str) -> None:
        if net_name not in nets:
            out.append(Problem(f"{fkey}.network", f"{net_name!r} is not a network of tenant {tenant.name!r}"))
            return
        net = nets[net_name]
        if address not in net.cidr or address in (net.cidr.network_address, net.cidr.broadcast_address):
            out.append(Problem(f"{fkey}.{what}", f"{address} is not a usable address of {net_name} {net.cidr}"))
        elif address == net.gateway_ip():
            out.append(Problem(f"{fkey}.{what}", f"{address} is the gateway of {net_name}"))

    # Fixed addresses of the ports the platform creates (floating IP targets): a VIP may not take one.
    ports: dict[tuple[str, IPv4Address], str] = {}
    for i, dup in _duplicates(f.name for f in tenant.floating_ips):
        out.append(Problem(f"{key}.floatingIps[{i}].name", f"floating IP {dup!r} is defined twice"))
    for i, dup in _duplicates(f"{f.network}/{f.address}" for f in tenant.floating_ips):
        out.append(Problem(f"{key}.floatingIps[{i}].address", f"{dup} already has a floating IP; a floating IP "
                           "is 1:1 with a port's fixed address"))
    if tenant.floating_ips and not north_south:
        out.append(Problem(f"{key}.floatingIps", "floating IPs need a router with externalGateway: true"))
    for i, fip in enumerate(tenant.floating_ips):
        fkey = f"{key}.floatingIps[{i}]"
        routed_address(fkey, fip.network, fip.address, "address")
        if fip.network in nets and fip.network not in routed:
            out.append(Problem(f"{fkey}.network", f"{fip.network!r} is not routed; the floating IP's DNAT sits on "
                               "the router, so its port must be on a network attached to it (routed: true)"))
        ports.setdefault((fip.network, fip.address), f"{fkey}.address")

    groups = {g.name for g in tenant.security_groups}
    for i, dup in _duplicates(g.name for g in tenant.security_groups):
        out.append(Problem(f"{key}.securityGroups[{i}].name", f"security group {dup!r} is defined twice"))
    for i, group in enumerate(tenant.security_groups):
        gkey = f"{key}.securityGroups[{i}]"
        for j, dup in _duplicates(r.name for r in group.rules):
            out.append(Problem(f"{gkey}.rules[{j}].name", f"rule {dup!r} is defined twice"))
        for j, rule in enumerate(group.rules):
            rkey = f"{gkey}.rules[{j}]"
            problem = _ports_problem(f"{rkey}.ports", rule.protocol, rule.ports)
            if problem:
                out.append(problem)
            if rule.remote_cidr is not None and rule.remote_group is not None:
                out.append(Problem(rkey, "set remoteCidr or remoteGroup, not both"))
            if rule.direction == "ingress" and rule.remote_cidr is None and rule.remote_group is None:
                out.append(Problem(f"{rkey}.remoteCidr", "ingress rules need an explicit source: set remoteCidr "
                                   "(0.0.0.0/0 only if the world really may connect) or remoteGroup"))
            if rule.remote_group is not None and rule.remote_group not in groups:
                out.append(Problem(f"{rkey}.remoteGroup", f"{rule.remote_group!r} is not a security group of "
                                   f"{tenant.name!r} ({', '.join(sorted(groups))})"))

    if tenant.firewall is not None:
        fw, fkey = tenant.firewall, f"{key}.firewall"
        # VIO's FWaaS v2 driver applies a group only to routers with a gateway and only on router
        # interface ports: openstack/vmware-nsx vmware_nsx/services/fwaas/nsx_v3/edge_fwaas_driver_base.py
        # `should_apply_firewall_to_router` ("Cannot apply firewall to router ... with no gateway") and
        # vmware_nsx/services/fwaas/common/fwaas_callbacks_v2.py `_get_in_ns_ports` (refuses any port whose
        # device_owner is not network:router_interface). The group's ports here are the router interfaces.
        if router is None:
            out.append(Problem(fkey, "FWaaS sits on router ports: define tenants[].router or remove firewall"))
        elif not router.external_gateway:
            out.append(Problem(fkey, "VIO applies FWaaS only to routers with an external gateway: set "
                               "router.externalGateway: true or remove firewall"))
        for i, dup in _duplicates(fw.networks):
            out.append(Problem(f"{fkey}.networks[{i}]", f"{dup!r} is listed twice"))
        for i, name in enumerate(fw.networks):
            if name not in routed:
                out.append(Problem(f"{fkey}.networks[{i}]", f"{name!r} is not a routed network of {tenant.name!r}"))
        for direction in ("ingress", "egress"):
            rules = getattr(fw, direction)
            for i, dup in _duplicates(r.name for r in rules):
                out.append(Problem(f"{fkey}.{direction}[{i}].name", f"rule {dup!r} is defined twice"))
            for i, rule in enumerate(rules):
                problem = _ports_problem(f"{fkey}.{direction}[{i}].destinationPorts", rule.protocol, rule.destination_ports)
                if problem:
                    out.append(problem)

    for i, dup in _duplicates(lb.name for lb in tenant.load_balancers):
        out.append(Problem(f"{key}.loadBalancers[{i}].name", f"load balancer {dup!r} is defined twice"))
    # Addresses other ports hold on each network: the router's static next hops and the floating IP ports.
    taken: dict[IPv4Address, str] = {addr: where for (_, addr), where in ports.items()}
    if router is not None:
        for i, route in enumerate(router.routes):
            taken.setdefault(route.next_hop, f"{key}.router.routes[{i}].nextHop")
    for i, lb in enumerate(tenant.load_balancers):
        lkey = f"{key}.loadBalancers[{i}]"
        if lb.vip_address is not None:
            routed_address(lkey, lb.network, lb.vip_address, "vipAddress")
        elif lb.network not in nets:
            out.append(Problem(f"{lkey}.network", f"{lb.network!r} is not a network of tenant {tenant.name!r}"))
        # Octavia on VIO (provider vmwareedge) refuses a VIP subnet that is neither external nor attached to
        # a router with a gateway: openstack/vmware-nsx vmware_nsx/services/lbaas/nsx_p/implementation/
        # loadbalancer_mgr.py `create` ("is neither public nor connected to the LB router"), the router
        # found by vmware_nsx/services/lbaas/nsx_v3/implementation/lb_utils.py `get_router_from_network`
        # (a router interface port on the network, router with external_gateway_info).
        if lb.network in nets and (lb.network not in routed or not north_south):
            out.append(Problem(f"{lkey}.network", f"{lb.network!r}: VIO places an Octavia VIP only on a subnet "
                               "attached to a router with an external gateway; set routed: true on the network "
                               "and router.externalGateway: true"))
        vip = lb.vip_address
        if vip is not None:
            for j, listener in enumerate(lb.listeners):
                for k, member in enumerate(listener.members):
                    if member.address == vip:
                        out.append(Problem(f"{lkey}.vipAddress", f"{vip} is also the address of member "
                                           f"{member.name!r} (listeners[{j}].members[{k}]); the VIP is a port of "
                                           "its own: pick a free address"))
            if vip in taken:
                out.append(Problem(f"{lkey}.vipAddress", f"{vip} is already held by {taken[vip]}; pick a free address"))
            else:
                taken[vip] = f"{lkey}.vipAddress"
        for j, dup in _duplicates(x.name for x in lb.listeners):
            out.append(Problem(f"{lkey}.listeners[{j}].name", f"listener {dup!r} is defined twice"))
        for j, dup in _duplicates(f"{x.protocol}/{x.port}" for x in lb.listeners):
            out.append(Problem(f"{lkey}.listeners[{j}].port", f"{dup} is already a listener of {lb.name!r}"))
        for j, listener in enumerate(lb.listeners):
            xkey, mon = f"{lkey}.listeners[{j}]", listener.monitor
            for k, dup in _duplicates(m.name for m in listener.members):
                out.append(Problem(f"{xkey}.members[{k}].name", f"member {dup!r} is defined twice"))
            for k, member in enumerate(listener.members):
                if not any(member.address in n.cidr for n in tenant.networks):
                    out.append(Problem(f"{xkey}.members[{k}].address",
                                       f"{member.address} is on no network of tenant {tenant.name!r}"))
            if mon.timeout > mon.delay:
                out.append(Problem(f"{xkey}.monitor.timeout", f"{mon.timeout}s exceeds delay {mon.delay}s; "
                                   "a probe must finish before the next starts"))
            http = mon.type in {"HTTP", "HTTPS"}
            if mon.url_path is not None and (not http or not mon.url_path.startswith("/")):
                out.append(Problem(f"{xkey}.monitor.urlPath", f"{mon.url_path!r}: only for HTTP(S) monitors, "
                                   "and it starts with '/'"))
            if mon.type == "UDP-CONNECT" and listener.protocol != "UDP":
                out.append(Problem(f"{xkey}.monitor.type", f"UDP-CONNECT cannot check a {listener.protocol} "
                                   "pool; use TCP, HTTP or HTTPS"))
    return out


def _flavor_problems(flavors: list[Flavor]) -> list[Problem]:
    out: list[Problem] = []
    for i, dup in _duplicates(f.name for f in flavors):
        out.append(Problem(f"flavors[{i}].name", f"flavor {dup!r} is defined twice"))
    for i, flavor in enumerate(flavors):
        fkey = f"flavors[{i}].extraSpecs"
        specs = flavor.specs()
        for spec, value in specs.items():
            rule = FLAVOR_EXTRA_SPECS.get(spec)
            if spec in REJECTED_EXTRA_SPECS:
                out.append(Problem(f"{fkey}.{spec}", f"{value!r}: {REJECTED_EXTRA_SPECS[spec]}; remove it"))
            elif rule is None:
                out.append(Problem(f"{fkey}.{spec}", f"unknown extra spec (value {value!r}); allowed: "
                                   f"{', '.join(sorted(FLAVOR_EXTRA_SPECS))}"))
            elif not rule.accepts(value):
                out.append(Problem(f"{fkey}.{spec}", f"{value!r} is not {rule.expected}"))
        for kind in ("cpu", "disk_io", "memory"):
            share = f"quota:{kind}_shares_share"
            level = specs.get(f"quota:{kind}_shares_level")
            if share in specs and level != "custom":
                out.append(Problem(f"{fkey}.{share}", f"{specs[share]!r} is ignored unless quota:{kind}_shares_level "
                                   f"is custom (it is {level!r}); set the level to custom or remove the share"))
        if specs.get("vmware:latency_sensitivity_level") == "high":
            for needed in ("quota:cpu_reservation_percent", "quota:memory_reservation_percent"):
                if specs.get(needed) != "100":
                    out.append(Problem(f"{fkey}.{needed}", f"{specs.get(needed)!r}: latency sensitivity 'high' "
                                       "needs full reservations; set it to 100"))
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


# ------------------------------------------------------------------------------- generic, whole-config


#: Every address space of a stack, as config key patterns (`[*]`: each item of a list). A pattern that
#: names no parsed value is skipped, so one list serves the platform and the tenant stack and a section
#: joins the whole-config checks by adding its keys here.
ADDRESS_SPACES: tuple[str, ...] = (
    "managementNetwork.cidr",
    "apiAccessNetwork.cidr",
    "externalNetwork.cidr",
    "nsx.tier0.uplinks[*].cidr",
    "tenants[*].networks[*].cidr",
    "tenant.networks[*].cidr",
)
#: Single addresses that must be host addresses of the space they lie in (gateways, VIPs, peers, ranges).
HOST_ADDRESSES: tuple[str, ...] = (
    "managementNetwork.gateway",
    "managementNetwork.privateVip",
    "managementNetwork.managerIp",
    "managementNetwork.vioRange.start",
    "managementNetwork.vioRange.end",
    "apiAccessNetwork.gateway",
    "apiAccessNetwork.publicVip",
    "apiAccessNetwork.vioRange.start",
    "apiAccessNetwork.vioRange.end",
    "externalNetwork.gateway",
    "externalNetwork.floatingPool.start",
    "externalNetwork.floatingPool.end",
    "nsx.tier0.uplinks[*].interfaces[*].address",
    "nsx.tier0.uplinks[*].haVip",
    "nsx.tier0.neighbors[*].address",
    *(
        f"{tenant}.{path}"
        for tenant in ("tenants[*]", "tenant")
        for path in (
            "networks[*].gateway",
            "networks[*].allocationPools[*].start",
            "networks[*].allocationPools[*].end",
            "router.routes[*].nextHop",
            "floatingIps[*].address",
            "loadBalancers[*].vipAddress",
            "loadBalancers[*].listeners[*].members[*].address",
        )
    ),
)


def _field(obj: Any, alias: str) -> Any:
    """The value of config key part `alias` (camelCase) in parsed values (by attribute) or a model."""
    if isinstance(obj, Mapping):
        return next((v for k, v in obj.items() if to_camel(k) == alias), None)
    if isinstance(obj, BaseModel):
        return next((getattr(obj, k) for k in type(obj).model_fields if to_camel(k) == alias), None)
    return None


def select(values: Mapping[str, Any], pattern: str) -> list[tuple[str, Any]]:
    """(config key, value) for each value a key pattern names: `tenants[*].networks[*].cidr` gives
    `("tenants[0].networks[1].cidr", IPv4Network(...))`, ... Unset or unparsed parts give nothing."""
    out: list[tuple[str, Any]] = []

    def step(obj: Any, parts: list[str], key: str) -> None:
        if obj is None:
            return
        if not parts:
            out.append((key, obj))
            return
        name, each = (parts[0][:-3], True) if parts[0].endswith("[*]") else (parts[0], False)
        child = _field(obj, name)
        here = f"{key}.{name}" if key else name
        if each:
            for i, item in enumerate(child or []):
                step(item, parts[1:], f"{here}[{i}]")
        else:
            step(child, parts[1:], here)

    step(values, pattern.split("."), "")
    return out


def address_space(values: Mapping[str, Any]) -> tuple[list[tuple[str, IPv4Network]], list[tuple[str, IPv4Address]]]:
    """Every address space of the config as (key, network) and every address that must be a host address
    as (key, address), in `ADDRESS_SPACES` / `HOST_ADDRESSES` order."""
    nets = [kv for pattern in ADDRESS_SPACES for kv in select(values, pattern)]
    hosts = [kv for pattern in HOST_ADDRESSES for kv in select(values, pattern)]
    return nets, hosts


def _address_space_problems(values: Mapping[str, Any], reported: set[str]) -> list[Problem]:
    """No two address spaces overlap (the message names both keys); no host address is the network or
    broadcast address of a space it lies in. Keys with a problem already are not reported twice."""
    nets, hosts = address_space(values)
    out: list[Problem] = []
    for i, (key, net) in enumerate(nets):
        clash = next(((k, n) for k, n in nets[:i] if n.overlaps(net)), None)
        if clash is not None and key not in reported:
            out.append(Problem(key, f"{net} overlaps {clash[0]} {clash[1]}; every address space (management, "
                                    "API, external, uplinks, tenant networks) must be disjoint"))
    for key, addr in hosts:
        for nkey, net in nets:
            if key not in reported and net.prefixlen < 31 and addr in (net.network_address, net.broadcast_address):
                which = "network" if addr == net.network_address else "broadcast"
                out.append(Problem(key, f"{addr} is the {which} address of {nkey} {net}; use a host address"))
                break
    return out


@dataclass(frozen=True)
class KeyedItem:
    """An item keyed by name in a list of the config, with the names of the keyed items it sits in."""

    kind: tuple[str, ...]  # field path of the lists, e.g. ("tenants", "networks")
    keys: tuple[str, ...]  # the names along it, e.g. ("vepc", "s1-mme")
    key: str  # config key of its name, e.g. "tenants[0].networks[1].name"


def keyed_items(values: Mapping[str, Any]) -> list[KeyedItem]:
    """Every named list item of the parsed config, found by walking the models (no section is listed by
    hand, so a new section's named lists are included as they are added)."""
    out: list[KeyedItem] = []

    # `field` is the field path since the last named item (e.g. "firewall.ingress"): it tells kinds apart.
    def walk(obj: Any, path: str, kind: tuple[str, ...], keys: tuple[str, ...], field: str) -> None:
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                name = getattr(item, "name", None)
                if isinstance(item, str):  # a list of names, e.g. resourceVcenter.computeClusters
                    out.append(KeyedItem((*kind, field), (*keys, item), f"{path}[{i}]"))
                elif isinstance(name, str):
                    out.append(KeyedItem((*kind, field), (*keys, name), f"{path}[{i}].name"))
                    walk(item, f"{path}[{i}]", (*kind, field), (*keys, name), "")
                else:
                    walk(item, f"{path}[{i}]", kind, keys, field)
        elif isinstance(obj, BaseModel):
            for attr in type(obj).model_fields:
                alias = to_camel(attr)
                walk(getattr(obj, attr), f"{path}.{alias}", kind, keys, f"{field}.{alias}" if field else alias)

    for attr, value in values.items():
        walk(value, to_camel(attr), (), (), to_camel(attr))
    return out


def ambiguous_name_problems(items: Iterable[KeyedItem]) -> list[Problem]:
    """Two named items whose names could join into the same logical name.

    Logical names join the prefix, fixed role words and the names of an item and its parents with '-'
    (`{prefix}-{tenant}-net-{network}`). For two items of the same kind, the role words are the same, so
    equal logical names need equal multisets of '-'-separated tokens across their names, and at least
    two differing names (with one differing name the strings differ). That is what is rejected: tenant
    `a-b`/network `c` against tenant `a`/network `b-c` (both `...-a-b-...-c`), whatever the template.
    The rule is necessary for a collision, so passing it means no two items of a kind share a logical
    name (tests/test_config_corpus.py proves it with a property test over random templates)."""
    out: list[Problem] = []
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[KeyedItem]] = {}
    for item in items:
        if len(item.keys) < 2:
            continue
        tokens = tuple(sorted(t for k in item.keys for t in k.split("-")))
        groups.setdefault((item.kind, tokens), []).append(item)
    for items in groups.values():
        for i, item in enumerate(items):
            for other in items[:i]:
                if sum(a != b for a, b in zip(item.keys, other.keys, strict=True)) >= 2:
                    out.append(Problem(item.key, f"{'/'.join(item.keys)} and {'/'.join(other.keys)} ({other.key}) "
                                                 "can join into the same logical name (same '-' parts in "
                                                 "another order): rename one"))
                    break
    return out


#: vSphere's limit for a VM name; a plane VM's name is also its host name, one DNS label (RFC 1035: 63).
VM_NAME_MAX = 80
DNS_LABEL_MAX = 63
FQDN_MAX = 253


def _hostname_problems(values: Mapping[str, Any]) -> list[Problem]:
    """The names of the VMs this program creates (the Manager: `<prefix>-manager`, ipplan.manager_vm_name,
    also its host name) fit one DNS label, and their FQDNs (`<vm>.<managementNetwork.domain>`) 253
    characters. VIO names its controllers itself."""
    network: ManagementNetwork | None = values.get("management_network")
    if network is None and values.get("resource_vcenter") is None:  # a tenant's own stack: no VMs
        return []
    out: list[Problem] = []
    vm = ipplan.manager_vm_name(values.get("name_prefix", "vio"))
    if len(vm) > min(VM_NAME_MAX, DNS_LABEL_MAX):
        out.append(Problem("namePrefix", f"VM and host name {vm!r} is {len(vm)} characters; a host name label "
                                         f"holds {DNS_LABEL_MAX} (vSphere VM names {VM_NAME_MAX}): shorten it"))
    if network is not None and len(vm) + 1 + len(network.domain) > FQDN_MAX:
        out.append(Problem("managementNetwork.domain", f"{vm}.{network.domain[:40]}... is "
                           f"{len(vm) + 1 + len(network.domain)} characters; an FQDN holds {FQDN_MAX}: use a "
                           "shorter domain"))
    return out


def _whole_config_problems(values: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    """The passes over the whole config: address spaces, logical-name ambiguity, host name lengths."""
    reported = {p.key for p in problems}
    return (
        _address_space_problems(values, reported)
        + ambiguous_name_problems(keyed_items(values))
        + _hostname_problems(values)
    )


# ------------------------------------------------------------------------------------------- public


def _shapes(
    raw: Mapping[str, Any],
    sections: Iterable[tuple[str, str, Any, bool]],
    credential_keys: Iterable[str],
    present_credentials: Iterable[str],
    unknown_hint: str,
    namespace: str = NAMESPACE,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """The shape pass shared by the platform and tenant stacks: missing, plain-text, empty or malformed
    secrets, unknown keys, and each section parsed on its own. Returns the sections that parsed (by
    attribute) and the problems."""
    problems: list[Problem] = []
    present = set(present_credentials)
    credential_keys = tuple(credential_keys)
    for key in credential_keys:
        if key not in present:
            problems.append(
                Problem(key, f"is required; set it with `pulumi config set --secret {namespace}:{key} ...`")
            )
    problems += credential_problems(credential_keys, plaintext_credentials, credential_values, namespace)
    sections = tuple(sections)
    known = {k for k, *_ in sections} | set(credential_keys)
    for key in sorted(set(raw) - known):
        problems.append(Problem(key, unknown_hint))
    values: dict[str, Any] = {}
    for key, attr, kind, required in sections:
        if key not in raw or raw[key] is None:
            if required:
                problems.append(Problem(key, "is required"))
            continue
        parsed = _parse_section(key, kind, raw[key], problems)
        if parsed is not None:
            values[attr] = parsed
    return values, problems


def _read(
    config: pulumi.Config, section_keys: Iterable[str], known: Iterable[str], namespace: str = NAMESPACE
) -> dict[str, Any]:
    """Raw values of the namespace: the known sections (objects decoded) and any unknown key, so that a
    misspelt key is reported instead of silently falling back to a default."""
    raw: dict[str, Any] = {key: config.get(key) for key in _namespace_keys(namespace) - set(known)}
    for key in section_keys:
        if key in _TEXT_KEYS:
            # A top-level scalar reaches the program as text (Pulumi config values are strings; only
            # objects are JSON): `namePrefix: 123` and `namePrefix: "123"` are both the name "123", which
            # a JSON decode would turn into the integer 123.
            value: Any = config.get(key)
        else:
            try:
                value = config.get_object(key)
            except Exception:  # noqa: BLE001 - a scalar key set without JSON quoting
                value = config.get(key)
        if value is not None:
            raw[key] = value
    return raw


#: NSX-T stores a BGP neighbor password of at most 32 characters: vmware/terraform-provider-nsxt v3.11.0
#: nsxt/resource_nsxt_policy_bgp_neighbor.go, "password" ValidateFunc StringLenBetween(0, 32).
BGP_PASSWORD_MAX = 32


def _secret_problems(secret_lengths: Mapping[str, int]) -> list[Problem]:
    """Rules on secrets, judged by length only: a secret's value never reaches a message."""
    length = secret_lengths.get("bgpNeighborPassword")
    if length is not None and length > BGP_PASSWORD_MAX:
        return [Problem("bgpNeighborPassword", f"is {length} characters; NSX-T accepts a BGP neighbor password "
                        f"of at most {BGP_PASSWORD_MAX}. Set a shorter one with `pulumi config set --secret "
                        f"{NAMESPACE}:bgpNeighborPassword ...` (and on the peers)")]
    return []


def parse(
    raw: Mapping[str, Any],
    present_credentials: Iterable[str] = CREDENTIAL_KEYS,
    secret_lengths: Mapping[str, int] | None = None,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> Settings:
    """Validate plain config values (keys without the namespace, objects already decoded).

    `present_credentials` names the secret keys that are set; the missing ones are reported.
    `plaintext_credentials` names those set in plain text rather than as secrets; `credential_values`
    gives the values the program received (checked for emptiness and format, never shown).
    `secret_lengths` gives the length of secrets that have a length rule (never their values).
    Raises `ConfigError` listing every problem.
    """
    raw, retired = _without_retired(raw)
    values, problems = _shapes(
        raw, _SECTIONS, CREDENTIAL_KEYS, present_credentials,
        "unknown key; check its spelling against the README's config table",
        plaintext_credentials=plaintext_credentials, credential_values=credential_values,
    )
    problems = retired + problems + _secret_problems(secret_lengths or {})

    topology = values.get("topology", "ha")
    resource: ResourceVcenter | None = values.get("resource_vcenter")
    network: ManagementNetwork | None = values.get("management_network")
    api_access: ApiAccessNetwork | None = values.get("api_access_network")
    vio: Vio | None = values.get("vio")
    if resource is not None:
        problems += _layout_problems(values.get("pod_layout", "two-pod"), resource)
    if vio is not None:
        problems += _vio_problems(vio, topology)
    if network is not None:
        problems += _network_problems(network, api_access, topology, vio.controllers if vio else None)
    external: ExternalNetwork | None = values.get("external_network")
    if external is not None:
        problems += _external_problems(external)
    if "tenants" in values:
        # An externalNetwork that failed to parse is reported already; do not add "needs externalNetwork".
        known = external is not None or raw.get("externalNetwork") is None
        problems += _tenant_problems(values["tenants"], external, known)
    problems += _flavor_problems(values.get("flavors", []))
    if "nsx" in values:
        problems += _tier0_problems(values["nsx"].tier0)
    problems += _whole_config_problems(values, problems)

    if problems:
        raise ConfigError(problems)
    return Settings.model_validate(values)


def is_secret_key(full_key: str) -> bool:
    """Whether the engine marks `vio-nfv:<key>` secret, i.e. it was written as `secure:`.

    Under the Pulumi CLI the program only sees decrypted values: the language host passes the config in
    PULUMI_CONFIG and the names of the secret ones in PULUMI_CONFIG_SECRET_KEYS
    (pulumi/pulumi: sdk/python/cmd/pulumi-language-python/main.go), read by
    `pulumi.runtime.config.get_config_secret_keys_env`; an in-process runtime (automation API, mocks, the
    offline evaluator) passes them to `set_all_config(config, secret_keys)` instead, read by
    `is_config_secret`. Both are consulted.
    """
    from pulumi.runtime import config as runtime_config

    return runtime_config.is_config_secret(full_key) or full_key in runtime_config.get_config_secret_keys_env()


def _credentials(config: pulumi.Config, keys: Iterable[str]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(set keys, keys set in plain text, values as the program received them) for credential keys."""
    present: list[str] = []
    plaintext: list[str] = []
    values: dict[str, Any] = {}
    for key in keys:
        value = config.get(key)
        if value is None:
            continue
        present.append(key)
        values[key] = value
        if not is_secret_key(config.full_key(key)):
            plaintext.append(key)
    return present, plaintext, values


def _secret_lengths(keys: Iterable[str]) -> dict[str, int]:
    """Lengths of secret values read straight from the runtime config (no Output, no warning, no copy kept)."""
    from pulumi.runtime import config as runtime_config

    lengths = {}
    for key in keys:
        value = runtime_config.get_config(f"{NAMESPACE}:{key}")
        if value is not None:
            lengths[key] = len(value)
    return lengths


def _namespace_keys(namespace: str = NAMESPACE) -> set[str]:
    from pulumi.runtime import config as runtime_config

    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    prefix = f"{namespace}:"
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
    manager_admin_password: pulumi.Output[str]
    nsx_metadata_proxy_secret: pulumi.Output[str]


def load(config: pulumi.Config | None = None) -> tuple[Settings, Credentials]:
    """Read and validate the `vio-nfv` namespace of the current stack."""
    config = config or pulumi.Config(NAMESPACE)
    raw = _read(config, (k for k, *_ in _SECTIONS), KNOWN_KEYS)
    present, plaintext, values = _credentials(config, CREDENTIAL_KEYS)
    settings = parse(raw, present, _secret_lengths(("bgpNeighborPassword",)),
                     plaintext_credentials=plaintext, credential_values=values)
    secrets = {k: config.require_secret(k) for k in CREDENTIAL_KEYS}
    return settings, Credentials(
        management_vcenter_password=secrets["managementVcenterPassword"],
        resource_vcenter_password=secrets["resourceVcenterPassword"],
        resource_vcenter_thumbprint=secrets["resourceVcenterThumbprint"],
        nsx_password=secrets["nsxPassword"],
        openstack_password=secrets["openstackPassword"],
        bgp_neighbor_password=secrets["bgpNeighborPassword"],
        manager_admin_password=secrets["managerAdminPassword"],
        nsx_metadata_proxy_secret=secrets["nsxMetadataProxySecret"],
    )


#: Keys of a tenant's own stack (examples/tenant-stack), in its own namespace TENANT_NAMESPACE.
TENANT_STACK_CREDENTIAL_KEYS: tuple[str, ...] = ("tenantOpenstackPassword",)
_TENANT_STACK_SECTIONS: tuple[tuple[str, str, Any, bool], ...] = (
    ("platformStack", "platform_stack", TenantStackSettings.model_fields["platform_stack"].annotation, True),
    ("tenant", "tenant", TenantSpec, True),
    ("tenantOpenstack", "tenant_openstack", TenantOpenStack, True),
)


#: Top-level keys whose value is text (names, enums): read as the string the engine passes.
_TEXT_KEYS: frozenset[str] = frozenset(
    k for k, _, kind, _ in (*_SECTIONS, *_TENANT_STACK_SECTIONS) if _is_text(kind)
)


def parse_tenant_stack(
    raw: Mapping[str, Any],
    present_credentials: Iterable[str] = TENANT_STACK_CREDENTIAL_KEYS,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> TenantStackSettings:
    """Validate a tenant stack's config (the tenant spec gets the same rules as in the platform)."""
    raw, retired = _without_retired(raw)
    values, problems = _shapes(
        raw, _TENANT_STACK_SECTIONS, TENANT_STACK_CREDENTIAL_KEYS, present_credentials,
        "unknown key; a tenant stack takes platformStack, tenant, tenantOpenstack", TENANT_NAMESPACE,
        plaintext_credentials=plaintext_credentials, credential_values=credential_values,
    )
    problems = retired + problems
    if "tenant" in values:
        problems += _tenant_spec_problems("tenant", values["tenant"], None, external_known=False)
    problems += _whole_config_problems(values, problems)
    if problems:
        raise ConfigError(dataclasses.replace(p, namespace=TENANT_NAMESPACE) for p in problems)
    return TenantStackSettings.model_validate(values)


def load_tenant_stack(config: pulumi.Config | None = None) -> tuple[TenantStackSettings, pulumi.Output[str]]:
    """Read and validate a tenant stack's config; returns the settings and the tenant's secret password."""
    config = config or pulumi.Config(TENANT_NAMESPACE)
    known = {k for k, *_ in _TENANT_STACK_SECTIONS} | set(TENANT_STACK_CREDENTIAL_KEYS)
    raw = _read(config, (k for k, *_ in _TENANT_STACK_SECTIONS), known, TENANT_NAMESPACE)
    present, plaintext, values = _credentials(config, TENANT_STACK_CREDENTIAL_KEYS)
    settings = parse_tenant_stack(raw, present, plaintext_credentials=plaintext, credential_values=values)
    return settings, config.require_secret("tenantOpenstackPassword")
