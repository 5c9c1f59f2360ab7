"""The VIO plane the way VIO 7 builds it: the Manager VM from VMware's OVA, then the Public API.

We deploy exactly one VM, the VIO Manager (OVA `ovf_deploy` with its OVF properties, or a clone of a
template made from it). Everything else is the Manager's job, driven through its Public API
(developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0): the two vCenter registrations, the NSX
backend (`nsxp`) and the OpenStack deployment (`POST /api/v2/clusters`), whose controllers the Manager
creates, sizes and places itself. So there are no controller, database, load-balancer or compute-driver
VMs here, and no DRS anti-affinity rules: VIO places its own controllers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Literal

import pulumi
import pulumi_vsphere as vsphere

from components import ipplan
from components.settings import (
    DEFAULT_OVF_PROPERTIES,
    DVS_MOID_HOW,
    DVS_MOID_PATTERN,
    HA_MIN_SERVICE_REPLICAS,
)
from components.vio_api import NsxBackend, OpenStackDeployment, VcenterRegistration, VioEndpoint
from components.vio_bodies import cluster_body
from components.vio_deployment import READY_WORDS, is_controller, word


@dataclass(frozen=True)
class PlacementArgs:
    """Where the Manager lands and what the deployment is told (outputs of `ManagementPod`).

    The `*_id`s place the Manager VM; the names (`datacenter`, `datastore`, `resource_pool`) are what the
    `cluster.management_cluster` structure takes (names, not managed object IDs)."""

    datacenter_id: pulumi.Input[str]
    datastore_id: pulumi.Input[str]
    resource_pool_id: pulumi.Input[str]
    folder_path: pulumi.Input[str]
    network_id: pulumi.Input[str]
    datacenter: pulumi.Input[str]
    datastore: pulumi.Input[str]
    resource_pool: pulumi.Input[str]


@dataclass(frozen=True)
class VioNetworkArgs:
    """One of VIO's two networks as `cluster.networks[]` takes it (`type` management or api)."""

    port_group: pulumi.Input[str]
    cidr: IPv4Network
    gateway: IPv4Address
    dns: Sequence[IPv4Address]
    vio_range: ipplan.Range


@dataclass(frozen=True)
class ManagerArgs:
    """The Manager VM. `source` `ova`: `ova` is the OVA's URL (http/https) or local path; `template`: the
    template's name. `ovf_properties` maps what we set (address, netmask, gateway, dns, domain,
    searchPath, ntp, password, and hostname when the OVA has such a property) to the OVA's property
    keys; `ovf_network` is the OVA's network mapped to the management port group. `admin_password` is a
    secret."""

    source: Literal["ova", "template"]
    admin_password: pulumi.Input[str]
    ovf_properties: Mapping[str, str]
    ova: str | None = None
    template: str | None = None
    cpus: int = 4
    memory_mb: int = 16384
    disks_gb: Sequence[int] = (40, 30)
    allow_unverified_ova_url: bool = False
    ovf_network: str = "VIO Management Server Network"


@dataclass(frozen=True)
class VcenterArgs:
    """A vCenter as the Manager registers it (`vcenter`). `password` plaintext secret: the provider
    base64-encodes it, as the API requires."""

    server: str
    username: str
    password: pulumi.Input[str]
    insecure: bool = False


@dataclass(frozen=True)
class ComputeClusterArgs:
    """A compute cluster of the deployment (`openstack_info.compute.compute_clusters[]`, data structure
    `compute_cluster`: `cluster_name`, `vcenter_name`, `datastore_regex`, `availability_zone_name` Required).

    `dvs_moid`: Optional in the API, "the option dvs moid used for enhanced network SRIOV": the managed
    object id (`dvs-NN`, DVS_MOID_PATTERN) of the cluster's distributed switch, only for enhanced
    networking/SR-IOV; None (the default) leaves the key out of the body.
    `wait_for`: not sent; the cluster's entry waits for it (the platform passes the cluster's id from
    `EdgeResourcePod.compute_cluster_ids`, which resolves once its tenant pool exists).
    """

    dvs_moid: pulumi.Input[str] | None = None
    availability_zone: str = "nova"
    datastore_regex: str = ".*"
    wait_for: pulumi.Input[Any] | None = None


