"""The slice of the NSX-T provider's Python API this project uses, by name.

Argument names are the provider's (snake_case of the schema's camelCase); tests check each against
the schema fact sheet. Add an entry here when production code starts using another resource.
"""

from __future__ import annotations

from typing import Any

from ._machinery import InputType, StandInFunction, StandInProvider, StandInResource, make_input_type


def _resource(name: str, args: tuple[str, ...], outputs: tuple[str, ...] = ("path", "revision")) -> type:
    token = f"nsxt:index/{name[0].lower()}{name[1:]}:{name}"
    return type(
        name,
        (StandInResource,),
        {"TOKEN": token, "ARGS": frozenset(args), "OUTPUTS": frozenset(outputs)},
    )


def _input(name: str, args: tuple[str, ...]) -> type[InputType]:
    return make_input_type(f"{name}Args", f"nsxt:index/{name}:{name}", args)


def _function(python_name: str, name: str, args: tuple[str, ...]) -> dict[str, Any]:
    fn = StandInFunction(python_name, f"nsxt:index/get{name}:get{name}", args)
    return {python_name: fn.plain, f"{python_name}_output": fn.output}


class Provider(StandInProvider):
    ARGS = frozenset(
        {"host", "username", "password", "allow_unverified_ssl", "ca", "ca_file", "max_retries",
         "retry_min_delay", "retry_max_delay", "enforcement_point", "remote_auth", "session_auth"}
    )


RESOURCES: dict[str, Any] = {
    "Provider": Provider,
    "ComputeManager": _resource(
        "ComputeManager",
        ("display_name", "description", "server", "credential", "tags", "origin_type",
         "create_service_account", "set_as_oidc_provider", "access_level_for_oidc",
         "reverse_proxy_https_port", "multi_nsx", "extension_certificate"),
        outputs=("revision",),
    ),
    "PolicyVlanSegment": _resource(
        "PolicyVlanSegment",
        ("display_name", "description", "nsx_id", "vlan_ids", "transport_zone_path", "subnets", "tags",
         "advanced_config", "bridge_configs", "context", "dhcp_config_path", "discovery_profile",
         "domain_name", "l2_extension", "qos_profile", "replication_mode", "security_profile"),
    ),
    "PolicyTier0Gateway": _resource(
        "PolicyTier0Gateway",
        ("display_name", "description", "nsx_id", "ha_mode", "failover_mode", "edge_cluster_path",
         "bgp_config", "redistribution_config", "tags", "default_rule_logging", "dhcp_config_path",
         "enable_firewall", "force_whitelisting", "internal_transit_subnets", "intersite_config",
         "ipv6_dad_profile_path", "ipv6_ndra_profile_path", "locale_services", "rd_admin_address",
         "transit_subnets", "vrf_config"),
        outputs=("path", "revision", "nsx_id", "bgp_config"),
    ),
    "PolicyTier0GatewayInterface": _resource(
        "PolicyTier0GatewayInterface",
        ("display_name", "description", "nsx_id", "gateway_path", "segment_path", "edge_node_path",
         "subnets", "type", "mtu", "tags", "access_vlan_id", "enable_pim", "ipv6_ndra_profile_path",
         "ospf", "site_path", "urpf_mode"),
        outputs=("path", "revision", "ip_addresses", "locale_service_id"),
    ),
    "PolicyTier0GatewayHaVipConfig": _resource(
        "PolicyTier0GatewayHaVipConfig", ("configs",), outputs=("tier0_id", "locale_service_id")
    ),
    "PolicyBgpNeighbor": _resource(
        "PolicyBgpNeighbor",
        ("display_name", "description", "nsx_id", "bgp_path", "neighbor_address", "remote_as_num",
         "source_addresses", "password", "bfd_config", "tags", "allow_as_in", "graceful_restart_mode",
         "hold_down_time", "keep_alive_time", "maximum_hop_limit", "route_filterings"),
    ),
    "PolicyGatewayRedistributionConfig": _resource(
        "PolicyGatewayRedistributionConfig",
        ("gateway_path", "bgp_enabled", "ospf_enabled", "rules", "site_path"),
        outputs=("gateway_id", "locale_service_id"),
    ),
    "PolicyDhcpServer": _resource(
        "PolicyDhcpServer",
        ("display_name", "description", "nsx_id", "edge_cluster_path", "lease_time", "server_addresses",
         "preferred_edge_paths", "tags", "context"),
    ),
    "PolicyMetadataProxy": _resource(
        "PolicyMetadataProxy",
        ("display_name", "description", "nsx_id", "edge_cluster_path", "server_address", "secret",
         "crypto_protocols", "enable_standby_relocation", "preferred_edge_paths", "server_certificates",
         "tags"),
    ),
}

INPUT_TYPES: dict[str, type[InputType]] = {
    t.__name__: t
    for t in (
        _input("ComputeManagerCredential",
               ("username_password_login", "session_login", "saml_login", "verifiable_asymmetric_login")),
        _input("ComputeManagerCredentialUsernamePasswordLogin", ("username", "password", "thumbprint")),
        _input("ComputeManagerTag", ("scope", "tag")),
        _input("PolicyTier0GatewayBgpConfig",
               ("enabled", "local_as_num", "ecmp", "inter_sr_ibgp", "multipath_relax", "graceful_restart_mode",
                "graceful_restart_stale_route_timer", "graceful_restart_timer", "route_aggregations", "tags")),
        _input("PolicyTier0GatewayRedistributionConfig", ("enabled", "ospf_enabled", "rules")),
        _input("PolicyTier0GatewayRedistributionConfigRule", ("name", "types", "bgp", "ospf", "route_map_path")),
        _input("PolicyGatewayRedistributionConfigRule", ("name", "types", "bgp", "ospf", "route_map_path")),
        _input("PolicyTier0GatewayHaVipConfigConfig", ("enabled", "external_interface_paths", "vip_subnets")),
        _input("PolicyBgpNeighborBfdConfig", ("enabled", "interval", "multiple")),
    )
}

FUNCTIONS: dict[str, Any] = {
    **_function("get_policy_transport_zone", "PolicyTransportZone",
                ("id", "display_name", "description", "transport_type", "is_default", "site_path")),
    **_function("get_policy_edge_cluster", "PolicyEdgeCluster",
                ("id", "display_name", "description", "site_path")),
    **_function("get_policy_edge_node", "PolicyEdgeNode",
                ("id", "display_name", "description", "edge_cluster_path", "member_index")),
}

