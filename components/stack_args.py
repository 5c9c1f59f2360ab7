"""From the stack's validated settings to each component's Args: the one place that knows both.

Components take plain, valid values through their own frozen Args and never see the config model, so
another stack can build them from anything; this module is how the platform stack (and the tenant-stack
example) builds them from `components.settings`.
"""

from __future__ import annotations

from collections.abc import Sequence

from components import ipplan
from components.edge_resource_pod import EdgeResourcePod, EdgeResourcePodArgs
from components.management_plane import ManagementPlaneArgs, NodeSizeArgs, PlacementArgs
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs
from components.nsx_edge import BgpNeighborArgs, ComputeManagerArgs, NsxEdgeArgs, UplinkArgs
from components.openstack_platform import (
    ExternalNetworkArgs,
    FlavorArgs,
    OpenStackPlatformArgs,
    ProjectArgs,
    RoleAssignmentArgs,
)
from components.settings import Credentials, Settings
from components.tenant_args import tenant_network

# tenant_network is re-exported for the platform side; the tenant side imports components.tenant_args.
__all__ = [
    "edge_resource_pod", "management_plan", "management_plane", "management_pod", "openstack_platform",
    "tenant_network",
]


def management_plan(settings: Settings) -> list[ipplan.Node]:
    """The management IP plan: every plane node with its address (exported as `ipPlan`)."""
    net = settings.management_network
    return ipplan.allocate(
        settings.topology, settings.resource_vcenter.compute_clusters, net.static_range.start, net.static_range.end
    )


def management_pod(settings: Settings) -> ManagementPodArgs:
    mgmt, net, prefix = settings.management_vcenter, settings.management_network, settings.name_prefix
    return ManagementPodArgs(
        datacenter=mgmt.datacenter,
        cluster=mgmt.cluster,
        datastore=mgmt.datastore,
        distributed_switch=mgmt.distributed_switch,
        network=ManagementNetworkArgs(port_group=net.port_group, vlan_id=net.vlan, existing=net.existing),
        folder=prefix,
        resource_pool=f"{prefix}-plane",
    )


def edge_resource_pod(settings: Settings, credentials: Credentials) -> EdgeResourcePodArgs:
    res, t0, prefix = settings.resource_vcenter, settings.nsx.tier0, settings.name_prefix
    return EdgeResourcePodArgs(
        pod_layout=settings.pod_layout,
        datacenter=res.datacenter,
        compute_clusters=res.compute_clusters,
        datastore=res.datastore,
        edge_cluster=res.edge_cluster,
        folder=prefix,
        tenant_pool=f"{prefix}-tenants",
        edge_pool=f"{prefix}-nsx-edges",
        nsx=NsxEdgeArgs(
            compute_manager=ComputeManagerArgs(
                server=res.server,
                username=res.username,
                password=credentials.resource_vcenter_password,
                thumbprint=credentials.resource_vcenter_thumbprint,
            ),
            overlay_transport_zone=settings.nsx.overlay_transport_zone,
            vlan_transport_zone=settings.nsx.vlan_transport_zone,
            edge_cluster=settings.nsx.edge_cluster,
            tier0_name=tier0_nsx_id(settings),
            ha_mode=t0.ha_mode,
            local_as=t0.local_as,
            edge_nodes=t0.edge_nodes,
            uplinks={
                u.name: UplinkArgs(
                    vlan=u.vlan,
                    cidr=u.cidr,
                    addresses={i.edge_node: i.address for i in u.interfaces},
                    ha_vip=u.ha_vip,
                )
                for u in t0.uplinks
            },
            neighbors={
                n.name: BgpNeighborArgs(address=n.address, remote_as=n.remote_as, bfd=n.bfd)
                for n in t0.neighbors
            },
            bgp_password=credentials.bgp_neighbor_password,
            dhcp_lease_time=settings.nsx.dhcp.lease_time,
        ),
    )


