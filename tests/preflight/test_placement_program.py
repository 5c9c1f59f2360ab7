"""What preflight checks for name collisions is what the program creates: each vSphere folder, resource pool,
port group and VM the platform program registers (under the mock runtime, offline) has a `Creation` with
the same type, logical name, provider, parent component, name and VLAN, and nothing else does."""

from __future__ import annotations

from typing import Any

import pytest

from offline.evaluate import ensure_nsxt_importable, evaluate
from preflight import placement
from tests.preflight.conftest import ROOT, load_settings

ensure_nsxt_importable()
CREATED = (placement.FOLDER, placement.POOL, placement.PORT_GROUP, placement.VM)


def _name(r: Any) -> str:
    inputs = r.inputs
    return str(inputs.get("path") if r.type == placement.FOLDER else inputs.get("name"))


@pytest.mark.parametrize("stack", ["prod", "dev", "three-pod"])
def test_creations_are_the_programs_registrations(stack: str) -> None:
    evaluation = evaluate(stack)
    assert evaluation.error is None, evaluation.error
    by_urn = evaluation.by_urn()
    program = {
        (r.type, r.name, r.provider_name, by_urn[r.parent].type, by_urn[r.parent].name, _name(r),
         r.inputs.get("vlanId"))
        for r in evaluation.resources if r.type in CREATED
    }
    settings = load_settings(ROOT / f"Pulumi.{stack}.yaml")
    planned = {
        (c.type, c.logical, placement.PROVIDERS[c.role], *c.parent, c.name, c.vlan)
        for c in placement.creations(settings)
    }
    assert planned == program
    assert len(planned) == len(placement.creations(settings))
