"""How each field of the deployment body (`cluster`) changes on a running deployment, and why.

Three ways, from VIO's documentation:
- `api`: applied in place through the Public API. The credentials the body embeds rotate through the NSX
  registration (PUT .../7.0/api/v2/nsxs/name/put) or are recorded (the OpenStack admin password is
  Keystone's, changed there); service replicas are the `replicas` input (the scale operation,
  .../7.0/api/v2/openstack/name/scal/put), not a body field.
- `procedure`: changed on the running deployment by VIO's own day-2 procedure. The 7.0 Public API has no
  update of a cluster (operation index .../latest/operation-index/: cluster create, get, delete only), so
  there is no documented, automatable call to drive: the provider never replaces for these fields; `up`
  reads the deployment (GET .../7.0/api/v2/clusters/name/get) and records the change when the Manager
  already reflects it, or fails naming the procedure to run first.
- `redeploy`: a different deployment (its name, HA mode, networks, VIPs, placement, Neutron backend):
  a replacement, which the deployment's protection and the `vio-rebuild-intended` policy stop unless the
  stack says the rebuild is intended (`vio.rebuildIntended`).

Procedure names are the topics of VMware's "VMware Integrated OpenStack Administration Guide" (7.x). That
guide is not among the references stored for this project (searched: docs and pages corpora, queries
"VMware Integrated OpenStack 7 add compute cluster viocli", "... Manage nova compute"); VIO 3.1's
architecture page (docs.vmware.com/en/VMware-Integrated-OpenStack/3.1/com.vmware.openstack.install.doc/
GUID-B1518C67-1AB5-42B1-8EDF-4F0D47C9B19A.html) confirms a deployment has several compute clusters, each
with its own compute driver. Verify the topic against the guide of your VIO release before relying on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

How = Literal["api", "procedure", "redeploy"]

_ADMIN_GUIDE = "VMware Integrated OpenStack Administration Guide 7.x"
_STRUCTURE = "developer.broadcom.com/xapis/vmware-integrated-openstack-api/latest/data-structures/"


@dataclass(frozen=True)
class BodyField:
    """`path` in the `cluster` body (`[]`: any list index); how a change is applied; `procedure` is the
    API operation (api), VIO's procedure (procedure) or why it is another deployment (redeploy)."""

    path: str
    how: How
    procedure: str
    source: str


BODY_FIELDS: tuple[BodyField, ...] = (
    BodyField("name", "redeploy", "the deployment's identity (keys GET/DELETE /api/v2/clusters/{name})",
              _STRUCTURE + "cluster"),
    BodyField("ha_enabled", "redeploy", "HA or compact is chosen when VIO deploys; no conversion is documented",
              _STRUCTURE + "cluster"),
    BodyField("ip_access_enabled", "redeploy", "API access network layout, chosen at deployment",
              _STRUCTURE + "cluster"),
    BodyField("endpoints", "redeploy", "the VIPs and public hostname the controllers and certificates are "
              "built on", _STRUCTURE + "cluster"),
    BodyField("management_cluster", "redeploy", "where VIO placed its controllers", _STRUCTURE + "cluster"),
    BodyField("networks[].dns", "procedure", f"{_ADMIN_GUIDE}: change the DNS servers of the deployment "
              "(`viocli update` of the deployment's network settings)", _STRUCTURE + "cluster"),
    BodyField("networks", "redeploy", "the management and API networks, ranges and gateways of the "
              "controllers", _STRUCTURE + "cluster"),
    BodyField("openstack_info.compute.compute_clusters", "procedure",
              f"{_ADMIN_GUIDE}: 'Add Compute Clusters to Your Deployment' / 'Remove Compute Clusters' "
              "(vSphere Client > VMware Integrated OpenStack > OpenStack Deployment > Nova Compute)",
              _STRUCTURE + "compute_cluster"),
    BodyField("openstack_info.compute", "procedure",
              f"{_ADMIN_GUIDE}: Nova settings (`viocli update nova`)", _STRUCTURE + "compute"),
    BodyField("openstack_info.identity.admin_password", "api",
              "recorded: the admin password is Keystone's (change it there; nothing to send)",
              _STRUCTURE + "identity"),
    BodyField("openstack_info.identity.ldap_backends", "procedure",
              f"{_ADMIN_GUIDE}: 'Configure LDAP Authentication' (identity sources)", _STRUCTURE + "identity"),
    BodyField("openstack_info.identity.token_expiration_time", "procedure",
              f"{_ADMIN_GUIDE}: Keystone settings (`viocli update keystone`)", _STRUCTURE + "identity"),
    BodyField("openstack_info.identity", "redeploy", "the admin domain and user VIO bootstraps Keystone with",
              _STRUCTURE + "identity"),
    BodyField("openstack_info.neutron.neutron_backend", "redeploy", "the Neutron plugin chosen at deployment",
              _STRUCTURE + "neutron"),
    BodyField("openstack_info.neutron.nsx.nsx_api_password", "api",
              "PUT /api/v2/nsxs/{name} (the NsxBackend resource)", _STRUCTURE + "nsx_backend"),
    BodyField("openstack_info.neutron.nsx.metadata_proxy_shared_secret", "api",
              "PUT /api/v2/nsxs/{name} (the NsxBackend resource)", _STRUCTURE + "nsx_backend"),
    BodyField("openstack_info.neutron.nsx.nsx_api_user", "api",
              "PUT /api/v2/nsxs/{name} (the NsxBackend resource)", _STRUCTURE + "nsx_backend"),
    BodyField("openstack_info.neutron.nsx.insecure", "api",
              "PUT /api/v2/nsxs/{name} (the NsxBackend resource)", _STRUCTURE + "nsx_backend"),
    BodyField("openstack_info.neutron.nsx.nsx_api_managers", "redeploy", "another NSX Manager is another "
              "NSX: every Neutron object lives in the old one", _STRUCTURE + "nsx_backend"),
    BodyField("openstack_info.neutron", "procedure",
              f"{_ADMIN_GUIDE}: Neutron/NSX settings (`viocli update neutron`): transport zones, Tier-0, "
              "DHCP profile, metadata proxy", _STRUCTURE + "nsx_backend"),
    BodyField("log_insight", "procedure", f"{_ADMIN_GUIDE}: syslog / vRealize Log Insight settings",
              _STRUCTURE + "cluster"),
)


def under(path: str, rule: str) -> bool:
    """`path` (list indices as `[N]`) is `rule` or below it (`[]` in a rule: any index)."""
    if "[]" in rule:
        path = re.sub(r"\[\d+\]", "[]", path)
    return rule == "*" or path == rule or path.startswith((f"{rule}.", f"{rule}["))


def classify(path: str) -> BodyField:
    """The most specific entry of BODY_FIELDS covering `path`; a field outside the table is a redeploy
    (the safe answer for anything VIO's documentation does not say can change in place)."""
    matches = [f for f in BODY_FIELDS if under(path, f.path)]
    if not matches:
        return BodyField(path, "redeploy", "not classified: treated as another deployment", _STRUCTURE + "cluster")
    return max(matches, key=lambda f: len(f.path))


def paths(how: How) -> tuple[str, ...]:
    return tuple(f.path for f in BODY_FIELDS if f.how == how)
