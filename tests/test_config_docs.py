"""docs/configuration.md is generated from the configuration models and held equal to them; every rule a
rule module declares names a key that exists, so the page cannot point at nothing."""

from __future__ import annotations

import pytest

from components import settings
from components.config import reference
from components.config.tenants import TenantStackSettings
from tools import config_docs

KEYS = {r.key for r in reference.rows()} | {
    r.key.replace("tenant.", "tenants[*].", 1) for r in reference.rows(TenantStackSettings, tenant_stack=True)
}


def test_the_committed_page_is_what_the_models_generate() -> None:
    assert config_docs.PAGE.read_text() == reference.markdown(), "run `python -m tools.config_docs`"


@pytest.mark.parametrize("module", reference.RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_declared_rule_names_a_real_key(module) -> None:
    assert set(module.CHECKS) - KEYS == set()


def test_every_address_pattern_names_a_real_key() -> None:
    from components.config.rules.addresses import ADDRESS_SPACES, HOST_ADDRESSES

    real = KEYS | {k.replace("tenants[*].", "tenant.", 1) for k in KEYS}
    assert {p for p in (*ADDRESS_SPACES, *HOST_ADDRESSES)} - real == set()


def test_every_top_level_key_and_section_is_documented_with_a_type_and_a_description() -> None:
    rows = reference.rows()
    assert {r.key for r in rows if "." not in r.key} == {k for k, *_ in settings._SECTIONS}
    for r in rows:
        assert r.type, r
        if "." not in r.key or r.type.startswith(("section", "list of section")):
            assert r.description, f"{r.key}: describe it on the field or the model's docstring"


def test_enforced_limits_appear_on_the_page() -> None:
    """The limits the README once left out: namePrefix is a label of at most 40 lowercase characters."""
    page = reference.markdown()
    assert "| `namePrefix` | label | `\"vio\"` |" in page
    assert "1-40 lowercase letters" in page
