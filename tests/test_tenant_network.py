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
    "networking/routerInterface:RouterInterface", "networking/floatingIp:FloatingIp",
    "networking/portForwardingV2:PortForwardingV2", "networking/secGroup:SecGroup",
    "networking/secGroupRule:SecGroupRule", "firewall/groupV2:GroupV2", "firewall/policyV2:PolicyV2",
    "firewall/ruleV2:RuleV2", "networking/routerRoute:RouterRoute", "networking/bgpSpeakerV2:BgpSpeakerV2",
    "networking/bgpPeerV2:BgpPeerV2", "loadbalancer/loadBalancer:LoadBalancer", "loadbalancer/listener:Listener",
    "loadbalancer/pool:Pool", "loadbalancer/member:Member", "loadbalancer/monitor:Monitor",
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


def test_logical_names_are_keyed_by_tenant_network_and_rule_names(prod: Evaluation) -> None:
    names = {r.name for r in _children(prod, "vepc")}
    for expected in [
        "vio-vepc-net-s1-mme", "vio-vepc-subnet-sgi", "vio-vepc-router", "vio-vepc-router-if-oam",
        "vio-vepc-route-ran-backhaul", "vio-vepc-fip-pgw-sgi", "vio-vepc-dnat-pgw-sgi-gtp-u",
        "vio-vepc-dnat-port-sgi-172-16-11-10", "vio-vepc-sg-mme-rule-s1ap", "vio-vepc-fw",
        "vio-vepc-fw-ingress-rule-gtp", "vio-vepc-bgp", "vio-vepc-bgp-peer-tor-a", "vio-vepc-lb-mme-pool",
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


def test_subnet_carries_gateway_dns_dhcp_and_pools(prod: Evaluation) -> None:
    subnet = prod.named("vio-vepc-subnet-s1-mme")
    assert subnet.inputs["gatewayIp"] == "172.16.10.1"
    assert subnet.inputs["dnsNameservers"] == ["10.100.0.53", "10.100.1.53"]
    assert subnet.inputs["allocationPools"] == [{"start": "172.16.10.100", "end": "172.16.10.199"}]
    assert prod.named("vio-vepc-subnet-oam").inputs["enableDhcp"] is False


def test_dnat_forwards_share_one_port_per_target_address(prod: Evaluation) -> None:
    port = prod.named("vio-vepc-dnat-port-sgi-172-16-11-10")
    forwards = [prod.named(f"vio-vepc-dnat-pgw-sgi-{n}") for n in ("gtp-u", "gtp-c")]
    assert [f.inputs["externalPort"] for f in forwards] == [2152, 2123]
    assert all(port.urn in f.property_dependencies["internalPortId"] for f in forwards)
    assert port.inputs["fixedIps"][0]["ipAddress"] == "172.16.11.10"


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


def test_bgp_speaker_binds_the_external_network_and_uses_a_routable_pool(prod: Evaluation) -> None:
    speaker = prod.named("vio-vims-bgp")
    assert speaker.inputs["networks"] == [prod.outputs["externalNetworkId"]]
    assert speaker.inputs["advertiseTenantNetworks"] is False
    assert len(speaker.inputs["peers"]) == 1
    pool = prod.named("vio-vepc-subnet-pool")
    assert pool.inputs["addressScopeId"] == prod.outputs["routableAddressScopeId"]
    assert pool.inputs["prefixes"] == ["172.16.10.0/24", "172.16.11.0/24", "172.16.12.0/24"]


def test_load_balancer_listener_pool_members_monitor(prod: Evaluation) -> None:
    lb = "vio-vims-lb-cscf"
    assert prod.named(f"{lb}-pool-provisioning").inputs["lbMethod"] == "LEAST_CONNECTIONS"
    assert prod.named(f"{lb}-member-provisioning-hss-fe-2").inputs["weight"] == 2
    monitor = prod.named(f"{lb}-monitor-provisioning")
    assert (monitor.inputs["type"], monitor.inputs["urlPath"]) == ("HTTP", "/health")
    assert prod.named(f"{lb}-monitor-sip").inputs["type"] == "UDP-CONNECT"


# ------------------------------------------------------------------------------------- validation


def _raw() -> dict[str, Any]:
    cfg = stack_config("prod")
    return {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.items() if k.startswith(NS)}


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(settings.ConfigError) as info:
        settings.parse(raw)
    return [str(p) for p in info.value.problems]


def _set(path: str, value: Any) -> dict[str, Any]:
    raw = _raw()
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
    ("0.securityGroups.0.rules.0.ports", 70000, "tenants[0].securityGroups[0].rules[0].ports", "ports are 1-65535"),
    ("0.securityGroups.0.rules.0.ports", "5000-4000", "tenants[0].securityGroups[0].rules[0].ports", "reversed"),
    ("0.securityGroups.0.rules.0.protocol", "gre", "tenants[0].securityGroups[0].rules[0].protocol", "is not one of"),
    ("0.securityGroups.0.rules.0.direction", "inbound", "tenants[0].securityGroups[0].rules[0].direction",
     "is not one of"),
    ("0.securityGroups.0.rules.0.remoteCidr", None, "tenants[0].securityGroups[0].rules[0].remoteCidr",
     "ingress rules need an explicit source"),
    ("0.securityGroups.2", {"name": "icmp-ports", "rules": [
        {"name": "ping", "direction": "egress", "protocol": "icmp", "ports": 8}]},
     "tenants[0].securityGroups[2].rules[0].ports", "ports apply to tcp, udp and sctp only"),
    ("0.floatingIps.0.portForwards.0.externalPort", 0, "tenants[0].floatingIps[0].portForwards[0].externalPort",
     "greater than or equal to 1"),
    ("0.floatingIps.0.portForwards.0.address", "172.16.11.1", "tenants[0].floatingIps[0].portForwards[0].address",
     "is the gateway of sgi"),
    ("0.router.routes.0.nextHop", "192.0.2.1", "tenants[0].router.routes[0].nextHop", "is on no routed network"),
    ("0.loadBalancers.0.listeners.0.monitor.timeout", 9, "tenants[0].loadBalancers[0].listeners[0].monitor.timeout",
     "exceeds delay"),
    ("0.loadBalancers.0.listeners.0.members.0.address", "10.9.9.9",
     "tenants[0].loadBalancers[0].listeners[0].members[0].address", "is on no network"),
    ("0.firewall.networks", ["nowhere"], "tenants[0].firewall.networks[0]", "is not a routed network"),
    ("0.bgp.peers.0.remoteAs", 65020, "tenants[0].bgp.peers[0].remoteAs", "equals localAs"),
    ("1.networks.1.cidr", "172.16.10.0/25", "tenants[1].networks[1].cidr", "overlaps"),
    ("1.networks.1.cidr", "198.51.100.0/25", "tenants[1].networks[1].cidr", "overlaps externalNetwork.cidr"),
    ("0.roleAssignments.0.user", "someone", "tenants[0].roleAssignments[0]", "exactly one of user or group"),
]


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
