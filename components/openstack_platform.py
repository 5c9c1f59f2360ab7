"""OpenStack bootstrap on VIO: the Tier-0 backed external network, NFV flavors, tenant projects.

Everything here talks to VIO's OpenStack API (Keystone v3 on the plane's VIP) with admin credentials, so
the component must be created after the plane exists (`depends_on` the ManagementPlane in __main__.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

import pulumi
import pulumi_openstack as openstack

from components import vio_enforcement

#: VIO's NSX-T (policy) plugin accepts exactly one provider network type for an external network backed
#: by a Tier-0: `l3_ext`, with the Tier-0's NSX id as the physical network (the plugin falls back to its
#: default Tier-0 when the physical network is omitted and refuses an id NSX does not know). Source: the
#: plugin VIO ships, openstack/vmware-nsx, `vmware_nsx/plugins/common_v3/plugin.py`
#: `_validate_external_net_create` ("Network type (always L3_EXT)", physical_network = "tier 0 router
#: id") and `vmware_nsx/plugins/nsx_p/plugin.py` `_tier0_validator` (looks the id up with
#: `nsxpolicy.tier0.get`). No VIO product document stating the CLI form was found in the reference
#: corpus; the constant is spelt `l3_ext` (underscore) in the plugin, which is what the API compares.
EXTERNAL_NETWORK_TYPE = "l3_ext"


def external_provider_attributes(tier0_id: pulumi.Input[str]) -> pulumi.Output[dict[str, str]]:
    """The external network's provider attributes, sent in the network's request body.

    The Policy plugin implements the single-segment `provider` extension (`pnet_apidef.ALIAS` in
    `supported_extension_aliases`, vmware_nsx/plugins/nsx_p/plugin.py) but not `multi-provider`, so the
    network's `segments` argument (a multi-provider list) is not the way to pass them. pulumi-openstack
    5.5.x networking.Network `value_specs` ("Map of additional options", merged into the create request by
    terraform-provider-openstack v3.4.0 openstack_networking_network_v2) carries the two keys as the
    Neutron API spells them. A change of value_specs replaces the network (ForceNew in v3.4.0).
    """
    return pulumi.Output.from_input(tier0_id).apply(
        lambda tier0: {"provider:network_type": EXTERNAL_NETWORK_TYPE, "provider:physical_network": tier0}
    )


@dataclass(frozen=True)
class ExternalNetworkArgs:
    """The external network: `floating_pool` is the (start, end) OpenStack allocates FIPs/gateways from."""

    name: str
    cidr: IPv4Network
    gateway: IPv4Address
    floating_pool: tuple[IPv4Address, IPv4Address]
    dns: Sequence[IPv4Address] = ()


@dataclass(frozen=True)
class FlavorArgs:
    """A Nova flavor; `extra_specs` are already validated against settings.FLAVOR_EXTRA_SPECS."""

    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int = 0
    public: bool = True
    extra_specs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleAssignmentArgs:
    """A role on the project for the user or group named `user`/`group` in Keystone domain `domain_id`.

    `admin` needs `cloud_admin`: on a project it is still cloud-wide administration under the default
    policies (components/vio_enforcement.py `role_problem`); the grant is then named `...-admin-cloud-wide`
    so that the policy pack can tell it was meant.
    """

    role: str
    user: str | None = None
    group: str | None = None
    domain_id: str = "default"
    cloud_admin: bool = False


@dataclass(frozen=True)
class ProjectArgs:
    """A tenant's Keystone project with its Nova and Neutron quotas (-1 = unlimited) and role grants."""

    name: str
    description: str = ""
    compute_quota: Mapping[str, int] = field(default_factory=dict)  # instances, cores, ram (MB)
    network_quota: Mapping[str, int] = field(default_factory=dict)  # QuotaV2 argument names
    role_assignments: Sequence[RoleAssignmentArgs] = ()


