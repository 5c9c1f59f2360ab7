"""NSX rules: the Tier-0's edge nodes per HA mode, uplink addressing, HA VIPs and BGP peers."""

from __future__ import annotations

from components.config.nsx import TIER0_EDGE_NODES, Tier0
from components.config.problems import Problem, duplicates
from components.config.types import IPv4Address

#: What this module checks, by config key (docs/configuration.md lists it under each key).
CHECKS: dict[str, str] = {
    "nsx.tier0.edgeNodes": "ACTIVE_STANDBY: exactly 2 edge nodes; ACTIVE_ACTIVE: 1 to 8; none twice",
    "nsx.tier0.uplinks[*].name": "unique among the uplinks",
    "nsx.tier0.uplinks[*].vlan": "unique among the uplinks",
    "nsx.tier0.uplinks[*].interfaces": "one per Tier-0 edge node, on nsx.tier0.edgeNodes only",
    "nsx.tier0.uplinks[*].interfaces[*].address": "inside the uplink's subnet, used once",
    "nsx.tier0.uplinks[*].haVip": "required with ACTIVE_STANDBY, refused with ACTIVE_ACTIVE, inside the subnet",
    "nsx.tier0.neighbors[*].name": "unique among the neighbors",
    "nsx.tier0.neighbors[*].address": "in an uplink subnet, not the Tier-0's own address, listed once",
    "nsx.tier0.neighbors[*].remoteAs": "differs from localAs unless ibgp: true",
    "nsx.tier0.neighbors[*].ibgp": "true only with remoteAs equal to localAs",
}


def tier0_problems(t0: Tier0) -> list[Problem]:
    """Edge nodes per HA mode, uplink addressing, HA VIPs and BGP peers of `nsx.tier0`."""
    key = "nsx.tier0"
    out: list[Problem] = []
    low, high = TIER0_EDGE_NODES[t0.ha_mode]
    nodes = len(set(t0.edge_nodes))
    if not low <= nodes <= high:
        need = f"exactly {low}" if low == high else f"{low} to {high}"
        out.append(
            Problem(f"{key}.edgeNodes", f"{t0.edge_nodes}: haMode {t0.ha_mode} needs {need} edge nodes")
        )
    for i, dup in duplicates(str(n) for n in t0.edge_nodes):
        out.append(Problem(f"{key}.edgeNodes[{i}]", f"edge node {dup} is listed twice"))
    for i, dup in duplicates(u.name for u in t0.uplinks):
        out.append(Problem(f"{key}.uplinks[{i}].name", f"uplink {dup!r} is defined twice"))
    for i, dup in duplicates(str(u.vlan) for u in t0.uplinks):
        out.append(Problem(f"{key}.uplinks[{i}].vlan", f"VLAN {dup} is used by another uplink"))

    owners: dict[IPv4Address, str] = {}
    for i, uplink in enumerate(t0.uplinks):
        ukey, cidr = f"{key}.uplinks[{i}]", uplink.cidr
        placed = [x.edge_node for x in uplink.interfaces]
        for j, dup in duplicates(str(n) for n in placed):
            out.append(Problem(f"{ukey}.interfaces[{j}].edgeNode", f"edge node {dup} has two interfaces here"))
        for j, iface in enumerate(uplink.interfaces):
            if iface.edge_node not in t0.edge_nodes:
                out.append(
                    Problem(
                        f"{ukey}.interfaces[{j}].edgeNode",
                        f"{iface.edge_node} is not one of nsx.tier0.edgeNodes {t0.edge_nodes}",
                    )
                )
        missing = sorted(set(t0.edge_nodes) - set(placed))
        if missing:
            out.append(
                Problem(f"{ukey}.interfaces", f"no interface for edge node(s) {missing}; add one per edge node")
            )
        addresses = [(f"{ukey}.interfaces[{j}].address", x.address) for j, x in enumerate(uplink.interfaces)]
        if uplink.ha_vip is not None:
            addresses.append((f"{ukey}.haVip", uplink.ha_vip))
        for field, addr in addresses:
            if addr not in cidr:
                out.append(Problem(field, f"{addr} is outside the uplink subnet {cidr}"))
            elif cidr.prefixlen < 31 and addr in (cidr.network_address, cidr.broadcast_address):
                out.append(Problem(field, f"{addr} is the network or broadcast address of {cidr}"))
            if addr in owners:
                out.append(Problem(field, f"{addr} is already used by {owners[addr]}"))
            else:
                owners[addr] = field
        if t0.ha_mode == "ACTIVE_STANDBY" and uplink.ha_vip is None:
            out.append(Problem(f"{ukey}.haVip", f"is required with haMode ACTIVE_STANDBY (a free address in {cidr})"))
        if t0.ha_mode == "ACTIVE_ACTIVE" and uplink.ha_vip is not None:
            out.append(
                Problem(f"{ukey}.haVip", f"{uplink.ha_vip}: HA VIPs exist only with haMode ACTIVE_STANDBY; remove it")
            )

    for i, dup in duplicates(n.name for n in t0.neighbors):
        out.append(Problem(f"{key}.neighbors[{i}].name", f"neighbor {dup!r} is defined twice"))
    for i, dup in duplicates(str(n.address) for n in t0.neighbors):
        out.append(Problem(f"{key}.neighbors[{i}].address", f"neighbor address {dup} is listed twice"))
    for i, peer in enumerate(t0.neighbors):
        nkey = f"{key}.neighbors[{i}]"
        if not any(peer.address in u.cidr for u in t0.uplinks):
            subnets = ", ".join(str(u.cidr) for u in t0.uplinks)
            out.append(Problem(f"{nkey}.address", f"{peer.address} is in no uplink subnet ({subnets})"))
        if peer.address in owners:
            out.append(Problem(f"{nkey}.address", f"{peer.address} is the Tier-0's own {owners[peer.address]}"))
        if peer.remote_as == t0.local_as and not peer.ibgp:
            out.append(
                Problem(
                    f"{nkey}.remoteAs",
                    f"{peer.remote_as} equals nsx.tier0.localAs; use the peer's AS for eBGP, "
                    "or set ibgp: true if this is an iBGP peer",
                )
            )
        if peer.ibgp and peer.remote_as != t0.local_as:
            out.append(
                Problem(
                    f"{nkey}.ibgp",
                    f"iBGP needs remoteAs {peer.remote_as} to equal localAs {t0.local_as}; "
                    "set ibgp: false for eBGP",
                )
            )
    return out
