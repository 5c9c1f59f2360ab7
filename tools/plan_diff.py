"""Compare two offline plans and say what `pulumi up` would do, without credentials or a backend.

    python -m offline prod --plan base.json     # on the base branch
    python -m offline prod --plan head.json     # on the pull request
    python -m tools.plan_diff base.json head.json [--markdown]

Reports resources added, removed and changed (per input path; secrets stay "[secret]"), and flags the
changes that destroy something:
- an input that the provider cannot update in place (`REPLACE_ON_CHANGE`): the resource is replaced;
- a renamed logical name without an alias (a removed and an added resource of the same type under the same
  parent type with near-equal inputs): Pulumi destroys the old one and creates a new one;
- a change of provider, and the removal of a protected resource (the update would stop there);
- first of all, a replacement or removal of the OpenStack deployment or a VIO registration (it rebuilds the
  cloud every tenant runs on), with the configuration keys that caused it (`CONFIG_SOURCES`) and the
  policy that stops it (`vio-rebuild-intended`, unless `vio.rebuildIntended`).
Changes under a resource's `ignoreChanges` are listed as ignored, since Pulumi will not apply them.

Exit code 0 whether or not anything changed (it is a report); 2 when an input file is not a plan.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.vio_day2 import BODY_FIELDS, under
from components.vio_deployment import DeploymentProvider
from components.vio_provider import VioProvider
from components.vio_registrations import NsxProvider, VcenterProvider
from tools.plan_critical import (
    DEPLOYMENT_TYPE,
    NSX_TYPE,
    VCENTER_TYPE,
    critical_lines,
)
from tools.planfile import PlanError, load_plan, urn_type

_VIO_PROVIDERS: Mapping[str, type[VioProvider]] = {
    VCENTER_TYPE: VcenterProvider, NSX_TYPE: NsxProvider, DEPLOYMENT_TYPE: DeploymentProvider,
}


def _vio_rules(provider: type[VioProvider]) -> tuple[str, ...]:
    """The provider's own replace rules (its diff), in the plan's input paths."""
    return tuple(provider.replace_inputs) + tuple(f"body.{f}" for f in provider.replace_fields)

#: Inputs the providers cannot update in place: changing one replaces the resource (delete + create, or
#: create + delete). Keyed by type token; "*" means every input. One entry per type the program registers,
#: each the provider's ForceNew arguments (camelCase as the Pulumi SDKs spell them), held by
#: tests/test_plan_diff_facts.py against ../shared/reference/provider-forcenew.json, which was read from
#: vmware/terraform-provider-nsxt v3.11.0, terraform-provider-openstack v3.4.0 (pulumi-openstack 5.5.x)
#: and terraform-provider-vsphere v2.16.1. The types that file lacks are in `SOURCES_OUTSIDE_FACTS`.
#: The VIO Public API's dynamic resources (components/vio_api.py) follow its providers' own diff, from the
#: VIO API 7.0 operations (developer.broadcom.com/xapis/vmware-integrated-openstack-api/7.0): vcenter and
#: nsx have PUT; cluster has create, get and delete only; the controller count is the scale operation.
REPLACE_ON_CHANGE: Mapping[str, tuple[str, ...]] = {
    "vsphere:index/virtualMachine:VirtualMachine": ("clone", "replaceTrigger"),
    "vsphere:index/distributedPortGroup:DistributedPortGroup": ("distributedVirtualSwitchUuid",),
    "vsphere:index/folder:Folder": ("datacenterId", "type"),
    "vsphere:index/resourcePool:ResourcePool": (),
    "nsxt:index/computeManager:ComputeManager": (),
    "nsxt:index/policyBgpNeighbor:PolicyBgpNeighbor": ("bgpPath", "nsxId"),
    "nsxt:index/policyDhcpServer:PolicyDhcpServer": ("context", "nsxId"),
    "nsxt:index/policyGatewayRedistributionConfig:PolicyGatewayRedistributionConfig": ("gatewayPath", "sitePath"),
    "nsxt:index/policyMetadataProxy:PolicyMetadataProxy": ("nsxId",),
    "nsxt:index/policyTier0Gateway:PolicyTier0Gateway": (
        "haMode", "internalTransitSubnets", "nsxId", "transitSubnets",
    ),
    "nsxt:index/policyTier0GatewayHaVipConfig:PolicyTier0GatewayHaVipConfig": (),
    "nsxt:index/policyTier0GatewayInterface:PolicyTier0GatewayInterface": (
        "gatewayPath", "nsxId", "segmentPath", "sitePath", "type",
    ),
    "nsxt:index/policyVlanSegment:PolicyVlanSegment": ("context", "nsxId", "transportZonePath"),
    "openstack:compute/flavor:Flavor": (
        "disk", "ephemeral", "flavorId", "isPublic", "name", "ram", "region", "rxTxFactor", "swap", "vcpus",
    ),
    "openstack:compute/quotaSetV2:QuotaSetV2": ("projectId", "region"),
    "openstack:firewall/groupV2:GroupV2": ("projectId", "region", "tenantId"),
    "openstack:firewall/policyV2:PolicyV2": ("projectId", "region", "tenantId"),
    "openstack:firewall/ruleV2:RuleV2": ("projectId", "region", "tenantId"),
    "openstack:identity/project:Project": ("domainId", "isDomain", "parentId", "region"),
    "openstack:identity/roleAssignment:RoleAssignment": (
        "domainId", "groupId", "projectId", "region", "roleId", "userId",
    ),
    "openstack:loadbalancer/listener:Listener": ("loadbalancerId", "protocol", "protocolPort", "region", "tenantId"),
    "openstack:loadbalancer/loadBalancer:LoadBalancer": (
        "availabilityZone", "flavorId", "loadbalancerProvider", "region", "tenantId", "vipAddress",
        "vipNetworkId", "vipPortId", "vipSubnetId",
    ),
    "openstack:loadbalancer/member:Member": (
        "address", "poolId", "protocolPort", "region", "subnetId", "tenantId",
    ),
    "openstack:loadbalancer/monitor:Monitor": ("poolId", "region", "tenantId", "type"),
    "openstack:loadbalancer/pool:Pool": ("listenerId", "loadbalancerId", "protocol", "region", "tenantId"),
    "openstack:networking/addressScope:AddressScope": ("ipVersion", "projectId", "region"),
    "openstack:networking/floatingIp:FloatingIp": (
        "address", "dnsDomain", "dnsName", "pool", "region", "tenantId", "valueSpecs",
    ),
    "openstack:networking/network:Network": (
        "availabilityZoneHints", "region", "tenantId", "transparentVlan", "valueSpecs",
    ),
    "openstack:networking/port:Port": (
        "deviceId", "deviceOwner", "macAddress", "networkId", "region", "tenantId", "valueSpecs",
    ),
    "openstack:networking/quotaV2:QuotaV2": ("projectId", "region"),
    "openstack:networking/router:Router": (
        "availabilityZoneHints", "distributed", "region", "tenantId", "valueSpecs",
    ),
    "openstack:networking/routerInterface:RouterInterface": ("portId", "region", "routerId", "subnetId"),
    "openstack:networking/routerRoute:RouterRoute": ("destinationCidr", "nextHop", "region", "routerId"),
    "openstack:networking/secGroup:SecGroup": ("deleteDefaultRules", "region", "tenantId"),
    "openstack:networking/secGroupRule:SecGroupRule": (
        "description", "direction", "ethertype", "portRangeMax", "portRangeMin", "protocol", "region",
        "remoteAddressGroupId", "remoteGroupId", "remoteIpPrefix", "securityGroupId", "tenantId",
    ),
    "openstack:networking/subnet:Subnet": (
        "cidr", "ipVersion", "ipv6AddressMode", "ipv6RaMode", "networkId", "prefixLength", "region",
        "subnetpoolId", "tenantId", "valueSpecs",
    ),
    "openstack:networking/subnetPool:SubnetPool": ("projectId", "region", "valueSpecs"),
    **{typ: _vio_rules(provider) for typ, provider in _VIO_PROVIDERS.items()},
}

#: Types the program registers that the provider-facts file does not list, with where their ForceNew
#: arguments were read.
SOURCES_OUTSIDE_FACTS: Mapping[str, str] = {
    "nsxt:index/policyGatewayRedistributionConfig:PolicyGatewayRedistributionConfig": (
        "vmware/terraform-provider-nsxt v3.11.0 nsxt/resource_nsxt_policy_gateway_redistribution_config.go: "
        "site_path ForceNew; gateway_path getPolicyPathSchema(true, true, ...) (required, ForceNew)"
    ),
    "nsxt:index/policyMetadataProxy:PolicyMetadataProxy": (
        "vmware/terraform-provider-nsxt v3.11.0 nsxt/resource_nsxt_policy_metadata_proxy.go: only nsx_id "
        "(getNsxIDSchema, ForceNew in nsxt/policy_common.go)"
    ),
    VCENTER_TYPE: (
        "components/vio_registrations.py VcenterProvider (replace_fields/replace_inputs): the name keys the "
        "path of PUT /api/v2/vcenters/{name}; another hostname is another vCenter; the rest is a PUT"
    ),
    NSX_TYPE: (
        "components/vio_registrations.py NsxProvider: registration name, kind and nsx_api_managers replace; "
        "user, password, insecure and the embedded nsx_backend fields update (PUT /api/v2/nsxs/{name})"
    ),
    DEPLOYMENT_TYPE: (
        "components/vio_deployment.py DeploymentProvider, components/vio_day2.py BODY_FIELDS: the `redeploy` "
        "body fields and `controllers` replace; day-2 procedure fields, credentials and `replicas` update"
    ),
}

#: Nested inputs that replace (`[]` stands for any list index) and, for an input listed above, the nested
#: paths that do not: vSphere's clone block replaces on any change but clone.timeout and, since v2.16.0,
#: clone.customize.networkInterfaces (CustomizeDiff in resource_vsphere_virtual_machine.go, v2.16.1).
REPLACE_NESTED: Mapping[str, tuple[str, ...]] = {
    "vsphere:index/virtualMachine:VirtualMachine": (
        "networkInterfaces[].ovfMapping", "ovfDeploy.deploymentOption", "ovfDeploy.diskProvisioning",
        "ovfDeploy.enableHiddenProperties", "ovfDeploy.ipAllocationPolicy", "ovfDeploy.ipProtocol",
        "ovfDeploy.localOvfPath", "ovfDeploy.ovfNetworkMap", "ovfDeploy.remoteOvfUrl",
    ),
    "nsxt:index/policyTier0Gateway:PolicyTier0Gateway": ("intersiteConfig.transitSubnet", "vrfConfig.gatewayPath"),
}
REPLACE_EXCEPT: Mapping[str, tuple[str, ...]] = {
    "vsphere:index/virtualMachine:VirtualMachine": ("clone.timeout", "clone.customize.networkInterfaces"),
    DEPLOYMENT_TYPE: tuple(f"body.{p}" for p in DeploymentProvider.replace_except),
}

#: Updated in place, but not quietly: what the update does to a running system.
DISRUPTIVE_IN_PLACE: Mapping[str, Mapping[str, str]] = {
    "vsphere:index/virtualMachine:VirtualMachine": {
        "numCpus": "powers the VM off to resize unless CPU hot-add is enabled",
        "memory": "powers the VM off to resize unless memory hot-add is enabled",
        "datastoreId": "storage vMotion of the VM's disks",
        "resourcePoolId": "moves the VM to another resource pool (vMotion if it changes cluster)",
    },
    "openstack:compute/instance:Instance": {
        "imageId": "rebuilds the server from the new image (root disk is wiped)",
        "imageName": "rebuilds the server from the new image (root disk is wiped)",
        "flavorId": "resizes the server (reboot)",
        "flavorName": "resizes the server (reboot)",
    },
    "openstack:networking/network:Network": {
        "external": "toggles router:external; routers using it as gateway lose it",
    },
    DEPLOYMENT_TYPE: {
        "replicas": "scales only the changed services through VIO's scale operation (no new controllers)",
        # Most specific first: a day-2 field under a broader one takes its own note.
        **{f"body.{f.path}": (f"VIO day-2 procedure ({f.procedure}); `up` records it once the Manager reflects "
                              "it, never a replacement" if f.how == "procedure" else f"in place: {f.procedure}")
           for f in sorted(BODY_FIELDS, key=lambda f: -len(f.path)) if f.how != "redeploy"},
    },
}

RENAME_THRESHOLD = 0.6


@dataclass
class Change:
    path: str
    before: Any
    after: Any
    replaces: bool = False
    ignored: bool = False
    note: str = ""


@dataclass
class ResourceDiff:
    """One resource's fate: `create`, `delete`, `update`, `replace`, `rename` (aliased: updated in place) or
    `ignored` (every difference is under its ignoreChanges, so Pulumi leaves it alone)."""

    action: str
    type: str
    name: str
    urn: str
    old_name: str = ""
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class PlanDiff:
    resources: list[ResourceDiff]
    outputs: list[Change]
    base_stack: str = ""
    head_stack: str = ""

    def by_action(self, action: str) -> list[ResourceDiff]:
        return [r for r in self.resources if r.action == action]

    @property
    def empty(self) -> bool:
        return not self.resources and not self.outputs

    @property
    def destructive(self) -> list[ResourceDiff]:
        return [r for r in self.resources if r.action in {"delete", "replace"} or r.warnings]


# ------------------------------------------------------------------------------------------ pure logic


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by input path (`clone.customize.networkInterfaces[0].ipv4Address`); empty containers
    are leaves so that setting or clearing them shows."""
    if isinstance(value, dict) and value and "$ref" not in value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


