"""vio-nfv platform stack: VMware Integrated OpenStack in the vCloud NFV OpenStack Edition two-pod design.

Reads like the architecture: settings -> providers -> pods -> management plane -> tenants -> exports.
"""

import pulumi

from components import contract, ipplan, providers
from components.edge_resource_pod import EdgeResourcePod, EdgeResourcePodArgs
from components.management_plane import (
    ManagementPlane,
    ManagementPlaneArgs,
    NodeSizeArgs,
    PlacementArgs,
)
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs
from components.nsx_edge import BgpNeighborArgs, ComputeManagerArgs, NsxEdgeArgs, UplinkArgs
from components.openstack_platform import OpenStackPlatform
from components.openstack_platform import args_from_settings as platform_args
from components.settings import load
from components.tenant_network import TenantNetworkStack
from components.tenant_network import args_from_spec as tenant_args

# --- settings: every key validated before any resource exists -------------------------------------
settings, credentials = load()
net = settings.management_network
prefix = settings.name_prefix
plan = ipplan.allocate(
    settings.topology, settings.resource_vcenter.compute_clusters, net.static_range.start, net.static_range.end
)

# --- providers: one per endpoint, credentials only as secrets ---------------------------------------
p = providers.build(settings, credentials)

# --- Management pod (management vCenter) ------------------------------------------------------------
mgmt = settings.management_vcenter
management_pod = ManagementPod(
    f"{prefix}-mgmt",
    ManagementPodArgs(
        datacenter=mgmt.datacenter,
        cluster=mgmt.cluster,
        datastore=mgmt.datastore,
        distributed_switch=mgmt.distributed_switch,
        network=ManagementNetworkArgs(port_group=net.port_group, vlan_id=net.vlan, existing=net.existing),
        folder=prefix,
        resource_pool=f"{prefix}-plane",
    ),
    opts=pulumi.ResourceOptions(provider=p.management_vsphere),
)

# --- Edge/Resource pod (resource vCenter + NSX-T): compute clusters the compute drivers manage, Tier-0 --
res, t0 = settings.resource_vcenter, settings.nsx.tier0
resource_pod = EdgeResourcePod(
    f"{prefix}-res",
    EdgeResourcePodArgs(
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
            tier0_name=t0.name or f"{prefix}-t0",
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
    ),
    opts=pulumi.ResourceOptions(providers=[p.resource_vsphere, p.nsx]),
)

# --- VIO management plane ---------------------------------------------------------------------------
plane = ManagementPlane(
    f"{prefix}-plane",
    ManagementPlaneArgs(
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
        sizes={
            role: NodeSizeArgs(**settings.node_size(role).model_dump()) for role in ipplan.ROLES
        },
        placement=PlacementArgs(
            datacenter_id=management_pod.datacenter_id,
            cluster_id=management_pod.cluster_id,
            datastore_id=management_pod.datastore_id,
            resource_pool_id=management_pod.resource_pool_id,
            folder_path=management_pod.folder_path,
            network_id=management_pod.network_id,
        ),
        compute_clusters=resource_pod.compute_cluster_ids,
        resource_vcenter=res.server,
        vm_name_prefix=prefix,
    ),
    opts=pulumi.ResourceOptions(provider=p.management_vsphere),
)

# --- OpenStack on VIO: external network on the Tier-0, flavors, projects; then each tenant's networks -
# Every OpenStack call goes to the plane's API, so nothing here may start before the plane exists.
after_plane = pulumi.ResourceOptions(provider=p.openstack, depends_on=[plane])
platform = OpenStackPlatform(
    f"{prefix}-os", platform_args(settings, tier0_id=resource_pod.tier0_id), opts=after_plane
)
tenants = {
    t.name: TenantNetworkStack(
        f"{prefix}-{t.name}",
        tenant_args(
            t,
            external_network_id=platform.external_network_id,
            external_network_name=platform.external_network_name,
            address_scope_id=platform.address_scope_id,
            project_id=platform.project_ids[t.name],
        ),
        opts=after_plane,
    )
    for t in settings.tenants
    if not t.self_service
}

# --- exports: the documented output contract (README) -----------------------------------------------
contract.export_all(
    {
        "topology": settings.topology,
        "podLayout": settings.pod_layout,
        "managementVcenter": mgmt.server,
        "managementDatacenterId": management_pod.datacenter_id,
        "managementClusterId": management_pod.cluster_id,
        "managementDatastoreId": management_pod.datastore_id,
        "managementResourcePoolId": management_pod.resource_pool_id,
        "managementFolderPath": management_pod.folder_path,
        "managementNetworkId": management_pod.network_id,
        "resourceVcenter": res.server,
        "resourceDatacenterId": resource_pod.datacenter_id,
        "computeClusterIds": resource_pod.compute_cluster_ids,
        "resourceDatastoreIds": resource_pod.datastore_ids,
        "edgeClusterId": resource_pod.edge_cluster_id,
        "tenantResourcePoolIds": resource_pod.tenant_pool_ids,
        "edgeResourcePoolIds": resource_pod.edge_pool_ids,
        "resourceFolderPath": resource_pod.folder_path,
        "computeManagerId": resource_pod.compute_manager_id,
        "overlayTransportZonePath": resource_pod.overlay_transport_zone_path,
        "vlanTransportZonePath": resource_pod.vlan_transport_zone_path,
        "edgeClusterPath": resource_pod.edge_cluster_path,
        "tier0Path": resource_pod.tier0_path,
        "tier0Id": resource_pod.tier0_id,
        "dhcpServerPath": resource_pod.dhcp_server_path,
        "vip": plane.vip,
        "publicEndpoint": plane.public_endpoint,
        "omsIp": str(next(n.address for n in plan if n.role == "oms")),
        "nodeIps": plane.node_ips,
        "ipPlan": [
            {"name": f"{prefix}-{n.slug}", "role": n.role, "key": n.key, "ip": str(n.address)} for n in plan
        ]
        + [{"name": f"{prefix}-vip", "role": "vip", "key": "public", "ip": str(net.vip)}],
        "externalNetworkId": platform.external_network_id,
        "externalNetworkName": platform.external_network_name,
        "externalSubnetId": platform.external_subnet_id,
        "routableAddressScopeId": platform.address_scope_id,
        "flavorIds": platform.flavor_ids,
        "tenantProjectIds": platform.project_ids,
        "tenantNetworkIds": {name: t.network_ids for name, t in tenants.items()},
    }
)
