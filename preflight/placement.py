"""Every object the program creates by name, checked at its exact placement against the stack's state.

vCenter refuses a second object of one name where the program creates one: `vim.fault.DuplicateName`, "a
name already exists in the same name space", thrown by CreateFolder, CreateResourcePool,
CreateDVPortgroup_Task/AddDVPortgroup_Task, CreateVM_Task and ImportVApp (vSphere Web Services API 8.0U3
reference; govmomi's simulator folder.go, resource_pool.go and dvs.go raise it the same way). So an object
already there fails `pulumi up`, unless it is the stack's own (before an update). What the program creates, and
under which logical name, is what `__main__.py` and the components register: `ManagementPod` (`<prefix>-mgmt`:
`-folder`, `-pool`, `-network`, `-api-network`), `EdgeResourcePod` (`<prefix>-res`: `-folder`,
`-tenant-pool-<cluster>`, `-edge-pool-<cluster>`) and `ManagementPlane` (`<prefix>-plane`: `-manager`).
Written out here rather than imported from `components.stack_args` because the components import the
provider SDKs (pulumi_nsxt is not installed where preflight runs): a test holds this list equal to the
program's registrations under the mock runtime, names, types and placements.

An object at a planned placement is the stack's own when the stack's state holds the resource of that
type and logical name with the object's id (`preflight.state`); anything else there is a squatter,
reported with its inventory path (also the id `pulumi import` takes for these resources, per the
pulumi-vsphere docs: `/dc-01/vm/folder`, `/dc-01/host/cluster-01/Resources/pool`, `/dc-01/network/pg`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.settings import ApiAccessNetwork, ManagementNetwork, Settings
from preflight.inventory import Endpoint, Inventory
from preflight.state import StackState

FOLDER = "vsphere:index/folder:Folder"
POOL = "vsphere:index/resourcePool:ResourcePool"
PORT_GROUP = "vsphere:index/distributedPortGroup:DistributedPortGroup"
VM = "vsphere:index/virtualMachine:VirtualMachine"

#: The components that parent them, by the role of their vCenter / the Manager: (type, name suffix).
POD = {"management": ("vionfv:management_pod:ManagementPod", "mgmt"),
       "resource": ("vionfv:edge_resource_pod:EdgeResourcePod", "res")}
PLANE = ("vionfv:management_plane:ManagementPlane", "plane")
#: The explicit providers' logical names (components/providers.py).
PROVIDERS = {"management": "management-vcenter", "resource": "resource-vcenter"}


@dataclass(frozen=True)
class Creation:
    """One object `pulumi up` creates by name: where, under which resource, and which key renames it."""

    role: str
    check: str
    type: str
    #: Logical name (the last part of its URN).
    logical: str
    #: (type, name) of the component that parents it.
    parent: tuple[str, str]
    datacenter: str
    #: Inventory path below the datacenter ("vm/vio", "host/cl01/Resources/vio-plane", "network/pg").
    path: str
    name: str
    rename: str
    #: Cluster of a resource pool, folder of a VM: where to look for it.
    cluster: str = ""
    folder: str = ""
    vlan: int | None = None

    @property
    def kind(self) -> str:
        return {FOLDER: "VM folder", POOL: "resource pool", PORT_GROUP: "port group", VM: "VM"}[self.type]


def creations(settings: Settings) -> list[Creation]:
    """Every vSphere object the program creates by name, per vCenter, in the order the report lists them."""
    prefix = settings.name_prefix
    mgmt, res = settings.management_vcenter, settings.resource_vcenter
    # components.stack_args.management_pod / edge_resource_pod: folder <prefix>, pools <prefix>-plane,
    # <prefix>-tenants (each compute cluster), <prefix>-nsx-edges (edge_resource_pod.edge_clusters).
    folder, plane_pool, tenant_pool, edge_pool = prefix, f"{prefix}-plane", f"{prefix}-tenants", f"{prefix}-nsx-edges"
    edge_clusters = [res.edge_cluster] if settings.pod_layout == "three-pod" and res.edge_cluster else list(
        res.compute_clusters)
    m_parent = (POD["management"][0], f"{prefix}-{POD['management'][1]}")
    r_parent = (POD["resource"][0], f"{prefix}-{POD['resource'][1]}")
    out = [
        Creation("management", "folder", FOLDER, f"{m_parent[1]}-folder", m_parent, mgmt.datacenter,
                 f"vm/{folder}", folder, "namePrefix"),
        Creation("management", "resource pool", POOL, f"{m_parent[1]}-pool", m_parent, mgmt.datacenter,
                 f"host/{mgmt.cluster}/Resources/{plane_pool}", plane_pool, "namePrefix", cluster=mgmt.cluster),
    ]
    nets: tuple[tuple[str, str, str, ManagementNetwork | ApiAccessNetwork], ...] = (
        ("port group", "managementNetwork", "network", settings.management_network),
        ("api port group", "apiAccessNetwork", "api-network", settings.api_access_network),
    )
    for check, key, suffix, net in nets:
        if not net.existing:
            out.append(Creation("management", check, PORT_GROUP, f"{m_parent[1]}-{suffix}", m_parent,
                                mgmt.datacenter, f"network/{net.port_group}", net.port_group,
                                f"{key}.portGroup", vlan=net.vlan))
    manager = settings.plan().manager_name
    out.append(Creation("management", "manager vm", VM, f"{prefix}-{PLANE[1]}-manager",
                        (PLANE[0], f"{prefix}-{PLANE[1]}"), mgmt.datacenter, f"vm/{folder}/{manager}", manager,
                        "namePrefix", folder=folder))
    out.append(Creation("resource", "folder", FOLDER, f"{r_parent[1]}-folder", r_parent, res.datacenter,
                        f"vm/{folder}", folder, "namePrefix"))
    for role, pool, clusters in (("tenant", tenant_pool, list(res.compute_clusters)),
                                 ("edge", edge_pool, edge_clusters)):
        for cluster in clusters:
            out.append(Creation("resource", "resource pool", POOL, f"{r_parent[1]}-{role}-pool-{cluster}", r_parent,
                                res.datacenter, f"host/{cluster}/Resources/{pool}", pool, "namePrefix",
                                cluster=cluster))
    return out


def _found(c: Creation, inv: Inventory) -> list[tuple[str, set[str]]]:
    """(moid, ids the stack could hold for it) of each object already at `c`'s placement."""
    if c.type == FOLDER:
        return [(f.moid, {f.moid}) for f in inv.folders if f.datacenter == c.datacenter and f.path == c.name]
    if c.type == POOL:
        return [(p.moid, {p.moid}) for p in inv.pools
                if (p.datacenter, p.cluster, p.path) == (c.datacenter, c.cluster, c.name)]
    if c.type == PORT_GROUP:
        # Any network of the datacenter holds the name: a standard port group as much as a distributed one.
        return [(g.moid, {g.moid, g.key} - {""} if g.distributed else set()) for g in inv.port_groups
                if g.datacenter == c.datacenter and g.name == c.name]
    return [(v.moid, {v.uuid, v.moid} - {""}) for v in inv.vms
            if v.datacenter == c.datacenter and v.folder == c.folder and v.name == c.name]


