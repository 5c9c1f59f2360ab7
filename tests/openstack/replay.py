"""Replay the OpenStack resources a stack evaluation registers against the real services, as
terraform-provider-openstack sends them, and tear them down again.

The Registration inputs are what the program hands the Pulumi provider (camelCase, mock ids for other
resources' outputs). Each handler builds the request terraform-provider-openstack v3.4.0 (the upstream of
pulumi-openstack 5.5.x) builds from those inputs, with gophercloud v2.8.0's request bodies; the file each
follows is named in its docstring. Mock ids are replaced by the real ids as resources are created
(offline/mocks.py derives them from type and name), so references between resources hold.

After each create, the object is read back and every field sent is compared with what the service
stored: a difference is a place where the real service normalises what the program sends
(`Replay.normalised`), reported by the tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from offline.evaluate import Registration
from offline.mocks import _uuid, stable_id
from sim.openstack.client import ApiError, Client

Deleter = Callable[[], None]


#: Fields the provider's schema types as sets (schema.TypeSet): their order is never a diff.
#: resource_openstack_fw_group_v2.go `ports`, resource_openstack_networking_subnet_v2.go `allocation_pool`.
SET_FIELDS = frozenset({"ports", "allocation_pools"})


def _int(value: Any) -> Any:
    # Pulumi's protobuf numbers arrive as floats; the provider's schema types them as ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def creation_order(resources: list[Registration]) -> list[Registration]:
    """Dependencies first, as the engine creates them: explicit and property dependencies, and any input
    holding another resource's (mock) id or a router interface's port id. Ties keep the given order."""
    by_urn = {r.urn: r for r in resources}
    by_id = {_uuid(r.type, r.name): r.urn for r in resources}
    by_id.update({_uuid("port", r.name): r.urn for r in resources if r.type.endswith(":RouterInterface")})

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        return []

    needs = {
        r.urn: ({d for d in r.dependencies if d in by_urn}
                | {d for ds in r.property_dependencies.values() for d in ds if d in by_urn}
                | {by_id[s] for s in strings(r.inputs) if s in by_id}) - {r.urn}
        for r in resources
    }
    ordered: list[Registration] = []
    placed: set[str] = set()
    while len(ordered) < len(resources):
        ready = [r for r in resources if r.urn not in placed and needs[r.urn] <= placed]
        if not ready:
            raise ValueError(f"dependency cycle among {sorted(set(by_urn) - placed)}")
        ordered.extend(ready)
        placed.update(r.urn for r in ready)
    return ordered


@dataclass
class Replay:
    client: Client
    ids: dict[str, str] = field(default_factory=dict)
    deleters: list[tuple[str, Deleter]] = field(default_factory=list)
    #: (resource name, field, sent, stored) where the service stored something else than was sent.
    normalised: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    #: Every object created, by kind: (kind, real id), for the "nothing remains" check.
    created: list[tuple[str, str]] = field(default_factory=list)

    # ------------------------------------------------------------------ plumbing
    def real(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.ids.get(value, value)
        if isinstance(value, list):
            return [self.real(v) for v in value]
        if isinstance(value, dict):
            return {k: self.real(v) for k, v in value.items()}
        return _int(value)

    def map_invoke(self, token: str, name: str, real_id: str) -> None:
        # offline/mocks.py answers getRole/getUser/getGroup with stable_id(token, name).
        self.ids[stable_id(token, name)] = real_id

    def _record(self, reg: Registration, real_id: str, kind: str, deleter: Deleter) -> None:
        self.ids[_uuid(reg.type, reg.name)] = real_id
        self.created.append((kind, real_id))
        self.deleters.append((reg.name, deleter))

    def _compare(self, name: str, sent: dict[str, Any], stored: dict[str, Any]) -> None:
        for key, value in sent.items():
            got = stored.get(key)
            # Octavia takes a parent as `<parent>_id` and answers it as a list of references
            # (api-ref: listener `loadbalancers`, pool `listeners`/`loadbalancers`, monitor `pools`).
            parents = stored.get(key.removesuffix("_id") + "s")
            if key not in stored and isinstance(parents, list) and {"id": value} in parents:
                continue
            # A sent object is matched by the keys sent: Neutron adds others (a router gateway's
            # external_fixed_ips it chose).
            if isinstance(value, dict) and isinstance(got, dict) and all(got.get(k) == v for k, v in value.items()):
                continue
            if isinstance(value, list) and isinstance(got, list) and sorted(map(str, value)) == sorted(map(str, got)):
                if value != got and key not in SET_FIELDS:
                    self.normalised.append((name, f"{key} (order)", value, got))
                continue
            if got != value:
                self.normalised.append((name, key, value, got))

    def net(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.call("network", method, path, body)

    def _neutron(self, reg: Registration, collection: str, resource: str, body: dict[str, Any]) -> str:
        """POST /v2.0/<collection> {resource: body}, read back, compare, register the DELETE."""
        body = {k: v for k, v in body.items() if v is not None}
        made = self.net("POST", f"/{collection}", {resource: body})[resource]
        stored = self.net("GET", f"/{collection}/{made['id']}")[resource]
        self._compare(reg.name, body, stored)
        self._record(reg, made["id"], collection, lambda: self.net("DELETE", f"/{collection}/{made['id']}"))
        return str(made["id"])

    def create(self, reg: Registration) -> None:
        kind = reg.type.split(":")[-1]
        handler = getattr(self, f"_{reg.type.split(':')[1].split('/')[0]}_{kind}", None)
        if handler is None:
            raise NotImplementedError(f"no replay for {reg.type} ({reg.name})")
        handler(reg, self.real(reg.inputs))

    def destroy(self) -> list[str]:
        """Delete in reverse creation order (the engine's order); returns the failures."""
        failures = []
        while self.deleters:
            name, deleter = self.deleters.pop()
            try:
                deleter()
            except ApiError as e:
                failures.append(f"{name}: {e}")
        return failures

    # ------------------------------------------------------------------ identity
    def _identity_Project(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_identity_project_v3.go: enabled and is_domain always sent."""
        body = {"name": a["name"], "description": a.get("description", ""), "enabled": True, "is_domain": False}
        made = self.client.call("identity", "POST", "/projects", {"project": body})["project"]
        self._compare(reg.name, body, self.client.get("identity", f"/projects/{made['id']}")["project"])
        self._record(reg, made["id"], "projects", lambda: self.client.call("identity", "DELETE", f"/projects/{made['id']}"))

    def _identity_RoleAssignment(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_identity_role_assignment_v3.go: roles.Assign (PUT .../roles/{role})."""
        who = f"users/{a['userId']}" if a.get("userId") else f"groups/{a['groupId']}"
        path = f"/projects/{a['projectId']}/{who}/roles/{a['roleId']}"
        self.client.call("identity", "PUT", path)
        self._record(reg, path, "role_assignments", lambda: self.client.call("identity", "DELETE", path))

    # ------------------------------------------------------------------ compute
    def _compute_Flavor(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_compute_flavor_v2.go: disk, swap, ephemeral, rxtx_factor and is_public always
        sent (schema defaults 0, 0, 0, 1.0, true); extra specs by flavors.CreateExtraSpecs, with the compute
        client's default microversion (none set: 2.1)."""
        body = {"name": a["name"], "ram": a["ram"], "vcpus": a["vcpus"], "disk": a.get("disk", 0), "swap": 0,
                "rxtx_factor": 1.0, "os-flavor-access:is_public": a.get("isPublic", True),
                "OS-FLV-EXT-DATA:ephemeral": 0}
        made = self.client.call("compute", "POST", "/flavors", {"flavor": body})["flavor"]
        fid = made["id"]
        self._record(reg, fid, "flavors", lambda: self.client.call("compute", "DELETE", f"/flavors/{fid}"))
        stored = self.client.get("compute", f"/flavors/{fid}")["flavor"]
        # Nova answers swap 0 as "" below microversion 2.75 (api-ref "swap": "" when none).
        self._compare(reg.name, {k: v for k, v in body.items() if k != "swap"}, stored)
        specs = a.get("extraSpecs") or {}
        if specs:
            self.client.call("compute", "POST", f"/flavors/{fid}/os-extra_specs", {"extra_specs": specs})
            self._compare(reg.name, {"extra_specs": specs},
                          self.client.get("compute", f"/flavors/{fid}/os-extra_specs"))

    def _compute_QuotaSetV2(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_compute_quotaset_v2.go: quotasets.Update with the fields set; delete resets
        them to the defaults (quotasets.Delete)."""
        project = a["projectId"]
        body = {k: v for k, v in a.items() if k != "projectId"}
        self.client.call("compute", "PUT", f"/os-quota-sets/{project}", {"quota_set": body})
        self._compare(reg.name, body, self.client.get("compute", f"/os-quota-sets/{project}")["quota_set"])
        self._record(reg, project, "compute_quotas",
                     lambda: self.client.call("compute", "DELETE", f"/os-quota-sets/{project}"))

    # ------------------------------------------------------------------ networking
    def _networking_QuotaV2(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_quota_v2.go: quotas.Update; delete resets (quotas.Delete)."""
        project = a["projectId"]
        names = {"securityGroup": "security_group", "securityGroupRule": "security_group_rule"}
        body = {names.get(k, k): v for k, v in a.items() if k != "projectId"}
        self.net("PUT", f"/quotas/{project}", {"quota": body})
        self._compare(reg.name, body, self.net("GET", f"/quotas/{project}")["quota"])
        self._record(reg, project, "network_quotas", lambda: self.net("DELETE", f"/quotas/{project}"))

    def _networking_Network(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_network_v2.go: admin_state_up always sent; `external` through
        the external extension's router:external; value_specs merged into the body (MapValueSpecs)."""
        body: dict[str, Any] = {"name": a.get("name"), "description": a.get("description"),
                                "admin_state_up": True, "tenant_id": a.get("tenantId")}
        if "external" in a:
            body["router:external"] = a["external"]
        body.update(a.get("valueSpecs") or {})
        self._neutron(reg, "networks", "network", body)

    def _networking_AddressScope(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_addressscope_v2.go."""
        self._neutron(reg, "address-scopes", "address_scope",
                      {"name": a["name"], "ip_version": a["ipVersion"], "shared": a.get("shared", False),
                       "project_id": a.get("projectId")})

    def _networking_SubnetPool(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_subnetpool_v2.go: zero-valued ints omitted (omitempty)."""
        self._neutron(reg, "subnetpools", "subnetpool",
                      {"name": a["name"], "prefixes": a["prefixes"], "address_scope_id": a.get("addressScopeId"),
                       "project_id": a.get("projectId"), "shared": a.get("shared")})

    def _networking_Subnet(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_subnet_v2.go: empty allocation pools and DNS lists are omitted
        (gophercloud subnets.CreateOpts `omitempty`); enable_dhcp always sent (schema default true)."""
        body = {
            "network_id": a["networkId"], "name": a.get("name"), "tenant_id": a.get("tenantId"),
            "cidr": a.get("cidr"), "ip_version": a.get("ipVersion", 4), "gateway_ip": a.get("gatewayIp"),
            "enable_dhcp": a.get("enableDhcp", True), "subnetpool_id": a.get("subnetpoolId"),
            "allocation_pools": a.get("allocationPools") or None, "dns_nameservers": a.get("dnsNameservers") or None,
        }
        self._neutron(reg, "subnets", "subnet", body)

    def _networking_Router(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_router_v2.go: external_gateway_info {network_id, enable_snat
        (only when set)}; admin_state_up only when set."""
        body: dict[str, Any] = {"name": a.get("name"), "tenant_id": a.get("tenantId")}
        if a.get("externalNetworkId"):
            gateway: dict[str, Any] = {"network_id": a["externalNetworkId"]}
            if "enableSnat" in a:
                gateway["enable_snat"] = a["enableSnat"]
            body["external_gateway_info"] = gateway
        self._neutron(reg, "routers", "router", body)

    def _networking_RouterInterface(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_router_interface_v2.go: routers.AddInterface {subnet_id}; the
        port id the program reads is the answer's port_id."""
        router = a["routerId"]
        made = self.net("PUT", f"/routers/{router}/add_router_interface", {"subnet_id": a["subnetId"]})
        self.ids[_uuid("port", reg.name)] = made["port_id"]
        self._record(reg, made["port_id"], "router_interfaces", lambda: self.net(
            "PUT", f"/routers/{router}/remove_router_interface", {"subnet_id": a["subnetId"]}))

    def _networking_RouterRoute(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_router_route_v2.go: read the router, append the route, PUT the
        whole routes list (routers.Update); delete writes the list without it."""
        router = a["routerId"]
        route = {"destination": a["destinationCidr"], "nexthop": a["nextHop"]}
        routes = self.net("GET", f"/routers/{router}")["router"]["routes"]
        self.net("PUT", f"/routers/{router}", {"router": {"routes": [*routes, route]}})
        stored = self.net("GET", f"/routers/{router}")["router"]["routes"]
        if route not in stored:
            self.normalised.append((reg.name, "routes", route, stored))

        def delete() -> None:
            current = self.net("GET", f"/routers/{router}")["router"]["routes"]
            self.net("PUT", f"/routers/{router}", {"router": {"routes": [r for r in current if r != route]}})

        self._record(reg, f"{router}:{route['destination']}", "router_routes", delete)

    def _networking_Port(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_port_v2.go: admin_state_up always sent."""
        fixed = [{"subnet_id": f["subnetId"], "ip_address": f["ipAddress"]} for f in a.get("fixedIps", [])]
        self._neutron(reg, "ports", "port", {"name": a.get("name"), "network_id": a["networkId"],
                                             "admin_state_up": True, "fixed_ips": fixed,
                                             "tenant_id": a.get("tenantId")})

    def _networking_FloatingIp(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_floatingip_v2.go: `pool` is a network name, resolved to its id
        (networkingNetworkV2ID) and sent as floating_network_id."""
        found = self.net("GET", f"/networks?name={a['pool']}")["networks"]
        if len(found) != 1:
            raise AssertionError(f"{reg.name}: pool {a['pool']!r} names {len(found)} networks")
        self._neutron(reg, "floatingips", "floatingip", {
            "floating_network_id": found[0]["id"], "description": a.get("description"), "port_id": a.get("portId"),
            "fixed_ip_address": a.get("fixedIp"), "tenant_id": a.get("tenantId")})

    def _networking_SecGroup(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_secgroup_v2.go (default rules kept: delete_default_rules unset)."""
        self._neutron(reg, "security-groups", "security_group",
                      {"name": a["name"], "description": a.get("description", ""), "tenant_id": a.get("tenantId")})

    def _networking_SecGroupRule(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_networking_secgroup_rule_v2.go: zero port numbers omitted (omitempty); the
        project as project_id."""
        self._neutron(reg, "security-group-rules", "security_group_rule", {
            "direction": a["direction"], "ethertype": a.get("ethertype", "IPv4"), "protocol": a.get("protocol"),
            "port_range_min": a.get("portRangeMin") or None, "port_range_max": a.get("portRangeMax") or None,
            "description": a.get("description"), "security_group_id": a["securityGroupId"],
            "remote_group_id": a.get("remoteGroupId"), "remote_ip_prefix": a.get("remoteIpPrefix"),
            "project_id": a.get("tenantId")})

    # ------------------------------------------------------------------ FWaaS v2
    def _fwaas(self, reg: Registration, collection: str, resource: str, body: dict[str, Any]) -> str:
        return self._neutron(reg, f"fwaas/{collection}", resource, body)

    def _firewall_RuleV2(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_fw_rule_v2.go + gophercloud fwaas_v2/rules/requests.go ToRuleCreateMap:
        protocol "any" is sent as null; enabled always sent (schema default true)."""
        protocol = a.get("protocol", "any")
        self._fwaas(reg, "firewall_rules", "firewall_rule", {
            "name": a.get("name"), "action": a["action"], "ip_version": a.get("ipVersion", 4),
            "protocol": None if protocol == "any" else protocol, "enabled": True,
            "source_ip_address": a.get("sourceIpAddress"), "destination_ip_address": a.get("destinationIpAddress"),
            "destination_port": a.get("destinationPort"), "tenant_id": a.get("tenantId")})

    def _firewall_PolicyV2(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_fw_policy_v2.go: the rules list in order."""
        self._fwaas(reg, "firewall_policies", "firewall_policy",
                    {"name": a.get("name"), "firewall_rules": a.get("rules", []), "tenant_id": a.get("tenantId")})

    def _firewall_GroupV2(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_fw_group_v2.go: ports only when non-empty; then waits for ACTIVE, INACTIVE or
        DOWN (fwGroupV2RefreshFunc), as does the delete for the group to be gone."""
        gid = self._fwaas(reg, "firewall_groups", "firewall_group", {
            "name": a.get("name"), "tenant_id": a.get("tenantId"),
            "ingress_firewall_policy_id": a.get("ingressFirewallPolicyId"),
            "egress_firewall_policy_id": a.get("egressFirewallPolicyId"), "ports": a.get("ports") or None})
        path = f"/fwaas/firewall_groups/{gid}"
        status = self._wait(lambda: self.net("GET", path)["firewall_group"]["status"],
                            {"ACTIVE", "INACTIVE", "DOWN"}, f"{reg.name} status")
        if a.get("ports") and status != "ACTIVE":
            raise AssertionError(f"{reg.name}: a firewall group with ports settled {status}, not ACTIVE")

        def delete() -> None:
            # resourceFWGroupV2Delete: FWaaS refuses to delete a group that still has ports
            # (fwaas_plugin_v2.py delete_firewall_group, FirewallGroupInUse), so the provider first empties
            # its ports, then unsets each policy (fwGroupV2{Ingress,Egress}PolicyDeleteFunc), then deletes.
            self.net("PUT", path, {"firewall_group": {"ports": []}})
            for direction in ("ingress", "egress"):
                self.net("PUT", path, {"firewall_group": {f"{direction}_firewall_policy_id": None}})
            self.net("DELETE", path)

        self.deleters[-1] = (reg.name, delete)

    # ------------------------------------------------------------------ Octavia
    def lbaas(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.call("load-balancer", method, "/v2/lbaas" + path, body)

    def _wait(self, read: Callable[[], str], done: set[str], what: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        value = read()
        while value not in done:
            if value == "ERROR" or time.monotonic() > deadline:
                raise AssertionError(f"{what} is {value}, expected one of {sorted(done)}")
            time.sleep(0.5)
            value = read()
        return value

    def _lb_active(self, lb_id: str) -> None:
        self._wait(lambda: self.lbaas("GET", f"/loadbalancers/{lb_id}")["loadbalancer"]["provisioning_status"],
                   {"ACTIVE"}, f"load balancer {lb_id}")

    def _octavia(self, reg: Registration, collection: str, resource: str, body: dict[str, Any], lb_id: str,
                 path: str | None = None) -> str:
        """Create, wait for the load balancer to be ACTIVE again (the provider's waitForLBV2LoadBalancer),
        read back and compare; the delete waits the same way before and after."""
        path = path or f"/{collection}"
        body = {k: v for k, v in body.items() if v is not None}
        made = self.lbaas("POST", path, {resource: body})[resource]
        self._lb_active(lb_id)
        self._compare(reg.name, body, self.lbaas("GET", f"{path}/{made['id']}")[resource])

        def delete() -> None:
            self._lb_active(lb_id)
            self.lbaas("DELETE", f"{path}/{made['id']}")
            if resource != "loadbalancer":
                self._lb_active(lb_id)
            else:
                self._wait(lambda: self._lb_status_or_gone(lb_id), {"DELETED"}, f"deleting {lb_id}")

        self._record(reg, made["id"], collection, delete)
        return str(made["id"])

    def _lb_status_or_gone(self, lb_id: str) -> str:
        try:
            return str(self.lbaas("GET", f"/loadbalancers/{lb_id}")["loadbalancer"]["provisioning_status"])
        except ApiError as e:
            if e.status == 404:
                return "DELETED"
            raise

    def _lb_of(self, **ref: str) -> str:
        (kind, rid), = ref.items()
        if kind == "listener":
            return str(self.lbaas("GET", f"/listeners/{rid}")["listener"]["loadbalancers"][0]["id"])
        return str(self.lbaas("GET", f"/pools/{rid}")["pool"]["loadbalancers"][0]["id"])

    def _loadbalancer_LoadBalancer(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_lb_loadbalancer_v2.go: tenant_id sent as project_id, admin_state_up always."""
        body = {"name": a.get("name"), "vip_subnet_id": a["vipSubnetId"], "vip_address": a.get("vipAddress"),
                "project_id": a.get("tenantId"), "admin_state_up": True}
        body = {k: v for k, v in body.items() if v is not None}
        made = self.lbaas("POST", "/loadbalancers", {"loadbalancer": body})["loadbalancer"]
        self._lb_active(made["id"])
        self._compare(reg.name, body, self.lbaas("GET", f"/loadbalancers/{made['id']}")["loadbalancer"])

        def delete() -> None:
            self.lbaas("DELETE", f"/loadbalancers/{made['id']}")
            self._wait(lambda: self._lb_status_or_gone(made["id"]), {"DELETED"}, f"deleting {made['id']}")

        self._record(reg, made["id"], "loadbalancers", delete)

    def _loadbalancer_Listener(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_lb_listener_v2.go."""
        self._octavia(reg, "listeners", "listener", {
            "name": a.get("name"), "loadbalancer_id": a["loadbalancerId"], "protocol": a["protocol"],
            "protocol_port": a["protocolPort"], "project_id": a.get("tenantId"), "admin_state_up": True},
            a["loadbalancerId"])

    def _loadbalancer_Pool(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_lb_pool_v2.go."""
        self._octavia(reg, "pools", "pool", {
            "name": a.get("name"), "listener_id": a.get("listenerId"), "protocol": a["protocol"],
            "lb_algorithm": a["lbMethod"], "project_id": a.get("tenantId"), "admin_state_up": True},
            self._lb_of(listener=a["listenerId"]))

    def _loadbalancer_Member(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_lb_member_v2.go: subnet_id and weight only when set."""
        pool = a["poolId"]
        self._octavia(reg, "members", "member", {
            "name": a.get("name"), "address": a["address"], "protocol_port": a["protocolPort"],
            "weight": a.get("weight"), "subnet_id": a.get("subnetId"), "project_id": a.get("tenantId"),
            "admin_state_up": True}, self._lb_of(pool=pool), path=f"/pools/{pool}/members")

    def _loadbalancer_Monitor(self, reg: Registration, a: dict[str, Any]) -> None:
        """resource_openstack_lb_monitor_v2.go."""
        self._octavia(reg, "healthmonitors", "healthmonitor", {
            "name": a.get("name"), "pool_id": a["poolId"], "type": a["type"], "delay": a["delay"],
            "timeout": a["timeout"], "max_retries": a["maxRetries"], "url_path": a.get("urlPath"),
            "expected_codes": a.get("expectedCodes"), "project_id": a.get("tenantId"), "admin_state_up": True},
            self._lb_of(pool=a["poolId"]))
