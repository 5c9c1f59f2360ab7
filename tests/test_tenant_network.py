"""Per-tenant networking in the platform stack, and the validation of the `tenants` section."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import settings
from offline.evaluate import Evaluation, stack_config

NS = "vio-nfv:"
OPENSTACK_KINDS = {
    "networking/network:Network", "networking/subnet:Subnet", "networking/router:Router",
    "networking/routerInterface:RouterInterface", "networking/secGroup:SecGroup",
    "networking/secGroupRule:SecGroupRule", "firewall/groupV2:GroupV2", "firewall/policyV2:PolicyV2",
    "firewall/ruleV2:RuleV2", "networking/routerRoute:RouterRoute", "loadbalancer/loadBalancer:LoadBalancer",
    "loadbalancer/listener:Listener", "loadbalancer/pool:Pool", "loadbalancer/member:Member",
    "loadbalancer/monitor:Monitor",
}
#: What VIO's NSX-T Policy plugin refuses or does not implement (vmware_nsx/services/dynamic_routing/
#: bgp_plugin.py; no port forwarding extension in nsx_p/plugin.py): the program never registers them.
REFUSED_BY_VIO = {
    "openstack:networking/bgpSpeakerV2:BgpSpeakerV2", "openstack:networking/bgpPeerV2:BgpPeerV2",
    "openstack:networking/portForwardingV2:PortForwardingV2",
}


def _children(ev: Evaluation, tenant: str) -> list[Any]:
    parent = ev.named(f"vio-{tenant}").urn
    return [r for r in ev.resources if r.parent == parent]


@pytest.mark.parametrize("tenant", ["vepc", "vims"])
def test_each_prod_tenant_has_every_networking_feature_on_the_openstack_provider(prod: Evaluation, tenant: str) -> None:
    children = _children(prod, tenant)
    kinds = {r.type.removeprefix("openstack:") for r in children}
    assert OPENSTACK_KINDS <= kinds, OPENSTACK_KINDS - kinds
    assert all("pulumi:providers:openstack::vio-openstack" in r.provider for r in children)
    project = prod.outputs["tenantProjectIds"][tenant]
    networks = [r for r in children if r.type.endswith(":Network")]
    assert networks and all(r.inputs["tenantId"] == project for r in networks)


def test_no_bgp_speaker_peer_or_port_forwarding_is_registered(prod: Evaluation, dev: Evaluation, three_pod: Evaluation) -> None:
    for ev in (prod, dev, three_pod):
        assert not {r.type for r in ev.resources} & REFUSED_BY_VIO


def test_logical_names_are_keyed_by_tenant_network_and_rule_names(prod: Evaluation) -> None:
    names = {r.name for r in _children(prod, "vepc")} | {r.name for r in _children(prod, "vims")}
    for expected in [
        "vio-vepc-net-s1-mme", "vio-vepc-subnet-sgi", "vio-vepc-router", "vio-vepc-router-if-sgi",
        "vio-vepc-route-ran-backhaul", "vio-vims-fip-sbc-public", "vio-vims-fip-port-sbc-public",
        "vio-vepc-subnet-pool", "vio-vepc-sg-mme-rule-s1ap", "vio-vepc-fw",
        "vio-vepc-fw-ingress-rule-gtp", "vio-vepc-lb-mme-pool",
        "vio-vepc-lb-mme-pool-listener-s1ap", "vio-vepc-lb-mme-pool-member-s1ap-mme-2",
        "vio-vepc-lb-mme-pool-monitor-s1ap",
    ]:
        assert expected in names


def test_router_gateway_snat_and_static_routes(prod: Evaluation) -> None:
    vepc, vims = prod.named("vio-vepc-router"), prod.named("vio-vims-router")
    assert vepc.inputs["externalNetworkId"] == prod.outputs["externalNetworkId"]
    assert (vepc.inputs["enableSnat"], vims.inputs["enableSnat"]) == (False, True)
    route = prod.named("vio-vepc-route-ran-backhaul")
    assert (route.inputs["destinationCidr"], route.inputs["nextHop"]) == ("10.40.0.0/16", "172.16.10.254")
    assert prod.named("vio-vepc-router-if-s1-mme").urn in route.dependencies
    assert "vio-vepc-router-if-oam" not in {r.name for r in prod.resources}, "oam is routed: false"


def test_subnet_carries_gateway_dns_dhcp_and_pools(prod: Evaluation) -> None:
    subnet = prod.named("vio-vepc-subnet-s1-mme")
    assert subnet.inputs["gatewayIp"] == "172.16.10.1"
    assert subnet.inputs["dnsNameservers"] == ["10.100.0.53", "10.100.1.53"]
    assert subnet.inputs["allocationPools"] == [{"start": "172.16.10.100", "end": "172.16.10.199"}]
    assert prod.named("vio-vepc-subnet-oam").inputs["enableDhcp"] is False


def test_a_floating_ip_is_a_one_to_one_dnat_to_its_port_after_the_router_interface(prod: Evaluation) -> None:
    port = prod.named("vio-vims-fip-port-sbc-public")
    fip = prod.named("vio-vims-fip-sbc-public")
    assert [ip["ipAddress"] for ip in port.inputs["fixedIps"]] == ["172.16.21.10"]
    assert prod.named("vio-vims-subnet-sip-access").urn in port.property_dependencies["fixedIps"]
    assert port.urn in fip.property_dependencies["portId"]
    assert fip.inputs["fixedIp"] == "172.16.21.10"
    assert fip.inputs["pool"] == prod.outputs["externalNetworkName"]
    assert prod.named("vio-vims-router-if-sip-access").urn in fip.dependencies


def test_security_group_rules_translate_ports_remotes_and_any(prod: Evaluation) -> None:
    rtp = prod.named("vio-vims-sg-sbc-rule-rtp")
    assert (rtp.inputs["portRangeMin"], rtp.inputs["portRangeMax"]) == (16384, 32767)
    intra = prod.named("vio-vepc-sg-mme-rule-intra")
    assert "protocol" not in intra.inputs, "'any' is Neutron's absent protocol"
    assert prod.named("vio-vepc-sg-mme").urn in intra.property_dependencies["remoteGroupId"]


def test_firewall_group_covers_the_selected_router_ports_with_ordered_policies(prod: Evaluation) -> None:
    group = prod.named("vio-vepc-fw")
    ports = group.property_dependencies["ports"]
    assert set(ports) == {prod.named(f"vio-vepc-router-if-{n}").urn for n in ("sgi", "s1-mme")}
    policy = prod.named("vio-vepc-fw-ingress")
    assert policy.property_dependencies["rules"] == sorted(
        prod.named(f"vio-vepc-fw-ingress-rule-{n}").urn for n in ("gtp", "s1ap", "rest"))
    assert prod.named("vio-vepc-fw-ingress-rule-gtp").inputs["destinationPort"] == "2123:2152"


def test_no_nat_networks_come_from_a_pool_in_the_routable_scope_behind_a_no_snat_router(prod: Evaluation) -> None:
    pool = prod.named("vio-vepc-subnet-pool")
    assert pool.inputs["addressScopeId"] == prod.outputs["routableAddressScopeId"]
    assert pool.inputs["prefixes"] == ["172.16.10.0/24", "172.16.11.0/24"], "only the noNat networks, sorted"
    for net in ("s1-mme", "sgi"):
        assert pool.urn in prod.named(f"vio-vepc-subnet-{net}").property_dependencies["subnetpoolId"]
    assert "subnetpoolId" not in prod.named("vio-vepc-subnet-oam").inputs
    assert prod.named("vio-vepc-router").inputs["enableSnat"] is False
    # vims keeps SNAT: no pool, private subnets.
    assert not [r for r in _children(prod, "vims") if r.type.endswith(":SubnetPool")]
    assert "subnetpoolId" not in prod.named("vio-vims-subnet-sip-core").inputs


def test_every_load_balancer_waits_for_the_router_interface_of_its_vip_network(
    prod: Evaluation, dev: Evaluation, three_pod: Evaluation
) -> None:
    for ev in (prod, dev, three_pod):
        balancers = ev.by_type("openstack:loadbalancer/loadBalancer:LoadBalancer")
        assert balancers
        for lb in balancers:
            [subnet_urn] = lb.property_dependencies["vipSubnetId"]
            network = ev.by_urn()[subnet_urn].name.split("-subnet-")[1]
            tenant = lb.name.split("-lb-")[0]
            assert ev.named(f"{tenant}-router-if-{network}").urn in lb.dependencies, lb.name


def test_load_balancer_listener_pool_members_monitor(prod: Evaluation) -> None:
    lb = "vio-vims-lb-cscf"
    assert prod.named(f"{lb}-pool-provisioning").inputs["lbMethod"] == "LEAST_CONNECTIONS"
    assert prod.named(f"{lb}-member-provisioning-hss-fe-2").inputs["weight"] == 2
    monitor = prod.named(f"{lb}-monitor-provisioning")
    assert (monitor.inputs["type"], monitor.inputs["urlPath"]) == ("HTTP", "/health")
    assert prod.named(f"{lb}-monitor-sip").inputs["type"] == "TCP"


# ------------------------------------------------------------------------------------- validation


def _raw() -> dict[str, Any]:
    cfg = stack_config("prod")
    return {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.items() if k.startswith(NS)}


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(settings.ConfigError) as info:
        settings.parse(raw)
    return [str(p) for p in info.value.problems]


def _set(path: str, value: Any, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = _raw() if raw is None else raw
    node: Any = raw["tenants"]
    *parts, last = path.split(".")
    for part in parts:
        node = node[int(part)] if part.isdigit() else node[part]
    if isinstance(node, list) and int(last) == len(node):
        node.append(value)
    else:
        node[int(last) if last.isdigit() else last] = value
    return raw


CASES = [
    ("0.networks.0.gateway", "172.16.99.1", "tenants[0].networks[0].gateway", "is outside 172.16.10.0/24"),
    ("0.networks.0.allocationPools", [{"start": "172.16.10.1", "end": "172.16.10.50"}],
     "tenants[0].networks[0].allocationPools[0]", "contains the gateway"),
    ("0.networks.0.allocationPools", [{"start": "172.16.11.1", "end": "172.16.11.50"}],
     "tenants[0].networks[0].allocationPools[0]", "not a usable address"),
    ("0.securityGroups.1.rules.0.ports", 70000, "tenants[0].securityGroups[1].rules[0].ports", "ports are 1-65535"),
    ("0.securityGroups.1.rules.0.ports", "5000-4000", "tenants[0].securityGroups[1].rules[0].ports", "reversed"),
    ("0.securityGroups.0.rules.0.protocol", "gre", "tenants[0].securityGroups[0].rules[0].protocol", "is not one of"),
    ("0.securityGroups.0.rules.0.direction", "inbound", "tenants[0].securityGroups[0].rules[0].direction",
     "is not one of"),
    ("0.securityGroups.0.rules.0.remoteCidr", None, "tenants[0].securityGroups[0].rules[0].remoteCidr",
     "ingress rules need an explicit source"),
    ("0.securityGroups.2", {"name": "icmp-ports", "rules": [
        {"name": "ping", "direction": "egress", "protocol": "icmp", "ports": 8}]},
     "tenants[0].securityGroups[2].rules[0].ports", "ports do not apply to icmp; set icmpType"),
    ("1.floatingIps.0.address", "172.16.21.1", "tenants[1].floatingIps[0].address", "is the gateway of sip-access"),
    ("1.floatingIps.0.network", "nowhere", "tenants[1].floatingIps[0].network", "is not a network of tenant"),
    ("1.floatingIps.1", {"name": "twice", "network": "sip-access", "address": "172.16.21.10"},
     "tenants[1].floatingIps[1].address", "already has a floating IP"),
    ("0.router.routes.0.nextHop", "192.0.2.1", "tenants[0].router.routes[0].nextHop", "is on no routed network"),
    ("0.loadBalancers.0.listeners.0.monitor.timeout", 9, "tenants[0].loadBalancers[0].listeners[0].monitor.timeout",
     "exceeds delay"),
    ("0.loadBalancers.0.listeners.0.members.0.address", "10.9.9.9",
     "tenants[0].loadBalancers[0].listeners[0].members[0].address", "is on no network"),
    ("1.networks.1.cidr", "172.16.10.0/25", "tenants[1].networks[1].cidr", "overlaps"),
    ("1.networks.1.cidr", "198.51.100.0/25", "tenants[1].networks[1].cidr", "overlaps externalNetwork.cidr"),
    ("0.roleAssignments.0.user", "someone", "tenants[0].roleAssignments[0]", "exactly one of user or group"),
    # Retired keys: what VIO refuses, with the replacement.
    ("0.bgp", {"localAs": 65020, "peers": [{"name": "tor-a", "address": "198.51.100.2", "remoteAs": 65001}]},
     "tenants[0].bgp", "set `noNat: true`"),
    ("0.router.advertiseTenantNetworks", True, "tenants[0].router.advertiseTenantNetworks", "Tier-0 redistributes"),
    ("1.floatingIps.0.portForwards", [{"name": "sip", "protocol": "udp", "externalPort": 5060, "internalPort": 5060,
                                        "network": "sip-access", "address": "172.16.21.10"}],
     "tenants[1].floatingIps[0].portForwards", "or put an Octavia load balancer listener"),
    # Plugin rules (each has a passing twin in ACCEPTED below).
    ("0.networks.0.noNat", False, "tenants[0].networks[0].noNat", "no-SNAT router"),
    ("1.networks.0.noNat", True, "tenants[1].networks[0].noNat", "externalGateway: true and snat: false"),
    ("0.networks.2.noNat", True, "tenants[0].networks[2].noNat", "set routed: true"),
    ("0.router.externalGateway", False, "tenants[0].firewall", "only to routers with an external gateway"),
    ("0.firewall.networks", ["oam"], "tenants[0].firewall.networks[0]", "is not a routed network"),
    ("0.loadBalancers.0.network", "oam", "tenants[0].loadBalancers[0].network",
     "attached to a router with an external gateway"),
    ("0.loadBalancers.0.vipAddress", "172.16.10.21", "tenants[0].loadBalancers[0].vipAddress",
     "also the address of member 'mme-1'"),
    ("0.loadBalancers.0.vipAddress", "172.16.10.254", "tenants[0].loadBalancers[0].vipAddress",
     "already held by tenants[0].router.routes[0].nextHop"),
    ("0.loadBalancers.0.vipAddress", "172.16.10.255", "tenants[0].loadBalancers[0].vipAddress", "not a usable address"),
    ("0.loadBalancers.0.vipAddress", "172.16.10.0", "tenants[0].loadBalancers[0].vipAddress", "not a usable address"),
]

ACCEPTED = [
    ("a network on the no-SNAT router from the routable pool", [("0.networks.2.routed", True),
                                                                 ("0.networks.2.noNat", True)]),
    ("FWaaS on one router interface of a router with a gateway", [("0.firewall.networks", ["sgi"])]),
    ("an Octavia VIP on another routed network", [("0.loadBalancers.0.network", "sgi"),
                                                  ("0.loadBalancers.0.vipAddress", "172.16.11.20")]),
    ("a VIP on a free address", [("0.loadBalancers.0.vipAddress", "172.16.10.30")]),
    ("a second floating IP for another service port", [("1.floatingIps.1", {"name": "sbc-b", "network": "sip-access",
                                                                            "address": "172.16.21.11"})]),
]


@pytest.mark.parametrize(("what", "changes"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_what_vios_plugin_accepts_passes(what: str, changes: list[tuple[str, Any]]) -> None:
    raw = _raw()
    for path, value in changes:
        raw = _set(path, value, raw)
    settings.parse(raw)


def test_a_vip_on_a_floating_ip_port_address_is_rejected() -> None:
    raw = _set("1.loadBalancers.0.network", "sip-access")
    raw = _set("1.loadBalancers.0.vipAddress", "172.16.21.10", raw)
    problems = [p for p in _problems(raw) if p.startswith("vio-nfv:tenants[1].loadBalancers[0].vipAddress: ")]
    assert problems and "already held by tenants[1].floatingIps[0].address" in problems[0]


def test_two_vips_on_one_address_are_rejected() -> None:
    raw = _raw()
    second = copy.deepcopy(raw["tenants"][0]["loadBalancers"][0])
    second["name"] = "mme-pool-b"
    raw["tenants"][0]["loadBalancers"].append(second)
    problems = [p for p in _problems(raw) if p.startswith("vio-nfv:tenants[0].loadBalancers[1].vipAddress: ")]
    assert problems and "already held by tenants[0].loadBalancers[0].vipAddress" in problems[0]


def test_retired_keys_are_reported_once_without_unknown_key_noise() -> None:
    raw = _set("0.bgp", {"localAs": 65020, "advertiseFloatingIps": True, "peers": []})
    problems = _problems(raw)
    assert [p.split(": ")[0] for p in problems] == ["vio-nfv:tenants[0].bgp"]


def test_retired_keys_are_rejected_in_a_tenant_stack_too() -> None:
    raw = {
        "platformStack": "organization/vio-nfv/dev",
        "tenantOpenstack": {"username": "svc"},
        "tenant": {"name": "apps", "networks": [{"name": "front", "cidr": "172.31.10.0/24"}],
                   "router": {"snat": True}, "bgp": {"localAs": 65030, "peers": []},
                   "floatingIps": [{"name": "api", "network": "front", "address": "172.31.10.10",
                                    "portForwards": []}]},
    }
    with pytest.raises(settings.ConfigError) as info:
        settings.parse_tenant_stack(raw)
    keys = [p.key for p in info.value.problems]
    assert keys == ["tenant.bgp", "tenant.floatingIps[0].portForwards"]


@pytest.mark.parametrize(("path", "value", "key", "message"), CASES, ids=[c[2] + ":" + c[3] for c in CASES])
def test_invalid_tenant_config_is_reported_with_its_key_and_fix(path: str, value: Any, key: str, message: str) -> None:
    problems = _problems(_set(path, value))
    mine = [p for p in problems if p.startswith(f"vio-nfv:{key}: ")]
    assert mine and message in mine[0], problems


def test_ingress_from_anywhere_is_allowed_only_when_written_out() -> None:
    sbc = next(g for g in settings.parse(_raw()).tenants[1].security_groups if g.name == "sbc")
    assert {str(r.remote_cidr) for r in sbc.rules} == {"0.0.0.0/0"}


def test_every_problem_of_a_bad_tenant_is_reported_at_once() -> None:
    raw = _set("0.networks.0.gateway", "172.16.99.1")
    raw["tenants"][0]["securityGroups"][0]["rules"][0]["ports"] = "x"
    keys = {p.split(": ")[0] for p in _problems(raw)}
    assert {"vio-nfv:tenants[0].networks[0].gateway", "vio-nfv:tenants[0].securityGroups[0].rules[0].ports"} <= keys


@given(st.integers(1, 65535), st.integers(1, 65535))
def test_port_range_accepts_exactly_ascending_ranges_of_valid_ports(a: int, b: int) -> None:
    if a <= b:
        assert settings.port_range(f"{a}-{b}") == (a, b)
    else:
        with pytest.raises(ValueError, match="reversed"):
            settings.port_range(f"{a}-{b}")
    assert settings.port_range(a) == (a, a)


@given(st.integers(-10, 0) | st.integers(65536, 10**6))
def test_port_range_rejects_ports_outside_1_65535(port: int) -> None:
    with pytest.raises(ValueError):
        settings.port_range(port)


def test_the_component_refuses_a_vip_or_floating_ip_off_the_router_before_registering() -> None:
    from ipaddress import IPv4Address, IPv4Network

    from components import tenant_network as tn

    net = tn.NetworkArgs("back", IPv4Network("10.0.0.0/24"), IPv4Address("10.0.0.1"), routed=False)
    lb = tn.LoadBalancerArgs("lb", "back", listeners=())
    with pytest.raises(ValueError, match="load balancer on 'back' needs a routed network"):
        tn._check("t", tn.TenantNetworkArgs("t", networks=(net,), router=tn.RouterArgs(), load_balancers=(lb,)))
    fip = tn.FloatingIpArgs("api", "back", IPv4Address("10.0.0.10"))
    with pytest.raises(ValueError, match="floating IP on 'back'"):
        tn._check("t", tn.TenantNetworkArgs("t", networks=(net,), router=tn.RouterArgs(), floating_ips=(fip,)))
    routed = tn.NetworkArgs("back", IPv4Network("10.0.0.0/24"), IPv4Address("10.0.0.1"))
    tn._check("t", tn.TenantNetworkArgs("t", networks=(routed,), router=tn.RouterArgs(), load_balancers=(lb,)))
