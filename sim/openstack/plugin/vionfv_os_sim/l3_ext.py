"""The `l3_ext` provider network type VIO's NSX-T Policy plugin accepts for a Tier-0 backed external network.

Reference ML2 has no such type and answers 400 "network_type value 'l3_ext' not supported" (ML2
TypeManager `validate_provider_segment`). VIO's plugin accepts it with the Tier-0's NSX id as
physical_network and nothing else (openstack/vmware-nsx vmware_nsx/plugins/common_v3/plugin.py
`_validate_external_net_create`: no segmentation id; the Tier-0 id is checked against NSX, which the
simulated VIO answers for, so any non-empty id passes here). Registered as an ML2 type driver through
this package's entry point so the program's own request body reaches Neutron unchanged.
"""

from __future__ import annotations

from typing import Any

from neutron_lib import exceptions
from neutron_lib.plugins.ml2 import api

L3_EXT = "l3_ext"


class L3ExtTypeDriver(api.ML2TypeDriver):
    def get_type(self) -> str:
        return L3_EXT

    def initialize(self) -> None:
        pass

    def initialize_network_segment_range_support(self) -> None:
        pass

    def update_network_segment_range_allocations(self) -> None:
        pass

    def get_network_segment_ranges(self) -> None:
        pass

    def is_partial_segment(self, segment: dict[str, Any]) -> bool:
        return False

    def validate_provider_segment(self, segment: dict[str, Any]) -> None:
        if segment.get(api.SEGMENTATION_ID):
            raise exceptions.InvalidInput(error_message="segmentation_id prohibited for l3_ext provider network")

    def reserve_provider_segment(self, context: Any, segment: dict[str, Any], filters: Any = None) -> dict[str, Any]:
        return segment

    def allocate_tenant_segment(self, context: Any, filters: Any = None) -> None:
        # Never a tenant network type: tenant networks come from tenant_network_types.
        return None

    def release_segment(self, context: Any, segment: dict[str, Any]) -> None:
        pass

    def get_mtu(self, physical_network: str | None = None) -> int:
        return 0
