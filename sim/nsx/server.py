"""An NSX-T Manager simulator for terraform-provider-nsxt v3.11.0 (no public one exists; see
/work/shared/reference/toolchain-facts.md "Simulators").

TLS with a `trustme` test CA on 127.0.0.1 and a random port (sim/tls_server.py), in-process
(`with NsxSimulator() as sim:`), like sim/vio. Serves:

- `POST /api/session/create` (form `j_username`/`j_password`) -> 200 with a `JSESSIONID` cookie and an
  `X-XSRF-TOKEN` header: vmware/go-vmware-nsxt api_client.go GetDefaultHeaders, which the provider calls
  unless `session_auth=false` (provider.go configureNsxtClient) and whose Cookie/X-XSRF-TOKEN it then sends
  on every Policy call next to basic auth (provider.go getPolicyConnectorWithHeaders,
  newSessionHeaderProcessor).
- basic auth on every other call (the policy connector's USER_PASSWORD security context:
  provider.go getConfiguredSecurityContext); wrong credentials answer 403, as NSX does.
- the Manager API of sim/nsx/manager.py, the Policy tree of sim/nsx/tree.py, the hierarchical
  `PATCH /policy/api/v1/infra` of sim/nsx/hierarchy.py, `GET /policy/api/v1/search/query` of
  sim/nsx/search.py; lists as `{results, result_count, cursor}`, paged by `page_size`/`cursor` (the
  provider pages until it holds result_count items: policy_search.go searchLM, gateway_common.go
  listPolicyGatewayLocaleServices).

Faults on demand (`sim.faults`): 500s, slow answers, 412 revision conflicts, expired sessions.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from sim.nsx import hierarchy, search
from sim.nsx.manager import ComputeManagers, version_body
from sim.nsx.tree import ApiError, Tree, parse
from sim.system import Endpoint
from sim.tls_server import JsonHandler, LoopbackTlsServer

POLICY = "/policy/api/v1"
DEFAULT_VERSION = "4.1.2.0.0.22589037"
DEFAULT_PAGE_SIZE = 1000


@dataclass
class Faults:
    """Switch a fault on by setting its field; each documents when it fires."""

    #: The next N requests whose path matches `error_path` (any path when None) answer 500.
    errors_500: int = 0
    error_path: str | None = None
    #: Requests whose path matches this regex are held `delay_seconds` of real time before answering.
    delay_path: str | None = None
    delay_seconds: float = 5.0
    #: The next N PUTs to an existing object find it changed by someone else (its `_revision` moves on
    #: first), so the client's `_revision` is stale and the answer is 412.
    revision_conflicts: int = 0
    #: Sessions expire: every session at once with `sessions_expired`, or each after it authenticated
    #: `session_requests` requests (expiry in the middle of a run). An expired cookie is refused with
    #: `expired_session_status`; NSX's documentation is silent on whether basic auth sent alongside still
    #: lets the request through, so `expired_session_falls_back_to_basic` chooses (tests run the client
    #: against both).
    sessions_expired: bool = False
    session_requests: int | None = None
    expired_session_status: int = 401
    expired_session_falls_back_to_basic: bool = False


class NsxSimulator:
    def __init__(self, *, user: str = "admin", password: str = "sim-Nsx-Passw0rd!", version: str = DEFAULT_VERSION,
                 ca: trustme.CA | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.user, self.password, self.version = user, password, version
        self.faults = Faults()
        self.tree = Tree(user)
        self.compute_managers = ComputeManagers(user)
        self.sessions: dict[str, str] = {}  # JSESSIONID -> XSRF token
        self.session_use: dict[str, int] = {}  # JSESSIONID -> requests it authenticated
        self.requests: list[tuple[str, str, Any]] = []  # (method, path with query, JSON body)
        self.lock = threading.RLock()
        self._tls = LoopbackTlsServer("nsx-sim", ca=ca, host=host, port=port)

    # ---- lifecycle ----
    @property
    def ca_pem(self) -> str:
        return self._tls.ca_pem

    @property
    def port(self) -> int:
        return self._tls.port

    @property
    def address(self) -> str:
        """`host:port` as the provider's `host` and the stack's nsx.host/nsx.port take it."""
        return f"{self._tls.host}:{self.port}"

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(f"https://{self.address}", self.ca_pem, self.user, self.password)

    def start(self) -> NsxSimulator:
        sim = self

        class Handler(_Handler):
            simulator = sim

        self._tls.serve(Handler)
        return self

    def stop(self) -> None:
        self._tls.shutdown()

    def __enter__(self) -> NsxSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what tests look at ----
    def calls(self, method: str, pattern: str) -> list[tuple[str, str, Any]]:
        with self.lock:
            return [r for r in self.requests if r[0] == method and re.fullmatch(pattern, r[1].split("?")[0])]

    # ---- the request pipeline ----
    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any, dict[str, str]]:
        url = urlsplit(target)
        path, query = url.path.rstrip("/") or "/", {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((method, target, _json_or_none(raw)))
            if self.faults.errors_500 > 0 and (self.faults.error_path is None
                                               or re.search(self.faults.error_path, path)):
                self.faults.errors_500 -= 1
                return 500, ApiError(500, 98, "simulated internal error").body(), {}
            if path == "/api/session/create" and method == "POST":
                return self._session_create(raw)
            refused = self._authenticate(method, headers)
            if refused is not None:
                return refused.status, refused.body(), {}
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return 400, ApiError(400, 255, "request body is not JSON").body(), {}
            try:
                status, data = self._route(method, path, query, body)
            except ApiError as exc:
                return exc.status, exc.body(), {}
            return status, data, {}

    def _session_create(self, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
        if form.get("j_username") != self.user or form.get("j_password") != self.password:
            return 403, ApiError(403, 403, "The credentials were incorrect or the account specified has "
                                           "been locked.").body(), {}
        session, xsrf = secrets.token_hex(16), secrets.token_urlsafe(24)
        self.sessions[session] = xsrf
        return 200, None, {"Set-Cookie": f"JSESSIONID={session}; Path=/; Secure; HttpOnly",
                           "X-XSRF-TOKEN": xsrf}

    def _basic_ok(self, headers: dict[str, str]) -> bool | None:
        auth = headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return user == self.user and password == self.password

    def _authenticate(self, method: str, headers: dict[str, str]) -> ApiError | None:
        basic = self._basic_ok(headers)
        cookie = re.search(r"JSESSIONID=([^;\s]+)", headers.get("cookie", ""))
        if cookie:
            xsrf = self.sessions.get(cookie[1])
            limit = self.faults.session_requests
            used = self.session_use.get(cookie[1], 0)
            if xsrf is not None and not self.faults.sessions_expired and (limit is None or used < limit):
                if method != "GET" and headers.get("x-xsrf-token") != xsrf:
                    return ApiError(403, 98, "Bad XSRF token")
                self.session_use[cookie[1]] = used + 1
                return None
            if not (self.faults.expired_session_falls_back_to_basic and basic):
                return ApiError(self.faults.expired_session_status, 403,
                                "The session has expired or is not valid. Please log in again.")
        if basic:
            return None
        return ApiError(403, 403, "The credentials were incorrect or the account specified has been locked.")

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if path == "/api/v1/node/version" and method == "GET":
            return 200, version_body(self.version)
        if path.startswith("/api/v1/fabric/compute-managers"):
            return self._compute_managers(method, path.split("/")[5:], query, body)
        if path == f"{POLICY}/search/query" and method == "GET":
            if "query" not in query:
                raise ApiError(400, 60510, "search needs the query parameter `query`")
            return 200, _page(search.run(query["query"], self.tree.all()), query)
        if path == f"{POLICY}/infra" and method == "PATCH":
            hierarchy.patch_infra(self.tree, body, query.get("enforce_revision_check") == "true")
            return 200, None
        if path.startswith(f"{POLICY}/infra"):
            return self._policy(method, path[len(POLICY):], query, body)
        raise ApiError(404, 404, f"no operation {method} {path} in the simulator")

    def _policy(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if method == "GET":
            if parse(path).collection is not None:
                return 200, _page(self.tree.children(path), query)
            return 200, self.tree.get(path)
        if method == "DELETE":
            self.tree.delete(path)
            return 200, None
        if not isinstance(body, dict):
            raise ApiError(400, 255, f"{method} {path} needs a JSON object body")
        if method == "PATCH":
            self.tree.patch(path, body)
            return 200, None
        if method == "PUT":
            if self.faults.revision_conflicts > 0 and path in self.tree.objects:
                self.faults.revision_conflicts -= 1
                self.tree.objects[path]["_revision"] += 1
            return 200, self.tree.put(path, body)
        raise ApiError(405, 405, f"{method} is not allowed on {path}")

    def _compute_managers(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> tuple[int, Any]:
        cms = self.compute_managers
        if not rest:
            if method == "POST":
                return 201, cms.create(body)
            if method == "GET":
                return 200, _page(cms.list(), query)
        elif len(rest) == 1:
            if method == "GET":
                return 200, cms.get(rest[0])
            if method == "PUT":
                if self.faults.revision_conflicts > 0 and rest[0] in cms.items:
                    self.faults.revision_conflicts -= 1
                    cms.items[rest[0]]["_revision"] += 1
                return 200, cms.update(rest[0], body)
            if method == "DELETE":
                cms.delete(rest[0])
                return 200, None
        raise ApiError(405, 405, f"{method} is not allowed on compute managers/{'/'.join(rest)}")


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    try:
        size = int(query.get("page_size") or DEFAULT_PAGE_SIZE)
        start = int(query.get("cursor") or 0)
    except ValueError:
        raise ApiError(400, 255, "page_size and cursor must be integers") from None
    if size < 1:
        raise ApiError(400, 255, "page_size must be at least 1")
    page: dict[str, Any] = {"results": items[start:start + size], "result_count": len(items),
                            "sort_ascending": True, "sort_by": "display_name"}
    if start + size < len(items):
        page["cursor"] = str(start + size)
    return page


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


class _Handler(JsonHandler):
    simulator: NsxSimulator

    def _serve(self) -> None:
        sim = self.simulator
        raw = self.read_body()
        pattern = sim.faults.delay_path
        if pattern and re.search(pattern, self.path):
            time.sleep(sim.faults.delay_seconds)  # real time: the client's timeout must end it
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, data, extra = sim.handle(self.command, self.path, headers, raw)
        self.reply_json(status, data, extra)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
