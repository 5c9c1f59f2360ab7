"""The run's credentials as real Pulumi secrets, when the real CLI of `make toolchain` is present
(scripts/toolchain.sh status; docs/real-toolchain.md).

The checkout's Pulumi.<stack>.yaml is left as committed: the run's stack configuration is a copy of it in
the state directory (placeholder `secure:` values and salt dropped), where `pulumi config set --secret
--config-file` encrypts each credential with the passphrase secrets provider; the passphrase (random, made
once, mode 0600) and the file backend (`file://<state>/backend`) live beside it, outside the checkout.
`pulumi stack init` runs in a scratch project directory holding only Pulumi.yaml, since it writes the
stack's encryption salt into the project's stack file (seen with the v3.260.0 CLI). A real `pulumi up`
reads it with `--config-file <state>/Pulumi.<stack>.yaml` and the same PULUMI_BACKEND_URL and
PULUMI_CONFIG_PASSPHRASE_FILE.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import yaml

from components.settings import NAMESPACE

ROOT = Path(__file__).resolve().parent.parent
TOOLCHAIN = ROOT / "scripts" / "toolchain.sh"


def toolchain_env() -> dict[str, str] | None:
    """The environment `scripts/toolchain.sh env` exports, or None when the toolchain is not built."""
    if subprocess.run([str(TOOLCHAIN), "status"], capture_output=True, check=False).returncode != 0:
        return None
    out = subprocess.run([str(TOOLCHAIN), "env"], capture_output=True, text=True, check=False).stdout
    env = dict(os.environ)
    for key, value in re.findall(r'^export (\w+)="(.*)"$', out, re.M):
        env[key] = value.replace("$PATH", env.get("PATH", ""))
    return env


def write(stack_path: Path, stack: str, directory: Path, values: dict[str, str], plain: dict[str, str],
          env: dict[str, str]) -> dict[str, str]:
    """Write `values` as secrets and `plain` as plain values (by key without the namespace) into the run's
    stack configuration. Returns what a `pulumi` command needs to use it."""
    passphrase = directory / "passphrase"
    if not passphrase.exists():
        fd = os.open(passphrase, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24))
    document = yaml.safe_load(stack_path.read_text())
    document.pop("encryptionsalt", None)
    document["config"] = {k: v for k, v in document["config"].items() if not (isinstance(v, dict) and "secure" in v)}
    config_file = directory / f"Pulumi.{stack}.yaml"
    config_file.write_text(yaml.safe_dump(document, sort_keys=False))
    config_file.chmod(0o600)
    (directory / "backend").mkdir(exist_ok=True)
    scratch = directory / "project"
    scratch.mkdir(exist_ok=True)
    shutil.copy(stack_path.parent / "Pulumi.yaml", scratch / "Pulumi.yaml")
    run_env = {**env, "PULUMI_BACKEND_URL": f"file://{directory / 'backend'}",
               "PULUMI_CONFIG_PASSPHRASE_FILE": str(passphrase)}
    run_env.pop("PULUMI_CONFIG_PASSPHRASE", None)

    def pulumi(*args: str, value: str | None = None) -> None:
        done = subprocess.run(["pulumi", *args], cwd=scratch, env=run_env, input=value, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"`pulumi {' '.join(args[:3])} ...` failed: {done.stderr.strip()}")

    stacks = subprocess.run(["pulumi", "stack", "ls", "--json"], cwd=scratch, env=run_env, capture_output=True,
                            text=True, check=False).stdout
    if f'"name": "{stack}"' not in stacks:
        pulumi("stack", "init", stack, "--secrets-provider", "passphrase")
    for key, value in values.items():  # the value on stdin: never on a command line (ps)
        pulumi("config", "set", "--secret", "--stack", stack, "--config-file", str(config_file),
               f"{NAMESPACE}:{key}", value=value)
    for key, value in plain.items():
        pulumi("config", "set", "--stack", stack, "--config-file", str(config_file), f"{NAMESPACE}:{key}", value)
    return {"config_file": str(config_file), "PULUMI_BACKEND_URL": run_env["PULUMI_BACKEND_URL"],
            "PULUMI_CONFIG_PASSPHRASE_FILE": str(passphrase)}
