"""VIO 7.x Public API as Pulumi dynamic resources: vCenter registrations, the NSX backend, the deployment.

INTERFACE SCAFFOLD (coordination commit): the constructors below are the contract the plane builds on;
the provider implementation (check/diff/create/read/update/delete over HTTP) lands in the next commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic as dynamic


@dataclass(frozen=True)
class VioEndpoint:
    """How the provider reaches the VIO Manager's Public API.

    `host` is the Manager's address (its static IP from the plan, or its FQDN); `password` is the Manager's
    admin password and must be a secret Output. TLS is verified unless `insecure`; `ca_bundle` is the PEM
    text of the CA that signed the Manager's certificate. `timeout` bounds every HTTP call (seconds).
    """

    host: pulumi.Input[str]
    username: str
    password: pulumi.Input[str]
    port: int = 443
    insecure: bool = False
    ca_bundle: str | None = None
    timeout: float = 30.0

    def props(self) -> dict[str, Any]:
        return {
            "api_host": self.host,
            "api_port": self.port,
            "api_username": self.username,
            "api_password": pulumi.Output.secret(self.password),
            "insecure": self.insecure,
            "ca_bundle": self.ca_bundle,
            "timeout": self.timeout,
        }


class _Provider(dynamic.ResourceProvider):
    kind = ""


class _VcenterProvider(_Provider):
    kind = "vcenter"


class _NsxProvider(_Provider):
    kind = "nsx"


class _DeploymentProvider(_Provider):
    kind = "cluster"


class VcenterRegistration(dynamic.Resource, module="vio", name="VcenterRegistration"):
    """A vCenter registered with the VIO Manager (data structure `vcenter`). `body.password` plaintext,
    secret; the provider base64-encodes it as the API requires."""

    body: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(_VcenterProvider(), name, {**endpoint.props(), "body": dict(body)}, opts)


class NsxBackend(dynamic.Resource, module="vio", name="NsxBackend"):
    """The NSX Manager registered with the VIO Manager (data structure `nsx_backend`, backend `nsxp`)."""

    body: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(_NsxProvider(), name, {**endpoint.props(), "body": dict(body)}, opts)


class OpenStackDeployment(dynamic.Resource, module="vio", name="OpenStackDeployment"):
    """The OpenStack deployment the Manager builds (data structure `cluster`).

    `controllers` is scaled through the scale-service operation (an update, never a replacement).
    `min_ready_replicas` (2 in HA) is what every service must reach after create and on refresh.
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
        min_ready_replicas: int = 1,
        deploy_timeout: float = 7200.0,
        poll_interval: float = 10.0,
        delete_on_destroy: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **endpoint.props(),
            "body": dict(body),
            "controllers": controllers,
            "min_ready_replicas": min_ready_replicas,
            "deploy_timeout": deploy_timeout,
            "poll_interval": poll_interval,
            "delete_on_destroy": delete_on_destroy,
            "status": None,
            "endpoints": None,
            "nodes": None,
            "services": None,
        }
        super().__init__(_DeploymentProvider(), name, props, opts)
