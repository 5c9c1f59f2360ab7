"""The simulator against the VIO 7.0 reference, and the client against every answer the reference leaves open.

Reference pages: developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0/<page> (each row below
names its page). Where the reference is silent the simulator answers each plausible way (sim/vio/model.py
`Variants`) and the providers are run through a whole lifecycle against each.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import urllib3
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from components import vio_client as vc
from components.vio_deployment import DeploymentProvider
from sim.vio import Boot, Variants, VioSimulator
from tests.vio_helpers import (  # noqa: F401 (fixtures `clock`, `sim`)
    DEPLOY,
    MANAGER_PW,
    NSX,
    VC_HOST,
    VCENTER,
    clock_fixture,
    cluster_body,
    deployment_props,
    endpoint,
    manual_clock,
    nsx_body,
    register_vcenter,
    sim_fixture,
    simulator,
    vcenter_body,
)

ROOT = Path(__file__).resolve().parents[1]


class Raw:
    """Plain HTTP against the simulator, to hold it to the reference independently of our client."""

    def __init__(self, sim: VioSimulator) -> None:
        self.sim = sim
        self.pool = urllib3.PoolManager(cert_reqs="CERT_NONE", retries=False)
        self.token = ""

    def call(self, method: str, path: str, body: Any = None, auth: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if auth is not None or self.token:
            headers["Authorization"] = auth if auth is not None else self.token
        with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
            r = self.pool.request(method, f"https://127.0.0.1:{self.sim.port}{path}", headers=headers,
                                  body=json.dumps(body).encode() if body is not None else None)
        return r.status, (json.loads(r.data) if r.data else None)

    def login(self) -> None:
        status, data = self.call("POST", "/api/v2/login", {"username": "admin", "password": MANAGER_PW})
        assert status == 200
        self.token = data["token"]


def _wire_vcenter(**overrides: Any) -> dict[str, Any]:
    return vc.wire_body("vcenter", vcenter_body(**overrides))


def _wire_nsx(name: str = "nsx-res", **overrides: Any) -> dict[str, Any]:
    body = {"hostname": "nsx.example", "insecure": False, "kind": "nsxp", "name": name,
            "password": "nsx-pw", "username": "admin", **overrides}
    return vc.wire_body("nsx", body)


# (page under .../7.0/, method, path, body, expected status). Run in order on one simulator.
CONTRACT: list[tuple[str, str, str, Any, int]] = [
    ("api/v2/login/post", "POST", "/api/v2/login", {"username": "admin", "password": "wrong"}, 401),
    ("api/v2/status/get", "GET", "/api/v2/status", None, 200),
    ("api/v2/vcenters/post", "POST", "/api/v2/vcenters", _wire_vcenter(), 201),
    ("api/v2/vcenters/post", "POST", "/api/v2/vcenters", _wire_vcenter(), 409),
    ("api/v2/vcenters/post", "POST", "/api/v2/vcenters", {"hostname": "x"}, 422),
    ("api/v2/vcenters/get", "GET", "/api/v2/vcenters", None, 200),
    ("api/v2/vcenters/name/get", "GET", f"/api/v2/vcenters/{VC_HOST}", None, 200),
    ("api/v2/vcenters/name/get", "GET", "/api/v2/vcenters/ghost", None, 404),
    ("api/v2/vcenters/name/validation/get", "GET", f"/api/v2/vcenters/{VC_HOST}/validation", None, 200),
    ("api/v2/vcenters/name/put", "PUT", f"/api/v2/vcenters/{VC_HOST}", _wire_vcenter(username="other"), 200),
    ("api/v2/nsxs/post", "POST", "/api/v2/nsxs", _wire_nsx(), 201),
    ("api/v2/nsxs/name/put", "PUT", "/api/v2/nsxs/nsx-res",
     {k: v for k, v in _wire_nsx().items() if k != "name"}, 422),  # `name` is Required in `nsx`
    ("api/v2/nsxs/name/put", "PUT", "/api/v2/nsxs/nsx-res", _wire_nsx(username="ops"), 200),
    ("api/v2/nsxs/name/validation/get", "GET", "/api/v2/nsxs/nsx-res/validation", None, 200),
    ("api/v2/clusters/post", "POST", "/api/v2/clusters", {"name": "x"}, 400),  # the `cluster` body is checked
    ("api/v2/clusters/post", "POST", "/api/v2/clusters", vc.wire_body("cluster", cluster_body()), 202),
    ("api/v2/clusters/name/get", "GET", "/api/v2/clusters/vio-prod", None, 200),
    ("api/v2/openstack/name/scal/put", "PUT", "/api/v2/openstack/nova/scal",
     {"service_settings": [{"count": 4, "name": "nova-api"}]}, 202),
    ("api/v2/openstack/name/scal/put", "PUT", "/api/v2/openstack/nova/scal", {"service_settings": []}, 400),
    ("api/v2/openstack/name/scal/put", "PUT", "/api/v2/openstack/mariadb/scal",
     {"service_settings": [{"count": 4, "name": "mariadb"}]}, 404),
    ("api/v2/clusters/name/delete", "DELETE", "/api/v2/clusters/vio-prod", None, 202),
    ("api/v2/nsxs/name/delete", "DELETE", "/api/v2/nsxs/nsx-res", None, 200),
    ("api/v2/vcenters/name/delete", "DELETE", f"/api/v2/vcenters/{VC_HOST}", None, 200),
    ("api/v2/vcenters/name/delete", "DELETE", f"/api/v2/vcenters/{VC_HOST}", None, 404),
]


def test_every_documented_operation_answers_as_its_reference_page_says(sim: VioSimulator) -> None:
    raw = Raw(sim)
    for page, method, path, body, expected in CONTRACT:
        if page != "api/v2/login/post" and not raw.token:
            raw.login()
        status, _ = raw.call(method, path, body)
        assert status == expected, f"{page}: {method} {path} answered {status}, the page documents {expected}"
    assert raw.call("GET", "/api/v2/status", auth="")[0] == 401  # api/v2/status/get: 401 without a token


def test_status_and_gets_have_the_documented_shapes(sim: VioSimulator) -> None:
    raw = Raw(sim)
    raw.login()
    register_vcenter(sim)
    raw.call("POST", "/api/v2/clusters", vc.wire_body("cluster", cluster_body()))
    _, status = raw.call("GET", "/api/v2/status")
    # data-structures/cluster_status: every field Required
    assert set(status) == {"endpoints", "ha_enabled", "ip_access_enabled", "nodes", "services", "status"}
    assert set(status["nodes"][0]) == {"ip", "name", "role", "status"}
    assert set(status["services"][0]) == {"desired", "group", "name", "ready"}
    # api/v2/clusters/name/get returns the whole `cluster`, credentials included (base64 as posted)
    _, got = raw.call("GET", "/api/v2/clusters/vio-prod")
    nsx = got["openstack_info"]["neutron"]["nsx"]
    assert base64.b64decode(nsx["nsx_api_password"]).decode() == nsx_body()["nsx_api_password"]
    _, listed = raw.call("GET", "/api/v2/vcenters")
    assert "password" in listed[0]  # api/v2/vcenters/get lists `password`


def test_the_simulator_refuses_a_compute_cluster_naming_an_unregistered_vcenter(sim: VioSimulator) -> None:
    raw = Raw(sim)
    raw.login()
    status, data = raw.call("POST", "/api/v2/clusters", vc.wire_body("cluster", cluster_body()))
    # data-structures/compute_cluster: vcenter_name is "the hostname or ip address of the vcenter"
    assert status == 400 and "vcenter_name 'vc-res.example': no registered vCenter" in data["message"]


# ------------------------------------------------------------------ the client against every variant

VARIANTS = {
    "reference": Variants(),
    "bearer-only": Variants(auth="bearer"),
    "either-auth": Variants(auth="either"),
    "upper-case-words": Variants(ready_word="RUNNING", deploying_word="CREATING", node_ready_word="READY",
                                 controller_role="CONTROLLER"),
    "synonyms": Variants(ready_word="Active", deploying_word="Deploying", node_ready_word="Running",
                         controller_role="control-plane"),
    "ready-word": Variants(ready_word="ready"),
    "plain-credentials": Variants(credentials="plain"),
    "masked-credentials": Variants(credentials="masked"),
    "absent-credentials": Variants(credentials="absent"),
    "normalising-manager": Variants(normalise=True),
    "204-deletes": Variants(registration_delete_code=204, cluster_delete_code=204),
}


@pytest.mark.parametrize("variant", list(VARIANTS), ids=list(VARIANTS))
def test_the_providers_work_against_every_variant_the_reference_leaves_open(variant: str, clock: vc.ManualClock) -> None:
    with simulator(clock, variants=VARIANTS[variant]) as sim:
        vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
        vouts = VCENTER.create(vprops).outs
        assert VCENTER.diff(VC_HOST, VCENTER.read(VC_HOST, vouts).outs, vprops).changes is False
        nprops = {**endpoint(sim), "body": nsx_body(), "nsx_name": "nsx-res", "nsx_kind": "nsxp", "validation": None}
        nouts = NSX.create(nprops).outs
        assert NSX.diff("nsx-res", NSX.read("nsx-res", nouts).outs, nprops).changes is False
        props = deployment_props(sim, replicas={"nova": 3})
        outs = DEPLOY.create(props).outs
        assert outs["status"] == VARIANTS[variant].ready_word
        read = DEPLOY.read("vio-prod", outs).outs
        assert read["controllers"] == 3
        # Refresh after create shows no diff, whatever the GET returns for credentials or normalises.
        assert DEPLOY.diff("vio-prod", read, props).changes is False
        assert read["body"] == props["body"]
        updated = DEPLOY.update("vio-prod", read, {**props, "replicas": {"nova": 4}}).outs
        assert {s["desired"] for s in updated["services"] if s["group"] == "nova"} == {4}
        DEPLOY.delete("vio-prod", {**updated, "delete_on_destroy": True})
        NSX.delete("nsx-res", nouts)
        VCENTER.delete(VC_HOST, vouts)
        assert sim.vcenters == {} and sim.nsxs == {} and sim.live() == []
        bearer = [h["authorization"].startswith("Bearer ") for h in sim.headers if h.get("authorization")]
        # The reference's form (the token as-is) first; `Bearer ` only after a Manager refused it, and then
        # for the rest of that operation's session (one fallback per operation, not per call).
        if variant == "bearer-only":
            assert bearer.count(False) <= bearer.count(True) / 2
        else:
            assert not any(bearer)


def test_a_failed_deployment_status_ends_the_wait_at_once_naming_it(sim: VioSimulator, clock: vc.ManualClock) -> None:
    register_vcenter(sim)
    sim.variants.failed_word = "Failed"
    sim.faults.deploy_fails = True
    with pytest.raises(vc.VioApiError, match=r"create of deployment vio-prod \(GET /api/v2/status\) failed on the "
                       r"Manager: status 'Failed'"):
        DEPLOY.create(deployment_props(sim))
    assert clock.now() < 60  # not the 2 h timeout
    assert sim.live() == []  # rolled back


# ------------------------------------------------------------------ transactional create


def test_a_create_that_fails_after_the_post_leaves_nothing_and_the_next_create_succeeds(sim: VioSimulator) -> None:
    register_vcenter(sim)
    # Every answer to the POST is lost after the Manager applied it (500 on all of the client's attempts).
    sim.faults.fail_after_path, sim.faults.fail_after_count = r"POST /api/v2/clusters", 4
    with pytest.raises(vc.VioApiError, match=r"create deployment vio-prod \(POST /api/v2/clusters\)"):
        DEPLOY.create(deployment_props(sim))
    assert sim.live() == []
    assert DEPLOY.create(deployment_props(sim)).outs["status"] == "running"


def test_a_lost_answer_to_the_post_adopts_the_identical_deployment(sim: VioSimulator) -> None:
    register_vcenter(sim)
    sim.faults.fail_after_path, sim.faults.fail_after_count = r"POST /api/v2/clusters", 1
    outs = DEPLOY.create(deployment_props(sim)).outs  # retried POST -> 409 -> same body -> adopted
    assert outs["status"] == "running" and len(sim.live()) == 1


def test_a_wait_that_times_out_after_the_post_rolls_back(sim: VioSimulator) -> None:
    register_vcenter(sim)
    sim.faults.never_ready = True
    with pytest.raises(vc.VioApiError, match="not ready after"):
        DEPLOY.create(deployment_props(sim, deploy_timeout=600.0))
    assert sim.live() == []
    sim.faults.never_ready = False
    assert DEPLOY.create(deployment_props(sim)).id == "vio-prod"


def test_a_registration_whose_answer_was_lost_is_adopted_and_another_one_refused(sim: VioSimulator) -> None:
    sim.faults.fail_after_path, sim.faults.fail_after_count = r"POST /api/v2/vcenters", 1
    props = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    assert VCENTER.create(props).id == VC_HOST  # retried POST -> 409 -> same hostname -> adopted by PUT
    assert len(sim.calls("PUT", f"/api/v2/vcenters/{VC_HOST}")) == 1
    with pytest.raises(vc.VioApiError, match=r"already has one named vc-res.example with hostname "
                       r"'vc-res.example'; remove it in the Manager or pick another name"):
        VCENTER.create({**props, "body": vcenter_body(hostname="vc-other.example")})
    assert sim.vcenters[VC_HOST]["hostname"] == VC_HOST  # the other one is left alone


def test_registrations_roll_back_when_their_validation_fails(sim: VioSimulator) -> None:
    sim.faults.fail_after_path, sim.faults.fail_after_count = r"GET /api/v2/vcenters/.*/validation", 4
    with pytest.raises(vc.VioApiError, match="validate vCenter"):
        VCENTER.create({**endpoint(sim), "body": vcenter_body(), "registration_name": None})
    assert sim.vcenters == {}


# ------------------------------------------------------------------ unknowns from the SDK's deserializer


def _as_engine_sends(value: Any) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def test_check_and_diff_accept_the_unknowns_the_sdk_deserializer_produces(sim: VioSimulator) -> None:
    register_vcenter(sim)
    props = deployment_props(sim)
    secret_unknown = {rpc._special_sig_key: rpc._special_secret_sig, "value": rpc.UNKNOWN}
    wire = json.loads(json.dumps(props))
    wire["body"]["openstack_info"]["compute"]["compute_clusters"][0]["cluster_name"] = rpc.UNKNOWN
    wire["body"]["management_cluster"] = rpc.UNKNOWN
    wire["body"]["openstack_info"]["neutron"]["nsx"]["nsx_api_password"] = secret_unknown
    wire["body"]["openstack_info"]["identity"]["admin_password"] = secret_unknown
    wire["api_password"] = secret_unknown
    wire["controllers"] = rpc.UNKNOWN
    news = rpc.deserialize_properties(_as_engine_sends(wire), keep_unknowns=True)
    assert isinstance(news["controllers"], Unknown)
    # The unknown secret arrives as a secret wrapper around None (rpc.deserialize_properties).
    assert news["api_password"] == {rpc._special_sig_key: rpc._special_secret_sig, "value": None}
    result = DEPLOY.check({}, news)
    assert result.failures == []
    outs = DEPLOY.create(props).outs
    diff = DEPLOY.diff("vio-prod", outs, news)
    assert diff.changes is True  # unknowns may change: reported, never a failure
    # Every kind accepts them too.
    vnews = rpc.deserialize_properties(_as_engine_sends(
        {**json.loads(json.dumps(endpoint(sim))), "api_host": rpc.UNKNOWN,
         "body": {**vcenter_body(), "hostname": rpc.UNKNOWN, "password": secret_unknown}}), keep_unknowns=True)
    assert VCENTER.check({}, vnews).failures == []
    assert VCENTER.diff(VC_HOST, {**endpoint(sim), "body": vcenter_body()}, vnews).changes is True
    nnews = rpc.deserialize_properties(_as_engine_sends(
        {**json.loads(json.dumps(endpoint(sim))), "nsx_name": rpc.UNKNOWN, "nsx_kind": "nsxp",
         "body": {**nsx_body(), "default_tier0_router": rpc.UNKNOWN, "nsx_api_password": secret_unknown}}),
        keep_unknowns=True)
    assert NSX.check({}, nnews).failures == []
    # check hands the inputs back as it got them: the host serializes Unknown as the unknown sentinel.
    assert isinstance(NSX.check({}, nnews).inputs["nsx_name"], Unknown)


def test_an_unknown_whole_body_is_a_change_not_a_failure(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    news = {**props, "body": Unknown()}
    assert DEPLOY.check(props, news).failures == []
    assert DEPLOY.diff("vio-prod", props, news).changes is True


# ------------------------------------------------------------------ the Manager's first boot


@pytest.mark.parametrize("mode", ["refuse", "reset", "503", "502"])
def test_the_first_create_waits_for_a_booting_manager(mode: str, clock: vc.ManualClock,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vionfv.vio_api")
    with simulator(clock, boot=Boot(seconds=420, mode=mode)) as sim:  # type: ignore[arg-type]
        props = {**endpoint(sim, boot_timeout=1800.0), "body": vcenter_body(), "registration_name": None}
        assert VCENTER.create(props).id == VC_HOST
        assert clock.now() >= 420
    progress = [r.getMessage() for r in caplog.records if "API not up yet" in r.getMessage()]
    expected = {"refuse": "connection refused", "reset": "connection reset", "503": "HTTP 503", "502": "HTTP 502"}
    assert progress and expected[mode] in progress[0]
    assert any("API answering after" in r.getMessage() for r in caplog.records)


def test_a_manager_that_never_boots_fails_after_the_boot_timeout(clock: vc.ManualClock) -> None:
    with simulator(clock, boot=Boot(seconds=1e9, mode="refuse")) as sim:
        props = {**endpoint(sim, boot_timeout=600.0), "body": vcenter_body(), "registration_name": None}
        with pytest.raises(vc.VioApiError, match=r"did not come up within the boot timeout of 600 s "
                           r"\(last: connection refused\); check that the Manager VM is powered on"):
            VCENTER.create(props)
        assert 600 <= clock.now() < 700


def test_a_deployment_create_against_a_manager_that_never_boots_waits_once(clock: vc.ManualClock) -> None:
    with simulator(clock, boot=Boot(seconds=1e9, mode="503")) as sim:
        with pytest.raises(vc.VioApiError, match=r"login for create deployment vio-prod .*boot timeout of 900 s"):
            DEPLOY.create(deployment_props(sim, boot_timeout=900.0))
        assert 900 <= clock.now() < 1000  # no second wait for a rollback: nothing was posted
        assert sim.calls("POST", "/api/v2/clusters") == []


def test_the_boot_follows_the_manager_vms_power_state(clock: vc.ManualClock) -> None:
    powered = {"on": False}

    def power_on_after_ten_minutes() -> bool:
        powered["on"] = powered["on"] or clock.now() >= 600
        return powered["on"]

    with simulator(clock, boot=Boot(seconds=60, mode="503", powered_on=power_on_after_ten_minutes)) as sim:
        props = {**endpoint(sim, boot_timeout=1800.0), "body": vcenter_body(), "registration_name": None}
        VCENTER.create(props)
        assert clock.now() >= 600


def test_reads_do_not_wait_for_a_boot(clock: vc.ManualClock) -> None:
    with simulator(clock, boot=Boot(seconds=1e9, mode="503")) as sim:
        props = {**endpoint(sim, boot_timeout=1800.0), "body": vcenter_body(), "registration_name": None}
        with pytest.raises(vc.VioApiError, match="HTTP 503"):
            VCENTER.read(VC_HOST, props)
        assert clock.now() < 60


# ------------------------------------------------------------------ importability


def test_a_serialized_provider_unpickles_in_a_host_started_in_another_directory(tmp_path: Path) -> None:
    """The dynamic provider host (`python -m pulumi.dynamic`) runs wherever the engine starts it; the
    provider is pickled by reference, so its module must import from the installed package."""
    blob = serialize_provider(DeploymentProvider())
    script = (
        "import base64, sys, dill\n"
        "provider = dill.loads(base64.b64decode(sys.stdin.read()))\n"
        "print(type(provider).__module__, type(provider).__name__)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", script], input=blob, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["components.vio_deployment", "DeploymentProvider"]
    assert ROOT != tmp_path


def test_state_written_before_the_split_still_finds_its_provider_classes() -> None:
    from components import vio_api

    for old in ("_VcenterProvider", "_NsxProvider", "_DeploymentProvider"):
        assert getattr(vio_api, old).__module__ in ("components.vio_registrations", "components.vio_deployment")


def test_in_a_simulated_datacenter_the_api_answers_once_the_manager_vm_is_powered_on(
    clock: vc.ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Boot tied to the Manager VM in govmomi's vCenter simulator (sim/vcsim): the API refuses connections
    while the VM is powered off; an operator (here: the clock at 10 simulated minutes) powers it on."""
    from pyVim.connect import Disconnect, SmartConnect

    from sim.vcsim import simulator as vcsim

    spec = {"version": "8.0.2", "datacenters": [{
        "name": "mgmt-dc",
        "clusters": [{"name": "mgmt", "hosts": 1, "cpuCores": 8, "cpuMhz": 2000, "memoryGB": 64,
                      "cpuUsageMhz": 0, "memoryUsageGB": 0}],
        "datastores": [{"name": "mgmt-ds", "capacityGB": 100, "freeGB": 50}],
        "vms": [{"name": "vio-manager", "cluster": "mgmt"}],
    }]}
    caplog.set_level(logging.INFO, logger="vionfv.vio_api")
    with vcsim.running(spec) as vcenter:
        si = SmartConnect(host="127.0.0.1", port=vcenter.port, user=vcsim.USER, pwd=vcsim.PASSWORD, protocol="http")
        try:
            vm = si.content.searchIndex.FindByInventoryPath("mgmt-dc/vm/vio-manager")
            assert vm.runtime.powerState == "poweredOff"

            def operator(now: float) -> None:
                if now >= 600 and vm.runtime.powerState == "poweredOff":
                    vm.PowerOnVM_Task()

            clock.watch(operator)
            boot = Boot(seconds=0, mode="refuse", powered_on=lambda: vm.runtime.powerState == "poweredOn")
            with simulator(clock, boot=boot) as sim:
                props = {**endpoint(sim, boot_timeout=1800.0), "body": vcenter_body(), "registration_name": None}
                assert VCENTER.create(props).id == VC_HOST
                assert 600 <= clock.now() < 700
        finally:
            Disconnect(si)
    assert any("connection refused" in r.getMessage() for r in caplog.records)
