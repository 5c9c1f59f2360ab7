"""Run the real `__main__.py` of a stack under Pulumi's mock runtime and record what it registers.

No Pulumi CLI, no provider plugins, no credentials: the stack's Pulumi.<stack>.yaml is read, every
`secure:` value is replaced by a planted stand-in secret (or a value the caller plants), and each
registration is captured with its type, logical name, parent, provider, dependencies, protect flag,
ignore_changes and which inputs are secret (masked in the record).
"""

from __future__ import annotations

import gc
import json
import runpy
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
STAND_INS = ROOT / "tests" / "stand_ins"
SECRET_MASK = "[secret]"
_SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
DYNAMIC_PROVIDER_KEY = "__provider"


def ensure_nsxt_importable() -> str:
    """Use the generated pulumi_nsxt where `pulumi install` produced it; else the tests' stand-in.

    Returns which one is in use: "generated" or "stand-in".
    """
    try:
        import pulumi_nsxt
    except ImportError:
        sys.path.insert(0, str(STAND_INS))
        import pulumi_nsxt
    origin = Path(pulumi_nsxt.__file__ or "").resolve()
    return "stand-in" if STAND_INS in origin.parents else "generated"


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    protect: bool
    ignore_changes: list[str]
    delete_before_replace: bool
    aliases: list[str]
    inputs: dict[str, Any]
    secret_paths: list[str]
    #: URNs whose replacement replaces this resource too (resource option replace_with).
    replace_with: list[str] = field(default_factory=list)

    @property
    def component(self) -> bool:
        return not self.custom

    @property
    def provider_name(self) -> str:
        """Logical name of the explicit provider (`management-vcenter`), '' when none."""
        return self.provider.split("::")[-2] if self.provider else ""

    @property
    def provider_type(self) -> str:
        """Package of the provider (`vsphere`, `nsxt`, `openstack`), '' when none."""
        return self.provider.split("::")[-3].split("$")[-1].removeprefix("pulumi:providers:") if self.provider else ""


@dataclass
class Invocation:
    token: str
    provider: str
    args: dict[str, Any]


@dataclass
class Evaluation:
    stack: str
    resources: list[Registration] = field(default_factory=list)
    invokes: list[Invocation] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: list[str] = field(default_factory=list)
    error: BaseException | None = None
    nsxt_sdk: str = ""
    unknown_calls: list[str] = field(default_factory=list)

    def by_type(self, typ: str) -> list[Registration]:
        return [r for r in self.resources if r.type == typ]

    def named(self, name: str) -> Registration:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}

    def children_of(self, urn: str) -> list[Registration]:
        return [r for r in self.resources if r.parent == urn]

    def plan(self) -> dict[str, Any]:
        """Machine-readable, credential-free plan: every resource with its inputs (secrets masked)."""
        return {
            "stack": self.stack,
            "resources": [
                {
                    "type": r.type,
                    "name": r.name,
                    "urn": r.urn,
                    "parent": r.parent,
                    "provider": r.provider.split("::")[-1] if r.provider else "",
                    # The provider's URN (reference minus its id): which provider, and whether a default one.
                    "providerUrn": r.provider.rsplit("::", 1)[0] if r.provider else "",
                    "custom": r.custom,
                    "protect": r.protect,
                    "deleteBeforeReplace": r.delete_before_replace,
                    "replaceWith": r.replace_with,
                    "ignoreChanges": r.ignore_changes,
                    "aliases": r.aliases,
                    "dependencies": r.dependencies,
                    "propertyDependencies": r.property_dependencies,
                    "inputs": r.inputs,
                    "secretInputs": r.secret_paths,
                }
                for r in self.resources
            ],
            "outputs": {k: (SECRET_MASK if k in self.secret_outputs else v) for k, v in self.outputs.items()},
        }


