"""The Edge/Resource pod: resource vCenter pools, NSX-T Tier-0 with BGP, two-pod vs three-pod, wiring.

Whole-program checks read the session-scoped `prod` (two-pod, ACTIVE_STANDBY), `three_pod` and `dev`
(ACTIVE_ACTIVE, one edge node) evaluations; config rules are checked on the real program too (each
invalid case must fail naming its key and register nothing) and on `settings.parse` with hypothesis.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import settings
from components.edge_resource_pod import EdgeResourcePodArgs, edge_clusters
from offline.evaluate import Evaluation, Registration, evaluate, planted_secret, stack_config

NS = "vio-nfv:"
POD = "vionfv:edge_resource_pod:EdgeResourcePod"
NSX_EDGE = "vionfv:nsx_edge:NsxEdge"
RESOURCE_PROVIDER = "pulumi:providers:vsphere::resource-vcenter"
NSX_PROVIDER = "pulumi:providers:nsxt::nsx-manager"


def _under(evaluation: Evaluation, component_type: str) -> list[Registration]:
    parents = {r.urn for r in evaluation.resources if r.type == component_type}
    return [r for r in evaluation.resources if r.parent in parents]


def _provider_of(r: Registration) -> str:
    """`pulumi:providers:<pkg>::<name>` of a registration's provider reference (urn::id)."""
    urn = r.provider.rsplit("::", 1)[0]
    return urn.split("$")[-1]


# ---------------------------------------------------------------------------------- providers


@pytest.mark.parametrize("stack", ["prod", "three_pod"])
def test_every_resource_vcenter_and_nsx_resource_uses_its_explicit_provider(stack, request):
    evaluation: Evaluation = request.getfixturevalue(stack)
    vcenter = _under(evaluation, POD)
    nsx = _under(evaluation, NSX_EDGE)
    assert [r for r in vcenter if r.custom] and nsx
    for r in vcenter:
        if r.custom:
            assert r.type.startswith("vsphere:") and _provider_of(r) == RESOURCE_PROVIDER, r.name
    for r in nsx:
        assert r.type.startswith("nsxt:") and _provider_of(r) == NSX_PROVIDER, r.name
    # Nothing else in the stack touches NSX.
    assert {r.name for r in evaluation.resources if r.type.startswith("nsxt:")} == {r.name for r in nsx}


@pytest.mark.parametrize("stack", ["prod", "three_pod"])
def test_resource_pod_and_nsx_lookups_use_their_providers(stack, request):
    evaluation: Evaluation = request.getfixturevalue(stack)
    config = stack_config("three-pod" if stack == "three_pod" else "prod")
    res = config[NS + "resourceVcenter"]
    resource_names = {res["datacenter"], res["datastore"], *res["computeClusters"], res.get("edgeCluster")} - {None}
    vsphere_lookups = [i for i in evaluation.invokes if i.args.get("name") in resource_names]
    assert len(vsphere_lookups) >= 3
    assert all(RESOURCE_PROVIDER in i.provider for i in vsphere_lookups)
    nsx_lookups = [i for i in evaluation.invokes if i.token.startswith("nsxt:")]
    assert len(nsx_lookups) == 5  # overlay TZ, VLAN TZ, edge cluster, two edge nodes
    assert all(NSX_PROVIDER in i.provider for i in nsx_lookups)


# -------------------------------------------------------------------------------- two vs three


def test_three_pod_stack_is_prod_with_only_the_layout_and_edge_cluster_changed():
    prod, three = stack_config("prod"), stack_config("three-pod")
    assert three.pop(NS + "podLayout") == "three-pod" and prod.pop(NS + "podLayout") == "two-pod"
    assert three[NS + "resourceVcenter"].pop("edgeCluster") == "res-edge-cl01"
    drifted = sorted(k for k in prod.keys() | three.keys() if prod.get(k) != three.get(k))
    assert drifted == [], f"copy these keys from Pulumi.prod.yaml into Pulumi.three-pod.yaml: {drifted}"


