"""From a validated tenant spec to the tenant component's Args, on the tenant side's dependencies only.

Imported by the platform stack (through components.stack_args) and by a tenant team's own stack
(examples/tenant-stack). It must never import pulumi_nsxt, directly or through another module: a tenant
stack declares only pulumi and pulumi_openstack (tests/test_tenant_args.py holds this).
"""

from __future__ import annotations

import pulumi

from components.settings import TenantSpec, port_range
from components.tenant_network import (
    FirewallArgs,
    FirewallRuleArgs,
    FloatingIpArgs,
    ListenerArgs,
    LoadBalancerArgs,
    MemberArgs,
    MonitorArgs,
    NetworkArgs,
    RouteArgs,
    RouterArgs,
    SecurityGroupArgs,
    SecurityRuleArgs,
    TenantNetworkArgs,
)


def tenant_network(
    spec: TenantSpec,
    *,
    external_network_id: pulumi.Input[str] | None,
    external_network_name: pulumi.Input[str] | None,
    address_scope_id: pulumi.Input[str] | None = None,
    project_id: pulumi.Input[str] | None = None,
) -> TenantNetworkArgs:
    """Args from a validated `settings.TenantSpec` (platform config or a tenant stack's config)."""
    router = spec.router
    fw = spec.firewall
    return TenantNetworkArgs(
        tenant=spec.name,
        networks=tuple(
            NetworkArgs(
                name=n.name,
                cidr=n.cidr,
                gateway=n.gateway_ip(),
                dhcp=n.dhcp,
                dns=tuple(n.dns),
                allocation_pools=tuple((p.start, p.end) for p in n.allocation_pools),
                routed=n.routed,
                no_nat=n.no_nat,
            )
            for n in spec.networks
        ),
        router=None
        if router is None
        else RouterArgs(
            external_gateway=router.external_gateway,
            snat=router.snat,
            routes=tuple(RouteArgs(r.name, r.destination, r.next_hop) for r in router.routes),
        ),
        floating_ips=tuple(FloatingIpArgs(name=f.name, network=f.network, address=f.address) for f in spec.floating_ips),
        security_groups=tuple(
            SecurityGroupArgs(
                name=g.name,
                description=g.description,
                rules=tuple(
                    SecurityRuleArgs(
                        r.name, r.direction, r.protocol, port_range(r.ports), r.remote_cidr, r.remote_group,
                        r.icmp_type, r.icmp_code,
                    )
                    for r in g.rules
                ),
            )
            for g in spec.security_groups
        ),
        firewall=None
        if fw is None
        else FirewallArgs(
            networks=tuple(fw.networks),
            **{
                d: tuple(
                    FirewallRuleArgs(
                        r.name, r.action, r.protocol, r.source, r.destination, port_range(r.destination_ports)
                    )
                    for r in getattr(fw, d)
                )
                for d in ("ingress", "egress")
            },
        ),
        load_balancers=tuple(
            LoadBalancerArgs(
                name=lb.name,
                network=lb.network,
                vip_address=lb.vip_address,
                listeners=tuple(
                    ListenerArgs(
                        name=x.name,
                        protocol=x.protocol,
                        port=x.port,
                        method=x.method,
                        members=tuple(MemberArgs(m.name, m.address, m.port, m.weight) for m in x.members),
                        monitor=MonitorArgs(**x.monitor.model_dump()),
                    )
                    for x in lb.listeners
                ),
            )
            for lb in spec.load_balancers
        ),
        external_network_id=external_network_id,
        external_network_name=external_network_name,
        address_scope_id=address_scope_id,
        project_id=project_id,
    )