@dataclass(frozen=True)
class NsxBackendArgs:
    """The `nsx_backend` structure: ids/names from the NSX side (not policy paths). Passwords plaintext
    secrets: the provider base64-encodes them.

    `overlay_tz`, `vlan_tz`, `tier0`, `dhcp_profile`, `metadata_proxy` are plain values: the fixed NSX ids
    (or display names) the NSX objects are created under, never outputs of those resources. Pulumi
    replaces a dependent whose replace-on-change input takes a replaced resource's output
    (pulumi/pulumi pkg/resource/deploy/step_generator.go calculateDependentReplacements: property
    dependencies are made unknown and the provider's Diff decides), so an output here would make a Tier-0
    replacement (haMode) replace the registration and the deployment. The NsxBackend resource checks at
    create and update that they exist (the Manager's NSX validation read).
    `ready`: not sent; the registration waits for it (the NSX objects' ids resolve once they exist). Its
    input is bookkeeping the providers never diff, so waiting on it never replaces anything.
    """

    managers: str
    username: str
    password: pulumi.Input[str]
    insecure: bool
    overlay_tz: str
    vlan_tz: str
    tier0: str
    dhcp_profile: str
    metadata_proxy: str
    metadata_proxy_secret: pulumi.Input[str]
    ready: pulumi.Input[Any] | None = None


@dataclass(frozen=True)
class ApiArgs:
    """How the provider reaches the Manager's Public API (host: the Manager's planned address).
    `boot_timeout`: how long the first call waits for the new Manager's API (its first boot runs for
    minutes after the VM reports an address)."""

    username: str = "admin"
    port: int = 443
    insecure: bool = False
    ca_bundle: str | None = None
    timeout: float = 30.0
    boot_timeout: float = 1800.0


@dataclass(frozen=True)
class ManagementPlaneArgs:
    """The Manager and the OpenStack deployment it builds.

    `plan` is `ipplan.make_plan`'s result (Manager address, VIPs, VIO ranges, controllers). In `ha` the
    deployment is `ha_enabled` with `plan.controllers` (3-10) controllers and every service must keep at
    least `min_ready_replicas` (2) ready replicas; `compact` is one controller without HA.
    `compute_clusters` is keyed by cluster name: adding or removing one is VIO's day-2 procedure on the
    running deployment (components/vio_day2.py), never a replacement. `controllers` (plan.controllers) is
    fixed at create; `service_replicas` (`{"nova": 3}`) scales services in place. `rebuild_intended` lets
    a preview replace the deployment or a registration (policy `vio-rebuild-intended`).
    """

    plan: ipplan.Plan
    deployment_name: str
    public_hostname: str
    management_network: VioNetworkArgs
    api_network: VioNetworkArgs
    ntp_servers: Sequence[str]
    domain: str
    manager: ManagerArgs
    placement: PlacementArgs
    management_vcenter: VcenterArgs
    resource_vcenter: VcenterArgs
    compute_clusters: Mapping[str, ComputeClusterArgs]
    default_availability_zone: str
    nsx: NsxBackendArgs
    openstack_admin_user: str
    openstack_admin_password: pulumi.Input[str]
    openstack_admin_domain: str = "Default"
    api: ApiArgs = field(default_factory=ApiArgs)
    deploy_timeout: float = 7200.0
    poll_interval: float = 10.0
    delete_on_destroy: bool = False
    protect: bool = True
    service_replicas: Mapping[str, int] = field(default_factory=dict)
    rebuild_intended: bool = False


#: Fields vCenter rewrites after deploy, or that change when the OVA/template is rebuilt: diffing them
#: would replace (rebuild) the running Manager on every `up`. `ovf_deploy`/`clone` are only read at create
#: (pulumi-facts: "Rebuilding the template changes clone.template_uuid and forces replacement"); vApp
#: properties are consumed at first boot and the guest may rewrite them.
VM_IGNORE_CHANGES = ["clone", "ovf_deploy", "vapp", "ept_rvi_mode", "hv_mode", "guest_id"]

