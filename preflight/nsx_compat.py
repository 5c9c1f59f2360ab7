"""Which NSX versions the pinned terraform-provider-nsxt and each VIO 7.x release support, as data.

Provider (Pulumi.yaml pins vmware/nsxt 3.11.0): vmware/terraform-provider-nsxt README.md at tag v3.11.0,
"The following table lists the supported product versions for this provider": NSX 9.0.0, 4.2.x, 4.1.x,
4.0.x, NSX-T 3.2.x, 3.1.x, 3.0.x, and 2.5.x with limited support. 2.5 is left out here: "limited"
means resources the program uses (policy edge node lookup by search, nsxt/data_source_nsxt_policy_edge_node.go
for >= 3.2.0) take other code paths there.

VIO: the "Compatibility" section of the VMware Integrated OpenStack 7.x release notes and the VMware
Product Interoperability Matrices (VIO x NSX-T Data Center). Neither is in the project's search corpus
(searched docs and pages for the release notes and the matrix), so the rows below are written from those
documents as recalled, not re-read, like preflight/compat.py's vCenter table: treat every row as to be
confirmed, and update it from the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from preflight import compat

#: (major, minor, patch) of an NSX release; node_version "4.1.2.0.0.22589037" is (4, 1, 2).
NsxVersion = tuple[int, int, int]


@dataclass(frozen=True)
class Span:
    """Release trains `first` to `last` (major, minor), every patch of each included."""

    first: tuple[int, int]
    last: tuple[int, int]

    def covers(self, version: NsxVersion) -> bool:
        return self.first <= version[:2] <= self.last

    def __str__(self) -> str:
        return f"NSX {_train(self.first)} to {_train(self.last)}"


def _train(train: tuple[int, int]) -> str:
    return f"{train[0]}.{train[1]}.x"


#: terraform-provider-nsxt v3.11.0 README.md (see the module docstring); 9.0 is listed as 9.0.0 only.
PROVIDER: tuple[Span, ...] = (Span((3, 0), (4, 2)), Span((9, 0), (9, 0)))

#: VIO release (major.minor) -> the NSX(-T) release trains it supports. See the module docstring.
VIO: dict[str, Span] = {
    "7.0": Span((3, 0), (3, 0)),
    "7.1": Span((3, 1), (3, 1)),
    "7.2": Span((3, 1), (3, 2)),
    "7.3": Span((3, 2), (4, 1)),
}


def parse(node_version: str) -> NsxVersion | None:
    """`GET /api/v1/node/version`'s node_version ("4.1.2.0.0.22589037") -> (4, 1, 2); None if not numeric.
    The same leading major.minor[.patch] read as vCenter's about.version."""
    return compat.vcenter_version(node_version)


def label(version: NsxVersion) -> str:
    return ".".join(str(p) for p in version)


def provider_supports(version: NsxVersion) -> bool:
    return any(span.covers(version) for span in PROVIDER)


def vio_releases_supporting(version: NsxVersion) -> list[str]:
    return [vio for vio, span in VIO.items() if span.covers(version)]
