"""Contract of the Policy API calls terraform-provider-nsxt v3.11.0 makes for the program's lookups and
resources (components/nsx_edge.py): status codes, bodies, server-filled fields and revision rules."""

from __future__ import annotations

from typing import Any

import pytest

from sim.nsx import NsxSimulator
from sim.nsx.seed import EDGE_CLUSTERS, TRANSPORT_ZONES
from tests.nsx import provider_calls as pc
from tests.nsx.conftest import Api

T0 = "vio-t0"
T0_PATH = f"{pc.INFRA}/tier-0s/{T0}"
LS_PATH = f"{T0_PATH}/locale-services/default"


def _edge_cluster(api: Api) -> dict[str, Any]:
    return api.ok("GET", pc.by_name("PolicyEdgeCluster", "nfv-edge-cl01"))["results"][0]


def _tz(api: Api, tz_type: str) -> dict[str, Any]:
    zones = api.ok("GET", f"/policy/api/v1{TRANSPORT_ZONES}")["results"]
    return next(z for z in zones if z["tz_type"] == tz_type)


def _edge_node(api: Api, cluster_path: str, index: int) -> dict[str, Any]:
    # data_source_nsxt_policy_edge_node.go (NSX >= 3.2.0): empty display name, parent_path and member_index.
    query = (f"resource_type:PolicyEdgeNode AND display_name:* AND marked_for_delete:false AND "
             f"parent_path:{cluster_path.replace('/', chr(92) + '/')} AND member_index:{index} AND path:\\/infra*")
    results = api.ok("GET", pc.search(query))["results"]
    assert len(results) == 1
    return results[0]


def _tier0(api: Api) -> dict[str, Any]:
    api.ok("PATCH", f"{pc.INFRA}?enforce_revision_check=false", pc.tier0_infra(T0, _edge_cluster(api)["path"]))
    return api.ok("GET", T0_PATH)


def _segment(api: Api, sid: str = "seg-a") -> str:
    api.ok("PATCH", pc.INFRA, pc.segment_infra(sid, f"{T0}-uplink-a", _tz(api, "VLAN_BACKED")["path"], 2101))
    return f"/infra/segments/{sid}"


def _interface(api: Api, iid: str = "if-a0") -> str:
    segment = _segment(api)
    node = _edge_node(api, _edge_cluster(api)["path"], 0)
    api.ok("PATCH", f"{LS_PATH}/interfaces/{iid}", pc.interface(segment, node["path"], "10.120.1.5"))
    return f"{LS_PATH}/interfaces/{iid}".removeprefix("/policy/api/v1")


def test_transport_zones_list_under_the_default_enforcement_point_with_their_type(api: Api) -> None:
    page = api.ok("GET", f"/policy/api/v1{TRANSPORT_ZONES}?include_mark_for_delete_objects=false")
    assert page["result_count"] == 2 and "cursor" not in page
    assert {(z["display_name"], z["tz_type"]) for z in page["results"]} == {
        ("nfv-overlay-tz", "OVERLAY_STANDARD"), ("nfv-vlan-tz", "VLAN_BACKED")}


def test_search_finds_the_edge_cluster_by_escaped_name_prefix(api: Api) -> None:
    page = api.ok("GET", pc.by_name("PolicyEdgeCluster", "nfv-edge"))
    assert [c["display_name"] for c in page["results"]] == ["nfv-edge-cl01"]
    assert page["results"][0]["path"].startswith(EDGE_CLUSTERS)
    assert api.ok("GET", pc.by_name("PolicyEdgeCluster", "other"))["result_count"] == 0


def test_search_finds_each_edge_node_by_parent_path_and_member_index(api: Api) -> None:
    cluster = _edge_cluster(api)
    nodes = [_edge_node(api, cluster["path"], i) for i in (0, 1)]
    assert [n["member_index"] for n in nodes] == [0, 1]
    assert all(n["parent_path"] == cluster["path"] for n in nodes)


