"""Keys of earlier versions, reported with what replaces them and stripped before the shape pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.config.problems import Problem
from components.config.types import DVS_MOID_HOW

#: Keys of earlier versions that asked VIO for what its NSX-T Policy plugin refuses, and the replacement.
#: Sources (openstack/vmware-nsx, the plugin VIO 7 ships): vmware_nsx/services/dynamic_routing/bgp_plugin.py
#: ("Currently only the nsx-v is supported. other plugins will be refused"); the Policy plugin's
#: `supported_extension_aliases` (vmware_nsx/plugins/nsx_p/plugin.py) lists no floating-IP port
#: forwarding extension; `_update_router_advertisement` there advertises a Tier-1's connected subnets.
RETIRED_BGP = (
    "Neutron BGP speakers and peers are refused by VIO's NSX-T Policy plugin (neutron-dynamic-routing "
    "supports only NSX-V). To reach a network without NAT, set `noNat: true` on it and `router.snat: false`: "
    "its subnet is drawn from the platform's routable address scope, the tenant's Tier-1 advertises it and "
    "the Tier-0 redistributes it into BGP towards vio-nfv:nsx.tier0.neighbors. Remove this key"
)
RETIRED_PORT_FORWARDS = (
    "floating IP port forwarding is not implemented by VIO's NSX-T Policy plugin: a floating IP is a 1:1 "
    "DNAT of every port. Give each service VM's port its own floating IP (set `network` and `address` on "
    "the floating IP), or put an Octavia load balancer listener (loadBalancers[]) in front. Remove portForwards"
)


#: `resourceVcenter.distributedSwitch` (a switch name, looked up and sent as every compute cluster's
#: `dvs_moid`): VIO 7's `compute_cluster.dvs_moid` is Optional, "the option dvs moid used for enhanced
#: network SRIOV" (developer.broadcom.com/xapis/vmware-integrated-openstack-api/latest/data-structures/
#: compute_cluster), and the provider's lookup gave the switch's UUID, not its moid.
RETIRED_RESOURCE_SWITCH = (
    "removed: VIO's deployment takes a switch only as the optional `dvs_moid` of its compute clusters, for "
    "enhanced networking (SR-IOV), and by managed object id, not by name. Remove this key; only if the compute "
    "clusters use enhanced networking/SR-IOV, set resourceVcenter.dvsMoid to the switch's moid (dvs-NN): "
    + DVS_MOID_HOW
)


def _retired_tenant_keys(key: str, raw: Any) -> tuple[Any, list[Problem]]:
    """Report and strip the retired keys of one raw tenant, so the shape pass reports only the rest."""
    if not isinstance(raw, Mapping):
        return raw, []
    out: list[Problem] = []
    tenant = dict(raw)

    def strip(where: dict[str, Any], wkey: str) -> None:
        for name in sorted(where):
            if name == "bgp" or name.startswith("advertise"):
                out.append(Problem(f"{wkey}.{name}", RETIRED_BGP))
                del where[name]

    strip(tenant, key)
    if isinstance(tenant.get("router"), Mapping):
        tenant["router"] = dict(tenant["router"])
        strip(tenant["router"], f"{key}.router")
    for field, label in (("networks", "networks"), ("floatingIps", "floatingIps")):
        items = tenant.get(field)
        if not isinstance(items, list):
            continue
        cleaned = []
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                item = dict(item)
                strip(item, f"{key}.{label}[{i}]")
                if "portForwards" in item:
                    out.append(Problem(f"{key}.{label}[{i}].portForwards", RETIRED_PORT_FORWARDS))
                    del item["portForwards"]
            cleaned.append(item)
        tenant[field] = cleaned
    return tenant, out


def without_retired(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The raw namespace with retired keys reported and removed (platform and tenant stack): the tenants'
    and `resourceVcenter.distributedSwitch`."""
    clean, problems = dict(raw), []
    resource = clean.get("resourceVcenter")
    if isinstance(resource, Mapping) and "distributedSwitch" in resource:
        problems.append(Problem("resourceVcenter.distributedSwitch", RETIRED_RESOURCE_SWITCH))
        clean["resourceVcenter"] = {k: v for k, v in resource.items() if k != "distributedSwitch"}
    if isinstance(clean.get("tenants"), list):
        tenants = []
        for i, tenant in enumerate(clean["tenants"]):
            tenant, found = _retired_tenant_keys(f"tenants[{i}]", tenant)
            tenants.append(tenant)
            problems += found
        clean["tenants"] = tenants
    if "tenant" in clean:
        clean["tenant"], found = _retired_tenant_keys("tenant", clean["tenant"])
        problems += found
    return clean, problems
