"""VIO's two networks (management, API access) and the external network: addresses inside their subnets,
VIO ranges large enough for the topology, pools that fit."""

from __future__ import annotations

from collections.abc import Mapping

from components import ipplan
from components.config.openstack import ExternalNetwork
from components.config.problems import Problem, duplicates
from components.config.types import IpRange, IPv4Address, IPv4Network
from components.config.vio import ApiAccessNetwork, ManagementNetwork

#: What this module checks, by config key (docs/configuration.md lists it under each key).
CHECKS: dict[str, str] = {
    "managementNetwork.gateway": "inside managementNetwork.cidr, not its network or broadcast address",
    "managementNetwork.managerIp": "inside the subnet, outside vioRange, not the gateway or privateVip",
    "managementNetwork.privateVip": "inside the subnet, outside vioRange, not the gateway or managerIp",
    "managementNetwork.vioRange": "inside the subnet, start <= end, twice the controllers' addresses "
    "(blue/green upgrades)",
    "managementNetwork.vlan": "required when the port group is created (existing: false)",
    "managementNetwork.dns": "no server listed twice",
    "apiAccessNetwork.cidr": "disjoint from managementNetwork.cidr",
    "apiAccessNetwork.portGroup": "not managementNetwork.portGroup",
    "apiAccessNetwork.publicVip": "inside the subnet, outside vioRange, not the gateway",
    "apiAccessNetwork.vioRange": "inside the subnet, start <= end, twice the controllers' addresses",
    "apiAccessNetwork.vlan": "required when the port group is created (existing: false)",
    "apiAccessNetwork.dns": "no server listed twice",
    "externalNetwork.gateway": "inside externalNetwork.cidr, a host address",
    "externalNetwork.floatingPool": "usable addresses of the subnet, ascending, clear of the gateway",
}


def _subnet_problems(key: str, cidr: IPv4Network, named: Mapping[str, IPv4Address]) -> list[Problem]:
    out: list[Problem] = []
    for field, addr in named.items():
        if addr not in cidr:
            out.append(Problem(f"{key}.{field}", f"{addr} is outside {key}.cidr {cidr}; use an address in {cidr}"))
        elif cidr.prefixlen < 31 and addr in (cidr.network_address, cidr.broadcast_address):
            out.append(Problem(f"{key}.{field}", f"{addr} is the network or broadcast address of {cidr}"))
    return out


def _vio_range_problems(
    key: str, start: IPv4Address, end: IPv4Address, fixed: Mapping[str, IPv4Address], topology: str,
    controllers: int | None,
) -> list[Problem]:
    """The VIO range of one network: ordered, clear of the fixed addresses, big enough with upgrade room."""
    if start > end:
        return [Problem(f"{key}.vioRange", f"start {start} is after end {end}; swap them")]
    out = [
        Problem(f"{key}.{field}", f"{addr} lies inside vioRange {start}-{end}; move it out of the range")
        for field, addr in fixed.items()
        if start <= addr <= end
    ]
    try:
        count = ipplan.controller_count(topology, controllers)
    except ValueError:
        return out  # reported on vio.controllers
    needed, have = ipplan.addresses_needed(count), ipplan.range_size(start, end)
    if have < needed:
        out.append(
            Problem(
                f"{key}.vioRange",
                f"{start}-{end} holds {have} address(es); topology {topology!r} with {count} controller(s) "
                f"needs {needed} ({ipplan.UPGRADE_FACTOR}x for blue/green upgrades); widen the range",
            )
        )
    return out


def network_problems(
    net: ManagementNetwork, api: ApiAccessNetwork | None, topology: str, controllers: int | None
) -> list[Problem]:
    key = "managementNetwork"
    fixed = {"gateway": net.gateway, "managerIp": net.manager_ip, "privateVip": net.private_vip}
    out = _subnet_problems(
        key, net.cidr, {**fixed, "vioRange.start": net.vio_range.start, "vioRange.end": net.vio_range.end}
    )
    seen: dict[IPv4Address, str] = {}
    for field, addr in fixed.items():
        if addr in seen:
            out.append(Problem(f"{key}.{field}", f"{addr} is also {key}.{seen[addr]}; pick a free address"))
        seen.setdefault(addr, field)
    if not out:
        out += _vio_range_problems(key, net.vio_range.start, net.vio_range.end, fixed, topology, controllers)
    out += _port_group_problems(key, net)
    if api is not None:
        out += _api_network_problems(api, net, topology, controllers)
    return out


