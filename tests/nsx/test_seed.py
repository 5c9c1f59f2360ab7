"""The seeded inventory follows the stack file: names, edge cluster size and the declared version."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components import settings as config
from sim.nsx import DEFAULT_VERSION, NsxSimulator
from sim.nsx.seed import EDGE_CLUSTERS, TRANSPORT_ZONES, seed, settings_from_stack
from tests.nsx.conftest import ROOT


@pytest.mark.parametrize("stack", ["prod", "dev", "three-pod"])
def test_each_stack_seeds_its_transport_zones_and_edge_cluster(stack: str) -> None:
    settings = settings_from_stack(ROOT / f"Pulumi.{stack}.yaml")
    sim = NsxSimulator()  # not started: the seed shapes the tree only
    seeded = seed(sim, settings)
    zones = {z["display_name"]: z["tz_type"] for z in sim.tree.children(TRANSPORT_ZONES)}
    assert zones == {settings.nsx.overlay_transport_zone: "OVERLAY_STANDARD",
                     settings.nsx.vlan_transport_zone: "VLAN_BACKED"}
    [cluster] = sim.tree.children(EDGE_CLUSTERS)
    assert cluster["display_name"] == settings.nsx.edge_cluster and cluster["path"] == seeded["edge_cluster"]
    members = sorted(n["member_index"] for n in sim.tree.children(f"{cluster['path']}/edge-nodes"))
    assert set(settings.nsx.tier0.edge_nodes) <= set(members)
    assert sim.version == DEFAULT_VERSION  # no nsx.version in the committed stacks


def test_the_declared_version_and_a_smaller_edge_cluster(tmp_path: Path) -> None:
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    document["config"][f"{config.NAMESPACE}:nsx"]["version"] = "3.2.3"
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(yaml.safe_dump(document))
    sim = NsxSimulator()
    seeded = seed(sim, settings_from_stack(path), edge_nodes=1)
    assert sim.version == "3.2.3"
    assert [n["member_index"] for n in sim.tree.children(f"{seeded['edge_cluster']}/edge-nodes")] == [0]
