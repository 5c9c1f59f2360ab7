"""VIO 7.x Public API data structures: documented fields, body validation, wire encoding, unknowns.

Used by the dynamic providers (components/vio_provider.py and the modules built on it), by the VIO API
simulator (sim/vio) and by tests.

Sources (VMware Integrated OpenStack API 7.0, developer.broadcom.com/xapis/vmware-integrated-openstack-api):
- data structures: .../latest/data-structures/{cluster, openstack_info, compute, compute_cluster, identity,
  neutron, nsx_backend, nsxv_backend, vcenter, credential, cluster_status, nsx_validation}
- request bodies: .../7.0/api/v2/vcenters/post, .../7.0/api/v2/nsxs/post, .../7.0/api/v2/openstack/name/scal/put

Where those pages are silent the code says so in a comment (look for "DOCS SILENT").

Values not known during preview: the dynamic provider host deserializes check/diff inputs with
`keep_unknowns=True` (pulumi/pulumi sdk/python/lib/pulumi/dynamic/__main__.py, Check and Diff), so an
unknown arrives as a `pulumi.output.Unknown` object (sdk/python/lib/pulumi/runtime/rpc.py
`deserialize_property`: `return Unknown() if settings.is_dry_run() or keep_unknowns else None`). A secret
is deserialized by `deserialize_properties` without `keep_unknowns` (`wrap_rpc_secret(deserialize_property(
props_struct["value"]))`), so an unknown *secret* arrives as a secret wrapper around None. The mocks and
older engines show the sentinel string `UNKNOWN`. `is_unknown` knows all three; `plain` turns a secret
around None into an `Unknown`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown

DOCS = "https://developer.broadcom.com/xapis/vmware-integrated-openstack-api"

#: Pulumi's marker for a value not known during preview (pulumi.runtime.rpc.UNKNOWN); kept literal so the
#: simulator and validation do not import the SDK's runtime.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: Pulumi's wire signature of a secret value (pulumi.runtime.rpc._special_secret_sig), seen by check/diff.
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_SIG_KEY = "4dabf18193072939515e22adb298388d"


def is_unknown(value: Any) -> bool:
    """A value not known yet: the SDK's `Unknown` object or the wire sentinel string."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def has_unknown(value: Any) -> bool:
    """`value` is unknown or holds an unknown anywhere."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_unknown(v) for v in value)
    return False


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

#: The services the scale operation accepts (.../7.0/api/v2/openstack/name/scal/put, path parameter `name`:
#: "supported services: keystone, glance, nova, neutron, cinder, horizon, heat, barbican").
SCALABLE_SERVICES = ("keystone", "glance", "nova", "neutron", "cinder", "horizon", "heat", "barbican")

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

#: The keys that hold credentials, at any depth.
CREDENTIAL_KEYS = frozenset(path.rsplit(".", 1)[-1] for paths in SECRET_FIELDS.values() for path in paths)

_PY_TYPES: dict[str, tuple[type, ...]] = {S: (str,), B: (bool,), INT: (int,), OBJ: (dict,), A: (list, tuple)}


def plain(value: Any) -> Any:
    """`value` without Pulumi's secret wrappers (what check/diff receive), recursively. A secret wrapping
    None is an unknown secret (see the module docstring) and becomes an `Unknown`."""
    if isinstance(value, Mapping):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            inner = value.get("value")
            return Unknown() if inner is None else plain(inner)
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _type_ok(expected: str, value: Any) -> bool:
    if is_unknown(value):
        return True  # known only after apply; checked again at create
    if expected == INT and isinstance(value, bool):
        return False
    if expected == INT and isinstance(value, float) and value.is_integer():
        return True  # protobuf Struct carries every number as a double
    return isinstance(value, _PY_TYPES[expected])


def validate_body(kind: str, body: Mapping[str, Any], *, preview: bool = True) -> list[str]:
    """Problems of `body` against the documented structure `kind` (a FIELDS key), each naming its dotted
    field: a required field missing, a field the page does not document, a wrong JSON type or value.
    `preview`: a credential given as None is a secret not known yet (the SDK deserializes an unknown
    secret to None, also inside a structure whose secretness it pushed up), not a missing field; create
    and update validate with `preview=False`."""
    if kind not in FIELDS:
        raise KeyError(f"unknown VIO data structure {kind!r}; known: {', '.join(sorted(FIELDS))}")
    problems: list[str] = []
    _validate(kind, plain(body), "", problems, preview)
    return problems


def _validate(struct: str, body: Any, prefix: str, problems: list[str], preview: bool = True) -> None:
    where = prefix.rstrip(".") or "body"
    if is_unknown(body):
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
        if preview and key in CREDENTIAL_KEYS and key in body and body[key] is None:
            continue  # an unknown secret
        if key not in body or body[key] is None:
            if field.required:
                problems.append(f"{path}: required by the `{struct}` structure, missing")
            continue
        value = body[key]
        if not _type_ok(field.type, value):
            problems.append(f"{path}: expected {field.type}, got {type(value).__name__} {_show(path, value)}")
            continue
        allowed = ENUMS.get(f"{struct}.{key}")
        if allowed and not is_unknown(value) and value not in allowed:
            problems.append(f"{path}: {value!r} is not one of {', '.join(allowed)}")
        if field.type == OBJ and field.of and not is_unknown(value):
            _validate(field.of, value, f"{path}.", problems, preview)
        elif field.type == A and field.of and not is_unknown(value):
            for i, item in enumerate(value):
                if field.of in FIELDS:
                    _validate(field.of, item, f"{path}[{i}].", problems, preview)
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
        if isinstance(value, str) and value and not is_unknown(value):
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

