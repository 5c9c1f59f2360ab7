"""The platform stack's output contract: what it exports and what other stacks may rely on.

Keys are flat camelCase stack outputs so a consumer reads one with `StackReference.get_output(key)`.
`__main__.py` exports exactly these (a test checks it, and that docs/library-and-contract.md lists them);
`read_platform` is how a consuming stack reads them, failing clearly when a key is missing.

The contract is versioned (semver, `CONTRACT_VERSION`, exported as `contractVersion`): a new key is a minor
release, a removed or re-meant key a major one. `read_platform` compares the platform's major version with
the one this library was built for and says which side to upgrade.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pulumi

#: Version of the output contract below (semver). Bump the minor for an added key, the major for a key
#: removed or changing meaning; record it in CHANGELOG.md.
CONTRACT_VERSION = "1.0.0"
#: The output holding the platform's CONTRACT_VERSION (export_all sets it; consumers check it first).
CONTRACT_VERSION_KEY = "contractVersion"

#: key -> description. Never rename a key silently (consumers break): a removed or renamed key is listed in
#: REMOVED with what replaces it, and the contract table of docs/library-and-contract.md says so.
OUTPUTS: dict[str, str] = {
    CONTRACT_VERSION_KEY: "Semver of this output contract; a consumer built for another major refuses it.",
    "topology": "Management plane topology: `ha` or `compact`.",
    "podLayout": "`two-pod` (collapsed Edge/Resource) or `three-pod`.",
    "managementVcenter": "FQDN of the management vCenter Server.",
    "managementDatacenterId": "Managed object ID of the management datacenter.",
    "managementClusterId": "Managed object ID of the management cluster.",
    "managementDatastoreId": "Managed object ID of the management datastore.",
    "managementResourcePoolId": "Resource pool holding the VIO Manager and the controllers VIO creates.",
    "managementFolderPath": "VM folder holding the VIO Manager.",
    "managementNetworkId": "Port group of the dedicated management network.",
    "apiAccessNetworkId": "Port group of VIO's API access network (public VIP, OpenStack endpoints).",
    "resourceVcenter": "FQDN of the resource vCenter Server.",
    "resourceDatacenterId": "Managed object ID of the resource pod's datacenter.",
    "computeClusterIds": "Tenant compute clusters: {cluster name: managed object ID}; each a compute cluster "
    "of the VIO deployment.",
    "resourceDatastoreIds": "Resource pod datastores: {datastore name: managed object ID}.",
    "edgeClusterId": "three-pod: managed object ID of the separate NSX edge cluster; null in two-pod.",
    "tenantResourcePoolIds": "Tenant resource pools: {compute cluster name: resource pool ID}.",
    "edgeResourcePoolIds": "NSX edge resource pools: {cluster name: resource pool ID}.",
    "resourceFolderPath": "VM folder of VIO in the resource datacenter.",
    "computeManagerId": "NSX compute manager ID of the resource vCenter.",
    "overlayTransportZonePath": "NSX policy path of the default overlay transport zone (tenant networks).",
    "vlanTransportZonePath": "NSX policy path of the VLAN transport zone (uplinks, provider VLANs).",
    "edgeClusterPath": "NSX policy path of the edge cluster hosting the Tier-0 and DHCP.",
    "tier0Path": "NSX policy path of the provider Tier-0 gateway.",
    "tier0Id": "NSX id of the Tier-0 (what OpenStack's external network and VIO's plugin take).",
    "dhcpServerPath": "NSX policy path of the DHCP server profile VIO uses for tenant subnets.",
    "overlayTransportZoneId": "NSX id of the default overlay transport zone (VIO's `nsx_backend.default_overlay_tz`).",
    "vlanTransportZoneId": "NSX id of the VLAN transport zone (VIO's `nsx_backend.default_vlan_tz`).",
    "dhcpServerId": "NSX id of the DHCP server profile (VIO's `nsx_backend.dhcp_profile`).",
    "metadataProxyPath": "NSX policy path of the metadata proxy of VIO's tenant networks.",
    "metadataProxyId": "NSX id of the metadata proxy (VIO's `nsx_backend.metadata_proxy`).",
    "vioVersion": "VIO release the stack targets (`vio.version`, 7.x).",
    "managerIp": "Address of the VIO Manager (and of its Public API). Replaces `omsIp`.",
    "privateVip": "Private VIP of the OpenStack deployment (management network). With `publicVip`, replaces `vip`.",
    "publicVip": "Public VIP of the OpenStack deployment (API access network); `openstack.publicHostname` resolves to it.",
    "publicEndpoint": "Keystone v3 URL of VIO's OpenStack API, from the deployment's reported endpoints "
    "(https://<hostname>:5000/v3).",
    "endpoints": "The deployment's endpoints as VIO reports them: {hostname, private_vip, public_vip}.",
    "nodes": "Plane node addresses by role: {manager: [ip], controller: [ip, ...]} (controllers as VIO reports "
    "them). Replaces `nodeIps`.",
    "services": "OpenStack services of the deployment: [{group, name, desired, ready}] as VIO reports them.",
    "ipPlan": "The resolved IP plan: [{name, role, key, ip}]: the Manager, both VIPs and both VIO ranges.",
    "externalNetworkId": "OpenStack ID of the Tier-0 backed external network (router gateways, FIPs).",
    "externalNetworkName": "Name of the external network (the floating IP pool tenants ask for).",
    "externalSubnetId": "OpenStack ID of the external subnet.",
    "routableAddressScopeId": "Shared address scope of the external subnet: BGP-advertised tenant "
    "subnets are drawn from a pool in it.",
    "flavorIds": "NFV flavors: {flavor name: flavor ID}.",
    "tenantProjectIds": "Tenant projects: {tenant name: Keystone project ID} (selfService ones too).",
    "tenantNetworkIds": "Platform-managed tenant networks: {tenant: {network: ID}}.",
}


#: Keys no longer exported (issue 9: VIO builds its own plane) -> what replaces them.
REMOVED: dict[str, str] = {
    "omsIp": "managerIp",
    "vip": "privateVip and publicVip",
    "nodeIps": "nodes",
}


def export_all(values: Mapping[str, Any]) -> None:
    """Export the contract; refuses keys outside it or missing from it, so the two cannot drift.
    `contractVersion` is the library's own CONTRACT_VERSION, never the caller's."""
    values = {**values, CONTRACT_VERSION_KEY: CONTRACT_VERSION}
    extra = sorted(set(values) - set(OUTPUTS))
    missing = sorted(set(OUTPUTS) - set(values))
    if extra or missing:
        raise ValueError(f"output contract mismatch: not in contract {extra}, not exported {missing}")
    for key in OUTPUTS:
        pulumi.export(key, values[key])


class MissingOutputError(KeyError):
    pass


class ContractVersionError(RuntimeError):
    """The platform stack exports a contract major version this library was not built for."""


def _major(version: str) -> int:
    return int(str(version).split(".", 1)[0])


def check_contract_version(platform_version: Any, stack_name: str) -> str:
    """The platform's contract version if this library can read it (same major); else says what to upgrade.

    A platform without `contractVersion` predates versioning (the 0.1 release): it is older than any major.
    """
    ours = _major(CONTRACT_VERSION)
    if platform_version is None:
        raise ContractVersionError(
            f"platform stack {stack_name!r} exports no {CONTRACT_VERSION_KEY!r} (it predates contract "
            f"versioning); this vio-nfv-components reads contract {CONTRACT_VERSION}: upgrade the platform "
            f"stack (`pulumi up` with vio-nfv >= the release exporting contract {ours}.x)"
        )
    try:
        theirs = _major(platform_version)
    except ValueError:
        raise ContractVersionError(
            f"platform stack {stack_name!r} exports {CONTRACT_VERSION_KEY}={platform_version!r}, not a "
            "semantic version; check the stack name"
        ) from None
    if theirs < ours:
        raise ContractVersionError(
            f"platform stack {stack_name!r} exports output contract {platform_version}, older than the "
            f"{CONTRACT_VERSION} this vio-nfv-components reads: upgrade the platform stack (`pulumi up` "
            f"with a vio-nfv release exporting contract {ours}.x), or pin vio-nfv-components to a release "
            f"for contract {theirs}.x"
        )
    if theirs > ours:
        raise ContractVersionError(
            f"platform stack {stack_name!r} exports output contract {platform_version}, newer than the "
            f"{CONTRACT_VERSION} this vio-nfv-components {_library_version()} reads: upgrade the "
            f"vio-nfv-components library in this tenant stack to a release for contract {theirs}.x"
        )
    return str(platform_version)


def _library_version() -> str:
    from components import __version__

    return __version__


def read_platform(
    ref: pulumi.StackReference, stack_name: str, keys: list[str]
) -> dict[str, pulumi.Output[Any]]:
    """Read `keys` from the platform stack `stack_name` (behind `ref`); a key the platform stack does
    not export fails the consuming program with the key's name instead of a silent None, and a platform
    on another contract major fails first, saying which side to upgrade (`check_contract_version`)."""
    renamed = {k: REMOVED[k] for k in keys if k in REMOVED}
    if renamed:
        raise MissingOutputError(
            "no longer exported by the platform: "
            + ", ".join(f"{k!r} (use {v})" for k, v in sorted(renamed.items()))
        )
    unknown = sorted(set(keys) - set(OUTPUTS))
    if unknown:
        raise MissingOutputError(f"not part of the platform output contract: {unknown}")

    def require(value: Any, key: str) -> Any:
        if value is None:
            raise MissingOutputError(
                f"platform stack {stack_name!r} does not export {key!r}; run `pulumi up` on it with a "
                f"version of vio-nfv that exports {key!r}, or check the stack name"
            )
        return value

    version = ref.get_output(CONTRACT_VERSION_KEY).apply(
        functools.partial(check_contract_version, stack_name=stack_name)
    )

    def checked(values: list[Any], key: str) -> Any:
        return require(values[1], key)

    out: dict[str, pulumi.Output[Any]] = {}
    for key in keys:
        # Every value waits for the version check, so a contract mismatch is the error a consumer sees.
        out[key] = pulumi.Output.all(version, ref.get_output(key)).apply(functools.partial(checked, key=key))
    return out
