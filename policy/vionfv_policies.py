"""vio-nfv policies, enforced on every `pulumi preview`/`up` with `--policy-pack policy/`.

Plain functions over pulumi-policy's argument objects, so tests call them without the CLI. `__main__.py`
wraps them in a mandatory `PolicyPack`.

How each policy sees the program (and what it relies on):
- VIO 7 builds its own plane: the only VM is the VIO Manager (deployed from the OVA, `vapp` properties),
  and the OpenStack deployment is a dynamic resource (`pulumi-python:dynamic/vio:OpenStackDeployment`)
  whose inputs are the Public API's `cluster` body plus `controllers` and `min_ready_replicas`.
- HA is read from that spec: `body.ha_enabled`. An HA deployment must have at least 3 controllers, keep
  at least 2 ready replicas of every service, and name both VIPs in `body.endpoints`.
- Protection is a resource option: pulumi-policy hands it over as `args.opts.protect`.
- Dynamic resources have no explicit provider: they are served by package `pulumi-python`'s default
  provider (pulumi-facts.md), so `explicit-providers` exempts them.
- Secrets: a secret is recognised through pulumi-policy's public API only, as a `pulumi_policy.Secret`
  (or the offline plan's "[secret]" mask, or the engine's raw secret marker). pulumi-policy's Python
  analyzer unwraps secrets before a policy sees the inputs (pulumi/pulumi-policy#241: a policy cannot
  tell a secret from plaintext), and no public option keeps them: `install_secret_markers` is the one
  place that touches an internal (the analyzer's deserializer), for the pulumi-policy version in
  `POLICY_SDK_VERSION` only; on any other version it changes nothing and `__main__.py` runs the
  credentials policy as advisory (tests/test_policy.py fails naming the installed version).
- Replacements: the policy pack sees the inputs the provider's `check` returned (pulumi/pulumi
  pkg/resource/deploy/step_generator.go: `new.Inputs = inputs` after Check, then the analyzers get
  `Properties: inputs`). The VIO providers' check records there, in `pending_replacement`, what would
  replace the object (components/vio_provider.py); `vio-rebuild-intended` fails on it unless the stack
  set `rebuild_intended` (config `vio.rebuildIntended`).
- Values unknown during preview: the analyzer's proxy raises when one is read; the walk over inputs
  skips such a value (it is not plaintext, just not known yet) instead of stopping at the first one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)

VM_TYPE = "vsphere:index/virtualMachine:VirtualMachine"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
DEPLOYMENT_TYPE = "pulumi-python:dynamic/vio:OpenStackDeployment"
#: Resources whose replacement rebuilds VIO (the deployment, and the registrations it runs on).
REBUILD_GUARDED = (
    DEPLOYMENT_TYPE, "pulumi-python:dynamic/vio:NsxBackend", "pulumi-python:dynamic/vio:VcenterRegistration",
)
REBUILD_KEY = "vio-nfv:vio.rebuildIntended"
SECGROUP_RULE_TYPE = "openstack:networking/secGroupRule:SecGroupRule"
SECGROUP_TYPE = "openstack:networking/secGroup:SecGroup"
FW_RULE_TYPE = "openstack:firewall/ruleV2:RuleV2"
LISTENER_TYPE = "openstack:loadbalancer/listener:Listener"
POOL_TYPE = "openstack:loadbalancer/pool:Pool"
MONITOR_TYPE = "openstack:loadbalancer/monitor:Monitor"
ROLE_ASSIGNMENT_TYPE = "openstack:identity/roleAssignment:RoleAssignment"

# What VIO 7's NSX-T Policy plugin and Octavia driver enforce, for stacks that bypass the components. A
# copy of components/vio_enforcement.py (which cites the plugin source of each): the pack runs in its own
# virtualenv without the components; tests/test_policy.py holds the copy equal to the original.
#: Protocols the plugin limits by port (names and numbers as Neutron accepts them).
PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
ICMP_PROTOCOLS = frozenset({"icmp", "1"})
#: vmware_nsxlib/v3/constants.py IPV4_ICMP_STRICT_TYPES: type -> accepted codes.
ICMP_STRICT_TYPES: dict[int, tuple[int, ...]] = {
    0: (0,), 3: tuple(range(16)), 4: (0,), 5: tuple(range(4)), 8: (0,), 9: (0,), 10: (0,), 11: (0, 1),
    12: (0, 1, 2), 13: (0,), 14: (0,), 15: (0,), 16: (0,), 17: (0,), 18: (0,), 33: (0,), 34: (0,),
    35: (0,), 36: (0,),
}
VIO7_LISTENER_PROTOCOLS = ("TCP", "HTTP", "HTTPS")
VIO7_MONITOR_TYPES = ("PING", "TCP", "HTTP", "HTTPS")
VIO7_LB_METHODS = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP")
#: The suffix OpenStackPlatform gives an `admin` grant made on purpose (RoleAssignmentArgs.cloud_admin).
CLOUD_WIDE_SUFFIX = "-admin-cloud-wide"

#: VIO 7.x HA: 3 to 10 controllers (RA 2.2 "VIO sizing"); every service keeps 2 ready replicas.
HA_MIN_CONTROLLERS = 3
HA_MIN_READY_REPLICAS = 2
#: Management-plane ports that must never face the whole internet: SSH, HTTPS/Horizon, Keystone,
#: the VIO Manager (8443), MariaDB/Galera (3306, 4567), RabbitMQ (5671/5672).
MANAGEMENT_PORTS = (22, 443, 3306, 4567, 5000, 5671, 5672, 8443)
WORLD = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
SECRET_MASK = "[secret]"
#: The engine's secret marker in serialized properties (pulumi/pulumi sdk/go/common/resource/sig).
_SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
#: Input names that carry credentials (camelCase as Pulumi sends them, snake_case as written).
CREDENTIAL_NAME = re.compile(
    r"(password|passwd|passphrase|adminpass|secret|token|api_?key|private_?key|credential_?value)$", re.I
)


# -------------------------------------------------------------------------------------------- helpers


def is_secret(value: Any) -> bool:
    return (
        isinstance(value, Secret)
        or value == SECRET_MASK
        or (isinstance(value, Mapping) and value.get(_SECRET_SIG[0]) == _SECRET_SIG[1])
    )


def plain(value: Any) -> Any:
    """The value behind a secret marker (for policies that compare values, not secrecy)."""
    while isinstance(value, Secret):
        value = value.value
    return value


def _get(props: Mapping[str, Any], *path: str) -> Any:
    value: Any = props
    for key in path:
        value = plain(value)
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return plain(value)


def is_manager_vm(props: Mapping[str, Any], name: str) -> bool:
    """The VIO Manager: the VM deployed from the OVA / its template with vApp properties."""
    return _get(props, "vapp") is not None or name.endswith("-manager")


# ------------------------------------------------------------------------------------------- policies


def ha_deployment_spec(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An HA OpenStack deployment (`ha_enabled`) has >= 3 controllers, >= 2 ready replicas per service and
    both VIPs (private on the management network, public on the API access network)."""
    if args.resource_type != DEPLOYMENT_TYPE or _get(args.props, "body", "ha_enabled") is not True:
        return
    controllers = _get(args.props, "controllers")
    if isinstance(controllers, int | float) and controllers < HA_MIN_CONTROLLERS:
        report_violation(
            f"'{args.name}' is ha_enabled with {int(controllers)} controller(s): VIO HA runs 3 to 10. Set "
            "vio.controllers to 3 or more (or topology: compact for one controller without HA).",
            None,
        )
    ready = _get(args.props, "min_ready_replicas")
    if isinstance(ready, int | float) and ready < HA_MIN_READY_REPLICAS:
        report_violation(
            f"'{args.name}' is ha_enabled but accepts {int(ready)} ready replica(s) per service: a single "
            "failure would stop a service. Keep min_ready_replicas at 2 (ManagementPlane's HA default).",
            None,
        )
    for vip in ("private_vip", "public_vip"):
        if not _get(args.props, "body", "endpoints", vip):
            report_violation(
                f"'{args.name}' is ha_enabled without endpoints.{vip}; set managementNetwork.privateVip and "
                "apiAccessNetwork.publicVip",
                None,
            )


