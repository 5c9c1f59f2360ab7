"""The policy pack: each policy passes a compliant resource/stack and catches a violating one, the pack
loads, secret markers survive the analyzer's deserialisation, and the real prod and dev programs
(evaluated offline) violate nothing."""

from __future__ import annotations

import copy
import dataclasses
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)

from offline.evaluate import SECRET_MASK, Evaluation, Registration

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "policy"))  # as the Pulumi CLI runs the pack: from its own directory
import vionfv_policies as vp  # noqa: E402

STACK = "urn:pulumi:prod::vio-nfv::pulumi:pulumi:Stack::vio-nfv-prod"
PROVIDER = PolicyProviderResource(
    "pulumi:providers:vsphere", {}, "urn:pulumi:prod::vio-nfv::pulumi:providers:vsphere::management-vcenter",
    "management-vcenter",
)


# ------------------------------------------------------------------------- adapting to policy arguments


def _opts(protect: bool = False, ignore: list[str] | None = None, aliases: list[str] | None = None,
          parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, ignore or [], False, aliases or [], PolicyCustomTimeouts(0, 0, 0), [],
                                 parent)


def _props(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The offline plan's masked secrets become the markers the analyzer keeps (install_secret_markers)."""

    def convert(value: Any) -> Any:
        if value == SECRET_MASK:
            return Secret(SECRET_MASK)
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return convert(dict(inputs))


def _provider(reg: Registration) -> PolicyProviderResource | None:
    if not reg.provider:
        return None
    urn = reg.provider.rsplit("::", 1)[0]
    return PolicyProviderResource(urn.split("::")[-2].split("$")[-1], {}, urn, urn.split("::")[-1])


def resource_args(reg: Registration) -> ResourceValidationArgs:
    return ResourceValidationArgs(reg.type, _props(reg.inputs), reg.urn, reg.name,
                                  _opts(reg.protect, reg.ignore_changes, reg.aliases, reg.parent), _provider(reg))


def stack_args(evaluation: Evaluation) -> StackValidationArgs:
    """What AnalyzeStack builds: resources linked to their parent, dependencies and property dependencies."""
    by_urn = {
        r.urn: PolicyResource(r.type, _props(r.inputs), r.urn, r.name,
                              _opts(r.protect, r.ignore_changes, r.aliases, r.parent), _provider(r), None, [], {})
        for r in evaluation.resources
    }
    for r in evaluation.resources:
        res = by_urn[r.urn]
        res.parent = by_urn.get(r.parent)
        res.dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
        res.property_dependencies = {k: [by_urn[d] for d in v if d in by_urn]
                                     for k, v in r.property_dependencies.items()}
    return StackValidationArgs(list(by_urn.values()))


def run_policy(policy: Any, args: Any) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    policy.validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


def violations(evaluation: Evaluation) -> list[str]:
    out = []
    for policy in vp.policies():
        if isinstance(policy, StackValidationPolicy):
            out += [f"{policy.name}: {m}" for m, _ in run_policy(policy, stack_args(evaluation))]
        else:
            for reg in evaluation.resources:
                out += [f"{policy.name}: {m}" for m, _ in run_policy(policy, resource_args(reg))]
    return out


# --------------------------------------------------------------------------------- synthetic resources


def _deployment(ha: bool = True, controllers: int = 3, ready: int = 2, vips: tuple[str, ...] = ("private_vip", "public_vip")
                ) -> dict[str, Any]:
    endpoints = {"hostname": "vio.example", **{v: "10.0.0.1" for v in vips}}
    return {"body": {"ha_enabled": ha, "endpoints": endpoints, "name": "vio"}, "controllers": controllers,
            "min_ready_replicas": ready}


def _stack_violations(fn: Callable[..., Any], resources: list[PolicyResource]) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    fn(StackValidationArgs(resources), lambda m, urn=None: found.append((m, urn)))
    return found


def _resource_violations(fn: Callable[..., Any], typ: str, props: Mapping[str, Any], *, protect: bool = False,
                         provider: PolicyProviderResource | None = PROVIDER, name: str = "r") -> list[str]:
    found: list[str] = []
    args = ResourceValidationArgs(typ, props, f"urn:x::{name}", name, _opts(protect), provider)
    fn(args, lambda m, urn=None: found.append(m))
    return found


# --------------------------------------------------------------------------------------------- tests


def test_ha_deployment_spec_passes_three_controllers_two_replicas_and_both_vips() -> None:
    assert _resource_violations(vp.ha_deployment_spec, vp.DEPLOYMENT_TYPE, _deployment()) == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (_deployment(controllers=2), "with 2 controller(s)"),
        (_deployment(ready=1), "accepts 1 ready replica(s)"),
        (_deployment(vips=("private_vip",)), "without endpoints.public_vip"),
        (_deployment(vips=("public_vip",)), "without endpoints.private_vip"),
    ],
)
def test_ha_deployment_spec_reports_what_breaks_ha(spec: dict[str, Any], words: str) -> None:
    found = _resource_violations(vp.ha_deployment_spec, vp.DEPLOYMENT_TYPE, spec, name="vio-plane-deployment")
    assert len(found) == 1 and words in found[0], found