def management_plane(
    settings: Settings, plan: Sequence[ipplan.Node], pod: ManagementPod, resource_pod: EdgeResourcePod
) -> ManagementPlaneArgs:
    """The plane on the management pod's placement; compute drivers wired to the resource pod's clusters."""
    net = settings.management_network
    return ManagementPlaneArgs(
        topology=settings.topology,
        nodes=plan,
        vip=net.vip,
        public_hostname=settings.openstack.public_hostname,
        network=net.cidr,
        gateway=net.gateway,
        dns_servers=net.dns,
        ntp_servers=net.ntp,
        domain=net.domain,
        oms_template=settings.templates.oms,
        node_template=settings.templates.node,
        sizes={role: NodeSizeArgs(**settings.node_size(role).model_dump()) for role in ipplan.ROLES},
        placement=PlacementArgs(
            datacenter_id=pod.datacenter_id,
            cluster_id=pod.cluster_id,
            datastore_id=pod.datastore_id,
            resource_pool_id=pod.resource_pool_id,
            folder_path=pod.folder_path,
            network_id=pod.network_id,
        ),
        compute_clusters=resource_pod.compute_cluster_ids,
        resource_vcenter=settings.resource_vcenter.server,
        vm_name_prefix=settings.name_prefix,
        nsx_plugin={
            "nsx_api_managers": settings.nsx.host,
            "default_overlay_tz": resource_pod.overlay_transport_zone_path,
            "default_vlan_tz": resource_pod.vlan_transport_zone_path,
            "default_tier0_router": resource_pod.tier0_id,
            "edge_cluster": resource_pod.edge_cluster_path,
            "dhcp_profile": resource_pod.dhcp_server_path,
        },
    )


def tier0_nsx_id(settings: Settings) -> str:
    """The Tier-0's fixed NSX id (also its display name): what VIO and the external network are told."""
    return settings.nsx.tier0.name or f"{settings.name_prefix}-t0"


def openstack_platform(settings: Settings) -> OpenStackPlatformArgs:
    """The platform's Args from validated settings; every configured tenant gets a project.

    The external network's physical network is the Tier-0's fixed id as a plain value, not the gateway's
    output: a Tier-0 replacement (haMode) keeps that id, and an input wired to the gateway would make
    Pulumi delete and recreate the external network with it (with every router gateway and floating IP on
    it). The platform still starts after the gateway exists: it waits for the plane, which is told the
    Tier-0 through the resource pod's outputs.
    """
    ext = settings.external_network
    return OpenStackPlatformArgs(
        tier0_id=tier0_nsx_id(settings),
        external=None
        if ext is None
        else ExternalNetworkArgs(
            name=ext.name,
            cidr=ext.cidr,
            gateway=ext.gateway,
            floating_pool=(ext.floating_pool.start, ext.floating_pool.end),
            dns=tuple(ext.dns),
        ),
        flavors=tuple(
            FlavorArgs(
                name=f.name, vcpus=f.vcpus, ram_mb=f.ram_mb, disk_gb=f.disk_gb, public=f.public, extra_specs=f.specs()
            )
            for f in settings.flavors
        ),
        projects=tuple(
            ProjectArgs(
                name=t.name,
                description=t.description,
                compute_quota={
                    "instances": t.quotas.compute.instances,
                    "cores": t.quotas.compute.cores,
                    "ram": t.quotas.compute.ram_mb,
                },
                network_quota={
                    "network": t.quotas.network.networks,
                    "subnet": t.quotas.network.subnets,
                    "port": t.quotas.network.ports,
                    "router": t.quotas.network.routers,
                    "floatingip": t.quotas.network.floating_ips,
                    "security_group": t.quotas.network.security_groups,
                    "security_group_rule": t.quotas.network.security_group_rules,
                },
                role_assignments=tuple(
                    RoleAssignmentArgs(role=ra.role, user=ra.user, group=ra.group) for ra in t.role_assignments
                ),
            )
            for t in settings.tenants
        ),
    )
