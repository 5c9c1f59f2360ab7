"""VIO 7.x Public API: documented data structures, body validation and a small HTTPS client.

Used by the dynamic providers in components/vio_api.py, by the VIO API simulator (sim/vio) and by tests.

Sources (VMware Integrated OpenStack API 7.0, developer.broadcom.com/xapis/vmware-integrated-openstack-api):
- operations: .../7.0/api/v2/login/post, .../7.0/api/v2/clusters/post, .../7.0/api/v2/clusters/name/get,
  .../7.0/api/v2/vcenters/post, .../7.0/api/v2/vcenters/name/put, .../7.0/api/v2/vcenters/name/validation/get,
  .../7.0/api/v2/nsxs/post, .../7.0/api/v2/nsxs/name/put, .../7.0/api/v2/nsxs/name/validation/get,
  .../7.0/api/v2/openstack/name/scal/put
- data structures: .../latest/data-structures/{cluster, openstack_info, compute, compute_cluster, identity,
  neutron, nsx_backend, nsxv_backend, vcenter, credential, cluster_status, nsx_validation}
- authentication: .../latest/api-security-schema (bearer token, header `Authorization`)

Where those pages are silent the code says so in a comment (look for "DOCS SILENT").
"""

from __future__ import annotations

import base64
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import urllib3

DOCS = "https://developer.broadcom.com/xapis/vmware-integrated-openstack-api"

#: Pulumi's marker for a value not known during preview (pulumi.runtime.rpc.UNKNOWN); kept literal so the
#: simulator and validation do not import the SDK's runtime.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: Pulumi's wire signature of a secret value (pulumi.runtime.rpc._special_secret_sig), seen by check/diff.
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_SIG_KEY = "4dabf18193072939515e22adb298388d"

log = logging.getLogger("vionfv.vio_api")


