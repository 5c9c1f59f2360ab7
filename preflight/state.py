"""What the stack already owns: its resources as `pulumi stack export` writes them.

Before an update, the stack's own folder, pools, port groups and Manager exist in vCenter; preflight must
tell them from a squatter holding the same name. The stack's state says which objects are its own: every
custom resource with its type, logical name and provider-assigned id.

Format (pulumi/pulumi sdk/go/common/apitype/core.go): `pulumi stack export` prints an `UntypedDeployment`
`{"version": 3, "deployment": DeploymentV3}`; `DeploymentV3.resources` is a list of `ResourceV3` with
`urn`, `custom`, `id`, `type`, `outputs`, `provider` (the provider reference, `<provider URN>::<id>`),
`delete` (a resource awaiting deletion) and `external` (read, not managed); `pending_operations` lists
`OperationV2` `{resource, type}` the engine had started (`creating` for an interrupted create). A URN is
`urn:pulumi:<stack>::<project>::<parent types$type>::<name>`. A secret output is
`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ...}` (or
`plaintext` with --show-secrets): never needed here, never decoded.

Ids are the vSphere provider's (terraform-provider-vsphere, vsphere/resource_vsphere_*.go): a folder's,
resource pool's and distributed port group's id is its managed object id (`d.SetId(x.Reference().Value)`;
an imported port group gets its `key`, which vCenter makes equal to the moid); a virtual machine's is
`config.uuid` (`d.SetId(props.Config.Uuid)`), its moid is the `moid` output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where `make toolchain` (scripts/toolchain.sh) builds the Pulumi CLI when it is not on PATH: one folder per
#: set of pins, `<dir>/<pins>/bin/pulumi`, its state in `<dir>/<pins>/home` (the PULUMI_HOME its `env` exports).
TOOLCHAIN = Path(os.environ.get("VIONFV_TOOLCHAIN_DIR", Path.home() / ".cache" / "vio-nfv" / "toolchain"))


class StateError(Exception):
    """The stack's state could not be read. The message says what to do."""


@dataclass(frozen=True)
class Managed:
    """One custom resource the stack manages."""

    type: str
    name: str
    id: str
    #: Logical name of its explicit provider (`management-vcenter`), '' for a default provider.
    provider: str
    outputs: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class StackState:
    """The stack's managed resources, or none at all for a first deployment (`first_deployment`)."""

    #: Where the state came from, for the report's header.
    source: str
    resources: tuple[Managed, ...] = ()
    #: (type, logical name) of resources an interrupted update was creating (`pending_operations` of type
    #: `creating`): the object may exist without being recorded.
    creating: frozenset[tuple[str, str]] = frozenset()
    first_deployment: bool = False
    #: Why a first deployment is assumed (no state read), for the report's header.
    why: str = ""

    def find(self, type_: str, name: str) -> Managed | None:
        return next((r for r in self.resources if r.type == type_ and r.name == name), None)

    @property
    def header(self) -> str:
        if self.first_deployment:
            return (f"stack state: none ({self.why}): a first deployment is assumed, so any object already at "
                    "one of the stack's names is a collision")
        return (f"stack state: {len(self.resources)} managed resource(s) from {self.source}: objects the "
                "stack owns are expected, not collisions")


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _urn_stack(urn: str) -> str:
    return urn.removeprefix("urn:pulumi:").split("::", 1)[0]


def parse(document: Any, source: str, stack: str) -> StackState:
    """The managed resources of an `UntypedDeployment` (version 3). Raises `StateError` naming what is wrong."""
    if not isinstance(document, dict) or "deployment" not in document:
        raise StateError(f"{source}: not the output of `pulumi stack export` (no \"deployment\" key)")
    version = document.get("version")
    if version != 3:
        raise StateError(f"{source}: deployment version {version!r}; preflight reads version 3 "
                         "(`pulumi stack export` of Pulumi 3.x)")
    resources = document["deployment"].get("resources") or []
    if not isinstance(resources, list):
        raise StateError(f"{source}: deployment.resources is not a list")
    out: list[Managed] = []
    stacks: set[str] = set()
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("urn"), str) or not isinstance(r.get("type"), str):
            raise StateError(f"{source}: deployment.resources[{i}] has no urn or type")
        stacks.add(_urn_stack(r["urn"]))
        # A resource awaiting deletion, read but not managed, or a component: not an object the stack owns.
        if not r.get("custom") or r.get("delete") or r.get("external") or not r.get("id"):
            continue
        provider = str(r.get("provider") or "")
        out.append(Managed(
            type=r["type"], name=_name(r["urn"]), id=str(r["id"]),
            provider=provider.split("::")[-2] if provider.count("::") >= 2 else "",
            outputs=dict(r["outputs"]) if isinstance(r.get("outputs"), dict) else {},
        ))
    creating = set()
    for op in document["deployment"].get("pending_operations") or []:
        r = op.get("resource") if isinstance(op, dict) else None
        if op.get("type") == "creating" and isinstance(r, dict) and isinstance(r.get("urn"), str):
            creating.add((str(r.get("type")), _name(r["urn"])))
    others = sorted(stacks - {stack})
    if others:
        raise StateError(f"{source}: holds the state of stack {', '.join(map(repr, others))}, not {stack!r}; "
                         f"export it with `pulumi stack export --stack {stack}`")
    return StackState(source=source, resources=tuple(out), creating=frozenset(creating))