def _comparable(evaluation: Evaluation) -> dict[tuple[str, str], str]:
    return {(r.type, r.name): json.dumps(r.inputs, sort_keys=True) for r in evaluation.resources}


def test_two_and_three_pod_differ_only_in_the_edge_cluster_lookup_and_edge_pools(prod, three_pod):
    two, three = _comparable(prod), _comparable(three_pod)
    pool = "vsphere:index/resourcePool:ResourcePool"
    assert set(two) - set(three) == {(pool, "vio-res-edge-pool-res-cl01"), (pool, "vio-res-edge-pool-res-cl02")}
    assert set(three) - set(two) == {(pool, "vio-res-edge-pool-res-edge-cl01")}
    changed = sorted(k for k in set(two) & set(three) if two[k] != three[k])
    assert changed == []

    def lookups(e: Evaluation) -> set[str]:
        return {json.dumps([i.token, i.args], sort_keys=True) for i in e.invokes}

    extra = lookups(three_pod) - lookups(prod)
    assert [json.loads(x)[1]["name"] for x in extra] == ["res-edge-cl01"]
    assert lookups(prod) - lookups(three_pod) == set()

    differing = sorted(k for k in prod.outputs if prod.outputs[k] != three_pod.outputs[k])
    assert differing == ["edgeClusterId", "edgeResourcePoolIds", "podLayout"]


def test_three_pod_puts_the_edge_pool_in_the_edge_cluster_and_exports_its_id(three_pod):
    lookup = next(i for i in three_pod.invokes if i.args.get("name") == "res-edge-cl01")
    assert lookup.token == "vsphere:index/getComputeCluster:getComputeCluster"
    pool = three_pod.named("vio-res-edge-pool-res-edge-cl01")
    assert pool.inputs["parentResourcePoolId"].startswith("resgroup-")
    assert pool.inputs["cpuShareLevel"] == "high"
    assert three_pod.outputs["edgeClusterId"].startswith("domain-c")
    assert list(three_pod.outputs["edgeResourcePoolIds"]) == ["res-edge-cl01"]


def test_two_pod_separates_edges_and_tenants_by_pools_in_every_compute_cluster(prod):
    assert prod.outputs["edgeClusterId"] is None
    for cluster in ("res-cl01", "res-cl02"):
        edge = prod.named(f"vio-res-edge-pool-{cluster}").inputs
        tenant = prod.named(f"vio-res-tenant-pool-{cluster}").inputs
        assert edge["parentResourcePoolId"] == tenant["parentResourcePoolId"]
        assert (edge["cpuShareLevel"], tenant["cpuShareLevel"]) == ("high", "normal")


@given(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), min_size=1, max_size=5, unique=True))
def test_edge_pools_follow_the_layout(clusters):
    nsx: Any = None
    two = EdgeResourcePodArgs("two-pod", "dc", clusters, "ds", nsx)
    three = EdgeResourcePodArgs("three-pod", "dc", clusters, "ds", nsx, edge_cluster="edge")
    assert edge_clusters(two) == clusters
    assert edge_clusters(three) == ["edge"]
    with pytest.raises(ValueError, match="edge_cluster is required"):
        edge_clusters(EdgeResourcePodArgs("three-pod", "dc", clusters, "ds", nsx))


# ----------------------------------------------------------------------------------- wiring


DVS_LOOKUP = "vsphere:index/getDistributedVirtualSwitch:getDistributedVirtualSwitch"


