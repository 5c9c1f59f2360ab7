"""Which vCenter Server versions each VIO 7.x release supports, as data, and how to read both versions.

Sources, the ones to hold this table against:
- VMware Product Interoperability Matrices, "VMware Integrated OpenStack" x "VMware vCenter Server"
  (https://interopmatrix.broadcom.com/Interoperability, formerly
  https://partnerweb.vmware.com/comp_guide2/sim/interop_matrix.php).
- The "Compatibility" section of each release's notes, "VMware Integrated OpenStack 7.x Release Notes"
  (https://docs.vmware.com/en/VMware-Integrated-OpenStack/7.0|7.1|7.2|7.3/rn/).
Neither is in the project's search corpus (searched: docs, pages and issues, for the release notes, the
matrix and the Telco Cloud Infrastructure OpenStack Edition bills of materials), so the figures below are
written from those documents as recalled, not re-read: treat every row as to be confirmed.

APPROXIMATION, stated plainly: the matrix is kept per update release (7.0 U3, 8.0 U2) and per VIO minor
release (7.2, 7.3). Patch levels (7.0 U3c, 8.0 U2a) and VIO maintenance releases (7.2.1, 7.3.1) are
folded into those rows: a 7.2.1 is judged by the 7.2 row. vSphere 6.7 U3, which VIO 7.0/7.1 also
supported, is left out on purpose: preflight speaks the vSphere 7.0 API (`inventory.API_VERSION`), so a
6.7 vCenter cannot be inventoried at all. Update the table from the matrix when VMware changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: vCenter's `about.version` is `<major>.<minor>.<update>` ("7.0.3" is 7.0 Update 3, "8.0.2" 8.0 U2).
VcenterVersion = tuple[int, int, int]


@dataclass(frozen=True)
class Support:
    """The vCenter versions one VIO release supports: a contiguous range of update releases."""

    vio: str
    oldest: VcenterVersion
    newest: VcenterVersion

    def covers(self, vcenter: VcenterVersion) -> bool:
        return self.oldest <= vcenter <= self.newest

    @property
    def range(self) -> str:
        return f"vCenter {label(self.oldest)} to {label(self.newest)}"


#: VIO release (major.minor) -> supported vCenter Server update releases. See the module docstring.
TABLE: dict[str, Support] = {
    s.vio: s
    for s in (
        Support("7.0", (7, 0, 0), (7, 0, 1)),
        Support("7.1", (7, 0, 1), (7, 0, 2)),
        Support("7.2", (7, 0, 2), (7, 0, 3)),
        Support("7.3", (7, 0, 3), (8, 0, 2)),
    )
}


def vio_release(version: str) -> str | None:
    """`"7.3.0"`, `"7.3"` or `"7.3.1"` -> `"7.3"`; None when it does not read as a VIO version."""
    found = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)*\s*", version)
    return f"{int(found[1])}.{int(found[2])}" if found else None


def vcenter_version(about_version: str) -> VcenterVersion | None:
    """vCenter's `about.version` as (major, minor, update); None when it is not numeric."""
    found = re.match(r"\s*(\d+)\.(\d+)(?:\.(\d+))?", about_version)
    if not found:
        return None
    return int(found[1]), int(found[2]), int(found[3] or 0)


def label(version: VcenterVersion) -> str:
    """(7, 0, 3) -> "7.0 U3"; (8, 0, 0) -> "8.0 GA"."""
    major, minor, update = version
    return f"{major}.{minor} " + (f"U{update}" if update else "GA")


def releases_supporting(vcenter: VcenterVersion) -> list[str]:
    return [vio for vio, support in TABLE.items() if support.covers(vcenter)]
