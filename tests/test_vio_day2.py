"""Day 2 never replaces VIO: compute clusters join and leave the running deployment, a Tier-0 change stays in
NSX, and a replacement of the deployment or a registration is critical (plan diff) and guarded (policy)."""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs

from components import vio_client as vc
from components.vio_day2 import BODY_FIELDS, classify
from offline.evaluate import Evaluation, evaluate, stack_config
from sim.vio import VioSimulator
from tests.vio_helpers import (  # noqa: F401 (fixtures `clock`, `sim`)
    DEPLOY,
    NSX,
    clock_fixture,
    compute_cluster,
    deployment_props,
    endpoint,
    manual_clock,
    nsx_body,
    register_vcenter,
    sim_fixture,
    simulator,
)
from tools.plan_critical import CRITICAL_TYPES, critical
from tools.plan_diff import ResourceDiff, _dependent_replacements, diff_plans, render_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "policy"))
import vionfv_policies as vp  # noqa: E402

VIO_TYPES = set(CRITICAL_TYPES)


def _evaluate(**overrides: Any) -> dict[str, Any]:
    evaluation = evaluate("prod", overrides={f"vio-nfv:{k}": v for k, v in overrides.items()})
    assert evaluation.error is None, evaluation.error
    return evaluation.plan()


def _config(key: str) -> Any:
    return copy.deepcopy(stack_config("prod")[f"vio-nfv:{key}"])


@pytest.fixture(scope="module")
def base_plan(prod: Evaluation) -> dict[str, Any]:
    return prod.plan()


@pytest.fixture(autouse=True)
def _resource_vcenter(sim: VioSimulator) -> None:
    """The resource vCenter is registered (the deployment's compute clusters name it)."""
    register_vcenter(sim)


# ------------------------------------------------------------------ Tier-0 and the other NSX objects


def test_a_tier0_ha_mode_change_replaces_the_tier0_subtree_and_nothing_of_vio(base_plan: dict[str, Any]) -> None:
    nsx = _config("nsx")
    nsx["tier0"]["haMode"] = "ACTIVE_ACTIVE"
    for uplink in nsx["tier0"]["uplinks"]:
        uplink.pop("haVip", None)
    diff = diff_plans(base_plan, _evaluate(nsx=nsx))
    replaced = {r.name for r in diff.by_action("replace")}
    assert "vio-res-nsx-tier0" in replaced
    assert all(r.type.startswith("nsxt:index/") for r in diff.resources), [r.name for r in diff.resources]
    assert not [r for r in diff.resources if r.type in VIO_TYPES]
    assert critical(diff) == []


def test_the_vio_bodies_name_the_nsx_objects_by_their_fixed_ids_as_plain_values(prod: Evaluation) -> None:
    nsx_reg = next(r for r in prod.resources if r.type == vp.REBUILD_GUARDED[1])
    body = nsx_reg.inputs["body"]
    assert body["default_tier0_router"] == prod.named("vio-res-nsx-tier0").inputs["nsxId"]
    assert body["dhcp_profile"] == prod.named("vio-res-nsx-dhcp-server").inputs["nsxId"]
    proxy = next(r for r in prod.resources if r.type == "nsxt:index/policyMetadataProxy:PolicyMetadataProxy")
    assert body["metadata_proxy"] == proxy.inputs["nsxId"]
    nsx_cfg = _config("nsx")
    assert (body["default_overlay_tz"], body["default_vlan_tz"]) == (
        nsx_cfg["overlayTransportZone"], nsx_cfg["vlanTransportZone"])
    deployment = next(r for r in prod.resources if r.type == vp.DEPLOYMENT_TYPE)
    assert deployment.inputs["body"]["openstack_info"]["neutron"]["nsx"]["default_tier0_router"] == \
        body["default_tier0_router"]
    # No VIO input is wired to an NSX resource except the registration's never-diffed `waits_for`.
    nsx_urns = {r.urn for r in prod.resources if r.type.startswith("nsxt:")}
    for res in prod.resources:
        if res.type in VIO_TYPES:
            wired = {k for k, deps in res.property_dependencies.items() if set(deps) & nsx_urns}
            assert wired <= {"waits_for"}, (res.name, wired)


@pytest.mark.parametrize("nsx_type", [
    "nsxt:index/policyTier0Gateway:PolicyTier0Gateway",
    "nsxt:index/policyDhcpServer:PolicyDhcpServer",
    "nsxt:index/policyMetadataProxy:PolicyMetadataProxy",
])
def test_a_delete_first_replacement_of_an_nsx_object_replaces_nothing_of_vio(
    base_plan: dict[str, Any], nsx_type: str
) -> None:
    """The engine's dependent-replacement rule as tools/plan_diff models it: what takes a replace-on-change
    input from a delete-first replaced resource is replaced with it."""
    head = copy.deepcopy(base_plan)
    by_urn = {r["urn"]: r for r in head["resources"]}
    (target,) = [r for r in head["resources"] if r["type"] == nsx_type]
    target["deleteBeforeReplace"] = True
    replaced = _dependent_replacements([ResourceDiff("replace", nsx_type, target["name"], target["urn"])], by_urn)
    assert not [r.name for r in replaced if r.type in VIO_TYPES]


