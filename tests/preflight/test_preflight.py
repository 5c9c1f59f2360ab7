"""Preflight against simulated vCenters: each test shapes one condition and checks the verdict, where it
is reported and what the operator is told to change."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components import settings as config
from preflight import addresses, checks
from sim.vcsim import simulator
from tests.preflight.conftest import DEV, ROOT, Run, local, stack_export, write_export

Pair = tuple[simulator.Simulator, simulator.Simulator]


def test_passing_inventory_exits_zero_from_the_command_line(
    passing_pair: Pair, tmp_path: Path, prod: config.Settings
) -> None:
    mgmt, res = passing_pair
    simulator.write_stack(tmp_path, "prod", ROOT / "Pulumi.prod.yaml", local(mgmt), local(res))
    env = {**os.environ, "VIONFV_MANAGEMENT_VCENTER_PASSWORD": simulator.PASSWORD,
           "VIONFV_RESOURCE_VCENTER_PASSWORD": simulator.PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "preflight", "--stack", "prod", "--project-dir", str(tmp_path),
         "--protocol", "http", "--no-pulumi-cli", "--json", str(tmp_path / "out.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["ok"] is True
    assert {r["status"] for r in doc["results"]} == {"pass"}
    checked = {r["check"] for r in doc["results"]}
    assert {"reachable", "datacenter", "cluster", "datastore", "switch", "port group", "manager source",
            "hosts", "host state", "capacity cpu", "capacity memory", "capacity disk",
            "ip free"} <= checked
    assert doc["vcenters"]["management"]["version"] == "8.0.2"
    assert "ready for `pulumi up`" in done.stdout
    assert "reading inventory" in done.stderr  # progress goes to stderr, the table to stdout
    assert simulator.PASSWORD not in done.stdout + done.stderr + json.dumps(doc)


def test_round_trips_do_not_grow_with_the_number_of_vms(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    mgmt, _ = passing_pair
    trips = []
    for vms in (10, 500):
        with simulator.running(simulator.resource_spec(prod, tenant_vms=vms)) as res:
            outcome = run_preflight(local(mgmt), local(res))
        assert outcome.code == 0, outcome.out
        trips.append(outcome.doc["round_trips"]["resource"])
    assert trips[0] == trips[1] <= 8


def test_missing_manager_template_fails_and_names_the_config_key(
    simulator_binary: Path, dev: config.Settings, run_preflight: Run
) -> None:
    template = dev.vio.manager.template
    assert template is not None  # dev clones the Manager from a template
    spec = simulator.management_spec(dev)
    dc = simulator.datacenter(spec)
    dc["vms"] = [vm for vm in dc["vms"] if vm["name"] != template]
    with simulator.running(spec) as mgmt, simulator.running(simulator.resource_spec(dev)) as res:
        outcome = run_preflight(local(mgmt), local(res), source=DEV)
    assert outcome.code == 1
    assert outcome.failed_checks == {"manager source"}
    [failure] = outcome.results("manager source", "fail")
    assert template in failure["detail"]
    assert "vio.manager.template" in failure["fix"]
    assert failure["where"].endswith(f"/{dev.management_vcenter.datacenter}")
    assert "NOT ready" in outcome.out


def test_manager_template_that_is_a_plain_vm_fails(
    simulator_binary: Path, dev: config.Settings, run_preflight: Run
) -> None:
    spec = simulator.management_spec(dev)
    for vm in simulator.datacenter(spec)["vms"]:
        if vm["name"] == dev.vio.manager.template:
            vm["template"] = False
    with simulator.running(spec) as mgmt, simulator.running(simulator.resource_spec(dev)) as res:
        outcome = run_preflight(local(mgmt), local(res), source=DEV)
    assert outcome.failed_checks == {"manager source"}
    assert "not a template" in outcome.results("manager source")[0]["detail"]


def test_too_few_hosts_for_ha_fails_but_suffice_for_compact(
    simulator_binary: Path, prod: config.Settings, dev: config.Settings, run_preflight: Run
) -> None:
    with simulator.running(simulator.management_spec(prod, hosts=2)) as mgmt, simulator.running(
        simulator.resource_spec(prod)
    ) as res:
        outcome = run_preflight(local(mgmt), local(res))
    assert outcome.code == 1
    assert outcome.failed_checks == {"hosts"}
    failure = outcome.results("hosts", "fail")[0]
    assert "2 usable host(s)" in failure["detail"] and "needs 3" in failure["detail"]
    assert "topology: compact" in failure["fix"]
    assert "3 controllers" in failure["detail"]

    with simulator.running(simulator.management_spec(dev, hosts=2)) as mgmt, simulator.running(
        simulator.resource_spec(dev)
    ) as res:
        outcome = run_preflight(local(mgmt), local(res), source=DEV)
    assert outcome.code == 0, outcome.out


def test_host_in_maintenance_fails_and_no_longer_counts(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod, hosts=3)
    simulator.datacenter(spec)["clusters"][0]["maintenance"] = 1
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.code == 1
    assert outcome.failed_checks == {"host state", "hosts"}
    [state] = outcome.results("host state", "fail")
    assert "maintenance mode" in state["detail"] and "exit maintenance mode" in state["fix"]
    assert state["where"].endswith(prod.management_vcenter.cluster)


def test_disconnected_host_fails(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod, hosts=4)
    simulator.datacenter(spec)["clusters"][0]["disconnected"] = 1
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.failed_checks == {"host state"}
    assert "is disconnected" in outcome.results("host state", "fail")[0]["detail"]


def test_full_datastore_fails_disk_capacity(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    need = checks.demand(prod)
    spec = simulator.management_spec(prod)
    # Room for the plane itself but not for the 20% margin: the margin is part of the rule.
    simulator.datacenter(spec)["datastores"][0]["freeGB"] = need.disk_gb + 1
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.code == 1
    assert outcome.failed_checks == {"capacity disk"}
    failure = outcome.results("capacity disk", "fail")[0]
    assert f"needs {need.disk_gb} GiB" in failure["detail"]
    assert "managementVcenter.datastore" in failure["fix"]



def test_busy_cluster_fails_memory_capacity(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod, hosts=3)
    simulator.datacenter(spec)["clusters"][0]["memoryUsageGB"] = 240
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.failed_checks == {"capacity memory"}


def test_planned_ip_used_by_a_vm_in_either_vcenter_fails(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run
) -> None:
    net, api = prod.management_network, prod.api_access_network
    mgmt_spec = simulator.management_spec(prod)
    simulator.datacenter(mgmt_spec)["vms"].append(
        {"name": "squatter", "cluster": prod.management_vcenter.cluster, "ips": ["10.9.9.9", str(net.private_vip)]}
    )
    res_spec = simulator.resource_spec(prod)
    inside = api.vio_range.start + 2
    simulator.datacenter(res_spec)["vms"] = [
        {"name": "tenant-db", "cluster": prod.resource_vcenter.compute_clusters[0],
         "ips": [str(net.manager_ip), str(inside)]}
    ]
    with simulator.running(mgmt_spec) as mgmt, simulator.running(res_spec) as res:
        outcome = run_preflight(local(mgmt), local(res))
    assert outcome.code == 1
    failures = outcome.results("ip free", "fail")
    assert len(failures) == 3
    by_ip = {f["detail"].split()[0]: f for f in failures}
    vip = by_ip[str(net.private_vip)]
    assert "'squatter'" in vip["detail"] and "managementNetwork.privateVip" in vip["fix"]
    manager = by_ip[str(net.manager_ip)]
    assert "vio-manager" in manager["detail"] and "'tenant-db'" in manager["detail"]
    assert manager["where"].startswith(f"127.0.0.1:{res.port}/")
    assert "apiAccessNetwork.vioRange" in by_ip[str(inside)]["detail"]


def _manager_vm(settings: config.Settings, **where: str) -> dict[str, object]:
    """A simulator VM spec for the VIO Manager, where the deployment puts it unless `where` moves it,
    holding the Manager's planned address."""
    plan = checks.demand(settings).plan
    folder, pool = addresses.plane_placement(settings)
    return {"name": plan.manager_name, "cluster": settings.management_vcenter.cluster,
            "folder": folder, "resourcePool": pool, "ips": [str(plan.manager_ip)], **where}


