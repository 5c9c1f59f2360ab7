"""The state a simulated VIO Manager keeps, what the reference leaves open (`Variants`), and faults.

Reference: VMware Integrated OpenStack API 7.0 (developer.broadcom.com/xapis/vmware-integrated-openstack-api,
operation index .../latest/operation-index/, data structures .../latest/data-structures/*). Where it is
silent the simulator can answer in each plausible way (`Variants`); tests run the client against every one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

#: Service groups (what the scale operation's path names: .../7.0/api/v2/openstack/name/scal/put, "supported
#: services: keystone, glance, nova, neutron, cinder, horizon, heat, barbican") and the services the status
#: lists under each group (.../latest/data-structures/cluster_status: services[{group, name, desired,
#: ready}]). DOCS SILENT on the service names: these are the simulator's; `infra` is what the Manager runs
#: beside OpenStack and cannot be scaled.
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
SCALABLE = tuple(g for g in SERVICES if g != "infra")

#: The NSX as the Manager's validation read sees it (.../latest/data-structures/nsx_validation).
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

Credentials = Literal["base64", "plain", "masked", "absent"]
BootMode = Literal["refuse", "reset", "503", "502"]


@dataclass
class Variants:
    """How the simulator answers where the reference is silent. Defaults follow the reference where it
    speaks; every field lists the plausible alternatives the client must handle."""

    #: .../latest/api-security-schema: apiKey `Authorization` in header (a value sent as-is). DOCS SILENT on
    #: a `Bearer ` prefix: "raw" accepts only the token, "bearer" only `Bearer <token>`, "either" both.
    auth: Literal["raw", "bearer", "either"] = "raw"
    #: .../latest/data-structures/cluster_status `status` (string, no value list): the word once deployed,
    #: while deploying, and for a failed deployment; node `role`/`status` likewise.
    ready_word: str = "running"
    deploying_word: str = "creating"
    failed_word: str = "error"
    controller_role: str = "controller"
    node_ready_word: str = "Ready"
    node_pending_word: str = "Provisioning"
    #: Credentials in GET answers (.../7.0/api/v2/clusters/name/get returns the whole `cluster`; vcenter/nsx
    #: GETs list `password`, base64 as posted). "base64": as stored; "plain": decoded; "masked": "******";
    #: "absent": left out.
    credentials: Credentials = "base64"
    #: Fields a Manager adds to or rewrites in what it returns (defaults, normalised values).
    normalise: bool = False
    #: Delete codes: .../7.0/api/v2/vcenters/name/delete and .../nsxs/name/delete document 200; cluster
    #: delete 202. 204 is the plausible alternative.
    registration_delete_code: int = 200
    cluster_delete_code: int = 202


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
    #: Clusters created while set never leave the deploying status.
    never_ready: bool = False
    #: Clusters created while set end in `Variants.failed_word`.
    deploy_fails: bool = False
    #: The next N requests whose "METHOD path" matches `fail_after_path` answer 500 *after* being applied
    #: (the POST went through, the answer was lost): the client's create must roll back.
    fail_after_path: str | None = None
    fail_after_count: int = 0
    #: NSX validation reads omit the metadata proxies.
    nsx_without_metadata_proxy: bool = False
    #: Login refuses every credential.
    refuse_login: bool = False


@dataclass
class Boot:
    """The Manager's first boot: its API is down until `seconds` of simulated time have passed since the
    simulator started and, when `powered_on` is set (a simulated datacenter ties it to the Manager VM's
    power state), until it returns True. While down the simulator answers per `mode`: "refuse" (the port
    is bound but not listening: connection refused), "reset" (accepts, then closes), "503"/"502"."""

    seconds: float = 0.0
    mode: BootMode = "refuse"
    powered_on: Callable[[], bool] | None = None
    started_at: float = 0.0

    def up(self, now: float) -> bool:
        if now < self.started_at + self.seconds:
            return False
        return self.powered_on is None or bool(self.powered_on())


@dataclass
class Cluster:
    body: dict[str, Any]
    created: float
    ready_at: float | None
    controllers: int
    failed: bool = False
    replicas: dict[str, int] = field(default_factory=dict)  # service name -> desired
    ready_override: dict[str, int] = field(default_factory=dict)  # drift: service name -> ready
    #: service name -> (when last scaled, replicas before): new replicas take `scale_seconds` to be ready
    scaled: dict[str, tuple[float, int]] = field(default_factory=dict)
    status_calls: list[float] = field(default_factory=list)
    deleted: bool = False


def copy_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def cluster_status(c: Cluster, now: float, v: Variants, scale_seconds: float) -> dict[str, Any]:
    """.../latest/data-structures/cluster_status: {endpoints, ha_enabled, ip_access_enabled, nodes[{ip, name,
    role, status}], services[{desired, group, name, ready}], status}, all Required."""
    ha = bool(c.body.get("ha_enabled"))
    deployed = not c.failed and c.ready_at is not None and now >= c.ready_at
    nodes = [
        {"name": f"controller-{i}", "ip": f"10.1.0.{31 + i}", "role": v.controller_role,
         "status": v.node_ready_word if deployed else v.node_pending_word}
        for i in range(c.controllers)
    ]
    services = []
    for group, names in SERVICES.items():
        for svc in names:
            desired = c.replicas[svc]
            if not deployed:
                count = 0
            elif svc in c.scaled and now < c.scaled[svc][0] + scale_seconds:
                count = min(desired, c.scaled[svc][1])  # the added replicas are still starting
            else:
                count = desired
            count = c.ready_override.get(svc, count)
            services.append({"group": group, "name": svc, "desired": desired, "ready": count})
    word = v.failed_word if c.failed else v.ready_word if deployed else v.deploying_word
    return {
        "status": word,
        "ha_enabled": ha,
        "ip_access_enabled": bool(c.body.get("ip_access_enabled")),
        "endpoints": dict(c.body.get("endpoints") or {}),
        "nodes": nodes,
        "services": services,
    }


_CLUSTER_SECRETS = (
    ("openstack_info", "identity", "admin_password"),
    ("openstack_info", "neutron", "nsx", "nsx_api_password"),
    ("openstack_info", "neutron", "nsx", "metadata_proxy_shared_secret"),
)
_BASE64_ON_WIRE = {"nsx_api_password", "metadata_proxy_shared_secret", "password"}


def _present(container: dict[str, Any], key: str, v: Variants) -> None:
    if key not in container:
        return
    if v.credentials == "absent":
        del container[key]
    elif v.credentials == "masked":
        container[key] = "******"
    elif v.credentials == "plain" and key in _BASE64_ON_WIRE and isinstance(container[key], str):
        try:
            container[key] = base64.b64decode(container[key], validate=True).decode()
        except ValueError:
            pass


def public_registration(obj: dict[str, Any], v: Variants) -> dict[str, Any]:
    """A vcenter/nsx as GET returns it: `password` listed (base64 as stored), per `Variants.credentials`."""
    out = copy_json(obj)
    _present(out, "password", v)
    if v.normalise:
        out["hostname"] = str(out.get("hostname", "")).upper()  # host names are case-insensitive
        out.setdefault("id", f"{out.get('name')}-0001")
    return out


def public_cluster(body: dict[str, Any], v: Variants) -> dict[str, Any]:
    """The `cluster` as GET returns it: the whole structure with its credentials (per `Variants`), and with
    `normalise` the defaults and rewrites a Manager adds."""
    out = copy_json(body)
    for path in _CLUSTER_SECRETS:
        node: Any = out
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            _present(node, path[-1], v)
    if v.normalise:
        endpoints = out.get("endpoints") or {}
        if isinstance(endpoints.get("hostname"), str):
            endpoints["hostname"] = endpoints["hostname"].upper()
        for cc in out.get("openstack_info", {}).get("compute", {}).get("compute_clusters") or []:
            cc["vcenter_name"] = str(cc.get("vcenter_name", "")).upper()
        compute = out.get("openstack_info", {}).get("compute", {})
        compute.setdefault("attributes", {"cpu_allocation_ratio": 16.0})
        out.get("openstack_info", {}).get("identity", {}).setdefault("token_expiration_time", 7200)
        for net in out.get("networks") or []:
            net.setdefault("dns", [])
        out.setdefault("log_insight", {"ip": "", "port": 0})
        out["created_at"] = "2026-01-01T00:00:00Z"
    return out
