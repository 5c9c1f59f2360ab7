"""The Policy API's object tree: objects keyed by policy path, with the semantics terraform-provider-nsxt
v3.11.0 relies on (sources: vmware/terraform-provider-nsxt at tag v3.11.0, files under nsxt/; the
bindings it calls, vmware/vsphere-automation-sdk-go services/nsxt).

- Paths: `/infra`, then alternating collection and id (`/infra/tier-0s/t0/locale-services/default`),
  except singletons that have no id (`.../locale-services/default/bgp`, the BGP routing config the
  provider reads with bgp.NewBgpClient / locale_services Bgp Get: resource_nsxt_policy_tier0_gateway.go
  resourceNsxtPolicyTier0GatewayReadBGPConfig).
- PATCH creates or merges (top-level keys given replace those stored; absent keys stay): every
  `client.Patch` of the provider sends the whole intent, and partial PATCHes of a locale service carry
  only the keys they own (resource_nsxt_policy_gateway_redistribution_config.go
  policyGatewayRedistributionConfigPatch, resource_nsxt_policy_tier0_gateway_ha_vip_config.go Create).
- PUT replaces and checks `_revision` (412 when it differs): the provider's get-then-Update deletes of
  those two resources, and resource_nsxt_policy_metadata_proxy.go Update (revision from state).
- DELETE removes the object and its subtree, refused while another object points at it (a segment under
  a Tier-0 interface, a Tier-0 a Tier-1 links to) or, for a Tier-0, while it still has interfaces.
- Server-filled fields on every object: id, path, parent_path, relative_path, resource_type, _revision
  (0 at creation, +1 per change), marked_for_delete, _create_time/_last_modified_time (ms),
  _create_user/_last_modified_user, _system_owned, _protection.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Collection segment -> resource_type of its members (the NSX Policy API model names).
COLLECTIONS: dict[str, str] = {
    "sites": "Site",
    "enforcement-points": "EnforcementPoint",
    "transport-zones": "PolicyTransportZone",
    "edge-clusters": "PolicyEdgeCluster",
    "edge-nodes": "PolicyEdgeNode",
    "tier-0s": "Tier0",
    "tier-1s": "Tier1",
    "locale-services": "LocaleServices",
    "interfaces": "Tier0Interface",
    "neighbors": "BgpNeighborConfig",
    "segments": "Segment",
    "ports": "SegmentPort",
    "segment-discovery-profile-binding-maps": "SegmentDiscoveryProfileBindingMap",
    "segment-qos-profile-binding-maps": "SegmentQosProfileBindingMap",
    "segment-security-profile-binding-maps": "SegmentSecurityProfileBindingMap",
    "dhcp-server-configs": "DhcpServerConfig",
    "metadata-proxies": "MetadataProxyConfig",
}
#: Singletons: a path segment that is an object with no id of its own.
SINGLETONS: dict[str, str] = {"bgp": "BgpRoutingConfig"}
#: resource_type -> where it lives under its parent (the inverse, for H-API Child* wrappers).
PLACE: dict[str, str] = {**{t: c for c, t in COLLECTIONS.items()}, **{t: s for s, t in SINGLETONS.items()}}

#: Fields the Manager fills when the client leaves them out and the provider reads back through a
#: pointer (a missing one would crash its Read): resource_nsxt_policy_tier0_gateway.go
#: resourceNsxtPolicyTier0GatewayRead (`!(*obj.DisableFirewall)`), initPolicyTier0BGPConfigMap (graceful
#: restart timers), resource_nsxt_policy_bgp_neighbor.go Read (hold-down, keep-alive, hop limit). No `bfd`
#: on a neighbor created without one: that Read sets bfd_config only `if obj.Bfd != nil`, and a filled
#: default would be a permanent diff. Values are the NSX API's documented defaults (NSX 4.1 API reference, Tier0,
#: BgpRoutingConfig, BgpNeighborConfig, DhcpServerConfig schemas).
DEFAULTS: dict[str, dict[str, Any]] = {
    "Tier0": {
        "ha_mode": "ACTIVE_ACTIVE", "failover_mode": "NON_PREEMPTIVE", "disable_firewall": False,
        "force_whitelisting": False, "default_rule_logging": False,
        "internal_transit_subnets": ["169.254.0.0/24"], "transit_subnets": ["100.64.0.0/16"],
    },
    "BgpRoutingConfig": {
        "enabled": True, "ecmp": True, "inter_sr_ibgp": True, "multipath_relax": True,
        "graceful_restart_config": {"mode": "HELPER_ONLY", "timer": {"restart_timer": 180, "stale_route_timer": 600}},
    },
    "BgpNeighborConfig": {
        "hold_down_time": 180, "keep_alive_time": 60, "maximum_hop_limit": 1, "allow_as_in": False,
        "graceful_restart_mode": "HELPER_ONLY",
    },
    "DhcpServerConfig": {"lease_time": 86400},
}
#: What a GET never returns (NSX keeps secrets write-only; the provider keeps them from its state:
#: resource_nsxt_compute_manager.go setCredentialValuesInSchema "Normally NSX won't return sensitive info").
SECRET_KEYS = frozenset({"password", "secret"})
#: Children that must be gone before the parent can be deleted (the issue's Tier-0 rule).
BLOCKING_CHILDREN: dict[str, tuple[str, ...]] = {"Tier0": ("interfaces",)}


class ApiError(Exception):
    """An NSX error reply: HTTP status, NSX error_code and error_message (the Manager's error body,
    `{httpStatus, error_code, module_name, error_message}`, which the SDK turns into the vAPI error the
    provider's policy_errors.go logAPIError prints)."""

    HTTP_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                  405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
                  500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE"}

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {"httpStatus": self.HTTP_NAMES.get(self.status, str(self.status)), "error_code": self.code,
                "module_name": "policy", "error_message": self.message}


def not_found(path: str) -> ApiError:
    # 500090 / "The path=[...] is invalid" is what NSX 3.x/4.x Policy answers for a missing object.
    return ApiError(404, 500090, f"The path=[{path}] is invalid")


@dataclass(frozen=True)
class Address:
    """A parsed policy path: `path` of the object, or of the collection when `collection` is set."""

    path: str
    collection: str | None  # the collection segment when the address names a collection
    parent: str  # the object that holds it ("" for /infra)
    kind: str  # resource_type of the object, or of the collection's members


def parse(path: str) -> Address:
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != "infra":
        raise not_found(path)
    current, i = "/infra", 1
    while i < len(parts):
        name = parts[i]
        if name in SINGLETONS:
            parent, current, i = current, f"{current}/{name}", i + 1
            if i == len(parts):
                return Address(current, None, parent, SINGLETONS[name])
            continue
        if name not in COLLECTIONS:
            raise not_found(path)
        if i + 1 == len(parts):
            return Address(f"{current}/{name}", name, current, COLLECTIONS[name])
        parent, current, i = current, f"{current}/{name}/{parts[i + 1]}", i + 2
        if i == len(parts):
            return Address(current, None, parent, COLLECTIONS[name])
    return Address("/infra", None, "", "Infra")


def _now_ms() -> int:
    return int(time.time() * 1000)


class Tree:
    """Objects by path. Not thread-safe by itself: the server holds its lock around every call."""

    def __init__(self, user: str = "admin") -> None:
        self.user = user
        self.objects: dict[str, dict[str, Any]] = {}

    # ---- reading ----
    def get(self, path: str) -> dict[str, Any]:
        address = parse(path)
        if address.collection is not None:
            raise ApiError(400, 500012, f"{path} is a collection, not an object")
        if address.path == "/infra":
            return {"resource_type": "Infra", "id": "infra", "path": "/infra", "_revision": 0}
        found = self.objects.get(address.path)
        if found is None:
            raise not_found(address.path)
        return public(found)

    def children(self, path: str) -> list[dict[str, Any]]:
        """Members of a collection, sorted by id. The parent must exist (404 otherwise, as NSX answers
        for a list under a missing gateway: gateway_common.go listPolicyGatewayLocaleServices callers
        treat that as not found)."""
        address = parse(path)
        if address.collection is None:
            raise ApiError(400, 500012, f"{path} is an object, not a collection")
        if address.parent != "/infra" and address.parent not in self.objects:
            raise not_found(address.parent)
        prefix = address.path + "/"
        return [public(o) for p, o in sorted(self.objects.items())
                if p.startswith(prefix) and "/" not in p[len(prefix):]]

    def all(self) -> list[dict[str, Any]]:
        return list(self.objects.values())

    # ---- writing ----
    def _check_parent(self, address: Address) -> None:
        if address.parent not in ("", "/infra") and address.parent not in self.objects:
            raise ApiError(404, 500090, f"The path=[{address.parent}] is invalid: parent of {address.path} "
                                        "does not exist")

    def _fill(self, address: Address, body: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        now = _now_ms()
        oid = address.path.rsplit("/", 1)[-1]
        given_type = body.get("resource_type")
        if given_type and given_type != address.kind:
            raise ApiError(400, 500045, f"resource_type {given_type!r} does not belong at {address.path} "
                                        f"(expected {address.kind!r})")
        if body.get("id") not in (None, oid):
            raise ApiError(400, 500046, f"id {body['id']!r} in the body differs from the id {oid!r} in the path")
        obj = {**copy.deepcopy(DEFAULTS.get(address.kind, {})), **copy.deepcopy(body)}
        obj.pop("children", None)
        obj.pop("Children", None)
        obj.update({
            "id": oid, "path": address.path, "relative_path": oid, "parent_path": address.parent or "/infra",
            "resource_type": address.kind, "marked_for_delete": False, "overridden": False,
            "unique_id": (old or {}).get("unique_id") or str(uuid.uuid4()),
            "_revision": 0 if old is None else int(old["_revision"]) + 1,
            "_create_time": now if old is None else old["_create_time"], "_last_modified_time": now,
            "_create_user": self.user if old is None else old["_create_user"], "_last_modified_user": self.user,
            "_system_owned": False, "_protection": "NOT_PROTECTED",
        })
        obj.setdefault("display_name", oid)
        return obj

    def patch(self, path: str, body: dict[str, Any], *, revision_check: bool = False) -> dict[str, Any]:
        """Create or merge. With `revision_check` (H-API `enforce_revision_check=true`,
        gateway_common.go policyInfraPatch) a `_revision` in the body must match the stored one."""
        address = parse(path)
        if address.collection is not None or address.path == "/infra":
            raise ApiError(400, 500012, f"PATCH needs an object path, not {path}")
        self._check_parent(address)
        old = self.objects.get(address.path)
        if revision_check and old is not None and "_revision" in body:
            _check_revision(address.path, old, body)
        merged = {**old, **body} if old is not None else dict(body)
        merged.pop("_revision", None)
        self.objects[address.path] = self._fill(address, merged, old)
        return public(self.objects[address.path])

    def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        address = parse(path)
        if address.collection is not None or address.path == "/infra":
            raise ApiError(400, 500012, f"PUT needs an object path, not {path}")
        self._check_parent(address)
        old = self.objects.get(address.path)
        if old is not None:
            _check_revision(address.path, old, body)
        replaced = {k: v for k, v in body.items() if k != "_revision"}
        if old is not None:
            # Secrets are write-only: a GET-then-PUT (the provider's deletes of redistribution and HA VIP
            # config) must not wipe what it could not read.
            replaced.update({k: v for k, v in old.items() if k in SECRET_KEYS and k not in replaced})
        self.objects[address.path] = self._fill(address, replaced, old)
        return public(self.objects[address.path])

    def delete(self, path: str) -> None:
        """Delete an object and its subtree. Deleting what does not exist succeeds, as the provider's
        deletes expect of NSX (they treat no error as gone and never re-read)."""
        address = parse(path)
        if address.collection is not None or address.path == "/infra":
            raise ApiError(400, 500012, f"DELETE needs an object path, not {path}")
        target = self.objects.get(address.path)
        if target is None:
            return
        self._refuse_if_used(address.path, target)
        for p in [p for p in self.objects if p == address.path or p.startswith(address.path + "/")]:
            del self.objects[p]

    def _refuse_if_used(self, path: str, target: dict[str, Any]) -> None:
        subtree = [p for p in self.objects if p == path or p.startswith(path + "/")]
        for collection in BLOCKING_CHILDREN.get(target["resource_type"], ()):
            blocking = sorted(p for p in subtree if f"/{collection}/" in p[len(path):])
            if blocking:
                raise ApiError(400, 500030, f"{target['resource_type']} {path} cannot be deleted: it still "
                                            f"has {collection} {', '.join(blocking)}")
        inside = set(subtree)
        for other_path, other in sorted(self.objects.items()):
            if other_path in inside:
                continue
            used = sorted(set(_strings(other)) & inside)
            if used:
                raise ApiError(400, 500030, f"{path} cannot be deleted: {other['resource_type']} {other_path} "
                                            f"still refers to {', '.join(used)}")


def _check_revision(path: str, old: dict[str, Any], body: dict[str, Any]) -> None:
    given = body.get("_revision")
    if given is None or int(given) != int(old["_revision"]):
        # NSX's wording for a stale or missing _revision (error_code 604).
        raise ApiError(412, 604, f"The object AbstractPolicyResource [{path}] was modified by somebody else "
                                 f"(_revision {given} given, current is {old['_revision']}). Please retry.")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("path", "parent_path"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """What a GET returns: the stored object without its write-only secrets."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if k not in SECRET_KEYS}
