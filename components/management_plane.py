"""The VIO management plane: OMS plus the HA (or compact) set of plane VMs on the management network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

import pulumi
import pulumi_vsphere as vsphere

from components import ipplan


@dataclass(frozen=True)
class NodeSizeArgs:
    cpus: int
    memory_mb: int
    disk_gb: int


@dataclass(frozen=True)
class PlacementArgs:
    """Where the plane's VMs land in the management vCenter (outputs of `ManagementPod`)."""

    datacenter_id: pulumi.Input[str]
    cluster_id: pulumi.Input[str]
    datastore_id: pulumi.Input[str]
    resource_pool_id: pulumi.Input[str]
    folder_path: pulumi.Input[str]
    network_id: pulumi.Input[str]


@dataclass(frozen=True)
class ManagementPlaneArgs:
    """The plane to deploy.

    `nodes` is the resolved plan from `ipplan.allocate` (role, stable key, address): one VM each.
    `compute_clusters` maps each compute driver's key (the resource cluster name) to the cluster's
    managed object ID in the resource vCenter; each driver VM is told its cluster through guestinfo,
    so the driver depends on the resource pod's outputs.
    `sizes` gives every role present in `nodes` a size. `anti_affinity` (default on) keeps the replicas of
    each role in `ipplan.SPREAD_ROLES` on different hosts with one DRS rule per role; `protect_stateful`
    (default on) protects the OMS and database VMs from deletion.
    `nsx_plugin` is what VIO's NSX-T policy plugin must be told when OMS deploys OpenStack, keyed by the
    plugin's `[nsx_p]` option names (`nsx_api_managers`, `default_overlay_tz`, `default_vlan_tz`,
    `default_tier0_router`, `edge_cluster`, `dhcp_profile`); handed to the OMS as guestinfo.
    """

    topology: str
    nodes: Sequence[ipplan.Node]
    vip: IPv4Address
    public_hostname: str
    network: IPv4Network
    gateway: IPv4Address
    dns_servers: Sequence[IPv4Address]
    ntp_servers: Sequence[str]
    domain: str
    oms_template: str
    node_template: str
    sizes: Mapping[str, NodeSizeArgs]
    placement: PlacementArgs
    compute_clusters: Mapping[str, pulumi.Input[str]]
    resource_vcenter: str
    vm_name_prefix: str = "vio"
    anti_affinity: bool = True
    protect_stateful: bool = True
    extra_guestinfo: Mapping[str, str] = field(default_factory=dict)
    nsx_plugin: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


#: Fields vCenter rewrites after a clone, or that change when a template is rebuilt. Diffing them would
#: replace (and so reboot or rebuild) a running plane VM on every `up`.
VM_IGNORE_CHANGES = ["clone", "ept_rvi_mode", "hv_mode", "guest_id"]