def from_file(path: Path, stack: str) -> StackState:
    try:
        text = path.read_text()
    except OSError as exc:
        raise StateError(f"--state {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"--state {path}: not JSON ({exc.msg} at line {exc.lineno}); pass the output of "
                         f"`pulumi stack export --stack {stack} --file FILE`") from None
    return parse(document, str(path), stack)


def pulumi_cli() -> Path | None:
    """The Pulumi CLI: on PATH, else the newest build of `make toolchain` (`VIONFV_TOOLCHAIN_DIR`)."""
    found = shutil.which("pulumi")
    if found:
        return Path(found)
    built = [p for p in TOOLCHAIN.glob("*/bin/pulumi") if p.is_file() and os.access(p, os.X_OK)]
    return max(built, key=lambda p: p.stat().st_mtime) if built else None


def cli_env(exe: Path) -> dict[str, str]:
    """The environment to run `exe` in: a toolchain build keeps its logins in its own PULUMI_HOME (what
    `scripts/toolchain.sh env` exports) unless the caller set one."""
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}
    home = exe.parent.parent / "home"
    if TOOLCHAIN in exe.parents and "PULUMI_HOME" not in env and home.is_dir():
        env["PULUMI_HOME"] = str(home)
    return env


def searched() -> str:
    return f"PATH, {TOOLCHAIN}/*/bin/pulumi"


#: What the CLI prints when the stack has never been created (pulumi/pulumi pkg/cmd/pulumi, the stack
#: loader: `no stack named '%s' found`).
NO_STACK = "no stack named"


def from_cli(exe: Path, stack: str, project_dir: Path, timeout: float) -> StackState:
    """`pulumi stack export` of `stack`. A stack that does not exist yet is a first deployment."""
    command = [str(exe), "stack", "export", "--stack", stack, "--cwd", str(project_dir)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                              env=cli_env(exe))
    except subprocess.TimeoutExpired:
        raise StateError(f"`pulumi stack export --stack {stack}` did not finish within {timeout:g}s; "
                         "pass the export with --state FILE") from None
    except OSError as exc:
        raise StateError(f"{exe}: cannot run ({exc.strerror or exc}); pass the export with --state FILE") from None
    if done.returncode != 0:
        error = " ".join(done.stderr.split()) or f"exit code {done.returncode}"
        if NO_STACK in error:
            return StackState(source=str(exe), first_deployment=True, why=f"`pulumi stack export`: {error}")
        raise StateError(
            f"`pulumi stack export --stack {stack}` failed: {error}; log in to the stack's backend "
            f"(`pulumi login`), or pass `pulumi stack export --stack {stack} --file FILE` from elsewhere with "
            "--state FILE"
        )
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise StateError(f"`pulumi stack export --stack {stack}` printed no JSON ({exc.msg})") from None
    return parse(document, f"`pulumi stack export --stack {stack}`", stack)


def load(stack: str, project_dir: Path, state_file: Path | None, *, use_pulumi_cli: bool,
         timeout: float) -> StackState:
    """The stack's state: from `state_file`, else from the Pulumi CLI, else none (a first deployment)."""
    if state_file is not None:
        return from_file(state_file, stack)
    if not use_pulumi_cli:
        return StackState(source="", first_deployment=True,
                          why="--no-pulumi-cli and no --state FILE")
    exe = pulumi_cli()
    if exe is None:
        return StackState(source="", first_deployment=True,
                          why=f"no Pulumi CLI found ({searched()}) and no --state FILE")
    return from_cli(exe, stack, project_dir, timeout)
