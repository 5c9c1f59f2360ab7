"""From the stack's validated settings to each component's Args: the one place that knows both.

Components take plain, valid values through their own frozen Args and never see the config model, so
another stack can build them from anything; this module is how the platform stack (and the tenant-stack
example) builds them from `components.settings`.
"""

from __future__ import annotations

import pulumi

from components import ipplan
from components.edge_resource_pod import EdgeResourcePod, EdgeResourcePodArgs
from components.management_plane import (
    ApiArgs,
    ComputeClusterArgs,
    ManagementPlaneArgs,
    ManagerArgs,
    NsxBackendArgs,
    PlacementArgs,
    VcenterArgs,
    VioNetworkArgs,
)
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs
from components.nsx_edge import (
    BgpNeighborArgs,
    ComputeManagerArgs,
    MetadataProxyArgs,
    NsxEdgeArgs,
    UplinkArgs,
)
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


def management_plan(settings: Settings) -> ipplan.Plan:
    """The IP plan: Manager address, VIPs, VIO ranges and nodes per role (exported as `ipPlan`)."""
    return settings.plan()


def management_pod(settings: Settings) -> ManagementPodArgs:
    mgmt, net, api, prefix = (
        settings.management_vcenter, settings.management_network, settings.api_access_network, settings.name_prefix
    )
    return ManagementPodArgs(
        datacenter=mgmt.datacenter,
        cluster=mgmt.cluster,
        datastore=mgmt.datastore,
        distributed_switch=mgmt.distributed_switch,
        network=ManagementNetworkArgs(port_group=net.port_group, vlan_id=net.vlan, existing=net.existing),
        folder=prefix,
        resource_pool=f"{prefix}-plane",
        api_network=ManagementNetworkArgs(port_group=api.port_group, vlan_id=api.vlan, existing=api.existing),
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
            metadata_proxy=MetadataProxyArgs(
                name=metadata_proxy_nsx_id(settings),
                server_address=settings.metadata_proxy_server(),
                secret=credentials.nsx_metadata_proxy_secret,
            ),
        ),
    )