def test_the_transport_zones_are_lookups_so_nothing_of_vio_hangs_off_them(base_plan: dict[str, Any]) -> None:
    nsx = _config("nsx")
    nsx["overlayTransportZone"] = "nfv-overlay-tz-2"
    diff = diff_plans(base_plan, _evaluate(nsx=nsx))
    vio = {r.name: r for r in diff.resources if r.type in VIO_TYPES}
    assert {r.action for r in vio.values()} == {"update"}  # the new id, in place (VIO's neutron procedure)
    assert critical(diff) == []


# ------------------------------------------------------------------ compute clusters in the plan


def test_adding_and_removing_a_compute_cluster_is_in_place_never_a_replacement(base_plan: dict[str, Any]) -> None:
    res = _config("resourceVcenter")
    for clusters in (res["computeClusters"] + ["res-cl03"], res["computeClusters"][:1]):
        diff = diff_plans(base_plan, _evaluate(resourceVcenter={**res, "computeClusters": clusters}))
        (deployment,) = [r for r in diff.resources if r.type == vp.DEPLOYMENT_TYPE]
        assert deployment.action == "update"
        notes = {c.note for c in deployment.changes}
        assert any("Add Compute Clusters" in n and "never a replacement" in n for n in notes), notes
        assert critical(diff) == []


def test_a_replacement_of_the_deployment_heads_the_report_with_its_config_keys(base_plan: dict[str, Any]) -> None:
    openstack = {**_config("openstack"), "publicHostname": "os2.nfv.example.net"}
    diff = diff_plans(base_plan, _evaluate(openstack=openstack))
    (crit,) = critical(diff)
    assert crit.resource.name == "vio-plane-deployment"
    assert crit.causes == ["body.endpoints.hostname"] and crit.config_keys == ["vio-nfv:openstack.publicHostname"]
    first = render_text(diff).splitlines()[0]
    assert first.startswith("!!! CRITICAL: REPLACES OpenStackDeployment vio-plane-deployment")
    assert "vio-nfv:vio.rebuildIntended" in render_text(diff).splitlines()[1]


def test_controllers_are_a_critical_replacement_and_service_replicas_an_update(base_plan: dict[str, Any]) -> None:
    diff = diff_plans(base_plan, _evaluate(vio={**_config("vio"), "controllers": 5}))
    (crit,) = critical(diff)
    assert crit.causes == ["controllers"] and crit.config_keys == ["vio-nfv:vio.controllers (or topology)"]
    scaled = diff_plans(base_plan, _evaluate(vio={**_config("vio"), "services": {"nova": 4}}))
    (res,) = scaled.resources
    assert res.action == "update" and {c.path for c in res.changes} <= {"replicas", "replicas.nova"}
    assert all("only the changed services" in c.note for c in res.changes)


def test_the_rebuild_key_is_validated_and_reaches_every_guarded_resource(prod: Evaluation) -> None:
    bad = evaluate("prod", overrides={"vio-nfv:vio": {**_config("vio"), "rebuildIntended": "yes"}})
    assert "vio-nfv:vio.rebuildIntended" in str(bad.error)
    assert {r.inputs["rebuild_intended"] for r in prod.resources if r.type in VIO_TYPES} == {False}
    intended = _evaluate(vio={**_config("vio"), "rebuildIntended": True})
    assert {r["inputs"]["rebuild_intended"] for r in intended["resources"] if r["type"] in VIO_TYPES} == {True}


def test_vio_services_are_validated_against_the_documented_list() -> None:
    evaluation = evaluate("prod", overrides={"vio-nfv:vio": {**_config("vio"), "services": {"octavia": 3, "nova": 1}}})
    text = str(evaluation.error)
    assert "vio-nfv:vio.services.octavia: is not a service VIO scales" in text
    assert "vio-nfv:vio.services.nova: 1 replica(s): an HA deployment keeps every service at 2" in text


# ------------------------------------------------------------------ the provider on a running deployment


