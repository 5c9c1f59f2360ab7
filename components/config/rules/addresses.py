"""Address spaces across the whole config: no two overlap, no host address is a network or broadcast address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from components.config.problems import Problem
from components.config.types import IPv4Address, IPv4Network

#: Every address space of a stack, as config key patterns (`[*]`: each item of a list). A pattern that
#: names no parsed value is skipped, so one list serves the platform and the tenant stack and a section
#: joins the whole-config checks by adding its keys here.
ADDRESS_SPACES: tuple[str, ...] = (
    "managementNetwork.cidr",
    "apiAccessNetwork.cidr",
    "externalNetwork.cidr",
    "nsx.tier0.uplinks[*].cidr",
    "tenants[*].networks[*].cidr",
    "tenant.networks[*].cidr",
)
#: Single addresses that must be host addresses of the space they lie in (gateways, VIPs, peers, ranges).
HOST_ADDRESSES: tuple[str, ...] = (
    "managementNetwork.gateway",
    "managementNetwork.privateVip",
    "managementNetwork.managerIp",
    "managementNetwork.vioRange.start",
    "managementNetwork.vioRange.end",
    "apiAccessNetwork.gateway",
    "apiAccessNetwork.publicVip",
    "apiAccessNetwork.vioRange.start",
    "apiAccessNetwork.vioRange.end",
    "externalNetwork.gateway",
    "externalNetwork.floatingPool.start",
    "externalNetwork.floatingPool.end",
    "nsx.tier0.uplinks[*].interfaces[*].address",
    "nsx.tier0.uplinks[*].haVip",
    "nsx.tier0.neighbors[*].address",
    *(
        f"{tenant}.{path}"
        for tenant in ("tenants[*]", "tenant")
        for path in (
            "networks[*].gateway",
            "networks[*].allocationPools[*].start",
            "networks[*].allocationPools[*].end",
            "router.routes[*].nextHop",
            "floatingIps[*].address",
            "loadBalancers[*].vipAddress",
            "loadBalancers[*].listeners[*].members[*].address",
        )
    ),
)


def _field(obj: Any, alias: str) -> Any:
    """The value of config key part `alias` (camelCase) in parsed values (by attribute) or a model."""
    if isinstance(obj, Mapping):
        return next((v for k, v in obj.items() if to_camel(k) == alias), None)
    if isinstance(obj, BaseModel):
        return next((getattr(obj, k) for k in type(obj).model_fields if to_camel(k) == alias), None)
    return None


def select(values: Mapping[str, Any], pattern: str) -> list[tuple[str, Any]]:
    """(config key, value) for each value a key pattern names: `tenants[*].networks[*].cidr` gives
    `("tenants[0].networks[1].cidr", IPv4Network(...))`, ... Unset or unparsed parts give nothing."""
    out: list[tuple[str, Any]] = []

    def step(obj: Any, parts: list[str], key: str) -> None:
        if obj is None:
            return
        if not parts:
            out.append((key, obj))
            return
        name, each = (parts[0][:-3], True) if parts[0].endswith("[*]") else (parts[0], False)
        child = _field(obj, name)
        here = f"{key}.{name}" if key else name
        if each:
            for i, item in enumerate(child or []):
                step(item, parts[1:], f"{here}[{i}]")
        else:
            step(child, parts[1:], here)

    step(values, pattern.split("."), "")
    return out


def address_space(values: Mapping[str, Any]) -> tuple[list[tuple[str, IPv4Network]], list[tuple[str, IPv4Address]]]:
    """Every address space of the config as (key, network) and every address that must be a host address
    as (key, address), in `ADDRESS_SPACES` / `HOST_ADDRESSES` order."""
    nets = [kv for pattern in ADDRESS_SPACES for kv in select(values, pattern)]
    hosts = [kv for pattern in HOST_ADDRESSES for kv in select(values, pattern)]
    return nets, hosts


def address_space_problems(values: Mapping[str, Any], reported: set[str]) -> list[Problem]:
    """No two address spaces overlap (the message names both keys); no host address is the network or
    broadcast address of a space it lies in. Keys with a problem already are not reported twice."""
    nets, hosts = address_space(values)
    out: list[Problem] = []
    for i, (key, net) in enumerate(nets):
        clash = next(((k, n) for k, n in nets[:i] if n.overlaps(net)), None)
        if clash is not None and key not in reported:
            out.append(Problem(key, f"{net} overlaps {clash[0]} {clash[1]}; every address space (management, "
                                    "API, external, uplinks, tenant networks) must be disjoint"))
    for key, addr in hosts:
        for nkey, net in nets:
            if key not in reported and net.prefixlen < 31 and addr in (net.network_address, net.broadcast_address):
                which = "network" if addr == net.network_address else "broadcast"
                out.append(Problem(key, f"{addr} is the {which} address of {nkey} {net}; use a host address"))
                break
    return out
