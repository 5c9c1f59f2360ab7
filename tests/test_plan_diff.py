"""The plan diff on real pairs of configs (prod, then prod with one change) and on small hand-made plans."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from offline.evaluate import Evaluation, evaluate, stack_config
from tools import plan_diff
from tools.plan_diff import diff_plans, render_markdown, render_text


def _changed(base: Evaluation, **overrides: Any) -> dict[str, Any]:
    evaluation = evaluate("prod", overrides={f"vio-nfv:{k}": v for k, v in overrides.items()})
    assert evaluation.error is None, f"prod with {overrides} failed to evaluate: {evaluation.error}"
    return evaluation.plan()


# Each changed config is evaluated once for this module (only these tests use them).
@pytest.fixture(scope="module")
def base_plan(prod: Evaluation) -> dict[str, Any]:
    return prod.plan()


@pytest.fixture(scope="module")
def renamed(prod: Evaluation) -> dict[str, Any]:
    return _changed(prod, namePrefix="nfv")


def _vio(**changes: Any) -> dict[str, Any]:
    return {**stack_config("prod")["vio-nfv:vio"], **changes}


@pytest.fixture(scope="module")
def resized(prod: Evaluation) -> dict[str, Any]:
    manager = {**stack_config("prod")["vio-nfv:vio"]["manager"], "cpus": 8, "memoryMb": 32768}
    return _changed(prod, vio=_vio(manager=manager))


@pytest.fixture(scope="module")
def scaled(prod: Evaluation) -> dict[str, Any]:
    return _changed(prod, vio=_vio(controllers=5))


@pytest.fixture(scope="module")
def rehosted(prod: Evaluation) -> dict[str, Any]:
    return _changed(prod, openstack={**stack_config("prod")["vio-nfv:openstack"], "publicHostname": "os.nfv.example.net"})


@pytest.fixture(scope="module")
def tenant_added(prod: Evaluation) -> dict[str, Any]:
    tenants = copy.deepcopy(stack_config("prod")["vio-nfv:tenants"])
    tenants.append({"name": "vcdn", "networks": [{"name": "edge-cache", "cidr": "172.16.30.0/24"}]})
    return _changed(prod, tenants=tenants)


@pytest.fixture(scope="module")
def cluster_moved(prod: Evaluation) -> dict[str, Any]:
    mgmt = dict(stack_config("prod")["vio-nfv:managementVcenter"], cluster="mgmt-cl02")
    return _changed(prod, managementVcenter=mgmt)


@pytest.fixture(scope="module")
def ova_rebuilt(prod: Evaluation) -> dict[str, Any]:
    manager = {**stack_config("prod")["vio-nfv:vio"]["manager"], "ova": "https://repo.nfv.example.net/vio/VMware-OpenStack-7.3.1.ova"}
    return _changed(prod, vio=_vio(manager=manager))


def _names_gone(base: dict[str, Any], head: dict[str, Any]) -> set[str]:
    kept = {r["urn"] for r in head["resources"]}
    return {r["name"] for r in base["resources"] if r["urn"] not in kept}


def test_identical_plans_report_no_changes(base_plan: dict[str, Any]) -> None:
    diff = diff_plans(base_plan, copy.deepcopy(base_plan))
    assert diff.empty
    assert "no resource changes" in render_text(diff)
    assert "No changes." in render_markdown(diff)


def test_name_prefix_rename_is_flagged_as_destroy_and_create_for_every_resource(
    base_plan: dict[str, Any], renamed: dict[str, Any]
) -> None:
    diff = diff_plans(base_plan, renamed)
    deleted = {r.name for r in diff.by_action("delete")}
    created = {r.name for r in diff.by_action("create")}
    old = _names_gone(base_plan, renamed)
    assert old and all(n.startswith("vio-") for n in old)
    assert deleted == old
    assert created == {"nfv-" + n[len("vio-"):] for n in old}
    # Every deletion is paired with its renamed twin, not with a sibling replica.
    for res in diff.by_action("create"):
        assert res.old_name == "vio-" + res.name[len("nfv-"):]
        assert any("without an alias: destroy + create; add an alias" in w for w in res.warnings)
    protected = {r["name"] for r in base_plan["resources"] if r["protect"]}
    assert protected, "prod protects the Manager VM and the deployment"
    for res in diff.by_action("delete"):
        if res.name in protected:
            assert any("protected" in w for w in res.warnings)


def test_rename_with_an_alias_is_an_update_not_a_destroy(base_plan: dict[str, Any], renamed: dict[str, Any]) -> None:
    head = copy.deepcopy(renamed)
    for res in head["resources"]:
        if res["name"].startswith("nfv-"):
            res["aliases"] = ["vio-" + res["name"][len("nfv-"):]]
    diff = diff_plans(base_plan, head)
    assert not diff.by_action("delete") and not diff.by_action("create")
    old = _names_gone(base_plan, renamed)
    # Aliased, each is the same resource under a new name; some are still replaced because the prefix
    # also reaches a replace-on-change input (an NSX id), which the diff keeps flagging.
    assert {r.old_name for r in diff.resources} == old
    assert {r.action for r in diff.resources if r.old_name} <= {"rename", "replace"}
    for res in diff.by_action("replace"):
        # Replaced by a ForceNew input of its own, or with a delete-first replacement it hangs off.
        assert any(c.replaces for c in res.changes) or any(w.startswith("replaced with `") for w in res.warnings)


def test_manager_resize_is_an_in_place_update_flagged_as_disruptive(
    base_plan: dict[str, Any], resized: dict[str, Any]
) -> None:
    diff = diff_plans(base_plan, resized)
    assert {r.name for r in diff.resources} == {"vio-plane-manager"}
    (res,) = diff.resources
    assert res.action == "update"
    paths = {c.path: c for c in res.changes}
    assert paths["numCpus"].before == 4 and paths["numCpus"].after == 8
    assert "powers the VM off" in paths["memory"].note


def test_changing_controllers_replaces_the_deployment_and_heads_the_report(
    base_plan: dict[str, Any], scaled: dict[str, Any]
) -> None:
    """The controller count is fixed when VIO deploys (no 7.0 API operation adds controllers): a replacement,
    reported first as critical; per-service replicas (`vio.services`) are the in-place knob
    (tests/test_vio_day2.py)."""
    diff = diff_plans(base_plan, scaled)
    (res,) = diff.resources
    assert (res.name, res.action) == ("vio-plane-deployment", "replace")
    (change,) = res.changes
    assert (change.path, change.before, change.after, change.replaces) == ("controllers", 3, 5, True)
    assert render_text(diff).startswith("!!! CRITICAL: REPLACES OpenStackDeployment vio-plane-deployment")


def test_changing_the_public_hostname_replaces_the_deployment(
    base_plan: dict[str, Any], rehosted: dict[str, Any]
) -> None:
    diff = diff_plans(base_plan, rehosted)
    deployment = next(r for r in diff.resources if r.name == "vio-plane-deployment")
    assert deployment.action == "replace"
    assert any(c.path == "body.endpoints.hostname" and c.replaces for c in deployment.changes)


def test_registration_password_is_an_update_and_hostname_a_replacement() -> None:
    typ = "pulumi-python:dynamic/vio:VcenterRegistration"
    before = _res("r", typ, inputs={"body": {"hostname": "vc1", "name": "vc1", "password": "[secret]", "username": "a"}})
    rotated = _res("r", typ, inputs={"body": {"hostname": "vc1", "name": "vc1", "password": "[secret2]", "username": "b"}})
    moved = _res("r", typ, inputs={"body": {"hostname": "vc2", "name": "vc1", "password": "[secret]", "username": "a"}})
    assert diff_plans(_plan(before), _plan(rotated)).resources[0].action == "update"
    assert diff_plans(_plan(before), _plan(moved)).resources[0].action == "replace"


def test_adding_a_tenant_only_creates_that_tenants_resources(
    base_plan: dict[str, Any], tenant_added: dict[str, Any]
) -> None:
    diff = diff_plans(base_plan, tenant_added)
    expected = {r["urn"] for r in tenant_added["resources"]} - {r["urn"] for r in base_plan["resources"]}
    assert {r.urn for r in diff.by_action("create")} == expected
    assert all("vcdn" in r.name for r in diff.by_action("create"))
    assert not diff.by_action("delete") and not diff.by_action("replace")


def test_moving_the_management_cluster_touches_only_the_pool(
    base_plan: dict[str, Any], cluster_moved: dict[str, Any]
) -> None:
    # VIO places its own controllers (no DRS rules of ours); our pool moves with the cluster.
    diff = diff_plans(base_plan, cluster_moved)
    assert {r.name for r in diff.resources} == {"vio-mgmt-pool"}


def test_ova_rebuild_is_ignored_because_ovf_deploy_is_in_ignore_changes(
    base_plan: dict[str, Any], ova_rebuilt: dict[str, Any]
) -> None:
    diff = diff_plans(base_plan, ova_rebuilt)
    manager = [r for r in diff.resources if r.name.endswith("-manager")]
    assert len(manager) == 1 and manager[0].action == "ignored"
    assert all(c.ignored for c in manager[0].changes)
    assert not diff.by_action("replace")


def _plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"stack": "t", "resources": list(resources), "outputs": {}}


def _res(name: str, typ: str = "openstack:networking/subnet:Subnet", **extra: Any) -> dict[str, Any]:
    base = {
        "type": typ, "name": name, "urn": f"urn:pulumi:t::p::vionfv:x:X${typ}::{name}",
        "parent": "urn:pulumi:t::p::pulumi:pulumi:Stack$vionfv:x:X::c", "provider": "id1",
        "providerUrn": "urn:pulumi:t::p::pulumi:providers:openstack::os", "custom": True, "protect": False,
        "ignoreChanges": [], "aliases": [], "dependencies": [], "inputs": {}, "secretInputs": [],
    }
    base.update(extra)
    return base


def test_subnet_cidr_change_forces_replacement_and_name_change_does_not() -> None:
    before = _res("s", inputs={"cidr": "10.0.0.0/24", "name": "a"})
    after = _res("s", inputs={"cidr": "10.0.1.0/24", "name": "b"})
    (res,) = diff_plans(_plan(before), _plan(after)).resources
    assert res.action == "replace"
    flags = {c.path: c.replaces for c in res.changes}
    assert flags == {"cidr": True, "name": False}


def test_secrets_stay_masked_and_losing_secrecy_is_flagged() -> None:
    before = _res("p", "pulumi:providers:openstack", inputs={"password": "[secret]"}, secretInputs=["password"])
    after = _res("p", "pulumi:providers:openstack", inputs={"password": "hunter2"}, secretInputs=[])
    (res,) = diff_plans(_plan(before), _plan(after)).resources
    assert any("no longer a secret" in w for w in res.warnings)
    text = render_text(diff_plans(_plan(before), _plan(before | {"inputs": {"password": "[secret]"}})))
    assert "hunter2" not in text


def test_provider_change_replaces_the_resource() -> None:
    before = _res("n", "openstack:networking/network:Network")
    after = _res("n", "openstack:networking/network:Network", providerUrn="urn:pulumi:t::p::pulumi:providers:openstack::other")
    (res,) = diff_plans(_plan(before), _plan(after)).resources
    assert res.action == "replace" and res.changes[0].path == "(provider)"


def test_unrelated_removal_and_addition_are_not_called_a_rename() -> None:
    gone = _res("old", inputs={"cidr": "10.0.0.0/24", "name": "alpha", "ipVersion": 4})
    new = _res("new", inputs={"cidr": "192.168.9.0/24", "name": "zzz", "ipVersion": 6})
    diff = diff_plans(_plan(gone), _plan(new))
    assert [r.action for r in diff.resources] == ["delete", "create"]
    assert not any(r.warnings for r in diff.resources)


def test_cli_prints_markdown_and_exits_zero_with_changes(
    tmp_path: Path, base_plan: dict[str, Any], resized: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.json").write_text(json.dumps(base_plan))
    (tmp_path / "h.json").write_text(json.dumps(resized))
    assert plan_diff.main([str(tmp_path / "b.json"), str(tmp_path / "h.json"), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Offline plan diff") and "| `~` | VirtualMachine |" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("{not json", "not JSON"), ('{"resources": 3}', "not a plan"),
     ('{"resources": [{"type": "x"}]}', "resources[0] lacks name, urn")],
)
def test_cli_rejects_bad_input_with_exit_2_and_a_clear_message(
    tmp_path: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_plan()))
    assert plan_diff.main([str(bad), str(good)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.json" in err