@pytest.mark.parametrize("stack", ["prod", "three_pod", "dev"])
def test_vio_deployment_takes_compute_clusters_from_the_resource_pod(stack, request):
    evaluation: Evaluation = request.getfixturevalue(stack)
    looked_up = {
        i.args["name"]: i for i in evaluation.invokes if i.token == "vsphere:index/getComputeCluster:getComputeCluster"
    }
    # No switch lookup on the resource vCenter: `dvs_moid` is configured (resourceVcenter.dvsMoid), never
    # looked up (the provider's lookup returns the switch's UUID, not the moid VIO takes).
    assert not [i for i in evaluation.invokes if i.token == DVS_LOOKUP and RESOURCE_PROVIDER in i.provider]
    deployment = evaluation.named("vio-plane-deployment")
    clusters = deployment.inputs["body"]["openstack_info"]["compute"]["compute_clusters"]
    assert [c["cluster_name"] for c in clusters] == sorted(evaluation.outputs["computeClusterIds"])
    for cluster in evaluation.outputs["computeClusterIds"]:
        # ...each cluster answered to the pod's lookup on the resource vCenter, in the pod's datacenter:
        assert RESOURCE_PROVIDER in looked_up[cluster].provider
        assert looked_up[cluster].args["datacenterId"] == evaluation.outputs["resourceDatacenterId"]
        # ...and the deployment waits for the pod to prepare that cluster (its tenant pool).
        pool = evaluation.named(f"vio-res-tenant-pool-{cluster}")
        assert pool.parent == evaluation.by_type(POD)[0].urn
        assert pool.urn in deployment.property_dependencies["body"]


def _compute_clusters(evaluation: Evaluation) -> list[dict[str, Any]]:
    clusters: list[dict[str, Any]] = evaluation.named("vio-plane-deployment").inputs["body"]["openstack_info"][
        "compute"]["compute_clusters"]
    assert clusters
    return clusters


@pytest.mark.parametrize("stack", ["prod", "three_pod"])
def test_without_dvs_moid_no_compute_cluster_carries_the_key(stack, request):
    # dvs_moid is Optional in VIO 7's `compute_cluster` ("used for enhanced network SRIOV"): unset, the key
    # is left out entirely (not sent as null or empty), and the body still holds against the documented structure.
    from components.vio_client import validate_body

    evaluation: Evaluation = request.getfixturevalue(stack)
    assert "dvsMoid" not in stack_config("three-pod" if stack == "three_pod" else "prod")[NS + "resourceVcenter"]
    assert all("dvs_moid" not in c for c in _compute_clusters(evaluation))
    assert validate_body("cluster", evaluation.named("vio-plane-deployment").inputs["body"]) == []


def test_with_dvs_moid_every_compute_cluster_carries_it(dev, prod):
    from components.vio_client import validate_body

    assert stack_config("dev")[NS + "resourceVcenter"]["dvsMoid"] == "dvs-42"
    assert [c["dvs_moid"] for c in _compute_clusters(dev)] == ["dvs-42"]
    assert validate_body("cluster", dev.named("vio-plane-deployment").inputs["body"]) == []

    # prod (two compute clusters) with the key set: every entry carries it, nothing else in the body changes.
    config = copy.deepcopy(stack_config("prod"))
    config[NS + "resourceVcenter"]["dvsMoid"] = "dvs-1234"
    evaluation = evaluate("prod", config=config)
    assert evaluation.error is None, evaluation.error
    clusters = _compute_clusters(evaluation)
    assert len(clusters) == 2 and [c["dvs_moid"] for c in clusters] == ["dvs-1234", "dvs-1234"]
    assert validate_body("cluster", evaluation.named("vio-plane-deployment").inputs["body"]) == []
    assert [{k: v for k, v in c.items() if k != "dvs_moid"} for c in clusters] == _compute_clusters(prod)


# ----------------------------------------------------------------------------------- Tier-0


