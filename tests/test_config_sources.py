"""Where config comes from: the engine's secret-key information, the stack-file reader shared with
preflight, and the evaluator's duplicate-URN guard."""

from __future__ import annotations

import contextvars
import json
from pathlib import Path
from typing import Any

import pytest

from components import settings as config
from offline.evaluate import evaluate, planted_secret, stack_config
from preflight import stack as preflight_stack

ROOT = Path(__file__).resolve().parents[1]
NS = "vio-nfv:"


def _as_the_cli_passes_it(raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS) as the language host sets them: decrypted values, top-level
    scalars as text, objects as JSON, and the names of the keys that were `secure:`."""
    flat: dict[str, str] = {}
    secret: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            secret.append(key)
            value = planted_secret(key)
        flat[key] = value if isinstance(value, str) else json.dumps(value)
    return flat, secret


def _load_under_cli(monkeypatch: pytest.MonkeyPatch, raw: dict[str, Any], secret_keys: list[str]) -> Any:
    flat, _ = _as_the_cli_passes_it(raw)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(flat))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(secret_keys))
    # A fresh context: no in-process config or secret keys, only what the environment says (the CLI path).
    return contextvars.Context().run(config.load, __import__("pulumi").Config("vio-nfv"))


def test_under_the_cli_secret_keys_come_from_the_environment(monkeypatch):
    raw = stack_config("dev")
    _, secret = _as_the_cli_passes_it(raw)
    settings, _ = _load_under_cli(monkeypatch, raw, secret)
    assert settings.topology == "compact"


def test_under_the_cli_a_credential_not_listed_secret_is_plain_text(monkeypatch):
    raw = stack_config("dev")
    _, secret = _as_the_cli_passes_it(raw)
    secret.remove(NS + "nsxPassword")
    with pytest.raises(config.ConfigError) as caught:
        _load_under_cli(monkeypatch, raw, secret)
    assert [p.key for p in caught.value.problems] == ["nsxPassword"]
    assert planted_secret(NS + "nsxPassword") not in str(caught.value)


def test_the_offline_evaluator_passes_which_keys_are_secret():
    ok = evaluate("dev")
    assert ok.error is None, ok.error
    plain = evaluate("dev", overrides={NS + "openstackPassword": "in-clear"})
    assert isinstance(plain.error, config.ConfigError)
    assert [p.key for p in plain.error.problems] == ["openstackPassword"]
    assert "in-clear" not in str(plain.error) and plain.resources == []


def test_a_tenant_stack_password_in_plain_text_is_rejected(dev):
    program = ROOT / "examples" / "tenant-stack" / "__main__.py"
    evaluation = evaluate("apps", program=program, project="vio-nfv-tenant",
                          stack_outputs={"organization/vio-nfv/dev": dev.outputs},
                          overrides={config.TENANT_NAMESPACE + ":tenantOpenstackPassword": "tenant-pw-in-clear"})
    assert isinstance(evaluation.error, config.ConfigError), evaluation.error
    assert [p.key for p in evaluation.error.problems] == ["tenantOpenstackPassword"]
    assert "tenant-pw-in-clear" not in str(evaluation.error)
    assert [r for r in evaluation.resources if r.custom] == []


def test_preflight_reads_the_stack_file_with_the_same_loader(tmp_path):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config:\n  vio-nfv:topology: ha\n  vio-nfv:topology: compact\n")
    with pytest.raises(preflight_stack.StackError, match=r"Pulumi\.x\.yaml:3: duplicate key 'vio-nfv:topology'"):
        preflight_stack.read_raw(path)
    path.write_text("config:\n  vio-nfv:topology: ha\n  other:key: 1\n")
    assert preflight_stack.read_raw(path) == {"topology": "ha"}


def test_two_resources_with_one_urn_fail_the_evaluation(tmp_path):
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi\n"
        "class C(pulumi.ComponentResource):\n"
        "    def __init__(self, name):\n"
        "        super().__init__('vionfv:test:C', name)\n"
        "        self.register_outputs({'n': name})\n"
        "C('vio-a-b-net-c')\n"
        "C('vio-a-b-net-c')\n"
    )
    evaluation = evaluate("x", config={}, program=program, project="p")
    assert "duplicate resource URN" in str(evaluation.error)


def test_every_urn_of_the_shipped_stacks_is_unique(prod, dev, three_pod):
    for evaluation in (prod, dev, three_pod):
        urns = [r.urn for r in evaluation.resources]
        assert len(urns) == len(set(urns)) and evaluation.duplicate_urns == []


def _schema_has(pattern: str) -> bool:
    """Whether a key pattern names a field of the platform or tenant-stack schema."""
    import typing

    from pydantic import BaseModel
    from pydantic.alias_generators import to_camel

    def model_of(annotation: Any) -> Any:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        return next((m for a in typing.get_args(annotation) if (m := model_of(a)) is not None), None)

    for root in (config.Settings, config.TenantStackSettings):
        model: Any = root
        for part in pattern.replace("[*]", "").split("."):
            field = next((f for n, f in (model.model_fields.items() if model else []) if to_camel(n) == part), None)
            if field is None:
                break
            model = model_of(field.annotation)
        else:
            return True
    return False


def test_every_address_pattern_names_a_schema_field():
    missing = [p for p in config.ADDRESS_SPACES + config.HOST_ADDRESSES if not _schema_has(p)]
    assert missing == []


def test_the_address_space_of_prod_lists_every_network_and_host_address(prod):
    raw = {k[len(NS):]: v for k, v in stack_config("prod").items() if k.startswith(NS)}
    parsed = config.parse({k: v for k, v in raw.items() if k not in config.CREDENTIAL_KEYS})
    nets, hosts = config.address_space({k: getattr(parsed, k) for k in type(parsed).model_fields})
    assert [k for k, _ in nets][:5] == ["managementNetwork.cidr", "apiAccessNetwork.cidr", "externalNetwork.cidr",
                                        "nsx.tier0.uplinks[0].cidr", "nsx.tier0.uplinks[1].cidr"]
    assert str(dict(hosts)["apiAccessNetwork.publicVip"]) == "10.110.20.10"
    assert str(dict(hosts)["managementNetwork.managerIp"]) == "10.110.10.20"
    assert "tenants[1].networks[1].cidr" in dict(nets)
    assert str(dict(hosts)["nsx.tier0.neighbors[1].address"]) == "10.120.2.1"
    assert str(dict(hosts)["tenants[0].loadBalancers[0].vipAddress"]) == "172.16.10.20"
