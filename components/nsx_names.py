"""Names and NSX ids the program gives its NSX objects, in one place: the program (components/nsx_edge.py,
components/stack_args.py) creates them under these names and preflight (preflight/nsx.py) checks that
none is taken yet. No Pulumi import: preflight runs without the generated NSX SDK.
"""

from __future__ import annotations

from components.settings import Settings


def tier0_nsx_id(settings: Settings) -> str:
    """The Tier-0's fixed NSX id (also its display name): what VIO and the external network are told."""
    return settings.nsx.tier0.name or f"{settings.name_prefix}-t0"


def metadata_proxy_name(settings: Settings) -> str:
    """The metadata proxy's display name and NSX id."""
    return settings.nsx.metadata_proxy.name or f"{settings.name_prefix}-md-proxy"


def uplink_segment_name(tier0_name: str, uplink: str) -> str:
    """Display name of an uplink's VLAN segment (its NSX id is generated: only the name is planned)."""
    return f"{tier0_name}-{uplink}"


def dhcp_server_id(tier0_name: str) -> str:
    """NSX id and display name of the DHCP server profile."""
    return f"{tier0_name}-dhcp"


def manager_address(settings: Settings) -> str:
    """`host`, or `host:port` off 443: the form both clients of the Manager take. terraform-provider-nsxt
    prefixes "https://" to its `host` as given (nsxt/provider.go configurePolicyConnectorData); VIO's
    `nsx_api_managers` is "[<scheme>://]<ip_address>[:<port>] ... If port is not provided ... 443 for https"
    (openstack/vmware-nsx vmware_nsx/common/config.py)."""
    nsx = settings.nsx
    return nsx.host if nsx.port == 443 else f"{nsx.host}:{nsx.port}"
