"""A configuration problem, the error that lists them, and the namespaces they are reported under."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pulumi

NAMESPACE = "vio-nfv"
#: A tenant's own stack reads its keys under its project's name (examples/tenant-stack/Pulumi.yaml `name:`):
#: the Pulumi CLI lets a project declare a type or `secret: true` only for keys of its own namespace
#: (pulumi/pulumi sdk/go/common/workspace/project.go: "is not namespaced by the project and should not
#: define a type"), and the tenant stack declares its keys so the CLI refuses a plaintext password.
TENANT_NAMESPACE = "vio-nfv-tenant"


class ConfigError(pulumi.RunError):
    """The stack configuration is invalid. Raised before any resource is registered.

    Subclasses `pulumi.RunError` so that the Pulumi CLI prints the message without a traceback.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid stack configuration ({len(self.problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Problem:
    """One configuration problem: the dotted key under the namespace and what is wrong with it."""

    key: str
    message: str
    namespace: str = NAMESPACE

    def __str__(self) -> str:
        return f"{self.namespace}:{self.key}: {self.message}"


def duplicates(items: Iterable[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    dups = []
    for i, item in enumerate(items):
        if item in seen:
            dups.append((i, item))
        seen.add(item)
    return dups