def test_search_pages_with_a_cursor_until_result_count(api: Api) -> None:
    query = "resource_type:PolicyEdgeNode AND marked_for_delete:false"
    first = api.ok("GET", pc.search(query) + "&page_size=1")
    assert first["result_count"] == 2 and len(first["results"]) == 1 and first["cursor"]
    second = api.ok("GET", pc.search(query) + f"&page_size=1&cursor={first['cursor']}")
    assert "cursor" not in second and second["results"][0]["id"] != first["results"][0]["id"]


def test_search_refuses_syntax_the_simulator_does_not_model(api: Api) -> None:
    status, body = api.call("GET", pc.search("resource_type:Tier0 OR resource_type:Tier1"))
    assert status == 400 and "field:value" in body["error_message"]


def test_get_of_a_planned_id_that_does_not_exist_is_404(api: Api) -> None:
    # policy_utils.go getOrGenerateID: with nsx_id set the provider GETs first and needs a NotFound.
    status, body = api.call("GET", T0_PATH)
    assert status == 404 and body["httpStatus"] == "NOT_FOUND" and "/infra/tier-0s/vio-t0" in body["error_message"]


def test_hierarchical_patch_creates_the_tier0_its_locale_service_and_bgp(api: Api) -> None:
    t0 = _tier0(api)
    assert (t0["id"], t0["path"], t0["parent_path"], t0["relative_path"]) == (T0, "/infra/tier-0s/vio-t0", "/infra", T0)
    assert t0["resource_type"] == "Tier0" and t0["_revision"] == 0 and t0["marked_for_delete"] is False
    assert t0["disable_firewall"] is False  # read through a pointer by resourceNsxtPolicyTier0GatewayRead
    assert t0["_create_time"] > 0 and "children" not in t0
    locales = api.ok("GET", f"{T0_PATH}/locale-services?include_mark_for_delete_objects=false")
    assert [ls["id"] for ls in locales["results"]] == ["default"]
    assert locales["results"][0]["edge_cluster_path"] == _edge_cluster(api)["path"]
    bgp = api.ok("GET", f"{LS_PATH}/bgp")
    assert bgp["path"] == "/infra/tier-0s/vio-t0/locale-services/default/bgp" and bgp["local_as_num"] == "65010"
    assert bgp["graceful_restart_config"]["timer"]["restart_timer"] == 180


def test_hierarchical_update_with_a_stale_revision_is_412_and_applies_nothing(api: Api) -> None:
    edge = _edge_cluster(api)["path"]
    _tier0(api)
    stale = pc.tier0_infra(T0, edge, revision=5, local_as="65099")
    status, body = api.call("PATCH", f"{pc.INFRA}?enforce_revision_check=true", stale)
    assert status == 412 and body["error_code"] == 604
    assert api.ok("GET", f"{LS_PATH}/bgp")["local_as_num"] == "65010"
    fresh = pc.tier0_infra(T0, edge, revision=0, local_as="65099", locale_revision=0)
    api.ok("PATCH", f"{pc.INFRA}?enforce_revision_check=true", fresh)
    assert api.ok("GET", T0_PATH)["_revision"] == 1
    assert api.ok("GET", f"{LS_PATH}/bgp")["local_as_num"] == "65099"


def test_tier0_interface_patch_needs_its_locale_service(api: Api) -> None:
    status, body = api.call("PATCH", f"{LS_PATH}/interfaces/if-a0", pc.interface("/infra/segments/x", "/e", "10.0.0.1"))
    assert status == 404 and "does not exist" in body["error_message"]
    _tier0(api)
    path = _interface(api)
    read = api.ok("GET", f"/policy/api/v1{path}")
    assert read["resource_type"] == "Tier0Interface" and read["parent_path"] == LS_PATH.removeprefix("/policy/api/v1")


