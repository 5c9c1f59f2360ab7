"""A tenant: project, quotas, roles, and the networks, router, NAT, firewalling and load balancers it gets.

Also the config of a tenant's own stack (examples/tenant-stack)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.config.types import (
    IpRange,
    IPv4Address,
    IPv4Network,
    Label,
    Name,
    Port,
    Ports,
    Quota,
    Section,
)


class ComputeQuota(Section):
    """Nova quotas of the tenant's project."""

    instances: Quota = 10
    cores: Quota = 20
    ram_mb: Quota = 51200


class NetworkQuota(Section):
    """Neutron quotas of the tenant's project."""

    networks: Quota = 10
    subnets: Quota = 10
    ports: Quota = 50
    routers: Quota = 1
    floating_ips: Quota = 10
    security_groups: Quota = 10
    security_group_rules: Quota = 100


class TenantQuotas(Section):
    """The project's quotas, compute (Nova) and network (Neutron)."""

    compute: ComputeQuota = Field(default_factory=ComputeQuota)
    network: NetworkQuota = Field(default_factory=NetworkQuota)


class RoleAssignment(Section):
    """A Keystone role on the tenant's project for an existing user or group (exactly one of them).

    `admin` is refused unless `cloudAdmin: true` says the principal administers the whole cloud on
    purpose (components/vio_enforcement.py `role_problem`)."""

    role: Name
    user: Name | None = None
    group: Name | None = None
    domain_id: Name | None = Field(
        default=None, description="Keystone domain ID of the user/group; default openstack.identityDomainId."
    )
    cloud_admin: bool = Field(
        default=False, description="The role is `admin` and grants administration of every project on purpose."
    )


class TenantNetworkSpec(Section):
    """An East-West overlay network and its subnet."""

    name: Label
    cidr: IPv4Network
    gateway: IPv4Address | None = Field(default=None, description="Default: the first host address.")
    dhcp: bool = True
    dns: list[IPv4Address] = Field(
        default_factory=list, description="Resolvers in the order instances try them (the order is kept)."
    )
    allocation_pools: list[IpRange] = Field(
        default_factory=list, description="DHCP/auto-assigned ranges; default: the whole subnet but the gateway."
    )
    routed: bool = Field(default=True, description="Attach the subnet to the tenant router.")
    no_nat: bool = Field(
        default=False,
        description="Reachable from the WAN without NAT: the subnet is drawn from the platform's routable "
        "address scope (a tenant subnet pool in it), behind a router with `snat: false`; VIO's Tier-1 "
        "advertises it and the Tier-0 redistributes it into BGP.",
    )

    def gateway_ip(self) -> IPv4Address:
        return self.gateway or next(self.cidr.hosts())


class StaticRoute(Section):
    """An extra route on the tenant router: a destination reached through a next hop on a routed network."""

    name: Label
    destination: IPv4Network
    next_hop: IPv4Address


class TenantRouter(Section):
    """The tenant's router: North-South through the external network, with or without SNAT.

    `snat: false` is a no-SNAT router: every network attached to it must be `noNat: true`.
    """

    external_gateway: bool = True
    snat: bool = True
    routes: list[StaticRoute] = Field(default_factory=list)


class FloatingIpSpec(Section):
    """A floating IP: a 1:1 DNAT of every port to one fixed address (VIO's NSX-T plugin has no port
    forwarding). The platform creates a port on `network` holding `address`; the VNF boots on that port."""

    name: Label
    network: Label = Field(description="The routed network the target port is on.")
    address: IPv4Address = Field(description="The port's fixed IP the floating IP translates to.")


class SecurityRule(Section):
    """A security group rule. Ingress needs an explicit remote: nothing is open to the world by default."""

    name: Label
    direction: Literal["ingress", "egress"]
    protocol: Literal["tcp", "udp", "sctp", "icmp", "any"]
    ports: Ports = Field(default=None, description="tcp and udp only: VIO cannot limit other protocols by port.")
    icmp_type: int | None = Field(default=None, ge=0, le=255, description="icmp only: the ICMP type (8: echo).")
    icmp_code: int | None = Field(default=None, ge=0, le=255, description="icmp only, with icmpType: the code.")
    remote_cidr: IPv4Network | None = None
    remote_group: Label | None = None