def _walk(value: Any, path: str, secrets: list[str]) -> Any:
    if isinstance(value, dict):
        if value.get(_SECRET_SIG[0]) == _SECRET_SIG[1]:
            secrets.append(path or "<root>")
            return SECRET_MASK
        if value.get(_SECRET_SIG[0]) == _RESOURCE_SIG:
            return {"$ref": value.get("urn")}
        return {k: _walk(v, f"{path}.{k}" if path else k, secrets) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_walk(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    if value == UNKNOWN:
        return "<computed>"
    return value


def _recording_monitor(mocks: Any, evaluation: Evaluation) -> Any:
    from google.protobuf import json_format
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            response = super().RegisterResource(request)
            if request.type != "pulumi:pulumi:Stack":
                secrets: list[str] = []
                raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
                # A dynamic resource's provider is pickled into its inputs: an opaque blob, not spec.
                raw.pop(DYNAMIC_PROVIDER_KEY, None)
                inputs = _walk(raw, "", secrets)
                evaluation.resources.append(
                    Registration(
                        type=request.type,
                        name=request.name,
                        urn=response.urn,
                        parent=request.parent,
                        custom=bool(request.custom),
                        provider=request.provider,
                        dependencies=sorted(request.dependencies),
                        property_dependencies={
                            k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())
                            if k != DYNAMIC_PROVIDER_KEY
                        },
                        protect=bool(request.protect),
                        ignore_changes=list(request.ignoreChanges),
                        delete_before_replace=bool(request.deleteBeforeReplace),
                        aliases=[a.spec.name or a.urn for a in request.aliases] if request.aliases else [],
                        replace_with=sorted(request.replace_with),
                        inputs=inputs,
                        secret_paths=sorted(secrets),
                    )
                )
            return response

        def Invoke(self, request: Any) -> Any:
            response = super().Invoke(request)
            args = json_format.MessageToDict(request.args)
            evaluation.invokes.append(Invocation(request.tok, request.provider, _walk(args, "", [])))
            return response

    return RecordingMonitor(mocks)


def stack_config(stack: str, project_dir: Path = ROOT) -> dict[str, Any]:
    """The `config:` block of Pulumi.<stack>.yaml (values as written, secure ones as {'secure': ...})."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise FileNotFoundError(f"no stack config {path.name}; known stacks: {', '.join(known)}")
    data = yaml.safe_load(path.read_text()) or {}
    return dict(data.get("config") or {})


def planted_secret(key: str) -> str:
    """The plaintext a stand-in secret gets offline: unique and searchable, so leaks are detectable.

    At most 32 characters, so it also passes the length rules real secrets have (NSX-T's BGP neighbor
    password is at most 32): `planted-secret-` + 12 hex digits of the key's digest + `-5f1d`.
    """
    import hashlib

    return f"planted-secret-{hashlib.sha1(key.encode()).hexdigest()[:12]}-5f1d"


def evaluate(
    stack: str = "prod",
    *,
    config: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    remove: tuple[str, ...] = (),
    program: Path | None = None,
    project: str = "vio-nfv",
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    preview: bool = False,
) -> Evaluation:
    """Evaluate `program` (default: the platform's __main__.py) for a stack's config under mocks.

    `config` replaces the stack file's config block; `overrides` sets keys on top (full keys such as
    `vio-nfv:topology`, values as YAML would give them, `{'secure': ...}` for secrets); `remove` deletes
    keys. `stack_outputs` answers StackReferences: {stack name: outputs}. A program error (such as a
    ConfigError) is returned in `.error`, with whatever was registered before it.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config
    from pulumi.runtime import settings as runtime_settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from offline.mocks import PlatformMocks

    evaluation = Evaluation(stack=stack, nsxt_sdk=ensure_nsxt_importable())
    program = program or ROOT / "__main__.py"
    raw = dict(config if config is not None else stack_config(stack, program.parent))
    raw.update(overrides or {})
    for key in remove:
        raw.pop(key, None)

    flat: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            secret_keys.append(key)
            value = value["secure"] if not str(value["secure"]).startswith("v1:") else planted_secret(key)
        flat[key] = value if isinstance(value, str) else json.dumps(value)
    runtime_config.set_all_config(flat, secret_keys)

    mocks = PlatformMocks()
    mocks.stack_outputs = dict(stack_outputs or {})  # type: ignore[attr-defined]
    monitor = _recording_monitor(mocks, evaluation)
    runtime_settings.ROOT.set(None)
    # The SDK keeps pending output tasks in a process-wide set that set_mocks does not reset: a task that
    # failed in a previous evaluation (e.g. an apply raising) would be re-awaited, and re-raised, here.
    with runtime_settings.SETTINGS.lock:
        for task in runtime_settings.SETTINGS.outputs:
            task.cancel()
        runtime_settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)

    sys.path.insert(0, str(program.parent))
    try:
        def run_program() -> None:
            runpy.run_path(str(program), run_name="__main__")

        _sync_await(run_pulumi_func(run_program))
    except Exception as exc:  # noqa: BLE001 - reported to the caller, who decides
        evaluation.error = exc
    finally:
        sys.path.remove(str(program.parent))

    root = runtime_settings.get_root_resource()
    for key, value in (getattr(root, "outputs", None) or {}).items():
        out = pulumi.Output.from_input(value)
        try:
            evaluation.outputs[key] = _sync_await(out.future())
            if _sync_await(out.is_secret()):
                evaluation.secret_outputs.append(key)
        except Exception as exc:  # noqa: BLE001
            evaluation.error = evaluation.error or exc
    evaluation.unknown_calls = mocks.unknown_calls
    # Finalize what the run left behind (failed tasks, their coroutines) here, at a quiet point: left to
    # a GC pass that happens to run inside a later compile(), their finalizers trip CPython 3.11's AST
    # recursion-depth check ("SystemError: AST constructor recursion depth mismatch").
    gc.collect()
    # Registration order depends on the event loop; the graph does not.
    evaluation.resources.sort(key=lambda r: r.urn)
    evaluation.invokes.sort(key=lambda i: (i.token, json.dumps(i.args, sort_keys=True)))
    return evaluation
