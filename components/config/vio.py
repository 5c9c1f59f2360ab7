"""VIO itself: the Manager VM, its Public API, the controllers, and the two networks VIO puts them on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field

from components.config.types import (
    VIO_VERSION_PATTERN,
    Host,
    IpRange,
    IPv4Address,
    IPv4Network,
    Name,
    Port,
    Section,
    VlanId,
)


class ManagementNetwork(Section):
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


class ApiAccessNetwork(Section):
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


class OvfProperties(Section):
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


class VioManager(Section):
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


class VioApi(Section):
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


#: In `ha` every OpenStack service keeps at least this many ready replicas (no single point of failure).
HA_MIN_SERVICE_REPLICAS = 2


class Vio(Section):
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
    # --- VIO day 2 (components/vio_deployment.py, components/vio_day2.py) ---
    services: dict[str, Annotated[int, Field(ge=1, le=30)]] = Field(
        default_factory=dict,
        description="Replicas per OpenStack service ({nova: 3, ...}; the services VIO's scale operation "
        "accepts): the day-2 scale knob, applied in place. Unset services keep VIO's own count.",
    )
    boot_timeout_minutes: int = Field(
        default=30, ge=1, le=180, description="How long the first API call waits for a new Manager to boot."
    )
    rebuild_intended: bool = Field(
        default=False,
        description="Allow a preview that replaces the OpenStack deployment or a VIO registration "
        "(policy vio-rebuild-intended); set it only for the one `up` that rebuilds, then remove it.",
    )
