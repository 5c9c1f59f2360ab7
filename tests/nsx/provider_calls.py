"""The bodies terraform-provider-nsxt v3.11.0 sends for the program's NSX resources, built as its Go code
builds them (file and function named at each), so tests replay the provider's calls without Go."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from preflight.nsx import escape

INFRA = "/policy/api/v1/infra"


def tier0_infra(tier0_id: str, edge_cluster_path: str, *, revision: int = 0, ha_mode: str = "ACTIVE_STANDBY",
                local_as: str = "65010", locale_revision: int | None = None, bgp_revision: int = 0) -> dict[str, Any]:
    """resource_nsxt_policy_tier0_gateway.go policyTier0GatewayResourceToInfraStruct: ChildTier0 -> Tier0
    (with `_revision` from state) -> ChildLocaleServices (id `default`, initImplicitTier0GatewayLocaleService)
    -> ChildBgpRoutingConfig (initPolicyTier0ChildBgpConfig)."""
    locale: dict[str, Any] = {"id": "default", "resource_type": "LocaleServices", "edge_cluster_path": edge_cluster_path,
                              "children": [{"resource_type": "ChildBgpRoutingConfig", "BgpRoutingConfig": {
                                  "resource_type": "BgpRoutingConfig", "enabled": True, "local_as_num": local_as,
                                  "ecmp": False, "inter_sr_ibgp": False, "_revision": bgp_revision}}]}
    if locale_revision is not None:
        locale["_revision"] = locale_revision
    return {"resource_type": "Infra", "children": [{"resource_type": "ChildTier0", "Tier0": {
        "id": tier0_id, "resource_type": "Tier0", "display_name": tier0_id, "ha_mode": ha_mode,
        "failover_mode": "NON_PREEMPTIVE", "_revision": revision,
        "children": [{"resource_type": "ChildLocaleServices", "marked_for_delete": False, "LocaleServices": locale}],
    }}]}


def delete_child(kind: str, oid: str) -> dict[str, Any]:
    """resourceNsxtPolicyTier0GatewayDelete / nsxtPolicySegmentDelete: the object marked for delete."""
    return {"resource_type": "Infra", "children": [
        {"resource_type": f"Child{kind}", "marked_for_delete": True, kind: {"id": oid, "resource_type": kind}}]}


def segment_infra(segment_id: str, name: str, tz_path: str, vlan: int) -> dict[str, Any]:
    """segment_common.go policySegmentResourceToInfraStruct for nsxt_policy_vlan_segment."""
    return {"resource_type": "Infra", "children": [{"resource_type": "ChildSegment", "Segment": {
        "id": segment_id, "resource_type": "Segment", "display_name": name, "transport_zone_path": tz_path,
        "vlan_ids": [str(vlan)], "_revision": 0}}]}


def interface(segment_path: str, edge_node_path: str, address: str) -> dict[str, Any]:
    """resource_nsxt_policy_tier0_gateway_interface.go Create (locale_services Interfaces Patch)."""
    return {"resource_type": "Tier0Interface", "display_name": "uplink-a-edge-0", "type": "EXTERNAL",
            "segment_path": segment_path, "edge_path": edge_node_path,
            "subnets": [{"ip_addresses": [address], "prefix_len": 28}]}


def search(query: str) -> str:
    return f"/policy/api/v1/search/query?query={quote(query)}"


def by_name(resource_type: str, name: str, extra: str = "") -> str:
    """policy_search.go listPolicyResourcesByNameAndType + searchLMPolicyResources."""
    q = f"resource_type:{resource_type} AND display_name:{escape(name)}* AND marked_for_delete:false"
    return search(q + (f" AND {extra}" if extra else "") + " AND path:\\/infra*")