_under = under  # one rule for input paths (components/vio_day2.py): `[]` in a rule matches any index


def replace_rules(typ: str) -> tuple[str, ...]:
    return tuple(REPLACE_ON_CHANGE.get(typ, ())) + tuple(REPLACE_NESTED.get(typ, ()))


def _replaces(typ: str, path: str) -> bool:
    if any(_under(path, rule) for rule in REPLACE_EXCEPT.get(typ, ())):
        return False
    return any(_under(path, rule) for rule in replace_rules(typ))


def input_changes(typ: str, before: Mapping[str, Any], after: Mapping[str, Any],
                  ignore_changes: Iterable[str] = ()) -> list[Change]:
    """Leaf-by-leaf differences of two input sets, each marked replacing / ignored / disruptive."""
    old, new = flatten(dict(before)), flatten(dict(after))
    ignored = list(ignore_changes)
    disruptive = DISRUPTIVE_IN_PLACE.get(typ, {})
    changes = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, _UNSET), new.get(path, _UNSET)
        if a == b:
            continue
        change = Change(path, a, b)
        if any(_under(path, rule) for rule in ignored):
            change.ignored = True
            change.note = "ignored (ignoreChanges): not applied"
        elif _replaces(typ, path):
            change.replaces = True
            change.note = "forces replacement"
        else:
            change.note = next((why for key, why in disruptive.items() if _under(path, key)), "")
        changes.append(change)
    return changes