# --------------------------------------------------------------------------------------------------------
# Documented data structures
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One documented field: its JSON type, whether the page marks it Required, and for objects/arrays
    the structure (a FIELDS key) or scalar type of the items; `of=None` for a free-form object."""

    type: str  # "string" | "boolean" | "integer" | "object" | "array"
    required: bool
    of: str | None = None
    #: False where the page's Required/Optional flag could not be read and the JSON example is the source.
    flag_documented: bool = True


def _f(type_: str, required: bool, of: str | None = None, documented: bool = True) -> Field:
    return Field(type_, required, of, documented)


S, B, INT, OBJ, A = "string", "boolean", "integer", "object", "array"

FIELDS: dict[str, dict[str, Field]] = {
    # .../latest/data-structures/cluster (JSON example). DOCS SILENT (flags not legible in the stored
    # page): which top-level fields are Required; those the deployment cannot be built without are
    # required here, `log_insight` optional.
    "cluster": {
        "name": _f(S, True, documented=False),
        "ha_enabled": _f(B, True, documented=False),
        "ip_access_enabled": _f(B, True, documented=False),
        "endpoints": _f(OBJ, True, "endpoints", documented=False),
        "management_cluster": _f(OBJ, True, "management_cluster", documented=False),
        "networks": _f(A, True, "network", documented=False),
        "openstack_info": _f(OBJ, True, "openstack_info", documented=False),
        "log_insight": _f(OBJ, False, "log_insight", documented=False),
    },
    "endpoints": {
        "hostname": _f(S, True, documented=False),
        "private_vip": _f(S, True, documented=False),
        "public_vip": _f(S, True, documented=False),
    },
    "log_insight": {"ip": _f(S, True, documented=False), "port": _f(INT, True, documented=False)},
    "management_cluster": {
        "datacenter": _f(S, True, documented=False),
        "datastore": _f(S, True, documented=False),
        "resourcepool": _f(S, True, documented=False),
    },
    "network": {
        "type": _f(S, True, documented=False),
        "name": _f(S, True, documented=False),
        "ip_ranges": _f(A, True, "ip_range", documented=False),
        "netmask": _f(S, True, documented=False),
        "gateway": _f(S, True, documented=False),
        "dns": _f(A, False, S, documented=False),
    },
    "ip_range": {"begin_ip": _f(S, True, documented=False), "end_ip": _f(S, True, documented=False)},
    # .../latest/data-structures/openstack_info: compute, identity, neutron (flags not legible).
    "openstack_info": {
        "compute": _f(OBJ, True, "compute", documented=False),
        "identity": _f(OBJ, True, "identity", documented=False),
        "neutron": _f(OBJ, True, "neutron", documented=False),
    },
    # .../latest/data-structures/compute
    "compute": {
        "attributes": _f(OBJ, False),
        "compute_clusters": _f(A, True, "compute_cluster"),
        "default_availability_zone_name": _f(S, True),
        "passthrough": _f(B, True),
        "tenant_vdc": _f(B, True),
    },
    # .../latest/data-structures/compute_cluster
    "compute_cluster": {
        "availability_zone_name": _f(S, True),
        "cluster_name": _f(S, True),
        "datastore_regex": _f(S, True),
        "dvs_moid": _f(S, False),
        "vcenter_name": _f(S, True),
    },
    # .../latest/data-structures/identity: admin_domain_name Required; the rest not legible.
    "identity": {
        "admin_domain_name": _f(S, True),
        "admin_user": _f(S, True, documented=False),
        "admin_password": _f(S, True, documented=False),
        "ldap_backends": _f(A, False, None, documented=False),
        "token_expiration_time": _f(INT, False, documented=False),
    },
    # .../latest/data-structures/neutron
    "neutron": {
        "attributes": _f(OBJ, False),
        "dns_designate_enabled": _f(B, False),
        "dvs_name": _f(S, False),
        "neutron_backend": _f(S, True),
        "nsx": _f(OBJ, False, "nsx_backend"),
        "nsxv": _f(OBJ, False, "nsxv_backend"),
    },
    # .../latest/data-structures/nsx_backend ("NSXT|NSXP shares the same attributes")
    "nsx_backend": {
        "default_overlay_tz": _f(S, True),
        "default_tier0_router": _f(S, True),
        "default_vlan_tz": _f(S, True),
        "dhcp_profile": _f(S, True),
        "ens_support": _f(B, False),
        "insecure": _f(B, True),
        "metadata_proxy": _f(S, True),
        "metadata_proxy_shared_secret": _f(S, True),
        "native_dhcp_metadata": _f(B, False),
        "nsx_api_managers": _f(S, True),
        "nsx_api_password": _f(S, True),
        "nsx_api_user": _f(S, True),
    },
    # .../latest/data-structures/nsxv_backend
    "nsxv_backend": {
        k: _f(B if k == "insecure" else S, True)
        for k in (
            "cluster_moid", "datacenter_moid", "datastore_id", "dvs_id", "external_network", "insecure",
            "nsx_api_managers", "nsx_api_password", "nsx_api_user", "resource_pool_id", "vdn_scope_id",
        )
    },
    # .../latest/data-structures/vcenter (also the PUT body of .../7.0/api/v2/vcenters/name/put)
    "vcenter": {
        "hostname": _f(S, True),
        "insecure": _f(B, True),
        "is_management": _f(B, True),
        "name": _f(S, False),
        "password": _f(S, True),
        "username": _f(S, True),
    },
    # The registration body of .../7.0/api/v2/nsxs/post (data structure `nsx`)
    "nsx": {
        "hostname": _f(S, True),
        "insecure": _f(B, True),
        "kind": _f(S, True),
        "name": _f(S, True),
        "password": _f(S, True),
        "username": _f(S, True),
    },
    # .../7.0/api/v2/openstack/name/scal/put (scal_request)
    "scal_request": {"service_settings": _f(A, True, "service_setting")},
    "service_setting": {"count": _f(INT, True, documented=False), "name": _f(S, True, documented=False)},
    # .../latest/data-structures/credential
    "credential": {"password": _f(S, True), "username": _f(S, True)},
}

#: Allowed values where the pages enumerate them.
ENUMS: dict[str, tuple[str, ...]] = {
    "neutron.neutron_backend": ("nsxv", "nsxt", "nsxp", "dvs"),  # .../data-structures/neutron
    "nsx.kind": ("nsxv", "nsxt", "nsxp", "nsx-tvd"),  # .../7.0/api/v2/nsxs/post
}

#: Credentials per body kind (dotted paths); none of them may reach logs, errors or plain outputs.
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "vcenter": ("password",),
    "nsx": ("password",),
    "nsx_backend": ("nsx_api_password", "metadata_proxy_shared_secret"),
    "cluster": (
        "openstack_info.identity.admin_password",
        "openstack_info.neutron.nsx.nsx_api_password",
        "openstack_info.neutron.nsx.metadata_proxy_shared_secret",
        "openstack_info.neutron.nsxv.nsx_api_password",
    ),
}

#: The fields the pages say "should be base64 encoded" on the wire (bodies keep plaintext). DOCS SILENT on
#: identity.admin_password (the page's text is not legible): sent as given.
BASE64_FIELDS: dict[str, tuple[str, ...]] = {
    "vcenter": ("password",),
    "nsx": ("password",),
    "nsx_backend": ("nsx_api_password", "metadata_proxy_shared_secret"),
    "cluster": (
        "openstack_info.neutron.nsx.nsx_api_password",
        "openstack_info.neutron.nsx.metadata_proxy_shared_secret",
        "openstack_info.neutron.nsxv.nsx_api_password",
    ),
}

_PY_TYPES: dict[str, tuple[type, ...]] = {S: (str,), B: (bool,), INT: (int,), OBJ: (dict,), A: (list, tuple)}


def plain(value: Any) -> Any:
    """`value` without Pulumi's secret wrappers (what check/diff receive), recursively."""
    if isinstance(value, Mapping):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return plain(value.get("value"))
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _type_ok(expected: str, value: Any) -> bool:
    if value == UNKNOWN:
        return True  # known only after apply; checked again at create
    if expected == INT and isinstance(value, bool):
        return False
    if expected == INT and isinstance(value, float) and value.is_integer():
        return True  # protobuf Struct carries every number as a double
    return isinstance(value, _PY_TYPES[expected])


