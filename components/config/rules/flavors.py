"""Flavor extra specs: the allow-list of what VIO's compute driver reads, and what it refuses or ignores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config.openstack import Flavor
from components.config.problems import Problem, duplicates

#: What this module checks, by config key (docs/configuration.md lists it under each key).
CHECKS: dict[str, str] = {
    "flavors[*].name": "unique among the flavors",
    "flavors[*].extraSpecs": "only the specs of FLAVOR_EXTRA_SPECS with their values; quota:vif_* and the "
    "libvirt-only hw: specs refused with the replacement; *_shares_share only with level custom; latency "
    "sensitivity high needs 100% CPU and memory reservations",
}


#: A flavor extra spec VIO's compute driver reads: what values it takes and whether a VIO document says so.
@dataclass(frozen=True)
class ExtraSpecRule:
    expected: str
    accepts: Any  # callable str -> bool
    confirmed: bool


def _ints(low: int, high: int) -> Any:
    return lambda v: v.lstrip("-").isdigit() and low <= int(v) <= high


def _one_of(*values: str) -> Any:
    return lambda v: v in values


def _numa_extra_config(value: str) -> bool:
    import json

    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return (
        isinstance(parsed, dict)
        and set(parsed) == {"numa.nodeAffinity"}
        and all(p.strip().isdigit() for p in str(parsed["numa.nodeAffinity"]).split(","))
    )


#: The allow-list of flavor extra specs. `confirmed`: listed in VIO's "Flavor Extra Specs" page
#: (docs.vmware.com/en/VMware-Integrated-OpenStack/{4.1,7.1,7.2,7.3}/com.vmware.openstack.admin.doc/
#: GUID-7E6470D6-0A0E-494E-81CB-B576FA7E48D3.html): hw:vifs_multi_thread; quota:cpu_limit ("The value 0
#: indicates that CPU usage is not limited"), cpu_reservation (MHz), cpu_reservation_percent (takes
#: precedence over cpu_reservation), cpu_shares_level (custom enables cpu_shares_share, ignored otherwise),
#: quota:disk_io_* the same way (disk_io_limit 0 = not limited); vmware:extra_config with numa.nodeAffinity
#: in the Carrier Edition docs. Field-used but not confirmed by a VIO page: vmware:latency_sensitivity_level
#: (OSM's VIO connector; 'high' needs full CPU and memory reservations, enforced below) and the
#: quota:memory_* specs of upstream Nova's VMware driver (the part of the VIO table the reference corpus
#: holds stops at disk_io_shares_share).
FLAVOR_EXTRA_SPECS: Mapping[str, ExtraSpecRule] = {
    "hw:vifs_multi_thread": ExtraSpecRule("true or false", _one_of("true", "false"), True),
    "quota:cpu_limit": ExtraSpecRule("MHz as an integer, 0 for unlimited", _ints(0, 10**7), True),
    "quota:cpu_reservation": ExtraSpecRule("MHz as an integer", _ints(0, 10**7), True),
    "quota:cpu_reservation_percent": ExtraSpecRule("an integer 0-100", _ints(0, 100), True),
    "quota:cpu_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), True
    ),
    "quota:cpu_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), True),
    "quota:disk_io_limit": ExtraSpecRule("IOPS as an integer, 0 for unlimited", _ints(0, 10**7), True),
    "quota:disk_io_reservation": ExtraSpecRule("IOPS as an integer", _ints(0, 10**7), True),
    "quota:disk_io_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), True
    ),
    "quota:disk_io_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), True),
    "vmware:extra_config": ExtraSpecRule(
        'JSON {"numa.nodeAffinity": "<node>[,<node>...]"}', _numa_extra_config, True
    ),
    "vmware:latency_sensitivity_level": ExtraSpecRule("high", _one_of("high"), False),
    "quota:memory_limit": ExtraSpecRule("MB as an integer, 0 for unlimited", _ints(0, 10**7), False),
    "quota:memory_reservation": ExtraSpecRule("MB as an integer", _ints(0, 10**7), False),
    "quota:memory_reservation_percent": ExtraSpecRule("an integer 0-100", _ints(0, 100), False),
    "quota:memory_shares_level": ExtraSpecRule(
        "low, normal, high or custom", _one_of("low", "normal", "high", "custom"), False
    ),
    "quota:memory_shares_share": ExtraSpecRule("an integer share count", _ints(0, 10**6), False),
}

#: Specs refused with the reason: VIO's page says `quota:vif_*` "cannot be used with NSX-T Data Center
#: deployments" (same page as above); the `hw:` NUMA/pinning/huge-page specs are libvirt driver concepts
#: that VIO's vCenter driver ignores, so a flavor relying on them would silently not get what it asks for.
REJECTED_EXTRA_SPECS: Mapping[str, str] = {
    "quota:vif_limit": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra Specs'); "
    "use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_reservation": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_shares_level": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "quota:vif_shares_share": "virtual interface quotas are not supported with NSX-T (VIO 'Flavor Extra "
    "Specs'); use a Network I/O Control profile on the transport nodes' switch",
    "hw:mem_page_size": "huge pages are a libvirt concept with no effect on VIO's vCenter driver; for "
    "dedicated memory use quota:memory_reservation_percent: 100",
    "hw:cpu_policy": "CPU pinning is a libvirt concept with no effect on VIO's vCenter driver; use "
    "vmware:latency_sensitivity_level: high with quota:cpu_reservation_percent: 100",
    "hw:cpu_thread_policy": "a libvirt concept with no effect on VIO's vCenter driver; use "
    "vmware:latency_sensitivity_level: high",
    "hw:numa_nodes": "a libvirt concept with no effect on VIO's vCenter driver; use vmware:extra_config "
    'with {"numa.nodeAffinity": "..."}',
}


def flavor_problems(flavors: list[Flavor]) -> list[Problem]:
    out: list[Problem] = []
    for i, dup in duplicates(f.name for f in flavors):
        out.append(Problem(f"flavors[{i}].name", f"flavor {dup!r} is defined twice"))
    for i, flavor in enumerate(flavors):
        fkey = f"flavors[{i}].extraSpecs"
        specs = flavor.specs()
        for spec, value in specs.items():
            rule = FLAVOR_EXTRA_SPECS.get(spec)
            if spec in REJECTED_EXTRA_SPECS:
                out.append(Problem(f"{fkey}.{spec}", f"{value!r}: {REJECTED_EXTRA_SPECS[spec]}; remove it"))
            elif rule is None:
                out.append(Problem(f"{fkey}.{spec}", f"unknown extra spec (value {value!r}); allowed: "
                                   f"{', '.join(sorted(FLAVOR_EXTRA_SPECS))}"))
            elif not rule.accepts(value):
                out.append(Problem(f"{fkey}.{spec}", f"{value!r} is not {rule.expected}"))
        for kind in ("cpu", "disk_io", "memory"):
            share = f"quota:{kind}_shares_share"
            level = specs.get(f"quota:{kind}_shares_level")
            if share in specs and level != "custom":
                out.append(Problem(f"{fkey}.{share}", f"{specs[share]!r} is ignored unless quota:{kind}_shares_level "
                                   f"is custom (it is {level!r}); set the level to custom or remove the share"))
        if specs.get("vmware:latency_sensitivity_level") == "high":
            for needed in ("quota:cpu_reservation_percent", "quota:memory_reservation_percent"):
                if specs.get(needed) != "100":
                    out.append(Problem(f"{fkey}.{needed}", f"{specs.get(needed)!r}: latency sensitivity 'high' "
                                       "needs full reservations; set it to 100"))
    return out
