"""VIO 7.x Public API as Pulumi dynamic resources: vCenter registrations, the NSX backend, the deployment.

Supported: the VIO 7.x Public API (VMware Integrated OpenStack API 7.0, base path `/api/v2`), documented
at https://developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0 (operations) and
.../latest/data-structures/* (bodies). components/vio_client.py holds the documented field lists
(FIELDS), `validate_body` and the HTTPS client; this module holds the providers and resources:

- `VcenterRegistration` -> `vcenter` (POST /api/v2/vcenters, GET/PUT/DELETE /api/v2/vcenters/{name},
  GET /api/v2/vcenters/{name}/validation),
- `NsxBackend` -> the NSX Manager registration (`nsx`, POST /api/v2/nsxs) made from the `nsx_backend`
  body the deployment embeds, checked against GET /api/v2/nsxs/{name}/validation (transport zones,
  Tier-0 routers, DHCP profiles, metadata proxies as the Manager sees them),
- `OpenStackDeployment` -> `cluster` (POST /api/v2/clusters, GET /api/v2/clusters/{name}, its status,
  DELETE), controller count through the scale-service operation (PUT /api/v2/openstack/{name}/scal).

What changes in place and what replaces (diff):
- vcenter: `username`, `password`, `insecure` -> update (PUT .../vcenters/{name} takes the whole `vcenter`
  structure: .../7.0/api/v2/vcenters/name/put); `name`, `hostname`, `is_management` -> replace (the name
  keys the path; another hostname is another vCenter; DOCS SILENT on re-roling a registered vCenter).
- nsx: `nsx_api_user`, `nsx_api_password`, `insecure` -> update (PUT .../nsxs/{name}: .../7.0/api/v2/
  nsxs/name/put); the registration
  name, kind and `nsx_api_managers` -> replace; the other `nsx_backend` fields are what the deployment
  embeds: an update re-validates them.
- deployment: `controllers` -> update through the scale operation; any `cluster` body field -> replace
  (delete before create: the name is unique): the 7.0 API documents create, get and delete of a
  cluster and no update of its body. Provider-only inputs (timeouts, `min_ready_replicas`,
  `delete_on_destroy`, the Manager's credentials) -> update without an API call. A Manager at another
  address (`api_host`, `api_port`) -> replace.

Credentials: bodies carry plaintext as Pulumi secret inputs; the provider base64-encodes the fields the
pages say "should be base64 encoded" on the wire only. Providers keep nothing on themselves (the
provider object is pickled with dill into the state): each operation opens one client from its inputs
and drops it. Messages are scrubbed of every credential; `api_password` and `body` are secret outputs.

Stack configuration: a dynamic resource is served by the default provider of package `pulumi-python`;
the engine denies it when `pulumi:disable-default-providers` is `*`, so a stack using these resources
lists the real packages there (`vsphere`, `nsxt`, `openstack`) instead of `*`.

Not covered: VIO 6.x and older (5.x OMS API has another shape), nsxv/dvs backends beyond validation of
their fields, LDAP backends (passed through unchecked), certificates, upgrades, adding compute clusters to
a running deployment (a body change is a replacement here), the Kubernetes custom resources the Manager
also exposes, adding or removing controller VMs other than through the scale operation.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic as dynamic

from components import ipplan
from components import vio_client as vc
from components.vio_client import (
    FIELDS,
    SECRET_FIELDS,
    UNKNOWN,
    PollSchedule,
    VioApiError,
    VioClient,
    plain,
    validate_body,
)

__all__ = [
    "FIELDS",
    "NsxBackend",
    "OpenStackDeployment",
    "VcenterRegistration",
    "VioApiError",
    "VioEndpoint",
    "validate_body",
]

#: VIO 7.x HA runs 3 to 10 controllers (ipplan.CONTROLLERS, the one place that says so).
HA_CONTROLLERS = ipplan.CONTROLLERS["ha"][:2]

#: Services the scale operation accepts (.../7.0/api/v2/openstack/name/scal/put, path parameter `name`).
SCALABLE_SERVICES = ("keystone", "glance", "nova", "neutron", "cinder", "horizon", "heat", "barbican")

_SECRET_OUTPUTS = ["api_password", "body"]


@dataclass(frozen=True)
class VioEndpoint:
    """How the provider reaches the VIO Manager's Public API.

    `host` is the Manager's address (its static IP from the plan, or its FQDN); `password` is the Manager's
    admin password and must be a secret Output. TLS is verified unless `insecure`; `ca_bundle` is the PEM
    text of the CA that signed the Manager's certificate. `timeout` bounds every HTTP call (seconds).
    """

    host: pulumi.Input[str]
    username: str
    password: pulumi.Input[str]
    port: int = 443
    insecure: bool = False
    ca_bundle: str | None = None
    timeout: float = 30.0

    def props(self) -> dict[str, Any]:
        return {
            "api_host": self.host,
            "api_port": self.port,
            "api_username": self.username,
            "api_password": pulumi.Output.secret(self.password),
            "insecure": self.insecure,
            "ca_bundle": self.ca_bundle,
            "timeout": self.timeout,
        }


# --------------------------------------------------------------------------------------------------------
# Shared provider machinery
# --------------------------------------------------------------------------------------------------------


def _progress(message: str) -> None:
    vc.log.info(message)
    pulumi.log.info(message)


def _warn(message: str) -> None:
    vc.log.warning(message)
    pulumi.log.warn(message)


def _known(value: Any) -> bool:
    return value != UNKNOWN


class _Provider(dynamic.ResourceProvider):
    """Common check/diff/endpoint handling. Subclasses hold class-level constants only: nothing that
    an operation learns (client, token, password) is stored on the instance."""

    kind: ClassVar[str] = ""
    #: Body fields whose change forces a new object (dotted); every other body field updates in place.
    replace_fields: ClassVar[tuple[str, ...]] = ()
    #: Inputs (top level) whose change forces a new object.
    replace_inputs: ClassVar[tuple[str, ...]] = ("api_host", "api_port")

    # ---- check ----
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.CheckResult:
        problems = self._endpoint_problems(news) + self._problems(news)
        failures = [dynamic.CheckFailure(field, reason) for field, reason in problems]
        return dynamic.CheckResult(news, failures)

    def _endpoint_problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        p = plain(news)
        out: list[tuple[str, str]] = []
        for key in ("api_host", "api_username", "api_password"):
            value = p.get(key)
            if _known(value) and (not isinstance(value, str) or not value.strip()):
                out.append((key, f"{key} must be a non-empty string (the VIO Manager's address and API login)"))
        port = p.get("api_port")
        if _known(port) and (isinstance(port, bool) or not isinstance(port, int | float) or not 0 < port < 65536):
            out.append(("api_port", f"api_port {port!r} is not a TCP port (1-65535)"))
        timeout = p.get("timeout")
        if _known(timeout) and (isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0):
            out.append(("timeout", f"timeout {timeout!r} must be a positive number of seconds"))
        if _known(p.get("insecure")) and not isinstance(p.get("insecure"), bool):
            out.append(("insecure", "insecure must be true or false"))
        ca = p.get("ca_bundle")
        if ca is not None and _known(ca) and (not isinstance(ca, str) or "BEGIN CERTIFICATE" not in ca):
            out.append(("ca_bundle", "ca_bundle must be PEM text (-----BEGIN CERTIFICATE-----...), or null"))
        return out

    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        body = news.get("body")
        return [(f"body.{_field_of(msg)}", msg) for msg in validate_body(self.kind, body or {})]

    # ---- diff ----
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        o, n = plain(olds), plain(news)
        replaces: list[str] = []
        changed = False
        for key in set(o) | set(n):
            if key.startswith("__") or key in self.output_keys() or key == "body":
                continue
            if o.get(key) != n.get(key):  # an unknown new value may change: counts
                changed = True
                if key in self.replace_inputs:
                    replaces.append(key)
        body_changes = _changed_paths(o.get("body") or {}, n.get("body") or {})
        if body_changes:
            changed = True
            if any(self._forces_replacement(path) for path in body_changes):
                replaces.append("body")
        return dynamic.DiffResult(
            changes=changed, replaces=sorted(set(replaces)), delete_before_replace=bool(replaces)
        )

    def _forces_replacement(self, path: str) -> bool:
        return any(path == f or path.startswith(f + ".") or path.startswith(f + "[") for f in self.replace_fields)

    def output_keys(self) -> tuple[str, ...]:
        return ()

    # ---- plumbing ----
    @staticmethod
    def client(props: Mapping[str, Any], scrub: list[str]) -> VioClient:
        p = plain(props)
        endpoint = vc.Endpoint(
            host=str(p["api_host"]),
            port=int(p.get("api_port") or 443),
            username=str(p["api_username"]),
            insecure=bool(p.get("insecure")),
            ca_bundle=p.get("ca_bundle"),
            timeout=float(p.get("timeout") or 30.0),
        )
        return VioClient(endpoint, str(p["api_password"]), scrub)

    def scrub_list(self, props: Mapping[str, Any]) -> list[str]:
        return vc.secret_values(self.kind, plain(props.get("body") or {}))


def _field_of(message: str) -> str:
    return message.split(":", 1)[0]


def _changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths where `new` differs from `old` (unknown new values count as changes)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            out += _changed_paths(old.get(key), new.get(key), f"{prefix}{key}.")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += _changed_paths(a, b, f"{prefix.rstrip('.')}[{i}].")
        return out
    return [] if old == new else [prefix.rstrip(".")]


def _outs(props: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    out = {k: v for k, v in plain(props).items() if not k.startswith("__")}
    out.update(extra)
    return out


# --------------------------------------------------------------------------------------------------------
# vCenter registration
# --------------------------------------------------------------------------------------------------------


class _VcenterProvider(_Provider):
    kind = "vcenter"
    replace_fields = ("name", "hostname", "is_management")

    @staticmethod
    def reg_name(body: Mapping[str, Any]) -> str:
        # `name` is optional in the structure; DOCS SILENT on what the Manager names a vCenter registered
        # without one: the hostname is used, and the provider always sends the name it will address.
        return str(body.get("name") or body["hostname"])

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        body = plain(props["body"])
        name = self.reg_name(body)
        wire = vc.wire_body("vcenter", {**body, "name": name})
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/vcenters/post (body `vcenter`; 201, 409 when the name exists, 422 refused)
            api.request("POST", "/api/v2/vcenters", f"register vCenter {name}", wire)
            self._validate(api, name, rollback=True)
        _progress(f"vCenter {name} registered with the VIO Manager")
        return dynamic.CreateResult(name, _outs(props, registration_name=name))

    @staticmethod
    def _validate(api: VioClient, name: str, rollback: bool) -> None:
        # .../7.0/api/v2/vcenters/name/validation/get -> vcenter_validation (datacenters, clusters,
        # datastores, networks, resource pools as the Manager sees them): an error means it cannot use it.
        path = f"/api/v2/vcenters/{name}/validation"
        try:
            api.request("GET", path, f"validate vCenter {name}")
        except VioApiError:
            if rollback:
                api.request("DELETE", f"/api/v2/vcenters/{name}", f"unregister vCenter {name}", ok=(200, 202, 204, 404))
            raise

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        with self.client(props, self.scrub_list(props)) as api:
            status, data = api.request("GET", f"/api/v2/vcenters/{id_}", f"read vCenter {id_}", ok=(200, 404))
        if status == 404:
            return dynamic.ReadResult("", {})
        body = plain(props.get("body") or {})
        if isinstance(data, Mapping):
            # The API's view wins for what it reports; the password is never read back (kept from state).
            body.update({k: data[k] for k in ("hostname", "username", "insecure", "is_management") if k in data})
        return dynamic.ReadResult(id_, _outs(props, body=body, registration_name=id_))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        body = plain(news["body"])
        if _changed_paths(plain(olds.get("body") or {}), body):
            wire = vc.wire_body("vcenter", {**body, "name": id_})
            with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
                api.request("PUT", f"/api/v2/vcenters/{id_}", f"update vCenter {id_}", wire)
                self._validate(api, id_, rollback=False)
            _progress(f"vCenter {id_} registration updated")
        return dynamic.UpdateResult(_outs(news, registration_name=id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props, self.scrub_list(props)) as api:
            api.request("DELETE", f"/api/v2/vcenters/{id_}", f"unregister vCenter {id_}", ok=(200, 202, 204, 404))

    def output_keys(self) -> tuple[str, ...]:
        return ("registration_name",)


# --------------------------------------------------------------------------------------------------------
# NSX backend
# --------------------------------------------------------------------------------------------------------

#: nsx_backend field -> the nsx_validation list it must name an item of (by id or display_name)
#: (.../latest/data-structures/nsx_validation).
_NSX_LOOKUPS = {
    "default_overlay_tz": "overlayTransportZones",
    "default_vlan_tz": "vlanTransportZones",
    "default_tier0_router": "routers",
    "dhcp_profile": "dhcpProfiles",
    "metadata_proxy": "metadataProxies",
}


class _NsxProvider(_Provider):
    kind = "nsx_backend"
    replace_fields = ("nsx_api_managers",)
    replace_inputs = ("api_host", "api_port", "nsx_name", "nsx_kind")

    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = super()._problems(news)
        name, kind = plain(news.get("nsx_name")), plain(news.get("nsx_kind"))
        if _known(name) and (not isinstance(name, str) or not name):
            out.append(("nsx_name", "the NSX registration name must be a non-empty string"))
        allowed = vc.ENUMS["nsx.kind"]
        if _known(kind) and kind not in allowed:
            out.append(("nsx_kind", f"nsx_kind {kind!r} is not one of {', '.join(allowed)}"))
        return out

    @staticmethod
    def registration(props: Mapping[str, Any]) -> dict[str, Any]:
        """The `nsx` body of .../7.0/api/v2/nsxs/post made from the `nsx_backend` body."""
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
        for field, listing in _NSX_LOOKUPS.items():
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

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        name = str(plain(props["nsx_name"]))
        with self.client(props, self.scrub_list(props)) as api:
            api.request("POST", "/api/v2/nsxs", f"register NSX {name}", self.registration(props))
            result = self.validation(api, props)
            if result["missing"]:
                # Nothing half-applied: a registration the deployment cannot use is removed again.
                api.request("DELETE", f"/api/v2/nsxs/{name}", f"unregister NSX {name}", ok=(200, 202, 204, 404))
                raise VioApiError(
                    api.scrub(
                        f"VIO API {api.endpoint.base}: validate NSX {name} (GET /api/v2/nsxs/{name}/validation): "
                        + "; ".join(result["missing"])
                    )
                )
        _progress(f"NSX {name} registered with the VIO Manager ({result['nsx_type']})")
        return dynamic.CreateResult(name, _outs(props, validation=result))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        with self.client(props, self.scrub_list(props)) as api:
            status, data = api.request("GET", f"/api/v2/nsxs/{id_}", f"read NSX {id_}", ok=(200, 404))
            if status == 404:
                return dynamic.ReadResult("", {})
            result = self.validation(api, props)
        body = plain(props.get("body") or {})
        if isinstance(data, Mapping):
            for api_key, body_key in (("hostname", "nsx_api_managers"), ("username", "nsx_api_user"), ("insecure", "insecure")):
                if api_key in data:
                    body[body_key] = data[api_key]
        return dynamic.ReadResult(id_, _outs(props, body=body, validation=result))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        old_reg, new_reg = self.registration(olds), self.registration(news)
        with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
            if old_reg != new_reg:
                # .../7.0/api/v2/nsxs/name/put (body `nsx`, password base64)
                api.request("PUT", f"/api/v2/nsxs/{id_}", f"update NSX {id_}", new_reg)
            result = self.validation(api, news)
        if result["missing"]:
            raise VioApiError(f"validate NSX {id_}: " + "; ".join(result["missing"]))
        return dynamic.UpdateResult(_outs(news, validation=result))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props, self.scrub_list(props)) as api:
            api.request("DELETE", f"/api/v2/nsxs/{id_}", f"unregister NSX {id_}", ok=(200, 202, 204, 404))

    def output_keys(self) -> tuple[str, ...]:
        return ("validation",)


# --------------------------------------------------------------------------------------------------------
# OpenStack deployment
# --------------------------------------------------------------------------------------------------------


class UnderReplicatedError(VioApiError):
    pass


class _DeploymentProvider(_Provider):
    kind = "cluster"
    #: Status reads start every `poll_interval` and stretch by `poll_growth` up to `poll_cap` seconds: an
    #: hour-long deployment costs ~0.4 reads per 10 s and readiness is seen within the cap plus one call
    #: (benchmarks/vio_poll_bench.py).
    poll_cap: ClassVar[float] = 25.0
    poll_growth: ClassVar[float] = 1.25
    #: The 7.0 API documents no update of a cluster body: every body field replaces, except the
    #: credentials it embeds. Those rotate elsewhere and must never take the deployment down: the NSX
    #: password and metadata proxy secret through PUT /api/v2/nsxs/{name} (the NsxBackend resource),
    #: the OpenStack admin password in Keystone. A change to them alone is an update without an API call.
    replace_fields = tuple(FIELDS["cluster"])

    def _forces_replacement(self, path: str) -> bool:
        if path in SECRET_FIELDS["cluster"]:
            return False
        return super()._forces_replacement(path)

    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = super()._problems(news)
        p = plain(news)
        ha = plain(vc.get_path(p, "body.ha_enabled"))
        n, minimum = p.get("controllers"), p.get("min_ready_replicas")
        if _known(n):
            if isinstance(n, bool) or not isinstance(n, int | float) or int(n) != n:
                out.append(("controllers", f"controllers {n!r} must be a whole number"))
            elif ha is True and not HA_CONTROLLERS[0] <= n <= HA_CONTROLLERS[1]:
                out.append(("controllers", f"controllers {n:g}: VIO 7 HA runs {HA_CONTROLLERS[0]} to {HA_CONTROLLERS[1]} controllers"))
            elif ha is False and n != 1:
                out.append(("controllers", f"controllers {n:g}: a non-HA (compact) deployment has exactly 1 controller"))
        if _known(minimum):
            if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 1:
                out.append(("min_ready_replicas", f"min_ready_replicas {minimum!r} must be a whole number >= 1"))
            elif _known(n) and isinstance(n, int | float) and minimum > n:
                out.append(("min_ready_replicas", f"min_ready_replicas {minimum:g} exceeds controllers {n:g}"))
        for key in ("deploy_timeout", "poll_interval"):
            v = p.get(key)
            if _known(v) and (isinstance(v, bool) or not isinstance(v, int | float) or v <= 0):
                out.append((key, f"{key} {v!r} must be a positive number of seconds"))
        if _known(p.get("delete_on_destroy")) and not isinstance(p.get("delete_on_destroy"), bool):
            out.append(("delete_on_destroy", "delete_on_destroy must be true or false"))
        return out

    def output_keys(self) -> tuple[str, ...]:
        return ("status", "endpoints", "nodes", "services")

    # ---- status ----
    @staticmethod
    def _status(api: VioClient, name: str) -> dict[str, Any]:
        # DOCS SILENT on the status operation's path in the stored pages (the data structure is
        # .../latest/data-structures/cluster_status): GET /api/v2/clusters/{name}/status.
        _, data = api.request("GET", f"/api/v2/clusters/{name}/status", f"read status of deployment {name}")
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _ready(status: Mapping[str, Any], minimum: int) -> bool:
        services = status.get("services") or []
        return (
            status.get("status") == "running"
            and bool(services)
            and all(s.get("ready", 0) >= s.get("desired", 0) and s.get("ready", 0) >= minimum for s in services)
        )

    @staticmethod
    def _describe(status: Mapping[str, Any]) -> str:
        services = status.get("services") or []
        behind = [f"{s.get('name')} {s.get('ready')}/{s.get('desired')}" for s in services if s.get("ready", 0) < s.get("desired", 0)]
        nodes = status.get("nodes") or []
        text = f"{status.get('status')}, {len(nodes)} node(s), {len(services) - len(behind)}/{len(services)} service(s) ready"
        return text + (f" (waiting: {', '.join(behind[:4])}{'...' if len(behind) > 4 else ''})" if behind else "")

    def _wait(self, api: VioClient, props: Mapping[str, Any], what: str) -> dict[str, Any]:
        p = plain(props)
        name = p["body"]["name"]
        minimum = int(p.get("min_ready_replicas") or 1)
        base = float(p.get("poll_interval") or 10.0)
        try:
            return vc.poll(
                lambda: self._status(api, name),
                lambda s: self._ready(s, minimum),
                timeout=float(p.get("deploy_timeout") or 7200.0),
                schedule=PollSchedule(base=base, cap=max(base, self.poll_cap), growth=self.poll_growth),
                describe=self._describe,
                progress=_progress,
                what=f"deployment {name} ({what})",
            )
        except TimeoutError as exc:
            raise VioApiError(
                api.scrub(f"VIO API {api.endpoint.base}: {what} of deployment {name} "
                          f"(GET /api/v2/clusters/{name}/status): {exc}")
            ) from None

    def _scale(self, api: VioClient, name: str, status: Mapping[str, Any], count: int) -> None:
        # .../7.0/api/v2/openstack/name/scal/put: PUT /api/v2/openstack/{service}/scal with
        # {"service_settings": [{"name", "count"}]}, service one of SCALABLE_SERVICES. DOCS SILENT on an
        # operation that adds controller VMs: the controller count is applied as the replica count of every
        # scalable service, which is the capacity the Manager spreads over its controllers.
        groups: dict[str, list[str]] = {}
        for service in status.get("services") or []:
            group = str(service.get("group"))
            if group in SCALABLE_SERVICES:
                groups.setdefault(group, []).append(str(service.get("name")))
        for group, names in sorted(groups.items()):
            body = {"service_settings": [{"name": n, "count": count} for n in names]}
            api.request("PUT", f"/api/v2/openstack/{group}/scal", f"scale {group} of deployment {name} to {count}", body)
        _progress(f"deployment {name}: {len(groups)} service group(s) scaled to {count} replicas")

    @staticmethod
    def _controllers(status: Mapping[str, Any]) -> int:
        return sum(1 for node in status.get("nodes") or [] if node.get("role") == "controller")

    def _result(self, props: Mapping[str, Any], status: Mapping[str, Any], body: Any = None) -> dict[str, Any]:
        extra: dict[str, Any] = {
            "status": status.get("status"),
            "endpoints": status.get("endpoints") or {},
            "nodes": status.get("nodes") or [],
            "services": status.get("services") or [],
        }
        if body is not None:
            extra["body"] = body
        return _outs(props, **extra)

    # ---- CRUD ----
    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        p = plain(props)
        problems = validate_body("cluster", p["body"])
        if problems:  # values unknown at check time are known now
            raise VioApiError("deployment body: " + "; ".join(problems))
        name, count = p["body"]["name"], int(p["controllers"])
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/clusters/post
            api.request("POST", "/api/v2/clusters", f"create deployment {name}", vc.wire_body("cluster", p["body"]))
            _progress(f"deployment {name} submitted to {api.endpoint.base}")
            status = self._wait(api, props, "create")
            if p["body"].get("ha_enabled") and self._controllers(status) != count:
                self._scale(api, name, status, count)
                status = self._wait(api, props, f"scale to {count}")
        return dynamic.CreateResult(name, self._result(props, status))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        p = plain(props)
        with self.client(props, self.scrub_list(props)) as api:
            # .../7.0/api/v2/clusters/name/get
            code, data = api.request("GET", f"/api/v2/clusters/{id_}", f"read deployment {id_}", ok=(200, 404))
            if code == 404:
                return dynamic.ReadResult("", {})
            status = self._status(api, id_)
            base = api.endpoint.base
        body = _merge_reported(p.get("body") or {}, data if isinstance(data, Mapping) else p.get("body") or {})
        minimum = int(p.get("min_ready_replicas") or 1)
        if minimum > 1:
            short = [f"{s.get('group')}/{s.get('name')} {s.get('ready')}/{s.get('desired')}"
                     for s in status.get("services") or [] if s.get("ready", 0) < minimum]
            if short:
                raise UnderReplicatedError(
                    f"VIO API {base}: read status of deployment {id_} (GET /api/v2/clusters/{id_}/status): "
                    f"HA requires every service to run at least {minimum} ready replicas (no single point of "
                    f"failure); under-replicated: {', '.join(short)}"
                )
        outs = self._result(props, status, body)
        if self._controllers(status):
            # The controller count as the Manager reports it: drift shows as a change of `controllers`.
            outs["controllers"] = self._controllers(status)
        return dynamic.ReadResult(id_, outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        o, n = plain(olds), plain(news)
        with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
            status = self._status(api, id_)
            if o.get("controllers") != n.get("controllers"):
                self._scale(api, id_, status, int(n["controllers"]))
                status = self._wait(api, news, f"scale to {int(n['controllers'])}")
            rotated = sorted(set(_changed_paths(o.get("body") or {}, n.get("body") or {})) & set(SECRET_FIELDS["cluster"]))
            if rotated:
                _progress(
                    f"deployment {id_}: {', '.join(rotated)} changed; recorded without an API call (the NSX "
                    "credentials rotate through the NSX registration, the admin password in Keystone)"
                )
        return dynamic.UpdateResult(self._result(news, status))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        p = plain(props)
        if not p.get("delete_on_destroy"):
            _warn(
                f"deployment {id_} is left running on the VIO Manager {p.get('api_host')} and removed from the "
                "state only (delete_on_destroy is false); delete it in the Manager, or set delete_on_destroy"
            )
            return
        with self.client(props, self.scrub_list(props)) as api:
            api.request("DELETE", f"/api/v2/clusters/{id_}", f"delete deployment {id_}", ok=(200, 202, 204, 404))

            def gone() -> int:
                code, _ = api.request("GET", f"/api/v2/clusters/{id_}", f"read deployment {id_}", ok=(200, 404))
                return code

            try:
                vc.poll(gone, lambda code: code == 404, timeout=float(p.get("deploy_timeout") or 7200.0),
                        schedule=PollSchedule(base=float(p.get("poll_interval") or 10.0)),
                        describe=lambda code: "deleted" if code == 404 else "deleting",
                        progress=_progress, what=f"deployment {id_} (delete)")
            except TimeoutError as exc:
                raise VioApiError(api.scrub(f"VIO API {api.endpoint.base}: delete deployment {id_}: {exc}")) from None


def _merge_reported(body: Any, reported: Any) -> Any:
    """The state's body with every field the API reports replaced by the API's value: drift in what this
    program manages shows; fields the API adds (defaults) are ignored, so they never force a replacement;
    fields it omits (credentials: the Manager does not return them) keep the state's value."""
    if isinstance(body, Mapping) and isinstance(reported, Mapping):
        return {k: _merge_reported(v, reported[k]) if k in reported else copy.deepcopy(v) for k, v in body.items()}
    if isinstance(body, list) and isinstance(reported, list) and len(body) == len(reported):
        return [_merge_reported(a, b) for a, b in zip(body, reported, strict=True)]
    return copy.deepcopy(reported)


