"""vio-nfv platform stack: VMware Integrated OpenStack in the vCloud NFV OpenStack Edition two-pod design.

Reads like the architecture: settings -> providers -> pods -> management plane -> tenants -> exports.
"""

import pulumi
import pulumi_vsphere as vsphere

from components import contract, ipplan, providers
from components.management_plane import (
    ManagementPlane,
    ManagementPlaneArgs,
    NodeSizeArgs,
    PlacementArgs,
)
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs
from components.settings import load

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

# --- Edge/Resource pod (resource vCenter): compute clusters the compute drivers manage ---------------
res = settings.resource_vcenter
resource_dc = vsphere.get_datacenter_output(
    name=res.datacenter, opts=pulumi.InvokeOutputOptions(provider=p.resource_vsphere)
)
compute_cluster_ids = {
    cluster: vsphere.get_compute_cluster_output(
        name=cluster,
        datacenter_id=resource_dc.id,
        opts=pulumi.InvokeOutputOptions(provider=p.resource_vsphere),
    ).id
    for cluster in res.compute_clusters
}

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
        compute_clusters=compute_cluster_ids,
        resource_vcenter=res.server,
        vm_name_prefix=prefix,
    ),
    opts=pulumi.ResourceOptions(provider=p.management_vsphere),
)

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
        "vip": plane.vip,
        "publicEndpoint": plane.public_endpoint,
        "omsIp": str(next(n.address for n in plan if n.role == "oms")),
        "nodeIps": plane.node_ips,
        "ipPlan": [
            {"name": f"{prefix}-{n.slug}", "role": n.role, "key": n.key, "ip": str(n.address)} for n in plan
        ]
        + [{"name": f"{prefix}-vip", "role": "vip", "key": "public", "ip": str(net.vip)}],
    }
)
