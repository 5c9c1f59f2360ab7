"""A FWaaS v2 service driver that settles a firewall group's status at once, as an agent would report it.

Reference FWaaS (neutron_fwaas/services/firewall/service_drivers/agents/agents.py
`create_firewall_group_precommit`) leaves a group with ports and a policy in PENDING_CREATE until an L3
agent acknowledges it over RPC; no agent runs here, and terraform-provider-openstack waits for ACTIVE,
INACTIVE or DOWN (openstack_fw_group_v2 `fwGroupV2RefreshFunc` targets). This driver stores everything
through neutron_fwaas's own DB mixin (`FirewallDriverDB`) and sets the status the agent's ack would:
INACTIVE without ports or without any policy (the rule agents.py applies itself), DOWN when
admin_state_up is false, ACTIVE otherwise. Router ports are accepted (`is_supported_l3_port`, as the
agent driver does); VM ports are not (the agent driver accepts only OVS-bound ones, and none bind here).
"""

from __future__ import annotations

from typing import Any

from neutron_fwaas.services.firewall.service_drivers import driver_api
from neutron_lib import constants


def _settled(group: dict[str, Any]) -> str:
    if not group.get("ports") or not (
        group.get("ingress_firewall_policy_id") or group.get("egress_firewall_policy_id")
    ):
        return constants.INACTIVE
    if not group.get("admin_state_up", True):
        return constants.DOWN
    return constants.ACTIVE


class ImmediateFirewallDriver(driver_api.FirewallDriverDB):
    def is_supported_l3_port(self, port: dict[str, Any]) -> bool:
        return True

    def create_firewall_group_precommit(self, context: Any, firewall_group: dict[str, Any]) -> None:
        firewall_group["status"] = _settled(firewall_group)

    def update_firewall_group_precommit(
        self, context: Any, old_firewall_group: dict[str, Any], new_firewall_group: dict[str, Any]
    ) -> None:
        new_firewall_group["status"] = _settled(new_firewall_group)
