"""The two vCenter Servers: the management pod's and the Edge/Resource pod's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.config.types import DVS_MOID_PATTERN, Host, Label, Name, Port, Section


class VcenterEndpoint(Section):
    """How to reach a vCenter Server. The password is the secret `<prefix>Password` key."""

    server: Host = Field(description="FQDN or IP of the vCenter Server.")
    username: Name = Field(description="SSO user, e.g. svc-vio@vsphere.local.")
    port: Port = Field(default=443, description="HTTPS port of the vCenter API.")
    allow_unverified_ssl: bool = Field(
        default=False,
        description="Skip TLS verification. Off by default: only for labs with self-signed certificates.",
    )
    datacenter: Name = Field(description="Datacenter that holds the pod.")
    datastore: Name = Field(description="Datastore for the pod's VMs.")


class ManagementVcenter(VcenterEndpoint):
    """The management pod's vCenter: the VIO Manager and the controllers it creates run here."""

    cluster: Name = Field(description="Management cluster (DRS enabled: VIO places its controllers).")
    distributed_switch: Name = Field(description="Distributed switch carrying the management network.")


class ResourceVcenter(VcenterEndpoint):
    """The Edge/Resource pod's vCenter: compute and storage for tenants, associated with NSX-T."""

    compute_clusters: list[Label] = Field(
        min_length=1,
        description="Clusters for tenant workloads; each becomes a compute cluster of the VIO deployment.",
    )
    dvs_moid: Annotated[str, Field(pattern=DVS_MOID_PATTERN)] | None = Field(
        default=None,
        description="Only for enhanced networking (SR-IOV): the managed object id (dvs-NN) of the compute "
        "clusters' distributed switch, sent as every compute cluster's optional `dvs_moid`. Unset: not sent.",
    )
    availability_zone: Label = Field(
        default="nova", description="Nova availability zone of the compute clusters (and the default zone)."
    )
    edge_cluster: Label | None = Field(
        default=None,
        description="three-pod only: the separate cluster for NSX edge nodes. In two-pod the edge "
        "nodes share the compute clusters (collapsed Edge/Resource pod).",
    )