# --------------------------------------------------------------------------------------------------------
# Resources (constructor surface is a contract with components/management_plane.py)
# --------------------------------------------------------------------------------------------------------


def _secret_opts(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTPUTS), opts)


class VcenterRegistration(dynamic.Resource, module="vio", name="VcenterRegistration"):
    """A vCenter registered with the VIO Manager (data structure `vcenter`). `body.password` plaintext,
    secret; the provider base64-encodes it as the API requires. Output `registration_name`: the name
    (`body.name`, else `body.hostname`), what `compute_cluster.vcenter_name` refers to."""

    body: pulumi.Output[dict[str, Any]]
    registration_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _VcenterProvider(), name, {**endpoint.props(), "body": dict(body), "registration_name": None}, _secret_opts(opts)
        )


class NsxBackend(dynamic.Resource, module="vio", name="NsxBackend"):
    """The NSX Manager registered with the VIO Manager (data structure `nsx_backend`, backend `nsxp`).

    `body` is the `nsx_backend` the deployment embeds (`openstack_info.neutron.nsx`); the provider
    registers the NSX Manager from it (`nsx`: hostname = `nsx_api_managers`, user, password, `kind`)
    under `nsx_name` (default: the logical name) and checks that the transport zones, Tier-0, DHCP profile
    and metadata proxy it names exist (by id or display name) in the Manager's validation read.
    Output `validation`: {nsx_type, ids: {field: NSX id}, missing: []}.
    """

    body: pulumi.Output[dict[str, Any]]
    validation: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        nsx_name: str | None = None,
        nsx_kind: str = "nsxp",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **endpoint.props(),
            "body": dict(body),
            "nsx_name": nsx_name or name,
            "nsx_kind": nsx_kind,
            "validation": None,
        }
        super().__init__(_NsxProvider(), name, props, _secret_opts(opts))


