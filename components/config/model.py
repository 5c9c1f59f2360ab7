"""The whole platform configuration and its top-level keys."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from components import ipplan
from components.config.nsx import Nsx
from components.config.openstack import ExternalNetwork, Flavor, OpenStack
from components.config.rules.secrets import CREDENTIAL_KEYS
from components.config.tenants import TenantOpenStack, TenantSpec, TenantStackSettings
from components.config.types import Label, Section
from components.config.vcenters import ManagementVcenter, ResourceVcenter
from components.config.vio import ApiAccessNetwork, ManagementNetwork, Vio


class Settings(Section):
    """Everything the platform stack needs, validated. Built by `load` or `parse`."""

    topology: Literal["ha", "compact"] = Field(default="ha", description='Management plane topology: ha (3-10 controllers behind VIPs) or compact (one controller).')
    pod_layout: Literal["two-pod", "three-pod"] = Field(default="two-pod", description='two-pod (collapsed Edge/Resource pod) or three-pod (edge nodes on their own cluster).')
    name_prefix: Label = Field(default="vio", description='Prefix of logical and VM names (a DNS label).')
    management_vcenter: ManagementVcenter = Field(description="The management pod's vCenter Server: the VIO Manager and the controllers it creates run here.")
    resource_vcenter: ResourceVcenter = Field(description="The Edge/Resource pod's vCenter Server, associated with NSX-T: tenant compute and storage.")
    nsx: Nsx = Field(description='NSX-T Manager: transport zones, edge cluster, the Tier-0 with its uplinks and BGP, DHCP, metadata proxy.')
    openstack: OpenStack = Field(description="VIO's OpenStack API as the bootstrap reaches it (Keystone v3 on the public VIP).")
    management_network: ManagementNetwork = Field(description="The dedicated management network: the Manager, the controllers' management interfaces, the private VIP.")
    api_access_network: ApiAccessNetwork = Field(description="The API access network, where tenants and the bootstrap reach OpenStack's public endpoints.")
    vio: Vio = Field(description='VIO itself: release, Manager, controllers, Public API access, deployment behaviour.')
    tenants: list[TenantSpec] = Field(default_factory=list, description='Tenant network stacks built by the platform (docs/configuration.md lists their keys).')
    external_network: ExternalNetwork | None = Field(default=None, description='The provider (external) network VIO backs with the Tier-0: router gateways and floating IPs.')
    flavors: list[Flavor] = Field(default_factory=list, description='NFV flavors; extra specs are allow-listed (docs/configuration.md).')

    @property
    def controllers(self) -> int:
        """The controller count: `vio.controllers`, or the topology's default (ha 3, compact 1)."""
        return ipplan.controller_count(self.topology, self.vio.controllers)

    def plan(self) -> ipplan.Plan:
        """The resolved IP plan (valid: `parse` checked every rule `make_plan` relies on)."""
        mgmt, api = self.management_network, self.api_access_network
        return ipplan.make_plan(
            self.topology,
            self.name_prefix,
            manager_ip=mgmt.manager_ip,
            private_vip=mgmt.private_vip,
            public_vip=api.public_vip,
            management_range=(mgmt.vio_range.start, mgmt.vio_range.end),
            api_range=(api.vio_range.start, api.vio_range.end),
            controllers=self.vio.controllers,
        )

    def metadata_proxy_server(self) -> str:
        """Where NSX's metadata proxy forwards: Nova's metadata API on the private VIP, port 8775 (Nova's
        metadata port, docs.openstack.org config-reference "nova_metadata_port = 8775")."""
        configured = self.nsx.metadata_proxy.server_address
        return configured or f"http://{self.management_network.private_vip}:8775"


# Top-level keys: (config key, attribute, type, required). Order is the order problems are reported in.
SECTIONS: tuple[tuple[str, str, Any, bool], ...] = (
    ("topology", "topology", Literal["ha", "compact"], False),
    ("podLayout", "pod_layout", Literal["two-pod", "three-pod"], False),
    ("namePrefix", "name_prefix", Label, False),
    ("managementVcenter", "management_vcenter", ManagementVcenter, True),
    ("resourceVcenter", "resource_vcenter", ResourceVcenter, True),
    ("nsx", "nsx", Nsx, True),
    ("openstack", "openstack", OpenStack, True),
    ("managementNetwork", "management_network", ManagementNetwork, True),
    ("apiAccessNetwork", "api_access_network", ApiAccessNetwork, True),
    ("vio", "vio", Vio, True),
    ("tenants", "tenants", list[TenantSpec], False),
    ("externalNetwork", "external_network", ExternalNetwork, False),
    ("flavors", "flavors", list[Flavor], False),
)
KNOWN_KEYS: frozenset[str] = frozenset(k for k, *_ in SECTIONS) | frozenset(CREDENTIAL_KEYS)


TENANT_STACK_CREDENTIAL_KEYS: tuple[str, ...] = ("tenantOpenstackPassword",)
TENANT_STACK_SECTIONS: tuple[tuple[str, str, Any, bool], ...] = (
    ("platformStack", "platform_stack", TenantStackSettings.model_fields["platform_stack"].annotation, True),
    ("tenant", "tenant", TenantSpec, True),
    ("tenantOpenstack", "tenant_openstack", TenantOpenStack, True),
)
