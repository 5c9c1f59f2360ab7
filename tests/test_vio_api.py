"""The VIO Public API dynamic providers driven directly against the simulator (sim/vio).

Pulumi never runs a dynamic provider's CRUD under mocks, so these tests call check/diff/create/read/
update/delete themselves, on the simulator's scaled clock (an hour of polling costs milliseconds).
Contract tests of the simulator against the reference, the variants the reference leaves open, unknowns,
transactional create and the Manager's boot: tests/test_vio_contract.py; day-2: tests/test_vio_day2.py.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import time
from typing import Any

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from components import vio_api as va
from components import vio_client as vc
from sim.vio import VioSimulator
from tests.vio_helpers import (  # noqa: F401 (fixtures `clock`, `sim`)
    ADMIN_PW,
    DEPLOY,
    MANAGER_PW,
    MD_SECRET,
    NSX,
    NSX_PW,
    PLANTED,
    VC_HOST,
    VC_PW,
    VC_PW_NEW,
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


@pytest.fixture(autouse=True)
def _resource_vcenter(sim: VioSimulator) -> None:
    """The resource vCenter is registered (the deployment's compute clusters name it)."""
    register_vcenter(sim)


# ---------------------------------------------------------------- validate_body / check


def test_validate_body_accepts_the_documented_bodies() -> None:
    assert va.validate_body("cluster", cluster_body()) == []
    assert va.validate_body("nsx_backend", nsx_body()) == []
    assert va.validate_body("vcenter", vcenter_body()) == []


def test_validate_body_names_missing_required_and_unknown_fields() -> None:
    body = cluster_body()
    del body["name"]
    del body["openstack_info"]["compute"]["compute_clusters"][0]["vcenter_name"]
    body["node_template"] = "vio-node"
    body["openstack_info"]["neutron"]["nsx"]["edge_cluster"] = "edge-1"
    problems = va.validate_body("cluster", body)
    text = "\n".join(problems)
    assert "name: required by the `cluster` structure, missing" in text
    assert "openstack_info.compute.compute_clusters[0].vcenter_name: required" in text
    assert "node_template: not a field of the documented `cluster` structure" in text
    assert "openstack_info.neutron.nsx.edge_cluster: not a field of the documented `nsx_backend`" in text
    assert len(problems) == 4


def test_validate_body_checks_types_and_enums_without_echoing_credentials() -> None:
    body = nsx_body(insecure="no", nsx_api_password=12345)
    problems = va.validate_body("nsx_backend", body)
    assert any(p.startswith("insecure: expected boolean") for p in problems)
    assert any(p.startswith("nsx_api_password: expected string") and "12345" not in p for p in problems)
    cluster = cluster_body()
    cluster["openstack_info"]["neutron"]["neutron_backend"] = "ovs"
    assert any("neutron_backend: 'ovs' is not one of" in p for p in va.validate_body("cluster", cluster))


def test_check_names_the_bad_field(sim: VioSimulator) -> None:
    props = deployment_props(sim, controllers=2, api_port=70000)
    del props["body"]["management_cluster"]["datastore"]
    failures = {f.property: f.reason for f in DEPLOY.check({}, props).failures}
    assert set(failures) == {"api_port", "controllers", "body.management_cluster.datastore"}
    assert "3 to 10" in failures["controllers"]
    compact = deployment_props(sim, ha=False, controllers=3)
    assert [f.property for f in DEPLOY.check({}, compact).failures] == ["controllers"]


def test_check_accepts_values_unknown_during_preview(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    props["body"]["openstack_info"]["neutron"]["nsx"]["metadata_proxy"] = vc.UNKNOWN
    props["api_host"] = vc.UNKNOWN
    assert DEPLOY.check({}, props).failures == []


# ---------------------------------------------------------------- create / scale / diff


def test_create_reaches_running_with_ha_nodes_and_services(sim: VioSimulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vionfv.vio_api")
    result = DEPLOY.create(deployment_props(sim))
    outs = result.outs
    assert result.id == "vio-prod" and outs["status"] == "running"
    assert [n["role"] for n in outs["nodes"]] == ["controller"] * 3
    assert outs["services"] and all(s["ready"] == s["desired"] >= 2 for s in outs["services"])
    assert outs["endpoints"]["public_vip"] == "10.2.0.10"
    assert any("running" in r.getMessage() for r in caplog.records)
    posted = sim.calls("POST", "/api/v2/clusters")[0][2]
    nsx = posted["openstack_info"]["neutron"]["nsx"]
    assert base64.b64decode(nsx["nsx_api_password"]).decode() == NSX_PW
    assert base64.b64decode(nsx["metadata_proxy_shared_secret"]).decode() == MD_SECRET


def test_compact_deployment_runs_one_controller(sim: VioSimulator) -> None:
    outs = DEPLOY.create(deployment_props(sim, ha=False, controllers=1)).outs
    assert len(outs["nodes"]) == 1 and all(s["ready"] == 1 for s in outs["services"])


def test_changing_controllers_is_a_replacement_naming_vios_procedure(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    five = {**props, "controllers": 5}
    diff = DEPLOY.diff("vio-prod", outs, five)
    assert diff.changes is True and diff.replaces == ["controllers"] and diff.delete_before_replace
    (pending,) = DEPLOY.check(props, five).inputs["pending_replacement"]
    assert pending.startswith("controllers: 3 -> 5") and "adding controller nodes" in pending
    assert "vio.rebuildIntended" in pending


def test_changing_one_services_replicas_scales_only_that_service_in_place(sim: VioSimulator) -> None:
    props = deployment_props(sim, replicas={"nova": 3, "neutron": 3})
    outs = DEPLOY.create(props).outs
    assert sim.calls("PUT", r"/api/v2/openstack/\w+/scal") == []  # already 3 each: nothing to scale
    scaled_up = {**props, "replicas": {"nova": 5, "neutron": 3}}
    diff = DEPLOY.diff("vio-prod", outs, scaled_up)
    assert diff.changes is True and diff.replaces == []
    updated = DEPLOY.update("vio-prod", outs, scaled_up).outs
    ((_, path, body),) = sim.calls("PUT", r"/api/v2/openstack/\w+/scal")
    assert path == "/api/v2/openstack/nova/scal"
    assert body == {"service_settings": [{"name": n, "count": 5} for n in ("nova-api", "nova-scheduler", "nova-conductor")]}
    assert len(updated["nodes"]) == 3  # replicas are pods on the same controllers
    assert {s["name"]: s["ready"] for s in updated["services"] if s["group"] == "nova"} == {
        "nova-api": 5, "nova-scheduler": 5, "nova-conductor": 5}
    read = DEPLOY.read("vio-prod", updated).outs
    assert read["replicas"] == {"nova": 5, "neutron": 3}  # read back from the status' services
    assert DEPLOY.diff("vio-prod", read, scaled_up).changes is False


def test_replicas_are_checked_against_the_documented_services(sim: VioSimulator) -> None:
    props = deployment_props(sim, replicas={"nova": 3, "octavia": 2, "heat": 1, "glance": True})
    failures = {f.property: f.reason for f in DEPLOY.check({}, props).failures}
    assert set(failures) == {"replicas.octavia", "replicas.heat", "replicas.glance"}
    assert "keystone, glance, nova, neutron, cinder, horizon, heat, barbican" in failures["replicas.octavia"]
    assert "below min_ready_replicas 2" in failures["replicas.heat"]


def test_a_cluster_body_change_replaces_the_deployment(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    changed = copy.deepcopy(props)
    changed["body"]["endpoints"]["public_vip"] = "10.2.0.11"
    diff = DEPLOY.diff("vio-prod", props, changed)
    assert diff.replaces == ["body"] and diff.delete_before_replace is True
    assert DEPLOY.diff("vio-prod", props, {**props, "deploy_timeout": 60.0}).replaces == []


def test_credentials_in_the_deployment_body_rotate_without_replacing_it(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    rotated = copy.deepcopy(props)
    body = rotated["body"]["openstack_info"]
    body["identity"]["admin_password"] = "rotated-admin-secret"
    if "nsx" in body.get("neutron", {}):
        body["neutron"]["nsx"]["nsx_api_password"] = "rotated-nsx-secret"
    diff = DEPLOY.diff("vio-prod", outs, rotated)
    assert diff.changes is True and diff.replaces == []
    calls = len(sim.calls("PUT", r".*")) + len(sim.calls("POST", r"/api/v2/clusters"))
    DEPLOY.update("vio-prod", outs, rotated)
    assert len(sim.calls("PUT", r".*")) + len(sim.calls("POST", r"/api/v2/clusters")) == calls
    # a credential riding along with a real body change still replaces
    rotated["body"]["endpoints"]["public_vip"] = "10.2.0.11"
    assert DEPLOY.diff("vio-prod", outs, rotated).replaces == ["body"]


# ---------------------------------------------------------------- registrations


def test_vcenter_password_rotation_is_an_update_by_put(sim: VioSimulator) -> None:
    props = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    sim.vcenters.clear()
    created = VCENTER.create(props)
    assert created.id == VC_HOST and sim.vcenters[VC_HOST]["password"] == base64.b64encode(VC_PW.encode()).decode()
    rotated = {**props, "body": vcenter_body(password=VC_PW_NEW)}
    diff = VCENTER.diff(VC_HOST, created.outs, rotated)
    assert diff.changes is True and diff.replaces == []
    VCENTER.update(VC_HOST, created.outs, rotated)
    (_, _, put), = sim.calls("PUT", f"/api/v2/vcenters/{VC_HOST}")
    assert base64.b64decode(put["password"]).decode() == VC_PW_NEW
    moved = {**props, "body": vcenter_body(hostname="vc-other.example")}
    assert VCENTER.diff(VC_HOST, created.outs, moved).replaces == ["body"]


def test_nsx_registration_is_validated_and_its_password_rotates_in_place(sim: VioSimulator) -> None:
    props = {**endpoint(sim), "body": nsx_body(), "nsx_name": "nsx-res", "nsx_kind": "nsxp", "validation": None}
    created = NSX.create(props)
    assert sim.nsxs["nsx-res"]["kind"] == "nsxp" and sim.nsxs["nsx-res"]["hostname"] == "nsx.example"
    assert created.outs["validation"]["ids"] == {
        "default_overlay_tz": "tz-overlay-1", "default_vlan_tz": "tz-vlan-1",
        "default_tier0_router": "t0-provider", "dhcp_profile": "dhcp-vio", "metadata_proxy": "mdproxy-vio",
    }
    rotated = {**props, "body": nsx_body(nsx_api_password="Nsx-Rotated-1")}
    assert NSX.diff("nsx-res", created.outs, rotated).replaces == []
    NSX.update("nsx-res", created.outs, rotated)
    (_, _, put), = sim.calls("PUT", "/api/v2/nsxs/nsx-res")
    assert base64.b64decode(put["password"]).decode() == "Nsx-Rotated-1"
    assert NSX.diff("nsx-res", created.outs, {**props, "body": nsx_body(nsx_api_managers="nsx2")}).replaces == ["body"]


def test_nsx_without_metadata_proxy_fails_naming_field_endpoint_and_operation(sim: VioSimulator) -> None:
    sim.faults.nsx_without_metadata_proxy = True
    props = {**endpoint(sim), "body": nsx_body(), "nsx_name": "nsx-res", "nsx_kind": "nsxp", "validation": None}
    with pytest.raises(va.VioApiError) as err:
        NSX.create(props)
    message = str(err.value)
    assert f"https://127.0.0.1:{sim.port}" in message and "validate NSX nsx-res" in message
    assert "body.metadata_proxy 'vio-md-proxy': not among the NSX's metadataProxies (none)" in message
    assert sim.nsxs == {}  # nothing half-applied


# ---------------------------------------------------------------- read (refresh)


def test_refresh_reports_drift_made_behind_the_api(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    sim.drift_cluster_body("vio-prod", "endpoints.hostname", "changed-by-hand.example")
    sim.drift_service("vio-prod", "heat-engine", 2)
    read = DEPLOY.read("vio-prod", outs)
    assert read.outs["body"]["endpoints"]["hostname"] == "changed-by-hand.example"
    assert next(s for s in read.outs["services"] if s["name"] == "heat-engine")["ready"] == 2
    # The GET returns the credentials (base64): never copied, the state's plaintext stays.
    assert read.outs["body"]["openstack_info"]["identity"]["admin_password"] == ADMIN_PW
    assert read.outs["body"]["openstack_info"]["neutron"]["nsx"]["nsx_api_password"] == NSX_PW
    sim.drift_cluster_body("vio-prod", "endpoints.hostname", "vio.example")
    sim.drift_cluster_body("vio-prod", "openstack_info.compute.attributes", {"defaulted": "by the Manager"})
    assert DEPLOY.diff("vio-prod", DEPLOY.read("vio-prod", outs).outs, props).changes is False
    assert DEPLOY.diff("vio-prod", read.outs, props).replaces == ["body"]

    sim.vcenters.clear()
    vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    vouts = VCENTER.create(vprops).outs
    sim.drift_vcenter(VC_HOST, "username", "someone-else")
    assert VCENTER.read(VC_HOST, vouts).outs["body"]["username"] == "someone-else"


def test_refresh_in_ha_fails_clearly_on_an_under_replicated_service(sim: VioSimulator) -> None:
    outs = DEPLOY.create(deployment_props(sim)).outs
    sim.drift_service("vio-prod", "nova-api", 1)
    with pytest.raises(va.VioApiError, match=r"at least 2 ready replicas .*nova/nova-api 1/3") as err:
        DEPLOY.read("vio-prod", outs)
    assert f"127.0.0.1:{sim.port}" in str(err.value)


def test_refresh_of_an_object_deleted_behind_the_api_reports_it_gone(sim: VioSimulator) -> None:
    sim.vcenters.clear()
    vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    outs = VCENTER.create(vprops).outs
    del sim.vcenters[VC_HOST]
    assert VCENTER.read(VC_HOST, outs).id == ""


# ---------------------------------------------------------------- delete


def test_deployment_is_deleted_only_when_asked(sim: VioSimulator, caplog: pytest.LogCaptureFixture) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    caplog.set_level(logging.WARNING, logger="vionfv.vio_api")
    DEPLOY.delete("vio-prod", outs)
    assert not sim.clusters["vio-prod"].deleted
    assert any("left running" in r.getMessage() for r in caplog.records)
    DEPLOY.delete("vio-prod", {**outs, "delete_on_destroy": True})
    assert sim.clusters["vio-prod"].deleted
    sim.vcenters.clear()
    vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    VCENTER.delete(VC_HOST, VCENTER.create(vprops).outs)
    assert sim.vcenters == {}


# ---------------------------------------------------------------- faults


def _where(sim: VioSimulator) -> str:
    return f"https://127.0.0.1:{sim.port}"


def test_a_hang_ends_within_the_call_timeout(sim: VioSimulator) -> None:
    sim.faults.hang_path, sim.faults.hang_seconds = r"/api/v2/status$", 5.0
    started = time.monotonic()
    with pytest.raises(va.VioApiError) as err:
        DEPLOY.create(deployment_props(sim, timeout=0.3))
    # The server holds the call 5 s; the client gives up after its 0.3 s timeout, not after the hang.
    assert time.monotonic() - started < sim.faults.hang_seconds
    assert str(err.value).startswith(f"VIO API {_where(sim)}: read the deployment status "
                                     "(GET /api/v2/status) failed: no answer within 0.3 s")


def test_server_errors_are_retried_then_reported(sim: VioSimulator, clock: vc.ManualClock) -> None:
    sim.vcenters.clear()
    sim.faults.errors_500 = 2
    vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    assert VCENTER.create(vprops).id == VC_HOST
    sim.faults.errors_500 = 10
    with pytest.raises(va.VioApiError, match=r"HTTP 500 server error") as err:
        VCENTER.delete(VC_HOST, vprops)
    # The first call of the operation is its login: the message names both.
    assert f"{_where(sim)}: login for unregister vCenter {VC_HOST} (POST /api/v2/login)" in str(err.value)


def test_an_expired_token_is_renewed_once(sim: VioSimulator) -> None:
    sim.token_ttl = 300.0  # shorter than the 900 s deployment: the token expires while polling
    sim.faults.expire_tokens = 1
    assert DEPLOY.create(deployment_props(sim)).outs["status"] == "running"
    assert len(sim.calls("POST", "/api/v2/login")) >= 3


def test_refused_login_and_missing_objects_name_endpoint_and_operation(sim: VioSimulator) -> None:
    with pytest.raises(va.VioApiError, match=r"login for register vCenter vc-res.example \(POST /api/v2/login\) failed: HTTP 401"):
        VCENTER.create({**endpoint(sim, api_password="wrong"), "body": vcenter_body(), "registration_name": None})
    with pytest.raises(va.VioApiError, match=r"update vCenter ghost \(PUT /api/v2/vcenters/ghost\) failed: HTTP 404"):
        VCENTER.update("ghost", {"body": vcenter_body(name="ghost")},
                       {**endpoint(sim), "body": vcenter_body(name="ghost", password=VC_PW_NEW)})
    DEPLOY.create(deployment_props(sim))
    other = deployment_props(sim)
    other["body"]["endpoints"]["public_vip"] = "10.2.0.11"
    with pytest.raises(va.VioApiError, match=r"create deployment vio-prod \(POST /api/v2/clusters\): a deployment "
                       r"named vio-prod exists with another body \(endpoints.public_vip\)"):
        DEPLOY.create(other)
    assert not sim.clusters["vio-prod"].deleted  # not ours: never rolled back


def test_a_deployment_that_never_becomes_ready_times_out(sim: VioSimulator, clock: vc.ManualClock) -> None:
    sim.faults.never_ready = True
    with pytest.raises(va.VioApiError, match=r"not ready after 1800 s \(last state: status 'creating'; nodes: "
                       r"controller-0 \(controller\) Provisioning, .*0/15 service\(s\) ready; not ready: "
                       r"keystone/keystone-api 0/3") as err:
        DEPLOY.create(deployment_props(sim, deploy_timeout=1800.0))
    assert f"{_where(sim)}: create of deployment vio-prod" in str(err.value)
    assert sim.clusters["vio-prod"].deleted  # the failed create removed what it made
    assert clock.now() == pytest.approx(1800.0, abs=30)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_is_verified_unless_insecure(sim: VioSimulator) -> None:
    sim.vcenters.clear()
    vprops = {**endpoint(sim, ca_bundle=None), "body": vcenter_body(), "registration_name": None}
    with pytest.raises(va.VioApiError, match="TLS verification failed"):
        VCENTER.create(vprops)
    assert VCENTER.create({**vprops, "insecure": True}).id == VC_HOST


# ---------------------------------------------------------------- secrets


def test_no_planted_secret_leaks(sim: VioSimulator, caplog: pytest.LogCaptureFixture,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    secret_outputs: list[dict[str, Any]] = []

    def record(outs: dict[str, Any]) -> None:
        secret_outputs.append({k: v for k, v in outs.items() if k in va._SECRET_OUTPUTS})
        texts.append(json.dumps({k: v for k, v in outs.items() if k not in va._SECRET_OUTPUTS}))

    sim.vcenters.clear()
    vprops = {**endpoint(sim), "body": vcenter_body(), "registration_name": None}
    vouts = VCENTER.create(vprops).outs
    record(vouts)
    record(VCENTER.update(VC_HOST, vouts, {**vprops, "body": vcenter_body(password=VC_PW_NEW)}).outs)
    nprops = {**endpoint(sim), "body": nsx_body(), "nsx_name": "nsx-res", "nsx_kind": "nsxp", "validation": None}
    record(NSX.create(nprops).outs)
    dprops = deployment_props(sim)
    douts = DEPLOY.create(dprops).outs
    record(douts)
    record(DEPLOY.read("vio-prod", douts).outs)
    record(DEPLOY.update("vio-prod", douts, {**dprops, "replicas": {"nova": 4}}).outs)
    # Failures whose server message echoes the operation's credentials, and one in validation.
    for echoed, action in (
        (f"{VC_PW} / {MANAGER_PW}", lambda: VCENTER.read(VC_HOST, vouts)),
        (f"{ADMIN_PW} {NSX_PW} {MD_SECRET} {MANAGER_PW}", lambda: DEPLOY.read("vio-prod", douts)),
    ):
        sim.faults.errors_500, sim.faults.error_message = 10, f"db rejected {echoed}"
        with pytest.raises(va.VioApiError) as err:
            action()
        texts.append(str(err.value))
    sim.faults.errors_500 = 0
    with pytest.raises(va.VioApiError) as err:
        VCENTER.create({**vprops, "body": vcenter_body(password=12345)})  # type: ignore[arg-type]
    texts.append(str(err.value))
    sim.faults.nsx_without_metadata_proxy = True
    with pytest.raises(va.VioApiError) as err:
        NSX.create({**nprops, "nsx_name": "nsx-2"})
    texts.append(str(err.value))
    texts.extend(f.reason for f in DEPLOY.check({}, {**dprops, "api_password": 5}).failures)
    texts.extend(va.validate_body("vcenter", vcenter_body(password=["x", VC_PW])))

    texts.extend(r.getMessage() for r in caplog.records)
    captured = capsys.readouterr()
    texts.extend([captured.out, captured.err])
    for provider in (DEPLOY, VCENTER, NSX):  # after use: nothing cached on the instance
        texts.append(dill.dumps(provider, recurse=True).decode("latin-1"))
        texts.append(base64.b64decode(json.loads(json.dumps(serialize_provider(provider)))).decode("latin-1"))
    blob = "\n".join(texts)
    for secret in PLANTED:
        for form in (secret, base64.b64encode(secret.encode()).decode()):
            assert form not in blob, f"planted secret {secret[:4]}... leaked"
    # Where credentials are stored (to diff a rotation), the outputs are the secret ones.
    assert any(VC_PW_NEW in json.dumps(o) for o in secret_outputs)
    assert va._secret_opts(None).additional_secret_outputs == ["api_password", "body"]


def test_refresh_shows_a_controller_count_changed_behind_the_api(sim: VioSimulator) -> None:
    props = deployment_props(sim)
    outs = DEPLOY.create(props).outs
    assert DEPLOY.read("vio-prod", outs).outs["controllers"] == 3
    sim.clusters["vio-prod"].controllers = 4  # a controller added with VIO's own procedure
    read = DEPLOY.read("vio-prod", outs)
    assert read.outs["controllers"] == 4
    # The config follows VIO: with vio.controllers 4 nothing changes; left at 3 it is a (guarded) replacement.
    assert DEPLOY.diff("vio-prod", read.outs, {**props, "controllers": 4}).changes is False
    assert DEPLOY.diff("vio-prod", read.outs, props).replaces == ["controllers"]


def test_secret_outputs_are_merged_into_the_callers_options() -> None:
    import pulumi

    merged = va._secret_opts(pulumi.ResourceOptions(protect=True, additional_secret_outputs=["status"]))
    assert merged.protect is True
    assert set(merged.additional_secret_outputs or []) == {"api_password", "body", "status"}


def test_check_sees_through_the_engines_secret_wrappers(sim: VioSimulator) -> None:
    """check/diff get secrets wrapped as the engine sends them; the markers are Pulumi's own."""
    from pulumi.runtime import rpc

    assert vc.UNKNOWN == rpc.UNKNOWN
    wrapped = {rpc._special_sig_key: rpc._special_secret_sig, "value": 5}
    props = {**endpoint(sim), "body": vcenter_body(password=wrapped), "registration_name": None}
    failures = VCENTER.check({}, props).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("body.password", "password: expected string, got int (value hidden)")
    ]
    ok = {**props, "body": vcenter_body(password={rpc._special_sig_key: rpc._special_secret_sig, "value": VC_PW})}
    assert VCENTER.check({}, ok).failures == []
