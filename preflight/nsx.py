"""Preflight's NSX side: read the NSX Manager the stack names (`nsx`) and check that the deployment can
use it, with the same calls terraform-provider-nsxt v3.11.0 makes for the program's lookups.

Checks (each a `checks.Result` with vcenter column "nsx"):
- `reachable`: `GET /api/v1/node/version` answers with basic auth (what the provider reads at configure:
  nsxt/provider.go configurePolicyConnectorData -> utils.go initNSXVersion).
- `version`: supported by the pinned provider and by `vio.version` (preflight/nsx_compat.py), and equal to
  `nsx.version` when the stack declares one.
- `transport zone`: `nsx.overlayTransportZone` (OVERLAY_STANDARD) and `nsx.vlanTransportZone`
  (VLAN_BACKED) found as the provider finds them: listed under the default enforcement point, a single
  exact display name preferred, else a single prefix match (data_source_nsxt_policy_transport_zone.go).
- `edge cluster`: `nsx.edgeCluster` found by search as the provider does
  (policy_search.go listPolicyResourcesByNameAndType, policyDataSourceResourceFilterAndSet).
- `edge nodes`: every member index of `nsx.tier0.edgeNodes` is a node of that cluster
  (data_source_nsxt_policy_edge_node.go looks each up by parent_path and member_index).
- `planned ids free`: no Tier-0, DHCP server or metadata proxy with the ids the program sets, and no
  segment with an uplink segment's display name (the provider refuses an nsx_id that exists:
  policy_utils.go getOrGenerateID "Resource with id %s already exists").

Timeout discipline as for the vCenters (preflight/cli.py): every socket operation is bounded by the run's
timeout, the whole read runs in a daemon thread the command joins against the run's deadline, and
`stop()` shuts the open connection so a trickling endpoint cannot hold the run.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from components.nsx_names import dhcp_server_id, metadata_proxy_name, tier0_nsx_id, uplink_segment_name
from components.settings import Settings
from preflight import compat, nsx_compat, stack
from preflight.checks import Result

VC = "nsx"
CHECKS = ("reachable", "version", "transport zone", "edge cluster", "edge nodes", "planned ids free")
ENFORCEMENT_POINT = "/infra/sites/default/enforcement-points/default"
PASSWORD_KEY = "nsxPassword"
#: Query characters the provider escapes (policy_search.go escapeSpecialCharacters).
_SPECIALS = "()[]+-=&|><!{}^~*?:/"


@dataclass(frozen=True)
class NsxEndpoint:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    allow_unverified_ssl: bool = False

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def endpoint(settings: Settings, password: str) -> NsxEndpoint:
    n = settings.nsx
    return NsxEndpoint(n.host, n.port, n.username, password, n.allow_unverified_ssl)


class NsxError(Exception):
    """The Manager could not be read. The message says what failed; `fix` what to change."""

    def __init__(self, message: str, fix: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message, self.fix, self.status = message, fix, status


def escape(value: str) -> str:
    return "".join("\\" + c if c in _SPECIALS else c for c in value)


class NsxClient:
    """JSON over HTTPS with basic auth, one connection at a time, every wait bounded by `timeout`."""

    def __init__(self, ep: NsxEndpoint, *, timeout: float, ca_bundle: str | None = None,
                 cadata: str | None = None) -> None:
        self.ep, self.timeout = ep, timeout
        if ep.allow_unverified_ssl:
            self.context = ssl._create_unverified_context()
        else:
            self.context = ssl.create_default_context(cafile=ca_bundle, cadata=cadata)
        token = base64.b64encode(f"{ep.username}:{ep.password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json",
                        "Content-Type": "application/json"}
        self.round_trips = 0
        self.stopped = threading.Event()
        self._connection: http.client.HTTPSConnection | None = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Called from another thread at the run's deadline: unblocks a read in progress."""
        self.stopped.set()
        with self._lock:
            sock = self._connection.sock if self._connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any, http.client.HTTPMessage]:
        if self.stopped.is_set():
            raise NsxError("stopped at the run's deadline", "raise --timeout")
        where = f"NSX Manager {self.ep.address}"
        connection = http.client.HTTPSConnection(self.ep.host, self.ep.port, timeout=self.timeout,
                                                 context=self.context)
        with self._lock:
            self._connection = connection
        try:
            payload = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
            connection.request(method, path, body=payload, headers={**self.headers, **(headers or {})})
            response = connection.getresponse()
            raw = response.read()
            self.round_trips += 1
        except TimeoutError:
            raise NsxError(f"{where} did not answer within {self.timeout:g}s ({method} {path})",
                           "check nsx.host and nsx.port and the network path; raise --timeout if it is "
                           "only slow") from None
        except ConnectionRefusedError:
            raise NsxError(f"{where} refused the connection: nothing listens there",
                           "check nsx.host and nsx.port, and that the NSX Manager services are up") from None
        except socket.gaierror as exc:
            raise NsxError(f"cannot resolve {self.ep.host!r} ({exc.strerror})",
                           "check nsx.host and the DNS configuration of this machine") from None
        except ssl.SSLCertVerificationError as exc:
            raise NsxError(f"{where} presented a certificate that is not trusted: {exc.verify_message}",
                           "pass the Manager's CA with --ca-bundle FILE (or VIONFV_CA_BUNDLE); for a lab "
                           "only, set nsx.allowUnverifiedSsl: true") from None
        except (OSError, http.client.HTTPException) as exc:
            raise NsxError(f"{where} failed {method} {path} ({type(exc).__name__}: {exc})",
                           "retry once the Manager answers again; check nsx.host and nsx.port") from None
        finally:
            with self._lock:
                self._connection = None
            connection.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")
        return response.status, data, response.headers

    def get(self, path: str, *, missing_ok: bool = False) -> Any:
        status, data, _ = self.request("GET", path)
        if status == 404 and missing_ok:
            return None
        if status != 200:
            raise _api_error(self.ep, f"GET {path}", status, data)
        return data

    def collect(self, path: str) -> list[dict[str, Any]]:
        """Every member of a list, following `cursor` until `result_count` items are held (as the
        provider pages: policy_search.go searchLM)."""
        results: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            sep = "&" if "?" in path else "?"
            page = self.get(path + (f"{sep}cursor={quote(cursor)}" if cursor else ""))
            results += page.get("results") or []
            cursor = page.get("cursor")
            if len(results) >= int(page.get("result_count") or 0) or not cursor:
                return results

    def search(self, query: str) -> list[dict[str, Any]]:
        return self.collect(f"/policy/api/v1/search/query?query={quote(query)}")


