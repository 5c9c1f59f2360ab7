"""The simulated datacenter (`python -m sim up|down|status`, sim/datacenter.py) from the sim stack: every
endpoint answers its basic call with the run's random credentials over the one local CA, everything
listens on loopback only and talks to nothing else, `down` leaves no process, and the stack file itself is
valid. Each run copies Pulumi.sim.yaml with its ports moved to free ones (parallel runs share the
addresses), and its state directory is the test's own."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.settings import NAMESPACE
from sim import datacenter, pulumi_secrets, sockets

ROOT = Path(__file__).resolve().parent.parent
SIM_STACK = ROOT / "Pulumi.sim.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def sim_project(directory: Path, **overrides: Any) -> Path:
    """Pulumi.sim.yaml copied into `directory`, each endpoint on a free port of its address; `overrides`
    replace whole config sections (by key without the namespace)."""
    document = yaml.safe_load(SIM_STACK.read_text())
    config = document["config"]
    for key, host_key in (("managementVcenter", "server"), ("resourceVcenter", "server"), ("nsx", "host")):
        section = config[f"{NAMESPACE}:{key}"]
        section["port"] = _free_port(section[host_key])
    vio = config[f"{NAMESPACE}:vio"]
    vio["api"]["port"] = _free_port(config[f"{NAMESPACE}:managementNetwork"]["managerIp"])
    for key, value in overrides.items():
        config[f"{NAMESPACE}:{key}"] = value
    (directory / "Pulumi.sim.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    return directory


def run_sim(*args: str, project: Path, state: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args, "--project-dir", str(project), "--state-dir",
                           str(state)], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    project = sim_project(tmp_path_factory.mktemp("sim-project"))
    state = tmp_path_factory.mktemp("sim-state")
    up = run_sim("up", "--no-openstack", "--vio-boot", "0", project=project, state=state)
    assert up.returncode == 0, up.stdout + up.stderr
    recorded = datacenter.read_state(state)
    assert recorded is not None
    credentials = json.loads(Path(recorded["credentials"]).read_text())
    try:
        yield {"project": project, "state": state, "record": recorded, "credentials": credentials,
               "ca": Path(recorded["ca"]).read_text(), "up": up}
    finally:
        run_sim("down", project=project, state=state)


def _https(url: str, ca: str, *, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
           ) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cadata=ca), timeout=10) as answer:
        return answer.status, json.loads(answer.read() or b"null")


def test_up_prints_every_endpoint_and_says_where_the_credentials_are(running: dict[str, Any]) -> None:
    out = running["up"].stdout
    for name in ("management-vcenter", "resource-vcenter", "nsx", "vio"):
        assert name in out
    assert "credentials (random for this run)" in out
    assert (Path(running["record"]["credentials"]).stat().st_mode & 0o777) == 0o600
    if pulumi_secrets.toolchain_env() is not None:
        assert "Pulumi secrets in" in out
    else:
        assert "not set as Pulumi secrets" in out
    for secret in running["credentials"].values():
        assert secret not in out, "a credential was printed"


def test_with_the_real_cli_the_credentials_are_pulumi_secrets_the_cli_decrypts(running: dict[str, Any]) -> None:
    env = pulumi_secrets.toolchain_env()
    if env is None:
        pytest.skip("the real Pulumi CLI is not built (make toolchain)")
    state = running["state"]
    config_file = state / "Pulumi.sim.yaml"
    text = config_file.read_text()
    for secret in running["credentials"].values():
        assert secret not in text
    assert (running["project"] / "Pulumi.sim.yaml").read_text().count("secure:") >= 1, "the checkout's copy changed"
    got = subprocess.run(
        ["pulumi", "config", "get", "--stack", "sim", "--config-file", str(config_file), f"{NAMESPACE}:nsxPassword"],
        cwd=state / "project", capture_output=True, text=True, check=False,
        env={**env, "PULUMI_BACKEND_URL": f"file://{state / 'backend'}",
             "PULUMI_CONFIG_PASSPHRASE_FILE": str(state / "passphrase")})
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == running["credentials"]["nsxPassword"]


@pytest.mark.parametrize("role", ["management", "resource"])
def test_each_vcenter_accepts_a_soap_login_with_the_runs_password_over_the_local_ca(
        running: dict[str, Any], role: str) -> None:
    from pyVim.connect import Disconnect, SmartConnect

    endpoint = running["record"]["endpoints"][f"{role}-vcenter"]
    host, port = endpoint["url"].removeprefix("https://").rsplit(":", 1)
    si = SmartConnect(host=host, port=int(port), user=endpoint["user"],
                      pwd=running["credentials"][f"{role}VcenterPassword"],
                      sslContext=ssl.create_default_context(cadata=running["ca"]))
    try:
        content = si.RetrieveContent()
        assert content.about.apiType == "VirtualCenter"
        names = {dc.name for dc in content.rootFolder.childEntity}
    finally:
        Disconnect(si)
    document = yaml.safe_load((running["project"] / "Pulumi.sim.yaml").read_text())
    assert document["config"][f"{NAMESPACE}:{role}Vcenter"]["datacenter"] in names


def test_nsx_answers_its_node_version_with_the_runs_password(running: dict[str, Any]) -> None:
    endpoint = running["record"]["endpoints"]["nsx"]
    auth = base64.b64encode(f"{endpoint['user']}:{running['credentials']['nsxPassword']}".encode()).decode()
    status, body = _https(endpoint["url"] + "/api/v1/node/version", running["ca"],
                          headers={"Authorization": f"Basic {auth}"})
    assert status == 200 and body["node_version"]


def test_vio_logs_in_and_reports_its_status(running: dict[str, Any]) -> None:
    endpoint = running["record"]["endpoints"]["vio"]
    _, login = _https(endpoint["url"] + "/api/v2/login", running["ca"], method="POST",
                      body={"username": endpoint["user"], "password": running["credentials"]["managerAdminPassword"]})
    status, body = _https(endpoint["url"] + "/api/v2/status", running["ca"],
                          headers={"Authorization": login["token"]})  # apiKey: as-is (vio_client)
    assert status == 200 and "status" in body


def test_status_lists_every_process_running_and_only_loopback_sockets(running: dict[str, Any]) -> None:
    shown = run_sim("status", "--json", project=running["project"], state=running["state"])
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["running"] and set(report["processes"]) == {"datacenter", "vcsim-management", "vcsim-resource"}
    listening = {s["local"] for s in report["sockets"] if s["listening"]}
    assert listening == {e["url"].removeprefix("https://") for e in report["endpoints"].values()}


def test_nothing_listens_on_or_talks_to_a_non_loopback_address(running: dict[str, Any]) -> None:
    record = running["record"]
    pids = [p for root in record["processes"].values() for p in sockets.children(int(root))]
    held = sockets.of(pids)
    assert any(s.listening for s in held), "the check saw no socket at all"
    assert [s for s in held if not s.loopback] == []


def test_a_stack_address_outside_loopback_is_refused_before_anything_starts(tmp_path: Path) -> None:
    document = yaml.safe_load(SIM_STACK.read_text())
    nsx = document["config"][f"{NAMESPACE}:nsx"]
    project = sim_project(tmp_path, nsx={**nsx, "host": "nsx-mgr01.nfv.example.net", "port": 8443})
    done = run_sim("up", "--no-openstack", project=project, state=tmp_path / "state")
    assert done.returncode != 0
    assert "nsx-mgr01.nfv.example.net" in done.stderr and "loopback" in done.stderr
    assert datacenter.read_state(tmp_path / "state") is None


def _power_on_a_manager_vm(record: dict[str, Any], project: Path) -> None:
    """A VM holding the Manager's OVF address properties and a NIC, powered on in the management vCenter,
    as `ovf_deploy` leaves the Manager: the engine's appliance then reports the address (after its boot
    delay)."""
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim

    settings = datacenter.load_settings(project / "Pulumi.sim.yaml")
    credentials = json.loads(Path(record["credentials"]).read_text())
    endpoint = record["endpoints"]["management-vcenter"]
    host, port = endpoint["url"].removeprefix("https://").rsplit(":", 1)
    si = SmartConnect(host=host, port=int(port), user=endpoint["user"], pwd=credentials["managementVcenterPassword"],
                      sslContext=ssl.create_default_context(cadata=Path(record["ca"]).read_text()))

    def wait(task: Any) -> Any:
        while task.info.state in ("queued", "running"):
            time.sleep(0.05)
        assert task.info.state == "success", task.info.error
        return task.info.result

    try:
        m, keys = settings.management_vcenter, settings.vio.manager.ovf_properties
        index = si.RetrieveContent().searchIndex
        dvs = index.FindByInventoryPath(f"{m.datacenter}/network/{m.distributed_switch}")
        wait(dvs.AddDVPortgroup_Task([vim.dvs.DistributedVirtualPortgroup.ConfigSpec(
            name="manager-pg", type="earlyBinding", numPorts=8)]))
        pg = index.FindByInventoryPath(f"{m.datacenter}/network/manager-pg")
        nic = vim.vm.device.VirtualDeviceSpec(operation="add", device=vim.vm.device.VirtualVmxnet3(
            key=-1, backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
                port=vim.dvs.PortConnection(switchUuid=dvs.uuid, portgroupKey=pg.key))))
        values = {keys.address: str(settings.management_network.manager_ip), keys.netmask: "255.255.255.0",
                  keys.gateway: str(settings.management_network.gateway)}
        properties = [vim.vApp.PropertySpec(operation="add", info=vim.vApp.PropertyInfo(
            key=i, id=k, value=v, type="string", userConfigurable=True)) for i, (k, v) in enumerate(values.items())]
        cluster = index.FindByInventoryPath(f"{m.datacenter}/host/{m.cluster}")
        vm = wait(index.FindByInventoryPath(m.datacenter).vmFolder.CreateVM_Task(vim.vm.ConfigSpec(
            name="vio-manager", guestId="otherGuest", files=vim.vm.FileInfo(vmPathName=f"[{m.datastore}]"),
            deviceChange=[nic], vAppConfig=vim.vApp.VmConfigSpec(property=properties)), cluster.resourcePool))
        wait(vm.PowerOnVM_Task())
    finally:
        Disconnect(si)


def _accepts(url: str) -> bool:
    host, port = url.removeprefix("https://").rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return False
    return True


def test_vio_api_stays_down_until_the_manager_vm_runs(tmp_path: Path) -> None:
    project, state = sim_project(tmp_path), tmp_path / "state"
    done = run_sim("up", "--no-openstack", project=project, state=state)
    try:
        assert done.returncode == 0, done.stderr
        record = datacenter.read_state(state)
        assert record is not None
        vio = record["endpoints"]["vio"]["url"]
        time.sleep(2.5)  # longer than the datacenter's check interval
        assert not _accepts(vio), "the VIO API answered with no Manager VM running"
        assert _accepts(record["endpoints"]["nsx"]["url"])
        _power_on_a_manager_vm(record, project)
        deadline = time.monotonic() + 30
        while not _accepts(vio):
            assert time.monotonic() < deadline, "the VIO API never came up after the Manager VM booted"
            time.sleep(0.2)
    finally:
        run_sim("down", project=project, state=state)


def test_down_leaves_no_process_and_status_says_nothing_runs(tmp_path: Path) -> None:
    project, state = sim_project(tmp_path), tmp_path / "state"
    assert run_sim("up", "--no-openstack", "--vio-boot", "0", project=project, state=state).returncode == 0
    record = datacenter.read_state(state)
    assert record is not None
    pids = [p for root in record["processes"].values() for p in sockets.children(int(root))]
    assert len(pids) >= 3
    down = run_sim("down", project=project, state=state)
    assert down.returncode == 0, down.stderr
    assert [p for p in pids if datacenter.alive(p)] == []
    assert not (state / "credentials.json").exists()
    status = run_sim("status", project=project, state=state)
    assert status.returncode == 3 and "nothing running" in status.stdout


def test_the_sim_stack_file_is_valid_for_the_offline_plan() -> None:
    done = subprocess.run([sys.executable, "-m", "offline", "sim"], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_sim_stack_puts_every_endpoint_on_loopback() -> None:
    settings = datacenter.load_settings(SIM_STACK)
    addresses = [settings.management_vcenter.server, settings.resource_vcenter.server, settings.nsx.host,
                 str(settings.management_network.manager_ip), str(settings.api_access_network.public_vip),
                 settings.openstack.public_hostname]
    for address in addresses:
        assert address.startswith("127."), address


@pytest.mark.openstack
def test_full_datacenter_with_openstack_answers_a_keystone_token(tmp_path: Path) -> None:
    project, state = sim_project(tmp_path), tmp_path / "state"
    done = run_sim("up", "--vio-boot", "0", project=project, state=state, timeout=1800)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        record = datacenter.read_state(state)
        assert record is not None
        keystone = record["endpoints"]["keystone"]
        credentials = json.loads(Path(record["credentials"]).read_text())
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": keystone["user"], "domain": {"name": "Default"},
            "password": credentials["openstackPassword"]}}}}}
        status, _ = _https(keystone["url"] + "/auth/tokens", Path(record["ca"]).read_text(), method="POST",
                           body=body)
        assert status == 201
    finally:
        run_sim("down", project=project, state=state, timeout=300)
