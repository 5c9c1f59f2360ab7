"""The inventory an NSX Manager has before the program runs, shaped from a stack's settings: the site and
enforcement point `default`, the overlay and VLAN transport zones and the edge cluster the stack names,
that cluster's edge nodes (member indexes 0..n-1), and the NSX version the stack declares.

Paths and fields are the ones the provider's lookups read: transport zones listed under
/infra/sites/default/enforcement-points/default/transport-zones and matched on display_name and `tz_type`
(data_source_nsxt_policy_transport_zone.go, local manager branch), the edge cluster and its nodes found by
search on resource_type PolicyEdgeCluster / PolicyEdgeNode, display_name, parent_path and member_index
(data_source_nsxt_policy_edge_cluster.go, data_source_nsxt_policy_edge_node.go for NSX >= 3.2.0).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import trustme

from components import settings as config
from offline import stack_file
from sim.nsx.server import DEFAULT_VERSION, NsxSimulator

SITE = "/infra/sites/default"
ENFORCEMENT_POINT = f"{SITE}/enforcement-points/default"
TRANSPORT_ZONES = f"{ENFORCEMENT_POINT}/transport-zones"
EDGE_CLUSTERS = f"{ENFORCEMENT_POINT}/edge-clusters"


def settings_from_stack(path: Path) -> config.Settings:
    """The validated settings of a stack file, its credentials left out (the simulator needs none)."""
    raw = stack_file.namespace(stack_file.read(path))
    return config.parse({k: v for k, v in raw.items() if k not in config.CREDENTIAL_KEYS})


def _uuid(name: str) -> str:
    # Stable per name: a restarted simulator answers the same ids, as a real Manager would.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"nsx-sim:{name}"))


def transport_zone(sim: NsxSimulator, display_name: str, tz_type: str, *, is_default: bool = False) -> str:
    tz_id = _uuid(f"tz:{display_name}")
    path = f"{TRANSPORT_ZONES}/{tz_id}"
    sim.tree.patch(path, {"display_name": display_name, "tz_type": tz_type, "is_default": is_default,
                          "realization_id": tz_id, "nsx_id": tz_id})
    return path


def edge_cluster(sim: NsxSimulator, display_name: str, members: int) -> str:
    ec_id = _uuid(f"edge-cluster:{display_name}")
    path = f"{EDGE_CLUSTERS}/{ec_id}"
    sim.tree.patch(path, {"display_name": display_name, "nsx_id": ec_id, "realization_id": ec_id,
                          "deployment_type": "VIRTUAL_MACHINE", "member_node_type": "EDGE_NODE"})
    for index in range(members):
        node_id = _uuid(f"edge-node:{display_name}:{index}")
        sim.tree.patch(f"{path}/edge-nodes/{node_id}", {
            "display_name": f"{display_name}-en{index:02d}", "member_index": index, "nsx_id": node_id,
            "realization_id": node_id,
        })
    return path


def seed(sim: NsxSimulator, settings: config.Settings, *, edge_nodes: int | None = None) -> dict[str, Any]:
    """Fill `sim` with what `settings` expects to find. `edge_nodes` (default: one more than the highest
    member index the Tier-0 uses, so every planned index exists) shapes the edge cluster. Returns the
    seeded paths by role."""
    nsx = settings.nsx
    with sim.lock:
        sim.version = nsx.version or DEFAULT_VERSION
        sim.tree.patch(SITE, {"display_name": "default"})
        sim.tree.patch(ENFORCEMENT_POINT, {"display_name": "default"})
        members = edge_nodes if edge_nodes is not None else max(nsx.tier0.edge_nodes) + 1
        return {
            "overlay": transport_zone(sim, nsx.overlay_transport_zone, "OVERLAY_STANDARD", is_default=True),
            "vlan": transport_zone(sim, nsx.vlan_transport_zone, "VLAN_BACKED"),
            "edge_cluster": edge_cluster(sim, nsx.edge_cluster, members),
        }


def for_settings(settings: config.Settings, *, ca: trustme.CA | None = None, password: str | None = None,
                 host: str = "127.0.0.1", port: int = 0, edge_nodes: int | None = None) -> NsxSimulator:
    """The sim/system.py entry point: a simulator seeded with what `settings` expects to find, not started.
    `host`/`port` default to a free loopback port (a simulated datacenter passes the stack's)."""
    sim = NsxSimulator(user=settings.nsx.username, ca=ca, host=host, port=port,
                       **({"password": password} if password else {}))
    seed(sim, settings, edge_nodes=edge_nodes)
    return sim


def for_stack(path: Path, **kwargs: Any) -> NsxSimulator:
    """A started simulator seeded from the stack file at `path`; stop it with `.stop()`."""
    return for_settings(settings_from_stack(path), **kwargs).start()