def _api_error(ep: NsxEndpoint, what: str, status: int, data: Any) -> NsxError:
    message = data.get("error_message") if isinstance(data, dict) else None
    where = f"NSX Manager {ep.address}"
    if status in (401, 403):
        return NsxError(f"{where} refused the credentials of {ep.username!r} ({status}: {message})",
                        "check nsx.username and the password (VIONFV_NSX_PASSWORD or the secret nsxPassword)",
                        status)
    return NsxError(f"{where} answered {status} to {what}: {message or data!r}",
                    "check the Manager's health (System > Appliances); retry once it answers", status)


@dataclass
class NsxInventory:
    version: str
    transport_zones: list[dict[str, Any]]
    edge_clusters: list[dict[str, Any]]  # search hits for nsx.edgeCluster
    edge_nodes: dict[str, list[dict[str, Any]]]  # edge cluster path -> its nodes
    taken: list[tuple[str, str, str]]  # (kind, planned id or name, path of what holds it)
    round_trips: int = 0


def read(client: NsxClient, settings: Settings) -> NsxInventory:
    nsx, tier0 = settings.nsx, tier0_nsx_id(settings)
    version = (client.get("/api/v1/node/version") or {}).get("node_version") or ""
    zones = client.collect(f"/policy/api/v1{ENFORCEMENT_POINT}/transport-zones")
    clusters = client.search(f"resource_type:PolicyEdgeCluster AND display_name:{escape(nsx.edge_cluster)}* "
                             "AND marked_for_delete:false AND path:\\/infra*")
    nodes = {c["path"]: client.collect(f"/policy/api/v1{c['path']}/edge-nodes") for c in _pick(clusters, nsx.edge_cluster)}
    taken: list[tuple[str, str, str]] = []
    for kind, collection, oid in (("Tier-0", "tier-0s", tier0), ("DHCP server", "dhcp-server-configs", dhcp_server_id(tier0)),
                                  ("metadata proxy", "metadata-proxies", metadata_proxy_name(settings))):
        found = client.get(f"/policy/api/v1/infra/{collection}/{quote(oid, safe='')}", missing_ok=True)
        if found is not None:
            taken.append((kind, oid, str(found.get("path"))))
    for uplink in nsx.tier0.uplinks:
        name = uplink_segment_name(tier0, uplink.name)
        for hit in client.search(f"resource_type:Segment AND display_name:{escape(name)} AND marked_for_delete:false"):
            if hit.get("display_name") == name:
                taken.append(("segment", name, str(hit.get("path"))))
    return NsxInventory(version, zones, clusters, nodes, taken, client.round_trips)


