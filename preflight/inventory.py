"""One vCenter's inventory in a constant number of round trips.

A naive walk (datacenter -> hostFolder -> cluster -> host -> property, one call per hop and per property)
costs one SOAP round trip per object and property: minutes against a vCenter with thousands of VMs. Here
a single recursive ContainerView over the root folder, read through the PropertyCollector with one
PropertySpec per type, returns every object and the properties the checks need in one
RetrievePropertiesEx (plus one ContinueRetrievePropertiesEx per further page when vCenter pages the
result). Ancestry (which datacenter or cluster an object is in) is resolved locally from the `parent`
property instead of asking the server.

Round trips per vCenter: RetrieveServiceContent, Login, CreateContainerView, RetrievePropertiesEx
(+ pages), DestroyView, Logout. Over https, one TLS handshake before them reads the certificate the
vCenter presents (`tls.peer_certificate`), whatever its trust.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pyVmomi import vim, vmodl
from pyVmomi.SoapAdapter import SoapStubAdapter

from preflight import tls
from preflight.model import Datastore, Folder, Host, Inventory, PortGroup, ResourcePool, VirtualMachine

# The model is read through this module by the checks and the benchmark.
__all__ = ["Datastore", "Folder", "Host", "Inventory", "PortGroup", "ResourcePool", "VirtualMachine"]

#: The API version spoken. vSphere 7.0 is the oldest vCenter VIO 7.x supports; a newer vCenter answers
#: older versions, the reverse is not true. Fixed rather than negotiated: pyvmomi's negotiation is an
#: HTTP GET without a timeout, which hangs forever on an endpoint that accepts and never answers.
API_VERSION = "vim.version.v7_0"

Protocol = Literal["https", "http"]


@dataclass(frozen=True)
class Endpoint:
    """A vCenter to inventory. `role` names it in reports and `key` is its config key."""

    role: Literal["management", "resource"]
    key: str
    server: str
    port: int
    username: str
    password: str = field(repr=False)
    allow_unverified_ssl: bool = False

    @property
    def address(self) -> str:
        return f"{self.server}:{self.port}"


@dataclass(frozen=True)
class ConnectOptions:
    """How to talk to vCenter. `timeout` bounds every connect and every wait for an answer."""

    timeout: float = 30.0
    ca_bundle: str | None = None
    #: http only for the simulator; real vCenters speak https.
    protocol: Protocol = "https"
    #: Objects per RetrievePropertiesEx page. Large so that big inventories still take few pages.
    page_size: int = 10_000


class VcenterError(Exception):
    """A vCenter could not be inventoried. The message says what failed, where, and what to change."""

    def __init__(self, endpoint: Endpoint, message: str, fix: str) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.message = message
        self.fix = fix


class Watch:
    """Another thread's handle on a `collect` in progress: the phase it has reached, and a way to stop it.

    `--timeout` bounds the whole run, and a socket timeout cannot do that: an endpoint that sends a byte
    every second never lets a read time out. At the run's deadline the command calls `stop()`, which
    shuts down every connection the collect opened, so a read blocked in its thread returns at once, and
    reports the vCenter from `phase` without waiting for that thread.
    """

    def __init__(self) -> None:
        self.phase = "connect"
        self.stopped = threading.Event()
        self._connections: list[Any] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def track(self, sock: socket.socket) -> None:
        """A socket opened outside the SOAP stub (the certificate handshake): stopped like the others."""
        if self.stopped.is_set():
            sock.close()
            raise _Stopped()
        with self._lock:
            self._sockets.append(sock)

    def attach(self, stub: SoapStubAdapter) -> None:
        get: Callable[[], Any] = stub.GetConnection

        def tracked() -> Any:
            if self.stopped.is_set():
                raise _Stopped()
            connection = get()
            with self._lock:
                self._connections.append(connection)
            return connection

        stub.GetConnection = tracked  # type: ignore[method-assign]

    def stop(self) -> None:
        self.stopped.set()
        with self._lock:
            connections = list(self._connections)
            sockets = list(self._sockets)
        for sock in [*sockets, *(getattr(c, "sock", None) for c in connections)]:
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed: nothing left to unblock


class _Stopped(Exception):
    """Raised in a collect's thread once its `Watch` is stopped: the command has already reported it."""