class _Unset:
    def __repr__(self) -> str:
        return "(unset)"


_UNSET = _Unset()


def similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """0..1: how alike two input sets are. Equal leaves count 1, look-alike strings (a renamed prefix in a
    hostname, an ID derived from a name) count half, so a renamed resource still resembles its old self."""
    fa, fb = flatten(dict(a)), flatten(dict(b))
    keys = set(fa) | set(fb)
    if not keys:
        return 1.0
    score = 0.0
    for key in keys:
        x, y = fa.get(key, _UNSET), fb.get(key, _UNSET)
        if x == y:
            score += 1
        elif isinstance(x, str) and isinstance(y, str) and difflib.SequenceMatcher(None, x, y).ratio() >= 0.6:
            score += 0.5
    return score / len(keys)


def rename_score(removed: Mapping[str, Any], added: Mapping[str, Any],
                 renamed: Mapping[str, str] | None = None) -> float:
    """How likely `added` is `removed` under a new logical name (0..1); pairs need `RENAME_THRESHOLD`.

    Three kinds of evidence: equal inputs; look-alike logical names (the stable key survives a prefix
    change, and among replicas picks the right twin: `db-0` pairs with `db-0`, not `db-1`); and the same
    dependencies once already-paired renames are mapped (`renamed`: old URN -> new URN), which is what
    identifies a resource whose inputs are all IDs of other renamed resources.
    """
    inputs = similarity(removed.get("inputs") or {}, added.get("inputs") or {})
    name = difflib.SequenceMatcher(None, removed["name"], added["name"]).ratio()
    if inputs >= RENAME_THRESHOLD:
        return 0.6 * inputs + 0.4 * name
    same_shape = set(flatten(dict(removed.get("inputs") or {}))) == set(flatten(dict(added.get("inputs") or {})))
    old_deps = {(renamed or {}).get(d, d) for d in removed.get("dependencies") or []}
    new_deps = set(added.get("dependencies") or [])
    if not same_shape or not old_deps or old_deps != new_deps:
        return 0.0
    return 0.3 * inputs + 0.3 * name + 0.4


