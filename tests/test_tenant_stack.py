"""The tenant team's own stack (examples/tenant-stack) evaluated from the platform's exported contract."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import contract
from offline.evaluate import Evaluation, evaluate, planted_secret

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "tenant-stack" / "__main__.py"
PLATFORM = "organization/vio-nfv/dev"


def _tenant_stack(platform_outputs: dict[str, Any], **kwargs: Any) -> Evaluation:
    return evaluate("apps", program=PROGRAM, project="vio-nfv-tenant",
                    stack_outputs={PLATFORM: platform_outputs}, **kwargs)


def _failing_tenant_stack(platform_outputs: dict[str, Any], **kwargs: Any) -> tuple[str, str, int]:
    """Evaluate a run expected to fail. Returns (error type, message, OpenStack resources registered)."""
    evaluation = _tenant_stack(platform_outputs, **kwargs)
    count = len([r for r in evaluation.resources if r.type.startswith("openstack:")])
    return type(evaluation.error).__name__, str(evaluation.error), count


@pytest.fixture(autouse=True)
def _collect_failed_runs() -> Iterator[None]:
    """A failed evaluation's error keeps its failed output tasks alive through the traceback; collect them
    here, at a quiet point, not in a later compile() (see offline.evaluate: CPython 3.11 AST check)."""
    yield
    gc.collect()


@pytest.fixture(scope="module")
def tenant(dev: Evaluation) -> Evaluation:
    evaluation = _tenant_stack(dev.outputs)
    assert evaluation.error is None, evaluation.error
    return evaluation


def test_tenant_stack_builds_its_networks_from_the_contract_alone(tenant: Evaluation, dev: Evaluation) -> None:
    router = tenant.named("apps-router")
    assert router.inputs["externalNetworkId"] == dev.outputs["externalNetworkId"]
    assert tenant.named("apps-fip-api").inputs["pool"] == dev.outputs["externalNetworkName"]
    assert set(tenant.outputs["networkIds"]) == {"front", "back"}
    assert "tenantId" not in tenant.named("apps-net-front").inputs, "scoped by the tenant's own credentials"


def test_tenant_provider_uses_public_endpoint_and_secret_tenant_credentials(tenant: Evaluation, dev: Evaluation) -> None:
    [provider] = tenant.by_type("pulumi:providers:openstack")
    assert provider.inputs["authUrl"] == dev.outputs["publicEndpoint"]
    assert provider.inputs["tenantId"] == dev.outputs["tenantProjectIds"]["apps"]
    assert "password" in provider.secret_paths
    plaintext = planted_secret("vio-nfv-tenant:tenantOpenstackPassword")
    assert plaintext not in repr([r.inputs for r in tenant.resources]) + repr(tenant.outputs)
    openstack = [r for r in tenant.resources if r.type.startswith("openstack:")]
    assert openstack and all(r.provider.startswith(provider.urn) for r in openstack)


def test_tenant_stack_config_is_validated_like_the_platform_tenants(dev: Evaluation) -> None:
    kind, message, count = _failing_tenant_stack(
        dev.outputs, overrides={"vio-nfv-tenant:tenantOpenstack": {"username": "x", "port": 1}},
        remove=("vio-nfv-tenant:tenantOpenstackPassword",))
    assert kind == "ConfigError"
    assert "vio-nfv-tenant:tenantOpenstackPassword: is required" in message
    assert "vio-nfv-tenant:tenantOpenstack.port: unknown key" in message
    assert count == 0


def test_a_key_missing_from_the_platform_exports_fails_naming_it(dev: Evaluation) -> None:
    outputs = {k: v for k, v in dev.outputs.items() if k != "externalNetworkId"}
    kind, message, _ = _failing_tenant_stack(outputs)
    assert kind == "MissingOutputError"
    assert f"platform stack {PLATFORM!r} does not export 'externalNetworkId'" in message


def test_a_key_outside_the_contract_is_refused_before_reading(dev: Evaluation) -> None:
    class Ref:
        def get_output(self, key: str) -> Any:  # never reached
            raise AssertionError(key)

    with pytest.raises(contract.MissingOutputError, match="not part of the platform output contract: \\['tier1Id'\\]"):
        contract.read_platform(Ref(), PLATFORM, ["externalNetworkId", "tier1Id"])  # type: ignore[arg-type]


def test_a_tenant_the_platform_has_no_project_for_fails_naming_it(dev: Evaluation) -> None:
    outputs = {**dev.outputs, "tenantProjectIds": {"lab": "x"}}
    kind, message, _ = _failing_tenant_stack(outputs)
    assert kind == "MissingOutputError"
    assert "no project for tenant 'apps'" in message


def test_tenant_stack_load_balancer_waits_for_its_router_interface_and_uses_the_routable_pool(tenant: Evaluation) -> None:
    assert tenant.named("apps-router-if-front").urn in tenant.named("apps-lb-api").dependencies
    pool = tenant.named("apps-subnet-pool")
    assert pool.inputs["prefixes"] == ["172.31.10.0/24"]
    assert pool.urn in tenant.named("apps-subnet-front").property_dependencies["subnetpoolId"]
    assert tenant.named("apps-router").inputs["enableSnat"] is False


def test_the_platform_exports_the_contract_version(dev: Evaluation) -> None:
    assert dev.outputs[contract.CONTRACT_VERSION_KEY] == contract.CONTRACT_VERSION


@pytest.mark.parametrize(
    ("platform_version", "upgrade"),
    [
        (None, "upgrade the platform stack"),
        ("0.9.0", "upgrade the platform stack"),
        ("99.0.0", "upgrade the vio-nfv-components library in this tenant stack"),
    ],
)
def test_a_platform_on_another_contract_major_fails_saying_what_to_upgrade(
    dev: Evaluation, platform_version: str | None, upgrade: str
) -> None:
    outputs = {**dev.outputs, contract.CONTRACT_VERSION_KEY: platform_version}
    if platform_version is None:
        del outputs[contract.CONTRACT_VERSION_KEY]
    kind, message, _ = _failing_tenant_stack(outputs)
    assert kind == "ContractVersionError"
    assert upgrade in message and contract.CONTRACT_VERSION in message


def test_a_newer_minor_of_the_same_major_is_accepted(dev: Evaluation) -> None:
    major = contract.CONTRACT_VERSION.split(".")[0]
    evaluation = _tenant_stack({**dev.outputs, contract.CONTRACT_VERSION_KEY: f"{major}.99.0"})
    assert evaluation.error is None, evaluation.error