def test_active_standby_tier0_has_an_interface_per_edge_and_uplink_and_ha_vips(prod):
    t0 = prod.named("vio-res-nsx-tier0")
    assert t0.inputs["haMode"] == "ACTIVE_STANDBY" and t0.inputs["failoverMode"] == "NON_PREEMPTIVE"
    assert t0.inputs["edgeClusterPath"] == prod.outputs["edgeClusterPath"]
    assert t0.inputs["bgpConfig"] == {"enabled": True, "localAsNum": "65010", "ecmp": False, "interSrIbgp": False}
    assert "redistributionConfig" not in t0.inputs, "deprecated block: redistribution is its own resource"
    redistribution = prod.named("vio-res-nsx-redistribution")
    assert redistribution.inputs["gatewayPath"] == prod.outputs["tier0Path"]
    assert redistribution.inputs["bgpEnabled"] is True
    assert {"TIER1_CONNECTED", "TIER1_NAT", "TIER1_STATIC"} <= set(redistribution.inputs["rules"][0]["types"])
    expected = {
        ("uplink-a", 0): "10.120.1.5/28",
        ("uplink-a", 1): "10.120.1.6/28",
        ("uplink-b", 0): "10.120.2.5/28",
        ("uplink-b", 1): "10.120.2.6/28",
    }
    for (uplink, edge), subnet in expected.items():
        iface = prod.named(f"vio-res-nsx-uplink-{uplink}-edge-{edge}").inputs
        assert iface["subnets"] == [subnet] and iface["type"] == "EXTERNAL"
        assert iface["gatewayPath"] == prod.outputs["tier0Path"]
        assert iface["edgeNodePath"].endswith(f"/edge-nodes/{edge}")
        assert iface["segmentPath"] == f"/infra/segments/vio-res-nsx-uplink-segment-{uplink}"
    assert len(prod.by_type("nsxt:index/policyTier0GatewayInterface:PolicyTier0GatewayInterface")) == 4
    vips = prod.named("vio-res-nsx-ha-vip").inputs["configs"]
    assert [c["vipSubnets"] for c in vips] == [["10.120.1.4/28"], ["10.120.2.4/28"]]
    assert all(len(c["externalInterfacePaths"]) == 2 for c in vips)


def test_uplink_segments_are_vlan_backed_in_the_vlan_transport_zone(prod):
    for uplink, vlan in (("uplink-a", "2101"), ("uplink-b", "2102")):
        seg = prod.named(f"vio-res-nsx-uplink-segment-{uplink}").inputs
        assert seg["vlanIds"] == [vlan]
        assert seg["transportZonePath"] == prod.outputs["vlanTransportZonePath"]
    assert prod.outputs["vlanTransportZonePath"].endswith("/transport-zones/nfv-vlan-tz")
    assert prod.outputs["overlayTransportZonePath"].endswith("/transport-zones/nfv-overlay-tz")


def test_active_active_tier0_runs_ecmp_without_ha_vips(dev):
    t0 = dev.named("vio-res-nsx-tier0").inputs
    assert t0["haMode"] == "ACTIVE_ACTIVE" and "failoverMode" not in t0
    assert t0["bgpConfig"]["ecmp"] is True
    assert dev.by_type("nsxt:index/policyTier0GatewayHaVipConfig:PolicyTier0GatewayHaVipConfig") == []
    assert len(dev.by_type("nsxt:index/policyTier0GatewayInterface:PolicyTier0GatewayInterface")) == 1


def test_bgp_neighbors_peer_from_their_uplink_under_the_tier0s_bgp(prod):
    for peer, address, sources in (
        ("tor-a", "10.120.1.1", ["10.120.1.5", "10.120.1.6"]),
        ("tor-b", "10.120.2.1", ["10.120.2.5", "10.120.2.6"]),
    ):
        n = prod.named(f"vio-res-nsx-bgp-neighbor-{peer}")
        assert n.inputs["bgpPath"] == prod.outputs["tier0Path"] + "/locale-services/default/bgp"
        assert (n.inputs["neighborAddress"], n.inputs["remoteAsNum"]) == (address, "65001")
        assert n.inputs["sourceAddresses"] == sources
        assert n.inputs["bfdConfig"] == {"enabled": True}
        uplink = "uplink-a" if peer == "tor-a" else "uplink-b"
        for edge in (0, 1):
            assert prod.named(f"vio-res-nsx-uplink-{uplink}-edge-{edge}").urn in n.dependencies


