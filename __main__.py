"""vio-nfv platform stack: VMware Integrated OpenStack in the vCloud NFV OpenStack Edition two-pod design.

Reads like the architecture: settings -> providers -> pods -> management plane -> tenants -> exports.
"""

import pulumi

from components import contract, providers, stack_args, tenant_args
from components.edge_resource_pod import EdgeResourcePod
from components.management_plane import ManagementPlane
from components.management_pod import ManagementPod
from components.openstack_platform import OpenStackPlatform
from components.settings import load
from components.tenant_network import TenantNetworkStack

# --- settings: every key validated before any resource exists -------------------------------------
settings, credentials = load()
prefix = settings.name_prefix
plan = stack_args.management_plan(settings)

# --- providers: one per endpoint, credentials only as secrets (OpenStack's comes after the plane) -----
p = providers.build(settings, credentials)

# --- Management pod (management vCenter) ------------------------------------------------------------
management_pod = ManagementPod(
    f"{prefix}-mgmt",
    stack_args.management_pod(settings),
    opts=pulumi.ResourceOptions(provider=p.management_vsphere),
)

# --- Edge/Resource pod (resource vCenter + NSX-T): tenant clusters, edge pools, Tier-0 with BGP -------
resource_pod = EdgeResourcePod(
    f"{prefix}-res",
    stack_args.edge_resource_pod(settings, credentials),
    opts=pulumi.ResourceOptions(providers=[p.resource_vsphere, p.nsx]),
)

# --- VIO: the Manager VM from its OVA, then VIO's Public API registers both vCenters and NSX and builds
# the OpenStack deployment (the Manager creates and places the controllers itself) ------------------------
plane = ManagementPlane(
    f"{prefix}-plane",
    stack_args.management_plane(settings, credentials, plan, management_pod, resource_pod),
    opts=pulumi.ResourceOptions(provider=p.management_vsphere),
)

# --- OpenStack on VIO: external network on the Tier-0, flavors, projects; then each tenant's networks -
# Readiness gate: the provider's auth_url is the deployment's public endpoint, known only once VIO reports
# the deployment running; depends_on keeps the ordering explicit for every resource on it.
openstack_provider = providers.openstack_provider(
    settings, credentials, auth_url=plane.public_endpoint, depends_on=[plane]
)
after_plane = pulumi.ResourceOptions(provider=openstack_provider, depends_on=[plane])
platform = OpenStackPlatform(
    f"{prefix}-os", stack_args.openstack_platform(settings), opts=after_plane
)
tenants = {
    t.name: TenantNetworkStack(
        f"{prefix}-{t.name}",
        tenant_args.tenant_network(
            t,
            external_network_id=platform.external_network_id,
            external_network_name=platform.external_network_name,
            address_scope_id=platform.address_scope_id,
            project_id=platform.project_ids[t.name],
        ),
        opts=after_plane,
    )
    for t in settings.tenants
    if not t.self_service  # self-service tenants own their networks in their own stack
}

# --- exports: the documented output contract (README) -----------------------------------------------
contract.export_all(
    {
        "topology": settings.topology,
        "podLayout": settings.pod_layout,
        "managementVcenter": settings.management_vcenter.server,
        "managementDatacenterId": management_pod.datacenter_id,
        "managementClusterId": management_pod.cluster_id,
        "managementDatastoreId": management_pod.datastore_id,
        "managementResourcePoolId": management_pod.resource_pool_id,
        "managementFolderPath": management_pod.folder_path,
        "managementNetworkId": management_pod.network_id,
        "resourceVcenter": settings.resource_vcenter.server,
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
        "apiAccessNetworkId": management_pod.api_network_id,
        "overlayTransportZoneId": resource_pod.overlay_transport_zone_id,
        "vlanTransportZoneId": resource_pod.vlan_transport_zone_id,
        "dhcpServerId": resource_pod.dhcp_server_id,
        "metadataProxyPath": resource_pod.metadata_proxy_path,
        "metadataProxyId": resource_pod.metadata_proxy_id,
        "vioVersion": settings.vio.version,
        "managerIp": plane.manager_ip,
        "privateVip": plane.private_vip,
        "publicVip": plane.public_vip,
        "publicEndpoint": plane.public_endpoint,
        "endpoints": plane.endpoints,
        "nodes": plane.nodes,
        "services": plane.services,
        "ipPlan": plane.ip_plan,
        "externalNetworkId": platform.external_network_id,
        "externalNetworkName": platform.external_network_name,
        "externalSubnetId": platform.external_subnet_id,
        "routableAddressScopeId": platform.address_scope_id,
        "flavorIds": platform.flavor_ids,
        "tenantProjectIds": platform.project_ids,
        "tenantNetworkIds": {name: t.network_ids for name, t in tenants.items()},
    }
)
