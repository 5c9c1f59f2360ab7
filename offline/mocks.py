"""Mocked provider answers: realistic, deterministic IDs and lookup results for vSphere, NSX-T, OpenStack.

IDs derive from a hash of type and logical name, so two evaluations of the same config give identical
graphs, and a changed name shows up as a changed ID.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi

from components.vio_client import plain


def stable_id(*parts: str) -> str:
    return hashlib.sha1(":".join(parts).encode()).hexdigest()[:10]


def _uuid(*parts: str) -> str:
    h = hashlib.sha1(":".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


NSX_EP = "/infra/sites/default/enforcement-points/default"


def _nsx_path(token: str, name: str, inputs: dict[str, Any]) -> str:
    kind = token.split(":")[-1]
    collections = {
        "PolicyTier0Gateway": "/infra/tier-0s",
        "PolicyTier1Gateway": "/infra/tier-1s",
        "PolicySegment": "/infra/segments",
        "PolicyVlanSegment": "/infra/segments",
        "PolicyFixedSegment": "/infra/segments",
        "PolicyDhcpServer": "/infra/dhcp-server-configs",
        "PolicyMetadataProxy": "/infra/metadata-proxies",
        "PolicyIpPool": "/infra/ip-pools",
        "PolicyGroup": "/infra/domains/default/groups",
    }
    if kind == "PolicyTier0GatewayInterface":
        return f"{inputs.get('gatewayPath', '/infra/tier-0s/t0')}/locale-services/default/interfaces/{name}"
    if kind == "PolicyBgpNeighbor":
        return f"{inputs.get('bgpPath', '/infra/tier-0s/t0/locale-services/default/bgp')}/neighbors/{name}"
    base = collections.get(kind, f"/infra/{kind.lower()}s")
    return f"{base}/{inputs.get('nsxId') or name}"


#: OpenStack services a VIO 7 deployment reports in its status (`cluster_status.services[]`): (group, name).
VIO_SERVICES: tuple[tuple[str, str], ...] = (
    ("infra", "mariadb"),
    ("infra", "rabbitmq"),
    ("infra", "memcached"),
    ("openstack", "keystone-api"),
    ("openstack", "glance-api"),
    ("openstack", "nova-api"),
    ("openstack", "nova-compute"),
    ("openstack", "placement-api"),
    ("openstack", "neutron-server"),
    ("openstack", "cinder-api"),
    ("openstack", "heat-api"),
    ("openstack", "horizon"),
)


def vio_status(inputs: dict[str, Any]) -> dict[str, Any]:
    """What VIO's cluster status reports for a deployment that reached `running`: one node per controller
    (addresses from the management range), every service at its desired replica count (3 in HA, capped by
    the controllers; 1 in compact), endpoints as requested. Deterministic in the inputs."""
    from ipaddress import IPv4Address

    body = plain(inputs.get("body")) or {}
    controllers = int(inputs.get("controllers") or 1)  # protobuf numbers arrive as floats
    ha = bool(body.get("ha_enabled"))
    mgmt: dict[str, Any] = next((n for n in body.get("networks", []) if n.get("type") == "management"), {})
    first = (mgmt.get("ip_ranges") or [{}])[0].get("begin_ip") or "0.0.0.0"
    replicas = min(controllers, 3) if ha else 1
    name = body.get("name", "vio")
    return {
        "status": "running",
        "endpoints": dict(body.get("endpoints") or {}),
        "nodes": [
            {"name": f"{name}-controller-{i}", "ip": str(IPv4Address(first) + i), "role": "controller",
             "status": "Ready"}
            for i in range(controllers)
        ],
        "services": [
            {"group": group, "name": svc, "desired": replicas, "ready": replicas} for group, svc in VIO_SERVICES
        ],
    }


class PlatformMocks(pulumi.runtime.Mocks):
    """Answers for every resource and lookup the platform and tenant programs use."""

    def __init__(self) -> None:
        self.unknown_calls: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        typ, name, inputs = args.typ, args.name, dict(args.inputs)
        rid = stable_id(typ, name)
        state: dict[str, Any] = dict(inputs)
        if typ == "pulumi:pulumi:StackReference":
            return f"{name}", {"name": name, "outputs": getattr(self, "stack_outputs", {}).get(name, {})}
        if typ.startswith("pulumi:providers:"):
            return rid, state
        if typ.startswith("pulumi-python:dynamic"):
            # VIO Public API resources: the Manager names objects by the body's name/hostname.
            kind = typ.split(":")[-1]
            body = plain(inputs.get("body")) or {}
            rid = str(body.get("name") or body.get("hostname") or body.get("nsx_api_managers") or name)
            if kind == "OpenStackDeployment":
                state.update(vio_status(inputs))
            elif kind == "VcenterRegistration":
                state["registration_name"] = str(body.get("name") or body.get("hostname") or name)
            elif kind == "NsxBackend":
                fields = ("default_overlay_tz", "default_vlan_tz", "default_tier0_router", "dhcp_profile",
                          "metadata_proxy")
                state["validation"] = {"nsx_type": inputs.get("nsx_kind") or "nsxp",
                                       "ids": {f: body.get(f) for f in fields}, "missing": []}
            return rid, state
        if typ.startswith("vsphere:"):
            kind = typ.split(":")[-1]
            prefix = {
                "VirtualMachine": None,
                "ResourcePool": "resgroup-",
                "Folder": "group-v",
                "DistributedPortGroup": "dvportgroup-",
            }.get(kind, f"{kind.lower()}-")
            rid = _uuid(typ, name) if prefix is None else f"{prefix}{int(rid, 16) % 10**6}"
            if kind == "VirtualMachine":
                ips = [
                    ni.get("ipv4Address")
                    for ni in inputs.get("clone", {}).get("customize", {}).get("networkInterfaces", [])
                ]
                state.update({"defaultIpAddress": ips[0] if ips else None, "moid": f"vm-{int(stable_id(name), 16) % 10**5}",
                              "uuid": rid})
            if kind == "DistributedPortGroup":
                state["key"] = rid
        elif typ.startswith("nsxt:"):
            state.update({"path": _nsx_path(typ, name, inputs), "revision": 0})
            if typ.endswith(":PolicyTier0Gateway") and "bgpConfig" in state:
                # The provider puts the gateway's BGP under its default locale service.
                state["bgpConfig"] = {**state["bgpConfig"], "path": f"{state['path']}/locale-services/default/bgp"}
            if "nsxId" not in state:
                state["nsxId"] = name
        elif typ.startswith("openstack:"):
            rid = _uuid(typ, name)
            kind = typ.split(":")[-1]
            # Computed attributes the OpenStack programs read back (router ports, FIPs, LB VIPs).
            if kind == "RouterInterface":
                state["portId"] = _uuid("port", name)
            elif kind == "FloatingIp":
                n = int(stable_id(name), 16)
                state.setdefault("address", f"198.51.100.{n % 200 + 20}")
            elif kind == "LoadBalancer" and not state.get("vipAddress"):
                state["vipAddress"] = f"10.255.{int(stable_id(name), 16) % 250}.10"
        return rid, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        token, a = args.token, dict(args.args)
        name = a.get("name") or a.get("displayName") or ""
        if token == "vsphere:index/getDatacenter:getDatacenter":
            return {"id": f"datacenter-{int(stable_id(name), 16) % 1000}", "name": name}
        if token == "vsphere:index/getComputeCluster:getComputeCluster":
            n = int(stable_id(name), 16) % 1000
            return {"id": f"domain-c{n}", "resourcePoolId": f"resgroup-{n}", "name": name,
                    "datacenterId": a.get("datacenterId")}
        if token == "vsphere:index/getDatastore:getDatastore":
            return {"id": f"datastore-{int(stable_id(name), 16) % 1000}", "name": name}
        if token == "vsphere:index/getDistributedVirtualSwitch:getDistributedVirtualSwitch":
            return {"id": _uuid("dvs", name), "name": name}
        if token == "vsphere:index/getNetwork:getNetwork":
            return {"id": f"dvportgroup-{int(stable_id(name), 16) % 1000}", "name": name, "type": "DistributedVirtualPortgroup"}
        if token == "vsphere:index/getResourcePool:getResourcePool":
            return {"id": f"resgroup-{int(stable_id(name), 16) % 1000}", "name": name}
        if token == "vsphere:index/getVirtualMachine:getVirtualMachine":
            return {
                "id": _uuid("template", name),
                "name": name,
                "guestId": "vmwarePhoton64Guest",
                "scsiType": "pvscsi",
                "firmware": "efi",
                "networkInterfaceTypes": ["vmxnet3"],
                "disks": [{"size": 40, "eagerlyScrub": False, "thinProvisioned": True, "label": "disk0"}],
            }
        if token == "nsxt:index/getPolicyTransportZone:getPolicyTransportZone":
            return {"id": name, "displayName": name, "path": f"{NSX_EP}/transport-zones/{name}",
                    "transportType": a.get("transportType", "OVERLAY_STANDARD")}
        if token == "nsxt:index/getPolicyEdgeCluster:getPolicyEdgeCluster":
            return {"id": name, "displayName": name, "path": f"{NSX_EP}/edge-clusters/{name}"}
        if token == "nsxt:index/getPolicyEdgeNode:getPolicyEdgeNode":
            index = int(a.get("memberIndex", 0))  # protobuf numbers arrive as floats
            return {"id": f"edge-{index}", "displayName": f"edge-{index}", "memberIndex": index,
                    "path": f"{a.get('edgeClusterPath', NSX_EP + '/edge-clusters/x')}/edge-nodes/{index}"}
        if token in {
            "openstack:identity/getRole:getRole",
            "openstack:identity/getUser:getUser",
            "openstack:identity/getGroup:getGroup",
        }:
            return {"id": stable_id(token, name), "name": name, "domainId": "default"}
        self.unknown_calls.append(token)
        return {"id": stable_id(token, repr(sorted(a.items())))}