def test_vio_plugin_settings_are_exported_from_the_created_objects(prod):
    assert prod.outputs["tier0Id"] == "vio-t0"
    assert prod.outputs["tier0Path"] == "/infra/tier-0s/vio-t0"
    assert prod.outputs["dhcpServerPath"] == "/infra/dhcp-server-configs/vio-t0-dhcp"
    assert prod.named("vio-res-nsx-dhcp-server").inputs["edgeClusterPath"] == prod.outputs["edgeClusterPath"]
    assert prod.outputs["edgeClusterPath"].endswith("/edge-clusters/nfv-edge-cl01")
    for key in ("tier0Id", "tier0Path", "dhcpServerPath", "overlayTransportZonePath", "computeClusterIds"):
        assert key not in prod.secret_outputs


# ---------------------------------------------------------------------------------- secrets


@pytest.mark.parametrize("stack", ["prod", "three_pod"])
def test_vcenter_and_bgp_credentials_are_secret_and_never_in_plaintext(stack, request):
    evaluation: Evaluation = request.getfixturevalue(stack)
    cm = evaluation.named("vio-res-nsx-compute-manager")
    assert cm.secret_paths == [
        "credential.usernamePasswordLogin.password",
        "credential.usernamePasswordLogin.thumbprint",
    ]
    for n in evaluation.by_type("nsxt:index/policyBgpNeighbor:PolicyBgpNeighbor"):
        assert n.secret_paths == ["password"]
    config = stack_config("three-pod" if stack == "three_pod" else "prod")
    leaks = [planted_secret(k) for k, v in config.items() if isinstance(v, dict) and set(v) == {"secure"}]
    assert planted_secret(NS + "bgpNeighborPassword") in leaks
    leaks.append(config[NS + "resourceVcenterThumbprint"])
    everything = json.dumps([r.inputs for r in evaluation.resources]) + json.dumps(evaluation.outputs)
    assert [s for s in leaks if s in everything] == []


# ------------------------------------------------------------------------- stable logical names


def test_reordering_uplinks_and_neighbors_renames_and_changes_nothing(prod):
    cfg = copy.deepcopy(stack_config("prod"))
    t0 = cfg[NS + "nsx"]["tier0"]
    t0["uplinks"].reverse()
    t0["neighbors"].reverse()
    t0["edgeNodes"].reverse()
    for u in t0["uplinks"]:
        u["interfaces"].reverse()
    reordered = evaluate("prod", config=cfg)
    assert reordered.error is None
    before, after = _comparable(prod), _comparable(reordered)
    assert set(before) == set(after)
    assert sorted(k for k in before if before[k] != after[k]) == []


# -------------------------------------------------------------------------- invalid config


Mutation = Callable[[dict[str, Any]], None]


def _tier0(change: Callable[[dict[str, Any]], None]) -> Mutation:
    return lambda cfg: change(cfg[NS + "nsx"]["tier0"])


