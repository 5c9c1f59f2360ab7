"""The pulumi_nsxt stand-in speaks the real provider's API: names, tokens and arguments from its schema.

The schema fact sheet lives beside the repository (`../shared/reference/nsxt-schema.json`), never inside
it. Whatever the stand-in accepts must exist in the provider, and whatever the provider requires of the
resources we use must be accepted, so production code that passes here passes with the generated SDK.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from offline.evaluate import Evaluation

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "reference" / "nsxt-schema.json"

try:
    from pulumi_nsxt import _catalog, _machinery
except ImportError:  # the generated SDK is importable: nothing stands in for it
    pytest.skip("the generated pulumi_nsxt SDK is in use; the stand-in is not loaded", allow_module_level=True)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"NSX-T schema fact sheet not found at {SCHEMA_PATH} (clone the repo beside shared/)")
    return json.loads(SCHEMA_PATH.read_text())


camel = _machinery.snake_to_camel
snake = _machinery.camel_to_snake
RESOURCES = {k: v for k, v in _catalog.RESOURCES.items() if k != "Provider"}
FUNCTIONS = {k: v.__self__ for k, v in _catalog.FUNCTIONS.items() if not k.endswith("_output")}


def test_provider_arguments_are_provider_config_keys(schema):
    unknown = sorted(a for a in _catalog.Provider.ARGS if camel(a) not in schema["config"])
    assert unknown == [], f"Provider accepts arguments the NSX-T provider lacks: {unknown}"


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_resource_token_and_every_argument_exist_in_the_schema(schema, name):
    cls = RESOURCES[name]
    assert cls.TOKEN in schema["resources"], f"{name}: no resource {cls.TOKEN} in the provider"
    inputs = schema["resources"][cls.TOKEN]["inputs"]
    unknown = sorted(a for a in cls.ARGS if camel(a) not in inputs)
    assert unknown == [], f"{name} accepts arguments the provider lacks: {unknown}"
    outputs = set(schema["resources"][cls.TOKEN]["outputs"])
    assert sorted(o for o in cls.OUTPUTS if camel(o) not in outputs) == []


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_resource_accepts_every_required_argument(schema, name):
    cls = RESOURCES[name]
    required = {snake(r) for r in schema["resources"][cls.TOKEN]["required"]}
    assert sorted(required - cls.ARGS) == []


@pytest.mark.parametrize("name", sorted(_catalog.INPUT_TYPES))
def test_input_type_token_and_fields_exist_in_the_schema(schema, name):
    cls = _catalog.INPUT_TYPES[name]
    assert name == cls.TOKEN.split(":")[-1] + "Args"
    assert cls.TOKEN in schema["types"], f"{name}: no type {cls.TOKEN} in the provider"
    props = schema["types"][cls.TOKEN]["properties"]
    assert sorted(a for a in cls.ARGS if camel(a) not in props) == []
    required = {snake(r) for r in schema["types"][cls.TOKEN]["required"]}
    assert sorted(required - cls.ARGS) == []


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_token_and_arguments_exist_in_the_schema(schema, name):
    fn = FUNCTIONS[name]
    assert fn.token in schema["functions"], f"{name}: no function {fn.token} in the provider"
    inputs = schema["functions"][fn.token]["inputs"]
    assert sorted(a for a in fn.args if camel(a) not in inputs) == []
    assert f"{name}_output" in _catalog.FUNCTIONS


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_unknown_resource_argument_raises_type_error_naming_it(name):
    with pytest.raises(TypeError, match=r"unexpected argument\(s\) no_such_argument"):
        RESOURCES[name]("x", no_such_argument=1)


@pytest.mark.parametrize("name", sorted(_catalog.INPUT_TYPES))
def test_unknown_input_type_field_raises_type_error_naming_it(name):
    with pytest.raises(TypeError, match="no_such_field"):
        _catalog.INPUT_TYPES[name](no_such_field=1)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_unknown_function_argument_raises_type_error_naming_it(name):
    with pytest.raises(TypeError, match="no_such_argument"):
        _catalog.FUNCTIONS[f"{name}_output"](no_such_argument=1)


def test_unknown_provider_argument_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="hostname"):
        _catalog.Provider("nsx", hostname="nsx.example.net")


def _nested_keys(value: Any, schema: dict[str, Any], typ: str | None, where: str) -> list[str]:
    """Keys of a recorded input object that its schema type lacks, recursively."""
    if typ is None or not isinstance(value, dict | list):
        return []
    if isinstance(value, list):
        return [bad for i, v in enumerate(value) for bad in _nested_keys(v, schema, typ, f"{where}[{i}]")]
    props = schema["types"][f"nsxt:index/{typ}"]["properties"]
    bad = [f"{where}.{k}" for k in value if k not in props]
    for k, v in value.items():
        if k in props:
            bad += _nested_keys(v, schema, _object_type(props[k]), f"{where}.{k}")
    return bad


def _object_type(prop: dict[str, Any]) -> str | None:
    """The schema type name of an object (or list of objects) property; None for primitives."""
    typ = prop.get("items") or prop.get("type") or ""
    return typ if ":" in typ else None


@pytest.mark.parametrize("stack", ["prod", "dev", "three_pod"])
def test_every_recorded_nsx_input_is_a_provider_input_and_required_ones_are_set(schema, stack, request):
    evaluation: Evaluation = request.getfixturevalue(stack)
    nsx = [r for r in evaluation.resources if r.type.startswith("nsxt:index/")]
    assert nsx, "the stack registers no NSX resource"
    for r in nsx:
        spec = schema["resources"][r.type]
        assert sorted(set(r.inputs) - set(spec["inputs"])) == [], r.name
        assert sorted(set(spec["required"]) - set(r.inputs)) == [], r.name
        for key, value in r.inputs.items():
            assert _nested_keys(value, schema, _object_type(spec["inputs"][key]), key) == [], r.name