class SecurityGroupSpec(Section):
    """A security group. With egress rules it allows only those outbound (Neutron's default allow-all
    egress rules are deleted); without, it keeps them (every destination)."""

    name: Label
    description: str = ""
    rules: list[SecurityRule] = Field(default_factory=list)


class FirewallRuleSpec(Section):
    """An FWaaS v2 rule, matched in order on the router's interfaces."""

    name: Label
    action: Literal["allow", "deny", "reject"]
    protocol: Literal["tcp", "udp", "icmp", "any"] = "any"
    source: IPv4Network | None = None
    destination: IPv4Network | None = None
    destination_ports: Ports = None


class TenantFirewall(Section):
    """FWaaS v2 on the router's interfaces; rules apply in order, anything unmatched is denied."""

    networks: list[Label] = Field(default_factory=list, description="Default: every routed network.")
    ingress: list[FirewallRuleSpec] = Field(default_factory=list)
    egress: list[FirewallRuleSpec] = Field(default_factory=list)


class LbMember(Section):
    """A pool member: a VNF address and port."""

    name: Label
    address: IPv4Address
    port: Port
    weight: int = Field(default=1, ge=0, le=256)


class HealthMonitor(Section):
    """The pool's health monitor."""

    type: Literal["PING", "TCP", "HTTP", "HTTPS", "UDP-CONNECT", "TLS-HELLO"]
    delay: int = Field(default=5, ge=1, le=3600, description="Seconds between probes.")
    timeout: int = Field(default=3, ge=1, le=3600, description="Seconds a probe may take (<= delay).")
    max_retries: int = Field(default=3, ge=1, le=10)
    url_path: str | None = None
    expected_codes: str | None = None


class LbListener(Section):
    """A listener (protocol and port) with its pool of members and their monitor."""

    name: Label
    protocol: Literal["TCP", "UDP", "HTTP", "HTTPS"]
    port: Port
    method: Literal["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"] = "ROUND_ROBIN"
    members: list[LbMember] = Field(min_length=1)
    monitor: HealthMonitor


class LoadBalancerSpec(Section):
    """An Octavia load balancer with its VIP on a tenant network; one pool per listener."""

    name: Label
    network: Label
    vip_address: IPv4Address | None = None
    listeners: list[LbListener] = Field(min_length=1)


class TenantSpec(Section):
    """A tenant: its project, quotas and roles (platform) and its networks and services."""

    name: Label
    description: str = ""
    self_service: bool = Field(
        default=False,
        description="The tenant's own stack (examples/tenant-stack) owns its networks; the platform "
        "creates only the project, quotas and roles.",
    )
    quotas: TenantQuotas = Field(default_factory=TenantQuotas)
    role_assignments: list[RoleAssignment] = Field(default_factory=list)
    networks: list[TenantNetworkSpec] = Field(default_factory=list)
    router: TenantRouter | None = None
    floating_ips: list[FloatingIpSpec] = Field(default_factory=list)
    security_groups: list[SecurityGroupSpec] = Field(default_factory=list)
    firewall: TenantFirewall | None = None
    load_balancers: list[LoadBalancerSpec] = Field(default_factory=list)

    def owns_networking(self) -> bool:
        return bool(
            self.networks or self.router or self.floating_ips or self.security_groups
            or self.firewall or self.load_balancers
        )


class TenantOpenStack(Section):
    """How a tenant's own stack signs in to VIO. The password is the secret `tenantOpenstackPassword`."""

    username: Name
    user_domain: Name = "Default"
    project_domain: Name = "Default"
    region: Name = "nova"
    insecure: bool = False


class TenantStackSettings(Section):
    """Config of a tenant's own stack (examples/tenant-stack): which platform, which tenant, what to build."""

    platform_stack: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,2}$")] = Field(
        description="The platform stack as `<org>/<project>/<stack>`."
    )
    tenant: TenantSpec
    tenant_openstack: TenantOpenStack
