"""End-to-end on the real engine: the Pulumi CLI, its Python language host, the two shims and the dynamic
provider host (all built by `make toolchain`) run preview, up, a clean refresh, a no-change preview and
destroy of a small program that registers a vCenter with the VIO API simulator through the project's VcenterRegistration.

The program lives in a temporary folder, away from the checkout: `components` is found on PYTHONPATH, the
way an installed package is found, and the provider host (`pulumi-resource-pulumi-python`, started by the
engine in the program's folder) unpickles the provider class by reference from it (pulumi/pulumi#7453).
State is a local file backend with the passphrase secrets provider; every credential is a random secret set
by the test, which then checks that none appears in plaintext in the exported state or the CLI's output.
Runs only with --e2e (make e2e; .ci/run when the toolchain is complete), skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.vio.server import VioSimulator
from tests.toolchain_env import toolchain_env

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.e2e
#: The key marking a secret value in Pulumi's state (pulumi/pulumi sdk/go/common/resource/sig/sig.go).
SECRET_SIG = "4dabf18193072939515e22adb298388d"

PROGRAM = textwrap.dedent(
    """\
    import pulumi

    from components.vio_api import VcenterRegistration, VioEndpoint

    config = pulumi.Config()
    endpoint = VioEndpoint(
        host="127.0.0.1",
        port=config.require_int("vioPort"),
        username="admin",
        password=config.require_secret("vioPassword"),
        ca_bundle=config.require("vioCa"),
        timeout=10.0,
    )
    registration = VcenterRegistration(
        "e2e-vcenter-vc-res",
        endpoint=endpoint,
        body={
            "name": "vc-res",
            "hostname": "vc-res.example",
            "username": "svc-vio@vsphere.local",
            "password": config.require_secret("vcenterPassword"),
            "insecure": False,
            "is_management": False,
        },
    )
    pulumi.export("registrationName", registration.registration_name)
    """
)


class Cli:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.transcript: list[str] = []

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["pulumi", "--non-interactive", *args], cwd=self.cwd, env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False)
        self.transcript += [done.stdout, done.stderr]
        assert done.returncode == 0, f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def sim() -> Iterator[VioSimulator]:
    with VioSimulator(password=secrets.token_urlsafe(16)) as simulator:
        yield simulator


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    env = toolchain_env()
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: vionfv-e2e\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n"
    )
    (project / "__main__.py").write_text(PROGRAM)
    (tmp_path / "state").mkdir()
    env.update(
        PULUMI_BACKEND_URL=f"file://{tmp_path / 'state'}",
        PULUMI_CONFIG_PASSPHRASE=secrets.token_urlsafe(24),
        PYTHONPATH=str(ROOT),
    )
    return Cli(env, project)


def _resource(state: dict[str, Any], type_: str) -> dict[str, Any]:
    [resource] = [r for r in state["deployment"]["resources"] if r["type"] == type_]
    return resource


def test_preview_up_clean_refresh_no_change_preview_and_destroy_on_the_real_engine(sim: VioSimulator, cli: Cli) -> None:
    vcenter_password = secrets.token_urlsafe(16)
    cli("stack", "init", "e2e", "--secrets-provider", "passphrase")
    cli("config", "set", "vioPort", str(sim.port))
    cli("config", "set", "vioCa", "--", sim.ca_pem)
    cli("config", "set", "--secret", "vioPassword", "--", sim.password)
    cli("config", "set", "--secret", "vcenterPassword", "--", vcenter_password)

    preview = json.loads(cli("preview", "--json"))
    assert preview["changeSummary"] == {"create": 2}, preview["changeSummary"]  # the stack and the registration
    assert sim.vcenters == {}, "a preview must not touch the API"

    cli("up", "--yes", "--skip-preview")
    assert set(sim.vcenters) == {"vc-res"}
    assert json.loads(cli("stack", "output", "--json")) == {"registrationName": "vc-res"}

    state = json.loads(cli("stack", "export", "--show-secrets=false"))
    # A dynamic resource's type is pulumi-python:dynamic/<module>:<name> (pulumi.dynamic.Resource's module/name).
    registration = _resource(state, "pulumi-python:dynamic/vio:VcenterRegistration")
    assert registration["id"] == "vc-res"
    # The pickled provider and the secret outputs are stored encrypted (pulumi/pulumi sdk/python/lib/pulumi/
    # dynamic/dynamic.py: __provider is a secret input; additional_secret_outputs for the rest).
    for key in ("__provider", "api_password", "body"):
        assert SECRET_SIG in registration["outputs"][key], f"{key} is not stored as a secret"
    for planted in (vcenter_password, sim.password):
        assert planted not in json.dumps(state), "a secret is in plaintext in the exported state"

    # Refresh reads the registration back through the provider's read (GET /api/v2/vcenters/{name}); the
    # engine itself fails the command if that read differs from the state (--expect-no-changes).
    cli("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    again = json.loads(cli("preview", "--json", "--expect-no-changes"))
    assert again["changeSummary"] == {"same": 2}, again["changeSummary"]

    cli("destroy", "--yes", "--skip-preview")
    assert sim.vcenters == {}, "destroy left the registration behind"
    cli("stack", "rm", "--yes")
    for planted in (vcenter_password, sim.password):
        assert all(planted not in text for text in cli.transcript), "a secret is in plaintext in the CLI output"
