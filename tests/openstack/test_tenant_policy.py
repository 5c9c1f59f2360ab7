"""What reference Neutron lets a tenant's own account (the `member` role, as examples/tenant-stack signs
in) send, for the router arguments components/tenant_network.py sets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sim.openstack.client import ApiError, Client
from sim.openstack.layout import Layout

pytestmark = pytest.mark.openstack
PASSWORD = "member-Secret-1"


@pytest.fixture
def member(openstack_cloud: Client, openstack_layout: Layout) -> Iterator[tuple[Client, str]]:
    """A project with a member user (what the platform stack makes for a tenant team) and an external
    network as the platform makes it; yields (the member's client, the external network id)."""
    admin = openstack_cloud
    project = admin.call("identity", "POST", "/projects", {"project": {"name": "policy-probe", "domain_id": "default"}})
    user = admin.call("identity", "POST", "/users", {"user": {"name": "policy-probe-deployer", "password": PASSWORD,
                                                                "domain_id": "default"}})
    pid, uid = project["project"]["id"], user["user"]["id"]
    role = admin.get("identity", "/roles?name=member")["roles"][0]["id"]
    admin.call("identity", "PUT", f"/projects/{pid}/users/{uid}/roles/{role}")
    net = admin.call("network", "POST", "/networks", {"network": {
        "name": "policy-probe-ext", "router:external": True, "provider:network_type": "l3_ext",
        "provider:physical_network": "t0"}})["network"]
    subnet = admin.call("network", "POST", "/subnets", {"subnet": {
        "network_id": net["id"], "cidr": "203.0.113.0/24", "ip_version": 4, "enable_dhcp": False}})["subnet"]
    try:
        yield Client(openstack_layout.auth_url, "policy-probe-deployer", PASSWORD, "policy-probe",
                     str(openstack_layout.ca_file)), net["id"]
    finally:
        for router in admin.get("network", f"/routers?project_id={pid}")["routers"]:
            admin.call("network", "DELETE", f"/routers/{router['id']}")
        admin.call("network", "DELETE", f"/subnets/{subnet['id']}")
        admin.call("network", "DELETE", f"/networks/{net['id']}")
        admin.call("identity", "DELETE", f"/users/{uid}")
        admin.call("identity", "DELETE", f"/projects/{pid}")


def _router(client: Client, gateway: dict[str, object]) -> int:
    try:
        client.call("network", "POST", "/routers", {"router": {"name": "probe", "external_gateway_info": gateway}})
    except ApiError as e:
        return e.status
    return 201


def test_a_member_may_set_a_gateway_but_not_enable_snat_either_way(member: tuple[Client, str]) -> None:
    """Neutron's default policy makes `create_router:external_gateway_info:enable_snat` admin-only
    (neutron/conf/policies/router.py), enforced whenever the request names the attribute: why TenantNetworkStack
    names it only for snat: false (a gateway without it is SNAT, allowed to a member), and why a no-SNAT
    router needs an admin account unless VIO's policy differs."""
    client, ext = member
    assert _router(client, {"network_id": ext}) == 201
    assert _router(client, {"network_id": ext, "enable_snat": True}) == 403
    assert _router(client, {"network_id": ext, "enable_snat": False}) == 403
