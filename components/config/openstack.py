"""The OpenStack platform on VIO: its API endpoint, the external network on the Tier-0, flavors."""

from __future__ import annotations

from pydantic import Field

from components.config.types import Host, IpRange, IPv4Address, IPv4Network, Label, Name, Section


class OpenStack(Section):
    """VIO's OpenStack API as tenants and the bootstrap reach it (Keystone v3 on the public VIP)."""

    public_hostname: Host = Field(description="DNS name that resolves to the management plane VIP.")
    username: Name = Field(default="admin")
    project_name: Name = Field(default="admin")
    user_domain: Name = Field(default="Default")
    project_domain: Name = Field(default="Default")
    region: Name = Field(default="nova")
    insecure: bool = Field(default=False, description="Skip TLS verification of the VIO endpoint.")
    identity_domain_id: Name = Field(
        default="default",
        description="Keystone domain ID the tenants' users and groups are looked up in unless a role "
        "assignment names its own (`default` is the ID of the Default domain keystone-manage bootstrap creates).",
    )


class ExternalNetwork(Section):
    """The provider (external) network VIO backs with the Tier-0: router gateways and floating IPs."""

    name: Label = Field(default="ext-net", description="OpenStack name; tenants pick floating IPs by it.")
    cidr: IPv4Network = Field(description="Routable subnet on the Tier-0 side (floating IPs, router gateways).")
    gateway: IPv4Address = Field(description="Next hop of the external subnet (held by the Tier-0).")
    floating_pool: IpRange = Field(description="Addresses OpenStack hands out as floating IPs and gateways.")
    dns: list[IPv4Address] = Field(default_factory=list)


class Flavor(Section):
    """A Nova flavor for VNF workloads; extra specs are checked against `FLAVOR_EXTRA_SPECS`."""

    name: Label
    vcpus: int = Field(ge=1, le=128)
    ram_mb: int = Field(ge=512, le=6291456)
    disk_gb: int = Field(default=0, ge=0, le=65536, description="Root disk; 0 boots from the image's size.")
    public: bool = True
    extra_specs: dict[str, str | int | bool] = Field(default_factory=dict)

    def specs(self) -> dict[str, str]:
        """Extra specs as Nova stores them: strings, booleans lower-case."""
        return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in self.extra_specs.items()}
