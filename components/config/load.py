"""Loading the stack's configuration: one typed model, parsed and validated before any resource exists.

Every key of the `vio-nfv` namespace is read here and nowhere else. Components receive plain, already
valid values (their own frozen Args), never `pulumi.Config`.

Validation runs in two passes so that one `pulumi up` reports every problem at once:
1. shape: each top-level key is parsed on its own (types, ranges, unknown keys), so a typo in one section
   does not hide the problems of another;
2. meaning: cross-field and cross-section rules (addresses inside the management subnet, VIO ranges
   large enough for the topology, overlapping tenant CIDRs, ...) on the sections that parsed.
A `ConfigError` lists each problem with its full config key, e.g.
`vio-nfv:managementNetwork.privateVip: 10.1.0.300 is not an IP address`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import TypeAdapter

from components.config.messages import parse_section
from components.config.model import (
    KNOWN_KEYS,
    SECTIONS,
    TENANT_STACK_CREDENTIAL_KEYS,
    TENANT_STACK_SECTIONS,
    Settings,
)
from components.config.openstack import ExternalNetwork
from components.config.problems import NAMESPACE, TENANT_NAMESPACE, ConfigError, Problem
from components.config.rules.addresses import address_space_problems
from components.config.rules.flavors import flavor_problems
from components.config.rules.names import ambiguous_name_problems, hostname_problems, keyed_items
from components.config.rules.networks import external_problems, network_problems
from components.config.rules.nsx import tier0_problems
from components.config.rules.plane import layout_problems, vio_problems
from components.config.rules.retired import without_retired
from components.config.rules.secrets import CREDENTIAL_KEYS, credential_problems, secret_problems
from components.config.rules.tenants import tenant_problems, tenant_spec_problems
from components.config.tenants import TenantStackSettings
from components.config.vcenters import ResourceVcenter
from components.config.vio import ApiAccessNetwork, ManagementNetwork, Vio


def _is_text(kind: Any) -> bool:
    try:
        return TypeAdapter(kind).json_schema().get("type") == "string"
    except Exception:  # noqa: BLE001 - a kind without a JSON schema is not text
        return False


def _whole_config_problems(values: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    """The passes over the whole config: address spaces, logical-name ambiguity, host name lengths."""
    reported = {p.key for p in problems}
    return (
        address_space_problems(values, reported)
        + ambiguous_name_problems(keyed_items(values))
        + hostname_problems(values)
    )


# ------------------------------------------------------------------------------------------- public


def _shapes(
    raw: Mapping[str, Any],
    sections: Iterable[tuple[str, str, Any, bool]],
    credential_keys: Iterable[str],
    present_credentials: Iterable[str],
    unknown_hint: str,
    namespace: str = NAMESPACE,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """The shape pass shared by the platform and tenant stacks: missing, plain-text, empty or malformed
    secrets, unknown keys, and each section parsed on its own. Returns the sections that parsed (by
    attribute) and the problems."""
    problems: list[Problem] = []
    present = set(present_credentials)
    credential_keys = tuple(credential_keys)
    for key in credential_keys:
        if key not in present:
            problems.append(
                Problem(key, f"is required; set it with `pulumi config set --secret {namespace}:{key} ...`")
            )
    problems += credential_problems(credential_keys, plaintext_credentials, credential_values, namespace)
    sections = tuple(sections)
    known = {k for k, *_ in sections} | set(credential_keys)
    for key in sorted(set(raw) - known):
        problems.append(Problem(key, unknown_hint))
    values: dict[str, Any] = {}
    for key, attr, kind, required in sections:
        if key not in raw or raw[key] is None:
            if required:
                problems.append(Problem(key, "is required"))
            continue
        parsed = parse_section(key, kind, raw[key], problems)
        if parsed is not None:
            values[attr] = parsed
    return values, problems


def _read(
    config: pulumi.Config, section_keys: Iterable[str], known: Iterable[str], namespace: str = NAMESPACE
) -> dict[str, Any]:
    """Raw values of the namespace: the known sections (objects decoded) and any unknown key, so that a
    misspelt key is reported instead of silently falling back to a default."""
    raw: dict[str, Any] = {key: config.get(key) for key in _namespace_keys(namespace) - set(known)}
    for key in section_keys:
        if key in _TEXT_KEYS:
            # A top-level scalar reaches the program as text (Pulumi config values are strings; only
            # objects are JSON): `namePrefix: 123` and `namePrefix: "123"` are both the name "123", which
            # a JSON decode would turn into the integer 123.
            value: Any = config.get(key)
        else:
            try:
                value = config.get_object(key)
            except Exception:  # noqa: BLE001 - a scalar key set without JSON quoting
                value = config.get(key)
        if value is not None:
            raw[key] = value
    return raw


def parse(
    raw: Mapping[str, Any],
    present_credentials: Iterable[str] = CREDENTIAL_KEYS,
    secret_lengths: Mapping[str, int] | None = None,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> Settings:
    """Validate plain config values (keys without the namespace, objects already decoded).

    `present_credentials` names the secret keys that are set; the missing ones are reported.
    `plaintext_credentials` names those set in plain text rather than as secrets; `credential_values`
    gives the values the program received (checked for emptiness and format, never shown).
    `secret_lengths` gives the length of secrets that have a length rule (never their values).
    Raises `ConfigError` listing every problem.
    """
    raw, retired = without_retired(raw)
    values, problems = _shapes(
        raw, SECTIONS, CREDENTIAL_KEYS, present_credentials,
        "unknown key; check its spelling against docs/configuration.md",
        plaintext_credentials=plaintext_credentials, credential_values=credential_values,
    )
    problems = retired + problems + secret_problems(secret_lengths or {})

    topology = values.get("topology", "ha")
    resource: ResourceVcenter | None = values.get("resource_vcenter")
    network: ManagementNetwork | None = values.get("management_network")
    api_access: ApiAccessNetwork | None = values.get("api_access_network")
    vio: Vio | None = values.get("vio")
    if resource is not None:
        problems += layout_problems(values.get("pod_layout", "two-pod"), resource)
    if vio is not None:
        problems += vio_problems(vio, topology)
    if network is not None:
        problems += network_problems(network, api_access, topology, vio.controllers if vio else None)
    external: ExternalNetwork | None = values.get("external_network")
    if external is not None:
        problems += external_problems(external)
    if "tenants" in values:
        # An externalNetwork that failed to parse is reported already; do not add "needs externalNetwork".
        known = external is not None or raw.get("externalNetwork") is None
        problems += tenant_problems(values["tenants"], external, known, vio.version if vio else None)
    problems += flavor_problems(values.get("flavors", []))
    if "nsx" in values:
        problems += tier0_problems(values["nsx"].tier0)
    problems += _whole_config_problems(values, problems)

    if problems:
        raise ConfigError(problems)
    return Settings.model_validate(values)


def is_secret_key(full_key: str) -> bool:
    """Whether the engine marks `vio-nfv:<key>` secret, i.e. it was written as `secure:`.

    Under the Pulumi CLI the program only sees decrypted values: the language host passes the config in
    PULUMI_CONFIG and the names of the secret ones in PULUMI_CONFIG_SECRET_KEYS
    (pulumi/pulumi: sdk/python/cmd/pulumi-language-python/main.go), read by
    `pulumi.runtime.config.get_config_secret_keys_env`; an in-process runtime (automation API, mocks, the
    offline evaluator) passes them to `set_all_config(config, secret_keys)` instead, read by
    `is_config_secret`. Both are consulted.
    """
    from pulumi.runtime import config as runtime_config

    return runtime_config.is_config_secret(full_key) or full_key in runtime_config.get_config_secret_keys_env()


def _credentials(config: pulumi.Config, keys: Iterable[str]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(set keys, keys set in plain text, values as the program received them) for credential keys."""
    present: list[str] = []
    plaintext: list[str] = []
    values: dict[str, Any] = {}
    for key in keys:
        value = config.get(key)
        if value is None:
            continue
        present.append(key)
        values[key] = value
        if not is_secret_key(config.full_key(key)):
            plaintext.append(key)
    return present, plaintext, values


