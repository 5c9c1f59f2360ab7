"""NSX-T: the Manager, the Tier-0 with its uplinks and BGP peers, DHCP and the metadata proxy VIO needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field

from components.config.types import URL_PATTERN, Host, IPv4Address, IPv4Network, Label, Name, Section, VlanId

AsNumber = Annotated[int, Field(ge=1, le=4294967295)]
#: Edge nodes a Tier-0 may span per HA mode (NSX-T: active-standby is a pair; active-active ECMP up to 8).
TIER0_EDGE_NODES: Mapping[str, tuple[int, int]] = {"ACTIVE_STANDBY": (2, 2), "ACTIVE_ACTIVE": (1, 8)}


class EdgeInterface(Section):
    """One Tier-0 uplink interface: which edge node carries it and its address on the uplink's subnet."""

    edge_node: int = Field(ge=0, le=9, description="Member index of the edge node in the NSX edge cluster.")
    address: IPv4Address


class Tier0Uplink(Section):
    """A VLAN uplink segment towards the physical routers, with one interface per Tier-0 edge node."""

    name: Label = Field(description="Stable key of the uplink: names its segment and interfaces.")
    vlan: VlanId
    cidr: IPv4Network = Field(description="Subnet of the uplink VLAN shared with the routers.")
    interfaces: list[EdgeInterface] = Field(min_length=1)
    ha_vip: IPv4Address | None = Field(
        default=None, description="ACTIVE_STANDBY only: the address the active edge holds on this uplink."
    )


class BgpNeighbor(Section):
    """A BGP peer (top-of-rack/DC gateway). Its password is the secret `bgpNeighborPassword`."""

    name: Label
    address: IPv4Address
    remote_as: AsNumber
    ibgp: bool = Field(default=False, description="Peer in the local AS on purpose (iBGP).")
    bfd: bool = Field(default=False, description="Enable BFD for sub-second failure detection.")


class Tier0(Section):
    """The provider-facing Tier-0 gateway VIO's external networks attach to."""

    name: Label | None = Field(default=None, description="Display name and NSX id; default `<namePrefix>-t0`.")
    ha_mode: Literal["ACTIVE_STANDBY", "ACTIVE_ACTIVE"] = "ACTIVE_STANDBY"
    local_as: AsNumber
    edge_nodes: list[Annotated[int, Field(ge=0, le=9)]] = Field(
        min_length=1, description="Member indexes of the edge nodes in the edge cluster the Tier-0 uses."
    )
    uplinks: list[Tier0Uplink] = Field(min_length=1)
    neighbors: list[BgpNeighbor] = Field(default_factory=list)


class NsxDhcp(Section):
    """The DHCP server profile VIO's NSX policy plugin uses for tenant subnets."""

    lease_time: int = Field(default=86400, ge=60, le=4294967295, description="Lease time in seconds.")




class NsxMetadataProxy(Section):
    """The NSX metadata proxy VIO's NSX backend requires (`nsx_backend.metadata_proxy`). Its shared
    secret is the secret `nsxMetadataProxySecret`."""

    name: Label | None = Field(default=None, description="Display name and NSX id; default `<namePrefix>-md-proxy`.")
    server_address: Annotated[str, Field(pattern=URL_PATTERN)] | None = Field(
        default=None,
        description="Nova metadata URL the proxy forwards to; default http://<managementNetwork.privateVip>:8775.",
    )


class Nsx(Section):
    """NSX-T Manager associated with the resource vCenter. The password is the secret `nsxPassword`."""

    host: Host = Field(description="FQDN or IP of the NSX-T Manager (or its cluster VIP).")
    username: Name = Field(default="admin")
    allow_unverified_ssl: bool = Field(default=False)
    overlay_transport_zone: Name = Field(description="Overlay transport zone (East-West segments).")
    vlan_transport_zone: Name = Field(description="VLAN transport zone (Tier-0 uplinks).")
    edge_cluster: Name = Field(description="NSX edge cluster display name hosting the Tier-0.")
    tier0: Tier0
    dhcp: NsxDhcp = Field(default_factory=NsxDhcp)
    metadata_proxy: NsxMetadataProxy = Field(default_factory=NsxMetadataProxy)
