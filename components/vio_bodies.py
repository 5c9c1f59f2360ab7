"""The `cluster` body (POST /api/v2/clusters) built from ManagementPlaneArgs.

Data structures: developer.broadcom.com/xapis/vmware-integrated-openstack-api/latest/data-structures/
{cluster, network, compute, compute_cluster, identity, neutron, nsx_backend}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

if TYPE_CHECKING:
    from components.management_plane import ComputeClusterArgs, ManagementPlaneArgs, VioNetworkArgs


def network_entry(kind: str, net: VioNetworkArgs) -> dict[str, Any]:
    # Data structure `network`: type, name, ip_ranges[{begin_ip, end_ip}], netmask, gateway, dns[].
    return {
        "type": kind,
        "name": net.port_group,
        "ip_ranges": [{"begin_ip": str(net.vio_range.start), "end_ip": str(net.vio_range.end)}],
        "netmask": str(net.cidr.netmask),
        "gateway": str(net.gateway),
        "dns": [str(d) for d in net.dns],
    }


def compute_cluster(name: str, cc: ComputeClusterArgs, resource_vcenter: str) -> dict[str, Any]:
    """One `compute_cluster` entry; `dvs_moid` only when set (Optional: enhanced networking/SR-IOV only)."""
    entry: dict[str, Any] = {
        # Waits for `wait_for` (the cluster ready for tenants) without sending it.
        "cluster_name": name if cc.wait_for is None else pulumi.Output.all(name, cc.wait_for).apply(lambda v: v[0]),
        # data-structures/compute_cluster: "The hostname or ip address of the vcenter" (the registration is
        # made under the same name; the deployment depends on it).
        "vcenter_name": resource_vcenter,
        "datastore_regex": cc.datastore_regex,
        "availability_zone_name": cc.availability_zone,
    }
    if cc.dvs_moid is not None:
        entry["dvs_moid"] = cc.dvs_moid
    return entry


def cluster_body(args: ManagementPlaneArgs, ha: bool, nsx_body: Mapping[str, Any]) -> dict[str, Any]:
    """The `cluster` data structure (POST /api/v2/clusters), developer.broadcom.com/xapis/
    vmware-integrated-openstack-api/7.0/data-structures/cluster. Compute clusters sorted by name so the
    body does not depend on config order."""
    plan, place = args.plan, args.placement
    return {
        "name": args.deployment_name,
        "ha_enabled": ha,
        "ip_access_enabled": False,
        "endpoints": {
            "hostname": args.public_hostname,
            "private_vip": str(plan.private_vip),
            "public_vip": str(plan.public_vip),
        },
        "management_cluster": {
            "datacenter": place.datacenter,
            "datastore": place.datastore,
            "resourcepool": place.resource_pool,
        },
        "networks": [
            network_entry("management", args.management_network),
            network_entry("api", args.api_network),
        ],
        "openstack_info": {
            "compute": {
                "compute_clusters": [
                    compute_cluster(cluster, cc, args.resource_vcenter.server)
                    for cluster, cc in sorted(args.compute_clusters.items())
                ],
                "default_availability_zone_name": args.default_availability_zone,
                # Documented Required booleans of `compute`: no PCI passthrough, no tenant vDCs.
                "passthrough": False,
                "tenant_vdc": False,
            },
            "identity": {
                "admin_domain_name": args.openstack_admin_domain,
                "admin_user": args.openstack_admin_user,
                "admin_password": pulumi.Output.secret(args.openstack_admin_password),
            },
            "neutron": {"neutron_backend": "nsxp", "nsx": dict(nsx_body)},
        },
    }
