"""`make up STACK=sim` (sim/real_up.py): what it refuses to start without, the day-2 edit it makes, and how
it names the plugins the engine stops at (the real run needs plugins this machine cannot build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from components.settings import NAMESPACE
from sim import real_up

ROOT = Path(__file__).resolve().parent.parent


def test_without_a_running_datacenter_it_says_make_sim_first(tmp_path: Path, capsys: object) -> None:
    assert real_up.main(["--state-dir", str(tmp_path)]) == 2
    assert "`make sim` first" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_day2_edit_adds_one_flavor_and_one_tenant_network_and_nothing_else(tmp_path: Path) -> None:
    config_file = tmp_path / "Pulumi.sim.yaml"
    shutil.copy(ROOT / "Pulumi.sim.yaml", config_file)
    before = yaml.safe_load(config_file.read_text())["config"]
    real_up.day2(config_file)
    after = yaml.safe_load(config_file.read_text())["config"]
    flavors, tenants = f"{NAMESPACE}:flavors", f"{NAMESPACE}:tenants"
    assert [f["name"] for f in after[flavors]] == [f["name"] for f in before[flavors]] + ["vnf-day2-small"]
    assert [n["name"] for n in after[tenants][0]["networks"]] == \
        [n["name"] for n in before[tenants][0]["networks"]] + ["day2-net"]
    assert {k: v for k, v in after.items() if k not in (flavors, tenants)} == \
        {k: v for k, v in before.items() if k not in (flavors, tenants)}


def test_a_missing_plugin_is_named_with_why_it_cannot_be_built_here() -> None:
    said = real_up.explain("error: no resource plugin 'pulumi-resource-vsphere' found in the workspace")
    assert "missing plugin" in said and "pulumi-vsphere" in said and "403" in said
    said = real_up.explain("ModuleNotFoundError: No module named 'pulumi_nsxt'")
    assert "terraform-provider-nsxt" in said and "pulumi-resource-openstack" in said
    assert real_up.explain("error: something else entirely") == ""
