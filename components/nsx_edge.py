"""NSX-T for the Edge/Resource pod: compute manager, transport zones, edge cluster, Tier-0 with BGP, DHCP,
and the metadata proxy.

Everything VIO's NSX backend must be told (default overlay transport zone, VLAN transport zone, Tier-0,
DHCP profile, metadata proxy) is an output here, both as policy paths and as the ids VIO's `nsx_backend`
takes (it names objects by id, as its `nsx_validation` read lists them, not by policy path), so the plane
consumes values produced by this component instead of repeating display names from config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

import pulumi
import pulumi_nsxt as nsxt

from components.nsx_names import dhcp_server_id, uplink_segment_name

HaMode = Literal["ACTIVE_STANDBY", "ACTIVE_ACTIVE"]

#: What the Tier-0 announces to the physical routers: the tenant networks behind VIO's Tier-1 routers.
#: VIO attaches each Neutron router as a Tier-1, where SNAT/floating IPs (TIER1_NAT), static routes and
#: load-balancer VIPs live; without these the tenants' addresses are unreachable from the WAN.
TENANT_REDISTRIBUTION: tuple[str, ...] = (
    "TIER1_CONNECTED",
    "TIER1_NAT",
    "TIER1_STATIC",
    "TIER1_LB_VIP",
    "TIER1_LB_SNAT",
)


@dataclass(frozen=True)
class UplinkArgs:
    """A VLAN uplink: its segment, the subnet shared with the routers, one address per edge node
    (`addresses`: edge member index -> address), and the HA VIP (active-standby only)."""

    vlan: int
    cidr: IPv4Network
    addresses: Mapping[int, IPv4Address]
    ha_vip: IPv4Address | None = None


@dataclass(frozen=True)
class BgpNeighborArgs:
    address: IPv4Address
    remote_as: int
    bfd: bool = False


@dataclass(frozen=True)
class ComputeManagerArgs:
    """The resource vCenter as NSX Manager registers it. `password` and `thumbprint` are secrets."""

    server: str
    username: str
    password: pulumi.Input[str]
    thumbprint: pulumi.Input[str]


@dataclass(frozen=True)
class MetadataProxyArgs:
    """The NSX metadata proxy VIO's NSX backend requires (`nsx_backend.metadata_proxy`): it forwards
    instances' metadata requests to `server_address` (Nova's metadata API on the private VIP) signed with
    `secret` (a Pulumi secret; the same value goes to VIO as `metadata_proxy_shared_secret`)."""

    name: str
    server_address: str
    secret: pulumi.Input[str]


@dataclass(frozen=True)
class NsxEdgeArgs:
    """NSX objects of the Edge/Resource pod.

    Looked up by display name (must exist): `overlay_transport_zone`, `vlan_transport_zone`,
    `edge_cluster`, and the edge nodes `edge_nodes` (member indexes) of that cluster.
    Created: the compute manager, one VLAN segment per uplink (keyed by uplink name), a Tier-0
    `tier0_name` in `ha_mode` with BGP AS `local_as`, one interface per uplink and edge node, the HA VIPs
    (ACTIVE_STANDBY), one BGP neighbor per entry of `neighbors` (keyed by name) authenticated with the
    secret `bgp_password`, and the DHCP server profile. `uplinks`/`neighbors` are keyed by stable names.
    """

    compute_manager: ComputeManagerArgs
    overlay_transport_zone: str
    vlan_transport_zone: str
    edge_cluster: str
    tier0_name: str
    ha_mode: HaMode
    local_as: int
    edge_nodes: Sequence[int]
    uplinks: Mapping[str, UplinkArgs]
    bgp_password: pulumi.Input[str]
    neighbors: Mapping[str, BgpNeighborArgs] = field(default_factory=dict)
    dhcp_lease_time: int = 86400
    metadata_proxy: MetadataProxyArgs | None = None


class NsxEdge(pulumi.ComponentResource):
    """The NSX side of the Edge/Resource pod, on the NSX Manager's provider (given in `opts`).

    Children: `{name}-compute-manager`, `{name}-uplink-segment-{uplink}`, `{name}-tier0`,
    `{name}-redistribution`, `{name}-uplink-{uplink}-edge-{index}`, `{name}-ha-vip` (ACTIVE_STANDBY),
    `{name}-bgp-neighbor-{peer}`, `{name}-dhcp-server`, `{name}-metadata-proxy` (when `metadata_proxy`
    is given).
    """

    compute_manager_id: pulumi.Output[str]
    overlay_transport_zone_path: pulumi.Output[str]
    vlan_transport_zone_path: pulumi.Output[str]
    edge_cluster_path: pulumi.Output[str]
    uplink_segment_paths: dict[str, pulumi.Output[str]]
    tier0_path: pulumi.Output[str]
    tier0_id: pulumi.Output[str]
    dhcp_server_path: pulumi.Output[str]
    overlay_transport_zone_id: pulumi.Output[str]
    vlan_transport_zone_id: pulumi.Output[str]
    dhcp_server_id: pulumi.Output[str]
    metadata_proxy_path: pulumi.Output[str | None]
    metadata_proxy_id: pulumi.Output[str | None]

    def __init__(self, name: str, args: NsxEdgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vionfv:nsx_edge:NsxEdge", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"NsxEdge {name!r}: pass the NSX Manager's provider in opts")
        invoke = pulumi.InvokeOutputOptions(provider=provider, parent=self)

        def child(*depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, provider=provider, depends_on=list(depends_on))

        def on_tier0(
            *depends_on: pulumi.Resource, replace_with: list[pulumi.Resource] | None = None
        ) -> pulumi.ResourceOptions:
            """The Tier-0 and what hangs off it are replaced delete-first. Its `nsx_id` is fixed (VIO is
            told the Tier-0 by id) and `ha_mode` is ForceNew (terraform-provider-nsxt v3.11.0
            nsxt/resource_nsxt_policy_tier0_gateway.go): Pulumi's default create-before-delete would create
            the new gateway under the old one's id and fail. With delete_before_replace Pulumi deletes the
            dependents whose ForceNew inputs (gateway_path, bgp_path) come from it, then the gateway, then
            recreates them (pulumi.com/docs/iac/concepts/options/deletebeforereplace: "it can cascade to
            dependent resources")."""
            return pulumi.ResourceOptions.merge(
                child(*depends_on),
                pulumi.ResourceOptions(delete_before_replace=True, replace_with=replace_with),
            )

        cm = args.compute_manager
        compute_manager = nsxt.ComputeManager(
            f"{name}-compute-manager",
            display_name=cm.server,
            description="Resource vCenter of the VIO Edge/Resource pod",
            server=cm.server,
            origin_type="vCenter",
            credential=nsxt.ComputeManagerCredentialArgs(
                username_password_login=nsxt.ComputeManagerCredentialUsernamePasswordLoginArgs(
                    username=cm.username,
                    # Secret even when given as plain values: the password must never reach the state
                    # or the plan in clear, and the thumbprint pins which vCenter NSX trusts.
                    password=pulumi.Output.secret(cm.password),
                    thumbprint=pulumi.Output.secret(cm.thumbprint),
                )
            ),
            opts=child(),
        )
        self.compute_manager_id = compute_manager.id

        overlay_tz = nsxt.get_policy_transport_zone_output(
            display_name=args.overlay_transport_zone, transport_type="OVERLAY_STANDARD", opts=invoke
        )
        vlan_tz = nsxt.get_policy_transport_zone_output(
            display_name=args.vlan_transport_zone, transport_type="VLAN_BACKED", opts=invoke
        )
        self.overlay_transport_zone_path = overlay_tz.path
        self.vlan_transport_zone_path = vlan_tz.path
        self.overlay_transport_zone_id = overlay_tz.id
        self.vlan_transport_zone_id = vlan_tz.id
        self.edge_cluster_path = nsxt.get_policy_edge_cluster_output(
            display_name=args.edge_cluster, opts=invoke
        ).path
        edge_node_paths = {
            index: nsxt.get_policy_edge_node_output(
                edge_cluster_path=self.edge_cluster_path, member_index=index, opts=invoke
            ).path
            for index in sorted(set(args.edge_nodes))
        }

        segments = {
            key: nsxt.PolicyVlanSegment(
                f"{name}-uplink-segment-{key}",
                display_name=uplink_segment_name(args.tier0_name, key),
                description=f"Tier-0 uplink {key} (VLAN {uplink.vlan}, {uplink.cidr})",
                transport_zone_path=self.vlan_transport_zone_path,
                vlan_ids=[str(uplink.vlan)],
                opts=child(),
            )
            for key, uplink in args.uplinks.items()
        }
        self.uplink_segment_paths = {key: seg.path for key, seg in segments.items()}

        active_active = args.ha_mode == "ACTIVE_ACTIVE"
        tier0 = nsxt.PolicyTier0Gateway(
            f"{name}-tier0",
            display_name=args.tier0_name,
            nsx_id=args.tier0_name,
            description="Provider Tier-0 of VIO's external networks",
            ha_mode=args.ha_mode,
            # Non-preemptive: a recovered edge must not take the active role back and cut traffic twice.
            failover_mode=None if active_active else "NON_PREEMPTIVE",
            edge_cluster_path=self.edge_cluster_path,
            bgp_config=nsxt.PolicyTier0GatewayBgpConfigArgs(
                enabled=True,
                local_as_num=str(args.local_as),
                # ECMP and inter-SR iBGP only make sense when several edges forward at once.
                ecmp=active_active,
                inter_sr_ibgp=active_active,
            ),
            opts=on_tier0(),
        )
        self.tier0_path = tier0.path
        self.tier0_id = tier0.nsx_id

        # Redistribution as its own resource: the Tier-0's `redistribution_config` block is deprecated
        # ("Use nsxt_policy_gateway_redistribution_config resource instead", terraform-provider-nsxt v3.11.0
        # nsxt/gateway_common.go getRedistributionConfigSchema; docs/resources/
        # policy_gateway_redistribution_config.md: gateway_path, bgp_enabled, rule{name, types}).
        # TIER1_CONNECTED is what carries the tenants' noNat subnets (advertised by their Tier-1s) into BGP.
        nsxt.PolicyGatewayRedistributionConfig(
            f"{name}-redistribution",
            gateway_path=tier0.path,
            bgp_enabled=True,
            rules=[
                nsxt.PolicyGatewayRedistributionConfigRuleArgs(
                    name="vio-tenant-networks", types=sorted(TENANT_REDISTRIBUTION)
                )
            ],
            opts=on_tier0(),
        )

        interfaces: dict[str, list[nsxt.PolicyTier0GatewayInterface]] = {}
        source_addresses: dict[str, list[str]] = {}
        # Sorted by stable keys: reordering config lists must not change any resource.
        uplinks = dict(sorted(args.uplinks.items()))
        edge_nodes = sorted(set(args.edge_nodes))
        for key, uplink in uplinks.items():
            for index in edge_nodes:
                address = uplink.addresses[index]
                interfaces.setdefault(key, []).append(
                    nsxt.PolicyTier0GatewayInterface(
                        f"{name}-uplink-{key}-edge-{index}",
                        display_name=f"{key}-edge-{index}",
                        type="EXTERNAL",
                        gateway_path=tier0.path,
                        segment_path=segments[key].path,
                        edge_node_path=edge_node_paths[index],
                        subnets=[f"{address}/{uplink.cidr.prefixlen}"],
                        opts=on_tier0(),
                    )
                )
                source_addresses.setdefault(key, []).append(str(address))

        if not active_active:
            # One resource for all VIPs: NSX keeps them as one list on the locale service, so a
            # resource per uplink would overwrite the others.
            nsxt.PolicyTier0GatewayHaVipConfig(
                f"{name}-ha-vip",
                configs=[
                    nsxt.PolicyTier0GatewayHaVipConfigConfigArgs(
                        enabled=True,
                        external_interface_paths=[i.path for i in interfaces[key]],
                        vip_subnets=[f"{uplink.ha_vip}/{uplink.cidr.prefixlen}"],
                    )
                    for key, uplink in uplinks.items()
                ],
                # Its inputs are the interfaces' paths, not the gateway's, and none is ForceNew: without
                # replace_with (pulumi.com/docs/iac/concepts/options/replacewith) a Tier-0 replacement
                # would try to update it in place while the interfaces it points at are deleted.
                opts=on_tier0(replace_with=[tier0]),
            )

        bgp_path = tier0.bgp_config.apply(lambda bgp: bgp.path)
        for peer_key, peer in sorted(args.neighbors.items()):
            uplink_key = next(k for k, u in args.uplinks.items() if peer.address in u.cidr)
            nsxt.PolicyBgpNeighbor(
                f"{name}-bgp-neighbor-{peer_key}",
                display_name=peer_key,
                bgp_path=bgp_path,
                neighbor_address=str(peer.address),
                remote_as_num=str(peer.remote_as),
                # Peer from the uplink that faces the router, not whichever interface NSX picks.
                source_addresses=source_addresses[uplink_key],
                password=pulumi.Output.secret(args.bgp_password),
                bfd_config=nsxt.PolicyBgpNeighborBfdConfigArgs(enabled=True) if peer.bfd else None,
                # The neighbor is useless until the interfaces it sources from exist.
                opts=on_tier0(*interfaces[uplink_key]),
            )

        dhcp = nsxt.PolicyDhcpServer(
            f"{name}-dhcp-server",
            display_name=dhcp_server_id(args.tier0_name),
            nsx_id=dhcp_server_id(args.tier0_name),
            description="DHCP server profile of VIO's tenant subnets",
            edge_cluster_path=self.edge_cluster_path,
            lease_time=args.dhcp_lease_time,
            opts=child(),
        )
        self.dhcp_server_path = dhcp.path
        self.dhcp_server_id = dhcp.nsx_id

        self.metadata_proxy_path = pulumi.Output.from_input(None)
        self.metadata_proxy_id = pulumi.Output.from_input(None)
        if args.metadata_proxy is not None:
            md = args.metadata_proxy
            # nsxt_policy_metadata_proxy (terraform-provider-nsxt v3.11.0
            # nsxt/resource_nsxt_policy_metadata_proxy.go): display_name, edge_cluster_path, secret and
            # server_address are required; `secret` is sensitive in the provider.
            proxy = nsxt.PolicyMetadataProxy(
                f"{name}-metadata-proxy",
                display_name=md.name,
                nsx_id=md.name,
                description="Metadata proxy of VIO's tenant networks (Nova metadata on the private VIP)",
                edge_cluster_path=self.edge_cluster_path,
                server_address=md.server_address,
                secret=pulumi.Output.secret(md.secret),
                opts=child(),
            )
            self.metadata_proxy_path = proxy.path
            self.metadata_proxy_id = proxy.nsx_id

        self.register_outputs(
            {
                "computeManagerId": self.compute_manager_id,
                "overlayTransportZonePath": self.overlay_transport_zone_path,
                "vlanTransportZonePath": self.vlan_transport_zone_path,
                "edgeClusterPath": self.edge_cluster_path,
                "uplinkSegmentPaths": self.uplink_segment_paths,
                "tier0Path": self.tier0_path,
                "tier0Id": self.tier0_id,
                "dhcpServerPath": self.dhcp_server_path,
                "overlayTransportZoneId": self.overlay_transport_zone_id,
                "vlanTransportZoneId": self.vlan_transport_zone_id,
                "dhcpServerId": self.dhcp_server_id,
                "metadataProxyPath": self.metadata_proxy_path,
                "metadataProxyId": self.metadata_proxy_id,
            }
        )
