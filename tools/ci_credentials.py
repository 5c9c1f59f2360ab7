"""Put a CI environment's credentials into a stack's config before `pulumi preview`/`up`.

The committed `Pulumi.<stack>.yaml` files hold placeholder `secure:` values only: the real credentials live
as secrets of a GitHub environment (`production`/`development` for `pulumi up`, `preview` for previews with
read-only accounts) and reach the run as environment variables. For every key Pulumi.yaml declares
`secret: true`, this sets `vio-nfv:<key>` from `VIONFV_<KEY_IN_UPPER_SNAKE>` (e.g. managementVcenterPassword
from VIONFV_MANAGEMENT_VCENTER_PASSWORD) with `pulumi config set --secret`, the value on stdin so it is never
on a command line. Optional account overrides (`VIONFV_MANAGEMENT_VCENTER_USERNAME`, ...) set the matching
`<section>.username` with `--path`: the preview environment signs in with its read-only accounts.

    python -m tools.ci_credentials --stack prod

Exit 2, naming every missing variable, before anything is set when a declared secret has no value.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

NAMESPACE = "vio-nfv"
#: Account sections whose username a CI environment may override, by environment variable.
USERNAME_OVERRIDES = {
    "VIONFV_MANAGEMENT_VCENTER_USERNAME": "managementVcenter.username",
    "VIONFV_RESOURCE_VCENTER_USERNAME": "resourceVcenter.username",
    "VIONFV_NSX_USERNAME": "nsx.username",
    "VIONFV_OPENSTACK_USERNAME": "openstack.username",
}


def env_name(key: str) -> str:
    """managementVcenterPassword -> VIONFV_MANAGEMENT_VCENTER_PASSWORD."""
    return "VIONFV_" + re.sub(r"(?<!^)(?=[A-Z])", "_", key).upper()


def declared_secrets(project_file: Path) -> list[str]:
    config = (yaml.safe_load(project_file.read_text()) or {}).get("config") or {}
    return [k for k, v in config.items() if isinstance(v, dict) and v.get("secret") is True]


def commands(stack: str, secrets: Sequence[str], env: Mapping[str, str]) -> list[tuple[list[str], str]]:
    """(argv, stdin) of every `pulumi config set` to run; raises SystemExit(2) naming missing variables."""
    missing = [env_name(k) for k in secrets if not env.get(env_name(k))]
    if missing:
        print(f"missing environment secret(s) for stack {stack}: {', '.join(missing)}", file=sys.stderr)
        raise SystemExit(2)
    out = [
        (["pulumi", "config", "set", "--stack", stack, "--secret", f"{NAMESPACE}:{k}"], env[env_name(k)])
        for k in secrets
    ]
    for var, path in USERNAME_OVERRIDES.items():
        if env.get(var):
            out.append((["pulumi", "config", "set", "--stack", stack, "--path", f"{NAMESPACE}:{path}"], env[var]))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--project-dir", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    todo = commands(args.stack, declared_secrets(args.project_dir / "Pulumi.yaml"), os.environ)
    for cmd, value in todo:
        # The value goes on stdin: `pulumi config set` reads it from there when no value argument is given.
        subprocess.run(cmd, input=value, text=True, check=True, cwd=args.project_dir)
        print(f"set {cmd[-1]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
