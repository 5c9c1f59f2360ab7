"""The Management pod on its own vCenter Server: where the VIO Manager and its controllers run."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_vsphere as vsphere


@dataclass(frozen=True)
class ManagementNetworkArgs:
    """The dedicated management port group.

    `existing=True` adopts a port group that is already there (looked up by name, never modified);
    otherwise it is created on the distributed switch with `vlan_id`.
    """

    port_group: str
    vlan_id: int | None = None
    existing: bool = False


@dataclass(frozen=True)
class ManagementPodArgs:
    """Inventory names in the management vCenter, and what to create there.

    Looked up (must exist): `datacenter`, `cluster`, `datastore`, `distributed_switch`.
    Created: the VM folder `folder` (default `vio`), the resource pool `resource_pool` (default `vio-plane`)
    under the cluster's root pool, the management port group unless `network.existing`, and VIO's API
    access port group `api_network` (when given) unless it is `existing`.
    """

    datacenter: str
    cluster: str
    datastore: str
    distributed_switch: str
    network: ManagementNetworkArgs
    folder: str = "vio"
    resource_pool: str = "vio-plane"
    api_network: ManagementNetworkArgs | None = None


class ManagementPod(pulumi.ComponentResource):
    """Datacenter, cluster, datastore and switch lookups, plus the VIO folder, pool and network.

    Children: `{name}-folder`, `{name}-pool`, `{name}-network` and `{name}-api-network` (only when the
    port group is created).
    Every lookup and resource uses the `provider` given in `opts`: the management vCenter's.
    """

    datacenter_id: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    datastore_id: pulumi.Output[str]
    distributed_switch_id: pulumi.Output[str]
    folder_path: pulumi.Output[str]
    resource_pool_id: pulumi.Output[str]
    network_id: pulumi.Output[str]
    api_network_id: pulumi.Output[str | None]
    datacenter_name: pulumi.Output[str]
    datastore_name: pulumi.Output[str]
    resource_pool_name: pulumi.Output[str]
    network_name: pulumi.Output[str]
    api_network_name: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: ManagementPodArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vionfv:management_pod:ManagementPod", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"ManagementPod {name!r}: pass the management vCenter's provider in opts")
        invoke = pulumi.InvokeOutputOptions(provider=provider, parent=self)
        child = pulumi.ResourceOptions(parent=self, provider=provider)

        datacenter = vsphere.get_datacenter_output(name=args.datacenter, opts=invoke)
        self.datacenter_id = datacenter.id
        cluster = vsphere.get_compute_cluster_output(
            name=args.cluster, datacenter_id=datacenter.id, opts=invoke
        )
        self.cluster_id = cluster.id
        datastore = vsphere.get_datastore_output(name=args.datastore, datacenter_id=datacenter.id, opts=invoke)
        self.datastore_id = datastore.id
        self.distributed_switch_id = vsphere.get_distributed_virtual_switch_output(
            name=args.distributed_switch, datacenter_id=datacenter.id, opts=invoke
        ).id

        folder = vsphere.Folder(
            f"{name}-folder",
            path=args.folder,
            type="vm",
            datacenter_id=datacenter.id,
            opts=child,
        )
        self.folder_path = folder.path
        pool = vsphere.ResourcePool(
            f"{name}-pool",
            name=args.resource_pool,
            parent_resource_pool_id=cluster.resource_pool_id,
            opts=child,
        )
        self.resource_pool_id = pool.id

        self.datacenter_name = datacenter.name
        self.datastore_name = datastore.name
        self.resource_pool_name = pool.name

        def port_group(key: str, net: ManagementNetworkArgs) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
            if net.existing:
                found = vsphere.get_network_output(
                    name=net.port_group,
                    datacenter_id=datacenter.id,
                    distributed_virtual_switch_uuid=self.distributed_switch_id,
                    opts=invoke,
                )
                return found.id, found.name
            created = vsphere.DistributedPortGroup(
                f"{name}-{key}",
                name=net.port_group,
                distributed_virtual_switch_uuid=self.distributed_switch_id,
                vlan_id=net.vlan_id,
                opts=child,
            )
            return created.id, created.name

        self.network_id, self.network_name = port_group("network", args.network)
        if args.api_network is not None:
            self.api_network_id, self.api_network_name = port_group("api-network", args.api_network)
        else:
            self.api_network_id = self.api_network_name = pulumi.Output.from_input(None)

        self.register_outputs(
            {
                "datacenterId": self.datacenter_id,
                "clusterId": self.cluster_id,
                "datastoreId": self.datastore_id,
                "distributedSwitchId": self.distributed_switch_id,
                "folderPath": self.folder_path,
                "resourcePoolId": self.resource_pool_id,
                "networkId": self.network_id,
                "apiNetworkId": self.api_network_id,
                "datacenterName": self.datacenter_name,
                "datastoreName": self.datastore_name,
                "resourcePoolName": self.resource_pool_name,
            }
        )
