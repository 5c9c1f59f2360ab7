"""The VIO plane and the pod layout: controller counts per topology, the Manager's source, edge clusters."""

from __future__ import annotations

from components import ipplan
from components.config.problems import Problem, duplicates
from components.config.vcenters import ResourceVcenter
from components.config.vio import HA_MIN_SERVICE_REPLICAS, Vio
from components.vio_schema import SCALABLE_SERVICES

#: What this module checks, by config key (docs/configuration.md lists it under each key).
CHECKS: dict[str, str] = {
    "vio.controllers": "ha: 3 to 10; compact: exactly 1",
    "vio.services": "services VIO's scale operation accepts; ha: 2 replicas or more; compact: 1",
    "vio.manager.ova": "required with source ova, refused with source template",
    "vio.manager.template": "required with source template, refused with source ova",
    "resourceVcenter.computeClusters": "no cluster listed twice",
    "resourceVcenter.edgeCluster": "required with podLayout three-pod, refused with two-pod, not a compute cluster",
}


def vio_problems(vio: Vio, topology: str) -> list[Problem]:
    out: list[Problem] = []
    if vio.controllers is not None:
        try:
            ipplan.controller_count(topology, vio.controllers)
        except ValueError as exc:
            fix = "remove it (default 3) or set 3 to 10" if topology == "ha" else "remove it or set 1"
            out.append(Problem("vio.controllers", f"{exc}; {fix}"))
    for service, count in vio.services.items():
        if service not in SCALABLE_SERVICES:
            out.append(Problem(f"vio.services.{service}", f"is not a service VIO scales; use one of "
                               f"{', '.join(SCALABLE_SERVICES)}"))
        elif topology == "ha" and count < HA_MIN_SERVICE_REPLICAS:
            out.append(Problem(f"vio.services.{service}", f"{count} replica(s): an HA deployment keeps every "
                               f"service at {HA_MIN_SERVICE_REPLICAS} ready replicas or more; set "
                               f"{HA_MIN_SERVICE_REPLICAS} or more"))
        elif topology == "compact" and count != 1:
            out.append(Problem(f"vio.services.{service}", f"{count} replicas: a compact deployment has one "
                               "controller and runs each service once; remove it or set 1"))
    manager = vio.manager
    if manager.source == "ova" and manager.ova is None:
        out.append(Problem("vio.manager.ova", "is required with source 'ova' (URL or path of the VIO OVA)"))
    if manager.source == "template" and manager.template is None:
        out.append(Problem("vio.manager.template", "is required with source 'template' (a VM template name)"))
    if manager.source == "ova" and manager.template is not None:
        out.append(Problem("vio.manager.template", f"{manager.template!r} is only used with source 'template'"))
    if manager.source == "template" and manager.ova is not None:
        out.append(Problem("vio.manager.ova", f"{manager.ova!r} is only used with source 'ova'"))
    return out


def layout_problems(layout: str, resource: ResourceVcenter) -> list[Problem]:
    out = [
        Problem(f"resourceVcenter.computeClusters[{i}]", f"cluster {dup!r} is listed twice")
        for i, dup in duplicates(resource.compute_clusters)
    ]
    if layout == "three-pod" and resource.edge_cluster is None:
        out.append(Problem("resourceVcenter.edgeCluster", "is required with podLayout 'three-pod'"))
    if layout == "two-pod" and resource.edge_cluster is not None:
        out.append(
            Problem(
                "resourceVcenter.edgeCluster",
                f"{resource.edge_cluster!r} is only used with podLayout 'three-pod'; remove it or "
                "set podLayout: three-pod",
            )
        )
    if resource.edge_cluster is not None and resource.edge_cluster in resource.compute_clusters:
        out.append(
            Problem("resourceVcenter.edgeCluster", f"{resource.edge_cluster!r} is also a compute cluster")
        )
    return out
