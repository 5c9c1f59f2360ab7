"""OpenStack bootstrap on VIO: external network on the Tier-0, flavors and their extra specs, projects."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components import settings
from components.openstack_platform import EXTERNAL_NETWORK_TYPE
from offline.evaluate import Evaluation, stack_config

NS = "vio-nfv:"


def _raw(stack: str = "prod") -> dict[str, Any]:
    cfg = stack_config(stack)
    return {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.items() if k.startswith(NS)}


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(settings.ConfigError) as info:
        settings.parse(raw)
    return [str(p) for p in info.value.problems]


def test_external_network_is_l3_ext_on_the_tier0_id_through_provider_attributes(prod: Evaluation) -> None:
    net = prod.named("vio-os-ext-net")
    tier0 = next(r for r in prod.by_type("nsxt:index/policyTier0Gateway:PolicyTier0Gateway"))
    assert net.inputs["external"] is True
    assert "segments" not in net.inputs, "the Policy plugin has no multi-provider extension"
    # The physical network is the Tier-0's NSX id as the edge pod produced it, not a config string.
    assert net.inputs["valueSpecs"] == {
        "provider:network_type": EXTERNAL_NETWORK_TYPE,
        "provider:physical_network": prod.outputs["tier0Id"],
    }
    assert EXTERNAL_NETWORK_TYPE == "l3_ext"
    assert net.inputs["valueSpecs"]["provider:physical_network"] == tier0.inputs["nsxId"]
    # The fixed id as a plain value (a Tier-0 replacement must not replace the network), yet created after
    # the gateway: the network waits for the plane, whose nodes are told the Tier-0 from its output.
    assert not net.property_dependencies.get("valueSpecs")
    after = [prod.by_urn()[u] for u in net.dependencies if u in prod.by_urn()]
    assert any(tier0.urn in d for r in after for d in r.property_dependencies.values())


def test_external_subnet_hands_out_only_the_floating_pool(prod: Evaluation) -> None:
    subnet = prod.named("vio-os-ext-subnet")
    assert subnet.inputs["cidr"] == "198.51.100.0/24"
    assert subnet.inputs["enableDhcp"] is False
    assert subnet.inputs["allocationPools"] == [{"start": "198.51.100.20", "end": "198.51.100.250"}]
    assert "subnetpoolId" in subnet.inputs, "drawn from the routable scope's pool: no-SNAT routers need it"


def test_every_openstack_resource_uses_the_vio_provider_and_waits_for_the_plane(prod: Evaluation) -> None:
    openstack = [r for r in prod.resources if r.type.startswith("openstack:")]
    assert len(openstack) > 50
    assert all(r.provider.split("::")[-3:-1] == ["pulumi:pulumi:Stack$pulumi:providers:openstack", "vio-openstack"]
               for r in openstack)
    plane_vms = {r.urn for r in prod.resources if r.type == "vsphere:index/virtualMachine:VirtualMachine"
                 and r.parent == prod.named("vio-plane").urn}
    late = [r.name for r in openstack if not plane_vms <= set(r.dependencies)]
    assert plane_vms and not late, f"created before the VIO plane exists: {late}"
    role_lookups = [i for i in prod.invokes if i.token.startswith("openstack:")]
    assert role_lookups and all("vio-openstack" in i.provider for i in role_lookups)


def test_flavors_carry_their_validated_extra_specs_as_strings(prod: Evaluation) -> None:
    flavor = prod.named("vio-os-flavor-vnf-dp-large")
    assert flavor.inputs["extraSpecs"] == {
        "quota:cpu_reservation_percent": "100",
        "quota:memory_reservation_percent": "100",
        "vmware:latency_sensitivity_level": "high",
        "hw:vifs_multi_thread": "true",
        "vmware:extra_config": '{"numa.nodeAffinity": "0"}',
    }
    assert prod.outputs["flavorIds"].keys() == {"vnf-cp-medium", "vnf-dp-large", "vnf-storage-io"}


def test_projects_get_quotas_and_role_assignments_keyed_by_tenant(prod: Evaluation) -> None:
    assert prod.outputs["tenantProjectIds"].keys() == {"vepc", "vims"}
    quota = prod.named("vio-os-quota-compute-vepc")
    assert (quota.inputs["instances"], quota.inputs["cores"], quota.inputs["ram"]) == (40, 320, 655360)
    network_quota = prod.named("vio-os-quota-network-vims")
    assert network_quota.inputs["router"] == 1, "unset quotas fall back to the documented defaults"
    roles = {r.name for r in prod.by_type("openstack:identity/roleAssignment:RoleAssignment")}
    assert roles == {
        "vio-os-role-vepc-group-vepc-operators-member",
        "vio-os-role-vepc-user-svc-vepc-vnfm-member",
        "vio-os-role-vims-group-vims-operators-member",
    }
    lookups = {(i.token, i.args["name"]) for i in prod.invokes if i.token.startswith("openstack:identity")}
    assert ("openstack:identity/getRole:getRole", "member") in lookups
    assert all("vio-openstack" in i.provider for i in prod.invokes if i.token.startswith("openstack:"))


def test_self_service_tenant_gets_a_project_but_no_platform_networks(dev: Evaluation) -> None:
    assert "apps" in dev.outputs["tenantProjectIds"]
    assert "apps" not in dev.outputs["tenantNetworkIds"]
    assert not [r for r in dev.resources if r.name.startswith("vio-apps-")]


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ("quota:cpu_reservation_percent", 120, "is not an integer 0-100"),
        ("quota:cpu_shares_level", "urgent", "is not low, normal, high or custom"),
        ("quota:cpu_limit", -1, "0 for unlimited"),
        ("quota:disk_io_limit", -1, "0 for unlimited"),
        ("vmware:extra_config", '{"numa.nodeAffinity": "zero"}', "numa.nodeAffinity"),
        ("quota:vif_limit", 100, "not supported with NSX-T"),
        ("quota:vif_shares_level", "high", "not supported with NSX-T"),
        ("hw:mem_page_size", "1GB", "libvirt concept"),
        ("hw:cpu_policy", "dedicated", "libvirt concept"),
        ("quota:cpu_shares_share", 2000, "ignored unless quota:cpu_shares_level is custom"),
        ("hw:watchdog_action", "reset", "unknown extra spec"),
    ],
)
def test_flavor_extra_specs_are_checked_against_vios_documented_list(spec: str, value: Any, message: str) -> None:
    raw = _raw()
    raw["flavors"][0]["extraSpecs"] = {spec: value}
    problems = _problems(raw)
    assert problems == [p for p in problems if f"vio-nfv:flavors[0].extraSpecs.{spec}: " in p]
    assert message in problems[0]


@pytest.mark.parametrize(
    "specs",
    [
        {"quota:cpu_limit": 0, "quota:disk_io_limit": 0},
        {"quota:cpu_shares_level": "custom", "quota:cpu_shares_share": 4000},
        {"quota:cpu_reservation": 2000, "quota:disk_io_shares_level": "custom", "quota:disk_io_shares_share": 500},
        {"hw:vifs_multi_thread": True, "quota:memory_shares_level": "high"},
    ],
)
def test_documented_extra_specs_are_accepted(specs: dict[str, Any]) -> None:
    raw = _raw()
    raw["flavors"][0]["extraSpecs"] = specs
    flavor = settings.parse(raw).flavors[0]
    assert set(flavor.specs()) == set(specs)


def test_high_latency_sensitivity_needs_full_reservations() -> None:
    raw = _raw()
    raw["flavors"][1]["extraSpecs"]["quota:memory_reservation_percent"] = 50
    assert _problems(raw) == [
        "vio-nfv:flavors[1].extraSpecs.quota:memory_reservation_percent: '50': latency sensitivity 'high' "
        "needs full reservations; set it to 100"
    ]


def test_unconfirmed_extra_specs_are_marked_so() -> None:
    unconfirmed = {k for k, rule in settings.FLAVOR_EXTRA_SPECS.items() if not rule.confirmed}
    assert unconfirmed == {"vmware:latency_sensitivity_level"} | {
        f"quota:memory_{k}" for k in ("limit", "reservation", "reservation_percent", "shares_level", "shares_share")
    }
    assert not set(settings.FLAVOR_EXTRA_SPECS) & set(settings.REJECTED_EXTRA_SPECS)


@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        ("gateway", "198.51.101.1", "externalNetwork.gateway", "outside 198.51.100.0/24"),
        ("floatingPool", {"start": "198.51.100.250", "end": "198.51.100.20"}, "externalNetwork.floatingPool", "swap"),
        ("floatingPool", {"start": "198.51.100.1", "end": "198.51.100.9"}, "externalNetwork.floatingPool",
         "contains the gateway"),
        ("cidr", "10.110.0.0/16", "externalNetwork.cidr", "overlaps managementNetwork.cidr"),
    ],
)
def test_external_network_addressing_is_validated(field: str, value: Any, key: str, message: str) -> None:
    raw = _raw()
    raw["externalNetwork"][field] = value
    problems = [p for p in _problems(raw) if p.startswith(f"vio-nfv:{key}: ")]
    assert problems and message in problems[0], _problems(raw)


def test_a_router_gateway_without_an_external_network_is_reported() -> None:
    raw = _raw()
    del raw["externalNetwork"]
    problems = _problems(raw)
    assert "vio-nfv:tenants[0].router.externalGateway: needs vio-nfv:externalNetwork" in problems[0]
