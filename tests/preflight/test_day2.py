"""Preflight that knows day 2, against simulated vCenters: what the stack owns (its state) passes, a squatter
on any name the program creates fails naming its placement and what to do, adopted port groups are checked
for switch and VLAN, and with no state a first deployment is assumed and said so."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import settings as config
from preflight import cli, placement, state
from sim.vcsim import simulator
from tests.preflight.conftest import DEV, ROOT, Run, local, stack_export, write_export

Pair = tuple[simulator.Simulator, simulator.Simulator]


@pytest.fixture(scope="module")
def deployed_pair(simulator_binary: Path, prod: config.Settings) -> Iterator[Pair]:
    """Both vCenters as `pulumi up` of prod leaves them: folders, pools, port groups, the Manager."""
    with simulator.running(simulator.deploy(simulator.management_spec(prod), prod, "management")) as mgmt, \
            simulator.running(simulator.deploy(simulator.resource_spec(prod, tenant_vms=20), prod, "resource")) as res:
        yield mgmt, res


def _export(settings: config.Settings, pair: Pair, tmp_path: Path, leave_out: tuple[str, ...] = (),
            edit: dict[str, str] | None = None) -> Path:
    doc = stack_export(settings, "sim", {"management": pair[0], "resource": pair[1]}, leave_out)
    for resource in doc["deployment"]["resources"]:
        name = resource["urn"].rsplit("::", 1)[-1]
        if edit and name in edit:
            resource["id"] = edit[name]
    return write_export(tmp_path, doc)


def test_deployed_stack_with_its_state_passes_and_shows_what_it_owns(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]),
                            "--state", str(_export(prod, deployed_pair, tmp_path)))
    assert outcome.code == 0, outcome.out
    owned = [r for r in outcome.doc["results"] if "owned by the stack" in r["detail"]]
    assert sorted((r["vcenter"], r["check"]) for r in owned) == sorted(
        (c.role, c.check) for c in placement.creations(prod))
    # The creations and the two providers; the stack and its components are not objects in vCenter.
    assert outcome.out.startswith(f"stack state: {len(placement.creations(prod)) + 2} managed resource(s) from ")
    assert outcome.doc["state"]["first_deployment"] is False
    mgr = outcome.results("manager vm")[0]
    assert "vio-plane-manager" in mgr["detail"]
    assert mgr["where"].endswith(f"/{prod.management_vcenter.datacenter}/vm/vio/vio-manager")


def test_deployed_stack_without_state_is_taken_for_a_first_deployment_and_says_so(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run
) -> None:
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]))
    assert outcome.code == 1
    assert outcome.out.startswith("stack state: none (--no-pulumi-cli and no --state FILE): a first deployment "
                                  "is assumed")
    assert outcome.doc["state"]["first_deployment"] is True
    failed = outcome.results(status="fail")
    assert sorted((r["vcenter"], r["check"]) for r in failed) == sorted(
        (c.role, c.check) for c in placement.creations(prod))
    assert all("pass its state (--state FILE" in r["fix"] for r in failed)


@pytest.mark.parametrize(
    ("logical", "role", "check", "path"),
    [
        ("vio-mgmt-folder", "management", "folder", "/mgmt-dc01/vm/vio"),
        ("vio-mgmt-pool", "management", "resource pool", "/mgmt-dc01/host/mgmt-cl01/Resources/vio-plane"),
        ("vio-mgmt-network", "management", "port group", "/mgmt-dc01/network/vio-mgmt-pg"),
        ("vio-mgmt-api-network", "management", "api port group", "/mgmt-dc01/network/vio-api-pg"),
        ("vio-plane-manager", "management", "manager vm", "/mgmt-dc01/vm/vio/vio-manager"),
        ("vio-res-folder", "resource", "folder", "/res-dc01/vm/vio"),
        ("vio-res-tenant-pool-res-cl02", "resource", "resource pool", "/res-dc01/host/res-cl02/Resources/vio-tenants"),
        ("vio-res-edge-pool-res-cl01", "resource", "resource pool",
         "/res-dc01/host/res-cl01/Resources/vio-nsx-edges"),
    ],
)
def test_each_squatter_fails_naming_its_placement_and_what_to_do(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path,
    logical: str, role: str, check: str, path: str,
) -> None:
    # The stack is deployed but its state does not hold this one: the object at its name is not the stack's.
    state = _export(prod, deployed_pair, tmp_path, leave_out=(logical,))
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]), "--state", str(state))
    assert outcome.code == 1
    [failure] = outcome.results(status="fail")
    assert (failure["vcenter"], failure["check"]) == (role, check)
    assert f"already exists at {path} (" in failure["detail"]
    assert f"the stack's state has no {logical}" in failure["detail"]
    assert failure["where"].endswith(path)
    assert f"remove or rename {path}" in failure["fix"]
    kind = next(c.type for c in placement.creations(prod) if c.logical == logical)
    assert f"pulumi import {kind} {logical} {path} --stack sim --parent 'parent=urn:pulumi:sim::vio-nfv::" in failure["fix"]
    assert "or change " in failure["fix"]


def test_an_object_with_another_id_than_the_stacks_is_a_squatter(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    state = _export(prod, deployed_pair, tmp_path, edit={"vio-mgmt-pool": "resgroup-999"})
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]), "--state", str(state))
    [failure] = outcome.results(status="fail")
    assert failure["check"] == "resource pool"
    assert "the stack's vio-mgmt-pool has id resgroup-999" in failure["detail"]


def test_an_owned_object_gone_from_vcenter_asks_for_a_refresh(
    simulator_binary: Path, deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    # The state is the deployed pair's; the vCenter read is a clean one where none of it exists any more.
    state = _export(prod, deployed_pair, tmp_path)
    with simulator.running(simulator.management_spec(prod)) as mgmt:
        outcome = run_preflight(local(mgmt), local(deployed_pair[1]), "--state", str(state))
    failed = outcome.results(status="fail")
    assert {r["check"] for r in failed} == {"folder", "resource pool", "port group", "api port group", "manager vm"}
    assert all("no longer exists in vCenter" in r["detail"] and "pulumi refresh --stack sim" in r["fix"]
               for r in failed)


def test_clean_inventory_passes_with_the_state_of_a_stack_not_yet_deployed(
    passing_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    doc = {"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z", "magic": "", "version": "v3"},
                                        "resources": [{"urn": "urn:pulumi:sim::vio-nfv::pulumi:pulumi:Stack::vio-nfv-sim",
                                                       "custom": False, "type": "pulumi:pulumi:Stack"}]}}
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]),
                            "--state", str(write_export(tmp_path, doc)))
    assert outcome.code == 0, outcome.out
    assert outcome.out.startswith("stack state: 0 managed resource(s) from ")
    assert {r["detail"] for r in outcome.results("folder")} == {"VM folder 'vio' is free to create"}


def test_api_port_group_already_there_on_a_first_deployment_fails(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod)
    simulator.datacenter(spec)["switches"][0]["portGroups"].append(prod.api_access_network.port_group)
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.code == 1
    [failure] = outcome.results(status="fail")
    assert failure["check"] == "api port group"
    assert "port group 'vio-api-pg' already exists at /mgmt-dc01/network/vio-api-pg" in failure["detail"]
    assert "apiAccessNetwork.portGroup" in failure["fix"] and "apiAccessNetwork.existing: true" in failure["fix"]


def test_leftover_manager_vm_in_its_folder_and_pool_is_a_squatter(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod)
    simulator.datacenter(spec)["vms"].append({"name": "vio-manager", "cluster": prod.management_vcenter.cluster,
                                              "folder": "vio", "resourcePool": "vio-plane", "ips": ["10.110.10.77"]})
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    [vm] = outcome.results("manager vm", "fail")
    assert "VM 'vio-manager' already exists at /mgmt-dc01/vm/vio/vio-manager" in vm["detail"]
    assert "pulumi import vsphere:index/virtualMachine:VirtualMachine vio-plane-manager" in vm["fix"]


@pytest.mark.parametrize(
    ("port_groups", "switch", "vlan", "verdict"),
    [
        ([{"name": "lab-mgmt-pg", "vlan": 50}], None, 50, "exists on 'lab-dvs01', VLAN 50"),
        ([{"name": "lab-mgmt-pg", "vlan": 51}], None, 50, "has VLAN 51, not 50 (managementNetwork.vlan)"),
        ([], None, None, "not found in 'lab-dc01' (existing: true adopts it)"),
        ([{"name": "lab-mgmt-pg", "vlan": 50}], "other-dvs", None, "is on switch 'other-dvs', not 'lab-dvs01'"),
    ],
    ids=["right-vlan", "wrong-vlan", "missing", "other-switch"],
)
def test_adopted_port_group_must_exist_on_the_switch_with_the_configured_vlan(
    simulator_binary: Path, dev: config.Settings, run_preflight: Run, passing_pair: Pair,
    port_groups: list[dict[str, Any]], switch: str | None, vlan: int | None, verdict: str,
) -> None:
    m = dev.management_vcenter
    assert (m.datacenter, m.distributed_switch) == ("lab-dc01", "lab-dvs01")
    spec = simulator.management_spec(dev)
    dc = simulator.datacenter(spec)
    dc["switches"][0]["portGroups"] = [{"name": dev.api_access_network.port_group}]
    if switch is None:
        dc["switches"][0]["portGroups"] += port_groups
    else:
        dc["switches"].append({"name": switch, "portGroups": port_groups})
    net = dev.management_network.model_dump(by_alias=True, mode="json", exclude_none=True)
    overrides = {"managementNetwork": {**net, **({"vlan": vlan} if vlan else {})}}
    with simulator.running(spec) as mgmt, simulator.running(simulator.resource_spec(dev)) as res:
        outcome = run_preflight(local(mgmt), local(res), source=DEV, overrides=overrides)
    [result] = outcome.results("port group")
    assert verdict in result["detail"]
    assert result["status"] == ("pass" if verdict.startswith("exists") else "fail")
    assert outcome.results("api port group", "pass")


def test_every_holder_of_a_planned_address_is_named(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    ip = str(prod.management_network.private_vip)
    spec = simulator.management_spec(prod)
    simulator.datacenter(spec)["vms"] += [
        {"name": "old-lb", "cluster": prod.management_vcenter.cluster, "ips": [ip]},
        {"name": "test-vm", "cluster": prod.management_vcenter.cluster, "folder": "lab", "ips": [ip]},
    ]
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    [failure] = outcome.results("ip free", "fail")
    assert f"{ip} (planned for vio-private-vip) is already the guest IP of 2 VMs: " in failure["detail"]
    assert "'old-lb' (at 127.0.0.1:" in failure["detail"] and "/mgmt-dc01/vm/lab/test-vm)" in failure["detail"]
    assert "'old-lb' and 'test-vm'" in failure["fix"]


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        ("not json", "not JSON"),
        (json.dumps({"version": 2, "deployment": {}}), "deployment version 2; preflight reads version 3"),
        (json.dumps({"checkpoint": {}}), "not the output of `pulumi stack export`"),
        (json.dumps({"version": 3, "deployment": {"resources": [
            {"urn": "urn:pulumi:prod::vio-nfv::pulumi:pulumi:Stack::vio-nfv-prod", "custom": False,
             "type": "pulumi:pulumi:Stack"}]}}), "holds the state of stack 'prod', not 'sim'"),
    ],
    ids=["not-json", "old-version", "not-an-export", "other-stack"],
)
def test_unusable_state_file_is_a_usage_error_naming_it(
    passing_pair: Pair, run_preflight: Run, tmp_path: Path, doc: str, error: str
) -> None:
    path = tmp_path / "bad-state.json"
    path.write_text(doc)
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]), "--state", str(path))
    assert outcome.code == 2
    assert f"preflight: --state {path}: " in outcome.err or f"preflight: {path}: " in outcome.err
    assert error in outcome.err


def test_without_the_pulumi_cli_a_first_deployment_is_assumed_and_the_places_searched_named(
    passing_pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    credentials: None,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(state, "TOOLCHAIN", tmp_path / "toolchain")
    simulator.write_stack(tmp_path, "sim", DEV.parent / "Pulumi.prod.yaml", local(passing_pair[0]),
                          local(passing_pair[1]))
    code = cli.main(["--stack", "sim", "--project-dir", str(tmp_path), "--protocol", "http", "--timeout", "10"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith(f"stack state: none (no Pulumi CLI found (PATH, {tmp_path}/toolchain/*/bin/pulumi) and no "
                          "--state FILE): a first deployment is assumed")


def test_manager_on_its_address_with_another_uuid_than_the_stacks_is_not_the_plane(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    # Right name, folder and pool, but the state's Manager is another VM: a rebuilt look-alike.
    stale = "42000000-0000-0000-0000-000000000001"
    state = _export(prod, deployed_pair, tmp_path, edit={"vio-plane-manager": stale})
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]), "--state", str(state))
    assert {r["check"] for r in outcome.results(status="fail")} == {"manager vm", "ip free"}
    [ip] = outcome.results("ip free", "fail")
    assert f"not the stack's {stale}" in ip["detail"]


@pytest.mark.skipif(state.pulumi_cli() is None, reason="no Pulumi CLI on PATH or built by `make toolchain`")
def test_the_stacks_state_is_read_with_the_real_pulumi_cli(
    deployed_pair: Pair, prod: config.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], credentials: None,
) -> None:
    # A file backend in tmp_path: the stack is created and given the deployed pair's state with the real CLI
    # (`pulumi stack import` validates the export), then preflight reads it back with `pulumi stack export`.
    exe = state.pulumi_cli()
    assert exe is not None
    for key, value in {"PULUMI_HOME": tmp_path / "home", "PULUMI_BACKEND_URL": f"file://{tmp_path / 'backend'}",
                       "PULUMI_CONFIG_PASSPHRASE": "preflight-test"}.items():
        monkeypatch.setenv(key, str(value))
    (tmp_path / "backend").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    for name in ("sim", "other"):
        path = simulator.write_stack(project, name, ROOT / "Pulumi.prod.yaml", local(deployed_pair[0]),
                                     local(deployed_pair[1]))
        # The committed salt is the example passphrase's: `stack init` makes one for this test's passphrase.
        document = yaml.safe_load(path.read_text())
        document.pop("encryptionsalt")
        path.write_text(yaml.safe_dump(document, sort_keys=False))

    def pulumi(*args: str) -> None:
        done = subprocess.run([str(exe), *args, "--cwd", str(project), "--non-interactive"], capture_output=True,
                              text=True, timeout=120, check=False, env=state.cli_env(exe))
        assert done.returncode == 0, done.stderr

    pulumi("stack", "init", "sim")
    pulumi("stack", "import", "--stack", "sim", "--file", str(_export(prod, deployed_pair, tmp_path)))

    code = cli.main(["--stack", "sim", "--project-dir", str(project), "--protocol", "http", "--timeout", "60"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith(f"stack state: {len(placement.creations(prod)) + 2} managed resource(s) from "
                          "`pulumi stack export --stack sim`")
    # A stack the backend does not know is a first deployment, said with the CLI's own words.
    code = cli.main(["--stack", "other", "--project-dir", str(project), "--protocol", "http", "--timeout", "60"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("stack state: none (`pulumi stack export`: error: no stack named 'other' found)")


def test_an_object_an_interrupted_update_was_creating_is_named_as_such(
    deployed_pair: Pair, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    doc = json.loads(_export(prod, deployed_pair, tmp_path, leave_out=("vio-mgmt-folder",)).read_text())
    doc["deployment"]["pending_operations"] = [{"type": "creating", "resource": {
        "urn": f"urn:pulumi:sim::vio-nfv::vionfv:management_pod:ManagementPod${placement.FOLDER}::vio-mgmt-folder",
        "custom": True, "type": placement.FOLDER}}]
    outcome = run_preflight(local(deployed_pair[0]), local(deployed_pair[1]),
                            "--state", str(write_export(tmp_path, doc)))
    [failure] = outcome.results(status="fail")
    assert failure["check"] == "folder"
    assert "an interrupted `pulumi up` was creating vio-mgmt-folder" in failure["detail"]
    assert failure["fix"].startswith("run `pulumi refresh --stack sim` to clear the pending create, then remove")


def test_a_standard_port_group_of_the_name_collides_with_the_port_group_to_create(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    # Networks of a datacenter share one name space: vcsim's AddPortGroup and AddDVPortgroup both raise
    # DuplicateName over the network folder's children, whatever their kind.
    spec = simulator.management_spec(prod)
    simulator.datacenter(spec)["standardPortGroups"] = [prod.management_network.port_group]
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    [failure] = outcome.results(status="fail")
    assert failure["check"] == "port group"
    assert ("a standard (host) network named 'vio-mgmt-pg' already exists at /mgmt-dc01/network/vio-mgmt-pg "
            "(network-") in failure["detail"]
    assert failure["fix"] == "rename or remove that network, or change managementNetwork.portGroup"


def test_an_adopted_name_held_by_a_standard_network_fails(
    simulator_binary: Path, dev: config.Settings, run_preflight: Run
) -> None:
    spec = simulator.management_spec(dev)
    dc = simulator.datacenter(spec)
    dc["switches"][0]["portGroups"] = [{"name": dev.api_access_network.port_group}]
    dc["standardPortGroups"] = [dev.management_network.port_group]
    with simulator.running(spec) as mgmt, simulator.running(simulator.resource_spec(dev)) as res:
        outcome = run_preflight(local(mgmt), local(res), source=DEV)
    [failure] = outcome.results(status="fail")
    assert failure["check"] == "port group"
    assert "'lab-mgmt-pg' in 'lab-dc01' is a standard (host) network" in failure["detail"]
