"""The `terraform-provider` plugin `make toolchain` builds (the dynamic Terraform bridge, Pulumi.yaml's
`packages.nsxt.version`) is installed in the toolchain's plugin cache and answers the engine offline.

The engine finds it by exact version in $PULUMI_HOME/plugins (pulumi/pulumi sdk/go/common/workspace/
plugins.go); its unparameterized schema carries the version the build linked in (-X .../dynamic/version).
Parameterizing it with vmware/nsxt needs terraform-provider-nsxt, which the proxy does not serve
(docs/real-toolchain.md), so that step is not tried here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.test_e2e_real_engine import ROOT
from tests.toolchain_env import toolchain_env

pytestmark = pytest.mark.e2e


def test_terraform_provider_plugin_at_the_pinned_version_serves_its_schema_offline(tmp_path: Path) -> None:
    env = toolchain_env()
    pinned = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["packages"]["nsxt"]["version"]
    plugin = f"{env['PULUMI_HOME']}/plugins/resource-terraform-provider-v{pinned}"
    listed = subprocess.run(["pulumi", "plugin", "ls", "--json"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, check=True, timeout=120)
    if not any(p["name"] == "terraform-provider" and p["version"] == pinned for p in json.loads(listed.stdout)):
        pytest.skip(f"terraform-provider v{pinned} is not installed in {plugin} (make toolchain builds it last)")
    done = subprocess.run(["pulumi", "package", "get-schema", f"terraform-provider@{pinned}"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert (schema["name"], schema["version"]) == ("terraform-provider", f"v{pinned}")
