"""Evaluate a stack offline and show what it would create.

    python -m offline prod                 # resource tree by component, counts, outputs
    python -m offline dev --plan plan.json # also write the credential-free plan (JSON)

Exit codes (the program's own; `make plan` prints it, see docs/configuration-errors.md):
  0  evaluated
  2  the stack cannot be evaluated as configured: unknown stack, a malformed stack file (file and line),
     or an invalid configuration (every problem listed with its key); nothing is registered
  1  any other program error (a bug: please report it)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from offline.evaluate import ROOT, Evaluation, Registration, evaluate, stack_config
from offline.stack_file import StackFileError


def _short_type(typ: str) -> str:
    return typ.split(":")[-1] if typ.count(":") >= 2 and not typ.startswith("pulumi:providers") else typ


DYNAMIC = "pulumi-python:dynamic"
SECGROUP = "openstack:networking/secGroup:SecGroup"
VM = "vsphere:index/virtualMachine:VirtualMachine"
METADATA_PROXY = "nsxt:index/policyMetadataProxy:PolicyMetadataProxy"
#: What the spec section shows of the Manager VM: how it is deployed and what it is told.
_VM_SPEC_KEYS = ("name", "numCpus", "memory", "disks", "ovfDeploy", "clone", "vapp")


def spec(evaluation: Evaluation) -> list[str]:
    """The VIO pieces as they would be sent: the Manager VM, the Public API bodies (the pickled dynamic
    provider is never recorded; secrets show as [secret]) and the NSX metadata proxy."""
    lines: list[str] = []
    for reg in evaluation.resources:
        if reg.type == VM or reg.type == METADATA_PROXY or reg.type.startswith(DYNAMIC):
            shown = (
                {k: reg.inputs[k] for k in _VM_SPEC_KEYS if k in reg.inputs}
                if reg.type == VM
                else reg.inputs
            )
            lines.append(f"{_short_type(reg.type)} {reg.name}" + ("  [protected]" if reg.protect else ""))
            lines += ["  " + line for line in json.dumps(shown, indent=2, sort_keys=True).splitlines()]
    return lines


def render_tree(evaluation: Evaluation) -> list[str]:
    children: dict[str, list[Registration]] = {}
    for reg in evaluation.resources:
        children.setdefault(reg.parent, []).append(reg)

    def count(urn: str) -> int:
        return sum(1 + count(c.urn) for c in children.get(urn, []))

    lines: list[str] = []

    def walk(urn: str, indent: str) -> None:
        kids = sorted(children.get(urn, []), key=lambda r: (r.custom, r.type, r.name))
        for i, reg in enumerate(kids):
            last = i == len(kids) - 1
            branch = "└─ " if last else "├─ "
            flags = []
            if reg.component:
                flags.append(f"{count(reg.urn)} children")
            elif reg.type.startswith(DYNAMIC):
                # Dynamic resources are served by package pulumi-python's default provider.
                flags.append(f"provider={reg.provider_name or 'pulumi-python (dynamic)'}")
            elif not reg.type.startswith("pulumi:providers:"):
                flags.append(f"provider={reg.provider_name or 'DEFAULT'}")
            if reg.protect:
                flags.append("protected")
            if reg.secret_paths:
                flags.append(f"secret: {', '.join(reg.secret_paths)}")
            if reg.type == SECGROUP:
                # Which egress a group allows (components/tenant_network.py `_security_group`).
                flags.append("egress: its rules only" if reg.inputs.get("deleteDefaultRules")
                             else "egress: Neutron's default, any destination")
            lines.append(f"{indent}{branch}{_short_type(reg.type)} {reg.name}  [{'; '.join(flags)}]")
            walk(reg.urn, indent + ("   " if last else "│  "))

    roots = {r.parent for r in evaluation.resources} - {r.urn for r in evaluation.resources}
    for root in sorted(roots):
        lines.append(root.split("::")[-1] or "(no parent)")
        walk(root, "")
    return lines


def summary(evaluation: Evaluation) -> list[str]:
    regs = evaluation.resources
    providers = [r for r in regs if r.type.startswith("pulumi:providers:")]
    components = [r for r in regs if r.component]
    custom = [r for r in regs if r.custom and r not in providers]
    lines = [
        f"{len(regs)} registrations: {len(custom)} resources, {len(components)} components, "
        f"{len(providers)} providers; {len(evaluation.invokes)} lookups",
        "By provider:",
    ]
    def provider_of(r: Registration) -> str:
        return r.provider_name or ("pulumi-python (dynamic)" if r.type.startswith(DYNAMIC) else "-")

    for name, n in sorted(Counter(provider_of(r) for r in custom).items()):
        lines.append(f"  {name:<24} {n}")
    lines.append("By type:")
    for typ, n in sorted(Counter(r.type for r in custom).items()):
        lines.append(f"  {typ:<72} {n}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline", description=__doc__.split("\n")[0])
    parser.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--plan", type=Path, help="write the credential-free plan as JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="counts only, no tree and no spec")
    parser.add_argument("--project-dir", type=Path, default=ROOT,
                        help="directory holding Pulumi.<stack>.yaml (default: this project)")
    ns = parser.parse_args(argv)

    try:
        evaluation = evaluate(ns.stack, config=stack_config(ns.stack, ns.project_dir))
    except (FileNotFoundError, StackFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from components.settings import ConfigError

    if isinstance(evaluation.error, ConfigError):
        print(f"stack {ns.stack}: {evaluation.error}", file=sys.stderr)
        print(f"{len(evaluation.resources)} resources registered.", file=sys.stderr)
        return 2
    if evaluation.error is not None:
        print(f"stack {ns.stack}: program failed: {evaluation.error!r}", file=sys.stderr)
        return 1

    print(f"stack {ns.stack} ({ns.project_dir / f'Pulumi.{ns.stack}.yaml'}), evaluated offline under mocks; "
          f"pulumi_nsxt: {evaluation.nsxt_sdk}")
    if not ns.quiet:
        print()
        print("\n".join(render_tree(evaluation)))
        print()
        print("VIO spec (Manager VM, VIO Public API bodies, NSX metadata proxy; secrets masked):")
        print("\n".join(spec(evaluation)))
    print()
    print("\n".join(summary(evaluation)))
    print()
    print("Outputs:")
    for key, value in evaluation.plan()["outputs"].items():
        shown = json.dumps(value)
        print(f"  {key}: {shown if len(shown) < 110 else shown[:107] + '...'}")
    if ns.plan:
        ns.plan.write_text(json.dumps(evaluation.plan(), indent=2, sort_keys=True) + "\n")
        print(f"\nplan written to {ns.plan}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
