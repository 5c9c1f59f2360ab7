"""The topology diagram: DOT generated from the real prod plan names what the plan deploys, degrades
when parts are absent, and renders with Graphviz."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from offline.evaluate import Evaluation
from tools import diagram


@pytest.fixture(scope="module")
def plan(prod: Evaluation) -> dict[str, Any]:
    return prod.plan()


@pytest.fixture(scope="module")
def dot(plan: dict[str, Any]) -> str:
    return diagram.to_dot(plan)


def test_the_manager_vm_is_drawn_with_its_address(plan: dict[str, Any], dot: str) -> None:
    (vm,) = [r for r in plan["resources"] if r["type"] == diagram.VM]
    assert f'"{vm["urn"]}" [label="{vm["inputs"]["name"]}\\nVIO Manager (OVA)\\n{plan["outputs"]["managerIp"]}\\n' in dot


def test_the_deployment_and_each_controller_vio_reports_are_drawn(plan: dict[str, Any], dot: str) -> None:
    (dep,) = [r for r in plan["resources"] if r["type"] == diagram.DEPLOYMENT]
    assert f'"{dep["urn"]}" [label="OpenStack deployment vio\\nHA, 3 controller(s)' in dot
    for i, ip in enumerate(plan["outputs"]["nodes"]["controller"]):
        assert f'controller_{i} [label="controller-{i}\\n{ip}"]' in dot
    assert "controllers (created and placed by VIO)" in dot


def test_vips_and_endpoint_come_from_the_outputs(plan: dict[str, Any], dot: str) -> None:
    out = plan["outputs"]
    assert f'private VIP {out["privateVip"]}\\npublic VIP {out["publicVip"]}\\n{out["publicEndpoint"]}' in dot


def test_both_vcenters_and_nsx_manager_are_drawn(plan: dict[str, Any], dot: str) -> None:
    servers = [r["inputs"]["vsphereServer"] for r in plan["resources"] if r["type"] == "pulumi:providers:vsphere"]
    assert len(servers) == 2
    for server in servers:
        assert f"vCenter Server\\n{server}" in dot
    (nsx,) = [r for r in plan["resources"] if r["type"] == "pulumi:providers:nsxt"]
    assert f"NSX Manager\\n{nsx['inputs']['host']}" in dot
    assert 'label="Management pod"' in dot and 'label="Edge/Resource pod"' in dot


def test_each_tenant_is_drawn_once_with_its_networks(plan: dict[str, Any], dot: str) -> None:
    projects = [r["inputs"]["name"] for r in plan["resources"] if r["type"] == diagram.PROJECT]
    found = diagram.tenants(plan)
    assert sorted(found) == sorted(projects)
    for tenant, networks in found.items():
        assert dot.count(f'label="tenant {tenant}"') == 1
        for network in networks:
            assert f'label="{network}\\n' in dot


def test_tier0_and_the_vio_api_registrations_are_drawn(plan: dict[str, Any], dot: str) -> None:
    drawn = [r for r in plan["resources"]
             if r["type"].startswith(diagram.VIO_API) or r["type"].endswith(":PolicyTier0Gateway")]
    assert len(drawn) == 5
    for res in drawn:
        assert f'"{res["urn"]}" [label=' in dot


def test_north_south_path_links_tier0_external_network_and_each_tenant_router(plan: dict[str, Any], dot: str) -> None:
    by_type = lambda t: [r for r in plan["resources"] if r["type"] == t]  # noqa: E731
    t0 = by_type("nsxt:index/policyTier0Gateway:PolicyTier0Gateway")[0]
    ext = next(n for n in by_type(diagram.NETWORK) if n["inputs"].get("external"))
    assert f'"{t0["urn"]}" -> "{ext["urn"]}"' in dot
    routers = by_type(diagram.ROUTER)
    assert routers
    for router in routers:
        assert f'"{ext["urn"]}" -> "{router["urn"]}" [label=gateway]' in dot


def test_degrades_without_tenants_or_nsx(plan: dict[str, Any]) -> None:
    bare = copy.deepcopy(plan)
    bare["resources"] = [r for r in bare["resources"]
                         if not r["type"].startswith(("openstack:", "nsxt:", "pulumi:providers:nsxt"))]
    text = diagram.to_dot(bare)
    assert "OpenStack (VIO) tenants" not in text and "NSX Manager" not in text
    assert "Management pod" in text and text.strip().endswith("}")
    empty = diagram.to_dot({"stack": "x", "resources": [], "outputs": {}})
    assert empty.startswith("digraph topology {") and "VIP" not in empty


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed (apt-get install graphviz)")
def test_dot_renders_svg_and_png(tmp_path: Path, plan: dict[str, Any], dot: str) -> None:
    svg = diagram.render(dot, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Management pod" in svg
    assert diagram.render(dot, "png").startswith(b"\x89PNG")


def test_cli_rejects_a_non_plan_and_an_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert diagram.main([str(bad), "-o", str(tmp_path / "x.svg")]) == 2
    good = tmp_path / "good.json"
    good.write_text('{"resources": [], "outputs": {}}')
    assert diagram.main([str(good), "-o", str(tmp_path / "x.pdf")]) == 2
    assert diagram.main([str(good), "-o", str(tmp_path / "x.dot")]) == 0
    assert (tmp_path / "x.dot").read_text().startswith("digraph")
