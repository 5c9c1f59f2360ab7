"""The operations of the VIO 7.0 Public API, one handler per page of the reference.

Every handler names its page (developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0/...) and
answers with the status codes that page lists; where the page is silent the answer follows `Variants` or
says DOCS SILENT. `State` is what the simulated Manager holds (sim/vio/server.py serves it over TLS).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
from typing import Any

from components.vio_client import Clock
from components.vio_schema import validate_body
from sim.vio.model import (
    SCALABLE,
    SEED_NSX,
    SERVICES,
    Boot,
    Cluster,
    Faults,
    Variants,
    cluster_status,
    copy_json,
    public_cluster,
    public_registration,
)

Answer = tuple[int, Any]


class State:
    """The Manager's objects, tokens, clock, variants and faults, and the request log tests read."""

    USER = "admin"

    def __init__(self, *, password: str, clock: Clock, deploy_seconds: float, scale_seconds: float,
                 token_ttl: float, variants: Variants | None = None, boot: Boot | None = None) -> None:
        self.password = password
        self.clock = clock
        self.deploy_seconds = deploy_seconds
        self.scale_seconds = scale_seconds
        self.token_ttl = token_ttl
        self.variants = variants or Variants()
        self.boot = boot or Boot()
        self.boot.started_at = clock.now()
        self.faults = Faults()
        self.tokens: dict[str, float] = {}
        self.vcenters: dict[str, dict[str, Any]] = {}
        self.nsxs: dict[str, dict[str, Any]] = {}
        self.nsx_inventory = copy_json(SEED_NSX)
        #: Endpoints a running deployment reports beside the ones it was created with (a simulated datacenter
        #: sets the real OpenStack services' here once they answer).
        self.reported_endpoints: dict[str, Any] = {}
        self.clusters: dict[str, Cluster] = {}
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, JSON body) as received
        self.headers: list[dict[str, str]] = []
        self.lock = threading.RLock()

    # ---- entry point ----
    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> Answer:
        with self.lock:
            self.requests.append((method, path, body))
            self.headers.append(headers)
            if not self.boot.up(self.clock.now()):
                # The Manager's API is still starting (Boot.mode 502/503: its proxy answers first).
                code = 502 if self.boot.mode == "502" else 503
                return code, {"message": "service starting"}
            if self.faults.errors_500 > 0:
                self.faults.errors_500 -= 1
                return 500, {"message": self.faults.error_message}
            if path == "/api/v2/login" and method == "POST":
                return self.login(body)
            problem = self._authorised(headers.get("authorization", ""))
            if problem:
                return 401, {"message": problem}
            answer = self._route(method, path, body)
            pattern = self.faults.fail_after_path
            if pattern and self.faults.fail_after_count > 0 and re.fullmatch(pattern, f"{method} {path}"):
                self.faults.fail_after_count -= 1
                return 500, {"message": "applied, but the answer was lost (simulated)"}
            return answer

    def _authorised(self, header: str) -> str | None:
        # .../latest/api-security-schema: bearer_auth, apiKey, name Authorization, in header.
        auth = self.variants.auth
        bearer = header.startswith("Bearer ")
        if (auth == "raw" and bearer) or (auth == "bearer" and not bearer):
            return f"Authorization must be {'the token as-is' if auth == 'raw' else 'Bearer <token>'}"
        token = header.removeprefix("Bearer ") if bearer else header
        if token not in self.tokens:
            return "missing or unknown token"
        if self.faults.expire_tokens > 0 or self.clock.now() > self.tokens[token]:
            self.faults.expire_tokens = max(0, self.faults.expire_tokens - 1)
            del self.tokens[token]
            return "token expired"
        return None

    def login(self, body: Any) -> Answer:
        # .../7.0/api/v2/login/post: credential {username, password} -> 200 {token}; 401.
        ok = isinstance(body, dict) and body.get("username") == self.USER and body.get("password") == self.password
        if self.faults.refuse_login or not ok:
            return 401, None
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock.now() + self.token_ttl
        return 200, {"token": token}

    def _route(self, method: str, path: str, body: Any) -> Answer:
        parts = path.strip("/").split("/")[2:]  # after api/v2
        if not parts:
            return 404, None
        coll, rest = parts[0], parts[1:]
        if coll in ("vcenters", "nsxs"):
            return self.registrations(coll, method, rest, body)
        if coll == "clusters":
            return self.clusters_op(method, rest, body)
        if coll == "status" and not rest and method == "GET":
            return self.status()
        if coll == "openstack" and len(rest) == 2 and rest[1] == "scal" and method == "PUT":
            return self.scale(rest[0], body)
        return 404, {"message": f"no operation {method} {path}"}

    # ---- vcenters and nsxs ----
    def registrations(self, coll: str, method: str, rest: list[str], body: Any) -> Answer:
        store = self.vcenters if coll == "vcenters" else self.nsxs
        kind = "vcenter" if coll == "vcenters" else "nsx"
        if method == "POST" and not rest:
            # .../7.0/api/v2/vcenters/post, .../7.0/api/v2/nsxs/post: body `vcenter` / `nsx`; 201, 409, 422.
            problem = self._registration_problem(kind, body, put=False)
            if problem:
                return 422, {"message": problem}
            name = body.get("name") or body["hostname"]
            if name in store:
                return 409, {"message": f"{name} exists"}
            store[name] = dict(body, name=name)
            return 201, None
        if method == "GET" and not rest:
            # .../7.0/api/v2/vcenters/get, .../7.0/api/v2/nsxs/get: the list, passwords included (base64).
            return 200, [public_registration(v, self.variants) for v in store.values()]
        if not rest or rest[0] not in store:
            # 404 where documented (get/put/delete by name); .../nsxs/name/delete also lists 500.
            return 404, {"message": "not found"}
        name = rest[0]
        if len(rest) == 2 and rest[1] == "validation" and method == "GET":
            return self.validation(coll, name)
        if len(rest) != 1:
            return 404, None
        if method == "GET":
            # .../7.0/api/v2/vcenters/name/get, .../7.0/api/v2/nsxs/name/get
            return 200, public_registration(store[name], self.variants)
        if method == "PUT":
            # .../7.0/api/v2/vcenters/name/put, .../7.0/api/v2/nsxs/name/put: the whole structure again
            # (`nsx` requires `name`); 200, 404, 422.
            problem = self._registration_problem(kind, body, put=True)
            if problem:
                return 422, {"message": problem}
            store[name] = dict(body, name=name)
            return 200, None
        if method == "DELETE":
            # .../7.0/api/v2/vcenters/name/delete, .../7.0/api/v2/nsxs/name/delete: 200 (Variants).
            del store[name]
            return self.variants.registration_delete_code, None
        return 405, None

    @staticmethod
    def _registration_problem(kind: str, body: Any, put: bool) -> str | None:
        if not isinstance(body, dict):
            return "body must be an object"
        problems = validate_body(kind, body)
        if problems:
            return "; ".join(problems)
        try:
            base64.b64decode(body["password"], validate=True)
        except (binascii.Error, TypeError):
            return "password must be base64 encoded"
        return None

    def validation(self, coll: str, name: str) -> Answer:
        if coll == "vcenters":
            # .../7.0/api/v2/vcenters/name/validation/get -> vcenter_validation (a small seeded inventory)
            dc = {"moref": "datacenter-1", "name": "mgmt-dc"}
            return 200, {
                "datacenters": [dc],
                "clusters": [{"datacenter": dc, "moref": "domain-c1", "name": "mgmt-cluster"}],
                "datastores": [{"datacenter": dc, "moref": "datastore-1", "name": "mgmt-ds"}],
                "networks": [{"moref": "dvportgroup-1", "name": "vio-mgmt"}],
                "resourcepools": [{"datacenter": dc, "moref": "resgroup-1", "name": "vio-rp"}],
            }
        # .../7.0/api/v2/nsxs/name/validation/get -> nsx_validation: what the Manager sees in that NSX.
        inventory = dict(copy_json(self.nsx_inventory), nsxType=self.nsxs[name]["kind"])
        if self.faults.nsx_without_metadata_proxy:
            inventory["metadataProxies"] = []
        return 200, inventory

    # ---- clusters ----
    def live(self) -> list[Cluster]:
        return [c for c in self.clusters.values() if not c.deleted]

    def clusters_op(self, method: str, rest: list[str], body: Any) -> Answer:
        if method == "POST" and not rest:
            return self.create_cluster(body)
        if not rest or rest[0] not in self.clusters or self.clusters[rest[0]].deleted:
            return 404, {"message": "cluster not found"}
        name = rest[0]
        if len(rest) != 1:
            return 404, None
        if method == "GET":
            # .../7.0/api/v2/clusters/name/get: the whole `cluster`, credentials included (Variants).
            return 200, public_cluster(self.clusters[name].body, self.variants)
        if method == "DELETE":
            # .../7.0/api/v2/clusters/name/delete: 202 (accepted; the deployment is torn down).
            self.clusters[name].deleted = True
            return self.variants.cluster_delete_code, None
        return 405, None

    def create_cluster(self, body: Any) -> Answer:
        # .../7.0/api/v2/clusters/post: body `cluster` (Required). DOCS SILENT on the refusal code: 400 with
        # the problems; 409 when a deployment exists (one deployment per Manager: status has no name).
        if not isinstance(body, dict):
            return 400, {"message": "body must be a `cluster` object"}
        problems = validate_body("cluster", body)
        registered = {v.get("hostname") for v in self.vcenters.values()}
        for i, cc in enumerate(body.get("openstack_info", {}).get("compute", {}).get("compute_clusters") or []):
            # .../latest/data-structures/compute_cluster: vcenter_name is "the hostname or ip address of
            # the vcenter".
            if isinstance(cc, dict) and cc.get("vcenter_name") not in registered:
                problems.append(f"openstack_info.compute.compute_clusters[{i}].vcenter_name "
                                f"{cc.get('vcenter_name')!r}: no registered vCenter has that hostname")
        if problems:
            return 400, {"message": "; ".join(problems)}
        name = body["name"]
        if self.live():
            return 409, {"message": f"a deployment exists ({self.live()[0].body['name']})"}
        ha = bool(body.get("ha_enabled"))
        count = 3 if ha else 1
        now = self.clock.now()
        self.clusters[name] = Cluster(
            body=copy_json(body),
            created=now,
            ready_at=None if self.faults.never_ready else now + self.deploy_seconds,
            controllers=count,
            failed=self.faults.deploy_fails,
            replicas={svc: count for names in SERVICES.values() for svc in names},
        )
        return 202, None

    def status(self) -> Answer:
        # .../7.0/api/v2/status/get: no name, no parameters; 200 `cluster_status` (or 401).
        live = self.live()
        if not live:
            # DOCS SILENT on a Manager without a deployment: an empty status.
            return 200, {"status": "", "ha_enabled": False, "ip_access_enabled": False, "endpoints": {},
                         "nodes": [], "services": []}
        cluster = live[-1]
        cluster.status_calls.append(self.clock.now())
        status = cluster_status(cluster, self.clock.now(), self.variants, self.scale_seconds)
        if status["status"] == self.variants.ready_word and self.reported_endpoints:
            status["endpoints"] = {**status["endpoints"], **self.reported_endpoints}
        return 200, status

    def scale(self, group: str, body: Any) -> Answer:
        # .../7.0/api/v2/openstack/name/scal/put: path `name` one of keystone, glance, nova, neutron, cinder,
        # horizon, heat, barbican; body scal_request {service_settings: [{count, name}]} Required;
        # 202, 400, 401, 404.
        if group not in SCALABLE:
            return 404, {"message": f"service {group} cannot be scaled"}
        settings = body.get("service_settings") if isinstance(body, dict) else None
        if not isinstance(settings, list) or not settings:
            return 400, {"message": "service_settings required"}
        live = self.live()
        if not live:
            return 404, {"message": "no deployment"}
        cluster = live[-1]
        for item in settings:
            count = item.get("count") if isinstance(item, dict) else None
            if not isinstance(item, dict) or item.get("name") not in SERVICES[group] or not isinstance(count, int) \
                    or isinstance(count, bool) or count < 1:
                return 400, {"message": f"bad service setting {item!r}"}
        now = self.clock.now()
        for item in settings:
            svc = item["name"]
            # Replicas are pods on the existing controllers: scaling never adds a controller VM.
            cluster.scaled[svc] = (now, cluster.replicas[svc])
            cluster.replicas[svc] = item["count"]
        return 202, None