#: Every service keeps this many ready replicas in `ha` (no single point of failure).
HA_MIN_READY_REPLICAS = HA_MIN_SERVICE_REPLICAS


class ManagementPlane(pulumi.ComponentResource):
    """The Manager VM, its vCenter registrations, the NSX backend and the OpenStack deployment.

    Children: `{name}-manager` (VM, management vCenter's provider), `{name}-vcenter-management`,
    `{name}-vcenter-resource`, `{name}-nsx`, `{name}-deployment` (dynamic resources: the Public API).
    Outputs: `endpoints`, `nodes` (by role, from the status) and `services` of the deployment, and
    `public_endpoint`, the Keystone URL built from the deployment's reported endpoints: it resolves only
    once the deployment is running, which is the readiness gate for every OpenStack resource.
    """

    manager_ip: pulumi.Output[str]
    private_vip: pulumi.Output[str]
    public_vip: pulumi.Output[str]
    public_endpoint: pulumi.Output[str]
    endpoints: pulumi.Output[dict[str, Any]]
    nodes: pulumi.Output[dict[str, list[str]]]
    services: pulumi.Output[list[dict[str, Any]]]
    status: pulumi.Output[str]
    ip_plan: pulumi.Output[list[dict[str, str]]]
    manager_vm_id: pulumi.Output[str]
    deployment: OpenStackDeployment

    def __init__(
        self, name: str, args: ManagementPlaneArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vionfv:management_plane:ManagementPlane", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"ManagementPlane {name!r}: pass the management vCenter's provider in opts")
        _check(args)
        plan = args.plan

        manager = self._manager(name, args, provider)
        self.manager_vm_id = manager.id

        endpoint = VioEndpoint(
            host=str(plan.manager_ip),
            username=args.api.username,
            password=pulumi.Output.secret(args.manager.admin_password),
            port=args.api.port,
            insecure=args.api.insecure,
            ca_bundle=args.api.ca_bundle,
            timeout=args.api.timeout,
            boot_timeout=args.api.boot_timeout,
        )
        # Dynamic resources are served by the `pulumi-python` package's default provider: no explicit
        # provider exists for them (pulumi-facts.md, "Dynamic providers"), and the vSphere provider this
        # component got is not inherited (children inherit a parent's provider only for its own package).
        def api_opts(*depends_on: pulumi.Resource, protect: bool = False) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(
                parent=self, depends_on=list(depends_on), protect=protect,
                additional_secret_outputs=["body"],
            )

        registrations = {
            role: VcenterRegistration(
                f"{name}-vcenter-{role}",
                endpoint=endpoint,
                body={
                    # Data structure `vcenter`: hostname, insecure, is_management required; name optional.
                    "name": vc.server,
                    "hostname": vc.server,
                    "username": vc.username,
                    "password": pulumi.Output.secret(vc.password),
                    "insecure": vc.insecure,
                    "is_management": role == "management",
                },
                rebuild_intended=args.rebuild_intended,
                opts=api_opts(manager),
            )
            for role, vc in (("management", args.management_vcenter), ("resource", args.resource_vcenter))
        }

        nsx = args.nsx
        # Data structure `nsx_backend` (shared by nsxt and nsxp): every field below is documented Required
        # except native_dhcp_metadata; ids as the Manager's NSX validation lists them, not policy paths.
        # The deployment embeds the same structure (`neutron.nsx`); NsxBackend registers the NSX Manager
        # from it and checks every id it names against the Manager's validation read.
        nsx_body: dict[str, Any] = {
            "nsx_api_managers": nsx.managers,
            "nsx_api_user": nsx.username,
            "nsx_api_password": pulumi.Output.secret(nsx.password),
            "insecure": nsx.insecure,
            "default_overlay_tz": nsx.overlay_tz,
            "default_vlan_tz": nsx.vlan_tz,
            "default_tier0_router": nsx.tier0,
            "dhcp_profile": nsx.dhcp_profile,
            "metadata_proxy": nsx.metadata_proxy,
            "metadata_proxy_shared_secret": pulumi.Output.secret(nsx.metadata_proxy_secret),
            "native_dhcp_metadata": True,
        }
        backend = NsxBackend(f"{name}-nsx", endpoint=endpoint, body=nsx_body, waits_for=nsx.ready,
                             rebuild_intended=args.rebuild_intended, opts=api_opts(manager))

        ha = plan.topology == "ha"
        self.deployment = OpenStackDeployment(
            f"{name}-deployment",
            endpoint=endpoint,
            body=cluster_body(args, ha, nsx_body),
            controllers=plan.controllers,
            replicas=dict(args.service_replicas),
            rebuild_intended=args.rebuild_intended,
            min_ready_replicas=HA_MIN_READY_REPLICAS if ha else 1,
            deploy_timeout=args.deploy_timeout,
            poll_interval=args.poll_interval,
            delete_on_destroy=args.delete_on_destroy,
            # Registrations first: the Manager validates the cluster body against them.
            opts=api_opts(*registrations.values(), backend, protect=args.protect),
        )

        self.manager_ip = pulumi.Output.from_input(str(plan.manager_ip))
        self.private_vip = pulumi.Output.from_input(str(plan.private_vip))
        self.public_vip = pulumi.Output.from_input(str(plan.public_vip))
        self.status = self.deployment.status
        self.endpoints = self.deployment.endpoints
        self.services = self.deployment.services
        # Roles as VIO reports them (free text): every controller synonym is filed under `controller`.
        self.nodes = self.deployment.nodes.apply(
            lambda nodes: ipplan.by_role(plan, [{**n, "role": "controller"} if is_controller(n) else n for n in nodes or []])
        )
        self.public_endpoint = pulumi.Output.all(self.deployment.status, self.deployment.endpoints).apply(
            lambda se: keystone_url(se[0], se[1], name)
        )
        self.ip_plan = pulumi.Output.from_input(plan.entries())
        self.register_outputs(
            {
                "managerIp": self.manager_ip,
                "privateVip": self.private_vip,
                "publicVip": self.public_vip,
                "publicEndpoint": self.public_endpoint,
                "endpoints": self.endpoints,
                "nodes": self.nodes,
                "services": self.services,
                "status": self.status,
                "ipPlan": self.ip_plan,
                "managerVmId": self.manager_vm_id,
            }
        )

    def _manager(
        self, name: str, args: ManagementPlaneArgs, provider: pulumi.ProviderResource
    ) -> vsphere.VirtualMachine:
        m, net, plan = args.manager, args.management_network, args.plan
        keys = m.ovf_properties
        properties: dict[str, pulumi.Input[str]] = {
            keys["address"]: str(plan.manager_ip),
            keys["netmask"]: str(net.cidr.netmask),
            keys["gateway"]: str(net.gateway),
            keys["dns"]: ",".join(str(d) for d in net.dns),
            keys["domain"]: args.domain,
            keys["searchPath"]: args.domain,
            keys["ntp"]: ",".join(args.ntp_servers),
            keys["password"]: pulumi.Output.secret(m.admin_password),
        }
        if "hostname" in keys:
            properties[keys["hostname"]] = f"{plan.manager_name}.{args.domain}"
        source: dict[str, Any] = {}
        if m.source == "ova":
            assert m.ova is not None
            remote = m.ova.startswith(("http://", "https://"))
            # terraform-provider-vsphere docs/resources/virtual_machine.md, "Deploying Virtual Machines from
            # OVF/OVA": remote_ovf_url or local_ovf_path, ovf_network_map (OVF network name -> network id),
            # vApp properties overwrite the OVA's own; `datacenter_id` is "Required only when deploying an
            # OVF/OVA template"; no disk blocks: the OVA brings its disks (40 + 30 GB for the VIO Manager).
            source["ovf_deploy"] = vsphere.VirtualMachineOvfDeployArgs(
                remote_ovf_url=m.ova if remote else None,
                local_ovf_path=None if remote else m.ova,
                allow_unverified_ssl_cert=m.allow_unverified_ova_url if remote else None,
                disk_provisioning="thin",
                ip_protocol="IPV4",
                ip_allocation_policy="STATIC_MANUAL",
                ovf_network_map={m.ovf_network: args.placement.network_id},
            )
            source["datacenter_id"] = args.placement.datacenter_id
        else:
            assert m.template is not None
            template = vsphere.get_virtual_machine_output(
                name=m.template,
                datacenter_id=args.placement.datacenter_id,
                opts=pulumi.InvokeOutputOptions(provider=provider, parent=self),
            )
            # A clone of a template made from the OVA keeps its vApp properties: set them like an OVA
            # deploy (guest customization would fight the appliance's own network setup).
            source["clone"] = vsphere.VirtualMachineCloneArgs(template_uuid=template.id)
            source["guest_id"] = template.guest_id
            # A clone declares its disks (at least the template's sizes): the Manager's 40 + 30 GB.
            source["disks"] = [
                vsphere.VirtualMachineDiskArgs(label=f"disk{i}", size=size, unit_number=i, thin_provisioned=True)
                for i, size in enumerate(m.disks_gb)
            ]
        return vsphere.VirtualMachine(
            f"{name}-manager",
            name=plan.manager_name,
            resource_pool_id=args.placement.resource_pool_id,
            datastore_id=args.placement.datastore_id,
            folder=args.placement.folder_path,
            num_cpus=m.cpus,
            memory=m.memory_mb,
            network_interfaces=[vsphere.VirtualMachineNetworkInterfaceArgs(network_id=args.placement.network_id)],
            vapp=vsphere.VirtualMachineVappArgs(properties=properties),
            # The appliance reports its address through VMware Tools once its own network is up.
            wait_for_guest_net_timeout=15,
            **source,
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=provider,
                protect=args.protect,
                ignore_changes=VM_IGNORE_CHANGES,
            ),
        )


