"""`make up STACK=sim` (`python -m sim.real_up --stack sim`): the main job with the real Pulumi CLI against
the running simulated datacenter (`make sim` first), step by step: preview of the new stack, `up --yes`,
`refresh --yes`, `preview --expect-no-changes`, a day-2 edit (one tenant network and one flavor more) and
its `up --yes`, then `destroy --yes`. Each step's time is printed, then a summary; the first failing step
stops the run, printed with the engine's own error, and the exit code is 1.

It uses the run's stack configuration (`--config-file`, the secrets `python -m sim up` set, sim/pulumi_secrets)
and its file backend and passphrase. The resource plugins this program needs and the project cannot build
are named plainly when the engine stops at plugin lookup (docs/real-toolchain.md): never a silent success.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from components.settings import NAMESPACE
from sim import datacenter, pulumi_secrets

ROOT = datacenter.ROOT

#: Why a plugin is missing here, by package (docs/real-toolchain.md "Not built").
UNBUILDABLE = {
    "vsphere": "the Go module proxy answers 403 for github.com/pulumi/pulumi-vsphere/provider/v4 (and its "
               "upstream), so `make toolchain` cannot build pulumi-resource-vsphere",
    "openstack": "the Go module proxy answers 403 for github.com/pulumi/pulumi-openstack/provider/v5, so "
                 "`make toolchain` cannot build pulumi-resource-openstack",
    "nsxt": "terraform-provider-nsxt v3.11.0 is not served by the Go module proxy: bring the binary "
            "($VIONFV_NSXT_PROVIDER, docs/simulators.md) and run scripts/nsxsim-real-provider.sh sdk",
    "terraform-provider": "pulumi-resource-terraform-provider is built by `make toolchain` (last); rebuild it",
}
PLUGIN_MISSING = re.compile(r"no resource plugin '(?:pulumi-resource-)?([\w-]+)'|"
                            r"could not (?:find|load) (?:the )?(?:resource )?plugin[^\n]*?['\"]?([\w-]+)['\"]? ",
                            re.I)


def day2(config_file: Path) -> None:
    """The day-2 edit: a flavor and a network of the first tenant more, nothing else changed."""
    document = yaml.safe_load(config_file.read_text())
    config = document["config"]
    config[f"{NAMESPACE}:flavors"].append({"name": "vnf-day2-small", "vcpus": 2, "ramMb": 4096, "diskGb": 20})
    tenant = config[f"{NAMESPACE}:tenants"][0]
    tenant["networks"].append({"name": "day2-net", "cidr": "172.16.99.0/24"})
    config_file.write_text(yaml.safe_dump(document, sort_keys=False))


def explain(output: str) -> str:
    missing = [a or b for a, b in PLUGIN_MISSING.findall(output)]
    lines = [f"missing plugin {name}: {UNBUILDABLE[key]}" for name in dict.fromkeys(missing)
             for key in UNBUILDABLE if key in name]
    if "No module named 'pulumi_nsxt'" in output:
        # The program imports the NSX SDK first (components/providers.py), so this is where it stops.
        lines.append("missing SDK pulumi_nsxt and plugin terraform-provider (nsxt): " + UNBUILDABLE["nsxt"]
                     + "; after it, the vsphere and openstack plugins are missing too: " + UNBUILDABLE["vsphere"]
                     + "; " + UNBUILDABLE["openstack"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.real_up", description=__doc__.split("\n\n")[0])
    p.add_argument("--stack", default="sim")
    p.add_argument("--state-dir", type=Path)
    args = p.parse_args(argv)
    directory = args.state_dir or datacenter.state_dir(args.stack)
    state = datacenter.read_state(directory)
    if state is None or not datacenter.alive(int(state["pid"])):
        print(f"error: the simulated datacenter is not running ({directory}): `make sim` first", file=sys.stderr)
        return 2
    env = pulumi_secrets.toolchain_env()
    config_file = directory / f"Pulumi.{args.stack}.yaml"
    if env is None or not config_file.exists():
        print("error: the real Pulumi CLI is not built (`make toolchain`), so there is no real `up`; "
              "`make plan STACK=sim` is the offline look", file=sys.stderr)
        return 2
    env = {**env, "PULUMI_BACKEND_URL": f"file://{directory / 'backend'}",
           "PULUMI_CONFIG_PASSPHRASE_FILE": str(directory / "passphrase")}
    common = ["--stack", args.stack, "--config-file", str(config_file), "--non-interactive", "--color", "never"]
    steps: list[tuple[str, list[str] | None]] = [
        ("preview", ["preview", *common]),
        ("up", ["up", "--yes", "--skip-preview", *common]),
        ("refresh (no change)", ["refresh", "--yes", "--expect-no-changes", *common]),
        ("preview (no change)", ["preview", "--expect-no-changes", *common]),
        ("day-2 edit", None),
        ("day-2 up", ["up", "--yes", *common]),
        ("destroy", ["destroy", "--yes", *common]),
    ]
    times: list[tuple[str, float, str]] = []
    failed: dict[str, Any] | None = None
    for name, command in steps:
        started = time.monotonic()
        if command is None:
            day2(config_file)
            rc, output = 0, ""
        else:
            done = subprocess.run(["pulumi", *command], cwd=ROOT, env=env, capture_output=True, text=True,
                                  check=False)
            rc, output = done.returncode, done.stdout + done.stderr
        spent = time.monotonic() - started
        times.append((name, spent, "ok" if rc == 0 else "FAILED"))
        print(f"{name:22} {spent:7.1f} s  {'ok' if rc == 0 else 'FAILED'}", flush=True)
        if rc != 0:
            failed = {"step": name, "output": output}
            break
    print("\nsummary: " + ", ".join(f"{n} {t:.1f} s {s}" for n, t, s in times)
          + f"; total {sum(t for _, t, _ in times):.1f} s")
    if failed is None:
        return 0
    print(f"\nstopped at `{failed['step']}`; the engine said:\n{failed['output'].strip()[-4000:]}", file=sys.stderr)
    why = explain(failed["output"])
    if why:
        print(f"\n{why}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
