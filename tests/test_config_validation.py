"""Invalid configuration is rejected before any resource exists, naming every bad key.

The corpus mutates the real `prod` stack config one problem at a time and evaluates the real program:
each must fail with a ConfigError whose message names the key, and register nothing at all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components import settings
from offline.evaluate import evaluate, stack_config

NS = "vio-nfv:"
Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set `section.a.b` (list indexes as ints) in the stack config; `value=...` deletes it."""

    def apply(cfg: dict[str, Any]) -> None:
        section, *rest = path.split(".")
        if not rest:
            if value is ...:
                cfg.pop(NS + section, None)
            else:
                cfg[NS + section] = value
            return
        node = cfg[NS + section]
        for part in rest[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = rest[-1]
        if value is ...:
            del node[int(last) if last.isdigit() else last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _tenant(name: str, *cidrs: str) -> dict[str, Any]:
    return {"name": name, "networks": [{"name": f"n{i}", "cidr": c} for i, c in enumerate(cidrs)]}


def _append_tenant(tenant: dict[str, Any]) -> Mutation:
    return lambda cfg: cfg[NS + "tenants"].append(tenant)


#: (case id, mutation, key the error must name, words the message must contain)
CORPUS: list[tuple[str, Mutation, str, str]] = [
    ("vip-not-an-ip", _set("managementNetwork.privateVip", "10.1.0.300"), "managementNetwork.privateVip", "is not an IP address"),
    ("cidr-prefix-too-long", _set("managementNetwork.cidr", "10.110.10.0/33"), "managementNetwork.cidr", "CIDR"),
    ("cidr-host-bits", _set("managementNetwork.cidr", "10.110.10.7/24"), "managementNetwork.cidr", "did you mean 10.110.10.0/24"),
    ("gateway-outside-subnet", _set("managementNetwork.gateway", "10.9.9.1"), "managementNetwork.gateway", "outside"),
    ("gateway-is-network-address", _set("managementNetwork.gateway", "10.110.10.0"), "managementNetwork.gateway", "network or broadcast"),
    ("private-vip-outside-subnet", _set("managementNetwork.privateVip", "192.0.2.10"), "managementNetwork.privateVip", "outside"),
    ("private-vip-inside-vio-range", _set("managementNetwork.privateVip", "10.110.10.35"), "managementNetwork.privateVip", "inside vioRange"),
    ("manager-ip-inside-vio-range", _set("managementNetwork.managerIp", "10.110.10.40"), "managementNetwork.managerIp", "inside vioRange"),
    ("private-vip-equals-gateway", _set("managementNetwork.privateVip", "10.110.10.1"), "managementNetwork.privateVip", "also managementNetwork.gateway"),
    ("private-vip-equals-manager-ip", _set("managementNetwork.managerIp", "10.110.10.10"), "managementNetwork.privateVip", "also managementNetwork.managerIp"),
    ("range-start-outside", _set("managementNetwork.vioRange.start", "10.110.11.20"), "managementNetwork.vioRange.start", "outside"),
    ("range-reversed", _set("managementNetwork.vioRange.end", "10.110.10.25"), "managementNetwork.vioRange", "after end"),
    ("range-without-upgrade-room", _set("managementNetwork.vioRange.end", "10.110.10.34"), "managementNetwork.vioRange", "needs 6 (2x for blue/green upgrades)"),
    ("api-range-too-small-for-ten-controllers", lambda c: (_set("vio.controllers", 10)(c), _set("apiAccessNetwork.vioRange.end", "10.110.20.45")(c)), "apiAccessNetwork.vioRange", "with 10 controller(s) needs 20"),
    ("public-vip-outside-api-subnet", _set("apiAccessNetwork.publicVip", "10.110.10.11"), "apiAccessNetwork.publicVip", "outside apiAccessNetwork.cidr"),
    ("public-vip-inside-api-range", _set("apiAccessNetwork.publicVip", "10.110.20.31"), "apiAccessNetwork.publicVip", "inside vioRange"),
    ("api-network-overlaps-management", _set("apiAccessNetwork.cidr", "10.110.0.0/16"), "apiAccessNetwork.cidr", "overlaps managementNetwork.cidr"),
    ("api-network-same-port-group", _set("apiAccessNetwork.portGroup", "vio-mgmt-pg"), "apiAccessNetwork.portGroup", "also managementNetwork.portGroup"),
    ("missing-api-access-network", _set("apiAccessNetwork", ...), "apiAccessNetwork", "is required"),
    ("ha-with-two-controllers", _set("vio.controllers", 2), "vio.controllers", "takes 3 to 10"),
    ("compact-with-three-controllers", lambda c: (_set("topology", "compact")(c), _set("vio.controllers", 3)(c)), "vio.controllers", "exactly 1"),
    ("unknown-controller-size", _set("vio.controllerSize", "huge"), "vio.controllerSize", "is not one of"),
    ("vio-version-not-7", _set("vio.version", "6.0.0"), "vio.version", "is not a VIO 7.x release"),
    ("ova-source-without-ova", _set("vio.manager.ova", ...), "vio.manager.ova", "is required with source 'ova'"),
    ("template-source-without-template", _set("vio.manager.source", "template"), "vio.manager.template", "is required with source 'template'"),
    ("manager-too-small", _set("vio.manager.memoryMb", 8192), "vio.manager.memoryMb", "greater than or equal to 16384"),
    ("missing-manager-password", _set("managerAdminPassword", ...), "managerAdminPassword", "pulumi config set --secret"),
    ("missing-metadata-proxy-secret", _set("nsxMetadataProxySecret", ...), "nsxMetadataProxySecret", "is required"),
    ("removed-resource-distributed-switch", _set("resourceVcenter.distributedSwitch", "res-dvs01"), "resourceVcenter.distributedSwitch", "set resourceVcenter.dvsMoid"),
    ("dvs-moid-is-a-switch-name", _set("resourceVcenter.dvsMoid", "res-dvs01"), "resourceVcenter.dvsMoid", "'res-dvs01' is not a distributed switch managed object id"),
    ("metadata-proxy-address-not-a-url", _set("nsx.metadataProxy", {"serverAddress": "10.0.0.1:8775"}), "nsx.metadataProxy.serverAddress", "'10.0.0.1:8775' is not an http(s) URL"),
    ("removed-templates-key", _set("templates", {"oms": "x", "node": "y"}), "templates", "unknown key"),
    ("vlan-out-of-range", _set("managementNetwork.vlan", 5000), "managementNetwork.vlan", "4094"),
    ("vlan-missing-for-new-port-group", _set("managementNetwork.vlan", ...), "managementNetwork.vlan", "is required"),
    ("dns-not-an-ip", _set("managementNetwork.dns.0", "dns1.example"), "managementNetwork.dns[0]", "is not an IP address"),
    ("dns-duplicate", _set("managementNetwork.dns.1", "10.100.0.53"), "managementNetwork.dns[1]", "listed twice"),
    ("unknown-key-in-section", _set("managementNetwork.vip", "10.110.10.11"), "managementNetwork.vip", "unknown key"),
    ("unknown-top-level-key", _set("topolgy", "compact"), "topolgy", "unknown key"),
    ("unknown-topology", _set("topology", "huge"), "topology", "'huge' is not one of"),
    ("unknown-pod-layout", _set("podLayout", "four-pod"), "podLayout", "is not one of"),
    ("three-pod-without-edge-cluster", _set("podLayout", "three-pod"), "resourceVcenter.edgeCluster", "is required"),
    ("duplicate-compute-cluster", _set("resourceVcenter.computeClusters.1", "res-cl01"), "resourceVcenter.computeClusters[1]", "listed twice"),
    ("vcenter-port-out-of-range", _set("managementVcenter.port", 70000), "managementVcenter.port", "65535"),
    ("missing-management-vcenter", _set("managementVcenter", ...), "managementVcenter", "is required"),
    ("missing-datastore", _set("managementVcenter.datastore", ...), "managementVcenter.datastore", "is required"),
    ("missing-nsx-password", _set("nsxPassword", ...), "nsxPassword", "pulumi config set --secret"),
    ("missing-management-password", _set("managementVcenterPassword", ...), "managementVcenterPassword", "is required"),
    ("removed-sizing-key", _set("sizing", {"controller": {"cpus": 8}}), "sizing", "unknown key"),
    ("tenant-name-not-a-label", _append_tenant(_tenant("Bad_Name", "172.30.0.0/24")), "tenants[2].name", "not a valid name"),
    ("duplicate-tenant-name", _append_tenant(_tenant("vepc", "172.30.0.0/24")), "tenants[2].name", "defined twice"),
    ("tenant-cidrs-overlap", _append_tenant(_tenant("extra", "172.16.10.128/25")), "tenants[2].networks[0].cidr", "overlaps"),
    ("tenant-overlaps-management", _append_tenant(_tenant("extra", "10.110.10.0/25")), "tenants[2].networks[0].cidr", "overlaps managementNetwork.cidr"),
    ("tenant-overlaps-api-access", _append_tenant(_tenant("extra", "10.110.20.0/25")), "tenants[2].networks[0].cidr", "overlaps apiAccessNetwork.cidr"),
]


def _mutated(mutation: Mutation) -> dict[str, Any]:
    cfg = copy.deepcopy(stack_config("prod"))
    mutation(cfg)
    return cfg


@pytest.mark.parametrize(("mutation", "key", "words"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_invalid_config_is_rejected_naming_its_key_before_any_resource(mutation, key, words):
    evaluation = evaluate("prod", config=_mutated(mutation))
    assert isinstance(evaluation.error, settings.ConfigError), evaluation.error
    message = str(evaluation.error)
    assert f"vio-nfv:{key}: " in message, message
    assert words in message, message
    assert evaluation.resources == [], [r.name for r in evaluation.resources]


def test_corpus_has_at_least_twenty_distinct_cases():
    assert len({c[0] for c in CORPUS}) == len(CORPUS) >= 20


def test_every_problem_is_reported_at_once():
    def several(cfg: dict[str, Any]) -> None:
        for m in (
            _set("managementNetwork.privateVip", "10.1.0.300"),
            _set("topology", "huge"),
            _set("nsxPassword", ...),
            _set("resourceVcenter.computeClusters.1", "res-cl01"),
        ):
            m(cfg)

    evaluation = evaluate("prod", config=_mutated(several))
    assert isinstance(evaluation.error, settings.ConfigError)
    keys = {p.key for p in evaluation.error.problems}
    assert {"managementNetwork.privateVip", "topology", "nsxPassword", "resourceVcenter.computeClusters[1]"} <= keys


def test_config_error_is_a_run_error_so_the_cli_prints_no_traceback():
    assert issubclass(settings.ConfigError, pulumi.RunError)


def test_valid_stack_configs_parse_to_typed_values(prod, dev):
    assert prod.error is None and dev.error is None
    assert prod.outputs["topology"] == "ha" and dev.outputs["topology"] == "compact"
