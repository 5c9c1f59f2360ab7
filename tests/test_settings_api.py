"""The configuration moved to components/config/ by concern; every name other code and other teams
imported from components.settings still imports from there, and is the same object."""

from __future__ import annotations

import importlib

import pytest

from components import settings

#: The public API of components.settings before the split (issue 19), and the modules that now hold it.
OLD_NAMES = {
    "load": "load", "parse": "load", "load_tenant_stack": "load", "parse_tenant_stack": "load",
    "is_secret_key": "load", "Credentials": "load",
    "Settings": "model", "KNOWN_KEYS": "model", "TENANT_STACK_CREDENTIAL_KEYS": "model",
    "ConfigError": "problems", "Problem": "problems", "NAMESPACE": "problems", "TENANT_NAMESPACE": "problems",
    "CREDENTIAL_KEYS": "rules.secrets", "PLAINTEXT_ALLOWED": "rules.secrets", "credential_problems": "rules.secrets",
    "BGP_PASSWORD_MAX": "rules.secrets",
    "VcenterEndpoint": "vcenters", "ManagementVcenter": "vcenters", "ResourceVcenter": "vcenters",
    "Nsx": "nsx", "Tier0": "nsx", "Tier0Uplink": "nsx", "BgpNeighbor": "nsx", "TIER0_EDGE_NODES": "nsx",
    "Vio": "vio", "VioManager": "vio", "ManagementNetwork": "vio", "ApiAccessNetwork": "vio",
    "DEFAULT_OVF_PROPERTIES": "vio", "CONTROLLER_SIZES": "vio",
    "OpenStack": "openstack", "ExternalNetwork": "openstack", "Flavor": "openstack",
    "TenantSpec": "tenants", "TenantStackSettings": "tenants", "TenantOpenStack": "tenants",
    "SecurityRule": "tenants", "HealthMonitor": "tenants", "RoleAssignment": "tenants",
    "FLAVOR_EXTRA_SPECS": "rules.flavors", "REJECTED_EXTRA_SPECS": "rules.flavors",
    "ADDRESS_SPACES": "rules.addresses", "HOST_ADDRESSES": "rules.addresses", "address_space": "rules.addresses",
    "select": "rules.addresses", "KeyedItem": "rules.names", "keyed_items": "rules.names",
    "ambiguous_name_problems": "rules.names", "port_range": "types", "DVS_MOID_HOW": "types",
    "DVS_MOID_PATTERN": "types",
}


@pytest.mark.parametrize(("name", "module"), sorted(OLD_NAMES.items()))
def test_old_import_still_works_and_is_the_moved_object(name: str, module: str) -> None:
    moved = importlib.import_module(f"components.config.{module}")
    assert getattr(settings, name) is getattr(moved, name)
    assert name in settings.__all__


def test_from_import_of_the_common_names() -> None:
    from components.settings import ConfigError, Settings, TenantSpec, load, parse  # noqa: F401


def test_no_config_module_is_over_500_lines() -> None:
    from pathlib import Path

    root = Path(settings.__file__).parent / "config"
    sizes = {p.relative_to(root).as_posix(): len(p.read_text().splitlines()) for p in root.rglob("*.py")}
    assert {k: v for k, v in sizes.items() if v > 500} == {}