def test_the_manager_holding_its_own_address_is_not_a_collision(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, tmp_path: Path
) -> None:
    # Before an update: the deployed stack's Manager (the uuid its state holds) on its own address.
    with simulator.running(simulator.deploy(simulator.management_spec(prod), prod, "management")) as mgmt, \
            simulator.running(simulator.deploy(simulator.resource_spec(prod), prod, "resource")) as res:
        state = write_export(tmp_path, stack_export(prod, "sim", {"management": mgmt, "resource": res}))
        outcome = run_preflight(local(mgmt), local(res), "--state", str(state))
    assert outcome.code == 0, outcome.out
    assert outcome.results("ip free", "pass")


def test_plane_placement_is_the_management_pods_folder_and_pool(prod: config.Settings) -> None:
    from components import stack_args

    pod = stack_args.management_pod(prod)
    assert addresses.plane_placement(prod) == (pod.folder, pod.resource_pool)


@pytest.mark.parametrize(
    ("where", "mismatch"),
    [
        ({"folder": ""}, "in VM folder '(root)', not 'vio'"),
        ({"folder": "vio/old"}, "in VM folder 'vio/old', not 'vio'"),
        ({"resourcePool": "other"}, "in resource pool 'other', not 'vio-plane'"),
    ],
    ids=["vm-folder-root", "nested-folder", "other-resource-pool"],
)
def test_look_alike_outside_the_planes_folder_or_pool_is_a_collision(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair,
    where: dict[str, str], mismatch: str,
) -> None:
    spec = simulator.management_spec(prod)
    vm = _manager_vm(prod, **where)
    simulator.datacenter(spec)["vms"].append(vm)
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.code == 1
    [failure] = outcome.results("ip free", "fail")
    assert f"guest IP of VM {vm['name']!r}, which is named like the plane's VM but is not it" in failure["detail"]
    assert mismatch in failure["detail"]
    assert f"/{prod.management_vcenter.datacenter}/vm/vio in pool" in failure["fix"]


