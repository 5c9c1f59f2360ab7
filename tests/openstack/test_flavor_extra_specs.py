"""Nova's extra-spec validation (microversion 2.86 and later) against the specs the prod stack sends.

terraform-provider-openstack sets extra specs with the compute client's default microversion, 2.1
(resource_openstack_compute_flavor_v2.go sets a microversion only for `description`), where Nova stores
any key: test_tenant_layer covers that path. From 2.86 Nova validates keys against its own registry
(nova/api/validation/extra_specs/), which knows VMware's `quota:cpu_*`/`quota:disk_io_*` but not the
VIO-specific keys below: a provider that moved to 2.86+ against a reference Nova would be refused them.
VIO 7 (Train-based Nova, maximum microversion 2.79) never validates; the list records the exposure.
"""

from __future__ import annotations

import pytest

from offline.evaluate import Evaluation
from sim.openstack.client import ApiError, Client

pytestmark = pytest.mark.openstack

#: Keys of the prod stack's flavors that reference Nova refuses from microversion 2.86 on.
UNKNOWN_TO_REFERENCE_NOVA = frozenset({
    "hw:vifs_multi_thread",
    "quota:cpu_reservation_percent",
    "quota:memory_reservation_percent",
    "vmware:extra_config",
    "vmware:latency_sensitivity_level",
})


def test_reference_nova_from_2_86_refuses_exactly_the_vio_specific_extra_specs(
    openstack_cloud: Client, prod: Evaluation
) -> None:
    cloud = openstack_cloud
    specs = {k: v for r in prod.by_type("openstack:compute/flavor:Flavor") for k, v in r.inputs["extraSpecs"].items()}
    flavor = cloud.call("compute", "POST", "/flavors",
                        {"flavor": {"name": "extra-spec-probe", "ram": 512, "vcpus": 1, "disk": 0}})["flavor"]
    refused = set()
    try:
        for key, value in specs.items():
            try:
                cloud.call("compute", "POST", f"/flavors/{flavor['id']}/os-extra_specs", {"extra_specs": {key: value}},
                           headers={"OpenStack-API-Version": "compute 2.86"})
            except ApiError as e:
                assert e.status == 400 and key in e.body, e
                refused.add(key)
    finally:
        cloud.call("compute", "DELETE", f"/flavors/{flavor['id']}")
    assert refused == UNKNOWN_TO_REFERENCE_NOVA