def _set(path: str, value: Any) -> Mutation:
    """Set `a.b.0.c` under nsx.tier0 (`value=...` deletes)."""

    def change(t0: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = t0
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if value is ...:
            del node[key]
        else:
            node[key] = value

    return _tier0(change)


T0 = "nsx.tier0"
#: (case id, mutation of the prod config, key the error must name, words the message must contain)
TIER0_CORPUS: list[tuple[str, Mutation, str, str]] = [
    ("local-as-zero", _set("localAs", 0), f"{T0}.localAs", "greater than or equal to 1"),
    ("local-as-too-big", _set("localAs", 4294967296), f"{T0}.localAs", "4294967295"),
    ("remote-as-zero", _set("neighbors.0.remoteAs", 0), f"{T0}.neighbors[0].remoteAs", "greater than or equal to 1"),
    ("ebgp-peer-in-local-as", _set("neighbors.0.remoteAs", 65010), f"{T0}.neighbors[0].remoteAs", "set ibgp: true"),
    ("ibgp-peer-in-other-as", _set("neighbors.0.ibgp", True), f"{T0}.neighbors[0].ibgp", "set ibgp: false"),
    ("neighbor-outside-uplinks", _set("neighbors.0.address", "10.99.0.1"), f"{T0}.neighbors[0].address", "10.99.0.1 is in no uplink subnet"),
    ("neighbor-is-own-interface", _set("neighbors.0.address", "10.120.1.5"), f"{T0}.neighbors[0].address", "Tier-0's own"),
    ("neighbor-duplicate-name", _set("neighbors.1.name", "tor-a"), f"{T0}.neighbors[1].name", "defined twice"),
    ("neighbor-not-an-ip", _set("neighbors.0.address", "tor-a.example"), f"{T0}.neighbors[0].address", "is not an IP address"),
    ("uplink-vlan-too-big", _set("uplinks.0.vlan", 4095), f"{T0}.uplinks[0].vlan", "4094"),
    ("uplink-vlan-negative", _set("uplinks.0.vlan", -1), f"{T0}.uplinks[0].vlan", "greater than or equal to 0"),
    ("uplink-vlan-reused", _set("uplinks.1.vlan", 2101), f"{T0}.uplinks[1].vlan", "VLAN 2101 is used by another uplink"),
    ("uplinks-overlap", _set("uplinks.1.cidr", "10.120.1.0/27"), f"{T0}.uplinks[1].cidr", "overlaps"),
    ("uplink-duplicate-name", _set("uplinks.1.name", "uplink-a"), f"{T0}.uplinks[1].name", "defined twice"),
    ("interface-ip-duplicate", _set("uplinks.0.interfaces.1.address", "10.120.1.5"), f"{T0}.uplinks[0].interfaces[1].address", "already used by"),
    ("interface-outside-uplink", _set("uplinks.0.interfaces.0.address", "10.120.2.7"), f"{T0}.uplinks[0].interfaces[0].address", "outside the uplink subnet 10.120.1.0/28"),
    ("interface-broadcast", _set("uplinks.0.interfaces.0.address", "10.120.1.15"), f"{T0}.uplinks[0].interfaces[0].address", "network or broadcast"),
    ("interface-on-unknown-edge", _set("uplinks.0.interfaces.1.edgeNode", 3), f"{T0}.uplinks[0].interfaces[1].edgeNode", "not one of nsx.tier0.edgeNodes"),
    ("interface-missing-for-edge", _set("uplinks.1.interfaces.1", ...), f"{T0}.uplinks[1].interfaces", "no interface for edge node(s) [1]"),
    ("ha-vip-outside-uplink", _set("uplinks.0.haVip", "10.120.9.4"), f"{T0}.uplinks[0].haVip", "outside the uplink subnet"),
    ("ha-vip-is-interface", _set("uplinks.1.haVip", "10.120.2.5"), f"{T0}.uplinks[1].haVip", "already used by"),
    ("ha-vip-missing-active-standby", _set("uplinks.0.haVip", ...), f"{T0}.uplinks[0].haVip", "is required with haMode ACTIVE_STANDBY"),
    ("ha-vip-with-active-active", _set("haMode", "ACTIVE_ACTIVE"), f"{T0}.uplinks[0].haVip", "only with haMode ACTIVE_STANDBY"),
    ("active-standby-three-edges", _set("edgeNodes", [0, 1, 2]), f"{T0}.edgeNodes", "needs exactly 2 edge nodes"),
    ("active-standby-one-edge", _set("edgeNodes", [0]), f"{T0}.edgeNodes", "needs exactly 2 edge nodes"),
    ("edge-node-duplicate", _set("edgeNodes", [0, 0]), f"{T0}.edgeNodes[1]", "listed twice"),
    ("unknown-ha-mode", _set("haMode", "ACTIVE_PASSIVE"), f"{T0}.haMode", "is not one of"),
    ("tier0-missing", lambda cfg: cfg[NS + "nsx"].pop("tier0"), f"{T0}", "is required"),
    ("tier0-unknown-key", _set("localASN", 65010), f"{T0}.localASN", "unknown key"),
    ("dhcp-lease-too-short", lambda cfg: cfg[NS + "nsx"].update(dhcp={"leaseTime": 10}), "nsx.dhcp.leaseTime", "greater than or equal to 60"),
    ("bgp-password-missing", lambda cfg: cfg.pop(NS + "bgpNeighborPassword"), "bgpNeighborPassword", "pulumi config set --secret"),
]


def _nine_edges(cfg: dict[str, Any]) -> None:
    t0 = cfg[NS + "nsx"]["tier0"]
    t0.update(haMode="ACTIVE_ACTIVE", edgeNodes=list(range(9)))
    for i, u in enumerate(t0["uplinks"]):
        u.pop("haVip")
        u["cidr"] = f"10.120.{i + 1}.0/27"
        u["interfaces"] = [{"edgeNode": n, "address": f"10.120.{i + 1}.{10 + n}"} for n in range(9)]


TIER0_CORPUS.append(("active-active-nine-edges", _nine_edges, f"{T0}.edgeNodes", "needs 1 to 8 edge nodes"))


@pytest.mark.parametrize(("mutation", "key", "words"), [c[1:] for c in TIER0_CORPUS], ids=[c[0] for c in TIER0_CORPUS])
def test_invalid_tier0_config_is_rejected_naming_its_key_before_any_resource(mutation, key, words):
    cfg = copy.deepcopy(stack_config("prod"))
    mutation(cfg)
    evaluation = evaluate("prod", config=cfg)
    assert isinstance(evaluation.error, settings.ConfigError), evaluation.error
    message = str(evaluation.error)
    assert f"vio-nfv:{key}: " in message, message
    assert words in message, message
    assert evaluation.resources == []


def test_active_active_with_eight_edges_is_valid():
    t0 = copy.deepcopy(stack_config("prod")[NS + "nsx"]["tier0"])
    t0.update(haMode="ACTIVE_ACTIVE", edgeNodes=list(range(8)))
    for i, u in enumerate(t0["uplinks"]):
        u.pop("haVip")
        u["cidr"] = f"10.120.{i + 1}.0/27"
        u["interfaces"] = [{"edgeNode": n, "address": f"10.120.{i + 1}.{10 + n}"} for n in range(8)]
    assert settings._tier0_problems(settings.Tier0.model_validate(t0)) == []


AS = st.integers(min_value=1, max_value=4294967295)


@given(local=AS, remote=AS, ibgp=st.booleans())
def test_a_peer_is_accepted_exactly_when_its_as_matches_its_session_type(local, remote, ibgp):
    t0 = settings.Tier0(
        local_as=local,
        edge_nodes=[0],
        ha_mode="ACTIVE_ACTIVE",
        uplinks=[settings.Tier0Uplink(name="u", vlan=1, cidr="10.0.0.0/29", interfaces=[{"edge_node": 0, "address": "10.0.0.2"}])],
        neighbors=[settings.BgpNeighbor(name="p", address="10.0.0.1", remote_as=remote, ibgp=ibgp)],
    )
    problems = settings._tier0_problems(t0)
    assert (problems == []) == ((local == remote) == ibgp), problems


def test_a_bgp_password_over_32_characters_is_refused_at_load_without_showing_it():
    password = "s3cr3t-" * 5  # 35 characters
    ev = evaluate("prod", overrides={NS + "bgpNeighborPassword": {"secure": password}})
    assert type(ev.error).__name__ == "ConfigError"
    assert "vio-nfv:bgpNeighborPassword: is 35 characters; NSX-T accepts a BGP neighbor password of at most 32" \
        in str(ev.error)
    assert password not in str(ev.error) and "s3cr3t" not in str(ev.error)
    assert ev.resources == []


def test_a_bgp_password_of_32_characters_is_accepted():
    raw = {k[len(NS):]: v for k, v in stack_config("prod").items() if k.startswith(NS)}
    settings.parse(raw, secret_lengths={"bgpNeighborPassword": 32})
    with pytest.raises(settings.ConfigError, match="is 33 characters"):
        settings.parse(raw, secret_lengths={"bgpNeighborPassword": 33})