def _ports(props: Mapping[str, Any]) -> range | None:
    low, high = _get(props, "portRangeMin"), _get(props, "portRangeMax")
    if low in (None, 0) and high in (None, 0):
        return None  # every port
    low = int(low or 1)
    return range(low, int(high or low) + 1)


def no_open_management_ports(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """No ingress security group rule lets the whole internet (0.0.0.0/0, ::/0, or no remote at all)
    reach a management port."""
    if args.resource_type != SECGROUP_RULE_TYPE:
        return
    props = args.props
    if (_get(props, "direction") or "ingress") != "ingress":
        return
    prefix, group = _get(props, "remoteIpPrefix"), _get(props, "remoteGroupId")
    if group and not prefix:
        return
    if prefix:
        try:
            if ipaddress.ip_network(str(prefix), strict=False) not in WORLD:
                return
        except ValueError:
            return
    protocol = str(_get(props, "protocol") or "any").lower()
    if protocol not in {"any", "tcp", "udp", "6", "17"}:
        return
    ports = _ports(props)
    exposed = [p for p in MANAGEMENT_PORTS if ports is None or p in ports]
    if exposed:
        where = "all ports" if ports is None else f"ports {ports.start}-{ports.stop - 1}"
        report_violation(
            f"security group rule '{args.name}' opens {where} ({protocol}) to {prefix or 'any address'}, "
            f"including management port(s) {exposed}; restrict remoteIpPrefix to the operators' networks "
            "or use remoteGroupId",
            None,
        )


def vio_plane_protected(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The VIO Manager VM and the OpenStack deployment carry `protect`: a `destroy` or a replacement
    must never delete the Manager's inventory or a running cloud by mistake."""
    if args.resource_type == VM_TYPE and is_manager_vm(args.props, args.name):
        what = "the VIO Manager VM"
    elif args.resource_type == DEPLOYMENT_TYPE:
        what = "the OpenStack deployment"
    else:
        return
    if not args.opts.protect:
        report_violation(
            f"'{args.name}' ({what}) is not protected; keep ManagementPlaneArgs.protect on (the default).",
            None,
        )


def explicit_providers(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Nothing runs on a default provider (ambient credentials, maybe the wrong endpoint)."""
    provider = args.provider
    if provider is None or args.resource_type.startswith("pulumi:providers:"):
        return
    if args.resource_type.startswith(DYNAMIC_PREFIX):
        # Exempt: a dynamic resource is always served by package pulumi-python's default provider (there
        # is no explicit provider to pass); its credentials are secret inputs, checked below.
        return
    if "::default" in provider.urn:
        report_violation(
            f"'{args.name}' uses the default provider {provider.urn}; pass the endpoint's explicit provider "
            "(components/providers.py) in opts",
            None,
        )


def vio_rebuild_intended(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A preview that would replace the OpenStack deployment or a VIO registration fails unless the stack
    says the rebuild is intended: a replacement deletes the cloud every tenant runs on."""
    if args.resource_type not in REBUILD_GUARDED:
        return
    pending = _read(args.props, "pending_replacement")
    if pending is _UNKNOWN or not pending:
        return
    if _read(args.props, "rebuild_intended") is True:
        return
    report_violation(
        f"'{args.name}' would be replaced (rebuilding VIO): {'; '.join(str(p) for p in pending)}. Revert the "
        f"change or make it the day-2 way (docs/design.md, \"VIO day 2\"); to rebuild on purpose set {REBUILD_KEY}: "
        "true for that one `up`",
        None,
    )


_UNKNOWN = object()


def _read(container: Any, key: Any) -> Any:
    """container[key], or _UNKNOWN where the analyzer's proxy refuses a value unknown during preview.
    Its exception type (pulumi_policy.proxy.UnknownValueError) is not part of the public API."""
    try:
        return container[key]
    except Exception:  # noqa: BLE001 - only the proxy's unknown-value refusal can happen here
        return _UNKNOWN


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every known leaf; a secret marker is a leaf. Values unknown during preview
    are skipped, not treated as the end of the walk."""
    if is_secret(value):
        yield path, path.rsplit(".", 1)[-1].split("[")[0], value
    elif isinstance(value, Mapping):
        for key in list(value):
            item = _read(value, key)
            if item is not _UNKNOWN:
                yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        for i in range(len(value)):
            item = _read(value, i)
            if item is not _UNKNOWN:
                yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, path.rsplit(".", 1)[-1].split("[")[0], value


def credentials_are_secrets(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Every password/secret/token-like input is a Pulumi secret, never plaintext in state or logs."""
    for path, key, value in _leaves(args.props):
        if not CREDENTIAL_NAME.search(key) or is_secret(value):
            continue
        if isinstance(value, str) and value:
            report_violation(
                f"input '{path}' of '{args.name}' is a credential in plaintext; pass it as a secret "
                "(secret config read with Config.require_secret, or pulumi.Output.secret)",
                None,
            )


def _widened(cidr: Any) -> bool:
    """0.0.0.0/N with N > 0: VIO's plugin applies any prefix of 0.0.0.0 as every address."""
    text = str(cidr or "")
    return text.startswith("0.0.0.0/") and text != "0.0.0.0/0"


def secgroup_rules_as_enforced(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A security group rule means on VIO what it says in Neutron: ports only on tcp/udp (any other
    protocol is opened on every port), ICMP type/code from the plugin's strict list, no 0.0.0.0/N remote."""
    if args.resource_type != SECGROUP_RULE_TYPE:
        return
    props = args.props
    protocol = str(_get(props, "protocol") or "any").lower()
    low, high = _get(props, "portRangeMin"), _get(props, "portRangeMax")
    if protocol in ICMP_PROTOCOLS:
        if low is not None and int(low) not in ICMP_STRICT_TYPES:
            report_violation(f"security group rule '{args.name}': ICMP type {low} is refused by VIO's NSX-T "
                             f"plugin (types {sorted(ICMP_STRICT_TYPES)})", None)
        elif low is not None and high is not None and int(high) not in ICMP_STRICT_TYPES[int(low)]:
            report_violation(f"security group rule '{args.name}': ICMP code {high} is refused by VIO's NSX-T "
                             f"plugin for type {low} (codes {list(ICMP_STRICT_TYPES[int(low)])})", None)
    elif protocol not in PORT_PROTOCOLS and (low not in (None, 0) or high not in (None, 0)):
        report_violation(f"security group rule '{args.name}' limits {protocol} to ports {low}-{high}, but VIO's "
                         f"NSX-T plugin limits only tcp and udp by port: every {protocol} port would be open. "
                         "Remove the port range and limit the rule by its remote", None)
    if _widened(_get(props, "remoteIpPrefix")):
        report_violation(f"security group rule '{args.name}': remote {_get(props, 'remoteIpPrefix')} is applied "
                         "by VIO's NSX-T plugin as any address; use 0.0.0.0/0 if meant, or another prefix", None)


def firewall_rules_as_enforced(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A FWaaS rule means on VIO what it says: no `reject` (the edge firewall drops instead), no
    0.0.0.0/N source or destination (applied as any address)."""
    if args.resource_type != FW_RULE_TYPE:
        return
    if str(_get(args.props, "action") or "").lower() == "reject":
        report_violation(f"firewall rule '{args.name}': VIO's edge firewall turns reject into a silent drop; "
                         "write action deny", None)
    for field in ("sourceIpAddress", "destinationIpAddress"):
        if _widened(_get(args.props, field)):
            report_violation(f"firewall rule '{args.name}': {field} {_get(args.props, field)} is applied by "
                             "VIO as any address; use 0.0.0.0/0 if meant, or another prefix", None)


def octavia_as_supported(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Listener protocols, pool algorithms and monitor types VIO 7's Octavia driver maps (anything else
    is refused by the driver or, for an algorithm, silently replaced by round robin)."""
    checks = {
        LISTENER_TYPE: ("protocol", VIO7_LISTENER_PROTOCOLS, "listener protocol"),
        POOL_TYPE: ("lbMethod", VIO7_LB_METHODS, "pool algorithm"),
        MONITOR_TYPE: ("type", VIO7_MONITOR_TYPES, "health monitor type"),
    }
    if args.resource_type not in checks:
        return
    field, supported, what = checks[args.resource_type]
    value = _get(args.props, field)
    if value is not None and str(value) not in supported:
        report_violation(f"'{args.name}': {what} {value} is not supported by VIO 7's Octavia driver; use "
                         f"{', '.join(supported)}", None)
    codes = _get(args.props, "expectedCodes") if args.resource_type == MONITOR_TYPE else None
    if codes is not None and not all(c.strip().isdigit() for c in str(codes).split(",")):
        report_violation(f"'{args.name}': expected codes {codes!r} must be a comma-separated list for VIO's "
                         "Octavia driver (no ranges)", None)


def egress_as_configured(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """A security group with egress rules of its own deletes Neutron's default allow-all egress rules
    (`deleteDefaultRules`); otherwise its egress rules restrict nothing."""
    groups = {r.urn: r for r in args.resources if r.resource_type == SECGROUP_TYPE}
    for rule in args.resources:
        if rule.resource_type != SECGROUP_RULE_TYPE or _get(rule.props, "direction") != "egress":
            continue
        for dep in (rule.property_dependencies or {}).get("securityGroupId", []):
            group = groups.get(dep.urn)
            if group is not None and _get(group.props, "deleteDefaultRules") is not True:
                report_violation(f"egress rule '{rule.name}' sits beside the default allow-all egress rules of "
                                 f"'{group.name}', so it restricts nothing: set deleteDefaultRules on the group",
                                 group.urn)


def no_tenant_cloud_admin(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """No `admin` grant on a project unless it is marked as cloud-wide on purpose (`...-admin-cloud-wide`):
    under the default policies a project admin administers the whole cloud (context_is_admin = role:admin).
    Roles are looked up by name and the grant carries only their ids, so the role is read from the
    components' grant name `{...}-{role}`."""
    if args.resource_type != ROLE_ASSIGNMENT_TYPE or not _get(args.props, "projectId"):
        return
    if args.name.endswith("-admin") and not args.name.endswith(CLOUD_WIDE_SUFFIX):
        report_violation(f"'{args.name}' grants admin on a project, which administers the whole cloud under "
                         "Neutron's and Nova's default policies; grant member or reader, or mark it "
                         "cloudAdmin: true if meant", None)


def policies(credentials_enforcement: EnforcementLevel | None = None) -> list[Any]:
    """The pack's policies; `credentials_enforcement` overrides the credentials policy's level (see
    `install_secret_markers`)."""
    return [
        ResourceValidationPolicy(
            name="ha-deployment-spec",
            description="An ha_enabled deployment has >= 3 controllers, >= 2 ready replicas and both VIPs.",
            validate=ha_deployment_spec,
        ),
        ResourceValidationPolicy(
            name="no-open-management-ports",
            description="No ingress security group rule opens a management port to 0.0.0.0/0.",
            validate=no_open_management_ports,
        ),
        ResourceValidationPolicy(
            name="vio-plane-protected",
            description="The VIO Manager VM and the OpenStack deployment are protected from deletion.",
            validate=vio_plane_protected,
        ),
        ResourceValidationPolicy(
            name="explicit-providers",
            description="No resource uses a default provider.",
            validate=explicit_providers,
        ),
        ResourceValidationPolicy(
            name="secgroup-rules-as-vio-enforces",
            description="Security group rules: ports only on tcp/udp, ICMP type/code VIO accepts, no 0.0.0.0/N.",
            validate=secgroup_rules_as_enforced,
        ),
        ResourceValidationPolicy(
            name="firewall-rules-as-vio-enforces",
            description="FWaaS rules: no reject (VIO drops), no 0.0.0.0/N source or destination.",
            validate=firewall_rules_as_enforced,
        ),
        ResourceValidationPolicy(
            name="octavia-as-vio-supports",
            description="Listener protocols, algorithms and monitor types VIO 7's Octavia driver supports.",
            validate=octavia_as_supported,
        ),
        StackValidationPolicy(
            name="egress-as-configured",
            description="A security group with its own egress rules deletes the default allow-all egress.",
            validate=egress_as_configured,
        ),
        ResourceValidationPolicy(
            name="no-tenant-cloud-admin",
            description="No admin grant on a project unless marked cloud-wide on purpose.",
            validate=no_tenant_cloud_admin,
        ),
        ResourceValidationPolicy(
            name="vio-rebuild-intended",
            description="No preview replaces the OpenStack deployment or a VIO registration unless "
            "vio.rebuildIntended is set.",
            validate=vio_rebuild_intended,
        ),
        ResourceValidationPolicy(
            name="credentials-are-secrets",
            description="Password-, secret- and token-like inputs are Pulumi secrets.",
            validate=credentials_are_secrets,
            enforcement_level=credentials_enforcement,
        ),
    ]


# ------------------------------------------------------------------------------- secret markers (CLI)
# The only use of pulumi-policy internals in the pack, isolated here and tied to one SDK version.

#: The pulumi-policy release `install_secret_markers` was checked against (policy/requirements.txt pins it):
#: its analyzer deserializes validate-time inputs with `pulumi_policy.policy.deserialize_properties`
#: (pulumi_policy/policy.py, `analyze` / `analyze_stack`), which unwraps secrets.
POLICY_SDK_VERSION = "1.21.0"


def install_secret_markers() -> bool:
    """Make the analyzer hand secret inputs to policies as `pulumi_policy.Secret` instead of the bare value.

    Returns False, changing nothing, unless the installed pulumi-policy is POLICY_SDK_VERSION and its
    analyzer still deserializes through the function replaced here.
    """
    from importlib.metadata import version

    if version("pulumi-policy") != POLICY_SDK_VERSION:
        return False
    from pulumi_policy import policy as analyzer

    original = getattr(analyzer, "deserialize_properties", None)
    if not callable(original):
        return False

    def keep_secret_markers(props: Mapping[str, Any], proxy_secrets: bool = False) -> dict[str, Any]:
        def convert(value: Any) -> Any:
            if isinstance(value, dict):
                if value.get(_SECRET_SIG[0]) == _SECRET_SIG[1]:
                    return Secret(convert(value.get("value")))
                if _SECRET_SIG[0] in value:  # an asset or archive: the stock deserializer handles it
                    return original({"v": value}, proxy_secrets)["v"]
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list):
                return [convert(v) for v in value]
            return value

        return {k: convert(v) for k, v in props.items()}

    analyzer.deserialize_properties = keep_secret_markers
    return True