def _api_network_problems(
    api: ApiAccessNetwork, mgmt: ManagementNetwork, topology: str, controllers: int | None
) -> list[Problem]:
    key = "apiAccessNetwork"
    fixed = {"gateway": api.gateway, "publicVip": api.public_vip}
    out = _subnet_problems(
        key, api.cidr, {**fixed, "vioRange.start": api.vio_range.start, "vioRange.end": api.vio_range.end}
    )
    if api.gateway == api.public_vip:
        out.append(Problem(f"{key}.publicVip", f"{api.public_vip} is also the gateway; pick a free address"))
    if api.cidr.overlaps(mgmt.cidr):
        out.append(
            Problem(f"{key}.cidr", f"{api.cidr} overlaps managementNetwork.cidr {mgmt.cidr}; VIO needs two "
                    "separate networks (management, API access)")
        )
    if api.port_group == mgmt.port_group:
        out.append(Problem(f"{key}.portGroup", f"{api.port_group!r} is also managementNetwork.portGroup"))
    if not out:
        out += _vio_range_problems(key, api.vio_range.start, api.vio_range.end, fixed, topology, controllers)
    out += _port_group_problems(key, api)
    return out


def _port_group_problems(key: str, net: ManagementNetwork | ApiAccessNetwork) -> list[Problem]:
    """What both VIO networks share: no DNS server twice, a VLAN for a port group we create."""
    out = [Problem(f"{key}.dns[{i}]", f"{dup} is listed twice") for i, dup in duplicates(str(d) for d in net.dns)]
    if not net.existing and net.vlan is None:
        out.append(Problem(f"{key}.vlan", "is required when the port group is created (existing: false)"))
    return out


def external_problems(ext: ExternalNetwork) -> list[Problem]:
    key, out = "externalNetwork", []
    out += address_problems(key, ext.cidr, ext.gateway, [ext.floating_pool], "floatingPool")
    return out


def address_problems(
    key: str, cidr: IPv4Network, gateway: IPv4Address | None, pools: list[IpRange], pool_key: str
) -> list[Problem]:
    """Gateway and pools inside the subnet, usable, ascending, disjoint, and pools clear of the gateway."""
    out: list[Problem] = []
    reserved = (cidr.network_address, cidr.broadcast_address) if cidr.prefixlen < 31 else ()
    if gateway is not None:
        if gateway not in cidr:
            out.append(Problem(f"{key}.gateway", f"{gateway} is outside {cidr}; use an address in it, e.g. {next(cidr.hosts())}"))
        elif gateway in reserved:
            out.append(Problem(f"{key}.gateway", f"{gateway} is the network or broadcast address of {cidr}"))
    spans: list[tuple[int, IpRange]] = []
    for i, pool in enumerate(pools):
        pkey = f"{key}.{pool_key}" if pool_key == "floatingPool" else f"{key}.{pool_key}[{i}]"
        bad = [str(a) for a in (pool.start, pool.end) if a not in cidr or a in reserved]
        if bad:
            out.append(Problem(pkey, f"{', '.join(bad)} is not a usable address of {cidr}"))
            continue
        if pool.start > pool.end:
            out.append(Problem(pkey, f"start {pool.start} is after end {pool.end}; swap them"))
            continue
        if gateway is not None and pool.start <= gateway <= pool.end:
            out.append(Problem(pkey, f"{pool.start}-{pool.end} contains the gateway {gateway}; leave it out"))
        for j, other in spans:
            if pool.start <= other.end and other.start <= pool.end:
                out.append(Problem(pkey, f"{pool.start}-{pool.end} overlaps {pool_key}[{j}] {other.start}-{other.end}"))
        spans.append((i, pool))
    return out