def test_look_alike_in_another_datacenter_is_a_collision(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = simulator.management_spec(prod)
    vm = _manager_vm(prod, cluster="lab-cl01")
    spec["datacenters"].append({
        "name": "lab-dc", "clusters": [{"name": "lab-cl01", "hosts": 1}],
        "datastores": [{"name": "lab-ds"}], "vms": [vm],
    })
    with simulator.running(spec) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]))
    assert outcome.code == 1
    [failure] = outcome.results("ip free", "fail")
    assert f"{vm['ips'][0]} (planned for " in failure["detail"]  # type: ignore[index]
    assert f"in datacenter 'lab-dc', not {prod.management_vcenter.datacenter!r}" in failure["detail"]
    assert failure["where"] == f"127.0.0.1:{mgmt.port}/lab-dc"


def test_look_alike_in_the_other_vcenter_is_a_collision(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    # The same name, datacenter name, folder, cluster name and pool, but in the resource vCenter.
    m = prod.management_vcenter
    res_spec = simulator.resource_spec(prod)
    vm = _manager_vm(prod)
    simulator.datacenter(res_spec)["name"] = m.datacenter
    simulator.datacenter(res_spec)["clusters"].append({"name": m.cluster, "hosts": 1})
    simulator.datacenter(res_spec)["vms"] = [vm]
    with simulator.running(res_spec) as res:
        outcome = run_preflight(local(passing_pair[0]), local(res))
    failure = next(r for r in outcome.results("ip free", "fail"))
    assert f"in vCenter '127.0.0.1:{res.port}', not '127.0.0.1:{passing_pair[0].port}'" in failure["detail"]
    assert failure["where"].startswith(f"127.0.0.1:{res.port}/")


def test_demand_is_the_manager_plus_n_controllers_of_the_configured_size(prod: config.Settings) -> None:
    need = checks.demand(prod)
    cpus, memory, disk = config.CONTROLLER_SIZES[prod.vio.controller_size]
    assert need.plan.controllers == 3
    assert (need.vcpus, need.memory_mb, need.disk_gb) == (4 + 3 * cpus, 16384 + 3 * memory, 70 + 3 * disk)
    five = prod.model_copy(update={"vio": prod.vio.model_copy(update={"controllers": 5})})
    assert checks.demand(five).vcpus == need.vcpus + 2 * cpus


def test_vcenter_going_down_mid_run_fails_with_a_clear_error(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    # The resource vCenter accepts the login, then dies when asked for its inventory.
    spec = {**simulator.resource_spec(prod), "crashOn": "RetrievePropertiesEx"}
    with simulator.running(spec) as res:
        outcome = run_preflight(local(passing_pair[0]), local(res))
    assert outcome.code == 1
    [down] = [r for r in outcome.results("reachable", "fail")]
    assert down["vcenter"] == "resource"
    assert "dropped the connection during inventory" in down["detail"]
    assert "retry" in down["fix"]
    # The management vCenter is still checked in full.
    assert all(r["status"] == "pass" for r in outcome.doc["results"] if r["vcenter"] == "management")
    assert outcome.results("ip free", "skip")


def test_wrong_credentials_fail_without_printing_the_password(
    prod: config.Settings, run_preflight: Run, passing_pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIONFV_MANAGEMENT_VCENTER_PASSWORD", "not-The-password-42")
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]))
    assert outcome.code == 1
    [failure] = outcome.results("reachable", "fail")
    assert failure["vcenter"] == "management"
    assert f"rejected the login of {prod.management_vcenter.username!r}" in failure["detail"]
    assert "VIONFV_MANAGEMENT_VCENTER_PASSWORD" in failure["fix"]
    assert "not-The-password-42" not in outcome.out + outcome.err + json.dumps(outcome.doc)


