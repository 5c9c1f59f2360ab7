"""Tenant rules: addressing and references inside a tenant, and what VIO's NSX-T Policy plugin accepts."""

from __future__ import annotations

from components import vio_enforcement
from components.config.openstack import ExternalNetwork
from components.config.problems import Problem, duplicates
from components.config.rules.networks import address_problems
from components.config.tenants import TenantSpec
from components.config.types import IPv4Address, Ports, port_range

#: What this module checks, by config key under `tenants[*]` (a tenant's own stack: `tenant`);
#: docs/configuration.md lists it under each key.
CHECKS: dict[str, str] = {
    "tenants[*].name": "unique among the tenants",
    "tenants[*].selfService": "a self-service tenant defines no networking here (its own stack does)",
    "tenants[*].roleAssignments": "each names exactly one of user or group",
    "tenants[*].networks[*].name": "unique in the tenant",
    "tenants[*].networks[*].gateway": "inside the network's cidr, a host address",
    "tenants[*].networks[*].allocationPools": "usable addresses, ascending, disjoint, clear of the gateway",
    "tenants[*].networks[*].noNat": "needs routed: true behind a router with externalGateway: true and "
    "snat: false; every routed network behind a no-SNAT router is noNat (VIO's plugin accepts only address-"
    "scope subnets there)",
    "tenants[*].router.externalGateway": "needs externalNetwork",
    "tenants[*].router.routes[*].nextHop": "on a routed network of the tenant",
    "tenants[*].router.routes[*].destination": "does not overlap a network of the tenant",
    "tenants[*].floatingIps[*].address": "a usable, non-gateway address of a routed network; one floating IP "
    "per address; needs a router with an external gateway",
    "tenants[*].securityGroups[*].rules[*].ports": "a port or ascending range",
    "tenants[*].securityGroups[*].rules[*].remoteCidr": "ingress needs remoteCidr or remoteGroup, not both",
    "tenants[*].securityGroups[*].rules[*].remoteGroup": "a security group of the same tenant",
    "tenants[*].firewall": "needs a router with an external gateway (VIO's FWaaS v2 driver)",
    "tenants[*].firewall.networks": "routed networks of the tenant, none twice",
    "tenants[*].firewall.ingress[*].destinationPorts": "a port or ascending range, only for tcp and udp",
    "tenants[*].firewall.egress[*].destinationPorts": "a port or ascending range, only for tcp and udp",
    "tenants[*].loadBalancers[*].network": "a routed network behind a router with an external gateway "
    "(VIO's Octavia driver)",
    "tenants[*].loadBalancers[*].vipAddress": "a usable address of the network, held by no member, floating "
    "IP port or route next hop",
    "tenants[*].loadBalancers[*].listeners[*].port": "one listener per protocol and port",
    "tenants[*].loadBalancers[*].listeners[*].members[*].address": "on a network of the tenant",
    "tenants[*].loadBalancers[*].listeners[*].monitor.timeout": "at most the monitor's delay",
    "tenants[*].loadBalancers[*].listeners[*].monitor.urlPath": "HTTP(S) monitors only, starts with '/'",
    "tenants[*].loadBalancers[*].listeners[*].monitor.type": "UDP-CONNECT only on UDP listeners",
}


def tenant_problems(
    tenants: list[TenantSpec], external: ExternalNetwork | None = None, external_known: bool = True,
    vio_version: str | None = None,
) -> list[Problem]:
    out: list[Problem] = []
    for i, dup in duplicates(t.name for t in tenants):
        out.append(Problem(f"tenants[{i}].name", f"tenant {dup!r} is defined twice"))
    for ti, tenant in enumerate(tenants):
        out += tenant_spec_problems(f"tenants[{ti}]", tenant, external, external_known, vio_version)
        for ni, dup in duplicates(n.name for n in tenant.networks):
            out.append(
                Problem(f"tenants[{ti}].networks[{ni}].name", f"network {dup!r} is defined twice in tenant {tenant.name!r}")
            )
    return out


def _ports_problem(key: str, ports: Ports) -> Problem | None:
    """The value itself; which protocols take ports is vio_enforcement.port_protocol_problem's."""
    try:
        port_range(ports)
    except ValueError as exc:
        return Problem(key, str(exc))
    return None