def validate_body(kind: str, body: Mapping[str, Any]) -> list[str]:
    """Problems of `body` against the documented structure `kind` (a FIELDS key), each naming its dotted
    field: a required field missing, a field the page does not document, a wrong JSON type or value."""
    if kind not in FIELDS:
        raise KeyError(f"unknown VIO data structure {kind!r}; known: {', '.join(sorted(FIELDS))}")
    problems: list[str] = []
    _validate(kind, plain(body), "", problems)
    return problems


def _validate(struct: str, body: Any, prefix: str, problems: list[str]) -> None:
    where = prefix.rstrip(".") or "body"
    if body == UNKNOWN:
        return
    if not isinstance(body, Mapping):
        problems.append(f"{where}: expected an object ({struct}), got {type(body).__name__}")
        return
    spec = FIELDS[struct]
    for key in sorted(set(body) - set(spec)):
        problems.append(
            f"{prefix}{key}: not a field of the documented `{struct}` structure "
            f"(known: {', '.join(sorted(spec))})"
        )
    for key, field in spec.items():
        path = f"{prefix}{key}"
        if key not in body or body[key] is None:
            if field.required:
                problems.append(f"{path}: required by the `{struct}` structure, missing")
            continue
        value = body[key]
        if not _type_ok(field.type, value):
            problems.append(f"{path}: expected {field.type}, got {type(value).__name__} {_show(path, value)}")
            continue
        allowed = ENUMS.get(f"{struct}.{key}")
        if allowed and value != UNKNOWN and value not in allowed:
            problems.append(f"{path}: {value!r} is not one of {', '.join(allowed)}")
        if field.type == OBJ and field.of and value != UNKNOWN:
            _validate(field.of, value, f"{path}.", problems)
        elif field.type == A and field.of and value != UNKNOWN:
            for i, item in enumerate(value):
                if field.of in FIELDS:
                    _validate(field.of, item, f"{path}[{i}].", problems)
                elif not _type_ok(field.of, item):
                    problems.append(f"{path}[{i}]: expected {field.of}, got {type(item).__name__}")


def _show(path: str, value: Any) -> str:
    # A value is echoed to help the user, except where the field holds a credential.
    if any(word in path for word in ("password", "secret")):
        return "(value hidden)"
    return repr(value)[:60]


