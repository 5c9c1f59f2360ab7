"""The Manager API pieces terraform-provider-nsxt v3.11.0 calls outside the Policy tree.

- `GET /api/v1/node/version` -> `{node_version, product_version}`: nsxt/utils.go getNSXVersion
  (node.NewVersionClient(connector).Get(), read at configure by provider.go configurePolicyConnectorData
  -> initNSXVersion; resources branch on it through util.NsxVersionHigherOrEqual).
- `/api/v1/fabric/compute-managers`: nsxt/resource_nsxt_compute_manager.go. Create is a POST with a
  server-assigned id (`client.Create(obj)`, then `d.SetId(*obj.Id)`), Read a GET by id, Update a PUT
  carrying `_revision` from state (resourceNsxtComputeManagerUpdate), Delete a DELETE by id. A GET never
  returns the credential's password ("Normally NSX won't return sensitive info":
  setCredentialValuesInSchema keeps it from the intent); the thumbprint is returned.
"""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from sim.nsx.tree import ApiError


def version_body(version: str) -> dict[str, str]:
    return {"node_version": version, "product_version": version}


def _public(cm: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(cm)
    credential = out.get("credential")
    if isinstance(credential, dict):
        credential.pop("password", None)
    return out


def _not_found(cm_id: str) -> ApiError:
    return ApiError(404, 600, f"The requested object : {cm_id} could not be found. Object identifiers are "
                              "case sensitive.")


class ComputeManagers:
    """Registered vCenters by id. The server holds its lock around every call."""

    def __init__(self, user: str = "admin") -> None:
        self.user = user
        self.items: dict[str, dict[str, Any]] = {}

    def _validate(self, body: Any, cm_id: str | None) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(400, 255, "body must be a ComputeManager object")
        missing = [k for k in ("server", "origin_type", "credential") if not body.get(k)]
        if missing:
            raise ApiError(400, 255, f"ComputeManager is missing {', '.join(missing)}")
        credential = body["credential"]
        if not isinstance(credential, dict) or not credential.get("credential_type"):
            raise ApiError(400, 255, "credential.credential_type is required")
        for other_id, other in self.items.items():
            if other_id != cm_id and other["server"] == body["server"]:
                # NSX refuses a second registration of the same vCenter (error_code 7057 in NSX 3.x/4.x).
                raise ApiError(400, 7057, f"Compute manager {other_id} is already registered with server "
                                          f"{body['server']}")
        return body

    def create(self, body: Any) -> dict[str, Any]:
        body = self._validate(body, None)
        cm_id = str(uuid.uuid4())
        now = int(time.time() * 1000)
        self.items[cm_id] = {
            **copy.deepcopy(body), "id": cm_id, "resource_type": "ComputeManager",
            "display_name": body.get("display_name") or body["server"], "_revision": 0,
            "_create_time": now, "_last_modified_time": now, "_create_user": self.user,
            "_last_modified_user": self.user, "_system_owned": False, "_protection": "NOT_PROTECTED",
        }
        return _public(self.items[cm_id])

    def get(self, cm_id: str) -> dict[str, Any]:
        if cm_id not in self.items:
            raise _not_found(cm_id)
        return _public(self.items[cm_id])

    def list(self) -> list[dict[str, Any]]:
        return [_public(cm) for _, cm in sorted(self.items.items())]

    def update(self, cm_id: str, body: Any) -> dict[str, Any]:
        old = self.items.get(cm_id)
        if old is None:
            raise _not_found(cm_id)
        body = self._validate(body, cm_id)
        given = body.get("_revision")
        if given is None or int(given) != int(old["_revision"]):
            raise ApiError(412, 604, f"The object ComputeManager [{cm_id}] was modified by somebody else "
                                     f"(_revision {given} given, current is {old['_revision']}). Please retry.")
        replaced = {k: v for k, v in copy.deepcopy(body).items() if not k.startswith("_")}
        self.items[cm_id] = {
            **replaced, "id": cm_id, "resource_type": "ComputeManager",
            "_revision": int(old["_revision"]) + 1, "_create_time": old["_create_time"],
            "_last_modified_time": int(time.time() * 1000), "_create_user": old["_create_user"],
            "_last_modified_user": self.user, "_system_owned": False, "_protection": "NOT_PROTECTED",
        }
        return _public(self.items[cm_id])

    def delete(self, cm_id: str) -> None:
        if cm_id not in self.items:
            raise _not_found(cm_id)
        del self.items[cm_id]