def keystone_url(status: str | None, endpoints: Mapping[str, Any] | None, name: str = "deployment") -> str:
    """Keystone v3 on the deployment's public hostname, from the status VIO reports. Fails while the
    deployment is not `running`, so nothing built on the URL can start early."""
    # The status word is free text in the reference (data-structures/cluster_status): compared as the
    # provider's readiness does (case-insensitive, with synonyms).
    if word(status) not in READY_WORDS or not endpoints or not endpoints.get("hostname"):
        raise pulumi.RunError(
            f"{name}: the OpenStack deployment reports status {status!r}, endpoints {endpoints!r}; "
            "OpenStack resources wait for status 'running' (or a synonym) with a public hostname"
        )
    return f"https://{endpoints['hostname']}:5000/v3"


def _check(args: ManagementPlaneArgs) -> None:
    """Early, readable failures for programmatic callers (the stack's config is validated already)."""
    plan = args.plan
    for label, net, addresses in (
        ("management_network", args.management_network, {"manager": plan.manager_ip, "private VIP": plan.private_vip}),
        ("api_network", args.api_network, {"public VIP": plan.public_vip}),
    ):
        for what, ip in {**addresses, "range start": net.vio_range.start, "range end": net.vio_range.end}.items():
            if ip not in net.cidr:
                raise ValueError(f"ManagementPlaneArgs.{label}: {what} {ip} is outside {net.cidr}")
    m = args.manager
    if (m.source == "ova") != (m.ova is not None) or (m.source == "template") != (m.template is not None):
        raise ValueError(
            f"ManagementPlaneArgs.manager: source {m.source!r} needs exactly "
            f"{'ova' if m.source == 'ova' else 'template'} (ova={m.ova!r}, template={m.template!r})"
        )
    missing = sorted(set(DEFAULT_OVF_PROPERTIES) - set(m.ovf_properties))
    if missing:
        raise ValueError(f"ManagementPlaneArgs.manager.ovf_properties: no property key for {missing}")
    if not args.compute_clusters:
        raise ValueError("ManagementPlaneArgs.compute_clusters: at least one compute cluster is required")
    for cluster, cc in args.compute_clusters.items():
        if isinstance(cc.dvs_moid, str) and not re.fullmatch(DVS_MOID_PATTERN, cc.dvs_moid):
            raise ValueError(
                f"ManagementPlaneArgs.compute_clusters[{cluster!r}].dvs_moid: {cc.dvs_moid!r} is not a distributed "
                f"switch managed object id (dvs-NN); {DVS_MOID_HOW}, or leave it None without enhanced networking"
            )
