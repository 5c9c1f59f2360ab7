"""Draw the deployed topology from an offline plan, with Graphviz.

    python -m offline prod --plan plan.json
    python -m tools.diagram plan.json -o docs/topology-prod.svg -o docs/topology-prod.png

The two-pod picture: the Management pod (its vCenter, the VIO Manager VM, the OpenStack deployment the
Manager builds through its Public API with its controllers, both VIPs and the Keystone endpoint from the
stack outputs; VIO places its own controllers, so there are no DRS rules of ours), the Edge/Resource pod (its
vCenter, NSX Manager, the edge cluster and Tier-0 with uplinks and BGP peers, the resource pools), and
the OpenStack tenants with their networks. Everything is read from the plan by resource type, so a part
the plan lacks (no tenants yet, no NSX) is left out and the rest still draws. `-o x.dot` writes the DOT
text; .svg/.png call Graphviz's `dot`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tools.planfile import PlanError, load_plan

VM = "vsphere:index/virtualMachine:VirtualMachine"
POOL = "vsphere:index/resourcePool:ResourcePool"
PORT_GROUP = "vsphere:index/distributedPortGroup:DistributedPortGroup"
PROJECT = "openstack:identity/project:Project"
NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
ROUTER_INTERFACE = "openstack:networking/routerInterface:RouterInterface"
NL = "\\n"  # a line break inside a Graphviz label
DEPLOYMENT = "pulumi-python:dynamic/vio:OpenStackDeployment"
VIO_API = "pulumi-python:dynamic/vio:"


def _q(text: Any) -> str:
    """A DOT quoted string. Backslashes pass through: labels use `\\n` (NL) for line breaks."""
    return '"' + str(text).replace('"', '\\"') + '"'


def _id(urn: str) -> str:
    return _q(urn)


def _short(typ: str) -> str:
    return typ.rsplit(":", 1)[-1]


class _Plan:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.resources: list[dict[str, Any]] = list(plan["resources"])
        self.outputs: dict[str, Any] = dict(plan.get("outputs") or {})
        self.by_urn = {r["urn"]: r for r in self.resources}

    def of(self, *types: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] in types]

    def of_package(self, prefix: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"].startswith(prefix)]

    def providers(self, package: str) -> list[dict[str, Any]]:
        return self.of(f"pulumi:providers:{package}")

    def on(self, provider: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        if provider is None:
            return []
        return [r for r in self.resources if (r.get("providerUrn") or "").endswith("::" + provider["name"])
                or (not r.get("providerUrn") and r.get("provider") and provider["urn"].endswith(r["provider"]))]

    def deps(self, res: Mapping[str, Any]) -> set[str]:
        out = set(res.get("dependencies") or [])
        for urns in (res.get("propertyDependencies") or {}).values():
            out |= set(urns)
        return out


def _vm_label(vm: Mapping[str, Any], address: str = "") -> str:
    inputs = vm.get("inputs") or {}
    size = f"{int(inputs.get('numCpus', 0))} vCPU / {int(inputs.get('memory', 0)) // 1024} GB"
    source = "OVA" if inputs.get("ovfDeploy") else "template clone" if inputs.get("clone") else ""
    lines = [str(inputs.get("name", vm["name"])), "VIO Manager" + (f" ({source})" if source else ""), address, size]
    return NL.join(x for x in lines if x) + (NL + "(protected)" if vm.get("protect") else "")


def to_dot(plan: Mapping[str, Any], title: str | None = None) -> str:
    """The DOT text of the topology: pure, so tests can read it without Graphviz."""
    p = _Plan(plan)
    lines = [
        "digraph topology {",
        "  graph [rankdir=LR, compound=true, fontname=Helvetica, fontsize=12, newrank=true,"
        f" label={_q(title or 'vio-nfv ' + str(plan.get('stack', '')))}, labelloc=t];",
        "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9, color=gray40];",
    ]
    vsphere = p.providers("vsphere")
    vms = p.of(VM)
    mgmt_provider = next((v for v in vsphere if any(r in p.on(v) for r in vms)), None)
    if mgmt_provider is None:
        mgmt_provider = next((v for v in vsphere if "management" in v["name"]), vsphere[0] if vsphere else None)
    res_provider = next((v for v in vsphere if v is not mgmt_provider), None)

    # --- Management pod
    lines.append("  subgraph cluster_management {")
    lines.append("    label=\"Management pod\"; style=filled; fillcolor=\"#eef3fb\"; color=\"#7a9cc6\";")
    if mgmt_provider is not None:
        server = (mgmt_provider.get("inputs") or {}).get("vsphereServer", mgmt_provider["name"])
        lines.append(f"    {_id(mgmt_provider['urn'])} [label={_q('vCenter Server' + NL + str(server))}, "
                     "shape=component, fillcolor=\"#d6e4f5\"];")
    for pg in p.of(PORT_GROUP):
        name = (pg.get("inputs") or {}).get("name", pg["name"])
        lines.append(f"    {_id(pg['urn'])} [label={_q('port group ' + str(name))}, shape=note];")
    managers = [vm for vm in sorted(vms, key=lambda r: r["name"]) if mgmt_provider is None or vm in p.on(mgmt_provider)]
    for vm in managers:
        fill = "#fde9d9" if vm.get("protect") else "white"
        lines.append(f"    {_id(vm['urn'])} [label={_q(_vm_label(vm, str(p.outputs.get('managerIp', ''))))}, "
                     f"fillcolor={_q(fill)}];")
        if mgmt_provider is not None:
            lines.append(f"    {_id(mgmt_provider['urn'])} -> {_id(vm['urn'])} [label=hosts];")
    for dep in p.of(DEPLOYMENT):
        inputs = dep.get("inputs") or {}
        body = inputs.get("body") or {}
        ha = "HA" if body.get("ha_enabled") else "compact (no HA)"
        controllers = int(inputs.get("controllers") or 0)
        label = f"OpenStack deployment {body.get('name', '')}{NL}{ha}, {controllers} controller(s)"
        lines.append(f"    {_id(dep['urn'])} [label={_q(label + (NL + '(protected)' if dep.get('protect') else ''))}, "
                     "shape=box3d, fillcolor=\"#fff8e1\"];")
        nodes = (p.outputs.get("nodes") or {}).get("controller") or []
        lines.append("    subgraph cluster_controllers {")
        lines.append("      label=\"controllers (created and placed by VIO)\"; style=\"rounded,dashed\"; color=gray50;")
        for i, ip in enumerate(nodes or [""] * controllers):
            lines.append(f"      controller_{i} [label={_q('controller-' + str(i) + (NL + str(ip) if ip else ''))}];")
        lines.append("    }")
        for i in range(len(nodes) or controllers):
            lines.append(f"    {_id(dep['urn'])} -> controller_{i} [style=dashed, arrowhead=none];")
        for vm in managers:
            lines.append(f"    {_id(vm['urn'])} -> {_id(dep['urn'])} [label=\"Public API\"];")
    for reg in p.of_package(VIO_API):
        if reg["type"] == DEPLOYMENT:
            continue
        body = (reg.get("inputs") or {}).get("body") or {}
        what = body.get("hostname") or body.get("nsx_api_managers") or reg["name"]
        lines.append(f"    {_id(reg['urn'])} [label={_q(_short(reg['type']) + NL + str(what))}, shape=note];")
        for dep in p.of(DEPLOYMENT):
            lines.append(f"    {_id(reg['urn'])} -> {_id(dep['urn'])} [style=dotted];")
    private, public = p.outputs.get("privateVip"), p.outputs.get("publicVip")
    if private or public:
        endpoint = p.outputs.get("publicEndpoint", "")
        text = f"private VIP {private}{NL}public VIP {public}" + (NL + str(endpoint) if endpoint else "")
        lines.append(f"    vip [label={_q(text)}, shape=ellipse, fillcolor=\"#fff2b3\"];")
        for dep in p.of(DEPLOYMENT):
            lines.append(f"    vip -> {_id(dep['urn'])} [arrowhead=none, style=dashed];")
    lines.append("  }")

    # --- Edge/Resource pod
    nsx = p.providers("nsxt")
    pools = [r for r in p.of(POOL) if res_provider is not None and r in p.on(res_provider)]
    nsx_objects = p.of_package("nsxt:")
    if res_provider is not None or nsx or nsx_objects:
        lines.append("  subgraph cluster_resource {")
        lines.append("    label=\"Edge/Resource pod\"; style=filled; fillcolor=\"#f1f8ec\"; color=\"#8bb174\";")
        if res_provider is not None:
            server = (res_provider.get("inputs") or {}).get("vsphereServer", res_provider["name"])
            lines.append(f"    {_id(res_provider['urn'])} [label={_q('vCenter Server' + NL + str(server))}, "
                         "shape=component, fillcolor=\"#dcedd0\"];")
        for pool in sorted(pools, key=lambda r: r["name"]):
            name = (pool.get("inputs") or {}).get("name", pool["name"])
            cluster = pool["name"].rsplit("-pool-", 1)[-1]
            lines.append(f"    {_id(pool['urn'])} [label={_q('pool ' + str(name) + NL + cluster)}, shape=folder];")
            lines.append(f"    {_id(res_provider['urn'])} -> {_id(pool['urn'])};")  # type: ignore[index]
        for manager in nsx:
            host = (manager.get("inputs") or {}).get("host", manager["name"])
            lines.append(f"    {_id(manager['urn'])} [label={_q('NSX Manager' + NL + str(host))}, shape=component, "
                         "fillcolor=\"#fbe3c4\"];")
            if res_provider is not None:
                lines.append(f"    {_id(manager['urn'])} -> {_id(res_provider['urn'])} [label=\"compute manager\"];")
        _nsx(lines, p, nsx_objects, nsx[0] if nsx else None)
        lines.append("  }")

    # --- OpenStack tenants
    _tenants(lines, p)
    _north_south(lines, p)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _nsx(lines: list[str], p: _Plan, objects: Iterable[dict[str, Any]], manager: Mapping[str, Any] | None) -> None:
    objects = list(objects)
    t0s = [r for r in objects if r["type"].endswith(":PolicyTier0Gateway")]
    for t0 in t0s:
        inputs = t0.get("inputs") or {}
        edge_cluster = str(inputs.get("edgeClusterPath", "")).rsplit("/", 1)[-1]
        if edge_cluster:
            lines.append(f"    {_q('edge:' + edge_cluster)} [label={_q('edge cluster' + NL + edge_cluster)}, "
                         "shape=box3d, fillcolor=\"#fbe3c4\"];")
            lines.append(f"    {_q('edge:' + edge_cluster)} -> {_id(t0['urn'])} [label=runs];")
        label = f"Tier-0 {inputs.get('displayName', t0['name'])}\\n{inputs.get('haMode', '')}"
        lines.append(f"    {_id(t0['urn'])} [label={_q(label)}, shape=doublecircle, fillcolor=\"#fbe3c4\"];")
        if manager is not None:
            lines.append(f"    {_id(manager['urn'])} -> {_id(t0['urn'])};")
    for seg in [r for r in objects if r["type"].endswith(":PolicyVlanSegment")]:
        inputs = seg.get("inputs") or {}
        vlans = ",".join(str(v) for v in inputs.get("vlanIds") or [])
        lines.append(f"    {_id(seg['urn'])} [label={_q(str(inputs.get('displayName', seg['name'])) + NL + 'VLAN ' + vlans)}, "
                     "shape=parallelogram];")
        for t0 in t0s:
            lines.append(f"    {_id(t0['urn'])} -> {_id(seg['urn'])} [arrowhead=none];")
    for peer in [r for r in objects if r["type"].endswith(":PolicyBgpNeighbor")]:
        inputs = peer.get("inputs") or {}
        lines.append(f"    {_id(peer['urn'])} [label={_q('BGP ' + str(inputs.get('displayName', peer['name'])) + NL + str(inputs.get('neighborAddress', '')))}, "
                     "shape=cylinder];")
        for t0 in t0s:
            lines.append(f"    {_id(t0['urn'])} -> {_id(peer['urn'])} [style=dashed, label=eBGP];")


def _north_south(lines: list[str], p: _Plan) -> None:
    """The North-South path: Tier-0 -> external network (l3_ext on the Tier-0's NSX id) -> tenant routers
    -> the tenant networks they have interfaces on."""
    t0s = {str((t.get("inputs") or {}).get("nsxId") or t["name"]): t for t in p.of_package("nsxt:")
           if t["type"].endswith(":PolicyTier0Gateway")}
    externals = [n for n in p.of(NETWORK) if (n.get("inputs") or {}).get("external")]
    for ext in externals:
        # The provider attributes travel in value_specs (components/openstack_platform.py).
        specs = (ext.get("inputs") or {}).get("valueSpecs") or {}
        t0 = t0s.get(str(specs.get("provider:physical_network")))
        if t0 is not None:
            lines.append(f"  {_id(t0['urn'])} -> {_id(ext['urn'])} "
                         f"[label={_q(str(specs.get('provider:network_type', '')))}];")
    subnets = {s["urn"]: s for s in p.of(SUBNET)}
    interfaces = p.of(ROUTER_INTERFACE)
    for router in p.of(ROUTER):
        inputs = router.get("inputs") or {}
        lines.append(f"  {_id(router['urn'])} [label={_q('router ' + str(inputs.get('name', router['name'])) + NL + ('SNAT' if inputs.get('enableSnat') else 'no SNAT'))}, "
                     "shape=octagon, fillcolor=\"#fbe3c4\"];")
        for ext in externals:
            if ext["urn"] in p.deps(router):
                lines.append(f"  {_id(ext['urn'])} -> {_id(router['urn'])} [label=gateway];")
        for iface in interfaces:
            if router["urn"] not in p.deps(iface):
                continue
            for subnet_urn in p.deps(iface) & set(subnets):
                for net_urn in p.deps(subnets[subnet_urn]):
                    if p.by_urn.get(net_urn, {}).get("type") == NETWORK:
                        lines.append(f"  {_id(router['urn'])} -> {_id(net_urn)} [arrowhead=none, color=gray40];")


def tenants(plan: Mapping[str, Any]) -> dict[str, list[str]]:
    """Tenant (project) name -> its network names, read from the plan (what the diagram draws)."""
    return {name: [n for n, _ in nets] for name, (_, nets) in _tenant_index(_Plan(plan)).items()}


def _tenant_index(p: _Plan) -> dict[str, tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]]:
    projects = {r["urn"]: r for r in p.of(PROJECT)}
    out: dict[str, tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]] = {}
    for project in projects.values():
        out[str((project.get("inputs") or {}).get("name", project["name"]))] = (project, [])
    for net in p.of(NETWORK):
        owner = next((projects[d] for d in p.deps(net) if d in projects), None)
        if owner is None:  # a tenant's networks live in its own component, named after the tenant
            parent = p.by_urn.get(net.get("parent", ""))
            owner = next((pr for name, (pr, _) in out.items() if parent and parent["name"].endswith("-" + name)), None)
        if owner is None:
            continue
        name = str((owner.get("inputs") or {}).get("name", owner["name"]))
        out[name][1].append((str((net.get("inputs") or {}).get("name", net["name"])), net))
    return out


def _tenants(lines: list[str], p: _Plan) -> None:
    index = _tenant_index(p)
    externals = [n for n in p.of(NETWORK) if (n.get("inputs") or {}).get("external")]
    if not index and not externals:
        return
    subnets = p.of(SUBNET)
    lines.append("  subgraph cluster_tenants {")
    lines.append("    label=\"OpenStack (VIO) tenants\"; style=filled; fillcolor=\"#f7eef8\"; color=\"#b58cc0\";")
    api = p.outputs.get("publicEndpoint")
    for ext in externals:
        lines.append(f"    {_id(ext['urn'])} [label={_q('external ' + str((ext.get('inputs') or {}).get('name', ext['name'])))}, "
                     "shape=parallelogram, fillcolor=\"#fff2b3\"];")
    for name in sorted(index):
        project, nets = index[name]
        lines.append(f"    subgraph {_q('cluster_tenant_' + name)} {{")
        lines.append(f"      label={_q('tenant ' + name)}; style=rounded; color=gray50;")
        lines.append(f"      {_id(project['urn'])} [label={_q('project ' + name)}, shape=tab, fillcolor=\"#ead6ee\"];")
        for net_name, net in sorted(nets, key=lambda x: x[0]):
            cidrs = [str((s.get("inputs") or {}).get("cidr")) for s in subnets
                     if net["urn"] in p.deps(s) and (s.get("inputs") or {}).get("cidr")]
            label = net_name + ("\\n" + ", ".join(cidrs) if cidrs else "")
            lines.append(f"      {_id(net['urn'])} [label={_q(label)}, shape=parallelogram];")
            lines.append(f"      {_id(project['urn'])} -> {_id(net['urn'])} [arrowhead=none];")
        lines.append("    }")
        if api:
            lines.append(f"    vip -> {_id(project['urn'])} [style=invis];")
    lines.append("  }")


def render(dot: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("Graphviz `dot` is not installed (Debian: apt-get install graphviz); "
                           "write the DOT text with `-o FILE.dot` instead")
    result = subprocess.run([exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"dot -T{fmt} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.diagram", description=__doc__.split("\n")[0])
    parser.add_argument("plan", help="offline plan JSON (python -m offline <stack> --plan FILE)")
    parser.add_argument("-o", "--output", action="append", type=Path, required=True,
                        help="output file: .svg, .png or .dot (repeatable)")
    parser.add_argument("--title", help="diagram title (default: vio-nfv <stack>)")
    ns = parser.parse_args(argv)
    try:
        dot = to_dot(load_plan(ns.plan), ns.title)
    except PlanError as exc:
        print(f"diagram: {exc}", file=sys.stderr)
        return 2
    for out in ns.output:
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in {"svg", "png", "dot", "gv"}:
            print(f"diagram: {out}: unknown format {fmt!r}; use .svg, .png or .dot", file=sys.stderr)
            return 2
        try:
            data = dot.encode() if fmt in {"dot", "gv"} else render(dot, fmt)
        except RuntimeError as exc:
            print(f"diagram: {exc}", file=sys.stderr)
            return 1
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
