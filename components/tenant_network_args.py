"""The frozen, documented Args of `TenantNetworkStack` (components/tenant_network.py): a tenant's networks,
router, floating IPs, security groups, FWaaS and load balancers, as plain valid values. Built from config by
components/tenant_args.py; importable from components.tenant_network as well."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

import pulumi


@dataclass(frozen=True)
class NetworkArgs:
    """`routed`: attached to the tenant router. `no_nat`: the subnet comes from the tenant's pool in the
    routable address scope (reachable from the WAN without NAT; needs a no-SNAT router)."""

    name: str
    cidr: IPv4Network
    gateway: IPv4Address
    dhcp: bool = True
    dns: Sequence[IPv4Address] = ()
    allocation_pools: Sequence[tuple[IPv4Address, IPv4Address]] = ()
    routed: bool = True
    no_nat: bool = False


@dataclass(frozen=True)
class RouteArgs:
    name: str
    destination: IPv4Network
    next_hop: IPv4Address


@dataclass(frozen=True)
class RouterArgs:
    external_gateway: bool = True
    snat: bool = True
    routes: Sequence[RouteArgs] = ()


@dataclass(frozen=True)
class FloatingIpArgs:
    """A floating IP and the port it translates to: `address` on `network` (a routed network)."""

    name: str
    network: str
    address: IPv4Address


@dataclass(frozen=True)
class SecurityRuleArgs:
    """`ports` is (min, max) or None for all, tcp/udp only; `protocol` "any" means every protocol;
    `icmp_type`/`icmp_code` limit an icmp rule (Neutron carries them in port_range_min/max)."""

    name: str
    direction: str
    protocol: str
    ports: tuple[int, int] | None = None
    remote_cidr: IPv4Network | None = None
    remote_group: str | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


@dataclass(frozen=True)
class SecurityGroupArgs:
    """A group that lists egress rules allows only those outbound; one that lists none keeps Neutron's
    default allow-all egress (see `TenantNetworkStack._security_group`)."""

    name: str
    description: str = ""
    rules: Sequence[SecurityRuleArgs] = ()

    def owns_egress(self) -> bool:
        return any(r.direction == "egress" for r in self.rules)


@dataclass(frozen=True)
class FirewallRuleArgs:
    name: str
    action: str  # allow | deny | reject
    protocol: str = "any"
    source: IPv4Network | None = None
    destination: IPv4Network | None = None
    destination_ports: tuple[int, int] | None = None


@dataclass(frozen=True)
class FirewallArgs:
    """FWaaS v2 group on the router ports of `networks` (empty: every routed network)."""

    networks: Sequence[str] = ()
    ingress: Sequence[FirewallRuleArgs] = ()
    egress: Sequence[FirewallRuleArgs] = ()


@dataclass(frozen=True)
class MemberArgs:
    name: str
    address: IPv4Address
    port: int
    weight: int = 1


@dataclass(frozen=True)
class MonitorArgs:
    type: str
    delay: int = 5
    timeout: int = 3
    max_retries: int = 3
    url_path: str | None = None
    expected_codes: str | None = None


@dataclass(frozen=True)
class ListenerArgs:
    name: str
    protocol: str
    port: int
    members: Sequence[MemberArgs]
    monitor: MonitorArgs
    method: str = "ROUND_ROBIN"


@dataclass(frozen=True)
class LoadBalancerArgs:
    name: str
    network: str
    listeners: Sequence[ListenerArgs]
    vip_address: IPv4Address | None = None


@dataclass(frozen=True)
class TenantNetworkArgs:
    """One tenant's networking, already validated (settings.py checks addressing and references).

    `external_network_id` / `external_network_name`: the platform's Tier-0 backed network (router gateway,
    floating IP pool). `project_id`: the tenant's project when an admin creates the resources for it; None
    in the tenant's own stack. `address_scope_id`: the platform's routable scope; the `no_nat` networks'
    subnets are drawn from a tenant pool in it (the external subnet's scope, which a no-SNAT router needs).
    """

    tenant: str
    networks: Sequence[NetworkArgs] = ()
    router: RouterArgs | None = None
    floating_ips: Sequence[FloatingIpArgs] = ()
    security_groups: Sequence[SecurityGroupArgs] = ()
    firewall: FirewallArgs | None = None
    load_balancers: Sequence[LoadBalancerArgs] = ()
    external_network_id: pulumi.Input[str] | None = None
    external_network_name: pulumi.Input[str] | None = None
    address_scope_id: pulumi.Input[str] | None = None
    project_id: pulumi.Input[str] | None = None