class RoundTripCounter:
    """Counts SOAP calls by wrapping the stub's InvokeMethod.

    Every managed-object method and every lazy property read of pyvmomi goes through the stub's
    InvokeMethod, so this is the number of HTTP requests made to the SDK endpoint.
    """

    def __init__(self) -> None:
        self.count = 0
        self.by_method: dict[str, int] = {}

    def attach(self, stub: SoapStubAdapter) -> None:
        invoke: Callable[..., Any] = stub.InvokeMethod

        def counted(mo: Any, info: Any, args: Any, *rest: Any) -> Any:
            self.count += 1
            self.by_method[info.wsdlName] = self.by_method.get(info.wsdlName, 0) + 1
            return invoke(mo, info, args, *rest)

        # An instance attribute shadows the method for every object bound to this stub.
        stub.InvokeMethod = counted  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------------ retrieve

#: Properties read per type. Only what the checks use: every extra property is paid for per object.
PROPERTIES: dict[type, list[str]] = {
    vim.Folder: ["name", "parent"],
    vim.Datacenter: ["name", "parent", "vmFolder"],
    vim.ComputeResource: ["name", "parent"],
    vim.HostSystem: [
        "name",
        "parent",
        "runtime.connectionState",
        "runtime.inMaintenanceMode",
        "summary.hardware.cpuMhz",
        "summary.hardware.numCpuCores",
        "summary.hardware.memorySize",
        "summary.quickStats.overallCpuUsage",
        "summary.quickStats.overallMemoryUsage",
    ],
    vim.Datastore: ["name", "parent", "summary.capacity", "summary.freeSpace", "summary.accessible"],
    vim.DistributedVirtualSwitch: ["name", "parent"],
    vim.dvs.DistributedVirtualPortgroup: [
        "name", "parent", "key", "config.distributedVirtualSwitch", "config.defaultPortConfig",
    ],
    vim.Network: ["name", "parent"],
    vim.ResourcePool: ["name", "parent"],
    vim.VirtualMachine: [
        "name", "parent", "resourcePool", "config.template", "config.uuid", "runtime.host", "guest.ipAddress",
        "guest.net",
    ],
}


def _filter_spec(view: vim.view.ContainerView) -> vmodl.query.PropertyCollector.FilterSpec:
    PC = vmodl.query.PropertyCollector
    traverse = PC.TraversalSpec(name="view", type=vim.view.ContainerView, path="view", skip=False)
    return PC.FilterSpec(
        objectSet=[PC.ObjectSpec(obj=view, skip=True, selectSet=[traverse])],
        propSet=[PC.PropertySpec(type=kind, pathSet=paths) for kind, paths in PROPERTIES.items()],
        # A VM deleted between the view's creation and the read is reported, not fatal.
        reportMissingObjectsInResults=True,
    )


def retrieve(
    pc: vmodl.query.PropertyCollector, spec: vmodl.query.PropertyCollector.FilterSpec, page_size: int
) -> Iterator[vmodl.query.PropertyCollector.ObjectContent]:
    """Every object of `spec`, following vCenter's paging tokens."""
    options = vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=page_size)
    result = pc.RetrievePropertiesEx(specSet=[spec], options=options)
    while result is not None:
        yield from result.objects
        if not result.token:
            return
        result = pc.ContinueRetrievePropertiesEx(token=result.token)


def _guest_ips(props: dict[str, Any]) -> tuple[str, ...]:
    ips: list[str] = []
    primary = props.get("guest.ipAddress")
    if primary:
        ips.append(primary)
    for nic in props.get("guest.net") or []:
        ips += [ip for ip in (nic.ipAddress or []) if ip not in ips]
    return tuple(ips)


def vlan_text(setting: Any) -> str:
    """A DVS port setting's VLAN in words: "1110", "trunk 0-4094", "pvlan 12", "" when none is set."""
    spec = getattr(setting, "vlan", None)
    if isinstance(spec, vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec):
        return str(spec.vlanId)
    if isinstance(spec, vim.dvs.VmwareDistributedVirtualSwitch.TrunkVlanSpec):
        return "trunk " + ",".join(f"{r.start}-{r.end}" for r in spec.vlanId or [])
    if isinstance(spec, vim.dvs.VmwareDistributedVirtualSwitch.PvlanSpec):
        return f"pvlan {spec.pvlanId}"
    return ""


