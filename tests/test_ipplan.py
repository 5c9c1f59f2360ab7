"""IP plan: pure functions, checked with properties over generated ranges and cluster lists."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import ipplan

clusters = st.lists(
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True), max_size=6, unique=True
)
topologies = st.sampled_from(sorted(ipplan.TOPOLOGIES))
starts = st.integers(min_value=int(IPv4Address("10.0.0.1")), max_value=int(IPv4Address("10.255.0.1")))


@given(topologies, clusters, starts, st.integers(min_value=0, max_value=40))
def test_allocation_is_unique_inside_the_range_and_deterministic(topology, names, start, spare):
    first = IPv4Address(start)
    needed = ipplan.addresses_needed(topology, len(names))
    last = first + needed - 1 + spare
    plan = ipplan.allocate(topology, names, first, last)
    assert plan == ipplan.allocate(topology, names, first, last)
    addresses = [n.address for n in plan]
    assert len(set(addresses)) == len(addresses) == needed
    assert all(first <= a <= last for a in addresses)
    assert len({n.slug for n in plan}) == len(plan)


@given(topologies, clusters, st.from_regex(r"z[a-z0-9]{1,8}", fullmatch=True))
def test_appending_a_cluster_moves_no_existing_node(topology, names, extra):
    first = IPv4Address("10.1.0.10")
    before = ipplan.allocate(topology, names, first, first + 60)
    after = ipplan.allocate(topology, [*names, extra], first, first + 60)
    assert after[: len(before)] == before
    assert after[-1].role == "compute-driver" and after[-1].key == extra


def test_ha_has_no_single_point_of_failure_and_compact_one_controller():
    ha = ipplan.node_keys("ha", ["c1"])
    compact = ipplan.node_keys("compact", ["c1"])
    count = lambda keys, role: sum(1 for r, _ in keys if r == role)  # noqa: E731
    assert (count(ha, "lb"), count(ha, "controller"), count(ha, "db")) == (2, 3, 3)
    assert (count(compact, "lb"), count(compact, "controller"), count(compact, "db")) == (0, 1, 0)
    assert count(ha, "compute-driver") == count(compact, "compute-driver") == 1


def test_a_range_too_small_is_refused_with_the_numbers():
    with pytest.raises(ValueError, match="holds 3 address"):
        ipplan.allocate("ha", ["c1"], IPv4Address("10.0.0.1"), IPv4Address("10.0.0.3"))


def test_unknown_topology_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"unknown topology 'huge'.*compact"):
        ipplan.node_keys("huge", [])
