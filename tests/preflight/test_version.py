"""The vCenter version against what the configured VIO release supports (preflight/compat.py's table):
read from the simulator's `about.version`, judged per vCenter, and the fix names both ways out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components import settings as config
from preflight import compat
from sim.vcsim import simulator
from tests.preflight.conftest import Run, local

Pair = tuple[simulator.Simulator, simulator.Simulator]


@pytest.mark.parametrize(
    ("text", "release"),
    [("7.3.0", "7.3"), ("7.3", "7.3"), ("7.2.1", "7.2"), (" 07.1.0 ", "7.1"), ("seven", None), ("7", None)],
)
def test_vio_release_is_major_dot_minor(text: str, release: str | None) -> None:
    assert compat.vio_release(text) == release


@pytest.mark.parametrize(
    ("about", "version"),
    [("8.0.2", (8, 0, 2)), ("7.0.3.01000", (7, 0, 3)), ("7.0", (7, 0, 0)), ("vcsim", None)],
)
def test_vcenter_about_version_reads_as_major_minor_update(about: str, version: Any) -> None:
    assert compat.vcenter_version(about) == version


def test_every_release_has_a_nonempty_range_and_updates_are_covered_without_gaps() -> None:
    for support in compat.TABLE.values():
        assert support.oldest <= support.newest, support
    # Each vSphere 7.0 update from GA to U3 is supported by at least one VIO 7.x release.
    for update in range(4):
        assert compat.releases_supporting((7, 0, update)), update


def test_supported_vcenter_passes_the_version_check(run_preflight: Run, passing_pair: Pair) -> None:
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]), vio_version="7.3.0")
    assert outcome.code == 0, outcome.out
    for check in outcome.results("version"):
        assert check["status"] == "pass"
        assert check["detail"] == "vCenter 8.0 U2 (8.0.2); VIO 7.3 supports vCenter 7.0 U3 to 8.0 U2"


def test_unsupported_vcenter_fails_with_the_supported_range_and_the_vio_releases_that_fit(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    spec = {**simulator.resource_spec(prod), "version": "7.0.1", "build": "17491101"}
    with simulator.running(spec) as res:
        outcome = run_preflight(local(passing_pair[0]), local(res), vio_version="7.3.0")
    assert outcome.code == 1
    [failure] = outcome.results("version", "fail")
    assert failure["vcenter"] == "resource"
    assert failure["detail"] == (
        "vCenter 7.0 U1 (7.0.1) is not supported by VIO 7.3, which supports vCenter 7.0 U3 to 8.0 U2"
    )
    assert failure["fix"] == (
        "move the resource vCenter to 7.0 U3 to 8.0 U2, or set vio.version to a VIO release that supports "
        "vCenter 7.0 U1: 7.0, 7.1"
    )
    assert outcome.failed_checks == {"version"}


def test_vcenter_newer_than_every_vio_release_says_none_fits(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    with simulator.running({**simulator.management_spec(prod), "version": "9.0.0"}) as mgmt:
        outcome = run_preflight(local(mgmt), local(passing_pair[1]), vio_version="7.2")
    [failure] = [r for r in outcome.results("version", "fail") if r["vcenter"] == "management"]
    assert "no VIO 7.x release supports vCenter 9.0 GA" in failure["fix"]


def test_unknown_vio_release_fails_naming_the_known_ones(run_preflight: Run, passing_pair: Pair) -> None:
    # 7.9.0 passes the settings' shape (7.x) but is no release the table knows.
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]), vio_version="7.9.0")
    assert outcome.code == 1
    failures = outcome.results("version", "fail")
    assert len(failures) == 2
    assert all("no compatibility data for VIO '7.9.0'" in f["detail"] for f in failures)
    assert all("7.0, 7.1, 7.2, 7.3" in f["fix"] for f in failures)