def tenant_spec_problems(
    key: str, tenant: TenantSpec, external: ExternalNetwork | None, external_known: bool = True,
    vio_version: str | None = None,
) -> list[Problem]:
    """Everything inside one tenant: addressing, references between its parts, safe defaults, and what
    VIO's plugin would weaken or refuse (components/vio_enforcement.py) for `vio_version`.

    `external_known` is False in a tenant's own stack, where the external network comes from the platform
    (and the VIO version is not known: the rules of every release apply).
    """
    out: list[Problem] = [Problem(k, m) for k, m in vio_enforcement.tenant_problems(key, tenant, vio_version)]
    nets = {n.name: n for n in tenant.networks}
    routed = {n.name: n for n in tenant.networks if n.routed}
    router = tenant.router
    north_south = router is not None and router.external_gateway
    if tenant.self_service and tenant.owns_networking() and external_known:
        out.append(Problem(key, f"tenant {tenant.name!r} is selfService: its networks belong in its own "
                                "stack (examples/tenant-stack); remove them here or set selfService: false"))
    for i, ra in enumerate(tenant.role_assignments):
        if (ra.user is None) == (ra.group is None):
            out.append(Problem(f"{key}.roleAssignments[{i}]", "set exactly one of user or group"))

    for i, net in enumerate(tenant.networks):
        nkey = f"{key}.networks[{i}]"
        out += address_problems(nkey, net.cidr, net.gateway_ip(), net.allocation_pools, "allocationPools")

    # A no-SNAT router's interface must be on a subnet in the external network's address scope, or VIO's
    # plugin rejects the interface add: openstack/vmware-nsx vmware_nsx/plugins/common_v3/plugin.py
    # `_validate_interface_address_scope` -> `_validate_address_scope_for_router_interface` (called when
    # the router has a gateway and enable_snat is False). `noNat` networks are the ones drawn from the
    # routable scope's pool, so the rule reads: behind a no-SNAT router, every attached network is noNat.
    no_snat = router is not None and router.external_gateway and not router.snat
    for i, net in enumerate(tenant.networks):
        nkey = f"{key}.networks[{i}].noNat"
        if net.no_nat and not net.routed:
            out.append(Problem(nkey, f"network {net.name!r} is reachable without NAT only through the router; "
                               "set routed: true or remove noNat"))
        elif net.no_nat and not no_snat:
            out.append(Problem(nkey, f"network {net.name!r}: noNat needs the tenant router with "
                               "externalGateway: true and snat: false (a no-SNAT router); set them or remove noNat"))
        elif no_snat and net.routed and not net.no_nat:
            out.append(Problem(nkey, f"network {net.name!r} is attached to a no-SNAT router (router.snat: false), "
                               "and VIO's NSX-T plugin accepts such an interface only on a subnet in the external "
                               "network's address scope: set noNat: true (its subnet comes from the routable "
                               "pool), or routed: false, or router.snat: true"))

    if router is not None:
        if router.external_gateway and external is None and external_known:
            out.append(Problem(f"{key}.router.externalGateway",
                               "needs vio-nfv:externalNetwork (the Tier-0 backed network); define it or set false"))
        for i, dup in duplicates(r.name for r in router.routes):
            out.append(Problem(f"{key}.router.routes[{i}].name", f"route {dup!r} is defined twice"))
        for i, route in enumerate(router.routes):
            rkey = f"{key}.router.routes[{i}]"
            if not any(route.next_hop in n.cidr for n in routed.values()):
                out.append(Problem(f"{rkey}.nextHop", f"{route.next_hop} is on no routed network of "
                                   f"{tenant.name!r} ({', '.join(str(n.cidr) for n in routed.values()) or 'none'})"))
            clash = next((n for n in tenant.networks if n.cidr.overlaps(route.destination)), None)
            if clash is not None:
                out.append(Problem(f"{rkey}.destination", f"{route.destination} overlaps the tenant's own "
                                   f"network {clash.name!r} {clash.cidr}; it is reachable without a route"))

    def routed_address(fkey: str, net_name: str, address: IPv4Address, what: str) -> None:
        if net_name not in nets:
            out.append(Problem(f"{fkey}.network", f"{net_name!r} is not a network of tenant {tenant.name!r}"))
            return
        net = nets[net_name]
        if address not in net.cidr or address in (net.cidr.network_address, net.cidr.broadcast_address):
            out.append(Problem(f"{fkey}.{what}", f"{address} is not a usable address of {net_name} {net.cidr}"))
        elif address == net.gateway_ip():
            out.append(Problem(f"{fkey}.{what}", f"{address} is the gateway of {net_name}"))

    # Fixed addresses of the ports the platform creates (floating IP targets): a VIP may not take one.
    ports: dict[tuple[str, IPv4Address], str] = {}
    for i, dup in duplicates(f.name for f in tenant.floating_ips):
        out.append(Problem(f"{key}.floatingIps[{i}].name", f"floating IP {dup!r} is defined twice"))
    for i, dup in duplicates(f"{f.network}/{f.address}" for f in tenant.floating_ips):
        out.append(Problem(f"{key}.floatingIps[{i}].address", f"{dup} already has a floating IP; a floating IP "
                           "is 1:1 with a port's fixed address"))
    if tenant.floating_ips and not north_south:
        out.append(Problem(f"{key}.floatingIps", "floating IPs need a router with externalGateway: true"))
    for i, fip in enumerate(tenant.floating_ips):
        fkey = f"{key}.floatingIps[{i}]"
        routed_address(fkey, fip.network, fip.address, "address")
        if fip.network in nets and fip.network not in routed:
            out.append(Problem(f"{fkey}.network", f"{fip.network!r} is not routed; the floating IP's DNAT sits on "
                               "the router, so its port must be on a network attached to it (routed: true)"))
        ports.setdefault((fip.network, fip.address), f"{fkey}.address")

    groups = {g.name for g in tenant.security_groups}
    for i, dup in duplicates(g.name for g in tenant.security_groups):
        out.append(Problem(f"{key}.securityGroups[{i}].name", f"security group {dup!r} is defined twice"))
    for i, group in enumerate(tenant.security_groups):
        gkey = f"{key}.securityGroups[{i}]"
        for j, dup in duplicates(r.name for r in group.rules):
            out.append(Problem(f"{gkey}.rules[{j}].name", f"rule {dup!r} is defined twice"))
        for j, rule in enumerate(group.rules):
            rkey = f"{gkey}.rules[{j}]"
            problem = _ports_problem(f"{rkey}.ports", rule.ports)
            if problem:
                out.append(problem)
            if rule.remote_cidr is not None and rule.remote_group is not None:
                out.append(Problem(rkey, "set remoteCidr or remoteGroup, not both"))
            if rule.direction == "ingress" and rule.remote_cidr is None and rule.remote_group is None:
                out.append(Problem(f"{rkey}.remoteCidr", "ingress rules need an explicit source: set remoteCidr "
                                   "(0.0.0.0/0 only if the world really may connect) or remoteGroup"))
            if rule.remote_group is not None and rule.remote_group not in groups:
                out.append(Problem(f"{rkey}.remoteGroup", f"{rule.remote_group!r} is not a security group of "
                                   f"{tenant.name!r} ({', '.join(sorted(groups))})"))

    if tenant.firewall is not None:
        fw, fkey = tenant.firewall, f"{key}.firewall"
        # VIO's FWaaS v2 driver applies a group only to routers with a gateway and only on router
        # interface ports: openstack/vmware-nsx vmware_nsx/services/fwaas/nsx_v3/edge_fwaas_driver_base.py
        # `should_apply_firewall_to_router` ("Cannot apply firewall to router ... with no gateway") and
        # vmware_nsx/services/fwaas/common/fwaas_callbacks_v2.py `_get_in_ns_ports` (refuses any port whose
        # device_owner is not network:router_interface). The group's ports here are the router interfaces.
        if router is None:
            out.append(Problem(fkey, "FWaaS sits on router ports: define tenants[].router or remove firewall"))
        elif not router.external_gateway:
            out.append(Problem(fkey, "VIO applies FWaaS only to routers with an external gateway: set "
                               "router.externalGateway: true or remove firewall"))
        for i, dup in duplicates(fw.networks):
            out.append(Problem(f"{fkey}.networks[{i}]", f"{dup!r} is listed twice"))
        for i, name in enumerate(fw.networks):
            if name not in routed:
                out.append(Problem(f"{fkey}.networks[{i}]", f"{name!r} is not a routed network of {tenant.name!r}"))
        for direction in ("ingress", "egress"):
            rules = getattr(fw, direction)
            for i, dup in duplicates(r.name for r in rules):
                out.append(Problem(f"{fkey}.{direction}[{i}].name", f"rule {dup!r} is defined twice"))
            for i, rule in enumerate(rules):
                pkey = f"{fkey}.{direction}[{i}].destinationPorts"
                problem = _ports_problem(pkey, rule.destination_ports)
                if problem:
                    out.append(problem)
                # The FWaaS API itself refuses ports without tcp/udp (FirewallRuleInvalidICMPParameter,
                # FirewallRuleWithPortWithoutProtocolInvalid); reported here before anything is applied.
                elif rule.destination_ports is not None and rule.protocol not in vio_enforcement.PORT_PROTOCOLS:
                    out.append(Problem(pkey, f"{rule.destination_ports!r}: FWaaS takes destination ports with tcp "
                                       f"or udp only, not {rule.protocol!r}; remove them or set the protocol"))

    for i, dup in duplicates(lb.name for lb in tenant.load_balancers):
        out.append(Problem(f"{key}.loadBalancers[{i}].name", f"load balancer {dup!r} is defined twice"))
    # Addresses other ports hold on each network: the router's static next hops and the floating IP ports.
    taken: dict[IPv4Address, str] = {addr: where for (_, addr), where in ports.items()}
    if router is not None:
        for i, route in enumerate(router.routes):
            taken.setdefault(route.next_hop, f"{key}.router.routes[{i}].nextHop")
    for i, lb in enumerate(tenant.load_balancers):
        lkey = f"{key}.loadBalancers[{i}]"
        if lb.vip_address is not None:
            routed_address(lkey, lb.network, lb.vip_address, "vipAddress")
        elif lb.network not in nets:
            out.append(Problem(f"{lkey}.network", f"{lb.network!r} is not a network of tenant {tenant.name!r}"))
        # Octavia on VIO (provider vmwareedge) refuses a VIP subnet that is neither external nor attached to
        # a router with a gateway: openstack/vmware-nsx vmware_nsx/services/lbaas/nsx_p/implementation/
        # loadbalancer_mgr.py `create` ("is neither public nor connected to the LB router"), the router
        # found by vmware_nsx/services/lbaas/nsx_v3/implementation/lb_utils.py `get_router_from_network`
        # (a router interface port on the network, router with external_gateway_info).
        if lb.network in nets and (lb.network not in routed or not north_south):
            out.append(Problem(f"{lkey}.network", f"{lb.network!r}: VIO places an Octavia VIP only on a subnet "
                               "attached to a router with an external gateway; set routed: true on the network "
                               "and router.externalGateway: true"))
        vip = lb.vip_address
        if vip is not None:
            for j, listener in enumerate(lb.listeners):
                for k, member in enumerate(listener.members):
                    if member.address == vip:
                        out.append(Problem(f"{lkey}.vipAddress", f"{vip} is also the address of member "
                                           f"{member.name!r} (listeners[{j}].members[{k}]); the VIP is a port of "
                                           "its own: pick a free address"))
            if vip in taken:
                out.append(Problem(f"{lkey}.vipAddress", f"{vip} is already held by {taken[vip]}; pick a free address"))
            else:
                taken[vip] = f"{lkey}.vipAddress"
        for j, dup in duplicates(x.name for x in lb.listeners):
            out.append(Problem(f"{lkey}.listeners[{j}].name", f"listener {dup!r} is defined twice"))
        for j, dup in duplicates(f"{x.protocol}/{x.port}" for x in lb.listeners):
            out.append(Problem(f"{lkey}.listeners[{j}].port", f"{dup} is already a listener of {lb.name!r}"))
        for j, listener in enumerate(lb.listeners):
            xkey, mon = f"{lkey}.listeners[{j}]", listener.monitor
            for k, dup in duplicates(m.name for m in listener.members):
                out.append(Problem(f"{xkey}.members[{k}].name", f"member {dup!r} is defined twice"))
            for k, member in enumerate(listener.members):
                if not any(member.address in n.cidr for n in tenant.networks):
                    out.append(Problem(f"{xkey}.members[{k}].address",
                                       f"{member.address} is on no network of tenant {tenant.name!r}"))
            if mon.timeout > mon.delay:
                out.append(Problem(f"{xkey}.monitor.timeout", f"{mon.timeout}s exceeds delay {mon.delay}s; "
                                   "a probe must finish before the next starts"))
            http = mon.type in {"HTTP", "HTTPS"}
            if mon.url_path is not None and (not http or not mon.url_path.startswith("/")):
                out.append(Problem(f"{xkey}.monitor.urlPath", f"{mon.url_path!r}: only for HTTP(S) monitors, "
                                   "and it starts with '/'"))
            if mon.type == "UDP-CONNECT" and listener.protocol != "UDP":
                out.append(Problem(f"{xkey}.monitor.type", f"UDP-CONNECT cannot check a {listener.protocol} "
                                   "pool; use TCP, HTTP or HTTPS"))
    return out