def _parent_type(res: Mapping[str, Any]) -> str:
    return urn_type(res.get("parent") or "")


def _provider(res: Mapping[str, Any]) -> str:
    return res.get("providerUrn") or res.get("provider") or ""


def _aliased_to(added: Mapping[str, Any], removed: Mapping[str, Any]) -> bool:
    aliases = set(added.get("aliases") or [])
    return removed["urn"] in aliases or removed["name"] in aliases


def _update(old: Mapping[str, Any], new: Mapping[str, Any], action: str = "update") -> ResourceDiff | None:
    diff = ResourceDiff(action, new["type"], new["name"], new["urn"])
    if action == "rename":
        diff.old_name = old["name"]
    diff.changes = input_changes(new["type"], old.get("inputs") or {}, new.get("inputs") or {},
                                 new.get("ignoreChanges") or [])
    before, after = set(old.get("secretInputs") or []), set(new.get("secretInputs") or [])
    for path in sorted(before - after):
        diff.warnings.append(f"input `{path}` is no longer a secret")
    if _provider(old) != _provider(new):
        diff.changes.append(Change("(provider)", _provider(old), _provider(new), replaces=True,
                                   note="a different provider replaces the resource"))
    if bool(old.get("protect")) != bool(new.get("protect")):
        diff.changes.append(Change("(protect)", bool(old.get("protect")), bool(new.get("protect"))))
    if sorted(old.get("ignoreChanges") or []) != sorted(new.get("ignoreChanges") or []):
        diff.changes.append(Change("(ignoreChanges)", old.get("ignoreChanges") or [],
                                   new.get("ignoreChanges") or []))
    applied = [c for c in diff.changes if not c.ignored]
    if diff.changes and not applied and not diff.warnings:
        diff.action = "ignored"
    if any(c.replaces for c in applied):
        diff.action = "replace"
        if old.get("protect"):
            diff.warnings.append("protected: Pulumi refuses to replace it; unprotect it first or revert")
        diff.warnings += _replacement_order(old, new)
    if not diff.changes and not diff.warnings and action == "update":
        return None
    return diff