def _secret_lengths(keys: Iterable[str]) -> dict[str, int]:
    """Lengths of secret values read straight from the runtime config (no Output, no warning, no copy kept)."""
    from pulumi.runtime import config as runtime_config

    lengths = {}
    for key in keys:
        value = runtime_config.get_config(f"{NAMESPACE}:{key}")
        if value is not None:
            lengths[key] = len(value)
    return lengths


def _namespace_keys(namespace: str = NAMESPACE) -> set[str]:
    from pulumi.runtime import config as runtime_config

    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    prefix = f"{namespace}:"
    return {k[len(prefix) :] for k in keys if k.startswith(prefix)}


@dataclass(frozen=True)
class Credentials:
    """Secret inputs, only ever as secret Outputs; nothing here is printed or exported."""

    management_vcenter_password: pulumi.Output[str]
    resource_vcenter_password: pulumi.Output[str]
    resource_vcenter_thumbprint: pulumi.Output[str]
    nsx_password: pulumi.Output[str]
    openstack_password: pulumi.Output[str]
    bgp_neighbor_password: pulumi.Output[str]
    manager_admin_password: pulumi.Output[str]
    nsx_metadata_proxy_secret: pulumi.Output[str]


def load(config: pulumi.Config | None = None) -> tuple[Settings, Credentials]:
    """Read and validate the `vio-nfv` namespace of the current stack."""
    config = config or pulumi.Config(NAMESPACE)
    raw = _read(config, (k for k, *_ in SECTIONS), KNOWN_KEYS)
    present, plaintext, values = _credentials(config, CREDENTIAL_KEYS)
    settings = parse(raw, present, _secret_lengths(("bgpNeighborPassword",)),
                     plaintext_credentials=plaintext, credential_values=values)
    secrets = {k: config.require_secret(k) for k in CREDENTIAL_KEYS}
    return settings, Credentials(
        management_vcenter_password=secrets["managementVcenterPassword"],
        resource_vcenter_password=secrets["resourceVcenterPassword"],
        resource_vcenter_thumbprint=secrets["resourceVcenterThumbprint"],
        nsx_password=secrets["nsxPassword"],
        openstack_password=secrets["openstackPassword"],
        bgp_neighbor_password=secrets["bgpNeighborPassword"],
        manager_admin_password=secrets["managerAdminPassword"],
        nsx_metadata_proxy_secret=secrets["nsxMetadataProxySecret"],
    )