def test_adding_then_removing_a_compute_cluster_on_a_running_deployment(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    grown = copy.deepcopy(props)
    grown["body"]["openstack_info"]["compute"]["compute_clusters"].append(compute_cluster("res-c2", "az2"))
    diff = DEPLOY.diff("vio-prod", outs, grown)
    assert diff.changes is True and diff.replaces == []
    assert DEPLOY.check(props, grown).inputs["pending_replacement"] == []
    # Not yet applied on the Manager: the update fails naming VIO's procedure, and changes nothing.
    with pytest.raises(vc.VioApiError, match=r"compute_clusters: the Manager reports .*res-c1.*apply it with "
                       r".*'Add Compute Clusters to Your Deployment'"):
        DEPLOY.update("vio-prod", outs, grown)
    assert sim.calls("POST", "/api/v2/clusters")[1:] == [] and not sim.clusters["vio-prod"].deleted
    # The operator runs VIO's procedure; the next up records it.
    sim.operator_add_compute_cluster("vio-prod", compute_cluster("res-c2", "az2"))
    recorded = DEPLOY.update("vio-prod", outs, grown).outs
    assert DEPLOY.diff("vio-prod", DEPLOY.read("vio-prod", recorded).outs, grown).changes is False
    # Removing it: the same way back.
    sim.operator_remove_compute_cluster("vio-prod", "res-c2")
    read = DEPLOY.read("vio-prod", recorded).outs
    assert [c["cluster_name"] for c in read["body"]["openstack_info"]["compute"]["compute_clusters"]] == ["res-c1"]
    assert DEPLOY.diff("vio-prod", read, props).changes is False  # config and Manager agree again
    assert DEPLOY.update("vio-prod", recorded, props).outs["status"] == "running"
    assert len(sim.calls("POST", "/api/v2/clusters")) == 1 and len(sim.live()) == 1  # never redeployed


def test_the_nsx_registration_checks_the_fixed_ids_at_update(sim: VioSimulator) -> None:
    props = {**endpoint(sim), "body": nsx_body(), "nsx_name": "nsx-res", "nsx_kind": "nsxp", "validation": None}
    outs = NSX.create(props).outs
    moved = {**props, "body": nsx_body(default_tier0_router="t0-new")}
    assert NSX.diff("nsx-res", outs, moved).replaces == []
    with pytest.raises(vc.VioApiError, match=r"body.default_tier0_router 't0-new': not among the NSX's routers "
                       r"\(vio-t0\).*create them in NSX first"):
        NSX.update("nsx-res", outs, moved)
    sim.nsx_inventory["routers"].append({"id": "t0-new", "display_name": "t0-new", "router_type": "TIER0"})
    assert NSX.update("nsx-res", outs, moved).outs["validation"]["ids"]["default_tier0_router"] == "t0-new"


def test_every_body_field_of_the_reference_is_classified() -> None:
    from components.vio_schema import FIELDS

    def leaves(struct: str, prefix: str = "") -> Iterator[str]:
        for key, field in FIELDS[struct].items():
            path = f"{prefix}{key}"
            if field.of in FIELDS and struct != "nsxv_backend":
                yield from leaves(field.of, f"{path}[]." if field.type == "array" else f"{path}.")
            else:
                yield path

    paths = [p for p in leaves("cluster") if ".nsxv" not in p]  # the nsxv backend is not deployed here
    assert len(paths) > 30
    for path in paths:
        entry = classify(path.replace("[]", "[0]"))
        assert entry in BODY_FIELDS, f"{path}: not classified in components/vio_day2.py BODY_FIELDS"


def test_the_readme_lists_every_body_field_with_how_it_changes_and_its_source() -> None:
    readme = (ROOT / "docs" / "design.md").read_text()
    section = readme.split("<!-- vio-day2:begin -->")[1].split("<!-- vio-day2:end -->")[0]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \| (\w+) \|", section, re.M)}
    assert rows == {f.path: f.how for f in BODY_FIELDS}


# ------------------------------------------------------------------ the policy


def _args(typ: str, props: dict[str, Any]) -> ResourceValidationArgs:
    from tests.test_policy import _opts

    return ResourceValidationArgs(typ, props, "urn:x::vio-plane-deployment", "vio-plane-deployment", _opts(True), None)


@pytest.mark.parametrize("typ", vp.REBUILD_GUARDED)
def test_the_policy_fails_a_preview_that_would_rebuild_vio_unless_intended(typ: str, sim: VioSimulator) -> None:
    props = deployment_props(sim)
    moved = copy.deepcopy(props)
    moved["body"]["endpoints"]["public_vip"] = "10.2.0.11"
    checked = DEPLOY.check(props, moved).inputs
    assert checked["pending_replacement"] == ["body.endpoints.public_vip: another deployment (the VIPs and public "
                                              "hostname the controllers and certificates are built on)"]
    found: list[str] = []
    vp.vio_rebuild_intended(_args(typ, checked), lambda m, urn=None: found.append(m))
    assert len(found) == 1 and "vio-nfv:vio.rebuildIntended" in found[0] and "public_vip" in found[0]
    found.clear()
    vp.vio_rebuild_intended(_args(typ, {**checked, "rebuild_intended": True}), lambda m, urn=None: found.append(m))
    vp.vio_rebuild_intended(_args(typ, {**props, "pending_replacement": []}), lambda m, urn=None: found.append(m))
    assert found == []
    assert [f.property for f in DEPLOY.check(props, {**moved, "rebuild_intended": "yes"}).failures] == ["rebuild_intended"]