def _replacement_order(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """How the replacement runs. Pulumi creates the new object before deleting the old one unless
    deleteBeforeReplace is set; with a fixed NSX id (`nsxId` set and unchanged) the new object would claim
    the id the old one still holds, and the provider's create fails."""
    nsx_id = (new.get("inputs") or {}).get("nsxId")
    same_id = nsx_id not in (None, "", "<computed>") and nsx_id == (old.get("inputs") or {}).get("nsxId")
    if new.get("deleteBeforeReplace"):
        return ["replaced delete-first (deleteBeforeReplace): the old object and what hangs off it are "
                "deleted before the new one is created; traffic through it stops until then"]
    if same_id:
        return [f"create-before-delete under the same fixed nsxId `{nsx_id}`: the new object collides with "
                "the old one's id; set delete_before_replace=True or stop fixing the id"]
    return []


def _dependent_replacements(diffs: list[ResourceDiff], head: Mapping[str, Mapping[str, Any]]) -> list[ResourceDiff]:
    """Resources Pulumi replaces because a resource they hang off is replaced delete-first.

    Before deleting a deleteBeforeReplace resource, Pulumi deletes the dependents whose replace-on-change
    input comes from it (their value is unknown until the new object exists); they are recreated after it.
    Offline the replaced object's outputs (e.g. a fixed-id path) may look unchanged, so this is derived
    from the graph: `propertyDependencies` of a ForceNew input pointing at a replaced resource, or the
    resource option `replaceWith` naming it.
    """
    by_urn = {d.urn: d for d in diffs}
    replaced = [d.urn for d in diffs if d.action == "replace" and (head.get(d.urn) or {}).get("deleteBeforeReplace")]
    added: list[ResourceDiff] = []
    while replaced:
        urn = replaced.pop()
        for res in head.values():
            if res["urn"] in by_urn and by_urn[res["urn"]].action in {"replace", "create", "delete"}:
                continue
            inputs = sorted(k for k, deps in (res.get("propertyDependencies") or {}).items()
                            if urn in deps and _replaces(res["type"], k))
            declared = urn in (res.get("replaceWith") or [])
            if not inputs and not declared:
                continue
            diff = by_urn.get(res["urn"]) or ResourceDiff("replace", res["type"], res["name"], res["urn"])
            diff.action = "replace"
            why = f"its input `{inputs[0]}` comes from it" if inputs else "declared with replace_with"
            diff.warnings.append(f"replaced with `{head[urn]['name']}`: {why} (deleted before it, recreated after)")
            if res["urn"] not in by_urn:
                added.append(diff)
                by_urn[res["urn"]] = diff
            if res.get("deleteBeforeReplace"):
                replaced.append(res["urn"])
    return added


def diff_plans(base: Mapping[str, Any], head: Mapping[str, Any]) -> PlanDiff:
    """What applying `head` to a stack deployed from `base` does, resource by resource."""
    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in head["resources"]}
    out: list[ResourceDiff] = []
    for urn in sorted(set(old) & set(new)):
        diff = _update(old[urn], new[urn])
        if diff is not None:
            out.append(diff)

    removed = [old[u] for u in sorted(set(old) - set(new))]
    added = [new[u] for u in sorted(set(new) - set(old))]

    # An alias makes Pulumi treat the new name as the old resource: an update, not destroy + create.
    for a in list(added):
        match = next((r for r in removed if r["type"] == a["type"] and _aliased_to(a, r)), None)
        if match is not None:
            removed.remove(match)
            added.remove(a)
            out.append(_update(match, a, "rename") or ResourceDiff("rename", a["type"], a["name"], a["urn"],
                                                                  old_name=match["name"]))

    # Without one, a rename is a delete and a create; pair them up to say so.
    # Pairs found in one round are evidence for the next (their dependants now have matching dependencies).
    renamed: dict[str, str] = {}
    for _ in range(8):
        pairs = []
        for r in removed:
            for a in added:
                if r["urn"] in renamed or a["urn"] in renamed.values():
                    continue
                if r["type"] != a["type"] or _parent_type(r) != _parent_type(a):
                    continue
                score = rename_score(r, a, renamed)
                if score >= RENAME_THRESHOLD:
                    pairs.append((score, r["urn"], a["urn"]))
        if not pairs:
            break
        for _, r_urn, a_urn in sorted(pairs, reverse=True):
            if r_urn not in renamed and a_urn not in renamed.values():
                renamed[r_urn] = a_urn
    renamed_to = {a: r for r, a in renamed.items()}

    for r in removed:
        diff = ResourceDiff("delete", r["type"], r["name"], r["urn"])
        if r.get("protect"):
            diff.warnings.append("protected: Pulumi refuses to delete it and the update fails here")
        if r["urn"] in renamed:
            diff.warnings.append(
                f"renamed to `{new[renamed[r['urn']]]['name']}` without an alias: destroy + create; "
                f"add an alias (`aliases=[pulumi.Alias(name=\"{r['name']}\")]`)"
            )
        out.append(diff)
    for a in added:
        diff = ResourceDiff("create", a["type"], a["name"], a["urn"])
        if a["urn"] in renamed_to:
            was = old[renamed_to[a["urn"]]]["name"]
            diff.old_name = was
            diff.warnings.append(f"renamed from `{was}` without an alias: destroy + create; add an alias "
                                 f"(`aliases=[pulumi.Alias(name=\"{was}\")]`)")
        out.append(diff)

    out += _dependent_replacements(out, new)

    order = {"delete": 0, "replace": 1, "create": 2, "rename": 3, "update": 4, "ignored": 5}
    out.sort(key=lambda d: (order[d.action], d.type, d.name))
    return PlanDiff(out, output_changes(base.get("outputs") or {}, head.get("outputs") or {}),
                    str(base.get("stack", "")), str(head.get("stack", "")))


