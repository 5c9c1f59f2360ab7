"""One explicit provider per endpoint, built from validated settings and secret credentials.

The stack sets `pulumi:disable-default-providers: ["*"]`, so every resource and lookup must be handed one
of these; nothing ever falls back to ambient credentials or environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_nsxt as nsxt
import pulumi_openstack as openstack
import pulumi_vsphere as vsphere

from components.settings import Credentials, Settings, VcenterEndpoint


@dataclass(frozen=True)
class Providers:
    management_vsphere: vsphere.Provider
    resource_vsphere: vsphere.Provider
    nsx: pulumi.ProviderResource
    openstack: openstack.Provider


def keystone_url(settings: Settings) -> str:
    """VIO's public Keystone v3 endpoint: the public hostname that resolves to the plane's VIP."""
    return f"https://{settings.openstack.public_hostname}:5000/v3"


def _vsphere(name: str, endpoint: VcenterEndpoint, password: pulumi.Output[str]) -> vsphere.Provider:
    return vsphere.Provider(
        name,
        vsphere_server=endpoint.server if endpoint.port == 443 else f"{endpoint.server}:{endpoint.port}",
        user=endpoint.username,
        password=password,
        allow_unverified_ssl=endpoint.allow_unverified_ssl,
    )


def build(settings: Settings, credentials: Credentials) -> Providers:
    mgmt, res, nsx_cfg, os_cfg = (
        settings.management_vcenter,
        settings.resource_vcenter,
        settings.nsx,
        settings.openstack,
    )
    return Providers(
        management_vsphere=_vsphere("management-vcenter", mgmt, credentials.management_vcenter_password),
        resource_vsphere=_vsphere("resource-vcenter", res, credentials.resource_vcenter_password),
        nsx=nsxt.Provider(
            "nsx-manager",
            host=nsx_cfg.host,
            username=nsx_cfg.username,
            password=credentials.nsx_password,
            allow_unverified_ssl=nsx_cfg.allow_unverified_ssl,
        ),
        openstack=openstack.Provider(
            "vio-openstack",
            auth_url=keystone_url(settings),
            user_name=os_cfg.username,
            password=credentials.openstack_password,
            tenant_name=os_cfg.project_name,
            user_domain_name=os_cfg.user_domain,
            project_domain_name=os_cfg.project_domain,
            region=os_cfg.region,
            insecure=os_cfg.insecure,
        ),
    )
