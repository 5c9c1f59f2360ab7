"""The stack's settings and vCenter credentials, read offline from Pulumi.<stack>.yaml.

Parsing and validation are `components.settings.parse`'s: preflight only decodes the YAML file the way
the Pulumi engine would hand it to the program (namespace stripped, objects already decoded).
Secure values are encrypted with the stack's secrets provider and unreadable here, so passwords come from
the environment first, else from `pulumi config get` when the Pulumi CLI is installed and logged in.
They are never printed.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components import settings as config
from offline import stack_file
from preflight.state import cli_env, pulumi_cli

#: Credentials preflight needs, by config key.
PASSWORD_KEYS: tuple[str, ...] = ("managementVcenterPassword", "resourceVcenterPassword")
#: The pinned certificate of the resource vCenter: plain text or a secret; compared when readable.
THUMBPRINT_KEY = "resourceVcenterThumbprint"


class StackError(Exception):
    """The stack file or a credential is missing. The message says what to do."""


def env_name(key: str) -> str:
    """`managementVcenterPassword` -> `VIONFV_MANAGEMENT_VCENTER_PASSWORD`."""
    return "VIONFV_" + re.sub(r"(?<!^)(?=[A-Z])", "_", key).upper()


@dataclass(frozen=True)
class Stack:
    name: str
    path: Path
    settings: config.Settings
    passwords: dict[str, str]
    #: resourceVcenterThumbprint when readable, else None and `thumbprint_missing` says why.
    thumbprint: str | None = None
    thumbprint_missing: str = ""

    def __repr__(self) -> str:  # passwords stay out of tracebacks and logs
        return f"Stack(name={self.name!r}, path={str(self.path)!r})"


def read_raw(path: Path) -> dict[str, Any]:
    """The `vio-nfv:` keys of a stack file, namespace stripped."""
    try:
        return stack_file.namespace(stack_file.read(path))
    except FileNotFoundError:
        raise StackError(
            f"{path} does not exist; create the stack with `pulumi stack init {path.stem.split('.', 1)[-1]}` "
            "or pass --project-dir"
        ) from None
    except stack_file.StackFileError as exc:
        raise StackError(str(exc)) from None


def _from_pulumi(stack: str, key: str, project_dir: Path, timeout: float) -> str | None:
    exe = pulumi_cli()
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "config", "get", f"{config.NAMESPACE}:{key}", "--stack", stack, "--cwd", str(project_dir)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=cli_env(exe),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.rstrip("\n")
    return value if done.returncode == 0 and value else None


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def load(stack: str, project_dir: Path, *, use_pulumi_cli: bool = True, timeout: float = 60.0) -> Stack:
    """Validate the stack's settings and find the vCenter passwords. Raises `ConfigError` or `StackError`."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    raw = read_raw(path)
    # Secure values are kept out of `raw`: parse() only needs to know that they are set. A credential
    # written in plain text (not `secure:`) is the same error here as in the program, never echoed.
    present = [k for k in config.CREDENTIAL_KEYS if k in raw or os.environ.get(env_name(k))]
    plaintext = [k for k in config.CREDENTIAL_KEYS if k in raw and not _is_secure(raw[k])]
    plain = {k: v for k, v in raw.items() if k not in config.CREDENTIAL_KEYS}
    settings = config.parse(
        plain,
        present,
        plaintext_credentials=plaintext,
        credential_values={k: raw[k] for k in plaintext},
    )

    passwords: dict[str, str] = {}
    missing: list[str] = []
    for key in PASSWORD_KEYS:
        value = os.environ.get(env_name(key))
        if not value and use_pulumi_cli:
            value = _from_pulumi(stack, key, project_dir, timeout)
        if value:
            passwords[key] = value
        else:
            missing.append(key)
    if missing:
        hints = "; ".join(f"export {env_name(k)}=... (or log in so that `pulumi config get "
                          f"{config.NAMESPACE}:{k} --stack {stack}` works)" for k in missing)
        raise StackError(f"no password for {', '.join(missing)}: {hints}")
    thumbprint = raw.get(THUMBPRINT_KEY) if THUMBPRINT_KEY in plaintext else None
    thumbprint = thumbprint or os.environ.get(env_name(THUMBPRINT_KEY))
    if not thumbprint and THUMBPRINT_KEY in raw and use_pulumi_cli:
        thumbprint = _from_pulumi(stack, THUMBPRINT_KEY, project_dir, timeout)
    why = "" if thumbprint else (
        f"{THUMBPRINT_KEY} is a secret preflight could not read: export {env_name(THUMBPRINT_KEY)}=... to compare it"
        if THUMBPRINT_KEY in raw else f"{THUMBPRINT_KEY} is not set"
    )
    return Stack(stack, path, settings, passwords, str(thumbprint) if thumbprint else None, why)
