"""The plan diff's first concern: a replacement of the OpenStack deployment or of a VIO registration.

Replacing either rebuilds the cloud every tenant runs on (components/vio_day2.py says which changes do).
`critical` finds them in a PlanDiff and names the stack configuration (`vio-nfv:` keys) behind each
replace-forcing input; tools/plan_diff.py heads its report with `critical_lines`. The policy
`vio-rebuild-intended` (policy/vionfv_policies.py) stops such a preview unless `vio.rebuildIntended`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from components.vio_day2 import under

if TYPE_CHECKING:
    from tools.plan_diff import PlanDiff, ResourceDiff

VCENTER_TYPE = "pulumi-python:dynamic/vio:VcenterRegistration"
NSX_TYPE = "pulumi-python:dynamic/vio:NsxBackend"
DEPLOYMENT_TYPE = "pulumi-python:dynamic/vio:OpenStackDeployment"

#: Resources whose replacement rebuilds VIO: the deployment (every tenant's cloud) and its registrations.
CRITICAL_TYPES = (DEPLOYMENT_TYPE, NSX_TYPE, VCENTER_TYPE)

#: Which stack configuration (`vio-nfv:` keys) feeds each replace-forcing input of those resources, to say
#: what caused a replacement (components/stack_args.py management_plane, components/management_plane.py).
CONFIG_SOURCES: Mapping[str, Mapping[str, str]] = {
    DEPLOYMENT_TYPE: {
        "api_host": "managementNetwork.managerIp",
        "api_port": "vio.api.port",
        "controllers": "vio.controllers (or topology)",
        "body.name": "namePrefix",
        "body.ha_enabled": "topology",
        "body.ip_access_enabled": "(fixed in components/management_plane.py)",
        "body.endpoints.hostname": "openstack.publicHostname",
        "body.endpoints.private_vip": "managementNetwork.privateVip",
        "body.endpoints.public_vip": "apiAccessNetwork.publicVip",
        "body.management_cluster": "managementVcenter.datacenter / managementVcenter.datastore / namePrefix",
        "body.networks[0]": "managementNetwork (portGroup, cidr, gateway, vioRange)",
        "body.networks[1]": "apiAccessNetwork (portGroup, cidr, gateway, vioRange)",
        "body.openstack_info.identity": "openstack.username / openstack.userDomain",
        "body.openstack_info.neutron.neutron_backend": "(fixed: nsxp)",
        "body.openstack_info.neutron.nsx.nsx_api_managers": "nsx.host",
    },
    NSX_TYPE: {
        "api_host": "managementNetwork.managerIp", "api_port": "vio.api.port", "nsx_name": "namePrefix",
        "nsx_kind": "(fixed: nsxp)", "body.nsx_api_managers": "nsx.host",
    },
    VCENTER_TYPE: {
        "api_host": "managementNetwork.managerIp", "api_port": "vio.api.port",
        "body.hostname": "managementVcenter.server / resourceVcenter.server",
        "body.name": "managementVcenter.server / resourceVcenter.server", "body.is_management": "(fixed)",
    },
}

REBUILD_KEY = "vio-nfv:vio.rebuildIntended"


@dataclass
class Critical:
    """A replacement (or removal) of the OpenStack deployment or a VIO registration: what changed and which
    configuration keys it came from."""

    resource: ResourceDiff
    causes: list[str]
    config_keys: list[str]


def critical(diff: PlanDiff) -> list[Critical]:
    out = []
    for res in diff.resources:
        if res.type not in CRITICAL_TYPES or res.action not in {"replace", "delete"}:
            continue
        causes = [c.path for c in res.changes if c.replaces and not c.ignored] or [w for w in res.warnings]
        sources = CONFIG_SOURCES.get(res.type, {})
        keys = sorted({f"vio-nfv:{key}" if not key.startswith("(") else key
                       for path in causes for rule, key in sources.items() if under(path, rule)})
        out.append(Critical(res, causes or [res.action], keys))
    return out


def critical_lines(diff: PlanDiff) -> list[str]:
    lines = []
    for c in critical(diff):
        what = "REPLACES" if c.resource.action == "replace" else "DELETES"
        lines.append(f"!!! CRITICAL: {what} {c.resource.type.split(':')[-1]} {c.resource.name} (rebuilds VIO: the "
                     f"cloud every tenant runs on) because of {', '.join(c.causes)}"
                     + (f"; config: {', '.join(c.config_keys)}" if c.config_keys else ""))
    if lines:
        lines.append(f"!!! the policy vio-rebuild-intended fails this preview unless {REBUILD_KEY} is true; "
                     "revert the change, or use the day-2 way (docs/design.md, \"VIO day 2\")")
    return lines
