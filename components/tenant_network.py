"""A tenant's networking on VIO: East-West overlays, North-South router, DNAT, security, FWaaS, LBs.

Shaped by what VIO's NSX-T Policy plugin (openstack/vmware-nsx, vmware_nsx/plugins/nsx_p) accepts:
- no Neutron BGP speaker (refused on NSX-T): a network reachable without NAT (`no_nat`) has its subnet
  drawn from a tenant subnet pool in the platform's routable address scope and sits behind a no-SNAT
  router; VIO's Tier-1 advertises its connected subnets (nsx_p/plugin.py `_update_router_advertisement`)
  and the Tier-0 redistributes TIER1_CONNECTED into BGP (components/nsx_edge.py);
- no floating-IP port forwarding (not in the plugin's extensions): a floating IP is a 1:1 DNAT to a port.

Used by the platform stack (admin credentials, resources placed in the tenant's project with
`project_id`) and by a tenant's own stack (examples/tenant-stack, the tenant's credentials, no
`project_id`: Neutron places resources in the project the credentials are scoped to).
"""

from __future__ import annotations

import ipaddress

import pulumi
import pulumi_openstack as openstack

from components import vio_enforcement
from components.tenant_network_args import (
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

__all__ = [
    "FirewallArgs",
    "FirewallRuleArgs",
    "FloatingIpArgs",
    "ListenerArgs",
    "LoadBalancerArgs",
    "MemberArgs",
    "MonitorArgs",
    "NetworkArgs",
    "RouteArgs",
    "RouterArgs",
    "SecurityGroupArgs",
    "SecurityRuleArgs",
    "TenantNetworkArgs",
    "TenantNetworkStack",
]


#: Neutron's name for "every protocol" is no protocol at all.
def _protocol(protocol: str) -> str | None:
    return None if protocol == "any" else protocol


def _check(name: str, args: TenantNetworkArgs) -> None:
    """What the resources below rely on, checked before any exists (settings.py reports the same rules
    with config keys; this guards other callers of the component)."""
    for group in args.security_groups:
        for rule in group.rules:
            icmp = vio_enforcement.icmp_problem(rule.protocol, rule.icmp_type, rule.icmp_code)
            problem = vio_enforcement.port_protocol_problem(rule.protocol, rule.ports is not None) or (
                icmp[1] if icmp else None
            )
            if problem:
                raise ValueError(f"TenantNetworkStack {name!r}: security group {group.name!r} rule {rule.name!r}: "
                                 f"{problem}")
    nets = {n.name: n for n in args.networks}
    north_south = args.router is not None and args.router.external_gateway
    for what, network in [("floating IP", f.network) for f in args.floating_ips] + [
        ("load balancer", lb.network) for lb in args.load_balancers
    ]:
        if network not in nets or not nets[network].routed or not north_south:
            raise ValueError(
                f"TenantNetworkStack {name!r}: the {what} on {network!r} needs a routed network of the tenant "
                "and a router with an external gateway"
            )


class TenantNetworkStack(pulumi.ComponentResource):
    """Children, keyed by names from config (never list positions):
    `{name}-net-{network}`, `{name}-subnet-{network}`, `{name}-router`, `{name}-router-if-{network}`,
    `{name}-route-{route}`, `{name}-fip-{fip}`, `{name}-fip-port-{fip}`,
    `{name}-sg-{group}`, `{name}-sg-{group}-rule-{rule}`, `{name}-fw`, `{name}-fw-{ingress|egress}`,
    `{name}-fw-{direction}-rule-{rule}`, `{name}-subnet-pool`,
    `{name}-lb-{lb}`, `{name}-lb-{lb}-listener-{l}`, `{name}-lb-{lb}-pool-{l}`,
    `{name}-lb-{lb}-member-{l}-{member}`, `{name}-lb-{lb}-monitor-{l}`.
    """

    network_ids: dict[str, pulumi.Output[str]]
    subnet_ids: dict[str, pulumi.Output[str]]
    router_id: pulumi.Output[str | None]
    floating_ips: dict[str, pulumi.Output[str]]
    security_group_ids: dict[str, pulumi.Output[str]]
    load_balancer_vips: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: TenantNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vionfv:tenant_network:TenantNetworkStack", name, None, opts)
        provider = opts.provider if opts else None
        if provider is None:
            raise ValueError(f"TenantNetworkStack {name!r}: pass the OpenStack provider in opts")
        # Children do not inherit the component's depends_on (e.g. the VIO plane serving the API).
        depends_on = (opts.depends_on if opts else None) or []
        _check(name, args)
        self._child = pulumi.ResourceOptions(parent=self, provider=provider, depends_on=depends_on)
        self._tenant_id = args.project_id
        self._tenant = args.tenant
        nets = {n.name: n for n in args.networks}

        pool_id = None
        # Neutron stores a pool's prefixes compacted (neutron/ipam/subnet_alloc.py
        # `_compact_subnetpool_prefix_list`: 172.16.10.0/24 + 172.16.11.0/24 become 172.16.10.0/23), so the
        # pool is given them collapsed, or every refresh reads back another list (found against real Neutron,
        # tests/openstack/test_tenant_layer.py). collapse_addresses also sorts them: reordering networks in
        # config changes nothing.
        no_nat = list(ipaddress.collapse_addresses(n.cidr for n in args.networks if n.no_nat))
        if no_nat and args.address_scope_id is not None:
            pool_id = openstack.networking.SubnetPool(
                f"{name}-subnet-pool",
                name=f"{args.tenant}-routable",
                prefixes=[str(c) for c in no_nat],
                address_scope_id=args.address_scope_id,
                project_id=self._tenant_id,
                opts=self._child,
            ).id

        self.network_ids, self.subnet_ids = {}, {}
        for net in args.networks:
            self._network(name, net, pool_id)

        self.router_id = pulumi.Output.from_input(None)
        interfaces: dict[str, openstack.networking.RouterInterface] = {}
        if args.router is not None:
            interfaces = self._router(name, args)

        self.floating_ips = {}
        for fip in args.floating_ips:
            self._floating_ip(name, fip, args, interfaces)

        groups = {g.name: self._security_group(name, g) for g in args.security_groups}
        for group in args.security_groups:
            for rule in group.rules:
                self._rule(name, group, rule, groups)
        self.security_group_ids = {k: g.id for k, g in groups.items()}

        if args.firewall is not None and interfaces:
            self._firewall(name, args.firewall, interfaces)

        self.load_balancer_vips = {}
        for lb in args.load_balancers:
            self._load_balancer(name, lb, nets, interfaces)

        self.register_outputs(
            {
                "networkIds": self.network_ids,
                "subnetIds": self.subnet_ids,
                "routerId": self.router_id,
                "floatingIps": self.floating_ips,
                "securityGroupIds": self.security_group_ids,
                "loadBalancerVips": self.load_balancer_vips,
            }
        )

    def _opts(self, *depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(depends_on=list(depends_on)))

    def _network(self, name: str, net: NetworkArgs, pool_id: pulumi.Input[str] | None) -> None:
        # Allocation pools are a set of ranges: sorted. DNS servers keep their order (resolver order).
        network = openstack.networking.Network(
            f"{name}-net-{net.name}", name=net.name, tenant_id=self._tenant_id, opts=self._child
        )
        subnet = openstack.networking.Subnet(
            f"{name}-subnet-{net.name}",
            name=net.name,
            network_id=network.id,
            cidr=str(net.cidr),
            ip_version=4,
            gateway_ip=str(net.gateway),
            enable_dhcp=net.dhcp,
            dns_nameservers=[str(d) for d in net.dns],
            allocation_pools=[
                openstack.networking.SubnetAllocationPoolArgs(start=str(a), end=str(b))
                for a, b in sorted(net.allocation_pools)
            ],
            # Only the noNat subnets come from the routable pool: those are the ones the Tier-1 advertises
            # without NAT; the others stay private behind SNAT.
            subnetpool_id=pool_id if net.no_nat else None,
            tenant_id=self._tenant_id,
            opts=self._child,
        )
        self.network_ids[net.name] = network.id
        self.subnet_ids[net.name] = subnet.id

    def _router(self, name: str, args: TenantNetworkArgs) -> dict[str, openstack.networking.RouterInterface]:
        spec = args.router
        assert spec is not None
        north_south = spec.external_gateway and args.external_network_id is not None
        router = openstack.networking.Router(
            f"{name}-router",
            name=f"{args.tenant}-router",
            external_network_id=args.external_network_id if north_south else None,
            # enable_snat only when false: Neutron's default policy makes naming it in external_gateway_info
            # admin-only (neutron/conf/policies/router.py, `create_router:external_gateway_info:enable_snat`),
            # so a tenant's member account is refused even for true, and Neutron's default with a gateway is
            # SNAT on (`enable_snat_by_default`). The provider sends it only when set
            # (resource_openstack_networking_router_v2.go, `d.GetOkExists("enable_snat")`). A no-SNAT router
            # still needs an admin account under the default policy (tests/openstack/test_tenant_policy.py).
            enable_snat=False if north_south and not spec.snat else None,
            tenant_id=self._tenant_id,
            opts=self._child,
        )
        self.router_id = router.id
        interfaces = {
            net.name: openstack.networking.RouterInterface(
                f"{name}-router-if-{net.name}",
                router_id=router.id,
                subnet_id=self.subnet_ids[net.name],
                opts=self._child,
            )
            for net in args.networks
            if net.routed
        }
        for route in spec.routes:
            # Neutron refuses a next hop that is not on a subnet already attached to the router.
            openstack.networking.RouterRoute(
                f"{name}-route-{route.name}",
                router_id=router.id,
                destination_cidr=str(route.destination),
                next_hop=str(route.next_hop),
                opts=self._opts(*interfaces.values()),
            )
        return interfaces

    def _floating_ip(
        self,
        name: str,
        fip: FloatingIpArgs,
        args: TenantNetworkArgs,
        interfaces: dict[str, openstack.networking.RouterInterface],
    ) -> None:
        """A port holding the DNAT target address and a floating IP bound to it (1:1, every port).

        The VNF boots on this pre-created port, so the translation survives instance rebuilds. Neutron
        associates a floating IP only with a port whose subnet is attached to a router with a gateway on
        the floating IP's network: hence the dependency on the network's router interface. Arguments:
        pulumi-openstack 5.5.x networking.FloatingIp `port_id`/`fixed_ip` (terraform-provider-openstack
        v3.4.0 openstack_networking_floatingip_v2).
        """
        port = openstack.networking.Port(
            f"{name}-fip-port-{fip.name}",
            name=f"fip-{fip.name}",
            network_id=self.network_ids[fip.network],
            fixed_ips=[
                openstack.networking.PortFixedIpArgs(subnet_id=self.subnet_ids[fip.network], ip_address=str(fip.address))
            ],
            tenant_id=self._tenant_id,
            opts=self._child,
        )
        address = openstack.networking.FloatingIp(
            f"{name}-fip-{fip.name}",
            pool=args.external_network_name,
            port_id=port.id,
            fixed_ip=str(fip.address),
            description=f"{args.tenant}/{fip.name}",
            tenant_id=self._tenant_id,
            opts=self._opts(interfaces[fip.network]),
        )
        self.floating_ips[fip.name] = address.address

    def _security_group(self, name: str, group: SecurityGroupArgs) -> openstack.networking.SecGroup:
        """Egress as configured. Neutron gives every new group two allow-all egress rules, IPv4 and IPv6,
        and no ingress rule (only a project's `default` group also gets ingress from itself):
        neutron/db/securitygroups_db.py `create_security_group`, `for ethertype in
        ext_sg.sg_supported_ethertypes`. Egress rules listed beside them would restrict nothing, so a group
        that lists egress rules is created with `delete_default_rules` (pulumi-openstack 5.5.x
        networking.SecGroup; terraform-provider-openstack openstack/resource_openstack_networking_secgroup_v2.go
        `resourceNetworkingSecGroupV2Create` deletes every rule the new group holds right after the create,
        before any of our rules exists) and nothing needs re-adding; VIO's NSX-T plugin creates its NSX
        rules from the group's rules as they end up (vmware_nsx/plugins/nsx_p/plugin.py). The argument is
        ForceNew (provider-forcenew.json): adding the first egress rule to a group replaces the group.
        """
        return openstack.networking.SecGroup(
            f"{name}-sg-{group.name}",
            name=group.name,
            description=group.description,
            delete_default_rules=True if group.owns_egress() else None,
            tenant_id=self._tenant_id,
            opts=self._child,
        )

    def _rule(
        self,
        name: str,
        group: SecurityGroupArgs,
        rule: SecurityRuleArgs,
        groups: dict[str, openstack.networking.SecGroup],
    ) -> None:
        openstack.networking.SecGroupRule(
            f"{name}-sg-{group.name}-rule-{rule.name}",
            security_group_id=groups[group.name].id,
            description=rule.name,
            direction=rule.direction,
            ethertype="IPv4",
            protocol=_protocol(rule.protocol),
            port_range_min=rule.ports[0] if rule.ports else rule.icmp_type,
            port_range_max=rule.ports[1] if rule.ports else rule.icmp_code,
            remote_ip_prefix=str(rule.remote_cidr) if rule.remote_cidr else None,
            remote_group_id=groups[rule.remote_group].id if rule.remote_group else None,
            tenant_id=self._tenant_id,
            opts=self._child,
        )

    def _firewall(
        self, name: str, fw: FirewallArgs, interfaces: dict[str, openstack.networking.RouterInterface]
    ) -> None:
        policies: dict[str, pulumi.Output[str]] = {}
        for direction in ("ingress", "egress"):
            rules = [
                openstack.firewall.RuleV2(
                    f"{name}-fw-{direction}-rule-{r.name}",
                    name=r.name,
                    action=r.action,
                    protocol=r.protocol,
                    ip_version=4,
                    source_ip_address=str(r.source) if r.source else None,
                    destination_ip_address=str(r.destination) if r.destination else None,
                    destination_port=(
                        None
                        if r.destination_ports is None
                        else f"{r.destination_ports[0]}:{r.destination_ports[1]}"
                        if r.destination_ports[0] != r.destination_ports[1]
                        else str(r.destination_ports[0])
                    ),
                    tenant_id=self._tenant_id,
                    opts=self._child,
                )
                for r in getattr(fw, direction)
            ]
            # Rule order is the configured order: FWaaS evaluates the policy's list top-down.
            policies[direction] = openstack.firewall.PolicyV2(
                f"{name}-fw-{direction}",
                name=f"{self._tenant}-{direction}",
                rules=[r.id for r in rules],
                tenant_id=self._tenant_id,
                opts=self._child,
            ).id
        # The group's ports are a set: sorted by network name, so config order never changes the input.
        covered = sorted(fw.networks or interfaces)
        openstack.firewall.GroupV2(
            f"{name}-fw",
            name=f"{self._tenant}-fw",
            ingress_firewall_policy_id=policies["ingress"],
            egress_firewall_policy_id=policies["egress"],
            ports=[interfaces[n].port_id for n in covered],
            tenant_id=self._tenant_id,
            opts=self._child,
        )

    def _load_balancer(
        self,
        name: str,
        lb: LoadBalancerArgs,
        nets: dict[str, NetworkArgs],
        interfaces: dict[str, openstack.networking.RouterInterface],
    ) -> None:
        prefix = f"{name}-lb-{lb.name}"
        # VIO's Octavia driver refuses a VIP subnet not attached to a router with a gateway
        # (openstack/vmware-nsx vmware_nsx/services/lbaas/nsx_p/implementation/loadbalancer_mgr.py `create`):
        # the load balancer waits for that router interface. settings.py guarantees the network is routed.
        balancer = openstack.loadbalancer.LoadBalancer(
            prefix,
            name=lb.name,
            vip_subnet_id=self.subnet_ids[lb.network],
            vip_address=str(lb.vip_address) if lb.vip_address else None,
            tenant_id=self._tenant_id,
            opts=self._opts(interfaces[lb.network]),
        )
        self.load_balancer_vips[lb.name] = balancer.vip_address
        for listener in lb.listeners:
            front = openstack.loadbalancer.Listener(
                f"{prefix}-listener-{listener.name}",
                name=listener.name,
                loadbalancer_id=balancer.id,
                protocol=listener.protocol,
                protocol_port=listener.port,
                tenant_id=self._tenant_id,
                opts=self._child,
            )
            pool = openstack.loadbalancer.Pool(
                f"{prefix}-pool-{listener.name}",
                name=listener.name,
                listener_id=front.id,
                protocol=listener.protocol,
                lb_method=listener.method,
                tenant_id=self._tenant_id,
                opts=self._child,
            )
            for member in listener.members:
                subnet = next(n.name for n in nets.values() if member.address in n.cidr)
                openstack.loadbalancer.Member(
                    f"{prefix}-member-{listener.name}-{member.name}",
                    name=member.name,
                    pool_id=pool.id,
                    address=str(member.address),
                    protocol_port=member.port,
                    weight=member.weight,
                    subnet_id=self.subnet_ids[subnet],
                    tenant_id=self._tenant_id,
                    opts=self._child,
                )
            mon = listener.monitor
            openstack.loadbalancer.Monitor(
                f"{prefix}-monitor-{listener.name}",
                name=listener.name,
                pool_id=pool.id,
                type=mon.type,
                delay=mon.delay,
                timeout=mon.timeout,
                max_retries=mon.max_retries,
                url_path=mon.url_path,
                expected_codes=mon.expected_codes,
                tenant_id=self._tenant_id,
                opts=self._child,
            )