def management_plane(
    settings: Settings,
    credentials: Credentials,
    plan: ipplan.Plan,
    pod: ManagementPod,
    resource_pod: EdgeResourcePod,
) -> ManagementPlaneArgs:
    """The Manager on the management pod's placement; the deployment wired to both pods' outputs."""
    net, api, vio = settings.management_network, settings.api_access_network, settings.vio
    mgmt_vc, res_vc, nsx = settings.management_vcenter, settings.resource_vcenter, settings.nsx
    manager = vio.manager
    return ManagementPlaneArgs(
        plan=plan,
        deployment_name=settings.name_prefix,
        public_hostname=settings.openstack.public_hostname,
        management_network=VioNetworkArgs(
            port_group=pod.network_name, cidr=net.cidr, gateway=net.gateway, dns=net.dns,
            vio_range=plan.management_range,
        ),
        api_network=VioNetworkArgs(
            port_group=pod.api_network_name.apply(lambda n: n or api.port_group), cidr=api.cidr,
            gateway=api.gateway, dns=api.dns, vio_range=plan.api_range,
        ),
        ntp_servers=net.ntp,
        domain=net.domain,
        manager=ManagerArgs(
            source=manager.source,
            ova=manager.ova,
            template=manager.template,
            ovf_properties={k: v for k, v in manager.ovf_properties.model_dump(by_alias=True).items() if v},
            cpus=manager.cpus,
            memory_mb=manager.memory_mb,
            disks_gb=tuple(manager.disks_gb),
            allow_unverified_ova_url=manager.allow_unverified_ova_url,
            ovf_network=manager.ovf_network,
            admin_password=credentials.manager_admin_password,
        ),
        placement=PlacementArgs(
            datacenter_id=pod.datacenter_id,
            datastore_id=pod.datastore_id,
            resource_pool_id=pod.resource_pool_id,
            folder_path=pod.folder_path,
            network_id=pod.network_id,
            datacenter=pod.datacenter_name,
            datastore=pod.datastore_name,
            resource_pool=pod.resource_pool_name,
        ),
        management_vcenter=VcenterArgs(
            mgmt_vc.server, mgmt_vc.username, credentials.management_vcenter_password, mgmt_vc.allow_unverified_ssl
        ),
        resource_vcenter=VcenterArgs(
            res_vc.server, res_vc.username, credentials.resource_vcenter_password, res_vc.allow_unverified_ssl
        ),
        compute_clusters={
            # Keyed by name; each waits for its tenant pool (resource_pod.compute_cluster_ids). `dvs_moid`
            # only with resourceVcenter.dvsMoid (enhanced networking/SR-IOV): otherwise not sent.
            cluster: ComputeClusterArgs(
                dvs_moid=res_vc.dvs_moid,
                availability_zone=res_vc.availability_zone,
                wait_for=resource_pod.compute_cluster_ids[cluster],
            )
            for cluster in res_vc.compute_clusters
        },
        default_availability_zone=res_vc.availability_zone,
        nsx=NsxBackendArgs(
            managers=nsx.host,
            username=nsx.username,
            password=credentials.nsx_password,
            insecure=nsx.allow_unverified_ssl,
            # Plain values (fixed ids; transport zones by the display name the Manager's NSX validation
            # also matches): a replaced Tier-0 keeps its id and replaces nothing of VIO.
            overlay_tz=nsx.overlay_transport_zone,
            vlan_tz=nsx.vlan_transport_zone,
            tier0=tier0_nsx_id(settings),
            dhcp_profile=dhcp_server_nsx_id(settings),
            metadata_proxy=metadata_proxy_nsx_id(settings),
            metadata_proxy_secret=credentials.nsx_metadata_proxy_secret,
            # Ordering only: the registration is made once the NSX objects exist.
            ready=pulumi.Output.all(
                resource_pod.tier0_id, resource_pod.dhcp_server_id, resource_pod.metadata_proxy_id,
                resource_pod.overlay_transport_zone_id, resource_pod.vlan_transport_zone_id,
            ),
        ),
        openstack_admin_user=settings.openstack.username,
        openstack_admin_password=credentials.openstack_password,
        openstack_admin_domain=settings.openstack.user_domain,
        api=ApiArgs(
            username=vio.api.username,
            port=vio.api.port,
            insecure=vio.api.insecure,
            ca_bundle=vio.api.ca_bundle,
            timeout=vio.api.timeout_seconds,
            boot_timeout=vio.boot_timeout_minutes * 60.0,
        ),
        deploy_timeout=vio.deploy_timeout_minutes * 60.0,
        delete_on_destroy=vio.delete_on_destroy,
        service_replicas=dict(vio.services),
        rebuild_intended=vio.rebuild_intended,
    )


def tier0_nsx_id(settings: Settings) -> str:
    """The Tier-0's fixed NSX id (also its display name): what VIO and the external network are told."""
    return settings.nsx.tier0.name or f"{settings.name_prefix}-t0"


def dhcp_server_nsx_id(settings: Settings) -> str:
    """The DHCP server profile's fixed NSX id, as components/nsx_edge.py creates it (`<tier0>-dhcp`)."""
    return f"{tier0_nsx_id(settings)}-dhcp"


def metadata_proxy_nsx_id(settings: Settings) -> str:
    """The metadata proxy's fixed NSX id (also its display name)."""
    return settings.nsx.metadata_proxy.name or f"{settings.name_prefix}-md-proxy"


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
                    RoleAssignmentArgs(
                        role=ra.role, user=ra.user, group=ra.group,
                        domain_id=ra.domain_id or settings.openstack.identity_domain_id, cloud_admin=ra.cloud_admin,
                    )
                    for ra in t.role_assignments
                ),
            )
            for t in settings.tenants
        ),
    )
