"""The tenant side runs on what a tenant stack declares: pulumi and pulumi_openstack, never pulumi_nsxt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from components import stack_args, tenant_args

ROOT = Path(__file__).resolve().parents[1]
STAND_INS = ROOT / "tests" / "stand_ins"
TENANT_MODULES = ("components.tenant_args", "components.tenant_network", "components.settings", "components.contract")


def _modules_after_importing(*modules: str) -> list[str]:
    """The pulumi_* modules a fresh interpreter holds after importing `modules`.

    The NSX-T stand-in is on the path, so an import of pulumi_nsxt anywhere in the chain would succeed and
    show in sys.modules: the test fails on the import itself, not on whether an SDK happens to be installed.
    """
    code = (
        "import importlib, json, sys\n"
        f"for m in {list(modules)!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pulumi_'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(STAND_INS)])}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_tenant_side_never_imports_pulumi_nsxt() -> None:
    loaded = _modules_after_importing(*TENANT_MODULES)
    assert "pulumi_openstack" in loaded
    assert not [m for m in loaded if m.split(".")[0] in {"pulumi_nsxt", "pulumi_vsphere"}], loaded


def test_the_check_sees_an_nsxt_import_when_there_is_one() -> None:
    # The platform side does import it (stack_args -> nsx_edge): the same probe must notice.
    assert "pulumi_nsxt" in _modules_after_importing("components.stack_args")


def test_the_platform_builds_tenant_args_from_the_tenant_module() -> None:
    assert stack_args.tenant_network is tenant_args.tenant_network
