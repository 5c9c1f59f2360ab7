"""The OpenStack deployment the VIO Manager builds (`cluster`), as a dynamic provider.

Operations (developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0/...): create
`api/v2/clusters/post`, read `api/v2/clusters/name/get` (the whole `cluster`, credentials included), delete
`api/v2/clusters/name/delete` (202), status `api/v2/status/get` (GET /api/v2/status: no name, one deployment
per Manager; `cluster_status`), scale `api/v2/openstack/name/scal/put` (PUT /api/v2/openstack/{service}/scal,
`{service_settings: [{count, name}]}`, 202/400/401/404).

What changes how (components/vio_day2.py classifies every body field, with its source):
- `controllers` is fixed when VIO deploys: no operation of the 7.0 index adds or removes controller VMs.
  A change is a replacement (stopped by the deployment's protection and the `vio-rebuild-intended`
  policy); the message names VIO's own procedure. Refresh reads the count from the status' nodes, so a
  count changed with VIO's procedure shows and the config can follow it without a replacement.
- `replicas` (`{nova: 3, ...}`, the scale operation's services) is the day-2 scale knob: an update scales
  only the services whose count changed; refresh reads it back from the status' services (`desired`).
- body fields: `api` credentials are recorded (they rotate through the NSX registration / Keystone);
  `procedure` fields are never replaced: `up` reads the deployment and records the change when the Manager
  already reflects it, or fails naming VIO's procedure; `redeploy` fields replace.
- Create is transactional: when anything fails after the POST, the deployment it created is deleted
  again (the SDK's contract for create); a POST refused with 409 adopts the deployment of that name when
  it holds the same body (a create whose answer was lost), and fails naming the differences otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi.dynamic as dynamic

from components import ipplan
from components import vio_client as vc
from components.vio_client import PollSchedule, VioApiError, VioClient
from components.vio_day2 import classify, paths, under
from components.vio_provider import (
    VioProvider,
    changed_paths,
    known,
    merge_reported,
    outs,
    progress,
    value_at,
    warn,
)
from components.vio_schema import SCALABLE_SERVICES, SECRET_FIELDS, has_unknown, plain, validate_body

#: VIO 7.x HA runs 3 to 10 controllers (ipplan.CONTROLLERS, the one place that says so).
HA_CONTROLLERS = ipplan.CONTROLLERS["ha"][:2]


#: .../latest/data-structures/cluster_status gives `status`, node `role` and `status` as free strings (no
#: value list). Compared case-insensitively, with the words Kubernetes-based deployments commonly use.
READY_WORDS = frozenset({"running", "ready", "active", "available", "deployed", "healthy", "succeeded",
                         "success", "completed", "complete", "ok"})
FAILED_WORDS = frozenset({"error", "failed", "failure", "crashed"})
CONTROLLER_ROLES = frozenset({"controller", "control-plane", "control_plane", "controlplane", "master"})

DELETE_OK = (200, 202, 204, 404)

#: What to do instead of replacing the deployment to change its controller count.
CONTROLLERS_PROCEDURE = (
    "the controller count is fixed when VIO deploys and the 7.0 Public API has no operation that adds or "
    "removes controllers (operation index: cluster create/get/delete, scale of a service's replicas): "
    "change it with VIO's own procedure (VMware Integrated OpenStack Administration Guide 7.x, adding "
    "controller nodes in the vSphere Client's VMware Integrated OpenStack page), refresh, then set "
    "vio.controllers to the new count; or set vio.rebuildIntended to rebuild the deployment"
)


def word(value: Any) -> str:
    return str(value or "").strip().casefold()


def is_controller(node: Mapping[str, Any]) -> bool:
    return word(node.get("role")) in CONTROLLER_ROLES


def _num(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


class UnderReplicatedError(VioApiError):
    pass


class DeploymentProvider(VioProvider):
    kind = "cluster"
    #: Status reads start every `poll_interval` and stretch by `poll_growth` up to `poll_cap` seconds: an
    #: hour-long deployment costs ~0.4 reads per 10 s and readiness is seen within the cap plus one call
    #: (benchmarks/vio_poll_bench.py).
    poll_cap: ClassVar[float] = 25.0
    poll_growth: ClassVar[float] = 1.25
    replace_fields = paths("redeploy")
    replace_except = tuple(p for p in paths("procedure") + paths("api") if any(under(p, r) for r in paths("redeploy")))
    replace_inputs = ("api_host", "api_port", "controllers")
    output_keys: ClassVar[tuple[str, ...]] = ("status", "endpoints", "nodes", "services")

    def replacement_reason(self, path: str) -> str:
        return f"another deployment ({classify(path).procedure})"

    def replacements(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        return [f"{r} ({CONTROLLERS_PROCEDURE})" if r.startswith("controllers:") else r
                for r in super().replacements(olds, news)]

    # ---- check ----
    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = super()._problems(news)
        p = plain(news)
        ha = plain(vc.get_path(p, "body.ha_enabled")) if isinstance(p.get("body"), Mapping) else None
        n, minimum = p.get("controllers"), p.get("min_ready_replicas")
        if known(n):
            if isinstance(n, bool) or not isinstance(n, int | float) or int(n) != n:
                out.append(("controllers", f"controllers {n!r} must be a whole number"))
            elif ha is True and not HA_CONTROLLERS[0] <= n <= HA_CONTROLLERS[1]:
                out.append(("controllers", f"controllers {n:g}: VIO 7 HA runs {HA_CONTROLLERS[0]} to {HA_CONTROLLERS[1]} controllers"))
            elif ha is False and n != 1:
                out.append(("controllers", f"controllers {n:g}: a non-HA (compact) deployment has exactly 1 controller"))
        if known(minimum):
            if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 1:
                out.append(("min_ready_replicas", f"min_ready_replicas {minimum!r} must be a whole number >= 1"))
            elif known(n) and isinstance(n, int | float) and minimum > n:
                out.append(("min_ready_replicas", f"min_ready_replicas {minimum:g} exceeds controllers {n:g}"))
        out += self._replica_problems(p.get("replicas"), minimum)
        for key in ("deploy_timeout", "poll_interval"):
            v = p.get(key)
            if known(v) and (isinstance(v, bool) or not isinstance(v, int | float) or v <= 0):
                out.append((key, f"{key} {v!r} must be a positive number of seconds"))
        if known(p.get("delete_on_destroy")) and not isinstance(p.get("delete_on_destroy"), bool):
            out.append(("delete_on_destroy", "delete_on_destroy must be true or false"))
        return out

    @staticmethod
    def _replica_problems(replicas: Any, minimum: Any) -> list[tuple[str, str]]:
        if replicas is None or not known(replicas):
            return []
        if not isinstance(replicas, Mapping):
            return [("replicas", f"replicas must map a service to its replica count, got {type(replicas).__name__}")]
        out = []
        for service, count in replicas.items():
            if service not in SCALABLE_SERVICES:
                out.append((f"replicas.{service}", f"{service!r} is not a service VIO scales (one of "
                             f"{', '.join(SCALABLE_SERVICES)})"))
            elif known(count) and (isinstance(count, bool) or not isinstance(count, int | float)
                                   or int(count) != count or count < 1):
                out.append((f"replicas.{service}", f"replicas.{service} {count!r} must be a whole number >= 1"))
            elif known(count) and known(minimum) and isinstance(minimum, int | float) and count < minimum:
                out.append((f"replicas.{service}", f"replicas.{service} {count:g} is below min_ready_replicas "
                             f"{minimum:g} (HA keeps every service at least that many ready replicas)"))
        return out

    # ---- status ----
    @staticmethod
    def _status(api: VioClient) -> dict[str, Any]:
        # .../7.0/api/v2/status/get: GET /api/v2/status, no name, no parameters; 200 cluster_status, 401.
        _, data = api.request("GET", "/api/v2/status", "read the deployment status")
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _ready(status: Mapping[str, Any]) -> bool:
        services = status.get("services") or []
        return (
            word(status.get("status")) in READY_WORDS
            and bool(services)
            and all(_num(s.get("ready")) >= _num(s.get("desired")) for s in services)
        )

    @staticmethod
    def describe(status: Mapping[str, Any]) -> str:
        """The status, every node and the services not ready, as the Manager reported them."""
        services = status.get("services") or []
        behind = [f"{s.get('group')}/{s.get('name')} {s.get('ready')}/{s.get('desired')}" for s in services
                  if _num(s.get("ready")) < _num(s.get("desired"))]
        nodes = ", ".join(f"{n.get('name')} ({n.get('role')}) {n.get('status')}" for n in status.get("nodes") or [])
        text = (f"status {status.get('status')!r}; nodes: {nodes or 'none'}; "
                f"{len(services) - len(behind)}/{len(services)} service(s) ready")
        return text + (f"; not ready: {', '.join(behind)}" if behind else "")

    def _wait(self, api: VioClient, props: Mapping[str, Any], what: str) -> dict[str, Any]:
        p = plain(props)
        name = p["body"]["name"]
        base = float(p.get("poll_interval") or 10.0)

        def done(status: Mapping[str, Any]) -> bool:
            if word(status.get("status")) in FAILED_WORDS:
                raise VioApiError(api.scrub(
                    f"VIO API {api.endpoint.base}: {what} of deployment {name} (GET /api/v2/status) failed on "
                    f"the Manager: {self.describe(status)}; see the Manager's deployment events"
                ))
            return self._ready(status)

        try:
            return vc.poll(
                lambda: self._status(api),
                done,
                timeout=float(p.get("deploy_timeout") or 7200.0),
                schedule=PollSchedule(base=base, cap=max(base, self.poll_cap), growth=self.poll_growth),
                describe=self.describe,
                progress=progress,
                what=f"deployment {name} ({what})",
            )
        except TimeoutError as exc:
            raise VioApiError(
                api.scrub(f"VIO API {api.endpoint.base}: {what} of deployment {name} (GET /api/v2/status): {exc}")
            ) from None

    @staticmethod
    def _desired(status: Mapping[str, Any]) -> dict[str, int]:
        """Replicas per scalable service as the status reports them (its services' `desired`, the least of
        a service's components)."""
        out: dict[str, int] = {}
        for s in status.get("services") or []:
            group = str(s.get("group") or "")
            if group in SCALABLE_SERVICES:
                out[group] = min(out.get(group, 1 << 30), _num(s.get("desired")))
        return out

    def _scale(self, api: VioClient, name: str, status: Mapping[str, Any], wanted: Mapping[str, int]) -> list[str]:
        """Scale each service of `wanted` whose reported replicas differ; returns the services scaled."""
        components: dict[str, list[str]] = {}
        for s in status.get("services") or []:
            components.setdefault(str(s.get("group")), []).append(str(s.get("name")))
        current = self._desired(status)
        scaled = []
        for group, count in sorted(wanted.items()):
            if current.get(group) == int(count):
                continue
            # .../7.0/api/v2/openstack/name/scal/put. DOCS SILENT on service_settings[].name: the
            # status' service names of that group (every component of the service gets the count).
            body = {"service_settings": [{"name": n, "count": int(count)} for n in components.get(group, [group])]}
            api.request("PUT", f"/api/v2/openstack/{group}/scal", f"scale {group} of deployment {name} to {int(count)}", body)
            scaled.append(f"{group} {current.get(group)} -> {int(count)}")
        if scaled:
            progress(f"deployment {name}: scaled {', '.join(scaled)}")
        return scaled

    def _result(self, props: Mapping[str, Any], status: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        return outs(props, status=status.get("status"), endpoints=status.get("endpoints") or {},
                    nodes=status.get("nodes") or [], services=status.get("services") or [], **extra)

    # ---- create ----
    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        p = plain(props)
        problems = validate_body("cluster", p["body"], preview=False)
        if problems or has_unknown(p["body"]):  # values unknown at check time are known now
            raise VioApiError("deployment body: " + "; ".join(problems or ["holds a value that is still unknown"]))
        name = p["body"]["name"]
        wire = vc.wire_body("cluster", p["body"])
        with self.client(props, self.scrub_list(props), first_contact=True) as api:
            # Logged in (and the Manager's boot waited for) before anything can need a rollback.
            api.login(f"create deployment {name}")
            ours = False
            try:
                ours = True  # from here a POST may have been applied, even if its answer is lost
                # .../7.0/api/v2/clusters/post
                code, _ = api.request("POST", "/api/v2/clusters", f"create deployment {name}", wire, ok=(200, 201, 202, 409))
                if code == 409:
                    ours = False
                    self._adopt(api, name, p["body"])
                progress(f"deployment {name} submitted to {api.endpoint.base}")
                status = self._wait(api, props, "create")
                if self._scale(api, name, status, p.get("replicas") or {}):
                    status = self._wait(api, props, "scale")
            except BaseException as exc:
                if ours:
                    self._roll_back(api, props, name, exc)
                raise
        return dynamic.CreateResult(name, self._result(props, status))

    def _adopt(self, api: VioClient, name: str, body: Mapping[str, Any]) -> None:
        code, data = api.request("GET", f"/api/v2/clusters/{name}", f"read deployment {name}", ok=(200, 404))
        if code == 404 or not isinstance(data, Mapping):
            raise VioApiError(api.scrub(
                f"VIO API {api.endpoint.base}: create deployment {name} (POST /api/v2/clusters): the Manager "
                "already runs another deployment (one per Manager); import or delete it first"
            ), 409)
        differences = [path for path in changed_paths(dict(body), merge_reported(dict(body), dict(data), SECRET_FIELDS["cluster"]))]
        if differences:
            raise VioApiError(api.scrub(
                f"VIO API {api.endpoint.base}: create deployment {name} (POST /api/v2/clusters): a deployment "
                f"named {name} exists with another body ({', '.join(differences[:6])}); delete it in the "
                "Manager or import it"
            ), 409)
        progress(f"deployment {name} already exists on the Manager with the same body: adopted")

    def _roll_back(self, api: VioClient, props: Mapping[str, Any], name: str, cause: BaseException) -> None:
        """Delete what this create made, so a failed create leaves nothing (the next `up` starts clean)."""
        warn(f"deployment {name}: create failed ({type(cause).__name__}); deleting what it created")
        try:
            code, _ = api.request("GET", f"/api/v2/clusters/{name}", f"read deployment {name}", ok=(200, 404))
            if code == 200:
                self._delete_and_wait(api, props, name)
        except (VioApiError, TimeoutError) as exc:
            warn(f"deployment {name}: the rollback failed ({exc}); delete it in the Manager before the next up")

    # ---- read ----
    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        p = plain(props)
        with self.client(props, self.scrub_list(props)) as api:
            code, data = api.request("GET", f"/api/v2/clusters/{id_}", f"read deployment {id_}", ok=(200, 404))
            if code == 404:
                return dynamic.ReadResult("", {})
            status = self._status(api)
            base = api.endpoint.base
        ours = p.get("body") or {}
        # Only what we set is compared; credentials and what the Manager adds are never copied.
        body = merge_reported(ours, dict(data), SECRET_FIELDS["cluster"]) if isinstance(data, Mapping) else ours
        minimum = int(p.get("min_ready_replicas") or 1)
        if minimum > 1:
            short = [f"{s.get('group')}/{s.get('name')} {s.get('ready')}/{s.get('desired')}"
                     for s in status.get("services") or [] if _num(s.get("ready")) < minimum]
            if short:
                raise UnderReplicatedError(
                    f"VIO API {base}: read status of deployment {id_} (GET /api/v2/status): "
                    f"HA requires every service to run at least {minimum} ready replicas (no single point of "
                    f"failure); under-replicated: {', '.join(short)}"
                )
        extra: dict[str, Any] = {"body": body}
        controllers = sum(1 for node in status.get("nodes") or [] if is_controller(node))
        if controllers:
            extra["controllers"] = controllers  # VIO's own count: a change made with its procedure shows
        if p.get("replicas"):
            desired = self._desired(status)
            extra["replicas"] = {g: desired.get(g, c) for g, c in p["replicas"].items()}
        return dynamic.ReadResult(id_, self._result(props, status, **extra))

    # ---- update ----
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        o, n = plain(olds), plain(news)
        changes = changed_paths(o.get("body") or {}, n.get("body") or {})
        with self.client(news, self.scrub_list(news) + self.scrub_list(olds)) as api:
            procedural = [c for c in changes if classify(c).how == "procedure"]
            if procedural:
                self._verify_applied(api, id_, n["body"], procedural)
            status = self._status(api)
            if (o.get("replicas") or {}) != (n.get("replicas") or {}):
                changed = {g: c for g, c in (n.get("replicas") or {}).items() if (o.get("replicas") or {}).get(g) != c}
                if self._scale(api, id_, status, changed):
                    status = self._wait(api, news, "scale")
        recorded = [c for c in changes if classify(c).how == "api"]
        if recorded:
            progress(f"deployment {id_}: {', '.join(recorded)} changed; recorded without a cluster API call "
                     "(the NSX credentials rotate through the NSX registration, the admin password in Keystone)")
        return dynamic.UpdateResult(self._result(news, status))

    def _verify_applied(self, api: VioClient, id_: str, body: Mapping[str, Any], changes: list[str]) -> None:
        """Day-2 fields: the Public API cannot change them, VIO's procedure can. Record the change when the
        Manager's deployment already reflects it; otherwise fail, naming the procedure."""
        # .../7.0/api/v2/clusters/name/get
        _, data = api.request("GET", f"/api/v2/clusters/{id_}", f"read deployment {id_}")
        reported = merge_reported(dict(body), dict(data) if isinstance(data, Mapping) else {}, SECRET_FIELDS["cluster"])
        pending = []
        for path in changes:
            wanted, seen = _canon(value_at(body, path)), _canon(value_at(reported, path))
            if wanted != seen:
                pending.append(f"body.{path}: the Manager reports {_show(value_at(reported, path))}, the stack wants "
                               f"{_show(value_at(body, path))}; apply it with {classify(path).procedure}")
        if pending:
            raise VioApiError(api.scrub(
                f"VIO API {api.endpoint.base}: update deployment {id_}: the Public API has no operation for "
                "these day-2 changes and the deployment is never replaced for them; run VIO's procedure, then "
                "`pulumi up` again: " + "; ".join(pending)
            ))
        progress(f"deployment {id_}: {', '.join(changes)} already applied on the Manager (VIO's day-2 "
                 "procedure): recorded")

    # ---- delete ----
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        p = plain(props)
        if not p.get("delete_on_destroy"):
            warn(
                f"deployment {id_} is left running on the VIO Manager {p.get('api_host')} and removed from the "
                "state only (delete_on_destroy is false); delete it in the Manager, or set delete_on_destroy"
            )
            return
        with self.client(props, self.scrub_list(props)) as api:
            self._delete_and_wait(api, props, id_)

    @staticmethod
    def _delete_and_wait(api: VioClient, props: Mapping[str, Any], id_: str) -> None:
        p = plain(props)
        # .../7.0/api/v2/clusters/name/delete: 202 (accepted); gone once GET answers 404.
        api.request("DELETE", f"/api/v2/clusters/{id_}", f"delete deployment {id_}", ok=DELETE_OK)

        def gone() -> int:
            code, _ = api.request("GET", f"/api/v2/clusters/{id_}", f"read deployment {id_}", ok=(200, 404))
            return code

        try:
            vc.poll(gone, lambda code: code == 404, timeout=float(p.get("deploy_timeout") or 7200.0),
                    schedule=PollSchedule(base=float(p.get("poll_interval") or 10.0)),
                    describe=lambda code: "deleted" if code == 404 else "deleting",
                    progress=progress, what=f"deployment {id_} (delete)")
        except TimeoutError as exc:
            raise VioApiError(api.scrub(f"VIO API {api.endpoint.base}: delete deployment {id_}: {exc}")) from None


def _canon(value: Any) -> Any:
    """Order- and case-insensitive form for comparing what the Manager reports with what we want."""
    if isinstance(value, Mapping):
        return {k: _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canon(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)[:160]