def import_command(c: Creation, stack: str, project: str, at: str) -> str:
    """`pulumi import` of the object at `at` as `c`'s resource, with its parent and provider (pulumi import
    docs: `--parent 'name=<urn>' --provider 'name=<urn>'`)."""
    urn = f"urn:pulumi:{stack}::{project}::"
    return (f"pulumi import {c.type} {c.logical} {at} --stack {stack} "
            f"--parent 'parent={urn}{c.parent[0]}::{c.parent[1]}' "
            f"--provider 'vcenter={urn}pulumi:providers:vsphere::{PROVIDERS[c.role]}'")


def _result(c: Creation, endpoint: Endpoint, inv: Inventory, state: StackState, stack: str,
            project: str) -> tuple[str, str, str, str]:
    """(status, detail, where, fix) for one planned object."""
    where = f"{endpoint.address}/{c.datacenter}/{c.path}"
    owned = state.find(c.type, c.logical)
    found = _found(c, inv)
    what = f"{c.kind} {c.name!r}"
    if not found:
        if owned is not None:
            return ("fail", f"{what} is in the stack's state ({c.logical}, id {owned.id}) but no longer exists "
                    "in vCenter: `pulumi up` would not recreate it", where,
                    f"run `pulumi refresh --stack {stack}` so that the next `pulumi up` creates it again")
        return "pass", f"{what} is free to create", where, ""
    moid, ids = found[0]
    if owned is not None and owned.id in ids:
        return "pass", f"{what} is owned by the stack ({c.logical}, id {owned.id})", where, ""
    if owned is not None:
        why = f"the stack's {c.logical} has id {owned.id}"
    elif (c.type, c.logical) in state.creating:
        why = (f"an interrupted `pulumi up` was creating {c.logical} (a pending operation in the state), so this "
               "may be the stack's own, left unrecorded")
    elif state.first_deployment:
        why = "no stack state was read, so this is taken for a first deployment"
    else:
        why = f"the stack's state has no {c.logical}"
    if c.type == PORT_GROUP and not ids:
        # A standard (host) network: it holds the name, but is no distributed port group to import or adopt.
        return ("fail", f"a standard (host) network named {c.name!r} already exists at /{c.datacenter}/{c.path} "
                f"({moid}): distributed port groups share the datacenter's network names", where,
                f"rename or remove that network, or change {c.rename}")
    detail = f"{what} already exists at /{c.datacenter}/{c.path} ({moid}) and is not the stack's: {why}"
    fix = (f"remove or rename /{c.datacenter}/{c.path}; or adopt it: "
           f"{import_command(c, stack, project, f'/{c.datacenter}/{c.path}')}; or change {c.rename}")
    if c.type == PORT_GROUP:
        fix += f", or set {c.rename.rsplit('.', 1)[0]}.existing: true to use it as it is"
    if (c.type, c.logical) in state.creating:
        fix = f"run `pulumi refresh --stack {stack}` to clear the pending create, then {fix}"
    if state.first_deployment:
        fix += "; if the stack is already deployed, pass its state (--state FILE from `pulumi stack export`)"
    return "fail", detail, where, fix


