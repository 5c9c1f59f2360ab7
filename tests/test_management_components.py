"""ManagementPod and ManagementPlane used directly, as another stack would import them."""

from __future__ import annotations

import textwrap
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from components import ipplan
from components.management_plane import ManagementPlaneArgs, NodeSizeArgs, PlacementArgs, _check
from offline.evaluate import Evaluation, evaluate

PROGRAM = """
import pulumi, pulumi_vsphere as vsphere
from ipaddress import IPv4Address, IPv4Network
from components import ipplan
from components.management_plane import ManagementPlane, ManagementPlaneArgs, NodeSizeArgs, PlacementArgs
from components.management_pod import ManagementNetworkArgs, ManagementPod, ManagementPodArgs

p = vsphere.Provider("vc", vsphere_server="vc.example", user="u", password=pulumi.Output.secret("pw"))
pod = ManagementPod("pod", ManagementPodArgs(
    datacenter="dc", cluster="cl", datastore="ds", distributed_switch="dvs",
    network=ManagementNetworkArgs(port_group="mgmt", existing={existing})),
    opts=pulumi.ResourceOptions(provider=p))
nodes = ipplan.allocate("{topology}", ["c1", "c2"], IPv4Address("10.0.0.10"), IPv4Address("10.0.0.30"))
ManagementPlane("plane", ManagementPlaneArgs(
    topology="{topology}", nodes=nodes, vip=IPv4Address("10.0.0.5"), public_hostname="vio.example",
    network=IPv4Network("10.0.0.0/24"), gateway=IPv4Address("10.0.0.1"), dns_servers=[IPv4Address("10.0.0.2")],
    ntp_servers=["ntp.example"], domain="example", oms_template="oms-t", node_template="node-t",
    sizes={{r: NodeSizeArgs(2, 4096, 40) for r in ipplan.ROLES}},
    placement=PlacementArgs(pod.datacenter_id, pod.cluster_id, pod.datastore_id, pod.resource_pool_id,
                            pod.folder_path, pod.network_id),
    compute_clusters={{"c1": "domain-c1", "c2": "domain-c2"}}, resource_vcenter="vc-res.example",
    anti_affinity={anti_affinity}, protect_stateful={protect}),
    opts=pulumi.ResourceOptions(provider=p))
"""


def _run(tmp_path: Path, **fmt: object) -> Evaluation:
    values = {"existing": False, "topology": "ha", "anti_affinity": True, "protect": True, **fmt}
    program = tmp_path / "__main__.py"
    program.write_text(textwrap.dedent(PROGRAM.format(**values)))
    return evaluate("test", config={}, program=program, project="component-test")


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    ev = _run(tmp_path_factory.mktemp("defaults"))
    assert ev.error is None, ev.error
    return ev


def test_pod_creates_folder_pool_and_port_group_under_its_own_name(defaults):
    names = {r.name for r in defaults.resources if r.parent.endswith("ManagementPod::pod")}
    assert names == {"pod-folder", "pod-pool", "pod-network"}


def test_adopting_an_existing_port_group_creates_none_and_looks_it_up(tmp_path):
    ev = _run(tmp_path, existing=True)
    assert ev.error is None, ev.error
    assert not [r for r in ev.resources if r.name == "pod-network"]
    assert any(i.token == "vsphere:index/getNetwork:getNetwork" and i.args["name"] == "mgmt" for i in ev.invokes)


def test_compute_drivers_carry_their_cluster_moref_and_are_keyed_by_cluster(defaults):
    drivers = {r.name: r for r in defaults.resources if "compute-driver" in r.name and r.custom and "anti" not in r.name}
    assert sorted(drivers) == ["plane-compute-driver-c1", "plane-compute-driver-c2"]
    assert drivers["plane-compute-driver-c2"].inputs["extraConfig"]["guestinfo.vio.compute_cluster_moref"] == "domain-c2"


def test_switches_turn_off_anti_affinity_and_protection(tmp_path):
    ev = _run(tmp_path, anti_affinity=False, protect=False)
    assert ev.error is None, ev.error
    assert not [r for r in ev.resources if "anti-affinity" in r.name]
    assert not [r for r in ev.resources if r.protect]


def test_a_component_without_a_provider_is_refused(tmp_path):
    program = tmp_path / "__main__.py"
    program.write_text(
        "from components.management_pod import ManagementPod, ManagementPodArgs, ManagementNetworkArgs\n"
        "ManagementPod('pod', ManagementPodArgs('dc', 'cl', 'ds', 'dvs', ManagementNetworkArgs('pg', 10)))\n"
    )
    ev = evaluate("test", config={}, program=program, project="component-test")
    assert isinstance(ev.error, ValueError) and "management vCenter's provider" in str(ev.error)


def _args(**changes: object) -> ManagementPlaneArgs:
    base = dict(
        topology="compact",
        nodes=ipplan.allocate("compact", ["c1"], IPv4Address("10.0.0.10"), IPv4Address("10.0.0.20")),
        vip=IPv4Address("10.0.0.5"), public_hostname="h", network=IPv4Network("10.0.0.0/24"),
        gateway=IPv4Address("10.0.0.1"), dns_servers=[], ntp_servers=[], domain="d", oms_template="o",
        node_template="n", sizes={r: NodeSizeArgs(1, 1024, 20) for r in ipplan.ROLES},
        placement=PlacementArgs("dc", "cl", "ds", "rp", "f", "net"), compute_clusters={"c1": "domain-c1"},
        resource_vcenter="vc",
    )
    base.update(changes)
    return ManagementPlaneArgs(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sizes": {"oms": NodeSizeArgs(1, 1024, 20)}}, "no size for role"),
        ({"compute_clusters": {}}, "no cluster ID for compute driver"),
        ({"network": IPv4Network("192.168.0.0/24")}, "is outside 192.168.0.0/24"),
    ],
)
def test_plane_args_are_checked_early_with_the_bad_value(changes, message):
    with pytest.raises(ValueError, match=message):
        _check(_args(**changes))
