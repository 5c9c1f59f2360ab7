"""The whole platform program under mocks: topology, providers, secrets, determinism, output contract."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from components import contract
from offline.evaluate import Evaluation, evaluate, planted_secret

VM = "vsphere:index/virtualMachine:VirtualMachine"
RULE = "vsphere:index/computeClusterVmAntiAffinityRule:ComputeClusterVmAntiAffinityRule"
README = Path(__file__).resolve().parents[1] / "README.md"


def _vms(ev: Evaluation) -> dict[str, object]:
    return {r.name: r for r in ev.by_type(VM)}


def _role(name: str) -> str:
    return re.sub(r"^vio-plane-", "", re.sub(r"-(\d+|res-cl\d+|lab-res-cl\d+)$", "", name))


def _roles(ev: Evaluation) -> Counter[str]:
    return Counter(_role(name) for name in _vms(ev))


def test_ha_plane_has_lb_pair_three_controllers_three_db_nodes_and_a_driver_per_cluster(prod):
    assert _roles(prod) == Counter(
        {"oms": 1, "lb": 2, "controller": 3, "db": 3, "compute-driver": 2}
    )


def test_compact_plane_is_oms_and_one_controller_plus_drivers(dev):
    assert _roles(dev) == Counter({"oms": 1, "controller": 1, "compute-driver": 1})
    assert dev.by_type(RULE) == []


def test_each_replicated_ha_role_has_its_own_anti_affinity_rule_over_exactly_its_vms(prod):
    by_urn = prod.by_urn()
    rules = {r.name.rsplit("anti-affinity-", 1)[1]: r for r in prod.by_type(RULE)}
    assert sorted(rules) == ["compute-driver", "controller", "db", "lb"]
    for role, rule in rules.items():
        members = rule.property_dependencies["virtualMachineIds"]
        assert sorted(_role(by_urn[u].name) for u in members) == [role] * _roles(prod)[role]
        assert rule.inputs["mandatory"] is True
        assert rule.inputs["computeClusterId"] == prod.outputs["managementClusterId"]


def test_every_resource_and_lookup_names_an_explicit_provider(prod, dev):
    for ev in (prod, dev):
        for reg in ev.resources:
            if reg.custom and not reg.type.startswith("pulumi:providers:"):
                assert reg.provider and "::default" not in reg.provider, reg.name
        for call in ev.invokes:
            assert call.provider and "::default" not in call.provider, call.token


def test_management_pod_and_plane_run_on_the_management_vcenter(prod):
    for reg in prod.resources:
        if "vionfv:management_pod:ManagementPod" in reg.urn or "vionfv:management_plane:" in reg.urn:
            if reg.custom:
                assert (reg.provider_type, reg.provider_name) == ("vsphere", "management-vcenter"), reg.name


def test_components_and_children_follow_the_type_token_and_parent_contract(prod):
    by_urn = prod.by_urn()
    for reg in prod.resources:
        if reg.component:
            assert re.fullmatch(r"vionfv:[a-z_]+:[A-Z][A-Za-z0-9]+", reg.type), reg.type
        parent = by_urn.get(reg.parent)
        if parent is not None:
            assert reg.name.startswith(parent.name + "-"), (reg.name, parent.name)


def _everything(ev: Evaluation) -> str:
    return json.dumps(
        [[r.inputs for r in ev.resources], [c.args for c in ev.invokes], ev.plan()["outputs"], ev.outputs],
        default=str,
    )


def test_planted_secrets_never_appear_in_plaintext_in_inputs_lookups_or_outputs(prod, dev):
    for ev in (prod, dev):
        assert "planted-secret-" not in _everything(ev)
        providers = [r for r in ev.resources if r.type.startswith("pulumi:providers:")]
        assert len(providers) >= 4
        assert all("password" in r.secret_paths for r in providers), [(r.name, r.secret_paths) for r in providers]


def test_the_leak_check_sees_a_planted_value_that_reaches_a_plain_input():
    # Guard the guard: copy a planted secret into a plain config value and the scan must find it.
    leaked = dict(_stack_value("nsx"), username=planted_secret("vio-nfv:nsxPassword"))
    ev = evaluate("prod", overrides={"vio-nfv:nsx": leaked})
    assert ev.error is None, ev.error
    assert "planted-secret-" in _everything(ev)


def test_two_evaluations_give_identical_graphs(prod):
    again = evaluate("prod")
    assert again.error is None
    assert json.dumps(again.plan(), sort_keys=True) == json.dumps(prod.plan(), sort_keys=True)


def test_stateful_vms_are_protected_and_stateless_ones_are_not(prod):
    for name, vm in _vms(prod).items():
        assert vm.protect == (_role(name) in {"oms", "db"}), name


def test_vms_ignore_what_vcenter_rewrites_after_clone(prod):
    for name, vm in _vms(prod).items():
        assert "clone" in vm.ignore_changes, name


def test_vm_addresses_follow_the_exported_ip_plan(prod):
    plan = {entry["name"].removeprefix("vio-"): entry["ip"] for entry in prod.outputs["ipPlan"]}
    for name, vm in _vms(prod).items():
        address = vm.inputs["clone"]["customize"]["networkInterfaces"][0]["ipv4Address"]
        assert plan[name.removeprefix("vio-plane-")] == address
    assert plan["vip"] == prod.outputs["vip"]
    all_ips = [e["ip"] for e in prod.outputs["ipPlan"]]
    assert len(all_ips) == len(set(all_ips))


def test_removing_a_compute_cluster_renames_no_other_vm(prod):
    fewer = evaluate("prod", overrides={"vio-nfv:resourceVcenter": {
        **{k: v for k, v in _stack_value("resourceVcenter").items()},
        "computeClusters": ["res-cl02"],
    }})
    assert fewer.error is None, fewer.error
    assert set(_vms(fewer)) == set(_vms(prod)) - {"vio-plane-compute-driver-res-cl01"}


def _stack_value(key: str) -> dict:
    from offline.evaluate import stack_config

    return dict(stack_config("prod")[f"vio-nfv:{key}"])


def test_exports_are_exactly_the_documented_contract(prod, dev):
    for ev in (prod, dev):
        assert set(ev.outputs) == set(contract.OUTPUTS)


@pytest.mark.skipif(not README.exists(), reason="README.md not written yet")
def test_readme_contract_table_lists_every_output():
    text = README.read_text()
    documented = set(re.findall(r"^\|\s*`([A-Za-z0-9]+)`\s*\|", text, flags=re.M))
    assert set(contract.OUTPUTS) <= documented, sorted(set(contract.OUTPUTS) - documented)


def test_oms_tells_vios_nsx_plugin_the_resource_pods_transport_zones_tier0_and_dhcp(prod):
    extra = prod.named("vio-plane-oms").inputs["extraConfig"]
    assert extra["guestinfo.vio.nsxp.default_tier0_router"] == prod.outputs["tier0Id"]
    assert extra["guestinfo.vio.nsxp.default_overlay_tz"] == prod.outputs["overlayTransportZonePath"]
    assert extra["guestinfo.vio.nsxp.default_vlan_tz"] == prod.outputs["vlanTransportZonePath"]
    assert extra["guestinfo.vio.nsxp.edge_cluster"] == prod.outputs["edgeClusterPath"]
    assert extra["guestinfo.vio.nsxp.dhcp_profile"] == prod.outputs["dhcpServerPath"]
    assert not any(k.startswith("guestinfo.vio.nsxp.") for k in prod.named("vio-plane-db-0").inputs["extraConfig"])
