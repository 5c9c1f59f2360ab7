"""The seeded inventory follows the stack file: names, edge cluster size and the declared version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components import settings as config
from preflight.nsx import NsxClient, NsxEndpoint
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


def test_the_simulator_runs_as_a_process_until_stdin_closes(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sim.nsx", "--stack", str(ROOT / "Pulumi.prod.yaml"),
                             "--ca-file", str(tmp_path / "ca.pem")], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        served = json.loads(proc.stdout.readline())
        ep = NsxEndpoint("127.0.0.1", served["port"], served["user"], served["password"])
        client = NsxClient(ep, timeout=10, ca_bundle=served["ca_file"])
        assert client.get("/api/v1/node/version")["node_version"] == DEFAULT_VERSION
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
