"""Names across the whole config: no two items that join into one logical name; host name lengths."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from components import ipplan
from components.config.problems import Problem
from components.config.vio import ManagementNetwork


@dataclass(frozen=True)
class KeyedItem:
    """An item keyed by name in a list of the config, with the names of the keyed items it sits in."""

    kind: tuple[str, ...]  # field path of the lists, e.g. ("tenants", "networks")
    keys: tuple[str, ...]  # the names along it, e.g. ("vepc", "s1-mme")
    key: str  # config key of its name, e.g. "tenants[0].networks[1].name"


def keyed_items(values: Mapping[str, Any]) -> list[KeyedItem]:
    """Every named list item of the parsed config, found by walking the models (no section is listed by
    hand, so a new section's named lists are included as they are added)."""
    out: list[KeyedItem] = []

    # `field` is the field path since the last named item (e.g. "firewall.ingress"): it tells kinds apart.
    def walk(obj: Any, path: str, kind: tuple[str, ...], keys: tuple[str, ...], field: str) -> None:
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                name = getattr(item, "name", None)
                if isinstance(item, str):  # a list of names, e.g. resourceVcenter.computeClusters
                    out.append(KeyedItem((*kind, field), (*keys, item), f"{path}[{i}]"))
                elif isinstance(name, str):
                    out.append(KeyedItem((*kind, field), (*keys, name), f"{path}[{i}].name"))
                    walk(item, f"{path}[{i}]", (*kind, field), (*keys, name), "")
                else:
                    walk(item, f"{path}[{i}]", kind, keys, field)
        elif isinstance(obj, BaseModel):
            for attr in type(obj).model_fields:
                alias = to_camel(attr)
                walk(getattr(obj, attr), f"{path}.{alias}", kind, keys, f"{field}.{alias}" if field else alias)

    for attr, value in values.items():
        walk(value, to_camel(attr), (), (), to_camel(attr))
    return out


def ambiguous_name_problems(items: Iterable[KeyedItem]) -> list[Problem]:
    """Two named items whose names could join into the same logical name.

    Logical names join the prefix, fixed role words and the names of an item and its parents with '-'
    (`{prefix}-{tenant}-net-{network}`). For two items of the same kind, the role words are the same, so
    equal logical names need equal multisets of '-'-separated tokens across their names, and at least
    two differing names (with one differing name the strings differ). That is what is rejected: tenant
    `a-b`/network `c` against tenant `a`/network `b-c` (both `...-a-b-...-c`), whatever the template.
    The rule is necessary for a collision, so passing it means no two items of a kind share a logical
    name (tests/test_config_corpus.py proves it with a property test over random templates)."""
    out: list[Problem] = []
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[KeyedItem]] = {}
    for item in items:
        if len(item.keys) < 2:
            continue
        tokens = tuple(sorted(t for k in item.keys for t in k.split("-")))
        groups.setdefault((item.kind, tokens), []).append(item)
    for items in groups.values():
        for i, item in enumerate(items):
            for other in items[:i]:
                if sum(a != b for a, b in zip(item.keys, other.keys, strict=True)) >= 2:
                    out.append(Problem(item.key, f"{'/'.join(item.keys)} and {'/'.join(other.keys)} ({other.key}) "
                                                 "can join into the same logical name (same '-' parts in "
                                                 "another order): rename one"))
                    break
    return out


#: vSphere's limit for a VM name; a plane VM's name is also its host name, one DNS label (RFC 1035: 63).
VM_NAME_MAX = 80
DNS_LABEL_MAX = 63
FQDN_MAX = 253


def hostname_problems(values: Mapping[str, Any]) -> list[Problem]:
    """The names of the VMs this program creates (the Manager: `<prefix>-manager`, ipplan.manager_vm_name,
    also its host name) fit one DNS label, and their FQDNs (`<vm>.<managementNetwork.domain>`) 253
    characters. VIO names its controllers itself."""
    network: ManagementNetwork | None = values.get("management_network")
    if network is None and values.get("resource_vcenter") is None:  # a tenant's own stack: no VMs
        return []
    out: list[Problem] = []
    vm = ipplan.manager_vm_name(values.get("name_prefix", "vio"))
    if len(vm) > min(VM_NAME_MAX, DNS_LABEL_MAX):
        out.append(Problem("namePrefix", f"VM and host name {vm!r} is {len(vm)} characters; a host name label "
                                         f"holds {DNS_LABEL_MAX} (vSphere VM names {VM_NAME_MAX}): shorten it"))
    if network is not None and len(vm) + 1 + len(network.domain) > FQDN_MAX:
        out.append(Problem("managementNetwork.domain", f"{vm}.{network.domain[:40]}... is "
                           f"{len(vm) + 1 + len(network.domain)} characters; an FQDN holds {FQDN_MAX}: use a "
                           "shorter domain"))
    return out
