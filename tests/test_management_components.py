"""ManagementPod and ManagementPlane used directly, as another stack would import them."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from components import ipplan
from components.management_plane import (
    ComputeClusterArgs,
    ManagementPlaneArgs,
    ManagerArgs,
    NsxBackendArgs,
    PlacementArgs,
    VcenterArgs,
    VioNetworkArgs,
    _check,
)
from components.settings import DEFAULT_OVF_PROPERTIES
from components.vio_bodies import compute_cluster as _compute_cluster
from offline.evaluate import Evaluation, evaluate

DYNAMIC = "pulumi-python:dynamic/vio:"

PROGRAM = """
import pulumi, pulumi_vsphere as vsphere
from ipaddress import IPv4Address as A, IPv4Network as N
from components import ipplan
from components.management_plane import *
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs
from components.settings import DEFAULT_OVF_PROPERTIES

p = vsphere.Provider("vc", vsphere_server="vc.example", user="u", password=pulumi.Output.secret("pw"))
pod = ManagementPod("pod", ManagementPodArgs(
    datacenter="dc", cluster="cl", datastore="ds", distributed_switch="dvs",
    network=ManagementNetworkArgs(port_group="mgmt", existing={existing}),
    api_network=ManagementNetworkArgs(port_group="api", vlan_id=12)),
    opts=pulumi.ResourceOptions(provider=p))
plan = ipplan.make_plan("{topology}", "t", manager_ip=A("10.0.0.5"), private_vip=A("10.0.0.6"),
    public_vip=A("10.0.1.6"), management_range=(A("10.0.0.10"), A("10.0.0.40")),
    api_range=(A("10.0.1.10"), A("10.0.1.40")), controllers={controllers})
ManagementPlane("plane", ManagementPlaneArgs(
    plan=plan, deployment_name="t", public_hostname="vio.example",
    management_network=VioNetworkArgs("mgmt", N("10.0.0.0/24"), A("10.0.0.1"), [A("10.0.0.2")], plan.management_range),
    api_network=VioNetworkArgs("api", N("10.0.1.0/24"), A("10.0.1.1"), [A("10.0.0.2")], plan.api_range),
    ntp_servers=["ntp.example"], domain="example",
    manager=ManagerArgs(source="{source}", ova={ova!r}, template={template!r},
                        ovf_properties=DEFAULT_OVF_PROPERTIES, admin_password=pulumi.Output.secret("mgr-pw")),
    placement=PlacementArgs(pod.datacenter_id, pod.datastore_id, pod.resource_pool_id, pod.folder_path,
                            pod.network_id, pod.datacenter_name, pod.datastore_name, pod.resource_pool_name),
    management_vcenter=VcenterArgs("vc.example", "u", pulumi.Output.secret("pw")),
    resource_vcenter=VcenterArgs("vc-res.example", "u", pulumi.Output.secret("pw2")),
    compute_clusters={{c: ComputeClusterArgs(dvs_moid="dvs-1") for c in {clusters!r}}},
    default_availability_zone="nova",
    nsx=NsxBackendArgs("nsx.example", "admin", pulumi.Output.secret("npw"), False, "otz", "vtz", "t0",
                       "dhcp", "md", pulumi.Output.secret("mds")),
    openstack_admin_user="admin", openstack_admin_password=pulumi.Output.secret("ospw"),
    protect={protect}),
    opts=pulumi.ResourceOptions(provider=p))
