"""The plan diff's replacement facts against the providers', and the day-2 changes they must call right.

Facts: ../shared/reference/provider-forcenew.json (beside the repository, never inside it), read from
vmware/terraform-provider-nsxt v3.11.0, terraform-provider-openstack v3.4.0 and terraform-provider-vsphere
v2.16.1. Day-2: changing the Tier-0's haMode replaces it without colliding with its fixed NSX id; reordering
any list whose order means nothing changes no resource input.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from offline.evaluate import Evaluation, evaluate, stack_config
from tools import plan_diff
from tools.plan_diff import REPLACE_ON_CHANGE, SOURCES_OUTSIDE_FACTS, diff_plans, render_text

ROOT = Path(__file__).resolve().parents[1]
FACTS_PATHS = (ROOT.parent / "shared" / "reference" / "provider-forcenew.json",
               Path("/work/shared/reference/provider-forcenew.json"))
TENANT_PROGRAM = ROOT / "examples" / "tenant-stack" / "__main__.py"
TIER0 = "nsxt:index/policyTier0Gateway:PolicyTier0Gateway"


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    path = next((p for p in FACTS_PATHS if p.exists()), None)
    if path is None:
        pytest.skip(f"provider ForceNew fact sheet not found at {' or '.join(map(str, FACTS_PATHS))} "
                    "(clone the repo beside shared/)")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def registered(prod: Evaluation, dev: Evaluation, three_pod: Evaluation) -> set[str]:
    """Every custom resource type the platform (all stacks) and the tenant-stack example register."""
    tenant = evaluate("apps", program=TENANT_PROGRAM, project="vio-nfv-tenant",
                      stack_outputs={"organization/vio-nfv/dev": dev.outputs})
    assert tenant.error is None, tenant.error
    return {r.type for ev in (prod, dev, three_pod, tenant) for r in ev.resources
            if r.custom and not r.type.startswith("pulumi:providers:")}


def test_every_registered_type_has_its_replacement_facts(registered: set[str]) -> None:
    assert sorted(registered - set(REPLACE_ON_CHANGE)) == []


def test_the_table_holds_no_type_the_program_does_not_register(registered: set[str]) -> None:
    # Types from SOURCES_OUTSIDE_FACTS may precede their first use (e.g. the plane's metadata proxy).
    assert sorted(set(REPLACE_ON_CHANGE) - registered - set(SOURCES_OUTSIDE_FACTS)) == []


def test_the_table_equals_the_providers_forcenew_arguments(facts: dict[str, Any], registered: set[str]) -> None:
    wrong = {
        typ: {"table": sorted(REPLACE_ON_CHANGE[typ]), "provider": sorted(args)}
        for typ, args in facts["forceNew"].items()
        if typ in REPLACE_ON_CHANGE and set(REPLACE_ON_CHANGE[typ]) != set(args)
    }
    assert wrong == {}
    outside = sorted(t for t in registered if t not in facts["forceNew"])
    assert outside == sorted(t for t in SOURCES_OUTSIDE_FACTS if t in registered), \
        "a registered type missing from the facts needs its source in SOURCES_OUTSIDE_FACTS"


def _expand(path: str) -> list[str]:
    """`ovfDeploy.{a,b}` -> two paths; `x[]` -> `x[0]`; `clone.*` -> `clone.anything`."""
    match = re.search(r"\{([^}]*)\}", path)
    paths = [path[: match.start()] + alt + path[match.end():] for alt in match.group(1).split(",")] if match else [path]
    return [p.replace("[]", "[0]").replace(".*", ".anything") for p in paths]


def test_nested_forcenew_inputs_replace_and_the_documented_exceptions_do_not(facts: dict[str, Any]) -> None:
    missed = [
        (typ, path)
        for typ, nested in facts["nestedForceNew"].items()
        for pattern in nested
        for path in _expand(pattern)
        if not plan_diff._replaces(typ, path)
    ]
    assert missed == []
    vm = "vsphere:index/virtualMachine:VirtualMachine"
    assert not plan_diff._replaces(vm, "clone.timeout")
    assert not plan_diff._replaces(vm, "clone.customize.networkInterfaces[0].ipv4Address")
    assert plan_diff._replaces(vm, "clone.templateUuid")


def test_network_segments_are_not_a_replacement_fact_and_dropped_types_are_gone() -> None:
    assert "segments" not in REPLACE_ON_CHANGE["openstack:networking/network:Network"]
    assert not [t for t in REPLACE_ON_CHANGE if re.search(r"bgpSpeaker|bgpPeer|portForwarding", t)]


# ------------------------------------------------------------------------------------- day 2: haMode


@pytest.fixture(scope="module")
def active_active(prod: Evaluation) -> Evaluation:
    nsx = copy.deepcopy(stack_config("prod")["vio-nfv:nsx"])
    nsx["tier0"]["haMode"] = "ACTIVE_ACTIVE"
    for uplink in nsx["tier0"]["uplinks"]:
        uplink.pop("haVip", None)
    evaluation = evaluate("prod", overrides={"vio-nfv:nsx": nsx})
    assert evaluation.error is None, evaluation.error
    return evaluation


def test_changing_the_tier0_ha_mode_is_a_flagged_delete_first_replacement(prod: Evaluation,
                                                                           active_active: Evaluation) -> None:
    diff = diff_plans(prod.plan(), active_active.plan())
    [tier0] = [r for r in diff.resources if r.type == TIER0]
    assert tier0.action == "replace"
    assert [c.path for c in tier0.changes if c.replaces] == ["haMode"]
    assert any("delete-first" in w for w in tier0.warnings)
    assert tier0 in diff.destructive
    # The fixed id stays, and nothing in the plan creates a second object under it before the old one goes.
    assert active_active.named("vio-res-nsx-tier0").inputs["nsxId"] == prod.named("vio-res-nsx-tier0").inputs["nsxId"]
    assert not [w for r in diff.resources for w in r.warnings if "collides" in w]
    # What hangs off the gateway by a ForceNew input goes down and comes back with it.
    with_it = {r.name for r in diff.resources if any("replaced with `vio-res-nsx-tier0`" in w for w in r.warnings)}
    assert {"vio-res-nsx-redistribution", "vio-res-nsx-uplink-uplink-a-edge-0", "vio-res-nsx-bgp-neighbor-tor-a"} \
        <= with_it
    assert "vio-os-ext-net" not in {r.name for r in diff.resources}, "the external network keeps its Tier-0 id"
    assert "haMode" in render_text(diff) and "delete-first" in render_text(diff)


def test_the_tier0_and_what_hangs_off_it_are_replaced_delete_first(prod: Evaluation) -> None:
    on_tier0 = [r for r in prod.resources if r.type.startswith("nsxt:index/policyTier0Gateway")
                or r.type.endswith((":PolicyBgpNeighbor", ":PolicyGatewayRedistributionConfig"))]
    assert len(on_tier0) >= 1 + 4 + 1 + 2 + 1
    assert all(r.delete_before_replace for r in on_tier0), [r.name for r in on_tier0 if not r.delete_before_replace]


def test_the_ha_vip_config_is_replaced_with_the_tier0_though_no_input_of_it_is_forcenew(prod: Evaluation) -> None:
    tier0 = prod.named("vio-res-nsx-tier0")
    vip = prod.named("vio-res-nsx-ha-vip")
    assert vip.replace_with == [tier0.urn] and vip.delete_before_replace
    base = {"resources": [{"type": TIER0, "name": "t0", "urn": "urn:t0", "inputs": {"haMode": "A"}},
                          {"type": "x:y:Vip", "name": "vip", "urn": "urn:vip", "inputs": {}, "replaceWith": ["urn:t0"]}]}
    head = copy.deepcopy(base)
    head["resources"][0].update(inputs={"haMode": "B"}, deleteBeforeReplace=True)
    [vip_diff] = [r for r in diff_plans(base, head).resources if r.name == "vip"]
    assert vip_diff.action == "replace" and "declared with replace_with" in vip_diff.warnings[0]


def test_a_fixed_nsx_id_replaced_create_first_is_flagged_as_a_collision() -> None:
    def plan(ha: str, dbr: bool) -> dict[str, Any]:
        return {"resources": [{"type": TIER0, "name": "t0", "urn": "urn:t0", "deleteBeforeReplace": dbr,
                               "inputs": {"nsxId": "vio-t0", "haMode": ha}}]}

    [res] = diff_plans(plan("ACTIVE_STANDBY", False), plan("ACTIVE_ACTIVE", False)).resources
    assert res.action == "replace" and any("collides" in w and "vio-t0" in w for w in res.warnings)
    [res] = diff_plans(plan("ACTIVE_STANDBY", False), plan("ACTIVE_ACTIVE", True)).resources
    assert not any("collides" in w for w in res.warnings)


# ------------------------------------------------------------------------------- order never leaks in

#: Lists whose order is meaning: resolvers are tried in order, FWaaS evaluates a policy's rules top-down.
ORDERED = (re.compile(r"(^|\.)dns$"), re.compile(r"\.firewall\.(ingress|egress)$"))
#: The sections this reorder covers: tenants and their services, flavors, the Tier-0 (uplinks, their
#: interfaces, edge nodes, BGP neighbors).
REORDERED_KEYS = ("vio-nfv:tenants", "vio-nfv:flavors", "vio-nfv:nsx", "vio-nfv:externalNetwork")


def _reordered(value: Any, path: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _reordered(v, f"{path}.{k}") for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        items = [_reordered(v, f"{path}[]") for v in value]
        return items if any(p.search(path) for p in ORDERED) else list(reversed(items))
    return value


@pytest.fixture(scope="module")
def reordered() -> Evaluation:
    config = stack_config("prod")
    overrides = {k: _reordered(config[k], k) for k in REORDERED_KEYS}
    assert overrides["vio-nfv:tenants"][0]["name"] == "vims", "the reorder reached the lists"
    evaluation = evaluate("prod", overrides=overrides)
    assert evaluation.error is None, evaluation.error
    return evaluation


def test_reordering_every_unordered_list_changes_no_resource_input(prod: Evaluation, reordered: Evaluation) -> None:
    before = {r.urn: r.inputs for r in prod.resources}
    after = {r.urn: r.inputs for r in reordered.resources}
    assert set(before) == set(after)
    changed = sorted(urn.split("::")[-1] for urn in before if before[urn] != after[urn])
    assert changed == []
    assert diff_plans(prod.plan(), reordered.plan()).resources == []


def test_reversing_an_ordered_list_does_change_inputs(prod: Evaluation) -> None:
    # The reorder test could not fail if nothing read order: the FWaaS policy, where order is meaning, does.
    config = stack_config("prod")
    tenants = copy.deepcopy(config["vio-nfv:tenants"])
    tenants[0]["firewall"]["ingress"].reverse()
    changed = evaluate("prod", overrides={"vio-nfv:tenants": tenants})
    assert changed.named("vio-vepc-fw-ingress").inputs != prod.named("vio-vepc-fw-ingress").inputs