def build(objects: Iterator[vmodl.query.PropertyCollector.ObjectContent], about: Any) -> Inventory:
    """Flatten retrieved objects into an `Inventory`, resolving ancestry from `parent` locally."""
    props: dict[str, dict[str, Any]] = {}
    kinds: dict[str, Any] = {}
    for content in objects:
        moid = content.obj._moId
        kinds[moid] = content.obj
        props[moid] = {p.name: p.val for p in content.propSet or []}

    def parent(moid: str) -> str | None:
        ref = props.get(moid, {}).get("parent")
        return ref._moId if ref is not None else None

    def ancestor(moid: str, kind: type) -> str | None:
        seen: set[str] = set()
        current = parent(moid)
        while current is not None and current not in seen:
            seen.add(current)
            if isinstance(kinds.get(current), kind):
                return current
            current = parent(current)
        return None

    def name_of(moid: str | None) -> str:
        return props.get(moid, {}).get("name", "") if moid else ""

    def path(moid: str | None, kind: type) -> tuple[list[str], str | None]:
        """Names of `moid` and its ancestors of `kind`, nearest first, and the first ancestor of another
        kind (the datacenter above the VM folder, the compute resource above the root pool)."""
        names: list[str] = []
        seen: set[str] = set()
        while moid is not None and moid not in seen and isinstance(kinds.get(moid), kind):
            seen.add(moid)
            names.append(name_of(moid))
            moid = parent(moid)
        return names, moid

    datacenters, clusters, hosts, datastores, switches, port_groups, vms = [], [], [], [], [], [], []
    folders: list[Folder] = []
    pools: list[ResourcePool] = []
    host_place: dict[str, tuple[str, str | None]] = {}
    vm_folders = {
        p["vmFolder"]._moId for m, p in props.items() if isinstance(kinds[m], vim.Datacenter) and p.get("vmFolder")
    }
    for moid, obj in kinds.items():
        p = props[moid]
        dc = name_of(ancestor(moid, vim.Datacenter))
        if isinstance(obj, vim.Datacenter):
            datacenters.append(p["name"])
        elif isinstance(obj, vim.ClusterComputeResource):
            clusters.append((dc, p["name"]))
        elif isinstance(obj, vim.HostSystem):
            cluster_id = ancestor(moid, vim.ClusterComputeResource)
            host_place[moid] = (dc, name_of(cluster_id) if cluster_id else None)
            hosts.append(
                Host(
                    name=p["name"],
                    datacenter=dc,
                    cluster=name_of(cluster_id) if cluster_id else None,
                    connection_state=str(p.get("runtime.connectionState", "")),
                    in_maintenance=bool(p.get("runtime.inMaintenanceMode", False)),
                    cpu_mhz=int(p.get("summary.hardware.cpuMhz") or 0),
                    cores=int(p.get("summary.hardware.numCpuCores") or 0),
                    memory_bytes=int(p.get("summary.hardware.memorySize") or 0),
                    cpu_usage_mhz=int(p.get("summary.quickStats.overallCpuUsage") or 0),
                    memory_usage_mb=int(p.get("summary.quickStats.overallMemoryUsage") or 0),
                )
            )
        elif isinstance(obj, vim.Datastore):
            datastores.append(
                Datastore(
                    name=p["name"],
                    datacenter=dc,
                    capacity_bytes=int(p.get("summary.capacity") or 0),
                    free_bytes=int(p.get("summary.freeSpace") or 0),
                    accessible=bool(p.get("summary.accessible", True)),
                )
            )
        elif isinstance(obj, vim.DistributedVirtualSwitch):
            switches.append((dc, p["name"]))
        elif isinstance(obj, vim.dvs.DistributedVirtualPortgroup):
            dvs = p.get("config.distributedVirtualSwitch")
            port_groups.append(PortGroup(p["name"], dc, name_of(dvs._moId) if dvs is not None else None,
                                         moid, str(p.get("key") or ""), vlan_text(p.get("config.defaultPortConfig"))))
        elif isinstance(obj, vim.Network):
            port_groups.append(PortGroup(p["name"], dc, None, moid, distributed=False))
        elif isinstance(obj, vim.Folder):
            names, _above = path(moid, vim.Folder)
            # Only folders under a datacenter's VM folder; the VM folder itself is the "" path.
            chain = [moid]
            while len(chain) < len(names):
                chain.append(parent(chain[-1]) or "")
            if len(names) > 1 and chain[-1] in vm_folders:
                folders.append(Folder(dc, "/".join(reversed(names[:-1])), moid))
        elif isinstance(obj, vim.ResourcePool):
            names, owner = path(moid, vim.ResourcePool)
            if len(names) > 1 and isinstance(kinds.get(owner or ""), vim.ComputeResource):
                pools.append(ResourcePool(dc, name_of(owner), "/".join(reversed(names[:-1])), moid))
    for moid, obj in kinds.items():
        if not isinstance(obj, vim.VirtualMachine):
            continue
        p = props[moid]
        dc = name_of(ancestor(moid, vim.Datacenter))
        host = p.get("runtime.host")
        if not dc and host is not None:
            # A VM inside a vApp: its parent chain leaves the view's types, its host does not.
            dc = host_place.get(host._moId, ("", None))[0]
        # The topmost folder is the datacenter's own VM folder, the topmost pool the cluster's root pool:
        # both are implied, so "vio" means <datacenter>/vm/vio and <cluster>/Resources/vio.
        vm_folder, above = path(parent(moid), vim.Folder)
        in_folder = "/".join(reversed(vm_folder[:-1])) if isinstance(kinds.get(above or ""), vim.Datacenter) else ""
        pool_ref = p.get("resourcePool")
        vm_pools, owner = path(pool_ref._moId if pool_ref is not None else None, vim.ResourcePool)
        vms.append(
            VirtualMachine(
                name=p.get("name", moid),
                datacenter=dc,
                template=bool(p.get("config.template", False)),
                ips=_guest_ips(p),
                folder=in_folder,
                cluster=name_of(owner) if isinstance(kinds.get(owner or ""), vim.ComputeResource) else "",
                resource_pool="/".join(reversed(vm_pools[:-1])),
                moid=moid,
                uuid=str(p.get("config.uuid") or ""),
            )
        )
    return Inventory(
        version=str(about.version),
        full_name=str(about.fullName),
        api_version=str(about.apiVersion),
        datacenters=tuple(sorted(datacenters)),
        clusters=tuple(sorted(clusters)),
        hosts=tuple(sorted(hosts, key=lambda h: (h.datacenter, h.cluster or "", h.name))),
        datastores=tuple(sorted(datastores, key=lambda d: (d.datacenter, d.name))),
        switches=tuple(sorted(switches)),
        port_groups=tuple(sorted(port_groups, key=lambda g: (g.datacenter, g.name))),
        vms=tuple(sorted(vms, key=lambda v: (v.datacenter, v.name))),
        folders=tuple(sorted(folders, key=lambda f: (f.datacenter, f.path))),
        pools=tuple(sorted(pools, key=lambda r: (r.datacenter, r.cluster, r.path))),
    )