@dataclass(frozen=True)
class OpenStackPlatformArgs:
    """What the platform bootstraps in VIO.

    `tier0_id` is the NSX id of the Tier-0 gateway the external network attaches to. Give the fixed id
    as a plain value and order the component after the gateway (depends_on): an input wired to the
    gateway's output would replace the external network whenever the gateway is replaced delete-first.
    `routable_scope` creates a shared IPv4 address scope holding the external subnet: tenants whose
    subnets come from a pool in the same scope sit behind no-SNAT routers (the plugin requires the
    interface subnet in the gateway network's scope) and are advertised by the Tier-1 without NAT.
    """

    tier0_id: pulumi.Input[str]
    external: ExternalNetworkArgs | None
    flavors: Sequence[FlavorArgs] = ()
    projects: Sequence[ProjectArgs] = ()
    routable_scope: bool = True


class OpenStackPlatform(pulumi.ComponentResource):
    """Children: `{name}-ext-net`, `{name}-ext-subnet`, `{name}-routable-scope`, `{name}-ext-pool`,
    `{name}-flavor-{flavor}`, `{name}-project-{tenant}`, `{name}-quota-compute-{tenant}`,
    `{name}-quota-network-{tenant}`, `{name}-role-{tenant}-{user|group}-{principal}-{role}` (with
    `-cloud-wide` appended to an `admin` grant made on purpose)."""

    external_network_id: pulumi.Output[str | None]
    external_network_name: pulumi.Output[str | None]
    external_subnet_id: pulumi.Output[str | None]
    address_scope_id: pulumi.Output[str | None]
    project_ids: dict[str, pulumi.Output[str]]
    flavor_ids: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: OpenStackPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vionfv:openstack_platform:OpenStackPlatform", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"OpenStackPlatform {name!r}: pass VIO's OpenStack provider in opts")
        # Children and lookups do not inherit the component's depends_on; the engine would otherwise
        # call VIO's API before the plane that serves it exists.
        after = (opts.depends_on if opts else None) or []
        child = pulumi.ResourceOptions(parent=self, provider=provider, depends_on=after)
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.external_network_id = self.external_network_name = self.external_subnet_id = none
        self.address_scope_id = none
        if args.external is not None:
            self._external(name, args, child)

        self.flavor_ids = {
            f.name: openstack.compute.Flavor(
                f"{name}-flavor-{f.name}",
                name=f.name,
                vcpus=f.vcpus,
                ram=f.ram_mb,
                disk=f.disk_gb,
                is_public=f.public,
                extra_specs=dict(f.extra_specs),
                opts=child,
            ).id
            for f in args.flavors
        }

        invoke = pulumi.InvokeOutputOptions(provider=provider, parent=self, depends_on=after)
        roles = {
            role: openstack.identity.get_role_output(name=role, opts=invoke)
            for role in sorted({ra.role for p in args.projects for ra in p.role_assignments})
        }
        self.project_ids = {p.name: self._project(name, p, roles, invoke, child) for p in args.projects}

        self.register_outputs(
            {
                "externalNetworkId": self.external_network_id,
                "externalNetworkName": self.external_network_name,
                "externalSubnetId": self.external_subnet_id,
                "addressScopeId": self.address_scope_id,
                "projectIds": self.project_ids,
                "flavorIds": self.flavor_ids,
            }
        )

    def _external(self, name: str, args: OpenStackPlatformArgs, child: pulumi.ResourceOptions) -> None:
        ext = args.external
        assert ext is not None
        network = openstack.networking.Network(
            f"{name}-ext-net",
            name=ext.name,
            external=True,
            value_specs=external_provider_attributes(args.tier0_id),
            description="External network backed by the NSX-T Tier-0 (vio-nfv)",
            opts=child,
        )
        pool_id: pulumi.Input[str] | None = None
        if args.routable_scope:
            scope = openstack.networking.AddressScope(
                f"{name}-routable-scope", name=f"{ext.name}-routable", ip_version=4, shared=True, opts=child
            )
            self.address_scope_id = scope.id
            # VIO's plugin accepts a no-SNAT router interface only on a subnet in the gateway network's
            # address scope (openstack/vmware-nsx vmware_nsx/plugins/common_v3/plugin.py
            # `_validate_interface_address_scope`): the external subnet is drawn from a pool in this scope,
            # and the tenants' noNat subnets from their own pools in it.
            pool_id = openstack.networking.SubnetPool(
                f"{name}-ext-pool",
                name=f"{ext.name}-pool",
                prefixes=[str(ext.cidr)],
                address_scope_id=scope.id,
                opts=child,
            ).id
        subnet = openstack.networking.Subnet(
            f"{name}-ext-subnet",
            name=f"{ext.name}-subnet",
            network_id=network.id,
            cidr=str(ext.cidr),
            gateway_ip=str(ext.gateway),
            # No DHCP on the Tier-0 side: the pool only hands out router gateways and floating IPs.
            enable_dhcp=False,
            allocation_pools=[
                openstack.networking.SubnetAllocationPoolArgs(
                    start=str(ext.floating_pool[0]), end=str(ext.floating_pool[1])
                )
            ],
            dns_nameservers=[str(d) for d in ext.dns],
            subnetpool_id=pool_id,
            opts=child,
        )
        self.external_network_id = network.id
        self.external_network_name = network.name
        self.external_subnet_id = subnet.id

    def _project(
        self,
        name: str,
        project: ProjectArgs,
        roles: Mapping[str, pulumi.Output[openstack.identity.GetRoleResult]],
        invoke: pulumi.InvokeOutputOptions,
        child: pulumi.ResourceOptions,
    ) -> pulumi.Output[str]:
        key = project.name
        created = openstack.identity.Project(
            f"{name}-project-{key}", name=key, description=project.description, opts=child
        )
        if project.compute_quota:
            q = project.compute_quota
            openstack.compute.QuotaSetV2(
                f"{name}-quota-compute-{key}",
                project_id=created.id,
                instances=q.get("instances"),
                cores=q.get("cores"),
                ram=q.get("ram"),
                opts=child,
            )
        if project.network_quota:
            n = project.network_quota
            openstack.networking.QuotaV2(
                f"{name}-quota-network-{key}",
                project_id=created.id,
                network=n.get("network"),
                subnet=n.get("subnet"),
                port=n.get("port"),
                router=n.get("router"),
                floatingip=n.get("floatingip"),
                security_group=n.get("security_group"),
                security_group_rule=n.get("security_group_rule"),
                opts=child,
            )
        for ra in project.role_assignments:
            kind, principal = ("user", ra.user) if ra.user is not None else ("group", ra.group)
            assert principal is not None
            refused = vio_enforcement.role_problem(ra.role, ra.cloud_admin, "VIO", vio_enforcement.release(None)[1])
            if refused:
                raise ValueError(f"OpenStackPlatform {name!r}: {kind} {principal!r} on project {key!r}: {refused}")
            # A name alone is ambiguous across domains (the lookup fails when two domains hold it) and an
            # LDAP-backed domain's users are only found in it: pulumi-openstack 5.5.x identity.get_user /
            # get_group `domain_id` ("The domain this user belongs to").
            if kind == "user":
                principal_id = openstack.identity.get_user_output(name=principal, domain_id=ra.domain_id, opts=invoke).id
            else:
                principal_id = openstack.identity.get_group_output(name=principal, domain_id=ra.domain_id, opts=invoke).id
            grant = f"{name}-role-{key}-{kind}-{principal}-{ra.role}"
            openstack.identity.RoleAssignment(
                f"{grant}-cloud-wide" if ra.cloud_admin else grant,
                project_id=created.id,
                role_id=roles[ra.role].id,
                **{f"{kind}_id": principal_id},
                # Marking an existing grant as meant keeps it (a rename, not a revoke and re-grant).
                opts=pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=grant)] if ra.cloud_admin else None)
                ),
            )
        return created.id
