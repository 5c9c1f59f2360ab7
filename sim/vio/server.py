"""A VIO 7.x Public API simulator (what vcsim is for vSphere), for tests and the polling benchmark.

Serves the documented operations over TLS (a test CA from `trustme`) on 127.0.0.1 with a random port,
in-process (`with VioSimulator() as sim:`):

- POST /api/v2/login -> {token}; tokens expire after `token_ttl` simulated seconds,
- /api/v2/vcenters and /api/v2/nsxs: POST, GET (list and by name), PUT, DELETE, GET .../{name}/validation
  (NSX: seeded transport zones, Tier-0 routers, DHCP profiles, metadata proxies),
- /api/v2/clusters: POST (creating -> running over `deploy_seconds` simulated seconds, nodes and services
  per `ha_enabled`), GET, GET .../{name}/status (cluster_status), DELETE,
- PUT /api/v2/openstack/{service}/scal (service replicas; more replicas than controllers adds controller
  nodes: the simulator's model of the Manager growing the plane, not a documented behaviour),

with faults on demand (`sim.faults`): expired tokens, 500s, a hang, a deployment that never becomes ready,
an NSX whose validation lacks the metadata proxy; and drift behind the API's back (`sim.drift_*`).

Time is a `ManualClock` shared with the provider (components.vio_client.set_clock): an hour-long
deployment is polled in well under a second.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

from components.vio_client import ManualClock

#: Service groups and services a VIO 7 deployment runs (groups as the scale operation names them, plus
#: the infrastructure the Manager runs alongside; names are the simulator's).
SERVICES: dict[str, tuple[str, ...]] = {
    "keystone": ("keystone-api",),
    "glance": ("glance-api",),
    "nova": ("nova-api", "nova-scheduler", "nova-conductor"),
    "neutron": ("neutron-server",),
    "cinder": ("cinder-api", "cinder-scheduler"),
    "horizon": ("horizon",),
    "heat": ("heat-api", "heat-engine"),
    "barbican": ("barbican-api",),
    "infra": ("mariadb", "rabbitmq", "memcached"),
}

SEED_NSX: dict[str, list[dict[str, str]]] = {
    "overlayTransportZones": [
        {"id": "tz-overlay-1", "display_name": "nsx-overlay-transportzone", "host_switch_name": "nvds", "transport_type": "OVERLAY"}
    ],
    "vlanTransportZones": [
        {"id": "tz-vlan-1", "display_name": "nsx-vlan-transportzone", "host_switch_name": "nvds", "transport_type": "VLAN"}
    ],
    "routers": [{"id": "t0-provider", "display_name": "vio-t0", "router_type": "TIER0"}],
    "dhcpProfiles": [{"id": "dhcp-vio", "display_name": "vio-dhcp", "description": "tenant DHCP"}],
    "metadataProxies": [{"id": "mdproxy-vio", "display_name": "vio-md-proxy", "metadata_server_url": "http://10.1.0.20:8775"}],
}


@dataclass
class Faults:
    """Switch a fault on by setting its field; each documents when it fires."""

    #: The next N authenticated requests answer 401 as if the token had expired.
    expire_tokens: int = 0
    #: The next N requests (any path) answer 500 with `error_message`.
    errors_500: int = 0
    error_message: str = "simulated internal error"
    #: Requests whose path matches this regex are held `hang_seconds` of real time before answering.
    hang_path: str | None = None
    hang_seconds: float = 5.0
    #: Clusters created while set never leave `creating`.
    never_ready: bool = False
    #: NSX validation reads omit the metadata proxies.
    nsx_without_metadata_proxy: bool = False
    #: Login refuses every credential.
    refuse_login: bool = False


@dataclass
class Cluster:
    body: dict[str, Any]
    created: float
    ready_at: float | None
    controllers: int
    replicas: dict[str, int] = field(default_factory=dict)  # service name -> desired
    ready_override: dict[str, int] = field(default_factory=dict)  # drift: service name -> ready
    scaled_at: float = 0.0
    status_calls: list[float] = field(default_factory=list)
    deleted: bool = False


class VioSimulator:
    USER = "admin"

    def __init__(
        self,
        *,
        password: str = "sim-Vio-Passw0rd",
        clock: ManualClock | None = None,
        deploy_seconds: float = 600.0,
        scale_seconds: float = 120.0,
        token_ttl: float = 1800.0,
    ) -> None:
        self.password = password
        self.clock = clock or ManualClock()
        self.deploy_seconds = deploy_seconds
        self.scale_seconds = scale_seconds
        self.token_ttl = token_ttl
        self.faults = Faults()
        self.tokens: dict[str, float] = {}
        self.vcenters: dict[str, dict[str, Any]] = {}
        self.nsxs: dict[str, dict[str, Any]] = {}
        self.nsx_inventory = json.loads(json.dumps(SEED_NSX))
        self.clusters: dict[str, Cluster] = {}
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, JSON body) as received
        self.lock = threading.RLock()
        self._ca = trustme.CA()
        self._cert = self._ca.issue_cert("127.0.0.1", "localhost")
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----
    @property
    def ca_pem(self) -> str:
        return self._ca.cert_pem.bytes().decode()

    @property
    def port(self) -> int:
        assert self._server is not None, "simulator not started"
        return int(self._server.server_address[1])

    def start(self) -> VioSimulator:
        sim = self

        class Handler(_Handler):
            simulator = sim

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._cert.configure_cert(ctx)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="vio-sim", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> VioSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what tests look at ----
    def calls(self, method: str, pattern: str) -> list[tuple[str, str, Any]]:
        with self.lock:
            return [r for r in self.requests if r[0] == method and re.fullmatch(pattern, r[1])]

    # ---- drift behind the API's back ----
    def drift_service(self, cluster: str, service: str, ready: int) -> None:
        with self.lock:
            self.clusters[cluster].ready_override[service] = ready

    def drift_cluster_body(self, cluster: str, path: str, value: Any) -> None:
        with self.lock:
            node = self.clusters[cluster].body
            *parents, leaf = path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = value

    def drift_vcenter(self, name: str, key: str, value: Any) -> None:
        with self.lock:
            self.vcenters[name][key] = value

    # ---- model ----
    def status(self, name: str) -> dict[str, Any]:
        c = self.clusters[name]
        now = self.clock.now()
        ha = bool(c.body.get("ha_enabled"))
        deployed = c.ready_at is not None and now >= c.ready_at
        nodes = []
        for i in range(c.controllers):
            ready = deployed and (i < 3 or now >= c.scaled_at + self.scale_seconds)
            nodes.append(
                {"name": f"controller-{i}", "ip": f"10.1.0.{31 + i}", "role": "controller",
                 "status": "Ready" if ready else "Provisioning"}
            )
        services = []
        for group, names in SERVICES.items():
            for svc in names:
                desired = c.replicas[svc]
                if not deployed:
                    count = 0
                elif now < c.scaled_at + self.scale_seconds:
                    count = min(desired, 3 if ha else 1)
                else:
                    count = desired
                count = c.ready_override.get(svc, count)
                services.append({"group": group, "name": svc, "desired": desired, "ready": count})
        return {
            "status": "running" if deployed else "creating",
            "ha_enabled": ha,
            "ip_access_enabled": bool(c.body.get("ip_access_enabled")),
            "endpoints": dict(c.body.get("endpoints") or {}),
            "nodes": nodes,
            "services": services,
        }

    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path, body))
            if self.faults.errors_500 > 0:
                self.faults.errors_500 -= 1
                return 500, {"message": self.faults.error_message}
            if path == "/api/v2/login" and method == "POST":
                return self._login(body)
            auth = headers.get("authorization", "")
            token = auth.removeprefix("Bearer ")
            if not auth.startswith("Bearer ") or token not in self.tokens:
                return 401, {"message": "missing or unknown token"}
            if self.faults.expire_tokens > 0 or self.clock.now() > self.tokens[token]:
                self.faults.expire_tokens = max(0, self.faults.expire_tokens - 1)
                del self.tokens[token]
                return 401, {"message": "token expired"}
            return self._route(method, path, body)

    def _login(self, body: Any) -> tuple[int, Any]:
        ok = isinstance(body, dict) and body.get("username") == self.USER and body.get("password") == self.password
        if self.faults.refuse_login or not ok:
            return 401, None
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock.now() + self.token_ttl
        return 200, {"token": token}

    def _route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = path.strip("/").split("/")[2:]  # after api/v2
        if not parts:
            return 404, None
        coll, rest = parts[0], parts[1:]
        if coll in ("vcenters", "nsxs"):
            return self._registrations(coll, method, rest, body)
        if coll == "clusters":
            return self._clusters(method, rest, body)
        if coll == "openstack" and len(rest) == 2 and rest[1] == "scal" and method == "PUT":
            return self._scale(rest[0], body)
        return 404, {"message": f"no operation {method} {path}"}

    def _registrations(self, coll: str, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        store = self.vcenters if coll == "vcenters" else self.nsxs
        required = ("hostname", "insecure", "password", "username") + (("kind", "name") if coll == "nsxs" else ("is_management",))
        if method == "POST" and not rest:
            problem = self._check_registration(body, required)
            if problem:
                return 422, {"message": problem}
            name = body.get("name") or body["hostname"]
            if name in store:
                return 409, {"message": f"{name} exists"}
            store[name] = dict(body, name=name)
            return 201, None
        if method == "GET" and not rest:
            return 200, [_public(v) for v in store.values()]
        if not rest or rest[0] not in store:
            return 404, {"message": "not found"}
        name = rest[0]
        if len(rest) == 2 and rest[1] == "validation" and method == "GET":
            if coll == "vcenters":
                # vcenter_validation (.../latest/data-structures/vcenter_validation), a small seeded inventory
                dc = {"moref": "datacenter-1", "name": "mgmt-dc"}
                return 200, {
                    "datacenters": [dc],
                    "clusters": [{"datacenter": dc, "moref": "domain-c1", "name": "mgmt-cluster"}],
                    "datastores": [{"datacenter": dc, "moref": "datastore-1", "name": "mgmt-ds"}],
                    "networks": [{"moref": "dvportgroup-1", "name": "vio-mgmt"}],
                    "resourcepools": [{"datacenter": dc, "moref": "resgroup-1", "name": "vio-rp"}],
                }
            inventory = dict(self.nsx_inventory, nsxType=store[name]["kind"])
            if self.faults.nsx_without_metadata_proxy:
                inventory["metadataProxies"] = []
            return 200, inventory
        if len(rest) != 1:
            return 404, None
        if method == "GET":
            return 200, _public(store[name])
        if method == "PUT":
            problem = self._check_registration(body, tuple(k for k in required if k != "name"))
            if problem:
                return 422, {"message": problem}
            store[name] = dict(body, name=name)
            return 200, None
        if method == "DELETE":
            del store[name]
            return 204, None
        return 405, None

    @staticmethod
    def _check_registration(body: Any, required: tuple[str, ...]) -> str | None:
        if not isinstance(body, dict):
            return "body must be an object"
        missing = [k for k in required if k not in body]
        if missing:
            return f"missing {', '.join(missing)}"
        try:
            base64.b64decode(body["password"], validate=True)
        except (binascii.Error, TypeError):
            return "password must be base64 encoded"
        return None

    def _clusters(self, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        if method == "POST" and not rest:
            if not isinstance(body, dict) or not body.get("name"):
                return 422, {"message": "cluster name required"}
            name = body["name"]
            if name in self.clusters and not self.clusters[name].deleted:
                return 409, {"message": f"cluster {name} exists"}
            ha = bool(body.get("ha_enabled"))
            count = 3 if ha else 1
            now = self.clock.now()
            self.clusters[name] = Cluster(
                body=json.loads(json.dumps(body)),
                created=now,
                ready_at=None if self.faults.never_ready else now + self.deploy_seconds,
                controllers=count,
                replicas={svc: count for names in SERVICES.values() for svc in names},
                scaled_at=-1e12,
            )
            return 202, None
        if not rest or rest[0] not in self.clusters or self.clusters[rest[0]].deleted:
            return 404, {"message": "cluster not found"}
        name = rest[0]
        if len(rest) == 2 and rest[1] == "status" and method == "GET":
            self.clusters[name].status_calls.append(self.clock.now())
            return 200, self.status(name)
        if len(rest) != 1:
            return 404, None
        if method == "GET":
            return 200, _public(self.clusters[name].body)
        if method == "DELETE":
            self.clusters[name].deleted = True
            return 202, None
        return 405, None

    def _scale(self, group: str, body: Any) -> tuple[int, Any]:
        if group not in SERVICES or group == "infra":
            return 404, {"message": f"service {group} cannot be scaled"}
        settings = body.get("service_settings") if isinstance(body, dict) else None
        if not isinstance(settings, list) or not settings:
            return 400, {"message": "service_settings required"}
        live = [c for c in self.clusters.values() if not c.deleted]
        if not live:
            return 404, {"message": "no deployment"}
        cluster = live[-1]
        for item in settings:
            if item.get("name") not in SERVICES[group] or not isinstance(item.get("count"), int):
                return 400, {"message": f"bad service setting {item!r}"}
            cluster.replicas[item["name"]] = item["count"]
            cluster.controllers = max(cluster.controllers, item["count"])
        cluster.scaled_at = self.clock.now()
        return 202, None


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    """What a GET returns: the stored object without credentials (the Manager does not echo them)."""
    out = json.loads(json.dumps(obj))
    out.pop("password", None)
    identity = out.get("openstack_info", {}).get("identity", {})
    identity.pop("admin_password", None)
    nsx = out.get("openstack_info", {}).get("neutron", {}).get("nsx") or {}
    nsx.pop("nsx_api_password", None)
    nsx.pop("metadata_proxy_shared_secret", None)
    return out


class _Handler(BaseHTTPRequestHandler):
    simulator: VioSimulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one segment per reply: no 40 ms delayed-ACK stall per call

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests capture stderr to look for leaked secrets

    def _serve(self) -> None:
        sim = self.simulator
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._reply(400, {"message": "body is not JSON"})
            return
        pattern = sim.faults.hang_path
        if pattern and re.search(pattern, self.path):
            time.sleep(sim.faults.hang_seconds)  # real time: the client's per-call timeout must end it
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, data = sim.handle(self.command, self.path, headers, body)
        self._reply(status, data)

    def _reply(self, status: int, data: Any) -> None:
        payload = json.dumps(data).encode() if data is not None else b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout test)

    do_GET = do_POST = do_PUT = do_DELETE = _serve
