"""Preflight's NSX side against the NSX simulator: a clean Manager passes every check, and each planted
flaw fails the check it concerns, named where it is and with the fix."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from components import settings as config
from preflight import cli, nsx
from preflight.checks import Result
from sim.nsx import NsxSimulator
from sim.nsx.seed import EDGE_CLUSTERS, TRANSPORT_ZONES, seed
from sim.vcsim import simulator
from tests.preflight.conftest import PROD, load_settings, local


@pytest.fixture
def settings() -> config.Settings:
    return load_settings(PROD)


@pytest.fixture
def manager(settings: config.Settings) -> Iterator[NsxSimulator]:
    sim = NsxSimulator(user=settings.nsx.username).start()
    seed(sim, settings)
    try:
        yield sim
    finally:
        sim.stop()


def verdict(sim: NsxSimulator, settings: config.Settings, *, password: str | None = None,
            timeout: float = 5.0) -> dict[str, list[Result]]:
    ep = nsx.NsxEndpoint("127.0.0.1", sim.port, sim.user, password if password is not None else sim.password)
    reader = nsx.NsxReader(nsx.NsxClient(ep, timeout=timeout, cadata=sim.ca_pem), settings)
    reader.start()
    reader.join(timeout)
    out: dict[str, list[Result]] = {}
    for result in nsx.results(settings, reader, timeout):
        out.setdefault(result.check, []).append(result)
    return out


def failed(results: dict[str, list[Result]]) -> dict[str, list[Result]]:
    return {k: [r for r in v if r.status == "fail"] for k, v in results.items() if any(r.status == "fail" for r in v)}


def test_a_clean_manager_passes_every_nsx_check(manager: NsxSimulator, settings: config.Settings) -> None:
    results = verdict(manager, settings)
    assert set(results) == set(nsx.CHECKS)
    assert failed(results) == {}
    assert all(r.status == "pass" for rs in results.values() for r in rs)
    assert len(results["transport zone"]) == 2


def test_wrong_password_fails_reachable_and_skips_the_rest(manager: NsxSimulator, settings: config.Settings) -> None:
    results = verdict(manager, settings, password="wrong")
    [reach] = results["reachable"]
    assert reach.status == "fail" and "refused the credentials" in reach.detail and "nsx.username" in reach.fix
    assert {r.status for c, rs in results.items() if c != "reachable" for r in rs} == {"skip"}


def test_nothing_listening_fails_reachable(settings: config.Settings) -> None:
    sim = NsxSimulator().start()
    port = sim.port
    sim.stop()  # the port is closed now
    reader = nsx.NsxReader(nsx.NsxClient(nsx.NsxEndpoint("127.0.0.1", port, "admin", "x"), timeout=2,
                                         cadata=sim.ca_pem), settings)
    reader.run()
    [reach, *rest] = nsx.results(settings, reader, 2)
    assert reach.status == "fail" and "refused the connection" in reach.detail and "nsx.port" in reach.fix
    assert {r.status for r in rest} == {"skip"}


def _rename(sim: NsxSimulator, path: str, name: str) -> None:
    sim.tree.objects[path]["display_name"] = name


def _zone(sim: NsxSimulator, tz_type: str) -> str:
    return next(z["path"] for z in sim.tree.children(TRANSPORT_ZONES) if z["tz_type"] == tz_type)


def test_missing_overlay_transport_zone(manager: NsxSimulator, settings: config.Settings) -> None:
    _rename(manager, _zone(manager, "OVERLAY_STANDARD"), "other-overlay")
    [bad] = failed(verdict(manager, settings))["transport zone"]
    assert "no OVERLAY_STANDARD transport zone 'nfv-overlay-tz'" in bad.detail
    assert "nsx.overlayTransportZone" in bad.fix and "'other-overlay'" in bad.fix


def test_vlan_transport_zone_of_the_wrong_type(manager: NsxSimulator, settings: config.Settings) -> None:
    manager.tree.objects[_zone(manager, "VLAN_BACKED")]["tz_type"] = "OVERLAY_STANDARD"
    [bad] = failed(verdict(manager, settings))["transport zone"]
    assert "'nfv-vlan-tz' is OVERLAY_STANDARD, not VLAN_BACKED" in bad.detail


def test_ambiguous_transport_zone_prefix(manager: NsxSimulator, settings: config.Settings) -> None:
    path = _zone(manager, "OVERLAY_STANDARD")
    _rename(manager, path, "nfv-overlay-tz-a")
    manager.tree.patch(f"{TRANSPORT_ZONES}/second", {"display_name": "nfv-overlay-tz-b", "tz_type": "OVERLAY_STANDARD"})
    [bad] = failed(verdict(manager, settings))["transport zone"]
    assert "2 OVERLAY_STANDARD transport zones match" in bad.detail and "unique" in bad.fix


def test_missing_edge_cluster_skips_the_edge_node_check(manager: NsxSimulator, settings: config.Settings) -> None:
    [cluster] = manager.tree.children(EDGE_CLUSTERS)
    _rename(manager, cluster["path"], "edge-elsewhere")
    results = verdict(manager, settings)
    [bad] = failed(results)["edge cluster"]
    assert "no edge cluster 'nfv-edge-cl01'" in bad.detail and "nsx.edgeCluster" in bad.fix
    assert [r.status for r in results["edge nodes"]] == ["skip"]


def test_too_few_edge_nodes_for_the_tier0(settings: config.Settings) -> None:
    with NsxSimulator(user=settings.nsx.username) as sim:
        seed(sim, settings, edge_nodes=1)
        [bad] = failed(verdict(sim, settings))["edge nodes"]
    assert "has member indexes [0]" in bad.detail and "needs [0, 1]" in bad.detail and "missing: [1]" in bad.fix


@pytest.mark.parametrize("planted", ["tier-0s/vio-t0", "metadata-proxies/vio-md-proxy", "dhcp-server-configs/vio-t0-dhcp"])
def test_an_object_with_a_planned_id_already_present(manager: NsxSimulator, settings: config.Settings, planted: str) -> None:
    manager.tree.patch(f"/infra/{planted}", {"display_name": "left over"})
    [bad] = failed(verdict(manager, settings))["planned ids free"]
    assert f"/infra/{planted}" in bad.detail and "stale" in bad.fix


def test_a_segment_with_an_uplink_segments_name_already_present(manager: NsxSimulator, settings: config.Settings) -> None:
    manager.tree.patch("/infra/segments/abc", {"display_name": "vio-t0-uplink-b"})
    manager.tree.patch("/infra/segments/abd", {"display_name": "vio-t0-uplink-b-old"})  # a prefix is no clash
    [bad] = failed(verdict(manager, settings))["planned ids free"]
    assert "segment 'vio-t0-uplink-b' at /infra/segments/abc" in bad.detail and "abd" not in bad.detail


@pytest.mark.parametrize(("version", "words"), [
    ("2.5.1.0.0.15314288", "terraform-provider-nsxt 3.11.0 supports NSX 3.0.x to 4.2.x"),
    ("3.1.3.0.0.17904520", "VIO 7.3 supports NSX 3.2.x to 4.1.x (VIO 7.1, 7.2 supports NSX 3.1.3)"),
    ("4.2.1.0.0.24304122", "VIO 7.3 supports NSX 3.2.x to 4.1.x"),
    ("banana", "not a version number"),
])
def test_unsupported_nsx_versions(manager: NsxSimulator, settings: config.Settings, version: str, words: str) -> None:
    manager.version = version
    [bad] = failed(verdict(manager, settings))["version"]
    assert words in bad.detail


def test_a_version_other_than_the_declared_one(manager: NsxSimulator, settings: config.Settings) -> None:
    declared = settings.model_copy(update={"nsx": settings.nsx.model_copy(update={"version": "4.1.1"})})
    [bad] = failed(verdict(manager, declared))["version"]
    assert "the stack declares nsx.version 4.1.1" in bad.detail
    assert all(r.status == "pass" for r in verdict(manager, settings)["version"])


def test_a_manager_that_never_answers_is_cut_at_the_deadline(manager: NsxSimulator, settings: config.Settings) -> None:
    manager.faults.delay_path, manager.faults.delay_seconds = "search", 30
    started = time.monotonic()
    results = verdict(manager, settings, timeout=1.0)
    assert time.monotonic() - started < 5
    [reach] = results["reachable"]
    assert reach.status == "fail"


# ------------------------------------------------------------------ through the command, vCenters too


def _stack_with_nsx(tmp_path: Path, mgmt: simulator.Simulator, res: simulator.Simulator, sim: NsxSimulator) -> None:
    path = simulator.write_stack(tmp_path, "sim", PROD, local(mgmt), local(res))
    document = yaml.safe_load(path.read_text())
    key = f"{config.NAMESPACE}:nsx"
    document["config"][key] = {**document["config"][key], "host": "127.0.0.1", "port": sim.port}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    (tmp_path / "ca.pem").write_text(sim.ca_pem)


def _run(tmp_path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    report = tmp_path / "out.json"
    code = cli.main(["--stack", "sim", "--project-dir", str(tmp_path), "--protocol", "http", "--no-pulumi-cli",
                     "--json", str(report), "--ca-bundle", str(tmp_path / "ca.pem"), "--quiet", *extra])
    return code, json.loads(report.read_text())


def test_the_command_checks_nsx_with_the_vcenters_and_passes_when_all_is_clean(
    passing_pair: tuple[simulator.Simulator, simulator.Simulator], manager: NsxSimulator, tmp_path: Path,
    credentials: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIONFV_NSX_PASSWORD", manager.password)
    _stack_with_nsx(tmp_path, *passing_pair, manager)
    code, doc = _run(tmp_path, "--nsx", "--timeout", "20")
    nsx_rows = [r for r in doc["results"] if r["vcenter"] == "nsx"]  # type: ignore[union-attr]
    assert code == 0, doc
    assert {r["check"] for r in nsx_rows} == set(nsx.CHECKS) and {r["status"] for r in nsx_rows} == {"pass"}


def test_the_command_fails_on_a_planted_nsx_flaw_and_asks_for_the_password(
    passing_pair: tuple[simulator.Simulator, simulator.Simulator], manager: NsxSimulator, tmp_path: Path,
    credentials: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    _stack_with_nsx(tmp_path, *passing_pair, manager)
    monkeypatch.delenv("VIONFV_NSX_PASSWORD", raising=False)
    assert cli.main(["--stack", "sim", "--project-dir", str(tmp_path), "--protocol", "http", "--no-pulumi-cli",
                     "--quiet", "--nsx"]) == cli.EXIT_USAGE
    assert "VIONFV_NSX_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("VIONFV_NSX_PASSWORD", manager.password)
    manager.tree.patch("/infra/tier-0s/vio-t0", {"display_name": "vio-t0"})
    code, doc = _run(tmp_path, "--nsx", "--timeout", "20")
    assert code == cli.EXIT_FAILED
    failed_rows = [r for r in doc["results"] if r["status"] == "fail"]  # type: ignore[union-attr]
    assert [(r["vcenter"], r["check"]) for r in failed_rows] == [("nsx", "planned ids free")]