def output_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    return [
        Change(key, before.get(key, _UNSET), after.get(key, _UNSET))
        for key in sorted(set(before) | set(after))
        if before.get(key, _UNSET) != after.get(key, _UNSET)
    ]


# ---------------------------------------------------------------------------------------------- output


def _show(value: Any, limit: int = 70) -> str:
    if value is _UNSET:
        return "(unset)"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short(typ: str) -> str:
    return typ.split(":")[-1] if typ.count(":") >= 2 else typ


SYMBOL = {"create": "+", "delete": "-", "update": "~", "replace": "+-", "rename": "~>", "ignored": "="}


def summary(diff: PlanDiff) -> str:
    counts = {a: len(diff.by_action(a)) for a in ("create", "update", "replace", "delete", "rename")}
    counts["ignore (ignoreChanges)"] = len(diff.by_action("ignored"))
    parts = [f"{n} to {a}" for a, n in counts.items() if n]
    flagged = sum(1 for r in diff.resources if r.warnings)
    text = ", ".join(parts) or "no resource changes"
    if diff.outputs:
        text += f"; {len(diff.outputs)} output(s) changed"
    if flagged:
        text += f"; {flagged} flagged"
    return text


def render_text(diff: PlanDiff) -> str:
    lines = critical_lines(diff)
    lines.append(f"Plan diff {diff.base_stack or 'base'} -> {diff.head_stack or 'head'}: {summary(diff)}")
    for res in diff.resources:
        renamed = f" (was {res.old_name})" if res.old_name else ""
        lines.append(f"{SYMBOL[res.action]:>2} {_short(res.type)} {res.name}{renamed}  [{res.action}]")
        for warning in res.warnings:
            lines.append(f"     !! {warning}")
        for c in res.changes:
            flag = f"  <- {c.note}" if c.note else ""
            lines.append(f"     {c.path}: {_show(c.before)} => {_show(c.after)}{flag}")
    if diff.outputs:
        lines.append("Outputs:")
        for c in diff.outputs:
            lines.append(f"   ~ {c.path}: {_show(c.before)} => {_show(c.after)}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: PlanDiff) -> str:
    title = f"### Offline plan diff `{diff.head_stack or 'head'}`" if diff.head_stack == diff.base_stack \
        else f"### Offline plan diff `{diff.base_stack}` -> `{diff.head_stack}`"
    out = [title, ""]
    crit = critical_lines(diff)
    if crit:
        out += ["#### :rotating_light: Rebuilds VIO", ""] + [f"- {_cell(line.removeprefix('!!! '))}" for line in crit] + [""]
    out += [f"**{summary(diff)}** (evaluated under mocks: no credentials, no state)", ""]
    if diff.empty:
        out.append("No changes.")
        return "\n".join(out) + "\n"
    flagged = [r for r in diff.resources if r.warnings or r.action in {"replace", "delete"}]
    if flagged:
        out += ["#### :warning: Destructive or flagged", "", "| | Resource | Why |", "|---|---|---|"]
        for r in flagged:
            why = "; ".join(r.warnings) or ", ".join(
                f"`{c.path}` {c.note}" for c in r.changes if c.replaces and not c.ignored) or r.action
            out.append(f"| `{SYMBOL[r.action]}` | {_short(r.type)} `{r.name}` | {_cell(why)} |")
        out.append("")
    out += ["| | Type | Name | Changes |", "|---|---|---|---|"]
    for r in diff.resources:
        applied = [c for c in r.changes if not c.ignored]
        detail = f"{len(applied)} input(s)" if applied else ""
        if r.old_name:
            detail = f"was `{r.old_name}` " + detail
        out.append(f"| `{SYMBOL[r.action]}` | {_short(r.type)} | `{r.name}` | {_cell(detail.strip())} |")
    changed = [r for r in diff.resources if r.changes]
    if changed:
        out += ["", "<details><summary>Input changes</summary>", ""]
        for r in changed:
            out += [f"**{_short(r.type)} `{r.name}`** ({r.action})", "", "| Input | Before | After | Note |",
                    "|---|---|---|---|"]
            for c in r.changes:
                out.append(f"| `{c.path}` | `{_cell(_show(c.before))}` | `{_cell(_show(c.after))}` | "
                           f"{_cell(c.note)} |")
            out.append("")
        out.append("</details>")
    if diff.outputs:
        out += ["", "<details><summary>Stack outputs</summary>", "", "| Output | Before | After |", "|---|---|---|"]
        for c in diff.outputs:
            out.append(f"| `{c.path}` | `{_cell(_show(c.before))}` | `{_cell(_show(c.after))}` |")
        out.append("</details>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan_diff", description=__doc__.split("\n")[0])
    parser.add_argument("base", help="plan of the base branch (python -m offline <stack> --plan)")
    parser.add_argument("head", help="plan of the change")
    parser.add_argument("--markdown", action="store_true", help="GitHub-flavoured Markdown for a PR comment")
    ns = parser.parse_args(argv)
    try:
        base, head = load_plan(ns.base), load_plan(ns.head)
    except PlanError as exc:
        print(f"plan_diff: {exc}", file=sys.stderr)
        return 2
    diff = diff_plans(base, head)
    sys.stdout.write(render_markdown(diff) if ns.markdown else render_text(diff))
    return 0


if __name__ == "__main__":
    sys.exit(main())
