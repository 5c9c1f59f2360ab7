"""Bodies, provider inputs and simulator set-up shared by the VIO API tests (not a test module)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from components import vio_client as vc
from components.vio_deployment import DeploymentProvider
from components.vio_registrations import NsxProvider, VcenterProvider
from sim.vio import VioSimulator

MANAGER_PW = "Mgr-Planted-Secret-9f3a"
VC_PW = "Vc-Planted-Secret-41b7"
VC_PW_NEW = "Vc-Rotated-Secret-77c2"
NSX_PW = "Nsx-Planted-Secret-c0de"
MD_SECRET = "Md-Planted-Secret-5e11"
ADMIN_PW = "Os-Planted-Secret-a11a"
PLANTED = (MANAGER_PW, VC_PW, VC_PW_NEW, NSX_PW, MD_SECRET, ADMIN_PW)
VC_HOST = "vc-res.example"

DEPLOY = DeploymentProvider()
VCENTER = VcenterProvider()
NSX = NsxProvider()


@contextmanager
def manual_clock() -> Iterator[vc.ManualClock]:
    clock = vc.ManualClock()
    previous = vc.set_clock(clock)
    try:
        yield clock
    finally:
        vc.set_clock(previous)


def simulator(clock: vc.ManualClock, **kwargs: Any) -> VioSimulator:
    kwargs.setdefault("deploy_seconds", 900)
    kwargs.setdefault("scale_seconds", 120)
    return VioSimulator(password=MANAGER_PW, clock=clock, **kwargs)


def endpoint(sim: VioSimulator, **overrides: Any) -> dict[str, Any]:
    props = {
        "api_host": "127.0.0.1",
        "api_port": sim.port,
        "api_username": "admin",
        "api_password": MANAGER_PW,
        "insecure": False,
        "ca_bundle": sim.ca_pem,
        "timeout": 2.0,
    }
    props.update(overrides)
    return props


def vcenter_body(**overrides: Any) -> dict[str, Any]:
    body = {"name": VC_HOST, "hostname": VC_HOST, "username": "svc-vio@vsphere.local",
            "password": VC_PW, "insecure": False, "is_management": False}
    body.update(overrides)
    return body


def nsx_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "nsx_api_managers": "nsx.example", "nsx_api_user": "admin", "nsx_api_password": NSX_PW,
        "insecure": False, "default_overlay_tz": "nsx-overlay-transportzone",
        "default_vlan_tz": "tz-vlan-1", "default_tier0_router": "vio-t0", "dhcp_profile": "vio-dhcp",
        "metadata_proxy": "vio-md-proxy", "metadata_proxy_shared_secret": MD_SECRET,
        "native_dhcp_metadata": True,
    }
    body.update(overrides)
    return body


def compute_cluster(name: str = "res-c1", az: str = "az1") -> dict[str, Any]:
    return {"availability_zone_name": az, "cluster_name": name, "datastore_regex": "res-ds.*", "vcenter_name": VC_HOST}


def cluster_body(ha: bool = True) -> dict[str, Any]:
    return {
        "name": "vio-prod",
        "ha_enabled": ha,
        "ip_access_enabled": False,
        "endpoints": {"hostname": "vio.example", "private_vip": "10.1.0.10", "public_vip": "10.2.0.10"},
        "management_cluster": {"datacenter": "mgmt-dc", "datastore": "mgmt-ds", "resourcepool": "vio-rp"},
        "networks": [
            {"type": "management", "name": "vio-mgmt", "netmask": "255.255.255.0", "gateway": "10.1.0.1",
             "ip_ranges": [{"begin_ip": "10.1.0.30", "end_ip": "10.1.0.69"}], "dns": ["10.0.0.2"]},
            {"type": "api", "name": "vio-api", "netmask": "255.255.255.0", "gateway": "10.2.0.1",
             "ip_ranges": [{"begin_ip": "10.2.0.30", "end_ip": "10.2.0.69"}], "dns": ["10.0.0.2"]},
        ],
        "openstack_info": {
            "compute": {
                "compute_clusters": [compute_cluster()],
                "default_availability_zone_name": "az1", "passthrough": False, "tenant_vdc": False,
            },
            "identity": {"admin_domain_name": "Default", "admin_user": "admin", "admin_password": ADMIN_PW},
            "neutron": {"neutron_backend": "nsxp", "nsx": nsx_body()},
        },
    }


def deployment_props(sim: VioSimulator, *, ha: bool = True, controllers: int = 3, **overrides: Any) -> dict[str, Any]:
    props = {
        **endpoint(sim),
        "body": cluster_body(ha),
        "controllers": controllers,
        "replicas": {},
        "min_ready_replicas": 2 if ha else 1,
        "deploy_timeout": 7200.0,
        "poll_interval": 10.0,
        "delete_on_destroy": False,
    }
    props.update(overrides)
    return props


def register_vcenter(sim: VioSimulator) -> None:
    """The resource vCenter as the registration makes it (the deployment's `vcenter_name` must name it)."""
    body = vcenter_body()
    sim.vcenters[VC_HOST] = {**body, "password": base64.b64encode(VC_PW.encode()).decode()}


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[vc.ManualClock]:
    """The simulated clock, installed for the providers and shared with the simulator."""
    with manual_clock() as clock:
        yield clock


@pytest.fixture(name="sim")
def sim_fixture(clock: vc.ManualClock) -> Iterator[VioSimulator]:
    """A VIO Manager simulator answering as the reference states (no registrations yet)."""
    with simulator(clock) as simulated:
        yield simulated