def test_redistribution_is_a_partial_patch_and_its_delete_a_put_with_the_read_revision(api: Api) -> None:
    _tier0(api)
    # resource_nsxt_policy_gateway_redistribution_config.go policyGatewayRedistributionConfigPatch.
    rule = {"name": "vio-tenant-networks", "route_redistribution_types": ["TIER1_CONNECTED", "TIER1_NAT"]}
    api.ok("PATCH", LS_PATH, {"id": "default", "resource_type": "LocaleServices",
                              "route_redistribution_config": {"bgp_enabled": True, "redistribution_rules": [rule]}})
    ls = api.ok("GET", LS_PATH)
    assert ls["edge_cluster_path"] and ls["route_redistribution_config"]["redistribution_rules"] == [rule]
    # Delete: Get, clear, Update (PUT) with the revision just read.
    cleared = {**ls, "route_redistribution_config": None}
    assert api.call("PUT", LS_PATH, {**cleared, "_revision": ls["_revision"] - 1})[0] == 412
    put = api.ok("PUT", LS_PATH, cleared)
    assert put["_revision"] == ls["_revision"] + 1 and put["route_redistribution_config"] is None


def test_ha_vip_config_lives_on_the_locale_service(api: Api) -> None:
    _tier0(api)
    iface = _interface(api)
    vip = {"enabled": True, "external_interface_paths": [iface], "vip_subnets": [{"ip_addresses": ["10.120.1.4"], "prefix_len": 28}]}
    api.ok("PATCH", LS_PATH, {"id": "default", "resource_type": "LocaleServices", "ha_vip_configs": [vip]})
    assert api.ok("GET", LS_PATH)["ha_vip_configs"] == [vip]
    # An interface the HA VIP points at cannot go first.
    status, body = api.call("DELETE", f"/policy/api/v1{iface}")
    assert status == 400 and "LocaleServices" in body["error_message"] and "still refers" in body["error_message"]


def test_bgp_neighbor_patch_get_hides_the_password_and_delete(api: Api) -> None:
    _tier0(api)
    path = f"{LS_PATH}/bgp/neighbors/tor-a"
    api.ok("PATCH", path, {"resource_type": "BgpNeighborConfig", "display_name": "tor-a", "neighbor_address": "10.120.1.1",
                           "remote_as_num": "65001", "password": "bgp-secret", "bfd": {"enabled": True}})
    read = api.ok("GET", path)
    assert "password" not in read and read["hold_down_time"] == 180 and read["bfd"] == {"enabled": True}
    assert read["parent_path"] == "/infra/tier-0s/vio-t0/locale-services/default/bgp"
    assert api.call("DELETE", path)[0] == 200
    assert api.call("GET", path)[0] == 404


def test_bgp_neighbor_without_bfd_reads_back_without_bfd(api: Api) -> None:
    # resource_nsxt_policy_bgp_neighbor.go Read sets bfd_config only when the Manager returns `bfd`: a
    # default filled in here would be a permanent diff for every neighbor without BFD.
    _tier0(api)
    path = f"{LS_PATH}/bgp/neighbors/tor-b"
    api.ok("PATCH", path, {"neighbor_address": "10.120.2.1", "remote_as_num": "65001"})
    assert "bfd" not in api.ok("GET", path)


def test_vlan_segment_create_read_and_delete_by_marked_for_delete(api: Api) -> None:
    segment = _segment(api)
    read = api.ok("GET", f"/policy/api/v1{segment}")
    assert read["vlan_ids"] == ["2101"] and read["resource_type"] == "Segment"
    # nsxtPolicySegmentDelete waits for the ports list to be empty, the read lists the profile bindings.
    assert api.ok("GET", f"/policy/api/v1{segment}/ports")["result_count"] == 0
    assert api.ok("GET", f"/policy/api/v1{segment}/segment-discovery-profile-binding-maps")["results"] == []
    api.ok("PATCH", pc.INFRA, pc.delete_child("Segment", "seg-a"))
    assert api.call("GET", f"/policy/api/v1{segment}")[0] == 404