def _pick(found: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """What the provider's lookup settles on: the exact display names, else the prefix matches."""
    exact = [o for o in found if o.get("display_name") == name]
    return exact or [o for o in found if str(o.get("display_name", "")).startswith(name)]


def _pass(check: str, detail: str, where: str) -> Result:
    return Result(VC, check, "pass", detail, where)


def _fail(check: str, detail: str, where: str, fix: str) -> Result:
    return Result(VC, check, "fail", detail, where, fix)


def unchecked(ep: NsxEndpoint, why: str) -> list[Result]:
    return [Result(VC, c, "skip", f"not checked: {why}", ep.address) for c in CHECKS if c != "reachable"]


def reachability(ep: NsxEndpoint, inv: NsxInventory | None, error: NsxError | None) -> Result:
    if error is not None:
        return _fail("reachable", error.message, ep.address, error.fix)
    assert inv is not None
    return _pass("reachable", f"NSX Manager {inv.version}, {inv.round_trips} round trips", ep.address)


def version(settings: Settings, ep: NsxEndpoint, inv: NsxInventory) -> Result:
    found = nsx_compat.parse(inv.version)
    if found is None:
        return _fail("version", f"the Manager reports version {inv.version!r}, not a version number", ep.address,
                     "check that nsx.host is an NSX Manager (or its cluster VIP)")
    label, problems = nsx_compat.label(found), []
    if not nsx_compat.provider_supports(found):
        problems.append(f"terraform-provider-nsxt 3.11.0 supports {' and '.join(map(str, nsx_compat.PROVIDER))}")
    release = compat.vio_release(settings.vio.version) or settings.vio.version
    span = nsx_compat.VIO.get(release)
    if span is None:
        problems.append(f"no NSX compatibility data for VIO {settings.vio.version} (known: {', '.join(nsx_compat.VIO)})")
    elif not span.covers(found):
        others = nsx_compat.vio_releases_supporting(found)
        problems.append(f"VIO {release} supports {span}" + (f" (VIO {', '.join(others)} supports NSX {label})" if others else ""))
    declared = settings.nsx.version
    if declared and nsx_compat.parse(declared) != found:
        problems.append(f"the stack declares nsx.version {declared}")
    if problems:
        return _fail("version", f"NSX {label} ({inv.version}): " + "; ".join(problems), ep.address,
                     "run a Manager version both support, or correct nsx.version / vio.version")
    return _pass("version", f"NSX {label} ({inv.version}) is supported by the provider and by VIO {release}", ep.address)


def _transport_zone(inv: NsxInventory, key: str, name: str, tz_type: str, where: str) -> Result:
    check, at = "transport zone", f"{where}{ENFORCEMENT_POINT}/transport-zones"
    typed = [z for z in inv.transport_zones if z.get("tz_type") == tz_type]
    picked = _pick(typed, name)
    if len(picked) == 1:
        return _pass(check, f"{tz_type} transport zone {name!r} exists ({picked[0].get('display_name')!r}, "
                            f"id {picked[0].get('id')})", at)
    if len(picked) > 1:
        return _fail(check, f"{len(picked)} {tz_type} transport zones match {name!r}: "
                            f"{', '.join(repr(z.get('display_name')) for z in picked)}", at,
                     f"the provider's lookup needs one; set nsx.{key} to the full, unique display name")
    other = [z for z in inv.transport_zones if z.get("display_name") == name]
    known = ", ".join(repr(z.get("display_name")) for z in typed) or "none"
    detail = (f"transport zone {name!r} is {other[0].get('tz_type')}, not {tz_type}" if other
              else f"no {tz_type} transport zone {name!r} (there: {known})")
    return _fail(check, detail, at, f"set nsx.{key} to one of the {tz_type} transport zones: {known}")


def resources(settings: Settings, ep: NsxEndpoint, inv: NsxInventory) -> list[Result]:
    nsx, where = settings.nsx, ep.address
    out = [_transport_zone(inv, "overlayTransportZone", nsx.overlay_transport_zone, "OVERLAY_STANDARD", where),
           _transport_zone(inv, "vlanTransportZone", nsx.vlan_transport_zone, "VLAN_BACKED", where)]
    clusters = _pick(inv.edge_clusters, nsx.edge_cluster)
    at = f"{where}{ENFORCEMENT_POINT}/edge-clusters"
    if len(clusters) != 1:
        names = ", ".join(repr(c.get("display_name")) for c in clusters)
        out.append(_fail("edge cluster", f"no edge cluster {nsx.edge_cluster!r}" if not clusters else
                         f"{len(clusters)} edge clusters match {nsx.edge_cluster!r}: {names}", at,
                         "set nsx.edgeCluster to the full display name of exactly one edge cluster"))
        out.append(Result(VC, "edge nodes", "skip", "not checked: the edge cluster was not found", at))
    else:
        cluster = clusters[0]
        out.append(_pass("edge cluster", f"edge cluster {cluster.get('display_name')!r} exists (id {cluster.get('id')})", at))
        members = {n.get("member_index"): n for n in inv.edge_nodes.get(cluster["path"], [])}
        wanted = sorted(set(nsx.tier0.edge_nodes))
        missing = [i for i in wanted if i not in members]
        at = f"{where}{cluster['path']}/edge-nodes"
        if missing:
            out.append(_fail("edge nodes", f"edge cluster {cluster.get('display_name')!r} has member indexes "
                                           f"{sorted(i for i in members if isinstance(i, int))}; the Tier-0 "
                                           f"({nsx.tier0.ha_mode}) needs {wanted}", at,
                             f"add edge nodes to the cluster, or set nsx.tier0.edgeNodes to indexes it has "
                             f"(missing: {missing})"))
        else:
            out.append(_pass("edge nodes", f"members {wanted} of {len(members)} present for the "
                                           f"{nsx.tier0.ha_mode} Tier-0", at))
    if inv.taken:
        held = "; ".join(f"{kind} {name!r} at {path}" for kind, name, path in inv.taken)
        out.append(_fail("planned ids free", f"already present: {held}", where,
                         "delete the stale objects, or rename nsx.tier0.name / nsx.metadataProxy.name; if this "
                         "stack already created them, this check does not apply (run it before the first up)"))
    else:
        out.append(_pass("planned ids free", f"no Tier-0 {tier0_nsx_id(settings)!r}, DHCP server, metadata "
                                             "proxy or uplink segment of the plan exists yet", where))
    return out


def start(loaded: stack.Stack, *, use_pulumi_cli: bool, timeout: float, ca_bundle: str | None) -> NsxReader:
    """The CLI's hook: find the NSX password (env VIONFV_NSX_PASSWORD, else `pulumi config get`) and start
    reading the Manager. Raises `stack.StackError` when no password is found."""
    # The password lookup takes half the budget at most, as stack.load's does.
    password = stack.password(loaded.name, PASSWORD_KEY, loaded.path.parent, use_pulumi_cli=use_pulumi_cli,
                              timeout=timeout / 2)
    client = NsxClient(endpoint(loaded.settings, password), timeout=timeout, ca_bundle=ca_bundle)
    reader = NsxReader(client, loaded.settings)
    reader.start()
    return reader


class NsxReader(threading.Thread):
    """Reads the Manager in a daemon thread: a thread stuck past the deadline never holds the exit."""

    def __init__(self, client: NsxClient, settings: Settings) -> None:
        super().__init__(name="preflight-nsx", daemon=True)
        self.client, self.settings = client, settings
        self.outcome: NsxInventory | NsxError | None = None

    def run(self) -> None:
        try:
            self.outcome = read(self.client, self.settings)
        except NsxError as exc:
            self.outcome = exc
        except Exception as exc:  # noqa: BLE001 - reported as this Manager's failure, not a thread traceback
            self.outcome = NsxError(f"NSX Manager {self.client.ep.address} failed: {type(exc).__name__}: {exc}",
                                    "retry; if it persists, report the error")


def results(settings: Settings, reader: NsxReader, timeout: float) -> list[Result]:
    """The NSX rows of the report once `reader` was joined against the run's deadline."""
    ep, outcome = reader.client.ep, reader.outcome
    if reader.is_alive() or outcome is None:
        reader.client.stop()
        error = NsxError(f"NSX Manager {ep.address} did not answer within the run's {timeout:g}s timeout",
                         "check nsx.host and nsx.port and the network path; raise --timeout if it is only slow")
        return [reachability(ep, None, error), *unchecked(ep, "the run's timeout ran out before the Manager answered")]
    if isinstance(outcome, NsxError):
        return [reachability(ep, None, outcome), *unchecked(ep, "the NSX Manager could not be read (see reachable)")]
    return [reachability(ep, outcome, None), version(settings, ep, outcome), *resources(settings, ep, outcome)]
