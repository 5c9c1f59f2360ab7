"""One explicit provider per endpoint, built from validated settings and secret credentials.

The stack disables the default providers of vsphere, nsxt and openstack, so every resource and lookup of
those packages must be handed one of these; nothing falls back to ambient credentials or environment
variables. (The VIO Public API resources are dynamic resources, served by package `pulumi-python`'s
default provider: see `components/management_plane.py`.)

The OpenStack provider is built after the plane: its `auth_url` is the deployment's public endpoint, an
Output that resolves only once VIO reports the deployment running. So no OpenStack resource, platform or
tenant, can start before VIO's API exists (the readiness gate).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_nsxt as nsxt
import pulumi_openstack as openstack
import pulumi_vsphere as vsphere

from components.nsx_names import manager_address
from components.settings import Credentials, Settings, VcenterEndpoint


@dataclass(frozen=True)
class Providers:
    management_vsphere: vsphere.Provider
    resource_vsphere: vsphere.Provider
    nsx: pulumi.ProviderResource


def _vsphere(name: str, endpoint: VcenterEndpoint, password: pulumi.Output[str]) -> vsphere.Provider:
    return vsphere.Provider(
        name,
        vsphere_server=endpoint.server if endpoint.port == 443 else f"{endpoint.server}:{endpoint.port}",
        user=endpoint.username,
        password=password,
        allow_unverified_ssl=endpoint.allow_unverified_ssl,
    )


def build(settings: Settings, credentials: Credentials) -> Providers:
    """The infrastructure providers (both vCenters, NSX Manager)."""
    mgmt, res, nsx_cfg = settings.management_vcenter, settings.resource_vcenter, settings.nsx
    return Providers(
        management_vsphere=_vsphere("management-vcenter", mgmt, credentials.management_vcenter_password),
        resource_vsphere=_vsphere("resource-vcenter", res, credentials.resource_vcenter_password),
        nsx=nsxt.Provider(
            "nsx-manager",
            host=manager_address(settings),
            username=nsx_cfg.username,
            password=credentials.nsx_password,
            allow_unverified_ssl=nsx_cfg.allow_unverified_ssl,
        ),
    )


def openstack_provider(
    settings: Settings,
    credentials: Credentials,
    auth_url: pulumi.Input[str],
    depends_on: list[pulumi.Resource] | None = None,
) -> openstack.Provider:
    """VIO's OpenStack API. `auth_url` is the plane's `public_endpoint` (from the deployment's status);
    `depends_on` the plane, so the provider (and everything on it) waits for the deployment."""
    os_cfg = settings.openstack
    return openstack.Provider(
        "vio-openstack",
        auth_url=auth_url,
        user_name=os_cfg.username,
        password=credentials.openstack_password,
        tenant_name=os_cfg.project_name,
        user_domain_name=os_cfg.user_domain,
        project_domain_name=os_cfg.project_domain,
        region=os_cfg.region,
        insecure=os_cfg.insecure,
        opts=pulumi.ResourceOptions(depends_on=depends_on or []),
    )