class ManagementPlane(pulumi.ComponentResource):
    """OMS and the plane VMs, with one anti-affinity rule per replicated role.

    Children: `{name}-{role}-{key}` per VM (`{name}-oms` for the OMS), `{name}-anti-affinity-{role}`.
    """

    vip: pulumi.Output[str]
    public_endpoint: pulumi.Output[str]
    oms_ip: pulumi.Output[str]
    node_ips: pulumi.Output[dict[str, list[str]]]
    ip_plan: pulumi.Output[list[dict[str, str]]]
    vm_ids: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: ManagementPlaneArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vionfv:management_plane:ManagementPlane", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"ManagementPlane {name!r}: pass the management vCenter's provider in opts")
        _check(args)
        invoke = pulumi.InvokeOutputOptions(provider=provider, parent=self)
        templates = {
            "oms": vsphere.get_virtual_machine_output(
                name=args.oms_template, datacenter_id=args.placement.datacenter_id, opts=invoke
            ),
            "node": vsphere.get_virtual_machine_output(
                name=args.node_template, datacenter_id=args.placement.datacenter_id, opts=invoke
            ),
        }

        self.vm_ids = {}
        members: dict[str, list[pulumi.Output[str]]] = {}
        for node in args.nodes:
            template = templates["oms" if node.role == "oms" else "node"]
            vm = self._vm(name, node, template, args, provider)
            self.vm_ids[node.slug] = vm.id
            members.setdefault(node.role, []).append(vm.id)

        if args.anti_affinity:
            for role in ipplan.SPREAD_ROLES:
                if len(members.get(role, [])) > 1:
                    vsphere.ComputeClusterVmAntiAffinityRule(
                        f"{name}-anti-affinity-{role}",
                        name=f"{args.vm_name_prefix}-{role}-anti-affinity",
                        compute_cluster_id=args.placement.cluster_id,
                        virtual_machine_ids=members[role],
                        mandatory=True,
                        opts=pulumi.ResourceOptions(parent=self, provider=provider),
                    )

        self.vip = pulumi.Output.from_input(str(args.vip))
        self.public_endpoint = pulumi.Output.from_input(f"https://{args.public_hostname}:5000/v3")
        self.oms_ip = pulumi.Output.from_input(next(str(n.address) for n in args.nodes if n.role == "oms"))
        self.node_ips = pulumi.Output.from_input(ipplan.by_role(args.nodes))
        self.ip_plan = pulumi.Output.from_input(
            [
                {"name": n.vm_name(args.vm_name_prefix), "role": n.role, "key": n.key, "ip": str(n.address)}
                for n in args.nodes
            ]
            + [{"name": f"{args.vm_name_prefix}-vip", "role": "vip", "key": "public", "ip": str(args.vip)}]
        )
        self.register_outputs(
            {
                "vip": self.vip,
                "publicEndpoint": self.public_endpoint,
                "omsIp": self.oms_ip,
                "nodeIps": self.node_ips,
                "ipPlan": self.ip_plan,
                "vmIds": self.vm_ids,
            }
        )

    def _vm(
        self,
        name: str,
        node: ipplan.Node,
        template: pulumi.Output[vsphere.GetVirtualMachineResult],
        args: ManagementPlaneArgs,
        provider: pulumi.ProviderResource,
    ) -> vsphere.VirtualMachine:
        size = args.sizes[node.role]
        hostname = node.vm_name(args.vm_name_prefix)
        guestinfo = {
            "guestinfo.vio.role": node.role,
            "guestinfo.vio.vip": str(args.vip),
            "guestinfo.vio.ntp": ",".join(args.ntp_servers),
            **args.extra_guestinfo,
        }
        extra: dict[str, pulumi.Input[str]] = dict(guestinfo)
        if node.role == "oms":
            for option, value in sorted(args.nsx_plugin.items()):
                extra[f"guestinfo.vio.nsxp.{option}"] = value
        if node.role == "compute-driver":
            extra["guestinfo.vio.compute_cluster_moref"] = args.compute_clusters[node.key]
            extra["guestinfo.vio.resource_vcenter"] = args.resource_vcenter
        stateful = args.protect_stateful and node.role in ipplan.STATEFUL_ROLES
        return vsphere.VirtualMachine(
            f"{name}-{node.slug}",
            name=hostname,
            resource_pool_id=args.placement.resource_pool_id,
            datastore_id=args.placement.datastore_id,
            folder=args.placement.folder_path,
            num_cpus=size.cpus,
            memory=size.memory_mb,
            guest_id=template.guest_id,
            scsi_type=template.scsi_type,
            firmware=template.firmware,
            network_interfaces=[
                vsphere.VirtualMachineNetworkInterfaceArgs(
                    network_id=args.placement.network_id,
                    adapter_type=template.network_interface_types[0],
                )
            ],
            disks=[
                vsphere.VirtualMachineDiskArgs(
                    label="disk0", size=size.disk_gb, thin_provisioned=False
                )
            ],
            extra_config=extra,
            clone=vsphere.VirtualMachineCloneArgs(
                template_uuid=template.id,
                customize=vsphere.VirtualMachineCloneCustomizeArgs(
                    linux_options=vsphere.VirtualMachineCloneCustomizeLinuxOptionsArgs(
                        host_name=hostname, domain=args.domain
                    ),
                    network_interfaces=[
                        vsphere.VirtualMachineCloneCustomizeNetworkInterfaceArgs(
                            ipv4_address=str(node.address),
                            ipv4_netmask=args.network.prefixlen,
                        )
                    ],
                    ipv4_gateway=str(args.gateway),
                    dns_server_lists=[str(d) for d in args.dns_servers],
                    dns_suffix_lists=[args.domain],
                ),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=provider,
                protect=stateful,
                ignore_changes=VM_IGNORE_CHANGES,
            ),
        )


def _check(args: ManagementPlaneArgs) -> None:
    """Early, readable failures for programmatic callers (the stack's config is validated already)."""
    roles = {n.role for n in args.nodes}
    missing = sorted(roles - set(args.sizes))
    if missing:
        raise ValueError(f"ManagementPlaneArgs.sizes: no size for role(s) {missing}")
    drivers = {n.key for n in args.nodes if n.role == "compute-driver"}
    unknown = sorted(drivers - set(args.compute_clusters))
    if unknown:
        raise ValueError(
            f"ManagementPlaneArgs.compute_clusters: no cluster ID for compute driver(s) {unknown}"
        )
    for node in args.nodes:
        if node.address not in args.network:
            raise ValueError(f"node {node.slug}: {node.address} is outside {args.network}")
    if sum(1 for n in args.nodes if n.role == "oms") != 1:
        raise ValueError("ManagementPlaneArgs.nodes: exactly one OMS node is required")
    slugs = [n.slug for n in args.nodes]
    if len(slugs) != len(set(slugs)):
        raise ValueError(f"ManagementPlaneArgs.nodes: duplicate node {sorted(slugs)}")
