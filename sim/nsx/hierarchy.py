"""The hierarchical API: `PATCH /policy/api/v1/infra` with a tree of `Child*` wrappers.

terraform-provider-nsxt v3.11.0 creates, updates and deletes Tier-0 gateways (with their locale service
and BGP config) and segments this way: resource_nsxt_policy_tier0_gateway.go
policyTier0GatewayResourceToInfraStruct / resourceNsxtPolicyTier0GatewayDelete, segment_common.go
policySegmentResourceToInfraStruct / nsxtPolicySegmentDelete, all through gateway_common.go
policyInfraPatch (`infraClient.Patch(obj, &enforceRevision)`, query `enforce_revision_check`:
vsphere-automation-sdk-go services/nsxt/InfraTypes.go). A wrapper is `{"resource_type": "ChildTier0",
"Tier0": {...object, "children": [...]}, "marked_for_delete": bool}`: the wrapped object's key is the
wrapper's type without `Child` (model.ChildTier0.Tier0, ChildLocaleServices.LocaleServices,
ChildBgpRoutingConfig.BgpRoutingConfig, ChildSegment.Segment). `marked_for_delete` deletes the object.

The request is all or nothing: when one child fails, nothing of the request stays applied (the Manager
validates the whole tree before it commits it).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.nsx.tree import PLACE, SINGLETONS, ApiError, Tree

_WRAPPER_KEYS = frozenset({"resource_type", "marked_for_delete", "mark_for_override", "id", "_revision"})


def _wrapped(wrapper: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = str(wrapper.get("resource_type") or "")
    if not kind.startswith("Child"):
        raise ApiError(400, 255, f"children of a hierarchical request must be Child* wrappers, got "
                                 f"resource_type {kind!r}")
    key = kind[len("Child"):]
    obj = wrapper.get(key)
    if not isinstance(obj, dict):
        # Tolerate a wrapper whose object key differs in case only (ChildSegmentQoSProfileBindingMap).
        candidates = [v for k, v in wrapper.items() if k not in _WRAPPER_KEYS and isinstance(v, dict)]
        if len(candidates) != 1:
            raise ApiError(400, 255, f"{kind} must wrap exactly one object under the key {key!r}")
        obj = candidates[0]
    return str(obj.get("resource_type") or key), obj


def _apply(tree: Tree, parent: str, children: Any, enforce: bool) -> None:
    if children is None:
        return
    if not isinstance(children, list):
        raise ApiError(400, 255, f"children of {parent} must be a list")
    for wrapper in children:
        if not isinstance(wrapper, dict):
            raise ApiError(400, 255, f"a child of {parent} is not an object")
        kind, obj = _wrapped(wrapper)
        place = PLACE.get(kind)
        if place is None:
            raise ApiError(400, 255, f"the simulator does not model {kind} (child of {parent})")
        if place in SINGLETONS:
            path = f"{parent}/{place}"
        else:
            oid = obj.get("id")
            if not oid:
                raise ApiError(400, 255, f"{kind} under {parent} has no id")
            path = f"{parent}/{place}/{oid}"
        if wrapper.get("marked_for_delete"):
            tree.delete(path)
            continue
        tree.patch(path, {k: v for k, v in obj.items() if k != "children"}, revision_check=enforce)
        _apply(tree, path, obj.get("children"), enforce)


def patch_infra(tree: Tree, body: Any, enforce_revision_check: bool) -> None:
    if not isinstance(body, dict) or body.get("resource_type", "Infra") != "Infra":
        raise ApiError(400, 255, "PATCH /infra takes an Infra object (resource_type Infra)")
    saved = copy.deepcopy(tree.objects)
    try:
        _apply(tree, "/infra", body.get("children"), enforce_revision_check)
    except ApiError:
        tree.objects = saved
        raise