class OpenStackDeployment(dynamic.Resource, module="vio", name="OpenStackDeployment"):
    """The OpenStack deployment the Manager builds (data structure `cluster`).

    `controllers` is scaled through the scale-service operation (an update, never a replacement).
    `min_ready_replicas` (2 in HA) is what every service must reach after create and on refresh.
    `deploy_timeout`/`poll_interval` bound the wait for `running`. `delete_on_destroy` false (default):
    a destroy removes the deployment from the state but leaves it running.
    Outputs (from the cluster status): `status`, `endpoints`, `nodes`, `services`.
    """

    body: pulumi.Output[dict[str, Any]]
    status: pulumi.Output[str]
    endpoints: pulumi.Output[dict[str, Any]]
    nodes: pulumi.Output[list[dict[str, Any]]]
    services: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        *,
        endpoint: VioEndpoint,
        body: Mapping[str, pulumi.Input[Any]],
        controllers: int,
        min_ready_replicas: int = 1,
        deploy_timeout: float = 7200.0,
        poll_interval: float = 10.0,
        delete_on_destroy: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **endpoint.props(),
            "body": dict(body),
            "controllers": controllers,
            "min_ready_replicas": min_ready_replicas,
            "deploy_timeout": deploy_timeout,
            "poll_interval": poll_interval,
            "delete_on_destroy": delete_on_destroy,
            "status": None,
            "endpoints": None,
            "nodes": None,
            "services": None,
        }
        super().__init__(_DeploymentProvider(), name, props, _secret_opts(opts))