def test_segment_under_a_tier0_interface_cannot_be_deleted(api: Api) -> None:
    _tier0(api)
    _interface(api)
    status, body = api.call("PATCH", pc.INFRA, pc.delete_child("Segment", "seg-a"))
    assert status == 400 and "Tier0Interface" in body["error_message"]
    assert api.call("GET", "/policy/api/v1/infra/segments/seg-a")[0] == 200


def test_tier0_with_interfaces_or_linked_tier1s_is_not_deleted(api: Api) -> None:
    _tier0(api)
    iface = _interface(api)
    status, body = api.call("PATCH", pc.INFRA, pc.delete_child("Tier0", T0))
    assert status == 400 and "interfaces" in body["error_message"]
    api.ok("DELETE", f"/policy/api/v1{iface}")
    api.ok("PATCH", f"{pc.INFRA}/tier-1s/t1", {"tier0_path": "/infra/tier-0s/vio-t0"})
    status, body = api.call("PATCH", pc.INFRA, pc.delete_child("Tier0", T0))
    assert status == 400 and "/infra/tier-1s/t1" in body["error_message"]
    api.ok("DELETE", f"{pc.INFRA}/tier-1s/t1")
    api.ok("PATCH", pc.INFRA, pc.delete_child("Tier0", T0))
    assert api.call("GET", T0_PATH)[0] == 404
    assert api.call("GET", f"{LS_PATH}/bgp")[0] == 404  # the subtree went with it


def test_dhcp_server_config_patch_get_delete(api: Api) -> None:
    path = f"{pc.INFRA}/dhcp-server-configs/{T0}-dhcp"
    api.ok("PATCH", path, {"resource_type": "DhcpServerConfig", "display_name": f"{T0}-dhcp",
                           "edge_cluster_path": _edge_cluster(api)["path"], "lease_time": 86400})
    assert api.ok("GET", path)["lease_time"] == 86400
    assert api.call("DELETE", path)[0] == 200
    assert api.call("GET", path)[0] == 404


def test_metadata_proxy_update_is_a_put_checked_against_the_revision_and_hides_the_secret(api: Api) -> None:
    path = f"{pc.INFRA}/metadata-proxies/vio-md-proxy"
    body = {"resource_type": "MetadataProxyConfig", "display_name": "vio-md-proxy", "secret": "md-secret",
            "server_address": "http://10.110.10.10:8775", "edge_cluster_path": _edge_cluster(api)["path"]}
    api.ok("PATCH", path, body)
    read = api.ok("GET", path)
    assert "secret" not in read and read["_revision"] == 0
    status, answer = api.call("PUT", path, {**body, "_revision": 3})
    assert status == 412 and answer["httpStatus"] == "PRECONDITION_FAILED"
    updated = api.ok("PUT", path, {**body, "server_address": "http://10.110.10.11:8775", "_revision": 0})
    assert updated["_revision"] == 1 and updated["server_address"].endswith(":8775")
    assert api.call("DELETE", path)[0] == 200


def test_put_after_get_keeps_the_write_only_secret(sim: NsxSimulator, api: Api) -> None:
    path = f"{pc.INFRA}/metadata-proxies/p"
    api.ok("PATCH", path, {"secret": "md-secret", "server_address": "http://a:1"})
    read = api.ok("GET", path)
    api.ok("PUT", path, read)
    assert sim.tree.objects["/infra/metadata-proxies/p"]["secret"] == "md-secret"


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_body_whose_resource_type_does_not_belong_at_the_path_is_400(api: Api, method: str) -> None:
    status, body = api.call(method, f"{pc.INFRA}/segments/s", {"resource_type": "Tier0"})
    assert status == 400 and "resource_type" in body["error_message"]


def test_unknown_policy_paths_are_404(api: Api) -> None:
    assert api.call("GET", f"{pc.INFRA}/no-such-things/x")[0] == 404