def test_ha_rules_do_not_apply_to_a_compact_deployment() -> None:
    compact = _deployment(ha=False, controllers=1, ready=1, vips=())
    assert _resource_violations(vp.ha_deployment_spec, vp.DEPLOYMENT_TYPE, compact) == []


@pytest.mark.parametrize(("typ", "props", "name"), [
    (vp.VM_TYPE, {"vapp": {"properties": {}}}, "p-manager"),
    (vp.DEPLOYMENT_TYPE, _deployment(), "p-deployment"),
])
@pytest.mark.parametrize("protect", [True, False])
def test_manager_vm_and_deployment_must_be_protected(typ: str, props: dict[str, Any], name: str, protect: bool) -> None:
    found = _resource_violations(vp.vio_plane_protected, typ, props, protect=protect, name=name)
    assert (found == []) is protect


def test_other_vms_are_not_held_to_the_plane_protection_rule() -> None:
    assert _resource_violations(vp.vio_plane_protected, vp.VM_TYPE, {"name": "jumphost"}, name="jump") == []


def test_dynamic_resources_are_exempt_from_the_explicit_provider_rule() -> None:
    default = PolicyProviderResource("pulumi:providers:pulumi-python", {},
                                     "urn:pulumi:prod::vio-nfv::pulumi:providers:pulumi-python::default",
                                     "default")
    assert _resource_violations(vp.explicit_providers, vp.DEPLOYMENT_TYPE, {}, provider=default) == []


def test_credentials_inside_an_api_body_must_be_secret() -> None:
    props = {"body": {"nsx_api_password": "hunter2", "metadata_proxy_shared_secret": Secret("x"), "insecure": False}}
    found = _resource_violations(vp.credentials_are_secrets, "pulumi-python:dynamic/vio:NsxBackend", props)
    assert [m.split("'")[1] for m in found] == ["body.nsx_api_password"]