def test_missing_password_is_a_usage_error_naming_the_variable(
    run_preflight: Run, passing_pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIONFV_RESOURCE_VCENTER_PASSWORD")
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]))
    assert outcome.code == 2
    assert "VIONFV_RESOURCE_VCENTER_PASSWORD" in outcome.err


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP endpoint that accepts connections and never answers: a hung vCenter or a black-holing proxy."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_hanging_endpoint_ends_with_a_timeout_error_within_the_timeout(
    silent_server: int, passing_pair: Pair, tmp_path: Path
) -> None:
    simulator.write_stack(tmp_path, "hang", ROOT / "Pulumi.prod.yaml", local(passing_pair[0]),
                          ("127.0.0.1", silent_server))
    env = {**os.environ, "VIONFV_MANAGEMENT_VCENTER_PASSWORD": simulator.PASSWORD,
           "VIONFV_RESOURCE_VCENTER_PASSWORD": simulator.PASSWORD}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "preflight", "--stack", "hang", "--project-dir", str(tmp_path),
         "--protocol", "http", "--no-pulumi-cli", "--timeout", "1.5",
         "--json", str(tmp_path / "out.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    [failure] = [r for r in json.loads((tmp_path / "out.json").read_text())["results"] if r["status"] == "fail"]
    assert failure["detail"] == (
        f"resource vCenter 127.0.0.1:{silent_server} did not answer within the run's 1.5s timeout (connect)"
    )
    assert "raise --timeout" in failure["fix"]
    assert re.search(r"FAIL\s+resource\s+reachable", done.stdout)
    assert elapsed < 1.5 + 8  # interpreter start-up and the management inventory, not a second timeout


def test_refused_connection_names_server_and_port(run_preflight: Run, passing_pair: Pair) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    outcome = run_preflight(("127.0.0.1", port), local(passing_pair[1]))
    [failure] = outcome.results("reachable", "fail")
    assert f"127.0.0.1:{port} refused the connection" in failure["detail"]
    assert "managementVcenter.port" in failure["fix"]
