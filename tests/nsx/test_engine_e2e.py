"""The program's NSX layer (components.nsx_edge.NsxEdge with the prod stack's args from
components.stack_args) on the real Pulumi engine, through the terraform-provider bridge and the real
terraform-provider-nsxt v3.11.0, against sim/nsx: up, refresh and preview without changes, a BGP neighbor
added, the Tier-0's HA mode changed (replaced delete-first with what hangs off it, the HA VIP dropped),
destroy; secrets never in the state or the CLI output in clear.

Needs, and skips naming what is missing:
- the toolchain (`make toolchain`, ~/.cache/vio-nfv/toolchain/*/): pulumi, the Python language host and
  pulumi-resource-terraform-provider v1.1.0 in PULUMI_HOME's plugins;
- terraform-provider-nsxt v3.11.0 built from source ($VIONFV_NSXT_PROVIDER or
  ~/.cache/vio-nfv/nsxsim/terraform-provider-nsxt_v3.11.0), served to the bridge from a dynamic plugin
  cache laid out as registry.opentofu.org/vmware/nsxt/3.11.0/linux_amd64/ (the bridge resolves `vmware/nsxt`
  on registry.opentofu.org, tried: it looks there first);
- the generated Python SDK, installed in a folder ($VIONFV_NSXT_PYTHON_SDK or
  ~/.cache/vio-nfv/nsxsim/python-sdk): `scripts/nsxsim-python-sdk.sh` generates it with pulumi/pkg's codegen,
  since the toolchain's v3.68 language host lacks GeneratePackage (`pulumi package gen-sdk` fails with
  "method GeneratePackage not implemented").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.nsx import NsxSimulator
from sim.nsx.seed import seed, settings_from_stack
from tests.nsx.conftest import NSXSIM_CACHE, PROD, PROVIDER, ROOT
from tests.toolchain_env import end_started_from

pytestmark = pytest.mark.e2e

SDK = Path(os.environ.get("VIONFV_NSXT_PYTHON_SDK") or NSXSIM_CACHE / "python-sdk")
TOOLCHAINS = Path.home() / ".cache/vio-nfv/toolchain"
SECRETS = [f"e2e-{i}-Secret-xq" for i in range(8)]  # Credentials' fields in order

PROGRAM = textwrap.dedent(
    """\
    import os
    import sys
    from ipaddress import IPv4Address
    from pathlib import Path

    sys.path[:0] = [os.environ["VIONFV_ROOT"], os.environ["VIONFV_NSXT_PYTHON_SDK"]]

    import pulumi
    import pulumi_nsxt as nsxt

    from components import stack_args
    from components.nsx_edge import NsxEdge
    from components.settings import Credentials
    from sim.nsx.seed import settings_from_stack

    cfg = pulumi.Config()
    settings = settings_from_stack(Path(os.environ["VIONFV_ROOT"]) / "Pulumi.prod.yaml")
    t0 = settings.nsx.tier0
    if cfg.get("extraNeighbor"):
        extra = t0.neighbors[0].model_copy(update={"name": "tor-c", "address": IPv4Address(cfg.get("extraNeighbor"))})
        t0 = t0.model_copy(update={"neighbors": [*t0.neighbors, extra]})
    if cfg.get("haMode"):
        uplinks = [u.model_copy(update={"ha_vip": None}) for u in t0.uplinks]
        t0 = t0.model_copy(update={"ha_mode": cfg.get("haMode"), "uplinks": uplinks})
    settings = settings.model_copy(update={"nsx": settings.nsx.model_copy(update={"tier0": t0})})
    credentials = Credentials(*(cfg.require_secret(f"secret{i}") for i in range(8)))
    provider = nsxt.Provider("nsx-manager", host=cfg.require("host"), username="admin",
                             password=cfg.require_secret("password"), ca=cfg.require("ca"))
    edge = NsxEdge("e2e-nsx", stack_args.edge_resource_pod(settings, credentials).nsx,
                   opts=pulumi.ResourceOptions(provider=provider))
    pulumi.export("tier0Path", edge.tier0_path)
    """
)


def _toolchain() -> Path:
    found = sorted(p.parent.parent for p in TOOLCHAINS.glob("*/bin/pulumi-resource-terraform-provider")
                   if (p.parent / "pulumi").is_file() and (p.parent / "pulumi-language-python").is_file())
    if not found:
        pytest.skip(f"no toolchain with pulumi and pulumi-resource-terraform-provider under {TOOLCHAINS} "
                    "(make toolchain)")
    return found[-1]


class Cli:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd, self.transcript = env, cwd, []

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["pulumi", "--non-interactive", *args], cwd=self.cwd, env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False)
        self.transcript += [done.stdout, done.stderr]
        assert done.returncode == 0, f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout[-5000:]}\n{done.stderr[-3000:]}"
        return done.stdout


@pytest.fixture
def manager() -> Iterator[NsxSimulator]:
    with NsxSimulator() as sim:
        seed(sim, settings_from_stack(PROD))
        yield sim


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    toolchain = _toolchain()
    if not PROVIDER.is_file():
        pytest.skip(f"no terraform-provider-nsxt build at {PROVIDER} (set VIONFV_NSXT_PROVIDER)")
    if not (SDK / "pulumi_nsxt").is_dir():
        pytest.skip(f"no generated pulumi_nsxt SDK in {SDK} (scripts/nsxsim-python-sdk.sh)")
    cache = tmp_path / "tfcache" / "registry.opentofu.org/vmware/nsxt/3.11.0/linux_amd64"
    cache.mkdir(parents=True)
    # A copy, not a link: the bridge leaves the providers it starts running, and the processes of this copy
    # are certainly this test's to end (tests/toolchain_env.py end_started_from).
    provider = cache / "terraform-provider-nsxt_v3.11.0"
    shutil.copy2(PROVIDER, provider)
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: vionfv-nsx-e2e\nruntime:\n  name: python\n")
    (project / "__main__.py").write_text(PROGRAM)
    (tmp_path / "state").mkdir()
    env = {**os.environ, "PATH": f"{toolchain / 'bin'}:{os.environ['PATH']}", "PULUMI_HOME": str(toolchain / "home"),
           "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
           "PULUMI_PYTHON_CMD": str(ROOT / ".venv/bin/python"), "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
           "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase", "PULUMI_DYNAMIC_TF_PLUGIN_CACHE_DIR": str(tmp_path / "tfcache"),
           "VIONFV_ROOT": str(ROOT), "VIONFV_NSXT_PYTHON_SDK": str(SDK)}
    assert shutil.which("pulumi", path=env["PATH"]) == str(toolchain / "bin/pulumi")
    yield Cli(env, project)
    end_started_from(provider)


def test_the_nsx_layer_on_the_real_engine_and_provider(manager: NsxSimulator, cli: Cli) -> None:
    cli("stack", "init", "e2e", "--secrets-provider", "passphrase")
    cli("config", "set", "host", manager.address)
    cli("config", "set", "ca", "--", manager.ca_pem)
    cli("config", "set", "--secret", "password", "--", manager.password)
    for i, value in enumerate(SECRETS):
        cli("config", "set", "--secret", f"secret{i}", "--", value)

    cli("up", "--yes", "--skip-preview")
    tree = manager.tree.objects
    assert tree["/infra/tier-0s/vio-t0"]["ha_mode"] == "ACTIVE_STANDBY"
    assert len([p for p in tree if "/interfaces/" in p]) == 4
    assert tree["/infra/tier-0s/vio-t0/locale-services/default"]["ha_vip_configs"]
    assert tree["/infra/metadata-proxies/vio-md-proxy"]["secret"] == SECRETS[7]  # nsxMetadataProxySecret
    assert len(manager.compute_managers.items) == 1
    cli("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    cli("preview", "--expect-no-changes")

    cli("config", "set", "extraNeighbor", "10.120.1.2")
    cli("up", "--yes", "--skip-preview")
    assert any(o.get("neighbor_address") == "10.120.1.2" for o in manager.tree.objects.values())
    cli("preview", "--expect-no-changes")

    before = manager.tree.objects["/infra/tier-0s/vio-t0"]["unique_id"]
    cli("config", "set", "haMode", "ACTIVE_ACTIVE")
    out = cli("up", "--yes", "--skip-preview")
    t0 = manager.tree.objects["/infra/tier-0s/vio-t0"]
    assert t0["ha_mode"] == "ACTIVE_ACTIVE" and t0["unique_id"] != before
    assert "replaced" in out and "ha_vip_configs" not in manager.tree.objects["/infra/tier-0s/vio-t0/locale-services/default"]
    cli("preview", "--expect-no-changes")

    state = cli("stack", "export", "--show-secrets=false")
    assert not [s for s in [*SECRETS, manager.password] if s in state or any(s in t for t in cli.transcript)]
    assert json.loads(state)["deployment"]["resources"]

    cli("destroy", "--yes", "--skip-preview")
    assert [p for p in manager.tree.objects if not p.startswith("/infra/sites")] == []
    assert manager.compute_managers.items == {}