#: Keys of a tenant's own stack (examples/tenant-stack), in its own namespace TENANT_NAMESPACE.


#: Top-level keys whose value is text (names, enums): read as the string the engine passes.
_TEXT_KEYS: frozenset[str] = frozenset(
    k for k, _, kind, _ in (*SECTIONS, *TENANT_STACK_SECTIONS) if _is_text(kind)
)


def parse_tenant_stack(
    raw: Mapping[str, Any],
    present_credentials: Iterable[str] = TENANT_STACK_CREDENTIAL_KEYS,
    *,
    plaintext_credentials: Iterable[str] = (),
    credential_values: Mapping[str, Any] | None = None,
) -> TenantStackSettings:
    """Validate a tenant stack's config (the tenant spec gets the same rules as in the platform)."""
    raw, retired = without_retired(raw)
    values, problems = _shapes(
        raw, TENANT_STACK_SECTIONS, TENANT_STACK_CREDENTIAL_KEYS, present_credentials,
        "unknown key; a tenant stack takes platformStack, tenant, tenantOpenstack", TENANT_NAMESPACE,
        plaintext_credentials=plaintext_credentials, credential_values=credential_values,
    )
    problems = retired + problems
    if "tenant" in values:
        problems += tenant_spec_problems("tenant", values["tenant"], None, external_known=False)
    problems += _whole_config_problems(values, problems)
    if problems:
        raise ConfigError(dataclasses.replace(p, namespace=TENANT_NAMESPACE) for p in problems)
    return TenantStackSettings.model_validate(values)


def load_tenant_stack(config: pulumi.Config | None = None) -> tuple[TenantStackSettings, pulumi.Output[str]]:
    """Read and validate a tenant stack's config; returns the settings and the tenant's secret password."""
    config = config or pulumi.Config(TENANT_NAMESPACE)
    known = {k for k, *_ in TENANT_STACK_SECTIONS} | set(TENANT_STACK_CREDENTIAL_KEYS)
    raw = _read(config, (k for k, *_ in TENANT_STACK_SECTIONS), known, TENANT_NAMESPACE)
    present, plaintext, values = _credentials(config, TENANT_STACK_CREDENTIAL_KEYS)
    settings = parse_tenant_stack(raw, present, plaintext_credentials=plaintext, credential_values=values)
    return settings, config.require_secret("tenantOpenstackPassword")
