"""IP plan: pure functions, checked with properties over generated ranges and controller counts."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import ipplan

A = IPv4Address
ha_controllers = st.integers(min_value=3, max_value=10)


def _plan(topology: str = "ha", controllers: int | None = None, spare: int = 0) -> ipplan.Plan:
    count = ipplan.controller_count(topology, controllers)
    size = ipplan.addresses_needed(count) + spare
    return ipplan.make_plan(
        topology, "vio", manager_ip=A("10.0.0.5"), private_vip=A("10.0.0.6"), public_vip=A("10.0.1.6"),
        management_range=(A("10.0.0.10"), A("10.0.0.10") + size - 1),
        api_range=(A("10.0.1.10"), A("10.0.1.10") + size - 1), controllers=controllers,
    )


@given(ha_controllers, st.integers(min_value=0, max_value=20))
def test_plan_is_deterministic_and_ranges_hold_twice_the_controllers(controllers, spare):
    plan = _plan("ha", controllers, spare)
    assert plan == _plan("ha", controllers, spare)
    assert plan.nodes == {"manager": 1, "controller": controllers}
    assert plan.management_range.size >= 2 * controllers and plan.api_range.size >= 2 * controllers
    ips = [a.ip for a in plan.addresses()]
    assert len(set(ips)) == len(ips)
    assert not any(ip in plan.management_range or ip in plan.api_range for ip in ips)


def test_ha_defaults_to_three_controllers_and_compact_to_one():
    assert ipplan.nodes("ha") == {"manager": 1, "controller": 3}
    assert ipplan.nodes("compact") == {"manager": 1, "controller": 1}


@pytest.mark.parametrize(("topology", "count", "allowed"), [("ha", 2, "3 to 10"), ("ha", 11, "3 to 10"),
                                                           ("compact", 3, "exactly 1")])
def test_controller_counts_outside_the_topology_are_refused_naming_the_range(topology, count, allowed):
    with pytest.raises(ValueError, match=allowed):
        ipplan.controller_count(topology, count)


def test_a_range_without_upgrade_room_is_refused_with_the_numbers():
    with pytest.raises(ValueError, match=r"holds 5 address\(es\), 6 needed"):
        ipplan.make_plan("ha", "vio", manager_ip=A("10.0.0.5"), private_vip=A("10.0.0.6"),
                         public_vip=A("10.0.1.6"), management_range=(A("10.0.0.10"), A("10.0.0.14")),
                         api_range=(A("10.0.1.10"), A("10.0.1.40")))


def test_a_vip_inside_a_vio_range_is_refused():
    with pytest.raises(ValueError, match=r"vio-private-vip 10\.0\.0\.12 lies inside the management range"):
        ipplan.make_plan("compact", "vio", manager_ip=A("10.0.0.5"), private_vip=A("10.0.0.12"),
                         public_vip=A("10.0.1.6"), management_range=(A("10.0.0.10"), A("10.0.0.14")),
                         api_range=(A("10.0.1.10"), A("10.0.1.40")))


def test_unknown_topology_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"unknown topology 'huge'.*compact"):
        ipplan.nodes("huge")


def test_plan_entries_name_the_manager_vm_both_vips_and_both_ranges():
    entries = _plan("compact").entries()
    assert [(e["role"], e["key"]) for e in entries] == [
        ("manager", "0"), ("vip", "private"), ("vip", "public"), ("range", "management"), ("range", "api")
    ]
    assert entries[0] == {"name": "vio-manager", "role": "manager", "key": "0", "ip": "10.0.0.5"}


def test_nodes_by_role_take_the_controllers_from_the_status():
    status = [{"name": "c-1", "ip": "10.0.0.11", "role": "controller"},
              {"name": "c-0", "ip": "10.0.0.10", "role": "controller"}]
    assert ipplan.by_role(_plan("compact"), status) == {"manager": ["10.0.0.5"],
                                                        "controller": ["10.0.0.10", "10.0.0.11"]}