def get_path(body: Mapping[str, Any], dotted: str) -> Any:
    node: Any = body
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def secret_values(kind: str, body: Mapping[str, Any]) -> list[str]:
    """The credentials in `body` (plaintext and their base64 form), for scrubbing messages."""
    found: list[str] = []
    for dotted in SECRET_FIELDS.get(kind, ()):
        value = plain(get_path(body, dotted))
        if isinstance(value, str) and value and value != UNKNOWN:
            found += [value, b64(value)]
    return found


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def wire_body(kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON the API takes: a deep copy of `body` with the documented base64 fields encoded."""
    out: dict[str, Any] = json.loads(json.dumps(plain(body)))
    for dotted in BASE64_FIELDS.get(kind, ()):
        *parents, leaf = dotted.split(".")
        node: Any = out
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(leaf), str):
            node[leaf] = b64(node[leaf])
    return out


# --------------------------------------------------------------------------------------------------------
# Time: injectable so the simulator and the benchmark run an hour of polling in a second
# --------------------------------------------------------------------------------------------------------


class Clock:
    """Wall clock. Tests and the benchmark replace `CLOCK` with a scaled clock shared with the simulator."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock(Clock):
    """Simulated time: `sleep` advances it at once (thread-safe). The simulator reads the same clock."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)


CLOCK: Clock = Clock()


def set_clock(clock: Clock) -> Clock:
    """Install `clock` for every provider operation; returns the previous one (tests restore it)."""
    global CLOCK
    previous, CLOCK = CLOCK, clock
    return previous


# --------------------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------------------


class VioApiError(RuntimeError):
    """A failed VIO API operation; the message names endpoint, method, path and operation, never a
    credential."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    username: str
    insecure: bool
    ca_bundle: str | None
    timeout: float

    @property
    def base(self) -> str:
        return f"https://{self.host}:{self.port}"


_REASONS = {
    400: "bad request",
    401: "not authorised (login refused or token rejected)",
    403: "forbidden: the API user lacks the rights for this operation",
    404: "not found",
    409: "conflict: an object of that name already exists or is busy",
    422: "the Manager refused the body",
}


class VioClient:
    """One session against one VIO Manager for one provider operation (create, read, ...). Holds the
    password only for its own lifetime: the provider never keeps a client on itself."""

    MAX_ATTEMPTS = 4  # one call plus three retries on connection errors and 5xx
    BACKOFF = 0.5  # seconds, doubled per retry

    def __init__(self, endpoint: Endpoint, password: str, scrub: Iterable[str] = ()) -> None:
        self.endpoint = endpoint
        self._password = password
        self._secrets = [s for s in (password, b64(password), *scrub) if s]
        self._token: str | None = None
        self.calls = 0
        self._pool = urllib3.PoolManager(
            ssl_context=self._ssl_context(endpoint),
            retries=False,
            timeout=urllib3.Timeout(connect=endpoint.timeout, read=endpoint.timeout),
        )

    @staticmethod
    def _ssl_context(endpoint: Endpoint) -> ssl.SSLContext:
        if endpoint.insecure:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        ctx = ssl.create_default_context()
        if endpoint.ca_bundle:
            ctx = ssl.create_default_context(cadata=endpoint.ca_bundle)
        return ctx

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> VioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def _fail(self, method: str, path: str, operation: str, detail: str, status: int | None = None) -> VioApiError:
        return VioApiError(
            self.scrub(f"VIO API {self.endpoint.base}: {operation} ({method} {path}) failed: {detail}"), status
        )

    def login(self, purpose: str) -> None:
        # .../7.0/api/v2/login/post: credential {username, password} -> {token} (a JWT).
        body = {"username": self.endpoint.username, "password": self._password}
        operation = f"login for {purpose}"
        status, data = self._send("POST", "/api/v2/login", operation, body, auth=False)
        if status != 200 or not isinstance(data, dict) or not data.get("token"):
            raise self._fail("POST", "/api/v2/login", operation, self._detail(status, data), status)
        self._token = str(data["token"])

    def request(
        self, method: str, path: str, operation: str, body: Any = None, ok: tuple[int, ...] = (200, 201, 202, 204)
    ) -> tuple[int, Any]:
        """`method path`; re-logs in once on 401 (expired token); raises VioApiError unless the status is in
        `ok` (404 may be passed in `ok` by reads that treat absence as a result)."""
        if self._token is None:
            self.login(operation)
        status, data = self._send(method, path, operation, body, auth=True)
        if status == 401:
            log.debug("VIO API %s: token rejected on %s %s; logging in again", self.endpoint.base, method, path)
            self.login(operation)
            status, data = self._send(method, path, operation, body, auth=True)
        if status not in ok:
            raise self._fail(method, path, operation, self._detail(status, data), status)
        return status, data

    def _detail(self, status: int, data: Any) -> str:
        reason = _REASONS.get(status, "server error" if status >= 500 else "unexpected status")
        message = ""
        if isinstance(data, dict):
            message = str(data.get("message") or data.get("error") or "")
        elif isinstance(data, str):
            message = data
        return f"HTTP {status} {reason}" + (f": {message[:200]}" if message else "")

    def _send(self, method: str, path: str, operation: str, body: Any, auth: bool) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        if auth and self._token:
            # DOCS SILENT on the scheme word: the security schema names only the header `Authorization`;
            # "Bearer <jwt>" is what the scheme's name (bearer_auth) implies.
            headers["Authorization"] = f"Bearer {self._token}"
        url = self.endpoint.base + path
        delay = self.BACKOFF
        for attempt in range(1, self.MAX_ATTEMPTS + 1):
            self.calls += 1
            try:
                response = self._pool.request(method, url, body=payload, headers=headers)
            except urllib3.exceptions.ReadTimeoutError:
                # Not retried: the call may have been applied (POST), and a hang must end within one timeout.
                raise self._fail(
                    method, path, operation, f"no answer within {self.endpoint.timeout:g} s (timeout)"
                ) from None
            except urllib3.exceptions.SSLError as exc:
                raise self._fail(
                    method, path, operation,
                    f"TLS verification failed ({type(exc).__name__}); give the Manager's CA as ca_bundle "
                    "or set insecure only for a lab",
                ) from None
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if attempt == self.MAX_ATTEMPTS:
                    raise self._fail(
                        method, path, operation,
                        f"connection failed after {attempt} attempts ({type(exc).__name__})",
                    ) from None
                log.debug("VIO API %s: %s on %s %s; retrying", self.endpoint.base, type(exc).__name__, method, path)
            else:
                data = _decode(response.data)
                if response.status >= 500 and attempt < self.MAX_ATTEMPTS:
                    log.debug("VIO API %s: HTTP %s on %s %s; retrying", self.endpoint.base, response.status, method, path)
                else:
                    return response.status, data
            # CLOCK, not time: the simulator's scaled clock makes the backoff free in tests.
            CLOCK.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:200]


