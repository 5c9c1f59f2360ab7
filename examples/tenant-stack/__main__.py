"""A tenant team's own stack: its networks on VIO, built from the platform stack's output contract alone.

The platform stack (vio-nfv) created the tenant's project, quotas and roles and exports the external
network and the API endpoint; this program reads them through a StackReference with
`contract.read_platform`, so a key the platform does not export fails here naming the key, and a platform
on another output-contract major fails saying which side to upgrade.

It depends on the `vio-nfv-components` library (requirements.txt) and never on the NSX-T SDK: nothing it
imports loads `pulumi_nsxt` (tests/test_packaging.py proves it in a venv holding only the wheel and its
declared dependencies).
"""

import pulumi
import pulumi_openstack as openstack

from components import contract
from components.settings import load_tenant_stack
from components.tenant_args import tenant_network
from components.tenant_network import TenantNetworkStack

settings, password = load_tenant_stack()
tenant, login = settings.tenant, settings.tenant_openstack

platform_ref = pulumi.StackReference(settings.platform_stack)
platform = contract.read_platform(
    platform_ref,
    settings.platform_stack,
    ["publicEndpoint", "externalNetworkId", "externalNetworkName", "routableAddressScopeId", "tenantProjectIds"],
)


def _project_of(ids: dict[str, str]) -> str:
    if tenant.name not in ids:
        raise contract.MissingOutputError(
            f"platform stack {settings.platform_stack!r} has no project for tenant {tenant.name!r} "
            f"(it has {sorted(ids)}); add it to the platform's vio-nfv:tenants with selfService: true"
        )
    return ids[tenant.name]


project_id = platform["tenantProjectIds"].apply(_project_of)

# The tenant's own credentials, scoped to its project: nothing here uses the platform's admin account.
provider = openstack.Provider(
    "tenant-openstack",
    auth_url=platform["publicEndpoint"],
    user_name=login.username,
    password=password,
    tenant_id=project_id,
    user_domain_name=login.user_domain,
    project_domain_name=login.project_domain,
    region=login.region,
    insecure=login.insecure,
)

# No project_id on the resources: Neutron puts them in the project the credentials are scoped to.
stack = TenantNetworkStack(
    tenant.name,
    tenant_network(
        tenant,
        external_network_id=platform["externalNetworkId"],
        external_network_name=platform["externalNetworkName"],
        address_scope_id=platform["routableAddressScopeId"],
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("networkIds", stack.network_ids)
pulumi.export("routerId", stack.router_id)
pulumi.export("floatingIps", stack.floating_ips)
pulumi.export("loadBalancerVips", stack.load_balancer_vips)
