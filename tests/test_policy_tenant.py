"""The policy pack's tenant-security policies (for stacks that bypass the components): each catches what VIO
would weaken or refuse and passes what it enforces as written; the pack's copy of the plugin tables equals
components/vio_enforcement.py; the real prod program passes and its old tenant layer would not."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from pulumi_policy import PolicyResource

from components import vio_enforcement as ve
from offline.evaluate import Evaluation
from tests.test_policy import _opts, _resource_violations, _stack_violations, stack_args, violations, vp


def _rule(**props: Any) -> dict[str, Any]:
    return {"direction": "ingress", "ethertype": "IPv4", "remoteIpPrefix": "10.40.0.0/16", **props}


@pytest.mark.parametrize(("props", "words"), [
    (_rule(protocol="sctp", portRangeMin=36412, portRangeMax=36412), "every sctp port would be open"),
    (_rule(protocol="132", portRangeMin=3868, portRangeMax=3868), "every 132 port would be open"),
    (_rule(protocol="icmp", portRangeMin=6), "ICMP type 6 is refused"),
    (_rule(protocol="icmp", portRangeMin=3, portRangeMax=16), "ICMP code 16 is refused"),
    (_rule(protocol="tcp", portRangeMin=22, portRangeMax=22, remoteIpPrefix="0.0.0.0/1"), "as any address"),
])
def test_secgroup_rule_policy_reports_what_vio_weakens(props: dict[str, Any], words: str) -> None:
    found = _resource_violations(vp.secgroup_rules_as_enforced, vp.SECGROUP_RULE_TYPE, props)
    assert len(found) == 1 and words in found[0], found


@pytest.mark.parametrize("props", [
    _rule(protocol="sctp"),
    _rule(protocol="udp", portRangeMin=2123, portRangeMax=2152),
    _rule(protocol="6", portRangeMin=443, portRangeMax=443),
    _rule(protocol="icmp", portRangeMin=8, portRangeMax=0),
    _rule(protocol="icmp"),
    _rule(protocol="tcp", portRangeMin=5061, portRangeMax=5061, remoteIpPrefix="0.0.0.0/0"),
])
def test_secgroup_rule_policy_passes_what_vio_enforces(props: dict[str, Any]) -> None:
    assert _resource_violations(vp.secgroup_rules_as_enforced, vp.SECGROUP_RULE_TYPE, props) == []


def test_firewall_rule_policy() -> None:
    check = vp.firewall_rules_as_enforced
    assert "silent drop" in _resource_violations(check, vp.FW_RULE_TYPE, {"action": "reject"})[0]
    assert "as any address" in _resource_violations(
        check, vp.FW_RULE_TYPE, {"action": "allow", "destinationIpAddress": "0.0.0.0/8"})[0]
    for ok in ({"action": "deny"}, {"action": "allow", "sourceIpAddress": "0.0.0.0/0"},
               {"action": "allow", "sourceIpAddress": "10.40.0.0/16", "protocol": "udp", "destinationPort": "5060"}):
        assert _resource_violations(check, vp.FW_RULE_TYPE, ok) == [], ok


@pytest.mark.parametrize(("typ", "props", "bad"), [
    (vp.LISTENER_TYPE, {"protocol": "UDP", "protocolPort": 5060}, True),
    (vp.LISTENER_TYPE, {"protocol": "TCP", "protocolPort": 5060}, False),
    (vp.POOL_TYPE, {"protocol": "TCP", "lbMethod": "SOURCE_IP_PORT"}, True),
    (vp.POOL_TYPE, {"protocol": "TCP", "lbMethod": "SOURCE_IP"}, False),
    (vp.MONITOR_TYPE, {"type": "UDP-CONNECT", "delay": 5}, True),
    (vp.MONITOR_TYPE, {"type": "HTTP", "expectedCodes": "200-204"}, True),
    (vp.MONITOR_TYPE, {"type": "HTTP", "expectedCodes": "200,202"}, False),
    (vp.MONITOR_TYPE, {"type": "PING"}, False),
])
def test_octavia_policy(typ: str, props: dict[str, Any], bad: bool) -> None:
    found = _resource_violations(vp.octavia_as_supported, typ, props)
    assert bool(found) == bad, found
    if bad:
        assert "VIO" in found[0]


def _resource(typ: str, name: str, props: dict[str, Any]) -> PolicyResource:
    return PolicyResource(typ, props, f"urn:x::{name}", name, _opts(), None, None, [], {})


@pytest.mark.parametrize(("delete_defaults", "violated"), [(None, True), (False, True), (True, False)])
def test_egress_policy_needs_default_egress_deleted_beside_egress_rules(delete_defaults: bool | None,
                                                                         violated: bool) -> None:
    props = {"name": "cscf"} if delete_defaults is None else {"name": "cscf", "deleteDefaultRules": delete_defaults}
    group = _resource(vp.SECGROUP_TYPE, "sg-cscf", props)
    egress = _resource(vp.SECGROUP_RULE_TYPE, "sg-cscf-rule-core", {"direction": "egress", "protocol": None})
    egress.property_dependencies = {"securityGroupId": [group]}
    ingress = _resource(vp.SECGROUP_RULE_TYPE, "sg-cscf-rule-sip", {"direction": "ingress", "protocol": "udp"})
    ingress.property_dependencies = {"securityGroupId": [group]}
    found = _stack_violations(vp.egress_as_configured, [group, egress, ingress])
    assert bool(found) == violated, found
    if violated:
        assert found == [(found[0][0], group.urn)] and "restricts nothing" in found[0][0]


def test_egress_policy_leaves_a_group_without_egress_rules_alone() -> None:
    group = _resource(vp.SECGROUP_TYPE, "sg-sbc", {"name": "sbc"})
    rule = _resource(vp.SECGROUP_RULE_TYPE, "sg-sbc-rule-sip", {"direction": "ingress"})
    rule.property_dependencies = {"securityGroupId": [group]}
    assert _stack_violations(vp.egress_as_configured, [group, rule]) == []


@pytest.mark.parametrize(("name", "props", "violated"), [
    ("vio-os-role-vepc-user-vnfm-admin", {"projectId": "p", "roleId": "r", "userId": "u"}, True),
    ("vio-os-role-vepc-user-vnfm-admin-cloud-wide", {"projectId": "p", "roleId": "r", "userId": "u"}, False),
    ("vio-os-role-vepc-user-vnfm-member", {"projectId": "p", "roleId": "r", "userId": "u"}, False),
    ("vio-os-role-vepc-user-admin-reader", {"projectId": "p", "roleId": "r", "userId": "u"}, False),
])
def test_no_tenant_cloud_admin_policy(name: str, props: dict[str, Any], violated: bool) -> None:
    found = _resource_violations(vp.no_tenant_cloud_admin, vp.ROLE_ASSIGNMENT_TYPE, props, name=name)
    assert bool(found) == violated, found
    if violated:
        assert "whole cloud" in found[0]


def test_the_packs_copy_of_the_plugin_tables_equals_the_components() -> None:
    vio7 = ve.RELEASES["7"]
    assert vp.ICMP_STRICT_TYPES == ve.ICMP_STRICT_TYPES
    assert {p for p in vp.PORT_PROTOCOLS if not p.isdigit()} == ve.PORT_PROTOCOLS
    assert (vp.VIO7_LISTENER_PROTOCOLS, vp.VIO7_MONITOR_TYPES, vp.VIO7_LB_METHODS) == (
        vio7.listener_protocols, vio7.monitor_types, vio7.lb_methods)
    assert vp.CLOUD_WIDE_SUFFIX == f"-{ve.ADMIN_ROLE}-cloud-wide"


def test_the_old_prod_tenant_layer_is_caught_by_the_pack(prod: Evaluation) -> None:
    """prod as it was before VIO's enforcement was modelled: SCTP ports, a UDP listener with a UDP-CONNECT
    monitor, egress rules beside the defaults and an admin grant."""
    old = copy.copy(prod)
    changed = []
    for r in prod.resources:
        inputs = dict(r.inputs)
        if r.name == "vio-vims-sg-cscf-rule-dns":  # added with the egress fix
            continue
        if r.name == "vio-vepc-sg-mme-rule-s1ap":
            inputs.update(portRangeMin=36412, portRangeMax=36412)
        elif r.name == "vio-vims-sg-cscf":
            inputs.pop("deleteDefaultRules")
        elif r.name == "vio-vims-lb-cscf-listener-sip":
            inputs["protocol"] = "UDP"
        elif r.name == "vio-vims-lb-cscf-monitor-sip":
            inputs["type"] = "UDP-CONNECT"
        elif r.name == "vio-os-role-vepc-user-svc-vepc-vnfm-member":
            r = dataclasses.replace(r, name="vio-os-role-vepc-user-svc-vepc-vnfm-admin")
        changed.append(dataclasses.replace(r, inputs=inputs))
    old.resources = changed
    found = sorted(v.split(":")[0] for v in violations(old))
    assert found == ["egress-as-configured", "no-tenant-cloud-admin",
                     "octavia-as-vio-supports", "octavia-as-vio-supports", "secgroup-rules-as-vio-enforces"], found
    assert violations(prod) == [] and stack_args(prod).resources