def _rule_props(**extra: Any) -> dict[str, Any]:
    return {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", **extra}


@pytest.mark.parametrize(
    "props",
    [
        _rule_props(portRangeMin=22, portRangeMax=22, remoteIpPrefix="0.0.0.0/0"),
        _rule_props(portRangeMin=5000, portRangeMax=5001, remoteIpPrefix="::/0", ethertype="IPv6"),
        _rule_props(portRangeMin=1, portRangeMax=65535, remoteIpPrefix="0.0.0.0/0"),
        {"direction": "ingress", "remoteIpPrefix": "0.0.0.0/0"},  # every protocol, every port
        _rule_props(portRangeMin=443, portRangeMax=443),  # no remote at all means anyone
        _rule_props(portRangeMin=3306, portRangeMax=3306, remoteIpPrefix=Secret("0.0.0.0/0")),
    ],
)
def test_open_management_port_is_reported(props: dict[str, Any]) -> None:
    found = _resource_violations(vp.no_open_management_ports, vp.SECGROUP_RULE_TYPE, props)
    assert len(found) == 1 and "management port" in found[0]


@pytest.mark.parametrize(
    "props",
    [
        _rule_props(portRangeMin=5060, portRangeMax=5061, remoteIpPrefix="0.0.0.0/0"),  # SIP to the world: fine
        _rule_props(portRangeMin=22, portRangeMax=22, remoteIpPrefix="10.0.0.0/8"),
        _rule_props(portRangeMin=22, portRangeMax=22, remoteGroupId="sg-1"),
        _rule_props(direction="egress", remoteIpPrefix="0.0.0.0/0"),
        {"direction": "ingress", "protocol": "icmp", "remoteIpPrefix": "0.0.0.0/0"},
    ],
)
def test_restricted_or_non_management_rules_pass(props: dict[str, Any]) -> None:
    assert _resource_violations(vp.no_open_management_ports, vp.SECGROUP_RULE_TYPE, props) == []


def test_default_provider_is_reported_and_explicit_one_passes() -> None:
    default = PolicyProviderResource("pulumi:providers:vsphere", {},
                                     "urn:pulumi:prod::vio-nfv::pulumi:providers:vsphere::default_4_18_2",
                                     "default_4_18_2")
    assert _resource_violations(vp.explicit_providers, "vsphere:index/folder:Folder", {}, provider=default)
    assert _resource_violations(vp.explicit_providers, "vsphere:index/folder:Folder", {}) == []


@pytest.mark.parametrize("secret", [Secret("s3cr3t"), SECRET_MASK,
                                    {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                                     "value": "s3cr3t"}])
def test_secret_credentials_pass(secret: Any) -> None:
    props = {"password": secret, "credential": {"usernamePasswordLogin": {"password": secret, "username": "u"}}}
    assert _resource_violations(vp.credentials_are_secrets, "nsxt:index/computeManager:ComputeManager", props) == []


def test_plaintext_credentials_are_reported_with_their_path() -> None:
    props = {"user": "admin", "password": "hunter2",
             "credential": {"usernamePasswordLogin": {"password": "hunter2"}}, "tags": [{"apiKey": "k"}]}
    found = _resource_violations(vp.credentials_are_secrets, "pulumi:providers:nsxt", props)
    assert [m.split("'")[1] for m in found] == ["password", "credential.usernamePasswordLogin.password",
                                               "tags[0].apiKey"]
    assert all("hunter2" not in m for m in found)


def test_unknown_preview_values_are_skipped_and_the_walk_goes_on() -> None:
    # What the analyzer hands a policy during preview: inputs behind its unknown-checking proxy, which
    # raises when an unknown value (here the password, and a list item) is read.
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

    props = unknown_checking_proxy({"password": UNKNOWN_STRING_VALUE, "ids": [UNKNOWN_STRING_VALUE],
                                    "credential": {"token": "plain"}})
    found = _resource_violations(vp.credentials_are_secrets, "pulumi:providers:nsxt", props)
    assert [m.split("'")[1] for m in found] == ["credential.token"]


def test_the_pack_uses_pulumi_policy_internals_in_one_function_only() -> None:
    import ast

    tree = ast.parse((ROOT / "policy" / "vionfv_policies.py").read_text())
    internal: list[tuple[str, str]] = []
    for func in [None, *[n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]]:
        nodes = tree.body if func is None else func.body
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pulumi_policy."):
                internal.append((func.name if func else "<module>", node.module or ""))
            if isinstance(node, ast.ImportFrom) and node.module == "pulumi_policy":
                internal += [(func.name if func else "<module>", f"pulumi_policy.{a.name}")
                             for a in node.names if a.name not in __import__("pulumi_policy").__all__]
    assert internal == [("install_secret_markers", "pulumi_policy.policy")], internal


def test_secret_marker_hook_matches_the_installed_pulumi_policy() -> None:
    """Fails loudly on a pulumi-policy upgrade: install_secret_markers replaces an analyzer internal and was
    checked against one release only; re-check pulumi_policy/policy.py, then bump POLICY_SDK_VERSION and
    policy/requirements.txt together."""
    from importlib.metadata import version

    installed = version("pulumi-policy")
    assert installed == vp.POLICY_SDK_VERSION, (
        f"pulumi-policy {installed} is installed; vionfv_policies.install_secret_markers was written for "
        f"{vp.POLICY_SDK_VERSION}: check that pulumi_policy.policy still deserializes validate-time inputs "
        "with deserialize_properties, then update POLICY_SDK_VERSION"
    )
    pinned = (ROOT / "policy" / "requirements.txt").read_text()
    assert f"pulumi-policy=={vp.POLICY_SDK_VERSION}" in pinned
    from pulumi_policy import policy as analyzer

    source = Path(analyzer.__file__).read_text()
    assert source.count("deserialize_properties(json_format.MessageToDict(") >= 2, "analyzer changed"


def test_analyzer_keeps_secret_markers_once_installed() -> None:
    from pulumi_policy import policy as analyzer

    original = analyzer.deserialize_properties
    try:
        assert vp.install_secret_markers()
        wire = {"password": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                             "value": "s3cr3t"}, "nested": [{"token": "plain"}], "user": "admin"}
        props = analyzer.deserialize_properties(copy.deepcopy(wire))
        assert isinstance(props["password"], Secret) and props["password"].value == "s3cr3t"
        assert props["nested"] == [{"token": "plain"}] and props["user"] == "admin"
        # Without the markers, the stock deserialiser loses secrecy: why the shim exists.
        assert original(copy.deepcopy(wire))["password"] == "s3cr3t"
    finally:
        analyzer.deserialize_properties = original


