"""The program's NSX layer (components/nsx_edge.py) as a Terraform JSON configuration for a stack's
settings, so the real terraform-provider-nsxt can be driven against sim/nsx by the Terraform CLI (the
provider is the same binary the Pulumi bridge runs; the engine around it differs).

Mirrors NsxEdge resource by resource: compute manager, transport zone/edge cluster/edge node lookups, one
VLAN segment per uplink, the Tier-0 with BGP, redistribution, one interface per uplink and edge node, the
HA VIP (ACTIVE_STANDBY), BGP neighbors, the DHCP server and the metadata proxy. NsxEdge replaces the
Tier-0's dependents with it (Pulumi delete_before_replace cascade); Terraform spells that
`replace_triggered_by`.
"""

from __future__ import annotations

from typing import Any

from components.nsx_names import dhcp_server_id, metadata_proxy_name, tier0_nsx_id, uplink_segment_name
from components.settings import Settings

T0 = "nsxt_policy_tier0_gateway.t0"


def config(settings: Settings, host: str, password: str, ca_file: str, *, ha_mode: str | None = None,
           extra_neighbors: dict[str, tuple[str, int]] | None = None, metadata_server: str | None = None) -> dict[str, Any]:
    nsx, t0 = settings.nsx, settings.nsx.tier0
    tier0, mode = tier0_nsx_id(settings), ha_mode or t0.ha_mode
    active_standby = mode == "ACTIVE_STANDBY"
    replace_with_t0 = {"replace_triggered_by": [T0]}
    ec = "${data.nsxt_policy_edge_cluster.ec.path}"
    res = settings.resource_vcenter
    resources: dict[str, dict[str, Any]] = {
        "nsxt_compute_manager": {"cm": {
            "display_name": res.server, "server": res.server, "origin_type": "vCenter",
            "credential": [{"username_password_login": [{"username": res.username, "password": "vc-Secret-1",
                                                          "thumbprint": "3B:9D:61:0A"}]}]}},
        "nsxt_policy_vlan_segment": {u.name: {
            "display_name": uplink_segment_name(tier0, u.name), "transport_zone_path": "${data.nsxt_policy_transport_zone.vlan.path}",
            "vlan_ids": [str(u.vlan)]} for u in t0.uplinks},
        "nsxt_policy_tier0_gateway": {"t0": {
            "display_name": tier0, "nsx_id": tier0, "ha_mode": mode, "edge_cluster_path": ec,
            **({"failover_mode": "NON_PREEMPTIVE"} if active_standby else {}),
            "bgp_config": [{"enabled": True, "local_as_num": str(t0.local_as), "ecmp": not active_standby,
                            "inter_sr_ibgp": not active_standby}]}},
        "nsxt_policy_gateway_redistribution_config": {"r": {
            "gateway_path": f"${{{T0}.path}}", "bgp_enabled": True,
            "rule": [{"name": "vio-tenant-networks", "types": ["TIER1_CONNECTED", "TIER1_NAT"]}],
            "lifecycle": [replace_with_t0]}},
        "nsxt_policy_tier0_gateway_interface": {
            f"{u.name}-{i.edge_node}": {
                "display_name": f"{u.name}-edge-{i.edge_node}", "type": "EXTERNAL", "gateway_path": f"${{{T0}.path}}",
                "segment_path": f"${{nsxt_policy_vlan_segment.{u.name}.path}}",
                "edge_node_path": f"${{data.nsxt_policy_edge_node.en{i.edge_node}.path}}",
                "subnets": [f"{i.address}/{u.cidr.prefixlen}"], "lifecycle": [replace_with_t0]}
            for u in t0.uplinks for i in u.interfaces},
        "nsxt_policy_dhcp_server": {"dhcp": {
            "display_name": dhcp_server_id(tier0), "nsx_id": dhcp_server_id(tier0), "edge_cluster_path": ec,
            "lease_time": nsx.dhcp.lease_time}},
        "nsxt_policy_metadata_proxy": {"md": {
            "display_name": metadata_proxy_name(settings), "nsx_id": metadata_proxy_name(settings),
            "edge_cluster_path": ec, "server_address": metadata_server or settings.metadata_proxy_server(), "secret": "md-Secret-1"}},
    }
    if active_standby:
        resources["nsxt_policy_tier0_gateway_ha_vip_config"] = {"vip": {"config": [
            {"enabled": True, "vip_subnets": [f"{u.ha_vip}/{u.cidr.prefixlen}"],
             "external_interface_paths": [f"${{nsxt_policy_tier0_gateway_interface.{u.name}-{i.edge_node}.path}}"
                                          for i in u.interfaces]} for u in t0.uplinks],
            "lifecycle": [replace_with_t0]}}
    neighbors = {n.name: (str(n.address), n.remote_as) for n in t0.neighbors} | (extra_neighbors or {})
    resources["nsxt_policy_bgp_neighbor"] = {name: {
        "display_name": name, "bgp_path": f"${{{T0}.bgp_config.0.path}}", "neighbor_address": address,
        "remote_as_num": str(remote_as), "password": "bgp-Secret-1", "lifecycle": [replace_with_t0],
        "depends_on": [f"nsxt_policy_tier0_gateway_interface.{u.name}-{i.edge_node}" for u in t0.uplinks for i in u.interfaces],
    } for name, (address, remote_as) in sorted(neighbors.items())}
    data: dict[str, dict[str, Any]] = {
        "nsxt_policy_transport_zone": {
            "overlay": {"display_name": nsx.overlay_transport_zone, "transport_type": "OVERLAY_STANDARD"},
            "vlan": {"display_name": nsx.vlan_transport_zone, "transport_type": "VLAN_BACKED"}},
        "nsxt_policy_edge_cluster": {"ec": {"display_name": nsx.edge_cluster}},
        "nsxt_policy_edge_node": {f"en{i}": {"edge_cluster_path": ec, "member_index": i} for i in sorted(set(t0.edge_nodes))},
    }
    return {
        "terraform": {"required_providers": {"nsxt": {"source": "vmware/nsxt"}}},
        "provider": {"nsxt": {"host": host, "username": nsx.username, "password": password, "ca_file": ca_file,
                              "max_retries": 2, "retry_min_delay": 10, "retry_max_delay": 50}},
        "data": data,
        "resource": resources,
        "output": {"tier0_path": {"value": f"${{{T0}.path}}"}},
    }
