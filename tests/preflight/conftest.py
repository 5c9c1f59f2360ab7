"""Simulated vCenters for preflight: the binary is built once per session, a passing pair once per module;
tests that need a broken inventory start their own (well under a second each)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import settings as config
from preflight import cli, placement, stack
from sim.vcsim import simulator

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "Pulumi.prod.yaml"
DEV = ROOT / "Pulumi.dev.yaml"


def load_settings(source: Path) -> config.Settings:
    raw = stack.read_raw(source)
    return config.parse({k: v for k, v in raw.items() if k not in config.CREDENTIAL_KEYS})


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    doc: dict[str, Any]

    def results(self, check: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        return [
            r for r in self.doc["results"]
            if (check is None or r["check"] == check) and (status is None or r["status"] == status)
        ]

    @property
    def failed_checks(self) -> set[str]:
        return {r["check"] for r in self.results(status="fail")}


Run = Callable[..., Outcome]


@pytest.fixture(scope="session")
def simulator_binary() -> Path:
    return simulator.build()


@pytest.fixture(scope="session")
def prod() -> config.Settings:
    return load_settings(PROD)


@pytest.fixture(scope="session")
def dev() -> config.Settings:
    return load_settings(DEV)


@pytest.fixture(scope="module")
def passing_pair(simulator_binary: Path) -> Iterator[tuple[simulator.Simulator, simulator.Simulator]]:
    settings = load_settings(PROD)
    with simulator.running(simulator.management_spec(settings)) as mgmt, simulator.running(
        simulator.resource_spec(settings, tenant_vms=50)
    ) as res:
        yield mgmt, res


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in stack.PASSWORD_KEYS:
        monkeypatch.setenv(stack.env_name(key), simulator.PASSWORD)


@pytest.fixture
def run_preflight(tmp_path: Path, capsys: pytest.CaptureFixture[str], credentials: None) -> Run:
    """Run the command in-process against (host, port) pairs, with the given stack file's shape."""

    def run(
        management: tuple[str, int], resource: tuple[str, int], *extra: str, source: Path = PROD,
        vio_version: str | None = None, overrides: dict[str, Any] | None = None,
    ) -> Outcome:
        path = simulator.write_stack(tmp_path, "sim", source, management, resource)
        if vio_version is not None or overrides:
            document = yaml.safe_load(path.read_text())
            if vio_version is not None:
                document["config"][f"{config.NAMESPACE}:vio"]["version"] = vio_version
            for key, value in (overrides or {}).items():
                document["config"][f"{config.NAMESPACE}:{key}"] = value
            path.write_text(yaml.safe_dump(document, sort_keys=False))
        report = tmp_path / "preflight.json"
        report.unlink(missing_ok=True)
        protocol = [] if "--protocol" in extra else ["--protocol", "http"]
        code = cli.main([
            "--stack", "sim", "--project-dir", str(tmp_path), *protocol, "--no-pulumi-cli",
            "--json", str(report), "--timeout", "10", *extra,
        ])
        captured = capsys.readouterr()
        doc = json.loads(report.read_text()) if report.exists() else {}
        return Outcome(code, captured.out, captured.err, doc)

    return run


def local(sim: simulator.Simulator) -> tuple[str, int]:
    return ("127.0.0.1", sim.port)


def stack_export(settings: config.Settings, stack_name: str, sims: dict[str, simulator.Simulator],
                 leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """What `pulumi stack export` prints for a deployed stack (UntypedDeployment version 3, DeploymentV3 of
    pulumi/pulumi sdk/go/common/apitype/core.go) whose vSphere objects are the ones the simulators `sims`
    (by role) created: each resource's id is the object's moid, or a VM's config.uuid, as the vsphere
    provider records them. Logical names in `leave_out` are not in the state."""
    urn = f"urn:pulumi:{stack_name}::vio-nfv::"
    providers = {role: f"{urn}pulumi:providers:vsphere::{name}" for role, name in placement.PROVIDERS.items()}
    resources: list[dict[str, Any]] = [
        {"urn": f"{urn}pulumi:pulumi:Stack::vio-nfv-{stack_name}", "custom": False,
         "type": "pulumi:pulumi:Stack", "outputs": {}},
        *({"urn": provider, "custom": True, "id": f"0a1b2c3d-{role}", "type": "pulumi:providers:vsphere",
           "inputs": {"user": "svc"}, "outputs": {"user": "svc"}}
          for role, provider in providers.items()),
    ]
    stack_urn = resources[0]["urn"]
    for parent in dict.fromkeys(c.parent for c in placement.creations(settings)):
        resources.append({"urn": f"{urn}{parent[0]}::{parent[1]}", "custom": False, "type": parent[0],
                          "parent": stack_urn})
    for c in placement.creations(settings):
        if c.logical in leave_out:
            continue
        obj = sims[c.role].objects[f"{c.datacenter}/{c.path}"]
        resources.append({
            "urn": f"{urn}{c.parent[0]}${c.type}::{c.logical}", "custom": True,
            "id": obj["uuid"] if c.type == placement.VM else obj["moid"], "type": c.type,
            "parent": f"{urn}{c.parent[0]}::{c.parent[1]}",
            "provider": f"{providers[c.role]}::0a1b2c3d-{c.role}",
            "outputs": {"name": c.name, "moid": obj["moid"]},
        })
    # The magic cookie is sha256 of the engine version (pulumi/pulumi pkg/resource/deploy Manifest.NewMagic):
    # `pulumi stack import` refuses a deployment whose cookie does not match.
    version = "v3.260.0"
    return {"version": 3, "deployment": {
        "manifest": {"time": "2026-12-01T00:00:00Z", "magic": hashlib.sha256(version.encode()).hexdigest(),
                     "version": version},
        "resources": resources,
    }}


def write_export(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(doc))
    return path