def test_pack_declares_every_policy_and_credentials_downgrade_only_when_asked() -> None:
    names = [p.name for p in vp.policies()]
    assert names == ["ha-deployment-spec", "no-open-management-ports", "vio-plane-protected",
                     "explicit-providers", "secgroup-rules-as-vio-enforces", "firewall-rules-as-vio-enforces",
                     "octavia-as-vio-supports", "egress-as-configured", "no-tenant-cloud-admin",
                     "vio-rebuild-intended", "credentials-are-secrets"]
    assert all(p.enforcement_level is None for p in vp.policies())  # the pack's MANDATORY applies
    advisory = vp.policies(EnforcementLevel.ADVISORY)[-1]
    assert isinstance(advisory, ResourceValidationPolicy) and advisory.enforcement_level == EnforcementLevel.ADVISORY
    main = (ROOT / "policy" / "__main__.py").read_text()
    assert "EnforcementLevel.MANDATORY" in main and "install_secret_markers()" in main


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_real_program_violates_no_policy(stack: str, request: pytest.FixtureRequest) -> None:
    evaluation: Evaluation = request.getfixturevalue(stack)
    assert violations(evaluation) == []


def test_policies_catch_a_real_program_with_protection_and_ha_weakened(prod: Evaluation) -> None:
    broken = copy.copy(prod)
    weakened = []
    for r in prod.resources:
        r = dataclasses.replace(r, protect=False)
        if r.type == vp.DEPLOYMENT_TYPE:
            r = dataclasses.replace(r, inputs={**r.inputs, "controllers": 2, "min_ready_replicas": 1})
        weakened.append(r)
    broken.resources = weakened
    found = violations(broken)
    assert sorted(f.split(":")[0] for f in found) == ["ha-deployment-spec", "ha-deployment-spec",
                                                      "vio-plane-protected", "vio-plane-protected"]