# ---------------------------------------------------------------------------------------- connection


def _ssl_context(endpoint: Endpoint, options: ConnectOptions) -> ssl.SSLContext | None:
    if options.protocol == "http":
        return None
    if endpoint.allow_unverified_ssl:
        return ssl._create_unverified_context()
    return ssl.create_default_context(cafile=options.ca_bundle)


def _mismatch(endpoint: Endpoint, options: ConnectOptions, watch: Watch | None) -> str | None:
    """After a failed first exchange: what the port speaks, when that is not what was spoken."""
    if watch is None or watch.stopped.is_set():
        return None
    try:
        seen = tls.speaks(endpoint.server, endpoint.port, min(options.timeout, 5.0), watch.track)
    except _Stopped:
        return None
    return tls.explain(options.protocol, seen)


@contextmanager
def _phase(endpoint: Endpoint, phase: str, options: ConnectOptions, watch: Watch | None = None) -> Iterator[None]:
    """Turn transport and API failures into a `VcenterError` naming the vCenter, the phase and a fix."""
    key = endpoint.key
    where = f"{endpoint.role} vCenter {endpoint.address}"
    try:
        yield
    except vim.fault.InvalidLogin:
        raise VcenterError(
            endpoint,
            f"{where} rejected the login of {endpoint.username!r}",
            f"check {key}.username and the password (VIONFV_{_env_suffix(key)}_PASSWORD or "
            f"the secret {key}Password)",
        ) from None
    except TimeoutError:
        raise VcenterError(
            endpoint,
            f"{where} did not answer within {options.timeout:g}s ({phase})",
            f"check that {key}.server and {key}.port point at a running vCenter and that the network "
            "path is open; raise --timeout if it is only slow",
        ) from None
    except ConnectionRefusedError:
        raise VcenterError(
            endpoint,
            f"{where} refused the connection ({phase}): nothing listens there",
            f"check {key}.server and {key}.port, and that the vCenter services are up",
        ) from None
    except socket.gaierror as exc:
        raise VcenterError(
            endpoint,
            f"cannot resolve {endpoint.server!r} ({exc.strerror})",
            f"check {key}.server and the DNS configuration of this machine",
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise VcenterError(
            endpoint,
            f"{where} presented a certificate that is not trusted: {exc.verify_message}",
            "pass the vCenter's CA with --ca-bundle FILE (or VIONFV_CA_BUNDLE); for a lab only, set "
            f"{key}.allowUnverifiedSsl: true",
        ) from None
    except (ConnectionError, http.client.HTTPException, ssl.SSLError) as exc:
        # On the first exchange, a protocol mismatch looks like a drop: ask the port what it speaks.
        mismatch = _mismatch(endpoint, options, watch) if phase == "connect" else None
        if mismatch is not None:
            other = "https" if options.protocol == "http" else "http"
            raise VcenterError(
                endpoint,
                f"{where}: {mismatch} (at connect: {type(exc).__name__}: {exc})",
                f"point {key}.port at the vCenter's HTTPS port (443)" if options.protocol == "https"
                else f"this port speaks {other}: drop --protocol http (the simulator's), or fix {key}.port",
            ) from None
        raise VcenterError(
            endpoint,
            f"{where} dropped the connection during {phase} ({type(exc).__name__}: {exc})",
            "the vCenter went down or a proxy cut the connection; retry once it answers again",
        ) from None
    except vmodl.MethodFault as exc:
        raise VcenterError(
            endpoint,
            f"{where} failed {phase}: {getattr(exc, 'msg', None) or type(exc).__name__}",
            f"check that {endpoint.username!r} has read access to the whole inventory",
        ) from None
    except OSError as exc:
        raise VcenterError(
            endpoint,
            f"{where} is unreachable ({phase}): {exc}",
            f"check {key}.server, {key}.port and the network path",
        ) from None


def _env_suffix(key: str) -> str:
    return "MANAGEMENT_VCENTER" if key == "managementVcenter" else "RESOURCE_VCENTER"


def collect(
    endpoint: Endpoint,
    options: ConnectOptions,
    counter: RoundTripCounter | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    watch: Watch | None = None,
) -> Inventory:
    """Log in to `endpoint`, read its inventory, log out. Raises `VcenterError`.

    With a `watch`, each phase is recorded on it and `watch.stop()` ends the collect from another thread
    (whatever it raises then is moot: the caller has reported the vCenter as stopped).
    """
    counter = counter or RoundTripCounter()
    watch = watch or Watch()
    where = f"{endpoint.role} vCenter {endpoint.address}"
    certificate = None
    if options.protocol == "https":
        with _phase(endpoint, "connect", options, watch):
            certificate = tls.peer_certificate(endpoint.server, endpoint.port, options.timeout, watch.track)
    with _phase(endpoint, "connect", options):
        stub = SoapStubAdapter(
            host=endpoint.server,
            # pyvmomi's convention: a negative port means plain http.
            port=-endpoint.port if options.protocol == "http" else endpoint.port,
            version=API_VERSION,
            sslContext=_ssl_context(endpoint, options),
            httpConnectionTimeout=options.timeout,
        )
    counter.attach(stub)
    watch.attach(stub)
    si = vim.ServiceInstance("ServiceInstance", stub)
    progress(f"{where}: connecting")
    with _phase(endpoint, "connect", options, watch):
        # Any: the stubs type every manager Optional, which they are only on a bare ESXi host.
        content: Any = si.RetrieveContent()
    watch.phase = "login"
    with _phase(endpoint, "login", options):
        content.sessionManager.Login(endpoint.username, endpoint.password)
    watch.phase = "inventory"
    progress(f"{where}: reading inventory")
    with _phase(endpoint, "inventory", options):
        view = content.viewManager.CreateContainerView(content.rootFolder, list(PROPERTIES), True)
        objects = list(retrieve(content.propertyCollector, _filter_spec(view), options.page_size))
    watch.phase = "logout"
    progress(f"{where}: {len(objects)} objects read")
    # Clean-up only once the vCenter has answered everything: after a failure it would cost another
    # full timeout, and the server drops the view and the session on its own when they expire.
    for cleanup in (view.DestroyView, content.sessionManager.Logout):
        try:
            cleanup()
        except Exception:  # noqa: BLE001 - best effort, the inventory is already read
            pass
    return replace(build(iter(objects), content.about), round_trips=counter.count, certificate=certificate)
