"""The Edge/Resource pod: the resource vCenter's compute for tenants and NSX edges, plus its NSX-T side.

`two-pod` (collapsed Edge/Resource pod): NSX edge nodes and tenant workloads share the compute clusters,
separated by resource pools, so a busy tenant cannot starve the edges that route every tenant's
North-South traffic. `three-pod`: the edge nodes get their own cluster (and pool there); the compute
clusters only hold tenant pools. The layout is chosen by config alone; everything else is identical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_vsphere as vsphere

from components.nsx_edge import NsxEdge, NsxEdgeArgs

PodLayout = Literal["two-pod", "three-pod"]


@dataclass(frozen=True)
class EdgeResourcePodArgs:
    """Inventory names in the resource vCenter, what to create there, and the NSX side.

    Looked up (must exist): `datacenter`, every cluster of `compute_clusters`, `datastore`, and in
    `three-pod` the separate `edge_cluster`.
    Created: the VM folder `folder` (default `vio`); in every compute cluster a tenant pool
    `tenant_pool`; an edge pool `edge_pool` in every compute cluster (`two-pod`) or in the edge cluster
    only (`three-pod`); and the NSX objects of `nsx` (see `NsxEdgeArgs`).
    """

    pod_layout: PodLayout
    datacenter: str
    compute_clusters: Sequence[str]
    datastore: str
    nsx: NsxEdgeArgs
    edge_cluster: str | None = None
    folder: str = "vio"
    tenant_pool: str = "vio-tenants"
    edge_pool: str = "nsx-edges"


def _by_package(opts: pulumi.ResourceOptions | None, package: str) -> pulumi.ProviderResource | None:
    providers = opts.providers if opts else None
    found = providers.values() if isinstance(providers, Mapping) else (providers or [])
    return next((p for p in found if p.package == package), None)


def edge_clusters(args: EdgeResourcePodArgs) -> list[str]:
    """Clusters that get an NSX edge pool: the compute clusters (two-pod) or the edge cluster (three-pod)."""
    if args.pod_layout == "three-pod":
        if args.edge_cluster is None:
            raise ValueError("EdgeResourcePodArgs.edge_cluster is required with pod_layout 'three-pod'")
        return [args.edge_cluster]
    if args.edge_cluster is not None:
        raise ValueError("EdgeResourcePodArgs.edge_cluster is only used with pod_layout 'three-pod'")
    return list(args.compute_clusters)


class EdgeResourcePod(pulumi.ComponentResource):
    """Resource vCenter lookups, folder and pools, with `NsxEdge` as a child.

    Pass both providers in `opts.providers`: the resource vCenter's (`vsphere`) and NSX Manager's (`nsxt`).
    Children: `{name}-folder`, `{name}-tenant-pool-{cluster}`, `{name}-edge-pool-{cluster}`, `{name}-nsx`.
    `compute_cluster_ids` resolves only once the cluster's tenant pool exists, so the VIO deployment wired
    to it is deployed after its cluster is ready for tenants.
    """

    datacenter_id: pulumi.Output[str]
    compute_cluster_ids: dict[str, pulumi.Output[str]]
    datastore_ids: dict[str, pulumi.Output[str]]
    edge_cluster_id: pulumi.Output[str | None]
    tenant_pool_ids: dict[str, pulumi.Output[str]]
    edge_pool_ids: dict[str, pulumi.Output[str]]
    folder_path: pulumi.Output[str]
    compute_manager_id: pulumi.Output[str]
    overlay_transport_zone_path: pulumi.Output[str]
    vlan_transport_zone_path: pulumi.Output[str]
    edge_cluster_path: pulumi.Output[str]
    tier0_path: pulumi.Output[str]
    tier0_id: pulumi.Output[str]
    dhcp_server_path: pulumi.Output[str]
    overlay_transport_zone_id: pulumi.Output[str]
    vlan_transport_zone_id: pulumi.Output[str]
    dhcp_server_id: pulumi.Output[str]
    metadata_proxy_path: pulumi.Output[str | None]
    metadata_proxy_id: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: EdgeResourcePodArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vionfv:edge_resource_pod:EdgeResourcePod", name, None, opts)
        vcenter, nsx = _by_package(opts, "vsphere"), _by_package(opts, "nsxt")
        if vcenter is None or nsx is None:
            raise ValueError(
                f"EdgeResourcePod {name!r}: pass the resource vCenter's and NSX Manager's providers in "
                "opts.providers"
            )
        edge_hosts = edge_clusters(args)
        invoke = pulumi.InvokeOutputOptions(provider=vcenter, parent=self)
        child = pulumi.ResourceOptions(parent=self, provider=vcenter)

        datacenter = vsphere.get_datacenter_output(name=args.datacenter, opts=invoke)
        self.datacenter_id = datacenter.id
        clusters = {
            cluster: vsphere.get_compute_cluster_output(
                name=cluster, datacenter_id=datacenter.id, opts=invoke
            )
            for cluster in dict.fromkeys([*args.compute_clusters, *edge_hosts])
        }
        self.datastore_ids = {
            args.datastore: vsphere.get_datastore_output(
                name=args.datastore, datacenter_id=datacenter.id, opts=invoke
            ).id
        }
        self.edge_cluster_id = (
            clusters[args.edge_cluster].id
            if args.pod_layout == "three-pod" and args.edge_cluster
            else pulumi.Output.from_input(None)
        )

        self.folder_path = vsphere.Folder(
            f"{name}-folder", path=args.folder, type="vm", datacenter_id=datacenter.id, opts=child
        ).path

        tenant_pools = {
            cluster: vsphere.ResourcePool(
                f"{name}-tenant-pool-{cluster}",
                name=args.tenant_pool,
                parent_resource_pool_id=clusters[cluster].resource_pool_id,
                cpu_share_level="normal",
                memory_share_level="normal",
                opts=child,
            )
            for cluster in args.compute_clusters
        }
        self.tenant_pool_ids = {cluster: pool.id for cluster, pool in tenant_pools.items()}
        self.edge_pool_ids = {
            cluster: vsphere.ResourcePool(
                f"{name}-edge-pool-{cluster}",
                name=args.edge_pool,
                parent_resource_pool_id=clusters[cluster].resource_pool_id,
                # Edges forward every tenant's North-South traffic: under contention they must win.
                cpu_share_level="high",
                memory_share_level="high",
                opts=child,
            ).id
            for cluster in edge_hosts
        }
        self.compute_cluster_ids = {
            cluster: pulumi.Output.all(clusters[cluster].id, tenant_pools[cluster].id).apply(
                lambda ids: ids[0]
            )
            for cluster in args.compute_clusters
        }

        edge = NsxEdge(f"{name}-nsx", args.nsx, opts=pulumi.ResourceOptions(parent=self, provider=nsx))
        self.compute_manager_id = edge.compute_manager_id
        self.overlay_transport_zone_path = edge.overlay_transport_zone_path
        self.vlan_transport_zone_path = edge.vlan_transport_zone_path
        self.edge_cluster_path = edge.edge_cluster_path
        self.tier0_path = edge.tier0_path
        self.tier0_id = edge.tier0_id
        self.dhcp_server_path = edge.dhcp_server_path
        self.overlay_transport_zone_id = edge.overlay_transport_zone_id
        self.vlan_transport_zone_id = edge.vlan_transport_zone_id
        self.dhcp_server_id = edge.dhcp_server_id
        self.metadata_proxy_path = edge.metadata_proxy_path
        self.metadata_proxy_id = edge.metadata_proxy_id

        self.register_outputs(
            {
                "datacenterId": self.datacenter_id,
                "computeClusterIds": self.compute_cluster_ids,
                "datastoreIds": self.datastore_ids,
                "edgeClusterId": self.edge_cluster_id,
                "tenantPoolIds": self.tenant_pool_ids,
                "edgePoolIds": self.edge_pool_ids,
                "folderPath": self.folder_path,
                "computeManagerId": self.compute_manager_id,
                "overlayTransportZonePath": self.overlay_transport_zone_path,
                "vlanTransportZonePath": self.vlan_transport_zone_path,
                "edgeClusterPath": self.edge_cluster_path,
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
