"""The vCenter and NSX registrations with the VIO Manager (dynamic providers).

- `VcenterProvider` -> `vcenter` (POST /api/v2/vcenters, GET/PUT/DELETE /api/v2/vcenters/{name},
  GET /api/v2/vcenters/{name}/validation): `username`, `password`, `insecure` update by PUT (the whole
  structure: .../7.0/api/v2/vcenters/name/put); `name`, `hostname`, `is_management` replace.
- `NsxProvider` -> the NSX Manager registration (`nsx`, POST /api/v2/nsxs) made from the `nsx_backend` body
  the deployment embeds; at create and update it checks, in the Manager's validation read (GET
  /api/v2/nsxs/{name}/validation -> nsx_validation), that the transport zones, Tier-0, DHCP profile and
  metadata proxy the body names exist. Those are NSX fixed ids given as plain values (not outputs of the
  NSX resources), so a replaced Tier-0 never replaces the registration: this read is what checks them.

Pages: developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0/api/v2/{vcenters/post,
vcenters/name/get, vcenters/name/put, vcenters/name/delete, vcenters/name/validation/get, nsxs/post,
nsxs/name/get, nsxs/name/put, nsxs/name/delete, nsxs/name/validation/get}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi.dynamic as dynamic

from components import vio_client as vc
from components.vio_client import VioApiError, VioClient
from components.vio_provider import VioProvider, known, merge_reported, outs, progress, same, warn
from components.vio_schema import plain

#: Deletes: 200 documented for vcenters and nsxs; 202/204 accepted from Managers that answer otherwise;
#: 404 means already gone.
DELETE_OK = (200, 202, 204, 404)


def roll_back(api: VioClient, collection: str, name: str) -> None:
    """Remove a registration this create made; a failure here is reported without hiding the cause."""
    try:
        api.request("DELETE", f"/api/v2/{collection}/{name}", f"unregister {name} (rollback)", ok=DELETE_OK)
    except VioApiError as exc:
        warn(f"{name}: the rollback failed ({exc}); remove it in the Manager before the next up")


def adopt(api: VioClient, collection: str, name: str, wire: dict[str, Any], identity: tuple[str, ...]) -> None:
    """POST answered 409: a registration of that name exists (a create whose answer was lost, or an earlier
    run). Adopt it when it is the same object (the `identity` fields agree), by PUTting our body (the
    documented update: .../7.0/api/v2/{vcenters,nsxs}/name/put); otherwise fail naming what differs."""
    _, data = api.request("GET", f"/api/v2/{collection}/{name}", f"read {name}")
    data = data if isinstance(data, Mapping) else {}
    differs = [f"{k} {data.get(k)!r}" for k in identity if not same(wire.get(k), data.get(k))]
    if differs:
        raise VioApiError(api.scrub(
            f"VIO API {api.endpoint.base}: register {name} (POST /api/v2/{collection}): the Manager already has "
            f"one named {name} with {', '.join(differs)}; remove it in the Manager or pick another name"
        ), 409)
    api.request("PUT", f"/api/v2/{collection}/{name}", f"adopt {name}", wire)
    progress(f"{name} was already registered with the VIO Manager as the same object: adopted and updated")


class VcenterProvider(VioProvider):
    kind = "vcenter"
    replace_fields = ("name", "hostname", "is_management")
    output_keys: ClassVar[tuple[str, ...]] = ("registration_name",)

    @staticmethod
    def reg_name(body: Mapping[str, Any]) -> str:
        # `name` is optional in the structure; DOCS SILENT on what the Manager names a vCenter registered
        # without one: the hostname is used, and the provider always sends the name it will address.
        return str(body.get("name") or body["hostname"])

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        body = plain(props["body"])
        name = self.reg_name(body)
        wire = vc.wire_body("vcenter", {**body, "name": name})
        with self.client(props, self.scrub_list(props), first_contact=True) as api:
            # .../7.0/api/v2/vcenters/post (body `vcenter`; 201, 409 when the name exists, 422 refused)
            status, _ = api.request("POST", "/api/v2/vcenters", f"register vCenter {name}", wire, ok=(200, 201, 409))
            if status == 409:
                adopt(api, "vcenters", name, wire, ("hostname", "is_management"))
            try:
                self._validate(api, name)
            except VioApiError:
                # Transactional create: nothing we registered stays behind.
                roll_back(api, "vcenters", name)
                raise
        progress(f"vCenter {name} registered with the VIO Manager")
        return dynamic.CreateResult(name, outs(props, registration_name=name))


    @staticmethod
    def _validate(api: VioClient, name: str) -> None:
        # .../7.0/api/v2/vcenters/name/validation/get -> vcenter_validation (datacenters, clusters,
        # datastores, networks, resource pools as the Manager sees them): an error means it cannot use it.
        api.request("GET", f"/api/v2/vcenters/{name}/validation", f"validate vCenter {name}")

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/vcenters/name/get: lists `password` (base64); never copied into the state.
            status, data = api.request("GET", f"/api/v2/vcenters/{id_}", f"read vCenter {id_}", ok=(200, 404))
        if status == 404:
            return dynamic.ReadResult("", {})
        body = plain(props.get("body") or {})
        if isinstance(data, Mapping):
            body = merge_reported(body, dict(data), secrets=("password",))
        return dynamic.ReadResult(id_, outs(props, body=body, registration_name=id_))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        body = plain(news["body"])
        if plain(olds.get("body") or {}) != body:
            wire = vc.wire_body("vcenter", {**body, "name": id_})
            with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
                # .../7.0/api/v2/vcenters/name/put (the whole `vcenter`; 200, 404, 422)
                api.request("PUT", f"/api/v2/vcenters/{id_}", f"update vCenter {id_}", wire)
                self._validate(api, id_)
            progress(f"vCenter {id_} registration updated")
        return dynamic.UpdateResult(outs(news, registration_name=id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/vcenters/name/delete: 200
            api.request("DELETE", f"/api/v2/vcenters/{id_}", f"unregister vCenter {id_}", ok=DELETE_OK)


#: nsx_backend field -> the nsx_validation list it must name an item of (by id or display_name)
#: (.../latest/data-structures/nsx_validation).
NSX_LOOKUPS = {
    "default_overlay_tz": "overlayTransportZones",
    "default_vlan_tz": "vlanTransportZones",
    "default_tier0_router": "routers",
    "dhcp_profile": "dhcpProfiles",
    "metadata_proxy": "metadataProxies",
}


class NsxProvider(VioProvider):
    kind = "nsx_backend"
    replace_fields = ("nsx_api_managers",)
    replace_inputs = ("api_host", "api_port", "nsx_name", "nsx_kind")
    output_keys: ClassVar[tuple[str, ...]] = ("validation",)

    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = super()._problems(news)
        name, kind = plain(news.get("nsx_name")), plain(news.get("nsx_kind"))
        if known(name) and (not isinstance(name, str) or not name):
            out.append(("nsx_name", "the NSX registration name must be a non-empty string"))
        allowed = vc.ENUMS["nsx.kind"]
        if known(kind) and kind not in allowed:
            out.append(("nsx_kind", f"nsx_kind {kind!r} is not one of {', '.join(allowed)}"))
        return out

    @staticmethod
    def registration(props: Mapping[str, Any]) -> dict[str, Any]:
        """The `nsx` body of .../7.0/api/v2/nsxs/post made from the `nsx_backend` body (`name` Required,
        also in the PUT)."""
        p, body = plain(props), plain(props["body"])
        return vc.wire_body(
            "nsx",
            {
                "hostname": body["nsx_api_managers"],
                "insecure": bool(body["insecure"]),
                "kind": p.get("nsx_kind") or "nsxp",
                "name": p["nsx_name"],
                "password": body["nsx_api_password"],
                "username": body["nsx_api_user"],
            },
        )

    def validation(self, api: VioClient, props: Mapping[str, Any]) -> dict[str, Any]:
        name, body = plain(props["nsx_name"]), plain(props["body"])
        # .../7.0/api/v2/nsxs/name/validation/get -> nsx_validation
        _, data = api.request("GET", f"/api/v2/nsxs/{name}/validation", f"validate NSX {name}")
        data = data if isinstance(data, Mapping) else {}
        found: dict[str, str] = {}
        missing: list[str] = []
        for field, listing in NSX_LOOKUPS.items():
            wanted = body.get(field)
            match = next(
                (i for i in data.get(listing) or [] if wanted in (i.get("id"), i.get("display_name"))), None
            )
            if match is None:
                seen = ", ".join(str(i.get("display_name") or i.get("id")) for i in data.get(listing) or [])
                missing.append(f"body.{field} {wanted!r}: not among the NSX's {listing} ({seen or 'none'})")
            else:
                found[field] = str(match.get("id"))
        return {"nsx_type": data.get("nsxType"), "ids": found, "missing": missing}

    def _missing_error(self, api: VioClient, name: str, missing: list[str]) -> VioApiError:
        return VioApiError(api.scrub(
            f"VIO API {api.endpoint.base}: validate NSX {name} (GET /api/v2/nsxs/{name}/validation): "
            + "; ".join(missing)
            + " (the NSX objects VIO is told by fixed id must exist: create them in NSX first, or fix the id)"
        ))

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        name = str(plain(props["nsx_name"]))
        registration = self.registration(props)
        with self.client(props, self.scrub_list(props), first_contact=True) as api:
            # .../7.0/api/v2/nsxs/post (body `nsx`)
            status, _ = api.request("POST", "/api/v2/nsxs", f"register NSX {name}", registration, ok=(200, 201, 409))
            if status == 409:
                adopt(api, "nsxs", name, registration, ("hostname", "kind"))
            try:
                result = self.validation(api, props)
                if result["missing"]:
                    raise self._missing_error(api, name, result["missing"])
            except VioApiError:
                # Nothing half-applied: a registration the deployment cannot use is removed again.
                roll_back(api, "nsxs", name)
                raise
        progress(f"NSX {name} registered with the VIO Manager ({result['nsx_type']})")
        return dynamic.CreateResult(name, outs(props, validation=result))


    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/nsxs/name/get: lists `password` (base64); never copied into the state.
            status, data = api.request("GET", f"/api/v2/nsxs/{id_}", f"read NSX {id_}", ok=(200, 404))
            if status == 404:
                return dynamic.ReadResult("", {})
            result = self.validation(api, props)
        body = plain(props.get("body") or {})
        if isinstance(data, Mapping):
            for api_key, body_key in (("hostname", "nsx_api_managers"), ("username", "nsx_api_user"), ("insecure", "insecure")):
                if api_key in data and not same(body.get(body_key), data[api_key]):
                    body[body_key] = data[api_key]
        return dynamic.ReadResult(id_, outs(props, body=body, validation=result))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        old_reg, new_reg = self.registration(olds), self.registration(news)
        with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
            if old_reg != new_reg:
                # .../7.0/api/v2/nsxs/name/put (body `nsx`, `name` Required, password base64)
                api.request("PUT", f"/api/v2/nsxs/{id_}", f"update NSX {id_}", new_reg)
            result = self.validation(api, news)
            if result["missing"]:
                raise self._missing_error(api, id_, result["missing"])
        return dynamic.UpdateResult(outs(news, validation=result))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/nsxs/name/delete: 200, 404, 500
            api.request("DELETE", f"/api/v2/nsxs/{id_}", f"unregister NSX {id_}", ok=DELETE_OK)