# --------------------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollSchedule:
    """Intervals between status reads: `base` at first, growing by `growth` up to `cap`. With base 10 s and
    cap 25 s an hour-long deployment costs ~150 reads (0.4 per 10 s) and readiness is seen within 25 s plus
    one call; a short one is still seen within 10-15 s."""

    base: float = 10.0
    cap: float = 25.0
    growth: float = 1.25

    def intervals(self) -> Iterable[float]:
        interval = self.base
        while True:
            yield interval
            interval = min(self.cap, interval * self.growth)


def poll(
    read: Callable[[], Any],
    done: Callable[[Any], bool],
    *,
    timeout: float,
    schedule: PollSchedule,
    describe: Callable[[Any], str],
    progress: Callable[[str], None],
    what: str,
) -> Any:
    """Call `read` until `done(result)`, sleeping per `schedule` on CLOCK; raises TimeoutError after
    `timeout` seconds of CLOCK time with the last state described."""
    start = CLOCK.now()
    deadline = start + timeout
    last_reported = ""
    intervals = iter(schedule.intervals())
    while True:
        result = read()
        state = describe(result)
        if state != last_reported:
            progress(f"{what}: {state} after {CLOCK.now() - start:.0f} s")
            last_reported = state
        if done(result):
            return result
        remaining = deadline - CLOCK.now()
        if remaining <= 0:
            raise TimeoutError(f"{what}: not ready after {timeout:g} s (last state: {state})")
        CLOCK.sleep(min(next(intervals), remaining))