@dataclass(frozen=True)
class Verdict:
    check: str
    status: str
    detail: str
    where: str
    fix: str


def check(settings: Settings, endpoint: Endpoint, inv: Inventory, state: StackState, stack: str,
          project: str) -> list[Verdict]:
    """A verdict for each object the program creates in this vCenter."""
    return [Verdict(c.check, *_result(c, endpoint, inv, state, stack, project))
            for c in creations(settings) if c.role == endpoint.role]


def checks_of(settings: Settings, role: str) -> list[tuple[str, str]]:
    """(check, where below the vCenter) of each verdict `check` and `existing_port_groups` give: what an
    unreadable vCenter reports as not checked."""
    out = [(c.check, f"{c.datacenter}/{c.path}") for c in creations(settings) if c.role == role]
    if role == "management":
        dc = settings.management_vcenter.datacenter
        out += [(check, f"{dc}/network/{net.port_group}") for check, net in _adopted(settings)]
    return out


def _adopted(settings: Settings) -> list[tuple[str, ManagementNetwork | ApiAccessNetwork]]:
    return [(check, net) for check, net in (("port group", settings.management_network),
                                            ("api port group", settings.api_access_network)) if net.existing]


def existing_port_groups(settings: Settings, endpoint: Endpoint, inv: Inventory) -> Sequence[Verdict]:
    """The port groups the stack adopts (`existing: true`): present, on the management switch, and on the
    configured VLAN when one is given (`vlan` is otherwise ignored for an adopted port group)."""
    mgmt = settings.management_vcenter
    switch, dc = mgmt.distributed_switch, mgmt.datacenter
    out: list[Verdict] = []
    for check, net in _adopted(settings):
        key = "managementNetwork" if check == "port group" else "apiAccessNetwork"
        where = f"{endpoint.address}/{dc}/network/{net.port_group}"
        named = [g for g in inv.port_groups if g.datacenter == dc and g.name == net.port_group]
        groups = [g for g in named if g.distributed]
        on_switch = [g for g in groups if g.switch == switch]
        if named and not groups:
            out.append(Verdict(check, "fail", f"{net.port_group!r} in {dc!r} is a standard (host) network "
                               f"({named[0].moid}), not a distributed port group (existing: true adopts one "
                               f"of {switch!r})", where,
                               f"create a distributed port group on {switch!r} (after renaming the standard one), "
                               f"or fix {key}.portGroup"))
        elif not groups:
            out.append(Verdict(check, "fail", f"port group {net.port_group!r} not found in {dc!r} "
                               "(existing: true adopts it)", where,
                               f"create it, fix {key}.portGroup, or set {key}.existing: false (and a vlan) to "
                               "have it created"))
        elif not on_switch:
            out.append(Verdict(check, "fail", f"port group {net.port_group!r} is on switch {groups[0].switch!r}, "
                               f"not {switch!r}", where,
                               f"set managementVcenter.distributedSwitch to {groups[0].switch!r}, or move the "
                               "port group"))
        elif net.vlan is not None and on_switch[0].vlan != str(net.vlan):
            out.append(Verdict(check, "fail", f"port group {net.port_group!r} on {switch!r} has VLAN "
                               f"{on_switch[0].vlan or 'none'}, not {net.vlan} ({key}.vlan)", where,
                               f"set {key}.vlan to {on_switch[0].vlan or 'the VLAN it carries'}, or fix the port "
                               "group's VLAN"))
        else:
            vlan = on_switch[0].vlan or "none"
            out.append(Verdict(check, "pass", f"port group {net.port_group!r} exists on {switch!r}, VLAN {vlan} "
                               "(adopted: existing: true)", where, ""))
    return out
