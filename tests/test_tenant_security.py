"""Tenant security as VIO enforces it (components/vio_enforcement.py): every value VIO's NSX-T plugin, FWaaS
driver or Octavia driver would weaken or refuse is a config error naming its key and value, each with a
passing twin; egress rules are the only egress; no project admin without saying it is cloud-wide; identity
lookups carry their domain."""

from __future__ import annotations

import copy
from ipaddress import IPv4Network
from typing import Any

import pytest

from components import settings, vio_enforcement
from offline.evaluate import Evaluation, evaluate, stack_config

NS = "vio-nfv:"


def _raw(stack: str = "prod") -> dict[str, Any]:
    cfg = stack_config(stack)
    return {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.items() if k.startswith(NS)}


def _apply(changes: dict[str, Any], raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """{"tenants.0.securityGroups.0.rules.0.ports": 1} on a copy of the prod config; None deletes."""
    raw = _raw() if raw is None else raw
    for path, value in changes.items():
        node: Any = raw
        *parts, last = path.split(".")
        for part in parts:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if value is None:
            del node[key]
        elif isinstance(node, list) and key == len(node):
            node.append(value)
        else:
            node[key] = value
    return raw


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(settings.ConfigError) as info:
        settings.parse(raw)
    return [str(p) for p in info.value.problems]


MME = "tenants.0.securityGroups.0.rules.0"  # s1ap: sctp from the RAN
PGW_ICMP = "tenants.0.securityGroups.1.rules.2"  # icmp from the OAM network
FW_IN = "tenants.0.firewall.ingress.0"  # gtp: udp 2123-2152
SIP = "tenants.1.loadBalancers.0.listeners.0"  # TCP 5060
VNFM = "tenants.0.roleAssignments.1"  # svc-vepc-vnfm

# (what, changes, full key, bad value and words of the message)
REJECTED = [
    ("sctp ports open every sctp port", {f"{MME}.ports": 36412},
     "tenants[0].securityGroups[0].rules[0].ports", ["36412", "VIO cannot limit sctp by port", "Remove ports"]),
    ("ports on icmp", {f"{PGW_ICMP}.ports": 8}, "tenants[0].securityGroups[1].rules[2].ports",
     ["8", "set icmpType"]),
    ("ports on every protocol", {f"{MME}.protocol": "any", f"{MME}.ports": 80},
     "tenants[0].securityGroups[0].rules[0].ports", ["80", "ports need a protocol"]),
    ("an ICMP type outside nsxlib's strict list", {f"{PGW_ICMP}.icmpType": 6},
     "tenants[0].securityGroups[1].rules[2].icmpType", ["6:", "accepts ICMP types 0, 3, 4"]),
    ("an ICMP code its type does not have", {f"{PGW_ICMP}.icmpType": 3, f"{PGW_ICMP}.icmpCode": 16},
     "tenants[0].securityGroups[1].rules[2].icmpCode", ["16:", "type 3 takes code(s) 0-15"]),
    ("router advertisement code 16 (refused in strict mode)", {f"{PGW_ICMP}.icmpType": 9, f"{PGW_ICMP}.icmpCode": 16},
     "tenants[0].securityGroups[1].rules[2].icmpCode", ["16:", "type 9 takes code(s) 0"]),
    ("an ICMP code without its type", {f"{PGW_ICMP}.icmpCode": 0},
     "tenants[0].securityGroups[1].rules[2].icmpCode", ["needs its type"]),
    ("an ICMP type on tcp", {"tenants.1.securityGroups.0.rules.1.icmpType": 8},
     "tenants[1].securityGroups[0].rules[1].icmpType", ["apply to protocol icmp only, not 'tcp'"]),
    ("a 0.0.0.0/N remote is applied as any address", {f"{MME}.remoteCidr": "0.0.0.0/1"},
     "tenants[0].securityGroups[0].rules[0].remoteCidr", ["0.0.0.0/1", "match the whole internet"]),
    ("FWaaS reject is a silent drop on VIO", {f"{FW_IN}.action": "reject"},
     "tenants[0].firewall.ingress[0].action", ["'reject'", "Write action: deny"]),
    ("a 0.0.0.0/N FWaaS source", {f"{FW_IN}.source": "0.0.0.0/8"},
     "tenants[0].firewall.ingress[0].source", ["0.0.0.0/8", "any address"]),
    ("a 0.0.0.0/N FWaaS destination", {"tenants.0.firewall.ingress.1.destination": "0.0.0.0/2"},
     "tenants[0].firewall.ingress[1].destination", ["0.0.0.0/2", "any address"]),
    ("FWaaS ports on icmp", {f"{FW_IN}.protocol": "icmp"},
     "tenants[0].firewall.ingress[0].destinationPorts", ["'2123-2152'", "tcp or udp only, not 'icmp'"]),
    ("a UDP listener", {f"{SIP}.protocol": "UDP", f"{SIP}.monitor.type": "TCP"},
     "tenants[1].loadBalancers[0].listeners[0].protocol", ["UDP:", "(VIO 7.3.0)", "supports TCP, HTTP, HTTPS"]),
    ("a UDP-CONNECT monitor", {f"{SIP}.protocol": "UDP", f"{SIP}.monitor.type": "UDP-CONNECT"},
     "tenants[1].loadBalancers[0].listeners[0].monitor.type", ["UDP-CONNECT:", "supports PING, TCP, HTTP, HTTPS"]),
    ("a TLS-HELLO monitor", {f"{SIP}.monitor.type": "TLS-HELLO"},
     "tenants[1].loadBalancers[0].listeners[0].monitor.type", ["TLS-HELLO:", "goes to ERROR"]),
    ("SOURCE_IP_PORT becomes round robin", {f"{SIP}.method": "SOURCE_IP_PORT"},
     "tenants[1].loadBalancers[0].listeners[0].method", ["SOURCE_IP_PORT:", "round robin instead"]),
    ("a range of expected codes", {"tenants.1.loadBalancers.0.listeners.1.monitor.expectedCodes": "200-204"},
     "tenants[1].loadBalancers[0].listeners[1].monitor.expectedCodes", ["'200-204'", "not a range"]),
    ("admin on a project", {f"{VNFM}.role": "admin"}, "tenants[0].roleAssignments[1].role",
     ["'admin'", "administration of the whole cloud", "use member or reader", "cloudAdmin: true"]),
    ("Admin spelt otherwise (Keystone role names are case-insensitive)", {f"{VNFM}.role": "Admin"},
     "tenants[0].roleAssignments[1].role", ["'admin'", "whole cloud"]),
]

ACCEPTED = [
    ("sctp without ports, limited by its source", {}),
    ("udp and tcp port ranges", {f"{MME}.protocol": "udp", f"{MME}.ports": "36412-36413"}),
    ("echo requests only", {f"{PGW_ICMP}.icmpType": 8}),
    ("port unreachable", {f"{PGW_ICMP}.icmpType": 3, f"{PGW_ICMP}.icmpCode": 3}),
    ("echo reply (type 0, code 0)", {f"{PGW_ICMP}.icmpType": 0, f"{PGW_ICMP}.icmpCode": 0}),
    ("a written-out 0.0.0.0/0 remote", {f"{MME}.remoteCidr": "0.0.0.0/0"}),
    ("a prefix that does not start at 0.0.0.0", {f"{MME}.remoteCidr": "1.0.0.0/8"}),
    ("FWaaS deny", {f"{FW_IN}.action": "deny"}),
    ("FWaaS from anywhere written out", {f"{FW_IN}.source": "0.0.0.0/0"}),
    ("a TCP listener with a PING monitor", {f"{SIP}.monitor.type": "PING"}),
    ("HTTPS passed through with an HTTPS monitor", {f"{SIP}.protocol": "HTTPS", f"{SIP}.monitor.type": "HTTPS"}),
    ("SOURCE_IP hashing", {f"{SIP}.method": "SOURCE_IP"}),
    ("a list of expected codes", {"tenants.1.loadBalancers.0.listeners.1.monitor.expectedCodes": "200,202"}),
    ("reader on a project", {f"{VNFM}.role": "reader"}),
    ("admin granted cloud-wide on purpose", {f"{VNFM}.role": "admin", f"{VNFM}.cloudAdmin": True}),
]


@pytest.mark.parametrize(("what", "changes", "key", "words"), REJECTED, ids=[r[0] for r in REJECTED])
def test_what_vio_would_weaken_or_refuse_is_an_error_naming_key_and_value(
    what: str, changes: dict[str, Any], key: str, words: list[str]
) -> None:
    problems = _problems(_apply(changes))
    mine = [p for p in problems if p.startswith(f"{NS}{key}: ")]
    assert len(mine) == 1, problems
    for word in words:
        assert word in mine[0], mine[0]


@pytest.mark.parametrize(("what", "changes"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_what_vio_enforces_as_written_passes(what: str, changes: dict[str, Any]) -> None:
    settings.parse(_apply(changes))


def test_the_rules_of_the_configured_vio_release_apply() -> None:
    assert vio_enforcement.release("7.3.0") == ("VIO 7.3.0", vio_enforcement.RELEASES["7"])
    assert vio_enforcement.release("7")[1] is vio_enforcement.RELEASES["7"]
    label, common = vio_enforcement.release(None)
    assert label == "every VIO release" and common.listener_protocols == ("TCP", "HTTP", "HTTPS")
    problems = _problems(_apply({"vio.version": "7.0.1", f"{SIP}.protocol": "UDP"}))
    assert any("(VIO 7.0.1)" in p for p in problems), problems


def test_a_tenant_stack_gets_the_same_rules_under_its_own_namespace() -> None:
    tenant = {"name": "apps", "networks": [{"name": "front", "cidr": "172.31.10.0/24"}], "router": {"snat": True},
              "securityGroups": [{"name": "api", "rules": [
                  {"name": "s1", "direction": "ingress", "protocol": "sctp", "ports": 36412,
                   "remoteCidr": "10.40.0.0/16"}]}]}
    raw = {"platformStack": "organization/vio-nfv/dev", "tenantOpenstack": {"username": "svc"}, "tenant": tenant}
    with pytest.raises(settings.ConfigError) as info:
        settings.parse_tenant_stack(raw)
    assert [str(p).split(": ")[0] for p in info.value.problems] == ["vio-nfv-tenant:tenant.securityGroups[0].rules[0].ports"]
    del tenant["securityGroups"][0]["rules"][0]["ports"]
    settings.parse_tenant_stack(raw)


def test_nothing_is_registered_when_a_rule_is_broken() -> None:
    cfg = stack_config("prod")
    cfg = copy.deepcopy(cfg)
    cfg[NS + "tenants"][0]["securityGroups"][0]["rules"][0]["ports"] = 36412
    evaluation = evaluate("prod", config=cfg)
    assert isinstance(evaluation.error, settings.ConfigError)
    assert evaluation.resources == []


# ------------------------------------------------------------------------------------ egress as configured


def test_a_group_listing_egress_rules_deletes_neutrons_default_egress(prod: Evaluation) -> None:
    cscf = prod.named("vio-vims-sg-cscf")
    assert cscf.inputs.get("deleteDefaultRules") is True
    egress = {r.name for r in prod.by_type("openstack:networking/secGroupRule:SecGroupRule")
              if r.inputs["direction"] == "egress" and cscf.urn in r.property_dependencies["securityGroupId"]}
    assert egress == {"vio-vims-sg-cscf-rule-egress-core", "vio-vims-sg-cscf-rule-dns"}


def test_a_group_listing_no_egress_keeps_the_defaults(prod: Evaluation) -> None:
    for name in ("vio-vepc-sg-mme", "vio-vepc-sg-pgw", "vio-vims-sg-sbc"):
        assert "deleteDefaultRules" not in prod.named(name).inputs, name


def test_the_offline_plan_shows_which_egress_each_group_allows(prod: Evaluation) -> None:
    from offline.__main__ import render_tree

    lines = render_tree(prod)
    assert any("SecGroup vio-vims-sg-cscf " in line and "egress: its rules only" in line for line in lines)
    assert any("SecGroup vio-vepc-sg-mme " in line and "egress: Neutron's default" in line for line in lines)


# ----------------------------------------------------------------------------- identity and least privilege


def _lookups(evaluation: Evaluation, token: str) -> dict[str, dict[str, Any]]:
    return {i.args["name"]: i.args for i in evaluation.invokes if i.token == f"openstack:identity/{token}"}


def test_identity_lookups_carry_the_stacks_domain(prod: Evaluation) -> None:
    users, groups = _lookups(prod, "getUser:getUser"), _lookups(prod, "getGroup:getGroup")
    assert users["svc-vepc-vnfm"]["domainId"] == "default"
    assert {g["domainId"] for g in groups.values()} == {"default"} and len(groups) == 2


def test_an_assignment_or_the_stack_names_another_domain() -> None:
    cfg = copy.deepcopy(stack_config("prod"))
    cfg[NS + "openstack"]["identityDomainId"] = "d4e0c1a7"
    cfg[NS + "tenants"][0]["roleAssignments"][1]["domainId"] = "ldap-telco"
    evaluation = evaluate("prod", config=cfg)
    assert evaluation.error is None, evaluation.error
    assert _lookups(evaluation, "getUser:getUser")["svc-vepc-vnfm"]["domainId"] == "ldap-telco"
    assert _lookups(evaluation, "getGroup:getGroup")["vepc-operators"]["domainId"] == "d4e0c1a7"


def test_a_cloud_admin_grant_on_purpose_is_named_so_and_keeps_the_old_grant() -> None:
    cfg = copy.deepcopy(stack_config("prod"))
    cfg[NS + "tenants"][0]["roleAssignments"][1].update(role="admin", cloudAdmin=True)
    evaluation = evaluate("prod", config=cfg)
    assert evaluation.error is None, evaluation.error
    grant = evaluation.named("vio-os-role-vepc-user-svc-vepc-vnfm-admin-cloud-wide")
    assert grant.aliases == ["vio-os-role-vepc-user-svc-vepc-vnfm-admin"], "marking a grant keeps it, no re-grant"


def test_the_tenant_component_refuses_what_vio_would_weaken() -> None:
    from components import tenant_network as tn

    rule = tn.SecurityRuleArgs("s1ap", "ingress", "sctp", (36412, 36412), IPv4Network("10.40.0.0/16"))
    with pytest.raises(ValueError, match="VIO cannot limit sctp by port"):
        tn._check("t", tn.TenantNetworkArgs("t", security_groups=(tn.SecurityGroupArgs("mme", rules=(rule,)),)))
    ping = tn.SecurityRuleArgs("ping", "ingress", "icmp", None, IPv4Network("10.0.0.0/8"), icmp_type=6)
    with pytest.raises(ValueError, match="accepts ICMP types"):
        tn._check("t", tn.TenantNetworkArgs("t", security_groups=(tn.SecurityGroupArgs("g", rules=(ping,)),)))
    ok = tn.SecurityRuleArgs("s1ap", "ingress", "sctp", None, IPv4Network("10.40.0.0/16"))
    tn._check("t", tn.TenantNetworkArgs("t", security_groups=(tn.SecurityGroupArgs("mme", rules=(ok,)),)))


PLATFORM_PROGRAM = """
import pulumi, pulumi_openstack as openstack
from components.openstack_platform import OpenStackPlatform, OpenStackPlatformArgs, ProjectArgs, RoleAssignmentArgs
grants = (RoleAssignmentArgs("member", group="ops"), RoleAssignmentArgs("admin", user="vnfm", cloud_admin=CLOUD_ADMIN))
args = OpenStackPlatformArgs(tier0_id="t0", external=None, projects=(ProjectArgs("vepc", role_assignments=grants),))
OpenStackPlatform("os", args, opts=pulumi.ResourceOptions(provider=openstack.Provider("os")))
"""


@pytest.mark.parametrize("cloud_admin", [False, True])
def test_the_platform_component_grants_admin_only_when_told_it_is_cloud_wide(tmp_path: Any, cloud_admin: bool) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(PLATFORM_PROGRAM.replace("CLOUD_ADMIN", str(cloud_admin)))
    evaluation = evaluate("x", program=program, config={})
    grants = [r.name for r in evaluation.by_type("openstack:identity/roleAssignment:RoleAssignment")]
    if cloud_admin:
        assert evaluation.error is None, evaluation.error
        assert grants == ["os-role-vepc-group-ops-member", "os-role-vepc-user-vnfm-admin-cloud-wide"]
    else:
        assert isinstance(evaluation.error, ValueError) and "whole cloud" in str(evaluation.error)
        assert "os-role-vepc-user-vnfm-admin" not in grants
