"""What VIO's NSX-T Policy plugin, its FWaaS v2 driver and its Octavia driver do with a tenant's request,
and the config checks that turn each silent weakening into an error naming the key and the fix.

Neutron and Octavia accept more than VIO's plugin enforces: some values are ignored (the rule is applied
wider than written), some are refused only when the backend is called (the apply fails half-way). Every
rule below cites the plugin source it follows. Sources: openstack/vmware-nsx at 30eab6bb8 (master, April
2019, the Train cycle VIO 7 is built from) and the later Train/Ussuri-era copies of the same files
(openstack-archive/vmware-nsx 83ade846 listener_mgr.py, fd242832 nsx_p lb_utils.py, yebinama/vmware-nsx
063c976f listener_mgr.py); openstack/vmware-nsxlib at 1d6b9f2 (vmware_nsxlib/v3/utils.py, constants.py).

Pure functions over the validated config models (no Pulumi): `components.config.rules.tenants` reports
what they return as Problems, the tenant component guards its other callers with them, and the policy pack keeps a
copy of the tables (tests/test_policy.py holds the copy equal to these).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network

from components.config.tenants import FirewallRuleSpec, LbListener, SecurityRule, TenantSpec

#: What this module checks, by config key (docs/configuration.md lists it under each key).
CHECKS: dict[str, str] = {
    "tenants[*].securityGroups[*].rules[*].ports": "tcp and udp only: VIO opens every port of other protocols",
    "tenants[*].securityGroups[*].rules[*].icmpType": "icmp only; a type NSX accepts (nsxlib's strict list)",
    "tenants[*].securityGroups[*].rules[*].icmpCode": "icmp only, with icmpType; a code NSX accepts for it",
    "tenants[*].securityGroups[*].rules[*].remoteCidr": "not 0.0.0.0/N with N > 0 (VIO reads it as any address)",
    "tenants[*].firewall.ingress[*].action": "not reject (VIO applies it as drop)",
    "tenants[*].firewall.egress[*].action": "not reject (VIO applies it as drop)",
    "tenants[*].firewall.ingress[*].source": "not 0.0.0.0/N with N > 0 (VIO reads it as any address)",
    "tenants[*].firewall.ingress[*].destination": "not 0.0.0.0/N with N > 0 (VIO reads it as any address)",
    "tenants[*].firewall.egress[*].source": "not 0.0.0.0/N with N > 0 (VIO reads it as any address)",
    "tenants[*].firewall.egress[*].destination": "not 0.0.0.0/N with N > 0 (VIO reads it as any address)",
    "tenants[*].loadBalancers[*].listeners[*].protocol": "one VIO's Octavia driver supports for vio.version",
    "tenants[*].loadBalancers[*].listeners[*].method": "one NSX implements (not SOURCE_IP_PORT)",
    "tenants[*].loadBalancers[*].listeners[*].monitor.type": "one VIO's Octavia driver supports for vio.version",
    "tenants[*].loadBalancers[*].listeners[*].monitor.expectedCodes": "a list of codes, not a range",
    "tenants[*].roleAssignments": "admin only with cloudAdmin: true (admin is cloud-wide)",
}

#: Protocols the plugin builds a port-limited NSX service for. `_get_rule_service_id`
#: (vmware_nsx/plugins/nsx_p/plugin.py) passes port_range_min/max to `nsxpolicy.service` only for TCP and
#: UDP; ICMP becomes an ICMP service (the "ports" are Neutron's type/code) and every other protocol an
#: `ip_protocol_service` with the protocol number alone: an SCTP rule with ports opens every SCTP port.
PORT_PROTOCOLS = frozenset({"tcp", "udp"})

#: ICMPv4 types and codes the plugin accepts: `_get_rule_service_id` calls vmware_nsxlib/v3/utils.py
#: `validate_icmp_params(..., strict=True)`, which refuses (InvalidInput, a failed apply) any type outside
#: vmware_nsxlib/v3/constants.py IPV4_ICMP_STRICT_TYPES and any code outside the type's list.
ICMP_STRICT_TYPES: dict[int, tuple[int, ...]] = {
    0: (0,), 3: tuple(range(16)), 4: (0,), 5: tuple(range(4)), 8: (0,), 9: (0,), 10: (0,), 11: (0, 1),
    12: (0, 1, 2), 13: (0,), 14: (0,), 15: (0,), 16: (0,), 17: (0,), 18: (0,), 33: (0,), 34: (0,),
    35: (0,), 36: (0,),
}

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Release:
    """What one VIO release's plugin and Keystone accept. `tenant_roles`: Keystone's default roles a
    tenant principal can hold without administering the cloud."""

    openstack: str
    listener_protocols: tuple[str, ...]
    monitor_types: tuple[str, ...]
    lb_methods: tuple[str, ...]
    tenant_roles: tuple[str, ...]


#: Per VIO release, longest version prefix first. Every VIO 7.x ships the Train-era plugin:
#: - listeners: vmware_nsx/services/lbaas/nsx_p/implementation/listener_mgr.py `_get_nsxlib_app_profile`
#:   maps HTTP and TERMINATED_HTTPS to an HTTP profile, TCP and HTTPS to a fast-TCP profile and refuses
#:   anything else ("Cannot create listener ... with protocol"): UDP is refused in every stored version.
#:   TERMINATED_HTTPS needs a Barbican certificate this config does not carry, so it is not offered.
#: - monitors: nsx_p healthmonitor_mgr.py `_get_monitor_policy_client` (later lb_utils.py
#:   `get_monitor_policy_client`) maps TCP, HTTP, HTTPS and PING and refuses the rest ("Cannot create
#:   health monitor ... with type"): UDP-CONNECT and TLS-HELLO go to ERROR.
#: - algorithms: nsx_p pool_mgr.py `lb_const.LB_POOL_ALGORITHM_MAP.get(pool['lb_algorithm'])`
#:   (vmware_nsx/services/lbaas/lb_const.py: ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP); SOURCE_IP_PORT
#:   maps to None, so NSX applies its default (round robin) while Octavia shows SOURCE_IP_PORT.
#: - roles: Keystone provides admin, member and reader since Rocky (docs.openstack.org/keystone/ussuri/
#:   admin/service-api-protection.html); `manager` is bootstrapped only from 2023.2 (keystone/cmd/
#:   bootstrap.py, stable/2023.2), after every OpenStack release VIO ships.
RELEASES: dict[str, Release] = {
    "7": Release(
        openstack="Train",
        listener_protocols=("TCP", "HTTP", "HTTPS"),
        monitor_types=("PING", "TCP", "HTTP", "HTTPS"),
        lb_methods=("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"),
        tenant_roles=("member", "reader"),
    ),
}


def release(version: str | None) -> tuple[str, Release]:
    """(label, Release) of a VIO version such as 7.3.0; None (a tenant stack, which does not know the
    platform's version) takes the intersection of every known release."""
    if version is not None:
        for prefix in sorted(RELEASES, key=len, reverse=True):
            if version == prefix or version.startswith(prefix + "."):
                return f"VIO {version}", RELEASES[prefix]
    known = list(RELEASES.values())

    def common(field: str) -> tuple[str, ...]:
        return tuple(v for v in getattr(known[0], field) if all(v in getattr(r, field) for r in known))

    return "every VIO release", Release(
        "/".join(sorted({r.openstack for r in known})), common("listener_protocols"), common("monitor_types"),
        common("lb_methods"), common("tenant_roles"),
    )


# ------------------------------------------------------------------------------- single-value rules


def port_protocol_problem(protocol: str, has_ports: bool) -> str | None:
    """Ports on a protocol the plugin cannot limit by port (everything but TCP/UDP; ICMP has its own keys)."""
    if not has_ports or protocol in PORT_PROTOCOLS:
        return None
    if protocol == "icmp":
        return ("ports do not apply to icmp; set icmpType (and icmpCode) to limit the ICMP messages, "
                "or remove ports")
    if protocol == "any":
        return "ports need a protocol (tcp or udp); Neutron refuses ports on every protocol. Remove them"
    return (f"VIO cannot limit {protocol} by port: its NSX-T plugin builds port-limited services only for "
            f"tcp and udp and turns a {protocol} rule into a protocol-only service, so every {protocol} port "
            f"would be open while Neutron still showed the range. Remove ports and limit the rule by its "
            f"source (remoteCidr/remoteGroup) instead")


def icmp_problem(protocol: str, icmp_type: int | None, icmp_code: int | None) -> tuple[str, str] | None:
    """(field, message) for an ICMP type/code the plugin refuses; field is icmpType or icmpCode."""
    if icmp_type is None and icmp_code is None:
        return None
    if protocol != "icmp":
        return "icmpType", f"icmpType/icmpCode apply to protocol icmp only, not {protocol!r}; remove them"
    if icmp_type is None:
        return "icmpCode", "an ICMP code needs its type: set icmpType too (Neutron refuses a code alone)"
    if icmp_type not in ICMP_STRICT_TYPES:
        return "icmpType", (f"{icmp_type}: VIO's NSX-T plugin accepts ICMP types "
                            f"{', '.join(map(str, ICMP_STRICT_TYPES))} only (nsxlib's strict list)")
    if icmp_code is not None and icmp_code not in ICMP_STRICT_TYPES[icmp_type]:
        codes = ICMP_STRICT_TYPES[icmp_type]
        return "icmpCode", (f"{icmp_code}: ICMP type {icmp_type} takes code(s) "
                            f"{codes[0]}-{codes[-1] if len(codes) > 1 else codes[0]} on VIO")
    return None


def widened_cidr_problem(cidr: IPv4Network | None) -> str | None:
    """The plugin drops any remote/source CIDR that starts with 0.0.0.0/ (common_v3/plugin.py
    `_fix_sg_rule_dict_ips`; FWaaS nsx_p/fwaas_callbacks_v2.py `_is_empty_cidr`): 0.0.0.0/N is applied as
    every address."""
    if cidr is None or int(cidr.network_address) != 0 or cidr.prefixlen == 0:
        return None
    return (f"{cidr}: VIO's NSX-T plugin applies every prefix of 0.0.0.0 as any address, so this rule would "
            "match the whole internet; write 0.0.0.0/0 if that is meant, or a prefix that does not start at 0.0.0.0")


# ----------------------------------------------------------------------------------- tenant checks


def _rule_problems(rkey: str, rule: SecurityRule) -> Iterator[tuple[str, str]]:
    message = port_protocol_problem(rule.protocol, rule.ports is not None)
    if message:
        yield f"{rkey}.ports", f"{rule.ports!r}: {message}"
    icmp = icmp_problem(rule.protocol, rule.icmp_type, rule.icmp_code)
    if icmp:
        yield f"{rkey}.{icmp[0]}", icmp[1]
    message = widened_cidr_problem(rule.remote_cidr)
    if message:
        yield f"{rkey}.remoteCidr", message


def _firewall_rule_problems(fkey: str, rule: FirewallRuleSpec) -> Iterator[tuple[str, str]]:
    # vmware_nsx/services/fwaas/common/v3_utils.py `translate_fw_rule_action`: "Reject action is not
    # supported by the NSX backend for edge firewall", applied as DROP with only a log warning.
    if rule.action == "reject":
        yield f"{fkey}.action", ("'reject': VIO's edge firewall cannot reject; it silently drops instead (no "
                                 "ICMP unreachable/TCP reset reaches the sender). Write action: deny")
    for field, cidr in (("source", rule.source), ("destination", rule.destination)):
        message = widened_cidr_problem(cidr)
        if message:
            yield f"{fkey}.{field}", message


def _listener_problems(xkey: str, listener: LbListener, label: str, rel: Release) -> Iterator[tuple[str, str]]:
    if listener.protocol not in rel.listener_protocols:
        yield f"{xkey}.protocol", (f"{listener.protocol}: VIO's Octavia driver ({label}) refuses this listener "
                                   f"protocol; it supports {', '.join(rel.listener_protocols)}")
    if listener.method not in rel.lb_methods:
        yield f"{xkey}.method", (f"{listener.method}: VIO's Octavia driver ({label}) does not map this algorithm "
                                 "and NSX would balance round robin instead; use "
                                 f"{', '.join(rel.lb_methods)}")
    mon = listener.monitor
    if mon.type not in rel.monitor_types:
        yield f"{xkey}.monitor.type", (f"{mon.type}: VIO's Octavia driver ({label}) refuses this health monitor "
                                       f"type and the monitor goes to ERROR; it supports "
                                       f"{', '.join(rel.monitor_types)}")
    # nsx_p healthmonitor_mgr.py `_build_monitor_args`: int(code) for each comma-separated code, so
    # Octavia's range form ("200-204") fails in the driver.
    if mon.expected_codes is not None and not all(c.strip().isdigit() for c in mon.expected_codes.split(",")):
        yield f"{xkey}.monitor.expectedCodes", (f"{mon.expected_codes!r}: VIO's Octavia driver takes a "
                                                "comma-separated list of codes (200,202), not a range")


def role_problem(role: str, cloud_admin: bool, label: str, rel: Release) -> str | None:
    """`admin` on a project is cloud-wide: the default policies test the role, not its scope
    (neutron/conf/policies/base.py and nova/policies/base.py: context_is_admin = "role:admin")."""
    if role.lower() != ADMIN_ROLE or cloud_admin:
        return None
    return (f"'admin' on a project grants administration of the whole cloud, not of the project: Neutron's and "
            f"Nova's default policies test only the role (context_is_admin = role:admin). For a tenant "
            f"principal on {label} use {' or '.join(rel.tenant_roles)}; only if this principal must "
            "administer every project, set cloudAdmin: true on this assignment")


def tenant_problems(key: str, tenant: TenantSpec, vio_version: str | None) -> list[tuple[str, str]]:
    """(full key, message) for every value of `tenant` VIO's plugin would weaken or refuse."""
    label, rel = release(vio_version)
    out: list[tuple[str, str]] = []
    for i, ra in enumerate(tenant.role_assignments):
        message = role_problem(ra.role, ra.cloud_admin, label, rel)
        if message:
            out.append((f"{key}.roleAssignments[{i}].role", message))
    for i, group in enumerate(tenant.security_groups):
        for j, rule in enumerate(group.rules):
            out += _rule_problems(f"{key}.securityGroups[{i}].rules[{j}]", rule)
    if tenant.firewall is not None:
        for direction in ("ingress", "egress"):
            for i, fw_rule in enumerate(getattr(tenant.firewall, direction)):
                out += _firewall_rule_problems(f"{key}.firewall.{direction}[{i}]", fw_rule)
    for i, lb in enumerate(tenant.load_balancers):
        for j, listener in enumerate(lb.listeners):
            out += _listener_problems(f"{key}.loadBalancers[{i}].listeners[{j}]", listener, label, rel)
    return out