"""


def _run(tmp_path: Path, **fmt: object) -> Evaluation:
    values = {
        "existing": False, "topology": "ha", "controllers": None, "protect": True, "source": "ova",
        "ova": "https://repo.example/vio.ova", "template": None, "clusters": ["c1", "c2"], **fmt,
    }
    program = tmp_path / "__main__.py"
    program.write_text(textwrap.dedent(PROGRAM.format(**values)))
    ev = evaluate("test", config={}, program=program, project="component-test")
    assert ev.error is None, ev.error
    return ev


def _body(ev: Evaluation, kind: str, name: str | None = None) -> dict:
    regs = [r for r in ev.resources if r.type == DYNAMIC + kind and (name is None or r.name == name)]
    assert len(regs) == 1, [r.name for r in regs]
    return regs[0].inputs["body"]


@pytest.fixture(scope="module")
def ha(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return _run(tmp_path_factory.mktemp("ha"))


def test_pod_creates_folder_pool_and_both_vio_port_groups_under_its_own_name(ha):
    names = {r.name for r in ha.resources if r.parent.endswith("ManagementPod::pod")}
    assert names == {"pod-folder", "pod-pool", "pod-network", "pod-api-network"}


def test_adopting_an_existing_port_group_creates_none_and_looks_it_up(tmp_path):
    ev = _run(tmp_path, existing=True)
    assert not [r for r in ev.resources if r.name == "pod-network"]
    assert any(i.token == "vsphere:index/getNetwork:getNetwork" and i.args["name"] == "mgmt" for i in ev.invokes)


def test_the_plane_is_one_manager_vm_and_the_vio_api_resources(ha):
    children = sorted((r.type.split(":")[-1], r.name) for r in ha.resources if r.parent.endswith("ManagementPlane::plane"))
    assert children == [
        ("NsxBackend", "plane-nsx"),
        ("OpenStackDeployment", "plane-deployment"),
        ("VcenterRegistration", "plane-vcenter-management"),
        ("VcenterRegistration", "plane-vcenter-resource"),
        ("VirtualMachine", "plane-manager"),
    ]


def test_manager_from_the_ova_gets_its_planned_address_through_ovf_properties(ha):
    vm = ha.named("plane-manager")
    props = vm.inputs["vapp"]["properties"]
    assert props[DEFAULT_OVF_PROPERTIES["address"]] == "10.0.0.5"
    assert props[DEFAULT_OVF_PROPERTIES["netmask"]] == "255.255.255.0"
    assert props[DEFAULT_OVF_PROPERTIES["gateway"]] == "10.0.0.1"
    assert not any("hostname" in key for key in props)  # set only when the OVA has such a property
    assert vm.inputs["ovfDeploy"]["remoteOvfUrl"] == "https://repo.example/vio.ova"
    assert vm.inputs["ovfDeploy"]["ovfNetworkMap"] == {"VIO Management Server Network": vm.inputs["networkInterfaces"][0]["networkId"]}
    assert "clone" not in vm.inputs and "disks" not in vm.inputs  # the OVA brings its own disks
    assert f"vapp.properties.{DEFAULT_OVF_PROPERTIES['password']}" in vm.secret_paths
    assert vm.protect and {"ovfDeploy", "clone", "vapp"} <= set(vm.ignore_changes)


def test_manager_cloned_from_a_template_has_no_ovf_deploy(tmp_path):
    ev = _run(tmp_path, source="template", ova=None, template="vio-mgr-t")
    vm = ev.named("plane-manager")
    assert "ovfDeploy" not in vm.inputs and vm.inputs["clone"]["templateUuid"]
    assert [d["size"] for d in vm.inputs["disks"]] == [40, 30]
    assert any(i.args.get("name") == "vio-mgr-t" for i in ev.invokes)


def test_api_resources_target_the_managers_planned_address_on_the_default_dynamic_provider(ha):
    for reg in ha.resources:
        if reg.type.startswith(DYNAMIC):
            assert reg.inputs["api_host"] == "10.0.0.5", reg.name
            assert "api_password" in reg.secret_paths
            assert reg.provider_type in ("", "pulumi-python"), reg.provider


def test_registrations_mark_the_management_vcenter_and_keep_passwords_secret(ha):
    mgmt = _body(ha, "VcenterRegistration", "plane-vcenter-management")
    res = _body(ha, "VcenterRegistration", "plane-vcenter-resource")
    assert (mgmt["is_management"], res["is_management"]) == (True, False)
    assert mgmt["password"] == res["password"] == "[secret]"


def test_the_deployment_waits_for_both_registrations_and_the_nsx_backend(ha):
    by_urn = ha.by_urn()
    deps = {by_urn[u].name for u in ha.named("plane-deployment").dependencies if u in by_urn}
    assert {"plane-vcenter-management", "plane-vcenter-resource", "plane-nsx"} <= deps
    assert "plane-manager" in {by_urn[u].name for u in ha.named("plane-nsx").dependencies if u in by_urn}


def test_ha_is_ha_enabled_with_three_controllers_and_two_ready_replicas(ha):
    dep = ha.named("plane-deployment")
    assert dep.inputs["body"]["ha_enabled"] is True
    assert (dep.inputs["controllers"], dep.inputs["min_ready_replicas"]) == (3, 2)
    assert dep.protect


def test_compact_is_one_controller_without_ha(tmp_path):
    dep = _run(tmp_path, topology="compact").named("plane-deployment")
    assert dep.inputs["body"]["ha_enabled"] is False
    assert (dep.inputs["controllers"], dep.inputs["min_ready_replicas"]) == (1, 1)


def test_the_deployment_is_told_both_vips_and_both_vio_ranges(ha):
    body = _body(ha, "OpenStackDeployment")
    assert body["endpoints"] == {"hostname": "vio.example", "private_vip": "10.0.0.6", "public_vip": "10.0.1.6"}
    ranges = {n["type"]: n["ip_ranges"] for n in body["networks"]}
    assert ranges == {"management": [{"begin_ip": "10.0.0.10", "end_ip": "10.0.0.40"}],
                      "api": [{"begin_ip": "10.0.1.10", "end_ip": "10.0.1.40"}]}


def test_removing_a_compute_cluster_only_shortens_the_bodys_list(ha, tmp_path):
    fewer = _run(tmp_path, clusters=["c2"])
    assert {r.name for r in fewer.resources} == {r.name for r in ha.resources}
    names = [c["cluster_name"] for c in _body(fewer, "OpenStackDeployment")["openstack_info"]["compute"]["compute_clusters"]]
    assert names == ["c2"]


def test_turning_protection_off_unprotects_the_manager_and_the_deployment(tmp_path):
    ev = _run(tmp_path, protect=False)
    assert not [r.name for r in ev.resources if r.protect]


def test_a_component_without_a_provider_is_refused(tmp_path):
    program = tmp_path / "__main__.py"
    program.write_text(
        "from components.management_pod import ManagementPod, ManagementPodArgs, ManagementNetworkArgs\n"
        "ManagementPod('pod', ManagementPodArgs('dc', 'cl', 'ds', 'dvs', ManagementNetworkArgs('pg', 10)))\n"
    )
    ev = evaluate("test", config={}, program=program, project="component-test")
    assert isinstance(ev.error, ValueError) and "management vCenter's provider" in str(ev.error)


def _args(**changes: object) -> ManagementPlaneArgs:
    a = IPv4Address
    plan = ipplan.make_plan(
        "compact", "t", manager_ip=a("10.0.0.5"), private_vip=a("10.0.0.6"), public_vip=a("10.0.1.6"),
        management_range=(a("10.0.0.10"), a("10.0.0.20")), api_range=(a("10.0.1.10"), a("10.0.1.20")),
    )
    base = ManagementPlaneArgs(
        plan=plan, deployment_name="t", public_hostname="h",
        management_network=VioNetworkArgs("m", IPv4Network("10.0.0.0/24"), a("10.0.0.1"), [], plan.management_range),
        api_network=VioNetworkArgs("a", IPv4Network("10.0.1.0/24"), a("10.0.1.1"), [], plan.api_range),
        ntp_servers=[], domain="d",
        manager=ManagerArgs(source="ova", ova="x.ova", ovf_properties=DEFAULT_OVF_PROPERTIES, admin_password="p"),
        placement=PlacementArgs("dc", "ds", "rp", "f", "net", "dc", "ds", "rp"),
        management_vcenter=VcenterArgs("vc", "u", "p"), resource_vcenter=VcenterArgs("vc2", "u", "p"),
        compute_clusters={"c1": ComputeClusterArgs("dvs-1")}, default_availability_zone="nova",
        nsx=NsxBackendArgs("nsx", "admin", "p", False, "o", "v", "t0", "d", "m", "s"),
        openstack_admin_user="admin", openstack_admin_password="p",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"compute_clusters": {}}, "at least one compute cluster"),
        ({"compute_clusters": {"c1": ComputeClusterArgs("res-dvs01")}},
         r"compute_clusters\['c1'\]\.dvs_moid: 'res-dvs01' is not a distributed switch managed object id"),
        ({"api_network": VioNetworkArgs("a", IPv4Network("192.168.0.0/24"), IPv4Address("192.168.0.1"), [],
                                        ipplan.Range(IPv4Address("10.0.1.10"), IPv4Address("10.0.1.20")))},
         "public VIP 10.0.1.6 is outside 192.168.0.0/24"),
        ({"manager": ManagerArgs(source="template", ova="x.ova", ovf_properties=DEFAULT_OVF_PROPERTIES,
                                 admin_password="p")}, "source 'template' needs exactly template"),
        ({"manager": ManagerArgs(source="ova", ova="x.ova", ovf_properties={"address": "a"}, admin_password="p")},
         "no property key for"),
    ],
)
def test_plane_args_are_checked_early_with_the_bad_value(changes, message):
    with pytest.raises(ValueError, match=message):
        _check(_args(**changes))


def test_dvs_moid_is_sent_only_when_set(ha):
    # VIO 7 `compute_cluster`: dvs_moid Optional ("used for enhanced network SRIOV"); the rest Required.
    assert _compute_cluster("c1", ComputeClusterArgs(), "vc") == {
        "cluster_name": "c1", "vcenter_name": "vc", "datastore_regex": ".*", "availability_zone_name": "nova",
    }
    assert _compute_cluster("c1", ComputeClusterArgs("dvs-7"), "vc")["dvs_moid"] == "dvs-7"
    clusters = _body(ha, "OpenStackDeployment")["openstack_info"]["compute"]["compute_clusters"]
    assert [c["dvs_moid"] for c in clusters] == ["dvs-1", "dvs-1"]
