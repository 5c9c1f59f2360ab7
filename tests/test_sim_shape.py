"""sim/ has one shape (sim/system.py): each simulated system built from a stack's settings with
`for_settings`, started and stopped alike, its endpoint and faults in the same places; the old module paths
of the vCenter simulator still import, as the very modules of sim/vcsim."""

from __future__ import annotations

import importlib
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import trustme

from sim import nsx, vio
from sim.nsx.seed import settings_from_stack
from sim.openstack import system as openstack_system
from sim.system import System
from sim.vcsim import system as vcsim_system

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("old", ["simulator", "vcenter", "manager_ova"])
def test_old_vcsim_module_paths_are_the_sim_vcsim_modules(old: str) -> None:
    assert importlib.import_module(f"sim.{old}") is importlib.import_module(f"sim.vcsim.{old}")


def test_every_system_has_the_same_entry_points(tmp_path: Path) -> None:
    settings = settings_from_stack(ROOT / "Pulumi.sim.yaml")
    systems = [
        nsx.for_settings(settings), vio.for_settings(settings, bind_stack_address=False),
        vcsim_system.for_settings(settings, "management", bind_stack_address=False),
        openstack_system.for_settings(settings, state=tmp_path),
    ]
    members = [m for m in vars(System) if not m.startswith("_")]
    assert sorted(members) == ["endpoint", "faults", "start", "stop"]
    for system in systems:  # on the class: `endpoint` of a system not started asserts
        assert all(hasattr(type(system), m) or m in vars(system) for m in members), type(system).__name__


def test_a_stack_address_outside_loopback_is_refused_before_a_socket_exists() -> None:
    settings = settings_from_stack(ROOT / "Pulumi.prod.yaml")  # prod: real FQDNs and 10.x addresses
    with pytest.raises(ValueError, match=r"managementNetwork\.managerIp.*loopback"):
        vio.for_settings(settings)
    with pytest.raises(ValueError, match=r"managementVcenter\.server.*loopback"):
        vcsim_system.for_settings(settings, "management")


@pytest.mark.parametrize("make", [
    lambda s, ca: nsx.for_settings(s, ca=ca),
    lambda s, ca: vio.for_settings(s, ca=ca, bind_stack_address=False),
], ids=["nsx", "vio"])
def test_in_process_systems_serve_with_the_ca_they_are_given(make: object) -> None:
    ca = trustme.CA()
    system = make(settings_from_stack(ROOT / "Pulumi.prod.yaml"), ca)  # type: ignore[operator]
    system.start()
    try:
        endpoint = system.endpoint
        assert endpoint.ca_pem == ca.cert_pem.bytes().decode()
        context = ssl.create_default_context(cadata=endpoint.ca_pem)
        with pytest.raises(urllib.error.HTTPError) as answer:  # unauthenticated: refused, over verified TLS
            urllib.request.urlopen(endpoint.url + "/api/v1/node/version", context=context, timeout=5)
        assert answer.value.code in (401, 403, 404)
        assert endpoint.password not in repr(endpoint)
    finally:
        system.stop()


def test_vio_status_reports_the_real_openstack_endpoints_once_the_deployment_runs() -> None:
    """What the simulated datacenter sets (`reported_endpoints`) shows in .../status/get only once running."""
    from components.vio_client import ManualClock
    from tests.vio_helpers import MANAGER_PW, cluster_body, register_vcenter

    clock = ManualClock()
    sim = vio.VioSimulator(password=MANAGER_PW, clock=clock, deploy_seconds=60)
    register_vcenter(sim)
    sim.reported_endpoints = {"keystone": "https://127.0.20.10:5000/v3"}
    _, login = sim.handle("POST", "/api/v2/login", {}, {"username": "admin", "password": MANAGER_PW})
    auth = {"authorization": login["token"]}
    created, answer = sim.handle("POST", "/api/v2/clusters", auth, cluster_body())
    assert created in (200, 201, 202), answer
    _, deploying = sim.handle("GET", "/api/v2/status", auth, None)
    assert "keystone" not in deploying["endpoints"]
    clock.sleep(61)
    _, running = sim.handle("GET", "/api/v2/status", auth, None)
    assert running["status"] == sim.variants.ready_word
    assert running["endpoints"]["keystone"] == "https://127.0.20.10:5000/v3"
    assert running["endpoints"]["hostname"] == "vio.example"  # what it was created with stays
