"""Pulumi.yaml declares the stack configuration that components/settings.py reads, so the Pulumi CLI refuses
a missing or plaintext credential before the program runs.

The CLI's rules (pulumi/pulumi sdk/go/common/workspace/project.json and config.go): types are string,
integer, boolean and array (array needs `items`); a key of the project's namespace declared without
`default` or `value` is required; `secret: true` is enforced on explicitly typed keys only; a key of
another namespace may carry neither a type nor a default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from components import settings

ROOT = Path(__file__).resolve().parents[1]
PROJECT = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
DECLARED: dict[str, dict[str, Any]] = {
    k: v if isinstance(v, dict) else {"default": v} for k, v in (PROJECT.get("config") or {}).items()
}
CLI_TYPES = {"string", "integer", "boolean", "array"}

# (config key, Settings attribute, required) of every section settings reads.
SECTIONS = [(key, attr, required) for key, attr, _, required in settings._SECTIONS]


def _settings_default(attr: str) -> Any:
    return settings.Settings.model_fields[attr].get_default(call_default_factory=True)


#: Secret inputs a stack may hold in plain text (a certificate thumbprint): settings says which.
PLAINTEXT_ALLOWED: frozenset[str] = getattr(settings, "PLAINTEXT_ALLOWED", frozenset({"resourceVcenterThumbprint"}))


def test_every_credential_is_a_typed_secret_without_default() -> None:
    for key in settings.CREDENTIAL_KEYS:
        assert key in DECLARED, f"credential {key} is not declared in Pulumi.yaml"
        decl = DECLARED[key]
        # `secret: true` is only enforced on an explicitly typed key (config.go: IsExplicitlyTyped).
        assert decl.get("type") == "string", (key, decl)
        assert decl.get("secret", False) is (key not in PLAINTEXT_ALLOWED), (key, decl)
        assert "default" not in decl and "value" not in decl, f"{key}: a default would make it optional"


@pytest.mark.parametrize(("key", "attr", "required"), SECTIONS, ids=[s[0] for s in SECTIONS])
def test_every_section_is_declared_as_settings_reads_it(key: str, attr: str, required: bool) -> None:
    if required:
        assert key in DECLARED, f"required section {key} is not declared"
        assert "default" not in DECLARED[key] and "value" not in DECLARED[key], f"{key} must stay required"
        return
    default = _settings_default(attr)
    if default is None:
        # Optional without a neutral value: the CLI cannot express it (declared without default = required).
        assert key not in DECLARED, f"{key} is optional in settings; declaring it would make the CLI require it"
        return
    assert key in DECLARED, f"optional section {key} is not declared"
    assert DECLARED[key].get("default") == default, (key, DECLARED[key].get("default"), default)


def test_nothing_is_declared_that_settings_does_not_read() -> None:
    read = {key for key, *_ in SECTIONS} | set(settings.CREDENTIAL_KEYS)
    assert set(DECLARED) - read == set()
    assert settings.KNOWN_KEYS == read


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_declarations_follow_the_cli_schema_and_are_described(key: str) -> None:
    decl = DECLARED[key]
    assert set(decl) <= {"type", "items", "description", "secret", "default", "value"}, decl
    assert decl.get("description"), f"{key} has no description"
    if "type" in decl:
        assert decl["type"] in CLI_TYPES
        assert decl["type"] != "array" or "items" in decl
    assert ":" not in key, "keys of another namespace may not be typed or defaulted"


def test_the_declared_defaults_are_valid_config() -> None:
    """The CLI writes the declared defaults into a stack that does not set them: settings must accept them
    (a stack made of the dev stack's required sections and credentials plus those defaults)."""
    dev = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    raw = {k.split(":", 1)[1]: v for k, v in dev.items() if k.startswith(f"{settings.NAMESPACE}:")}
    raw = {k: v for k, v in raw.items() if k not in settings.CREDENTIAL_KEYS}
    for key, decl in DECLARED.items():
        if "default" in decl:
            raw[key] = decl["default"]
    raw.pop("externalNetwork", None)
    parsed = settings.parse(raw)
    for key, attr, _, required in settings._SECTIONS:
        if not required and "default" in DECLARED.get(key, {}):
            assert getattr(parsed, attr) == _settings_default(attr), key


def test_a_plaintext_credential_would_be_refused_by_the_cli_rule() -> None:
    """The check the CLI makes, applied to the real stack files: every declared secret is `secure:` there."""
    for stack_file in sorted(ROOT.glob("Pulumi.*.yaml")):
        config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
        for key, decl in DECLARED.items():
            value = config.get(f"{settings.NAMESPACE}:{key}")
            if decl.get("secret"):
                assert isinstance(value, dict) and set(value) == {"secure"}, f"{stack_file.name}: {key}"
            elif "default" not in decl:
                assert value is not None, f"{stack_file.name} misses required {key}"


TENANT_PROJECT = yaml.safe_load((ROOT / "examples" / "tenant-stack" / "Pulumi.yaml").read_text())
TENANT_DECLARED: dict[str, dict[str, Any]] = dict(TENANT_PROJECT.get("config") or {})


def test_the_tenant_stack_reads_its_keys_in_its_own_projects_namespace() -> None:
    # Only a key of the project's own namespace may be typed or `secret: true` in its Pulumi.yaml.
    assert TENANT_PROJECT["name"] == settings.TENANT_NAMESPACE
    stack = yaml.safe_load((ROOT / "examples" / "tenant-stack" / "Pulumi.apps.yaml").read_text())["config"]
    assert {k.split(":", 1)[0] for k in stack} == {settings.TENANT_NAMESPACE, "pulumi"}


def test_the_tenant_stack_declares_exactly_what_settings_reads() -> None:
    sections = {key: required for key, _, _, required in settings._TENANT_STACK_SECTIONS}
    assert set(TENANT_DECLARED) == set(sections) | set(settings.TENANT_STACK_CREDENTIAL_KEYS)
    for key in settings.TENANT_STACK_CREDENTIAL_KEYS:
        decl = TENANT_DECLARED[key]
        assert decl.get("type") == "string" and decl.get("secret") is True and "default" not in decl, key
    for key, required in sections.items():
        assert required and "default" not in TENANT_DECLARED[key], f"{key} must stay required"
    for key, decl in TENANT_DECLARED.items():
        assert decl.get("description") and set(decl) <= {"type", "description", "secret", "default"}, key
        assert decl.get("type", "string") in CLI_TYPES


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_declared_descriptions_are_the_models_own(key: str) -> None:
    """Descriptions are written once, on the model (components/config): Pulumi.yaml repeats them exactly,
    as does the generated docs/configuration.md."""
    from components.config.rules.secrets import CREDENTIAL_DESCRIPTIONS

    attr = next((a for k, a, *_ in settings._SECTIONS if k == key), None)
    expected = CREDENTIAL_DESCRIPTIONS.get(key) or settings.Settings.model_fields[str(attr)].description
    assert DECLARED[key].get("description") == expected
