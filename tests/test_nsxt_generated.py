"""Where the generated pulumi_nsxt is importable, the stand-in speaks its Python API: every class, input type
and function the stand-in offers exists in the generated SDK and takes every argument the stand-in takes.

The generated SDK comes from `pulumi install` (Pulumi.yaml `packages: nsxt`), which needs the
terraform-provider bridge and terraform-provider-nsxt (docs/real-toolchain.md); elsewhere the module is
skipped with the reason. The generated Python SDK declares a resource's arguments as the keyword parameters
of `_internal_init` and an input type's and a function's as those of `__init__` and the function itself
(pulumi/pulumi pkg/codegen/python/gen.go).
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from types import ModuleType
from typing import Any

import pytest

from offline.evaluate import STAND_INS, ensure_nsxt_importable

if ensure_nsxt_importable() == "stand-in":
    pytest.skip("the generated pulumi_nsxt SDK is not installed here (make toolchain cannot build "
                "terraform-provider-nsxt from served modules yet: docs/real-toolchain.md)", allow_module_level=True)

import pulumi_nsxt as real  # the generated SDK, known importable from here on


def _load_stand_in() -> ModuleType:
    name = "_nsxt_stand_in"
    spec = importlib.util.spec_from_file_location(
        name, STAND_INS / "pulumi_nsxt" / "__init__.py", submodule_search_locations=[str(STAND_INS / "pulumi_nsxt")]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


STAND_IN = _load_stand_in()
CATALOG: Any = sys.modules["_nsxt_stand_in._catalog"]


def _keywords(fn: Any) -> set[str]:
    return {p.name for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}


@pytest.mark.parametrize("name", sorted(CATALOG.RESOURCES))
def test_stand_in_resource_exists_with_its_arguments(name: str) -> None:
    cls = getattr(real, name, None)
    assert cls is not None, f"the generated SDK has no class {name}"
    missing = sorted(CATALOG.RESOURCES[name].ARGS - _keywords(cls._internal_init))
    assert missing == [], f"{name}: the stand-in takes arguments the generated SDK lacks: {missing}"


@pytest.mark.parametrize("name", sorted(CATALOG.INPUT_TYPES))
def test_stand_in_input_type_exists_with_its_arguments(name: str) -> None:
    cls = getattr(real, name, None)
    assert cls is not None, f"the generated SDK has no input type {name}"
    missing = sorted(CATALOG.INPUT_TYPES[name].ARGS - _keywords(cls.__init__))
    assert missing == [], f"{name}: the stand-in takes arguments the generated SDK lacks: {missing}"


@pytest.mark.parametrize("name", sorted(CATALOG.FUNCTIONS))
def test_stand_in_function_exists_with_its_arguments(name: str) -> None:
    fn = getattr(real, name, None)
    assert fn is not None, f"the generated SDK has no function {name}"
    missing = sorted(CATALOG.FUNCTIONS[name].__self__.args - _keywords(fn))
    assert missing == [], f"{name}: the stand-in takes arguments the generated SDK lacks: {missing}"
