"""VIO 7.x Public API as Pulumi dynamic resources: vCenter registrations, the NSX backend, the deployment.

Supported: the VIO 7.x Public API (VMware Integrated OpenStack API 7.0, base path `/api/v2`), documented
at https://developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0 (operations) and
.../latest/data-structures/* (bodies). The pieces:

- components/vio_schema.py: the documented structures (`FIELDS`), `validate_body`, wire encoding, unknowns;
- components/vio_client.py: the HTTPS client (Authorization per the security schema with fallback, the
  Manager's boot, retries) and polling;
- components/vio_provider.py: check/diff/refresh shared by the providers;
- components/vio_registrations.py: `VcenterProvider`, `NsxProvider`;
- components/vio_deployment.py: `DeploymentProvider` (create, status, scale, day-2 verification);
- components/vio_day2.py: how each deployment body field changes (API, VIO procedure, redeploy);
- this module: the resources (`VcenterRegistration`, `NsxBackend`, `OpenStackDeployment`) and `VioEndpoint`.

The provider classes are pickled into the state by reference (module + class name, pulumi-facts.md): the
package is installed into the program's venv (requirements.txt `-e .`) so the provider host imports them
from any working directory. State written before 0.3.0 names `components.vio_api._VcenterProvider`,
`_NsxProvider` and `_DeploymentProvider`: those names stay importable here (aliases), see CHANGELOG.md.

Credentials: bodies carry plaintext as Pulumi secret inputs; the provider base64-encodes the fields the
pages say "should be base64 encoded" on the wire only. Providers keep nothing on themselves; each
operation opens one client from its inputs and drops it. Messages are scrubbed of every credential;
`api_password` and `body` are secret outputs.

Stack configuration: a dynamic resource is served by the default provider of package `pulumi-python`;
the engine denies it when `pulumi:disable-default-providers` is `*`, so a stack using these resources
lists the real packages there (`vsphere`, `nsxt`, `openstack`) instead of `*`.

Not covered: VIO 6.x and older (5.x OMS API has another shape), nsxv/dvs backends beyond validation of
their fields, LDAP backends (passed through unchecked), certificates, upgrades, the Kubernetes custom
resources the Manager also exposes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic as dynamic

from components.vio_client import FIELDS, VioApiError
from components.vio_deployment import (
    HA_CONTROLLERS,
    SCALABLE_SERVICES,
    DeploymentProvider,
    UnderReplicatedError,
)
from components.vio_registrations import NsxProvider, VcenterProvider
from components.vio_schema import validate_body

__all__ = [
    "FIELDS",
    "HA_CONTROLLERS",
    "SCALABLE_SERVICES",
    "DeploymentProvider",
    "NsxBackend",
    "NsxProvider",
    "OpenStackDeployment",
    "UnderReplicatedError",
    "VcenterProvider",
    "VcenterRegistration",
    "VioApiError",
    "VioEndpoint",
    "validate_body",
]

# Names under which state written by vio-nfv-components < 0.3.0 pickled the providers (by reference).
_VcenterProvider = VcenterProvider
_NsxProvider = NsxProvider
_DeploymentProvider = DeploymentProvider

_SECRET_OUTPUTS = ["api_password", "body"]


@dataclass(frozen=True)
class VioEndpoint:
    """How the provider reaches the VIO Manager's Public API.

    `host` is the Manager's address (its static IP from the plan, or its FQDN); `password` is the Manager's
    admin password and must be a secret Output. TLS is verified unless `insecure`; `ca_bundle` is the PEM
    text of the CA that signed the Manager's certificate. `timeout` bounds every HTTP call (seconds).
    `boot_timeout`: how long a create may wait for a freshly deployed Manager's API to come up (its first
    boot configures the appliance for minutes after the VM reports an address).
    """

    host: pulumi.Input[str]
    username: str
    password: pulumi.Input[str]
    port: int = 443
    insecure: bool = False
    ca_bundle: str | None = None
    timeout: float = 30.0
    boot_timeout: float = 1800.0

    def props(self) -> dict[str, Any]:
        return {
            "api_host": self.host,
            "api_port": self.port,
            "api_username": self.username,
            "api_password": pulumi.Output.secret(self.password),
            "insecure": self.insecure,
            "ca_bundle": self.ca_bundle,
            "timeout": self.timeout,
            "boot_timeout": self.boot_timeout,
        }


def _guard(rebuild_intended: bool) -> dict[str, Any]:
    # `pending_replacement` is filled by the provider's check (what would replace the object); the policy
    # `vio-rebuild-intended` fails a preview with any unless `rebuild_intended`.
    return {"rebuild_intended": rebuild_intended, "pending_replacement": None}


# --------------------------------------------------------------------------------------------------------
# Resources (constructor surface is a contract with components/management_plane.py)
# --------------------------------------------------------------------------------------------------------


def _secret_opts(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTPUTS), opts)


class VcenterRegistration(dynamic.Resource, module="vio", name="VcenterRegistration"):
    """A vCenter registered with the VIO Manager (data structure `vcenter`). `body.password` plaintext,
    secret; the provider base64-encodes it as the API requires. Output `registration_name`: the name
    (`body.name`, else `body.hostname`), what `compute_cluster.vcenter_name` refers to."""

    body: pulumi.Output[dict[str, Any]]
    registration_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        rebuild_intended: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            VcenterProvider(), name,
            {**endpoint.props(), "body": dict(body), "registration_name": None, **_guard(rebuild_intended)},
            _secret_opts(opts),
        )


class NsxBackend(dynamic.Resource, module="vio", name="NsxBackend"):
    """The NSX Manager registered with the VIO Manager (data structure `nsx_backend`, backend `nsxp`).

    `body` is the `nsx_backend` the deployment embeds (`openstack_info.neutron.nsx`); the provider
    registers the NSX Manager from it (`nsx`: hostname = `nsx_api_managers`, user, password, `kind`)
    under `nsx_name` (default: the logical name) and checks that the transport zones, Tier-0, DHCP profile
    and metadata proxy it names exist (by id or display name) in the Manager's validation read.
    Output `validation`: {nsx_type, ids: {field: NSX id}, missing: []}.
    """

    body: pulumi.Output[dict[str, Any]]
    validation: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        nsx_name: str | None = None,
        nsx_kind: str = "nsxp",
        waits_for: pulumi.Input[Any] | None = None,
        rebuild_intended: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **endpoint.props(),
            "body": dict(body),
            "nsx_name": nsx_name or name,
            "nsx_kind": nsx_kind,
            "validation": None,
            # Not sent, never diffed: the registration waits for the NSX objects it names (their fixed ids).
            "waits_for": waits_for,
            **_guard(rebuild_intended),
        }
        super().__init__(NsxProvider(), name, props, _secret_opts(opts))


class OpenStackDeployment(dynamic.Resource, module="vio", name="OpenStackDeployment"):
    """The OpenStack deployment the Manager builds (data structure `cluster`).

    `controllers` is fixed at create (a change replaces; see components/vio_deployment.py for VIO's own
    procedure). `replicas` (`{"nova": 3, ...}`, services of the scale operation) is the day-2 scale knob: an
    update scales only the services that changed. `min_ready_replicas` (2 in HA) is what every service
    must keep ready on refresh.
    `deploy_timeout`/`poll_interval` bound the wait for `running`. `delete_on_destroy` false (default):
    a destroy removes the deployment from the state but leaves it running.
    Outputs (from the cluster status): `status`, `endpoints`, `nodes`, `services`.
    """

    body: pulumi.Output[dict[str, Any]]
    status: pulumi.Output[str]
    endpoints: pulumi.Output[dict[str, Any]]
    nodes: pulumi.Output[list[dict[str, Any]]]
    services: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        controllers: int,
        replicas: Mapping[str, int] | None = None,
        min_ready_replicas: int = 1,
        deploy_timeout: float = 7200.0,
        poll_interval: float = 10.0,
        delete_on_destroy: bool = False,
        rebuild_intended: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **endpoint.props(),
            "body": dict(body),
            "controllers": controllers,
            "replicas": dict(replicas or {}),
            "min_ready_replicas": min_ready_replicas,
            "deploy_timeout": deploy_timeout,
            "poll_interval": poll_interval,
            "delete_on_destroy": delete_on_destroy,
            "status": None,
            "endpoints": None,
            "nodes": None,
            "services": None,
            **_guard(rebuild_intended),
        }
        super().__init__(DeploymentProvider(), name, props, _secret_opts(opts))
